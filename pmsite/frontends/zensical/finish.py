"""What the plugin adds after MkDocs renders, done after Zensical built the generated folder."""

from __future__ import annotations

import json
import re
from pathlib import Path

from markupsafe import escape

from pmsite.errors import BuildFailed
from pmsite.frontends.zensical.generate import Generated
from pmsite.site import publishing
from pmsite.site.publishing import say
from pmsite.site.search.index import IndexStats, SearchError

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
    nav_titles = gen.site.config.nav_titles()
    for src, url in sorted(gen.pages.items()):
        path = _page_file(site_dir, url)
        if not path.is_file():
            continue
        html = path.read_text(encoding="utf-8")
        if src in gen.generated:
            html = _edit_buttons(html, gen.edit_urls.get(src))
        path.write_text(engine.decorate_head(html, url), encoding="utf-8")
        if gen.site.config.search and src not in gen.generated:
            article = _ARTICLE.search(html)
            content = _BUTTONS.sub("", article.group(1)) if article else ""
            title = nav_titles.get(src)
            if title is None:
                h1 = _H1.search(content)
                title = unescape(_TAGS.sub("", h1.group(1))).strip() if h1 else Path(src).stem
            searchable.append((url, title, content))
    not_found = site_dir / "404.html"
    if not_found.is_file():
        not_found.write_text(engine.decorate_head(not_found.read_text(encoding="utf-8"), ""), encoding="utf-8")
    if not gen.site.config.search:
        return None
    _drop_empty_builtin_index(site_dir)
    try:
        stats = engine.search_index.write(site_dir, searchable)
    except SearchError as exc:
        say("ERROR", str(exc))
        raise BuildFailed from None
    say("INFO", publishing.search_summary(stats.records, stats.pages, stats.files, stats.bytes))
    return stats
