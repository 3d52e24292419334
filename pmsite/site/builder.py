"""The pages and files a knowledge base produces, independent of any front end.

:class:`SiteBuilder` knows every page up front (so a front end can register
them) and renders a page only when asked, so memory stays flat however many
incidents there are. Where a page is published is the front end's business:
it passes ``url_for``, which turns a page's source path (``incidents/x/index.md``)
into its URL, so MkDocs' ``use_directory_urls`` (or another builder's rule) is
honoured by every link the engine writes.

Listings that grow with the corpus (the catalog, open actions) are split into
numbered pages of :data:`PAGE_SIZE`, so no page grows with the corpus; their
filters read a compact data file that the browser loads only when asked.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any, cast

from markupsafe import Markup

from pmsite.analysis import action_figures, factors, history, patterns
from pmsite.analysis.actions import Action
from pmsite.analysis.incidents import Incident
from pmsite.analysis.knowledge_base import KnowledgeBase
from pmsite.errors import PageCollision
from pmsite.settings import Settings
from pmsite.site import charts, outputs
from pmsite.site.formatting import human_duration
from pmsite.site.markdown import MarkdownRenderer
from pmsite.site.pages import PAGE_SIZE, PageSpec, RenderedPage, _origin
from pmsite.site.phases import phases
from pmsite.site.templates import Templates
from pmsite.site.toc import headings
from pmsite.site.urls import _unique_slugs, directory_url, url_helper, url_slug

SERVICES_SHOWN = 12  # services with a full section on the patterns page; the rest in one table

CATALOG_DATA = "incidents/catalog.json"

ACTIONS_DATA = "actions/open.json"

SEARCH_DIR = "search"  # where the search index is written, beside the site



def open_actions_in_review_order(kb: KnowledgeBase) -> list[Action]:
    """The weekly review's order: overdue first (longest late first), then by due date and priority."""
    order = {p: i for i, p in enumerate(kb.settings.priorities)}
    open_ = [a for inc in kb.incidents for a in inc.actions if a.open]
    return sorted(
        open_,
        key=lambda a: (not a.overdue, -a.days_late, a.item.due, order.get(a.item.priority, len(order)), a.incident.id, a.id),
    )



def due_note(action: Action, today: Any, soon_days: int) -> tuple[str, str]:
    """What the listings say beside a due date: ("overdue", "3 days late"), ("soon", "due in 2 days") or ("", "")."""
    if action.overdue:
        return "overdue", f"{action.days_late} day{'s' if action.days_late != 1 else ''} late"
    left = (action.item.due - today).days
    if action.open and left <= soon_days:
        return "soon", "due today" if left == 0 else f"due in {left} day{'s' if left != 1 else ''}"
    return "", ""



def open_note(inc: Incident) -> tuple[str, str]:
    """The catalog's action column: ("2 open", "1 overdue"), either part empty when zero."""
    n_open = len(inc.open_actions)
    n_late = sum(1 for a in inc.actions if a.overdue)
    return (f"{n_open} open" if n_open else "", f"{n_late} overdue" if n_late else "")



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
        url_for: Callable[[str], str] = directory_url,
        digests: Mapping[str, str] | None = None,
        memo: dict[Any, Any] | None = None,
    ) -> None:
        """``memo``: results kept from the last build (a live preview passes the same dict each time),
        reused only for the very same inputs (the same incident objects, which the analysis keeps
        for unchanged documents) and the same settings and date."""
        self.kb = kb
        self._memo = memo if memo is not None else {}
        self.digests = digests or {}  # source path -> digest of its bytes, for fingerprints
        self._catalog_cache: dict[str, Any] | None = None  # the listings' data, shared by data file and fingerprints
        self._actions_cache: dict[str, Any] | None = None
        self._sources_cache: tuple[dict[str, str], str] | None = None  # see _sources
        self.settings = settings
        self.templates = templates
        self.markdown = markdown
        self.checklist = checklist
        self.url_for = url_for
        self.specs: dict[str, PageSpec] = {}
        self._by_url: dict[str, PageSpec] = {}
        self.category_slugs = _unique_slugs(sorted(kb.by_category))
        self.service_slugs = _unique_slugs(sorted(kb.by_service))
        self.open_actions = open_actions_in_review_order(kb)
        self._plan()

    # --- where things are ---------------------------------------------------

    def category_url(self, name: str) -> str:
        return self.url_for(f"categories/{self.category_slugs.get(name) or url_slug(name)}/index.md")

    def service_url(self, name: str) -> str:
        return self.url_for(f"services/{self.service_slugs.get(name) or url_slug(name)}/index.md")

    def listing_url(self, kind: str, number: int) -> str:
        folder = "incidents" if kind == "catalog" else "actions"
        return self.url_for(f"{folder}/index.md" if number == 1 else f"{folder}/page/{number}/index.md")

    def _plan(self) -> None:
        for kind, title, count in (
            ("catalog", "Incident catalog", len(self.kb.incidents)),
            ("actions", "Open action items", len(self.open_actions)),
        ):
            pages = max(1, -(-count // PAGE_SIZE))
            folder = "incidents" if kind == "catalog" else "actions"
            for number in range(1, pages + 1):
                src = f"{folder}/index.md" if number == 1 else f"{folder}/page/{number}/index.md"
                shown = title if number == 1 else f"{title}, page {number} of {pages}"
                self._add(PageSpec(src, self.url_for(src), shown, kind, number=number, hide=("navigation", "toc")))
        for src, title, kind in (
            ("patterns/index.md", "Recurring patterns", "patterns"),
            ("history/index.md", "Severity history", "history"),
        ):
            self._add(PageSpec(src, self.url_for(src), title, kind))
        for kind, slugs, prefix in (("category", self.category_slugs, "Root cause"), ("service", self.service_slugs, "Service")):
            folder = "categories" if kind == "category" else "services"
            for name, slug in slugs.items():
                src = f"{folder}/{slug}/index.md"
                self._add(PageSpec(src, self.url_for(src), f"{prefix}: {name}", kind, name))
        for inc in self.kb.incidents:
            src = f"incidents/{inc.slug}/index.md"
            inc.url = self.url_for(src)  # the front end decides where a page lives; every link follows
            self._add(
                PageSpec(
                    src,
                    inc.url,
                    f"{inc.id}: {inc.doc.title}",
                    "incident",
                    inc.id,
                    tags=list(inc.doc.tags),
                    source_uri=inc.source_uri,
                    description=_plain(inc.doc.summary, 300),
                )
            )

    def _add(self, spec: PageSpec) -> None:
        for index, key in ((self.specs, spec.src_uri), (self._by_url, spec.url)):
            other = index.get(key)
            if other is not None:
                raise PageCollision(f"{_origin(other)} and {_origin(spec)} would both be published at {spec.url or '/'}")
        self.specs[spec.src_uri] = spec
        self._by_url[spec.url] = spec

    # --- rendering ---------------------------------------------------------

    def render(self, src_uri: str, *, edit_url: str | None = None) -> RenderedPage:
        spec = self.specs[src_uri]
        method = getattr(self, f"_render_{spec.kind}")
        html: str = method(spec, edit_url=edit_url)
        # MkDocs holds every page's HTML until the build ends; one non-ASCII character (a dash,
        # a check mark) makes CPython store a string at two bytes per character. Character
        # references keep it at one: the same page, half the memory at 10,000 incidents.
        html = html.encode("ascii", "xmlcharrefreplace").decode("ascii")
        return RenderedPage(html, headings(html))

    def _context(self, spec: PageSpec) -> dict[str, Any]:
        return {
            "spec": spec,
            "link": url_helper(spec.url),
            "data": {"incidents": outputs.INCIDENTS_JSON, "actions": outputs.ACTIONS_JSON,
                     "calendar": outputs.ACTIONS_ICS, "feed": outputs.FEED_PATH},
            "md": self.markdown.block,
            "md_inline": self.markdown.inline,
            "severity_label": self.settings.severity_label,
            "severity_class": self.severity_class,
            "settings": self.settings,
            "today": self.kb.today,
            "kb": self.kb,
            "category_url": self.category_url,
            "service_url": self.service_url,
            "pct": lambda v: "—" if v is None else f"{v:g}%",
            "due_note": lambda a: due_note(a, self.kb.today, self.settings.due_soon_days),
            "open_note": open_note,
        }

    def severity_class(self, level: int | str) -> str:
        """``pm-sev--1`` for the most severe configured level, ``--2`` for the next...: ranks, not labels."""
        levels = list(self.settings.severities)
        return f"pm-sev--{levels.index(level) + 1 if level in levels else 0}"

    def _severity_rank(self, level: int | str) -> int:
        levels = list(self.settings.severities)
        return levels.index(level) if level in levels else len(levels)

    # --- incident pages ----------------------------------------------------

    def _render_incident(self, spec: PageSpec, *, edit_url: str | None) -> str:
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

    # --- listings ----------------------------------------------------------

    def _pager(self, kind: str, number: int, total: int, first_of: Callable[[int], str]) -> list[dict[str, Any]]:
        pages = max(1, -(-total // PAGE_SIZE))
        return [
            {"number": n, "url": self.listing_url(kind, n), "current": n == number, "first": first_of(n) if total else ""}
            for n in range(1, pages + 1)
        ]

    def _render_catalog(self, spec: PageSpec, *, edit_url: str | None) -> str:
        kb = self.kb
        start = (spec.number - 1) * PAGE_SIZE
        shown = kb.incidents[start : start + PAGE_SIZE]
        teams = sorted({t for inc in kb.incidents for t in inc.doc.teams})
        tags = sorted(kb.by_tag)
        pager = self._pager(
            "catalog", spec.number, len(kb.incidents), lambda n: kb.incidents[(n - 1) * PAGE_SIZE].date.isoformat()
        )
        return self.templates.render(
            "pmsite/catalog.html",
            incidents=shown,
            first_index=start,
            total=len(kb.incidents),
            pager=pager,
            severities=list(self.settings.severities),
            categories=sorted(kb.by_category),
            services=sorted(kb.by_service),
            teams=teams,
            tags=tags,
            years=sorted({i.date.year for i in kb.incidents}, reverse=True),
            data_url=CATALOG_DATA,
            **self._context(spec),
        )

    def _render_actions(self, spec: PageSpec, *, edit_url: str | None) -> str:
        start = (spec.number - 1) * PAGE_SIZE
        actions = self.open_actions
        pager = self._pager(
            "actions", spec.number, len(actions), lambda n: actions[(n - 1) * PAGE_SIZE].item.due.isoformat()
        )
        return self.templates.render(
            "pmsite/actions.html",
            f=action_figures.action_figures(self.kb) if spec.number == 1 else None,
            actions=actions[start : start + PAGE_SIZE],
            first_index=start,
            total=len(actions),
            overdue_total=sum(1 for a in actions if a.overdue),
            pager=pager,
            owners=sorted({a.item.owner for a in actions}, key=lambda o: (o.lower(), o)),
            teams=sorted({t for a in actions for t in a.incident.doc.teams}),
            priorities=list(self.settings.priorities),
            statuses=sorted({a.item.status for a in actions}, key=lambda s: (list(self.settings.action_statuses) + [s]).index(s)),
            data_url=ACTIONS_DATA,
            **self._context(spec),
        )

    # --- organisation-wide views -------------------------------------------

    def _render_patterns(self, spec: PageSpec, *, edit_url: str | None) -> str:
        return self.templates.render(
            "pmsite/patterns.html",
            branches=factors.factor_branches(self.kb),
            themes_shown=factors.THEMES_SHOWN,
            services_shown=SERVICES_SHOWN,
            categories=[self._pattern("category", c) for c in patterns.category_keys(self.kb)],
            services=[self._pattern("service", s) for s in patterns.service_keys(self.kb)],
            **self._context(spec),
        )

    def _render_history(self, spec: PageSpec, *, edit_url: str | None) -> str:
        h = history.history(self.kb)
        label = self.settings.severity_label
        per = {"month": "month", "quarter": "quarter", "year": "year"}[h.step]
        chart_list = []
        if h.periods:
            names = [label(sev) for sev in h.severities]
            chart_list.append(
                _Chart(
                    "incidents-per-period",
                    f"Incidents per {per} by severity",
                    charts.stacked_bars(
                        "incidents-per-period-chart", f"Incidents per {per} by severity", h.periods,
                        [(name, h.per_period[sev]) for name, sev in zip(names, h.severities)], y_title="incidents",
                    ),
                    [per.capitalize(), *names, "Total"],
                    [[p, *[h.per_period[s][i] for s in h.severities], h.counts[i]] for i, p in enumerate(h.periods)],
                )
            )
            for ident, caption, what, spreads, colour in (
                ("time-to-resolve", f"Time to resolve per {per} (detected to resolved)", "time to resolve", h.resolve, 0),
                ("time-to-detect", f"Time to detect per {per} (started to detected)", "time to detect", h.detect, 1),
                ("time-to-mitigate", f"Time to mitigate per {per} (detected to mitigated)", "time to mitigate", h.mitigate, 2),
            ):
                cut = history.trimmed(spreads)
                periods = h.periods[cut]
                rows = spreads[cut]
                if not periods:
                    continue
                chart_list.append(
                    _Chart(
                        ident,
                        caption,
                        charts.range_chart(
                            f"{ident}-chart", caption, periods,
                            [(s.p25, s.median, s.p75) if s else None for s in rows], what=what, colour=colour,
                        ),
                        [per.capitalize(), "Incidents", "25th percentile", "Median", "75th percentile", "Mean"],
                        [[p, s.count, s.p25, s.median, s.p75, s.mean] if s else [p, 0, None, None, None, None] for p, s in zip(periods, rows)],
                        note="Minutes. The middle half of incidents lies between the 25th and 75th percentile.",
                    )
                )
            cut = history.trimmed(h.near_misses)
            if h.periods[cut]:
                chart_list.append(
                    _Chart(
                        "near-misses",
                        f"Near misses per {per}",
                        charts.bar_chart("near-misses-chart", f"Near misses per {per}", h.periods[cut], h.near_misses[cut], y_title="near misses", colour=3),
                        [per.capitalize(), "Near misses", "All incidents"],
                        [[p, n, c] for p, n, c in zip(h.periods[cut], h.near_misses[cut], h.counts[cut])],
                    )
                )
            chart_list.append(
                _Chart(
                    "duration-distribution",
                    "Duration distribution (detected to resolved)",
                    charts.hbar_chart("duration-distribution-chart", "Duration distribution", [b for b, _ in h.duration_bins], [n for _, n in h.duration_bins]),
                    ["Duration", "Incidents"],
                    [[b, n] for b, n in h.duration_bins],
                )
            )
        return self.templates.render(
            "pmsite/history.html", h=h, total=len(self.kb.incidents), charts=chart_list, near_total=sum(h.near_misses), **self._context(spec)
        )

    def _render_group(self, spec: PageSpec, kind: str, heading: str) -> str:
        pattern = self._pattern(kind, spec.key)
        return self.templates.render(
            "pmsite/group.html",
            kind=kind,
            key=spec.key,
            heading=heading,
            pattern=pattern,
            incidents=pattern.incidents[:PAGE_SIZE],
            catalog_url=self.listing_url("catalog", 1),
            **self._context(spec),
        )

    def _pattern(self, kind: str, key: str) -> patterns.Pattern:
        """One pattern per category or service, shared by the patterns page and its own page."""
        incidents = self.kb.by_category[key] if kind == "category" else self.kb.by_service[key]
        inputs = (self.settings, self.kb.today)
        kept = self._memo.get(("pattern", kind, key))
        if kept is None or kept[0] != inputs or not _same(kept[1], incidents):
            kept = self._memo[("pattern", kind, key)] = (inputs, list(incidents), patterns.pattern_for(self.kb, key, incidents))
        return cast(patterns.Pattern, kept[2])

    def _render_category(self, spec: PageSpec, *, edit_url: str | None) -> str:
        return self._render_group(spec, "category", f"Root cause: {spec.key}")

    def _render_service(self, spec: PageSpec, *, edit_url: str | None) -> str:
        return self._render_group(spec, "service", f"Service: {spec.key}")

    # --- data for the listings' filters -------------------------------------

    def catalog_data(self) -> str:
        """Every incident in a compact form the catalog's filters read (names once, rows by index).

        Rows carry the text the page shows (formatted by the engine, so the script formats
        nothing) and the values the filters and sorting need.
        """
        return _json(self._catalog_payload())

    def actions_data(self) -> str:
        """Every open action item in review order, compactly, for the open-actions page's filters."""
        return _json(self._actions_payload())

    # --- what each page is made of -----------------------------------------

    def fingerprints(self) -> dict[str, str]:
        """A digest per page of everything its HTML is made from besides templates, settings and date.

        When a page's digest is the same in two builds with the same templates, settings and
        reference date, its HTML is the same, so a preview re-renders only the pages an edit
        changed. Conservative by design: an incident page changes with its own source and the
        source of any incident it lists as related; a listing page with the rows it shows and
        its filters; a category or service page with any of its incidents; the patterns and
        history pages, and the first page of open actions (its figures), with any incident.
        """
        kb = self.kb
        source, names = self._sources()
        corpus = _digest(names, [(inc.url, source[inc.id]) for inc in kb.incidents])
        listings: dict[str, tuple[list[Any], Any]] = {}  # per listing: its rows, and what each of its pages shares
        for kind, payload, date_column in (("catalog", self._catalog_payload(), 2), ("actions", self._actions_payload(), 7)):
            rows = payload["rows"]
            head = {k: v for k, v in payload.items() if k != "rows"}
            pager = [rows[i][date_column] for i in range(0, len(rows), PAGE_SIZE)]
            listings[kind] = (rows, (head, pager, len(rows), self._listing_options(kind)))
        out: dict[str, str] = {}
        for src, spec in self.specs.items():
            parts: Any
            if spec.kind == "incident":
                parts = self.incident_fingerprint(kb.by_id[spec.key])
            elif spec.kind in listings:
                rows, shared = listings[spec.kind]
                start = (spec.number - 1) * PAGE_SIZE
                parts = (shared, rows[start : start + PAGE_SIZE])
                if spec.kind == "actions" and spec.number == 1:
                    parts = (parts, corpus)
            elif spec.kind in ("category", "service"):
                members = kb.by_category[spec.key] if spec.kind == "category" else kb.by_service[spec.key]
                parts = (names, len(kb.incidents), [(m.url, source[m.id]) for m in members])
            else:
                parts = corpus
            out[src] = _digest(spec.kind, spec.title, spec.number, parts)
        return out

    def incident_fingerprint(self, inc: Incident) -> str:
        """A digest of what an incident's page and its entries in the data files are made of: its
        source, the slugs of the names it links, and each incident it lists as related. Computed
        once per build (the page and each data file's entry ask for it), and kept for the next
        while the incident, its related list and the URLs stay the very same."""
        source, names = self._sources()
        inputs = (names, inc.url, inc.source_uri, tuple(r.incident.url for r in inc.related))
        kept = self._memo.get(("incident", inc.id))
        if kept is None or kept[0] is not inc or kept[1] is not inc.related or kept[2] != inputs:
            related = [(r.incident.url, source[r.incident.id], r.reasons, r.explicit) for r in inc.related]
            fingerprint = _digest(names, source[inc.id], inc.url, inc.source_uri, related)
            kept = self._memo[("incident", inc.id)] = (inc, inc.related, inputs, fingerprint)
        return cast(str, kept[3])

    def _sources(self) -> tuple[dict[str, str], str]:
        """Per incident, a digest of its source; and one digest of every category's and service's slug."""
        if self._sources_cache is None:
            source = {inc.id: self.digests.get(inc.source_uri) or inc.doc.model_dump_json() for inc in self.kb.incidents}
            self._sources_cache = source, _digest(sorted(self.category_slugs.items()), sorted(self.service_slugs.items()))
        return self._sources_cache

    def _listing_options(self, kind: str) -> Any:
        """The filter choices a listing page offers that its data file does not carry."""
        if kind == "catalog":
            return sorted({i.date.year for i in self.kb.incidents})
        return sorted({a.item.status for a in self.open_actions})

    def _catalog_payload(self) -> dict[str, Any]:
        if self._catalog_cache is not None:
            return self._catalog_cache
        kb = self.kb
        severities = list(self.settings.severities)
        categories = sorted(kb.by_category)
        services = sorted(kb.by_service)
        teams = sorted({t for inc in kb.incidents for t in inc.doc.teams})
        tags = sorted(kb.by_tag)
        ix = {name: {v: i for i, v in enumerate(values)} for name, values in
              (("c", categories), ("s", services), ("t", teams), ("g", tags))}
        rows = []
        for inc in kb.incidents:
            doc = inc.doc
            rows.append([
                inc.id, doc.title, inc.date.isoformat(), severities.index(doc.severity) if doc.severity in severities else len(severities),
                [ix["c"][c] for c in inc.categories], [ix["s"][s] for s in doc.services], [ix["t"][t] for t in doc.teams],
                [ix["g"][t] for t in doc.tags], 1 if doc.near_miss else 0, *open_note(inc),
                int(inc.duration.total_seconds()) if inc.duration else -1, human_duration(inc.duration), inc.url,
            ])
        self._catalog_cache = {
            "columns": ["id", "title", "date", "severity", "categories", "services", "teams", "tags", "near_miss",
                        "open", "overdue", "duration_seconds", "duration", "url"],  # open/overdue: the words shown
            "severities": [[str(s), self.settings.severity_label(s), self.severity_class(s)] for s in severities],
            "categories": [[c, self.category_url(c)] for c in categories],
            "services": [[s, self.service_url(s)] for s in services],
            "teams": teams,
            "tags": tags,
            "rows": rows,
        }
        return self._catalog_cache

    def _actions_payload(self) -> dict[str, Any]:
        if self._actions_cache is not None:
            return self._actions_cache
        priorities = list(self.settings.priorities)
        statuses = list(self.settings.action_statuses)
        owners = sorted({a.item.owner for a in self.open_actions}, key=lambda o: (o.lower(), o))
        teams = sorted({t for a in self.open_actions for t in a.incident.doc.teams})
        o_ix = {o: i for i, o in enumerate(owners)}
        t_ix = {t: i for i, t in enumerate(teams)}
        today, soon = self.kb.today, self.settings.due_soon_days
        rows = []
        for a in self.open_actions:
            item, inc = a.item, a.incident
            rows.append([
                a.id, a.anchor, str(self.markdown.inline(item.description)), o_ix[item.owner],
                [t_ix[t] for t in inc.doc.teams], priorities.index(item.priority) if item.priority in priorities else len(priorities),
                statuses.index(item.status) if item.status in statuses else len(statuses), item.due.isoformat(),
                *due_note(a, today, soon), inc.id, inc.doc.title, inc.url,
            ])
        self._actions_cache = {
            "columns": ["id", "anchor", "description_html", "owner", "teams", "priority", "status", "due", "when",
                        "when_text", "incident", "incident_title", "incident_url"],
            "owners": owners,
            "teams": teams,
            "priorities": priorities,
            "statuses": statuses,
            "rows": rows,
        }
        return self._actions_cache



def _same(kept: list[Any], now: list[Any]) -> bool:
    """The very same objects in the same order (identity: an edited document is a new object)."""
    return len(kept) == len(now) and all(a is b for a, b in zip(kept, now))



def _json(value: Any) -> str:
    # ASCII with escapes: a data file may be served without a charset
    return json.dumps(value, ensure_ascii=True, separators=(",", ":")) + "\n"



def _digest(*parts: Any) -> str:
    return hashlib.blake2b(repr(parts).encode("utf-8", "surrogatepass"), digest_size=16).hexdigest()



@dataclass
class _Chart:
    id: str
    caption: str
    svg: str
    header: list[str]
    rows: list[list[Any]]
    note: str = ""

    def __post_init__(self) -> None:
        self.svg = Markup(self.svg)



def _plain(markdown_text: str, limit: int = 160) -> str:
    """Author Markdown as one line of plain text (descriptions, data files); escaped where it is used."""
    text = re.sub(r"\[([^\]]*)\]\([^)]*\)", r"\1", markdown_text)
    text = re.sub(r"(\*\*|__|`|^#+\s*|^>\s*)", "", text, flags=re.MULTILINE)
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"
