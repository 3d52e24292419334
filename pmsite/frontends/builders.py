"""``pmsite build --with mkdocs|properdocs|zensical``: one knowledge base, three builders."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

from pmsite.errors import BuildFailed, CommandError, UsageError
from pmsite.frontends.siteconfig import read_site_config
from pmsite.frontends.zensical.finish import finish
from pmsite.frontends.zensical.generate import generate
from pmsite.site import publishing
from pmsite.site.publishing import say

BUILDERS = ("mkdocs", "properdocs", "zensical")





# --- build with a builder -----------------------------------------------------------------------


def _builder_command(builder: str, config_file: Path, strict: bool) -> list[str]:
    import importlib.util

    if importlib.util.find_spec(builder) is None:
        raise CommandError(f"{builder} is not installed: pip install 'pmsite[{builder}]'" if builder != "mkdocs" else "mkdocs is not installed")
    cmd = [sys.executable, "-m", builder, "build", "-f", str(config_file)]
    if builder != "zensical":
        cmd.append("--clean")
    if strict:
        cmd.append("--strict")
    return cmd



def _run(cmd: list[str], cwd: Path) -> None:
    env = dict(os.environ, NO_MKDOCS_2_WARNING="1", DISABLE_MKDOCS_2_WARNING="true")
    try:
        done = subprocess.run(cmd, cwd=cwd, env=env)
    except OSError as exc:
        raise CommandError(f"could not run {cmd[2]}: {exc}") from None
    if done.returncode != 0:
        raise CommandError(f"{cmd[2]} build failed (exit status {done.returncode})")



def build(config_file: Path | None, builder: str, *, out: Path | None = None, strict: bool = False) -> Path:
    """Build the site with one of :data:`BUILDERS`; return the folder it was written to.

    MkDocs and ProperDocs run the pmsite plugin (one pass, as ``mkdocs build``); Zensical,
    which runs no plugins, builds the folder :func:`generate` writes, then :func:`finish`
    completes it and it moves to the site's ``site_dir``.
    """
    if builder not in BUILDERS:
        raise UsageError(f"--with must be one of {', '.join(BUILDERS)}, got {builder!r}")
    if builder != "zensical":
        config = read_site_config(config_file)
        config_path = config.require_file()
        _run(_builder_command(builder, config_path, strict), config.base)
        return config.site_dir
    command = _builder_command("zensical", Path("mkdocs.yml"), strict)  # before generating: is it installed?
    gen = generate(config_file, out)
    if strict and gen.warnings:
        say("ERROR", publishing.strict_failure(len(gen.warnings)))
        raise BuildFailed
    command[command.index("-f") + 1] = str(gen.config_file.resolve())
    _run(command + ["--clean"], gen.out)
    finish(gen, gen.built_site)
    target = gen.site.config.site_dir
    if target.resolve() in (gen.site.docs_dir.resolve(), gen.site.config_file.resolve().parent):
        raise UsageError(f"site_dir {target} would replace the site's sources")
    if target.is_dir() and not target.is_symlink():
        shutil.rmtree(target)
    elif target.exists() or target.is_symlink():
        target.unlink()
    target.parent.mkdir(parents=True, exist_ok=True)
    shutil.move(str(gen.built_site), str(target))
    say("INFO", f"site written to {target}")
    return target
