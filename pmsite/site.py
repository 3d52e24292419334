"""The pages and files a knowledge base produces, independent of any front end.

:class:`SiteBuilder` knows every page's URL up front (so a front end can
register them) and renders a page only when asked, so memory stays flat
however many incidents there are.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from html import unescape as html_unescape
from typing import Any

from markupsafe import Markup, escape

from . import charts, figures
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
    search: bool = True  # index pages stay out of the search index: their rows are on the incident pages


@dataclass
class RenderedPage:
    html: str
    toc: list[tuple[int, str, str]]  # (level, anchor id, title) of each h2/h3


_HEADING = re.compile(r'<h([23]) id="([^"]+)"[^>]*>(.*?)</h\1>', re.DOTALL)
_TAG = re.compile(r"<[^>]+>")


def headings(html: str) -> list[tuple[int, str, str]]:
    """(level, id, text) of every h2/h3 with an id: the templates' own section headings.

    Author Markdown never yields an ``id`` (the sanitiser drops it), so only
    headings the templates wrote enter the table of contents.
    """
    found = []
    for match in _HEADING.finditer(html):
        text = html_unescape(_TAG.sub("", match.group(3)))
        found.append((int(match.group(1)), match.group(2), " ".join(text.split())))
    return found


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
        self._patterns: dict[tuple[str, str], figures.Pattern] = {}
        self.category_urls = _unique_urls("categories", sorted(kb.by_category))
        self.service_urls = _unique_urls("services", sorted(kb.by_service))
        self._plan()

    def category_url(self, name: str) -> str:
        return self.category_urls.get(name) or f"categories/{slugify(name)}/"

    def service_url(self, name: str) -> str:
        return self.service_urls.get(name) or f"services/{slugify(name)}/"

    def _plan(self) -> None:
        self._add(PageSpec("incidents/index.md", "incidents/", "Incident catalog", "catalog", search=False))
        self._add(PageSpec("actions/index.md", "actions/", "Open action items", "actions", search=False))
        self._add(PageSpec("patterns/index.md", "patterns/", "Recurring patterns", "patterns", search=False))
        self._add(PageSpec("history/index.md", "history/", "Severity history", "history", search=False))
        for name, url in self.category_urls.items():
            self._add(PageSpec(url.rstrip("/") + ".md", url, f"Root cause: {name}", "category", name, search=False))
        for name, url in self.service_urls.items():
            self._add(PageSpec(url.rstrip("/") + ".md", url, f"Service: {name}", "service", name, search=False))
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
        # MkDocs holds every page's HTML until the build ends; one non-ASCII character (a dash,
        # a check mark) makes CPython store a string at two bytes per character. Character
        # references keep it at one: the same page, half the memory at 10,000 incidents.
        html = html.encode("ascii", "xmlcharrefreplace").decode("ascii")
        return RenderedPage(html, headings(html))

    def search_html(self, src_uri: str) -> str | None:
        """A lean copy of an incident page for the search index: one entry with what finds it again.

        What happened and why (summary, root causes and their whys, contributing factors), with
        the id, services and tags. Timelines and action items stay on the page but out of the
        index: one entry of about a kilobyte per incident keeps the payload near 10 MB at 10,000.
        """
        spec = self.specs[src_uri]
        if spec.kind != "incident":
            return None
        doc = self.kb.by_id[spec.key].doc
        words = [doc.id, *doc.services, *doc.tags, doc.summary]
        for rc in doc.root_causes:
            words += [rc.category, rc.description, *rc.five_whys]
        words += [f.description for f in doc.contributing_factors]
        return f"<p>{escape(' '.join(_plain(w, 4000) for w in words))}</p>"

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
            "category_url": self.category_url,
            "service_url": self.service_url,
            "severity_rank": self._severity_rank,
            "pct": lambda v: "—" if v is None else f"{v:g}%",
        }

    def _severity_rank(self, level: int | str) -> int:
        levels = list(self.settings.severities)
        return levels.index(level) if level in levels else len(levels)

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
            timeline_chart=Markup(self._timeline_chart(inc)),
            fishbone_chart=Markup(self._fishbone_chart(inc)) if doc.contributing_factors else None,
            edit_url=edit_url,
            **self._context(spec),
        )

    def _timeline_chart(self, inc: Incident) -> str:
        doc = inc.doc
        start = doc.started_at
        end_candidates = [e.at for e in doc.timeline] + [doc.detected_at] + ([doc.resolved_at] if doc.resolved_at else [])
        total = max((t - start).total_seconds() for t in end_candidates) or 1.0
        events: list[tuple[float, str, str]] = [
            ((e.at - start).total_seconds(), e.kind or "", _plain(e.event)) for e in sorted(doc.timeline, key=lambda e: e.at)
        ]
        return charts.timeline_chart(
            f"timeline-{inc.slug}",
            f"Timeline of {inc.id}",
            total,
            events,
            detection=inc.time_to_detect.total_seconds(),
            mitigation=(doc.mitigated_at - start).total_seconds() if doc.mitigated_at else None,
            resolution=(doc.resolved_at - start).total_seconds() if doc.resolved_at else None,
        )

    def _fishbone_chart(self, inc: Incident) -> str:
        branches: dict[str, list[str]] = {c: [] for c in self.settings.factor_categories}
        for f in inc.doc.contributing_factors:
            branches.setdefault(f.category, []).append(_plain(f.description))
        return charts.fishbone(f"fishbone-{inc.slug}", f"Contributing factors of {inc.id}", inc.id, list(branches.items()))

    # --- index pages -------------------------------------------------------

    def _render_catalog(self, spec: PageSpec, *, edit_url: str | None) -> str:
        kb = self.kb
        return self.templates.render(
            "pmsite/catalog.html",
            incidents=kb.incidents,
            severities=list(self.settings.severities),
            categories=sorted(kb.by_category),
            services=sorted(kb.by_service),
            years=sorted({i.date.year for i in kb.incidents}, reverse=True),
            **self._context(spec),
        )

    def _render_actions(self, spec: PageSpec, *, edit_url: str | None) -> str:
        return self.templates.render("pmsite/actions.html", f=figures.action_figures(self.kb), **self._context(spec))

    def _render_patterns(self, spec: PageSpec, *, edit_url: str | None) -> str:
        fishbone = figures.fishbone_summary(self.kb)
        chart = charts.fishbone(
            "fishbone-all",
            "Contributing factors across all incidents",
            "Incidents",
            [(b.category, [f"{text} ({n})" for text, n in b.top]) for b in fishbone],
        )
        return self.templates.render(
            "pmsite/patterns.html",
            fishbone=fishbone,
            fishbone_chart=Markup(chart) if self.kb.incidents else None,
            category_chart=None,
            categories=[self._pattern("category", c) for c in figures.category_keys(self.kb)],
            services=[self._pattern("service", s) for s in figures.service_keys(self.kb)],
            **self._context(spec),
        )

    def _render_history(self, spec: PageSpec, *, edit_url: str | None) -> str:
        h = figures.history(self.kb)
        label = self.settings.severity_label
        series = [(label(sev), h.per_month[sev]) for sev in h.severities]
        q = h.quarters
        chart_list = [
            _Chart(
                "incidents-per-month",
                "Incidents per month by severity",
                charts.stacked_bars("incidents-per-month-chart", "Incidents per month by severity", h.months, series, y_label="incidents"),
                ["Month", *[name for name, _ in series], "Total"],
                [[m, *[vals[i] for _, vals in series], sum(vals[i] for _, vals in series)] for i, m in enumerate(h.months)],
            ),
            _Chart(
                "response-times",
                "Mean response times per quarter (minutes)",
                charts.line_chart(
                    "response-times-chart",
                    "Mean response times per quarter",
                    q,
                    [("MTTR", h.mttr_minutes), ("Mean time to detect", h.mttd_minutes), ("Mean time to mitigate", h.mttm_minutes)],
                    y_label="minutes",
                    unit="min",
                ),
                ["Quarter", "Incidents", "MTTR", "Mean time to detect", "Mean time to mitigate"],
                [[k, h.incidents_per_quarter[i], h.mttr_minutes[i], h.mttd_minutes[i], h.mttm_minutes[i]] for i, k in enumerate(q)],
            ),
            _Chart(
                "near-misses",
                "Near misses per quarter",
                charts.bar_chart("near-misses-chart", "Near misses per quarter", q, h.near_misses, y_label="near misses"),
                ["Quarter", "Near misses", "All incidents"],
                [[k, h.near_misses[i], h.incidents_per_quarter[i]] for i, k in enumerate(q)],
            ),
            _Chart(
                "duration-distribution",
                "Duration distribution",
                charts.bar_chart(
                    "duration-distribution-chart", "Duration distribution", [b for b, _ in h.duration_bins], [n for _, n in h.duration_bins], y_label="incidents"
                ),
                ["Duration", "Incidents"],
                [[b, n] for b, n in h.duration_bins],
            ),
        ]
        return self.templates.render(
            "pmsite/history.html", h=h, total=len(self.kb.incidents), charts=chart_list, **self._context(spec)
        )

    def _render_group(self, spec: PageSpec, kind: str, heading: str) -> str:
        pattern = self._pattern(kind, spec.key)
        return self.templates.render(
            "pmsite/group.html",
            kind=kind,
            key=spec.key,
            heading=heading,
            pattern=pattern,
            incidents=pattern.incidents,
            **self._context(spec),
        )

    def _pattern(self, kind: str, key: str) -> figures.Pattern:
        """One pattern per category or service, shared by the patterns page and its own page."""
        cached = self._patterns.get((kind, key))
        if cached is None:
            incidents = self.kb.by_category[key] if kind == "category" else self.kb.by_service[key]
            cached = self._patterns[(kind, key)] = figures.pattern_for(self.kb, key, incidents)
        return cached

    def _render_category(self, spec: PageSpec, *, edit_url: str | None) -> str:
        return self._render_group(spec, "category", f"Root cause: {spec.key}")

    def _render_service(self, spec: PageSpec, *, edit_url: str | None) -> str:
        return self._render_group(spec, "service", f"Service: {spec.key}")


@dataclass
class _Chart:
    id: str
    caption: str
    svg: str
    header: list[str]
    rows: list[list[Any]]

    def __post_init__(self) -> None:
        self.svg = Markup(self.svg)


def _plain(markdown_text: str, limit: int = 160) -> str:
    """Author Markdown as one line of plain text, for chart labels (escaped by the chart)."""
    text = re.sub(r"\[([^\]]*)\]\([^)]*\)", r"\1", markdown_text)
    text = re.sub(r"(\*\*|__|`|^#+\s*|^>\s*)", "", text, flags=re.MULTILINE)
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _unique_urls(prefix: str, names: list[str]) -> dict[str, str]:
    """One URL per name; names whose slugs collide get -2, -3... in sorted order."""
    urls: dict[str, str] = {}
    taken: set[str] = set()
    for name in names:
        slug = slugify(name)
        candidate, n = slug, 1
        while candidate in taken:
            n += 1
            candidate = f"{slug}-{n}"
        taken.add(candidate)
        urls[name] = f"{prefix}/{candidate}/"
    return urls

