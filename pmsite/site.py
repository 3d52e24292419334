"""The pages and files a knowledge base produces, independent of any front end.

:class:`SiteBuilder` knows every page's URL up front (so a front end can
register them) and renders a page only when asked, so memory stays flat
however many incidents there are.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from html.parser import HTMLParser
from typing import Any

from markupsafe import Markup

from .analyse import Incident, KnowledgeBase, slugify
from .render import MarkdownRenderer, Templates, url_helper
from .settings import Settings


@dataclass
class PageSpec:
    """A page to generate: where it lives, what it is called, and how to render it."""

    src_uri: str  # a Markdown path the front end can pretend exists, e.g. incidents/inc-1.md
    url: str  # site-relative URL with trailing slash
    title: str
    kind: str
    key: str = ""
    tags: list[str] = field(default_factory=list)
    source_uri: str = ""  # the YAML this page comes from, for edit links
    description: str = ""


@dataclass
class RenderedPage:
    html: str
    toc: list[tuple[int, str, str]]  # (level, anchor id, title) of each h2/h3


class _Headings(HTMLParser):
    """Collects h2/h3 ids and texts from generated HTML to build the page's table of contents."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.found: list[tuple[int, str, str]] = []
        self._current: tuple[int, str] | None = None
        self._text: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in ("h2", "h3") and self._current is None:
            ident = dict(attrs).get("id")
            if ident:
                self._current = (int(tag[1]), ident)
                self._text = []

    def handle_endtag(self, tag: str) -> None:
        if self._current and tag == f"h{self._current[0]}":
            text = re.sub(r"\s+", " ", "".join(self._text)).strip()
            self.found.append((self._current[0], self._current[1], text))
            self._current = None

    def handle_data(self, data: str) -> None:
        if self._current:
            self._text.append(data)


def headings(html: str) -> list[tuple[int, str, str]]:
    parser = _Headings()
    parser.feed(html)
    return parser.found


def toc_tokens(found: list[tuple[int, str, str]]) -> list[dict[str, Any]]:
    """Nest (level, id, title) headings the way Python-Markdown's ``toc_tokens`` does."""
    root: list[dict[str, Any]] = []
    stack: list[dict[str, Any]] = []
    for level, ident, title in found:
        token: dict[str, Any] = {"level": level, "id": ident, "name": title, "children": []}
        while stack and stack[-1]["level"] >= level:
            stack.pop()
        (stack[-1]["children"] if stack else root).append(token)
        stack.append(token)
    return root


class SiteBuilder:
    """Plans and renders every generated page of a knowledge base."""

    def __init__(
        self,
        kb: KnowledgeBase,
        settings: Settings,
        templates: Templates,
        markdown: MarkdownRenderer,
        *,
        checklist: Callable[[Incident], list[Any]] | None = None,
    ) -> None:
        self.kb = kb
        self.settings = settings
        self.templates = templates
        self.markdown = markdown
        self.checklist = checklist
        self.specs: dict[str, PageSpec] = {}
        self._plan()

    def _plan(self) -> None:
        for inc in self.kb.incidents:
            self._add(
                PageSpec(
                    f"incidents/{inc.slug}.md",
                    inc.url,
                    f"{inc.id}: {inc.doc.title}",
                    "incident",
                    inc.id,
                    tags=list(inc.doc.tags),
                    source_uri=inc.source_uri,
                )
            )

    def _add(self, spec: PageSpec) -> None:
        self.specs[spec.src_uri] = spec

    def render(self, src_uri: str, *, edit_url: str | None = None) -> RenderedPage:
        spec = self.specs[src_uri]
        method = getattr(self, f"_render_{spec.kind}")
        html: str = method(spec, edit_url=edit_url)
        return RenderedPage(html, headings(html))

    # --- shared template context -------------------------------------------

    def _context(self, spec: PageSpec) -> dict[str, Any]:
        return {
            "link": url_helper(spec.url),
            "md": self.markdown.block,
            "md_inline": self.markdown.inline,
            "severity_label": self.settings.severity_label,
            "settings": self.settings,
            "today": self.kb.today,
            "kb": self.kb,
            "Markup": Markup,
        }

    # --- incident pages ----------------------------------------------------

    def _render_incident(self, spec: PageSpec, *, edit_url: str | None) -> str:
        inc = self.kb.by_id[spec.key]
        doc = inc.doc
        events = sorted(doc.timeline, key=lambda e: e.at)
        groups: dict[str, list[Any]] = {}
        for factor in doc.contributing_factors:
            groups.setdefault(factor.category, []).append(factor)
        order = {c: i for i, c in enumerate(self.settings.factor_categories)}
        factor_groups = sorted(groups.items(), key=lambda kv: order.get(kv[0], len(order)))
        return self.templates.render(
            "pmsite/incident.html",
            incident=inc,
            events=events,
            factor_groups=factor_groups,
            action_statuses=self.settings.action_statuses,
            overdue_count=sum(1 for a in inc.actions if a.overdue),
            checklist=self.checklist(inc) if self.checklist else [],
            timeline_chart=None,
            fishbone_chart=None,
            edit_url=edit_url,
            **self._context(spec),
        )


def generated_on(kb: KnowledgeBase) -> dt.date:
    return kb.today


__all__ = ["PageSpec", "RenderedPage", "SiteBuilder", "headings", "slugify"]
