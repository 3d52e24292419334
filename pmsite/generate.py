"""The generate front end: the knowledge base as plain pages, for builders without plugins (Zensical).

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

``pmsite build --with zensical`` runs :func:`generate`, the builder, then :func:`finish`
(the feed and search links in every page head, the Pagefind index) and moves the site to
the configured ``site_dir``. Nothing here imports MkDocs.
"""

from __future__ import annotations

import fnmatch
import json
import os
import re
import shutil
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import quote, urljoin, urlsplit

from markdown import Extension, Markdown
from markdown.postprocessors import Postprocessor
from markupsafe import escape

from .cli import CommandError, UsageError, _plugin_options, _read_yaml, load_site_config
from .engine import ASSET_PREFIX, Engine
from .problems import Problem, summarise
from .search import IndexStats, SearchError
from .site import PageCollision, directory_url, headings, toc_tokens

# Where Zensical's Material look falls short of what the MkDocs site passes (axe): its footer's link is
# told apart by colour alone.
THEME_FIXES_PATH = f"{ASSET_PREFIX}/zensical.css"
THEME_FIXES = "/* pmsite generate: a fix to Zensical's theme */\n.md-footer-meta .md-copyright a { text-decoration: underline; }\n"
HIGHLIGHTERS = ("codehilite", "pymdownx.highlight")
DEFAULT_OUT = Path("build") / "pmsite"  # beside mkdocs.yml; build/ is ignored by git
MARKER = ".pmsite-generated"  # an output folder holds this file: only such a folder is ever emptied
BUILDERS = ("mkdocs", "properdocs", "zensical")
TOC_EXTENSION = "pmsite.generate"  # this module is also a Markdown extension (see makeExtension)
# MkDocs' own Markdown extensions, always on there: the engine renders author text with them too.
MKDOCS_BUILTIN_EXTENSIONS = ("toc", "tables", "fenced_code")


class Failed(Exception):
    """The problems were printed already (as the plugin prints them): exit status 1, nothing more to say."""


def zensical_url(src_uri: str, directory_urls: bool = True) -> str:
    """Zensical's rule from a page's source path to its URL (MkDocs' rule too)."""
    if directory_urls:
        return directory_url(src_uri)
    return src_uri[: -len(".md")] + ".html"


def _say(level: str, message: str) -> None:
    """A line as MkDocs' log prints it (``ERROR   -  pmsite: ...``): the plugin's messages, unchanged."""
    print(f"{level:<7} -  pmsite: {message}", file=sys.stderr, flush=True)


# --- the site's configuration ------------------------------------------------------------------


@dataclass
class Site:
    """What the generate front end needs from mkdocs.yml (read without running anything)."""

    config_file: Path
    raw: dict[str, Any]
    engine: Engine
    search: bool
    checklist: bool
    publish_incident_files: list[str]
    directory_urls: bool
    site_dir: Path
    nav_titles: dict[str, str] = field(default_factory=dict)

    @property
    def docs_dir(self) -> Path:
        return self.engine.docs_dir


def _extensions(raw: Any) -> tuple[list[str], dict[str, Any]]:
    """``markdown_extensions`` of mkdocs.yml as names and configurations, MkDocs' built-ins first."""
    names = list(MKDOCS_BUILTIN_EXTENSIONS)
    configs: dict[str, Any] = {}
    entries = list(raw.items()) if isinstance(raw, dict) else [
        next(iter(e.items())) if isinstance(e, dict) and len(e) == 1 else (e, None) for e in raw or []
    ]
    for name, options in entries:
        if not isinstance(name, str):
            raise UsageError(f"markdown_extensions: expected extension names, got {name!r}")
        if name not in names:
            names.append(name)
        if isinstance(options, dict):
            configs[name] = options
    return names, configs


def _nav_titles(nav: Any) -> dict[str, str]:
    """``{"guide.md": "Author guide"}`` from the nav: the titles MkDocs gives these pages."""
    found: dict[str, str] = {}

    def walk(item: Any, title: str | None) -> None:
        if isinstance(item, str) and title is not None:
            found.setdefault(item.strip().lstrip("/"), title)
        elif isinstance(item, list):
            for child in item:
                walk(child, None)
        elif isinstance(item, dict):
            for key, value in item.items():
                walk(value, str(key))

    walk(nav, None)
    return found


def read_site(config_file: Path | None) -> Site:
    """The site's settings, checked as the plugin checks them (same messages), and an engine for it."""
    from .config import validate_options

    config = load_site_config(config_file)
    if config.config_file is None:
        raise UsageError("no mkdocs.yml here: pass the site's configuration with -f")
    raw = _read_yaml(config.config_file)
    options, _, _ = validate_options(_plugin_options(raw.get("plugins")) or {}, str(config.config_file))
    if not config.docs_dir.is_dir():
        raise UsageError(f"{config.config_file}: docs_dir {config.docs_dir} is not a folder")
    directory_urls = raw.get("use_directory_urls", True) is not False
    theme = raw.get("theme")
    custom = theme.get("custom_dir") if isinstance(theme, dict) else None
    overrides = [config.base / str(custom)] if custom else []
    extensions, configs = _extensions(raw.get("markdown_extensions"))
    engine = Engine(
        config.settings,
        docs_dir=config.docs_dir,
        incidents_dir=config.incidents_dir,
        override_dirs=overrides,
        markdown_extensions=extensions,
        markdown_configs=configs,
        base=config.base,
        site_url=str(raw.get("site_url") or ""),
        site_name=config.site_name,
        url_for=lambda src: zensical_url(src, directory_urls),
        search=options["search"] is not False,
    )
    return Site(
        config_file=config.config_file,
        raw=raw,
        engine=engine,
        search=options["search"] is not False,
        checklist=config.checklist,
        publish_incident_files=list(options["publish_incident_files"] or []),
        directory_urls=directory_urls,
        site_dir=config.base / str(raw.get("site_dir") or "site"),
        nav_titles=_nav_titles(raw.get("nav")),
    )


def edit_url_for(raw: dict[str, Any], path: str) -> str | None:
    """The edit link of a file under docs_dir, composed as MkDocs composes ``page.edit_url``."""
    repo_url = str(raw.get("repo_url") or "")
    template = raw.get("edit_uri_template")
    edit_uri = raw.get("edit_uri")
    if edit_uri is None and not template and repo_url:
        host = urlsplit(repo_url).netloc.lower()
        edit_uri = {"github.com": "edit/master/docs/", "gitlab.com": "edit/master/docs/"}.get(host)
        edit_uri = edit_uri or ("src/default/docs/" if host == "bitbucket.org" else None)
    if template:
        uri = str(template).format(path=path, path_noext=path.rsplit(".", 1)[0])
    elif edit_uri:
        uri = str(edit_uri).rstrip("/") + "/" + path
    else:
        return None
    if repo_url and not uri.startswith(("?", "#")) and not repo_url.endswith("/"):
        repo_url += "/"
    return urljoin(repo_url, uri)


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
    incidents = site.engine.incidents_dir + "/"
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
            # as the plugin: from the incidents folder YAML never, anything else only when allowed by name
            if rel.startswith(incidents) and (
                name.endswith((".yaml", ".yml")) or not any(fnmatch.fnmatch(name, p) for p in site.publish_incident_files)
            ):
                continue
            yield rel, here / name


def _front_matter(values: dict[str, Any]) -> str:
    # JSON is YAML; raw (not \\u-escaped) text keeps characters outside the BMP valid
    return f"---\n{json.dumps(values, ensure_ascii=False)}\n---\n\n"


def _dest(src: str, directory_urls: bool) -> str:
    """Where a source file is written in the built site (MkDocs' rule: ``guide.md`` -> ``guide/index.html``)."""
    if not src.endswith(".md"):
        return src
    url = zensical_url(src, directory_urls)
    return url + "index.html" if url == "" or url.endswith("/") else url


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
    raw_theme = site.raw.get("theme")
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
    plugins: list[Any] = [{"search": {"enabled": False}}] if site.search else []
    if plugins:
        config["plugins"] = {"search": {"enabled": False}} if isinstance(site.raw.get("plugins"), dict) else plugins
    extensions: dict[str, Any] = {TOC_EXTENSION: {}}
    if not any(name in HIGHLIGHTERS for name in _extensions(site.raw.get("markdown_extensions"))[0]):
        # Zensical always adds SuperFences, which colours code with Pygments; MkDocs shows it plain
        extensions["pymdownx.highlight"] = {"use_pygments": False}
    if isinstance(site.raw.get("markdown_extensions"), dict):
        config["markdown_extensions"] = extensions
    else:
        config["markdown_extensions"] = [name if not options else {name: options} for name, options in extensions.items()]
    config["not_in_nav"] = _not_in_nav(sorted(gen.generated), site.raw.get("not_in_nav"), nav_pages)
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
            _say("ERROR", problem.format())
        _say("ERROR", f"{summarise(corpus.errors)}: fix them and build again (nothing was published)")
        raise Failed
    from .checklist import run_checklist

    warnings = run_checklist(engine) if site.checklist else []
    for problem in warnings:
        _say("WARNING", problem.format())
    try:
        builder = engine.plan()
    except PageCollision as exc:
        _say("ERROR", str(exc))
        raise Failed from None
    _prepare_out(out, site)
    docs = out / "docs"
    gen = Generated(site, out, out / "mkdocs.yml", docs, {}, set(builder.specs), {}, warnings)
    published: dict[str, str] = {}  # dest -> who writes it, to refuse two files at one place as the plugin does

    def claim(src: str, generated: bool) -> None:
        dest = _dest(src, site.directory_urls)
        other = published.get(dest)
        who = f"{src} (generated by pmsite)" if generated else src
        if other is not None:
            _say("ERROR", f"{other} and {who} would both be published as {dest}")
            raise Failed
        published[dest] = who

    for rel, path in _hand_written(site, out):
        claim(rel, False)
        target = docs / rel
        target.parent.mkdir(parents=True, exist_ok=True)
        if rel.endswith(".md"):
            text = path.read_text(encoding="utf-8-sig")
            target.write_text(engine.expand_markers(text), encoding="utf-8")
            gen.pages[rel] = zensical_url(rel, site.directory_urls)
        else:
            shutil.copyfile(path, target)
    nav_pages = set(site.nav_titles) | {src for src, spec in builder.specs.items() if spec.in_nav and not site.nav_titles}
    for src, spec in builder.specs.items():
        claim(src, True)
        edit_url = edit_url_for(site.raw, quote(spec.source_uri)) if spec.source_uri else None
        # escaped as the plugin escapes them: the theme writes them into the page (and an attribute) as they are
        front: dict[str, Any] = {"title": str(escape(spec.title)), "tags": [str(escape(t)) for t in spec.tags], "hide": list(spec.hide)}
        if spec.description:
            front["description"] = str(escape(spec.description))
        if edit_url:
            gen.edit_urls[src] = edit_url
        rendered = engine.render(src, edit_url=edit_url)
        target = docs / src
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(_front_matter(front) + rendered.html + "\n", encoding="utf-8")
        gen.pages[src] = spec.url
    for data in engine.data_files():
        claim(data.path, True)
        data.write_to(docs)
        gen.data_files += 1
    claim(THEME_FIXES_PATH, True)
    (docs / THEME_FIXES_PATH).write_text(THEME_FIXES, encoding="utf-8")
    gen.config_file.write_text(_derived_config(site, gen, nav_pages), encoding="utf-8")
    elapsed = time.perf_counter() - started
    _say("INFO", f"generated {len(builder.specs)} pages and {gen.data_files} data files in {out} ({elapsed:.2f} s)")
    return gen


# --- after the builder --------------------------------------------------------------------------

_ARTICLE = re.compile(r'<article class="md-content__inner[^"]*"[^>]*>(.*)</article>', re.DOTALL)
_H1 = re.compile(r"<h1[^>]*>(.*?)</h1>", re.DOTALL)
_TAGS = re.compile(r"<[^>]+>")
_BUTTONS = re.compile(r'<a [^>]*class="md-content__button[^"]*"[^>]*>.*?</a>', re.DOTALL)
_HREF = re.compile(r'href="[^"]*"')


def _edit_buttons(html: str, edit_url: str | None) -> str:
    """The theme's edit button of a generated page: to its YAML, as with the plugin, or gone when it has none.

    The builder links every page to its Markdown source, which for a generated page
    is a file in OUT, not in the repository.
    """

    def fix(match: re.Match[str]) -> str:
        button = match.group(0)
        if edit_url is None or 'rel="edit"' not in button:
            return ""
        return _HREF.sub(lambda _: f'href="{escape(edit_url)}"', button, count=1)

    return _BUTTONS.sub(fix, html)


def _page_file(site_dir: Path, url: str) -> Path:
    return site_dir / (url + "index.html" if url == "" or url.endswith("/") else url)


def _drop_empty_builtin_index(site_dir: Path) -> None:
    """Zensical writes an empty ``search.json`` even with its search turned off: pmsite's search replaces it."""
    index = site_dir / "search.json"
    try:
        if index.is_file() and json.loads(index.read_text(encoding="utf-8")).get("items") == []:
            index.unlink()
    except (ValueError, AttributeError):
        pass


def finish(gen: Generated, site_dir: Path) -> IndexStats | None:
    """What the plugin adds after MkDocs renders: the feed and search links in each page head, the search index."""
    from html import unescape

    engine = gen.site.engine
    searchable: list[tuple[str, str, str]] = []
    for src, url in sorted(gen.pages.items()):
        path = _page_file(site_dir, url)
        if not path.is_file():
            continue
        html = path.read_text(encoding="utf-8")
        if src in gen.generated:
            html = _edit_buttons(html, gen.edit_urls.get(src))
        path.write_text(engine.decorate_head(html, url), encoding="utf-8")
        if gen.site.search and src not in gen.generated:
            article = _ARTICLE.search(html)
            content = _BUTTONS.sub("", article.group(1)) if article else ""
            title = gen.site.nav_titles.get(src)
            if title is None:
                h1 = _H1.search(content)
                title = unescape(_TAGS.sub("", h1.group(1))).strip() if h1 else Path(src).stem
            searchable.append((url, title, content))
    not_found = site_dir / "404.html"
    if not_found.is_file():
        not_found.write_text(engine.decorate_head(not_found.read_text(encoding="utf-8"), ""), encoding="utf-8")
    if not gen.site.search:
        return None
    _drop_empty_builtin_index(site_dir)
    try:
        stats = engine.write_search_index(site_dir, searchable)
    except SearchError as exc:
        _say("ERROR", str(exc))
        raise Failed from None
    _say("INFO", f"Search index: {stats.records} incidents and {stats.pages} pages, {stats.files} files, {stats.bytes / 1e6:.1f} MB")
    return stats


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
        config = load_site_config(config_file)
        if config.config_file is None:
            raise UsageError("no mkdocs.yml here: pass the site's configuration with -f")
        _run(_builder_command(builder, config.config_file, strict), config.config_file.resolve().parent)
        raw = _read_yaml(config.config_file)
        return config.config_file.resolve().parent / str(raw.get("site_dir") or "site")
    command = _builder_command("zensical", Path("mkdocs.yml"), strict)  # before generating: is it installed?
    gen = generate(config_file, out)
    if strict and gen.warnings:
        _say("ERROR", f"{len(gen.warnings)} warning{'s' if len(gen.warnings) != 1 else ''} in strict mode: nothing was published")
        raise Failed
    command[command.index("-f") + 1] = str(gen.config_file.resolve())
    _run(command + ["--clean"], gen.out)
    finish(gen, gen.built_site)
    target = gen.site.site_dir
    if target.resolve() in (gen.site.docs_dir.resolve(), gen.site.config_file.resolve().parent):
        raise UsageError(f"site_dir {target} would replace the site's sources")
    if target.is_dir() and not target.is_symlink():
        shutil.rmtree(target)
    elif target.exists() or target.is_symlink():
        target.unlink()
    target.parent.mkdir(parents=True, exist_ok=True)
    shutil.move(str(gen.built_site), str(target))
    _say("INFO", f"site written to {target}")
    return target


# --- the table of contents of generated pages ----------------------------------------------------


class _TocFromHtml(Postprocessor):
    """A page without Markdown headings (every generated page) gets its TOC from the h2/h3 with an id in its HTML.

    The plugin gives MkDocs the same TOC (:func:`pmsite.site.headings`); a builder without
    plugins reads ``md.toc_tokens``, which Python-Markdown fills only from Markdown headings.
    """

    def run(self, text: str) -> str:
        md: Any = self.md
        if not getattr(md, "toc_tokens", None) and "<h2 id=" in text:
            md.toc_tokens = _with_html(toc_tokens(headings(text)))
        return text


def _with_html(tokens: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Python-Markdown's token shape, names escaped as the plugin escapes them."""
    for token in tokens:
        token["name"] = token["html"] = str(escape(token["name"]))
        token["data-toc-label"] = ""
        _with_html(token["children"])
    return tokens


class TocExtension(Extension):
    def extendMarkdown(self, md: Markdown) -> None:  # noqa: N802 - Python-Markdown's name
        md.postprocessors.register(_TocFromHtml(md), "pmsite_toc", 0)


def makeExtension(**kwargs: Any) -> TocExtension:  # noqa: N802 - Python-Markdown's entry point
    return TocExtension(**kwargs)

