"""Rendering the generated pages: each kind of page from its template, with the context every template shares.

Pages are rendered one at a time, when a front end asks, from the plan and the analysed
knowledge base. Author text reaches a template only as a value (autoescaped) or as
sanitised Markdown (``md``, ``md_inline``).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

from pmsite.analysis import action_figures, factors, history, patterns
from pmsite.analysis.incidents import Incident
from pmsite.settings import Settings
from pmsite.site import outputs
from pmsite.site.formatting import due_note, open_note, percent, severity_class
from pmsite.site.history_charts import history_charts
from pmsite.site.listings import ACTIONS_DATA, CATALOG_DATA, Listings
from pmsite.site.markdown import MarkdownRenderer
from pmsite.site.pages import PAGE_SIZE, PageSpec, RenderedPage
from pmsite.site.phases import phases
from pmsite.site.plan import REVIEW_SOURCE, SitePlan
from pmsite.site.review_page import review_context
from pmsite.site.templates import Templates
from pmsite.site.toc import headings
from pmsite.site.urls import url_helper

SERVICES_SHOWN = 12  # services with a full section on the patterns page; the rest in one table
GROUP_HEADINGS = {"category": "Root cause", "service": "Service"}


@dataclass
class KeptPattern:
    inputs: tuple[Settings, Any]  # the settings and the reference date
    incidents: list[Incident]
    pattern: patterns.Pattern


@dataclass
class PatternMemo:
    """Each category's and service's pattern, kept between the rebuilds of a live preview and reused
    for the very same incidents, settings and date (an edit recomputes only its own)."""

    patterns: dict[tuple[str, str], KeptPattern] = field(default_factory=dict)


class PageRenderer:
    """Renders every kind of generated page."""

    def __init__(
        self,
        plan: SitePlan,
        listings: Listings,
        templates: Templates,
        markdown: MarkdownRenderer,
        *,
        checklist: Callable[[Incident], list[Any]] | None = None,
        memo: PatternMemo | None = None,
    ) -> None:
        self.plan = plan
        self.kb = plan.kb
        self.settings = plan.kb.settings
        self.listings = listings
        self.templates = templates
        self.markdown = markdown
        self.checklist = checklist
        self._memo = memo if memo is not None else PatternMemo()

    def render(self, spec: PageSpec, *, edit_url: str | None = None) -> RenderedPage:
        renderers: dict[str, Callable[[PageSpec, str | None], str]] = {
            "incident": self._incident, "catalog": self._catalog, "actions": self._actions, "patterns": self._patterns,
            "history": self._history, "review": self._review, "category": self._group, "service": self._group,
        }
        html = renderers[spec.kind](spec, edit_url)
        # MkDocs holds every page's HTML until the build ends; one non-ASCII character (a dash,
        # a check mark) makes CPython store a string at two bytes per character. Character
        # references keep it at one: the same page, half the memory at 10,000 incidents.
        html = html.encode("ascii", "xmlcharrefreplace").decode("ascii")
        return RenderedPage(html, headings(html))

    def _context(self, spec: PageSpec) -> dict[str, Any]:
        today = self.kb.today
        return {
            "spec": spec,
            "link": url_helper(spec.url),
            "data": {"incidents": outputs.INCIDENTS_JSON, "actions": outputs.ACTIONS_JSON,
                     "calendar": outputs.ACTIONS_ICS, "feed": outputs.FEED_PATH},
            "md": self.markdown.block,
            "md_inline": self.markdown.inline,
            "severity_label": self.settings.severity_label,
            "severity_class": lambda level: severity_class(level, self.settings),
            "settings": self.settings,
            "today": today,
            "kb": self.kb,
            "category_url": self.plan.category_url,
            "service_url": self.plan.service_url,
            "feed_path": self.plan.feed_path,
            "incident_feeds": self.plan.incident_feeds,
            "pct": percent,
            "due_note": lambda a: due_note(a, today),
            "open_note": open_note,
        }

    def _incident(self, spec: PageSpec, edit_url: str | None) -> str:
        inc = self.kb.by_id[spec.key]
        doc = inc.doc
        groups: dict[str, list[Any]] = {c: [] for c in self.settings.factor_categories}
        for factor in doc.contributing_factors:
            groups.setdefault(factor.category, []).append(factor)
        return self.templates.render(
            "pmsite/incident.html",
            incident=inc,
            events=sorted(doc.timeline, key=lambda e: e.at),
            factor_groups=list(groups.items()),
            action_statuses=self.settings.action_statuses,
            overdue_count=sum(1 for a in inc.actions if a.overdue),
            open_count=len(inc.open_actions),
            phases=phases(inc),
            checklist=self.checklist(inc) if self.checklist else [],
            edit_url=edit_url,
            **self._context(spec),
        )

    def _catalog(self, spec: PageSpec, edit_url: str | None) -> str:
        kb = self.kb
        start = (spec.number - 1) * PAGE_SIZE
        return self.templates.render(
            "pmsite/catalog.html",
            incidents=kb.incidents[start : start + PAGE_SIZE],
            first_index=start,
            total=len(kb.incidents),
            pager=self.listings.pager("catalog", spec.number),
            **self._catalog_choices,
            data_url=CATALOG_DATA,
            **self._context(spec),
        )

    @cached_property
    def _catalog_choices(self) -> dict[str, Any]:
        """The catalog's filter choices, the same on each of its pages: found once per build, not once a page."""
        kb = self.kb
        return {
            "severities": list(self.settings.severities),
            "categories": sorted(kb.by_category),
            "services": sorted(kb.by_service),
            "teams": sorted({t for inc in kb.incidents for t in inc.doc.teams}),
            "tags": sorted(kb.by_tag),
            "years": sorted({i.date.year for i in kb.incidents}, reverse=True),
        }

    @cached_property
    def _action_choices(self) -> dict[str, Any]:
        """The open-actions pages' filter choices and overdue count, found once per build."""
        actions = self.plan.open_actions
        words = list(self.settings.action_statuses)
        return {
            "overdue_total": sum(1 for a in actions if a.overdue),
            "owners": sorted({a.item.owner for a in actions}, key=lambda o: (o.lower(), o)),
            "teams": sorted({t for a in actions for t in a.incident.doc.teams}),
            "priorities": list(self.settings.priorities),
            "statuses": sorted({a.status for a in actions}, key=lambda s: (words + [s]).index(s)),
        }

    def _actions(self, spec: PageSpec, edit_url: str | None) -> str:
        start = (spec.number - 1) * PAGE_SIZE
        actions = self.plan.open_actions
        return self.templates.render(
            "pmsite/actions.html",
            f=action_figures.action_figures(self.kb) if spec.number == 1 else None,
            actions=actions[start : start + PAGE_SIZE],
            first_index=start,
            total=len(actions),
            pager=self.listings.pager("actions", spec.number),
            **self._action_choices,
            data_url=ACTIONS_DATA,
            review_url=self.plan.url_for(REVIEW_SOURCE),
            **self._context(spec),
        )

    def _patterns(self, spec: PageSpec, edit_url: str | None) -> str:
        return self.templates.render(
            "pmsite/patterns.html",
            branches=factors.factor_branches(self.kb),
            themes_shown=factors.THEMES_SHOWN,
            services_shown=SERVICES_SHOWN,
            categories=[self.pattern("category", c) for c in patterns.category_keys(self.kb)],
            services=[self.pattern("service", s) for s in patterns.service_keys(self.kb)],
            **self._context(spec),
        )

    def _history(self, spec: PageSpec, edit_url: str | None) -> str:
        h = history.history(self.kb)
        return self.templates.render(
            "pmsite/history.html", h=h, total=len(self.kb.incidents), charts=history_charts(h, self.settings),
            near_total=sum(h.near_misses), **self._context(spec),
        )

    def _review(self, spec: PageSpec, edit_url: str | None) -> str:
        return self.templates.render("pmsite/review.html", **review_context(self.plan), **self._context(spec))

    def _group(self, spec: PageSpec, edit_url: str | None) -> str:
        pattern = self.pattern(spec.kind, spec.key)
        return self.templates.render(
            "pmsite/group.html",
            kind=spec.kind,
            key=spec.key,
            heading=f"{GROUP_HEADINGS[spec.kind]}: {spec.key}",
            pattern=pattern,
            incidents=pattern.incidents[:PAGE_SIZE],
            catalog_url=self.plan.listing_url("catalog", 1),
            **self._context(spec),
        )

    def pattern(self, kind: str, key: str) -> patterns.Pattern:
        """One pattern per category or service, shared by the patterns page and its own page."""
        incidents = self.kb.by_category[key] if kind == "category" else self.kb.by_service[key]
        inputs = (self.settings, self.kb.today)
        kept = self._memo.patterns.get((kind, key))
        if kept is None or kept.inputs != inputs or not _same(kept.incidents, incidents):
            kept = self._memo.patterns[(kind, key)] = KeptPattern(inputs, list(incidents), patterns.pattern_for(self.kb, key, incidents))
        return kept.pattern


def _same(kept: list[Any], now: list[Any]) -> bool:
    """The very same objects in the same order (identity: an edited document is a new object)."""
    return len(kept) == len(now) and all(a is b for a, b in zip(kept, now))
