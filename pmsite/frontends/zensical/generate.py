"""``pmsite generate``: the knowledge base as plain pages, for builders without plugins (Zensical).

The MkDocs plugin and this module are the two callers of one :class:`~pmsite.engine.Engine`:
the same loading, checks, messages, templates and data files. Where the plugin hands MkDocs
each page in memory, this module writes a folder that a builder reads as ordinary pages::

    OUT/mkdocs.yml   INHERITs the site's mkdocs.yml; adds docs_dir, custom_dir, pmsite's CSS
                     and script, pmsite's TOC extension, not_in_nav, Zensical's classic
                     (Material) look unless the site chose a variant, and turns the builder's
                     own search off (pmsite's Pagefind search replaces it, as with the plugin)
    OUT/docs/        the hand-written pages (the guide's markers filled in), one Markdown file
                     per generated page (front matter: title, tags, hide, description,
                     edit_url; body: the engine's HTML) and every data file
    OUT/site/        where ``zensical build -f OUT/mkdocs.yml`` writes
"""

from __future__ import annotations

import json
import os
import shutil
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import quote

from pmsite.engine import Engine
from pmsite.errors import BuildFailed, PageCollision, UsageError
from pmsite.frontends.siteconfig import SiteConfig, read_site_config
from pmsite.problems import Problem
from pmsite.site import publishing
from pmsite.site.datafiles import ASSET_PREFIX
from pmsite.site.publishing import say
from pmsite.site.urls import dest_path, page_url

# Where Zensical's Material look falls short of what the MkDocs site passes (axe): its footer's link is
# told apart by colour alone.
THEME_FIXES_PATH = f"{ASSET_PREFIX}/zensical.css"

THEME_FIXES = "/* pmsite generate: a fix to Zensical's theme */\n.md-footer-meta .md-copyright a { text-decoration: underline; }\n"

HIGHLIGHTERS = ("codehilite", "pymdownx.highlight")

DEFAULT_OUT = Path("build") / "pmsite"  # beside mkdocs.yml; build/ is ignored by git

MARKER = ".pmsite-generated"  # an output folder holds this file: only such a folder is ever emptied

TOC_EXTENSION = "pmsite.generate"  # this module is also a Markdown extension (see makeExtension)



@dataclass
class Site:
    """A site's configuration and the engine that builds it for a builder without plugins."""

    config: SiteConfig
    engine: Engine

    @property
    def config_file(self) -> Path:
        return self.config.require_file()

    @property
    def docs_dir(self) -> Path:
        return self.config.docs_dir


def read_site(config_file: Path | None) -> Site:
    """The site's configuration (checked as the plugin checks it, with the same messages) and an engine for it."""
    config = read_site_config(config_file)
    config.require_file()
    if not config.docs_dir.is_dir():
        raise UsageError(f"{config.config_file}: docs_dir {config.docs_dir} is not a folder")
    for warning in config.warnings:
        say("WARNING", warning)
    extensions, configs = config.markdown_extensions()
    directory_urls = config.directory_urls
    engine = Engine(
        config.settings,
        docs_dir=config.docs_dir,
        incidents_dir=config.incidents_dir,
        override_dirs=config.override_dirs,
        markdown_extensions=extensions,
        markdown_configs=configs,
        base=config.base,
        site_url=config.site_url,
        site_name=config.site_name,
        url_for=lambda src: page_url(src, directory_urls),
        search=config.search,
    )
    return Site(config, engine)


# --- generate ----------------------------------------------------------------------------------


@dataclass
class Generated:
    """An output folder ready for a builder, and what the post-build step needs."""

    site: Site
    out: Path
    config_file: Path  # OUT/mkdocs.yml
    docs: Path  # OUT/docs
    pages: dict[str, str]  # src_uri -> URL of every page in OUT/docs (hand-written and generated)
    generated: set[str]  # src_uris of the engine's pages
    edit_urls: dict[str, str]  # src_uri -> the edit link of a generated page that has a source (its YAML)
    warnings: list[Problem]
    data_files: int = 0

    @property
    def built_site(self) -> Path:
        return self.out / "site"



def _prepare_out(out: Path, site: Site) -> None:
    """Empty the output folder, refusing any folder that pmsite did not make (or the site's own folders)."""
    out = out.resolve()
    for precious, what in ((site.config_file.resolve().parent, "the site's folder"), (site.docs_dir.resolve(), "docs_dir")):
        if out == precious or precious.is_relative_to(out):
            raise UsageError(f"--out {out} would replace {what}: choose an empty folder (default: {DEFAULT_OUT})")
    if out.exists():
        if not out.is_dir():
            raise UsageError(f"--out {out} is a file, not a folder")
        if any(out.iterdir()) and not (out / MARKER).is_file():
            raise UsageError(f"--out {out} is not empty and was not made by pmsite generate: choose an empty folder")
        for child in ("docs", "mkdocs.yml", "site"):
            target = out / child
            if target.is_dir() and not target.is_symlink():
                shutil.rmtree(target)
            elif target.exists() or target.is_symlink():
                target.unlink()
    out.mkdir(parents=True, exist_ok=True)
    (out / MARKER).write_text("made by pmsite generate: emptied and rewritten by each run\n", encoding="utf-8")



def _hand_written(site: Site, skip: Path) -> Iterator[tuple[str, Path]]:
    """(path under docs_dir, file) of every file MkDocs would publish besides pmsite's own pages."""
    docs = site.docs_dir
    skip = skip.resolve()
    for folder, dirs, files in os.walk(docs, followlinks=True):
        here = Path(folder)
        rel_dir = here.relative_to(docs).as_posix()
        rel_dir = "" if rel_dir == "." else rel_dir + "/"
        # MkDocs' default exclusions (dot files, a top-level templates folder) and the output folder itself
        dirs[:] = sorted(
            d for d in dirs
            if not d.startswith(".") and not (rel_dir == "" and d == "templates") and (here / d).resolve() != skip
        )
        for name in sorted(files):
            if name.startswith("."):
                continue
            rel = rel_dir + name
            if not publishing.publishes_incident_file(rel, site.engine.incidents_dir, site.config.publish_incident_files):
                continue
            yield rel, here / name



def _not_in_nav(generated: list[str], parent: Any, nav_pages: set[str]) -> str:
    """gitignore-style lines keeping every page that grows with the corpus out of the navigation."""
    lines = [line for line in str(parent or "").splitlines() if line.strip()]
    folders = sorted({src.split("/", 1)[0] for src in generated if src not in nav_pages})
    for folder in folders:
        kept = [src for src in generated if src.split("/", 1)[0] == folder and src in nav_pages]
        if kept:  # incidents/index.md is in the navigation; the incident pages below it are not
            lines.append(f"/{folder}/*/")
        else:
            lines.append(f"/{folder}/")
    return "\n".join(lines) + "\n"



def _derived_config(site: Site, gen: Generated, nav_pages: set[str]) -> str:
    """OUT/mkdocs.yml: the site's own configuration (INHERIT), with what the builder needs to read OUT/docs."""
    out = gen.out.resolve()
    config: dict[str, Any] = {
        "INHERIT": os.path.relpath(site.config_file.resolve(), out),
        "docs_dir": "docs",
        "site_dir": "site",
    }
    raw_theme = site.config.raw.get("theme")
    theme: dict[str, Any] = raw_theme if isinstance(raw_theme, dict) else {}
    config["theme"] = {}
    if theme.get("custom_dir"):
        # a path in a configuration is read from the configuration's folder: now OUT
        custom = (site.config_file.resolve().parent / str(theme["custom_dir"])).resolve()
        config["theme"]["custom_dir"] = os.path.relpath(custom, out)
    if "variant" not in theme:
        config["theme"]["variant"] = "classic"  # Zensical's look of Material for MkDocs, which pmsite's CSS is made for
    # INHERIT merges lists by appending and mappings key by key: add to the site's lists, never replace them
    config["extra_css"] = [f"{ASSET_PREFIX}/pmsite.css", THEME_FIXES_PATH]
    config["extra_javascript"] = [f"{ASSET_PREFIX}/pmsite.js"]
    plugins: list[Any] = [{"search": {"enabled": False}}] if site.config.search else []
    if plugins:
        config["plugins"] = {"search": {"enabled": False}} if isinstance(site.config.raw.get("plugins"), dict) else plugins
    extensions: dict[str, Any] = {TOC_EXTENSION: {}}
    if not any(name in HIGHLIGHTERS for name in site.config.markdown_extensions()[0]):
        # Zensical always adds SuperFences, which colours code with Pygments; MkDocs shows it plain
        extensions["pymdownx.highlight"] = {"use_pygments": False}
    if isinstance(site.config.raw.get("markdown_extensions"), dict):
        config["markdown_extensions"] = extensions
    else:
        config["markdown_extensions"] = [name if not options else {name: options} for name, options in extensions.items()]
    config["not_in_nav"] = _not_in_nav(sorted(gen.generated), site.config.raw.get("not_in_nav"), nav_pages)
    header = "# Made by `pmsite generate` from the site's mkdocs.yml: edit that file, not this one.\n"
    return header + json.dumps(config, indent=2, ensure_ascii=False) + "\n"



def generate(config_file: Path | None, out: Path | None = None) -> Generated:
    """Check the knowledge base and write OUT (see the module's docstring); problems as the plugin prints them."""
    started = time.perf_counter()
    site = read_site(config_file)
    engine = site.engine
    out = out if out is not None else site.config_file.parent / DEFAULT_OUT
    corpus = engine.load()
    if corpus.errors:
        for problem in corpus.errors:
            say("ERROR", problem.format())
        say("ERROR", publishing.failure(corpus.errors))
        raise BuildFailed
    warnings = engine.checklist_warnings() if site.config.checklist else []
    for problem in warnings:
        say("WARNING", problem.format())
    for warning in engine.tracker_warnings():
        say("WARNING", warning)
    if engine.ignored_files:
        say("INFO", publishing.ignored_note(engine.ignored_files))
    try:
        builder = engine.plan()
    except PageCollision as exc:
        say("ERROR", str(exc))
        raise BuildFailed from None
    _prepare_out(out, site)
    docs = out / "docs"
    gen = Generated(site, out, out / "mkdocs.yml", docs, {}, set(builder.specs), {}, warnings)
    published: dict[str, str] = {}  # dest -> who writes it, to refuse two files at one place as the plugin does

    def claim(src: str, generated: bool) -> None:
        dest = dest_path(src, site.config.directory_urls)
        other = published.get(dest)
        who = publishing.origin(src, generated)
        if other is not None:
            say("ERROR", publishing.collision(other, who, dest))
            raise BuildFailed
        published[dest] = who

    for rel, path in _hand_written(site, out):
        claim(rel, False)
        target = docs / rel
        target.parent.mkdir(parents=True, exist_ok=True)
        if rel.endswith(".md"):
            text = path.read_text(encoding="utf-8-sig")
            target.write_text(engine.expand_markers(text), encoding="utf-8")
            gen.pages[rel] = page_url(rel, site.config.directory_urls)
        else:
            shutil.copyfile(path, target)
    nav_titles = site.config.nav_titles()
    nav_pages = set(nav_titles) | {src for src, spec in builder.specs.items() if spec.in_nav and not nav_titles}
    for src, spec in builder.specs.items():
        claim(src, True)
        edit_url = site.config.edit_url(quote(spec.source_uri)) if spec.source_uri else None
        if edit_url:
            gen.edit_urls[src] = edit_url
        rendered = engine.render(src, edit_url=edit_url)
        target = docs / src
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(publishing.front_matter_text(publishing.front_matter(spec)) + "\n" + rendered.html + "\n", encoding="utf-8")
        gen.pages[src] = spec.url
    for data in engine.data_files():
        claim(data.path, True)
        data.write_to(docs)
        gen.data_files += 1
    claim(THEME_FIXES_PATH, True)
    (docs / THEME_FIXES_PATH).write_text(THEME_FIXES, encoding="utf-8")
    gen.config_file.write_text(_derived_config(site, gen, nav_pages), encoding="utf-8")
    elapsed = time.perf_counter() - started
    say("INFO", f"generated {len(builder.specs)} pages and {gen.data_files} data files in {out} ({elapsed:.2f} s)")
    return gen
