"""The listings' data: what the catalog's and the open-actions page's filters read, and their pagers.

The first page of each listing is static HTML (the site works without JavaScript); the
filters answer from a compact data file the browser loads only when asked. Rows carry the
text the page shows (formatted here, so the script formats nothing) and the values the
filters and sorting need; names are listed once and rows refer to them by index.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

from pmsite.site.formatting import due_note, human_duration, open_note, severity_class
from pmsite.site.markdown import MarkdownRenderer
from pmsite.site.pages import PAGE_SIZE
from pmsite.site.plan import SitePlan

CATALOG_DATA = "incidents/catalog.json"
ACTIONS_DATA = "actions/open.json"
DATE_COLUMNS = {"catalog": 2, "actions": 7}  # the column a pager names each page by: the date of its first row


class Listings:
    """The catalog's and the open actions' rows and pagers, made once per build and shared by the
    pages, the data files and the fingerprints."""

    def __init__(self, plan: SitePlan, markdown: MarkdownRenderer) -> None:
        self.plan = plan
        self.kb = plan.kb
        self.markdown = markdown
        self._payloads: dict[str, dict[str, Any]] = {}

    def data(self, kind: str) -> str:
        """The data file of a listing (``catalog`` or ``actions``): ASCII with escapes, as a data file
        may be served without a charset."""
        return json.dumps(self.payload(kind), ensure_ascii=True, separators=(",", ":")) + "\n"

    def payload(self, kind: str) -> dict[str, Any]:
        if kind not in self._payloads:
            self._payloads[kind] = self._catalog() if kind == "catalog" else self._actions()
        return self._payloads[kind]

    def options(self, kind: str) -> Any:
        """The filter choices a listing page offers that its data file does not carry."""
        if kind == "catalog":
            return sorted({i.date.year for i in self.kb.incidents})
        return sorted({a.status for a in self.plan.open_actions})

    def pager(self, kind: str, number: int) -> list[dict[str, Any]]:
        """Every page of a listing, each named by the date of its first row."""
        total = self.total(kind)
        first: Callable[[int], str]
        if kind == "catalog":
            first = lambda n: self.kb.incidents[(n - 1) * PAGE_SIZE].date.isoformat()  # noqa: E731
        else:
            first = lambda n: self.plan.open_actions[(n - 1) * PAGE_SIZE].item.due.isoformat()  # noqa: E731
        pages = max(1, -(-total // PAGE_SIZE))
        return [
            {"number": n, "url": self.plan.listing_url(kind, n), "current": n == number, "first": first(n) if total else ""}
            for n in range(1, pages + 1)
        ]

    def total(self, kind: str) -> int:
        return len(self.kb.incidents) if kind == "catalog" else len(self.plan.open_actions)

    def _catalog(self) -> dict[str, Any]:
        kb, plan, settings = self.kb, self.plan, self.kb.settings
        severities = list(settings.severities)
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
        return {
            "columns": ["id", "title", "date", "severity", "categories", "services", "teams", "tags", "near_miss",
                        "open", "overdue", "duration_seconds", "duration", "url"],  # open/overdue: the words shown
            "severities": [[str(s), settings.severity_label(s), severity_class(s, settings)] for s in severities],
            "categories": [[c, plan.category_url(c)] for c in categories],
            "services": [[s, plan.service_url(s)] for s in services],
            "teams": teams,
            "tags": tags,
            "rows": rows,
        }

    def _actions(self) -> dict[str, Any]:
        settings, actions = self.kb.settings, self.plan.open_actions
        priorities = list(settings.priorities)
        statuses = list(settings.action_statuses)
        owners = sorted({a.item.owner for a in actions}, key=lambda o: (o.lower(), o))
        teams = sorted({t for a in actions for t in a.incident.doc.teams})
        o_ix = {o: i for i, o in enumerate(owners)}
        t_ix = {t: i for i, t in enumerate(teams)}
        today = self.kb.today
        rows = []
        for a in actions:
            item, inc = a.item, a.incident
            rows.append([
                a.id, a.anchor, str(self.markdown.inline(item.description)), o_ix[item.owner],
                [t_ix[t] for t in inc.doc.teams], priorities.index(item.priority) if item.priority in priorities else len(priorities),
                statuses.index(a.status) if a.status in statuses else len(statuses), item.due.isoformat(),
                *due_note(a, today), inc.id, inc.doc.title, inc.url,
            ])
        return {
            "columns": ["id", "anchor", "description_html", "owner", "teams", "priority", "status", "due", "when",
                        "when_text", "incident", "incident_title", "incident_url"],
            "owners": owners,
            "teams": teams,
            "priorities": priorities,
            "statuses": statuses,
            "rows": rows,
        }
