"""Jira Cloud (REST v3, https://SITE.atlassian.net).

- Create: ``POST /rest/api/3/issue`` with summary, issue type, an Atlassian Document Format
  description (its last paragraph is the marker as plain text), labels, ``duedate`` and ``priority``
  (the site's priority mapped to a Jira priority name by ``tracker.priorities``).
- Search: ``POST /rest/api/3/search/jql`` (the old ``/search`` is gone), following ``nextPageToken``.
  Search is eventually consistent: a ticket created a moment ago may not be found yet, so every key a
  batch does not return is read on its own with ``GET /rest/api/3/issue/{key}``, which is consistent.
  A key that does not exist makes the whole JQL query fail with 400 naming it: it is taken out of the
  batch and read on its own (404: gone).
- State: status category ``new`` is open, ``indeterminate`` in progress, ``done`` done, or won't do when
  the resolution is one of ``tracker.wont_do_resolutions``. A key answered under another key was moved.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any

from pmsite.statuses import DONE, IN_PROGRESS, OPEN, WONT_DO
from pmsite.tracking.errors import RequestFailed
from pmsite.tracking.records import Created, NewTicket, Reading, TicketRef, utc_day
from pmsite.tracking.tracker import ONE_TICKET_ANSWERS, Tracker, chunks, unreadable, without_ticket

BATCH = 100  # keys per JQL query; a page holds at most 100 issues with fields
FIELDS = ["summary", "status", "resolution", "resolutiondate"]
_BROWSE = re.compile(r"/browse/([A-Z][A-Z0-9_]*)-([1-9][0-9]{0,9})/?\Z")
_QUOTED_KEY = re.compile(r"'([A-Z][A-Z0-9_]*-[0-9]+)'")
SEARCH = "/rest/api/3/search/jql"


def adf(paragraphs: Sequence[tuple[str, str | None]]) -> dict[str, Any]:
    """An ADF document of one paragraph per (text, link) line; a link makes the text a hyperlink."""
    content = []
    for text, href in paragraphs:
        node: dict[str, Any] = {"type": "text", "text": text}
        if href:
            node["marks"] = [{"type": "link", "attrs": {"href": href}}]
        content.append({"type": "paragraph", "content": [node]})
    return {"type": "doc", "version": 1, "content": content}


def adf_lines(doc: object) -> list[str]:
    """The text of each paragraph of an ADF document (where the marker line is looked for)."""
    lines: list[str] = []

    def text_of(node: object) -> str:
        if not isinstance(node, dict):
            return ""
        if node.get("type") == "text" and isinstance(node.get("text"), str):
            return str(node["text"])
        return "".join(text_of(child) for child in node.get("content") or [] if isinstance(node.get("content"), list))

    def walk(node: object) -> None:
        if not isinstance(node, dict):
            return
        if node.get("type") == "paragraph":
            lines.append(text_of(node))
            return
        for child in node.get("content") or []:
            walk(child)

    walk(doc)
    return lines


class Jira(Tracker):

    def parse_url(self, url: str) -> TicketRef | None:
        found = self._match(url, _BROWSE)
        if found is None:
            return None
        return TicketRef(url, found.group(1), f"{found.group(1)}-{found.group(2)}")

    def ticket_url(self, project: str, number: str) -> str:
        return f"{self.config.web}/browse/{number}"

    def description(self, new: NewTicket) -> dict[str, Any]:
        lines: list[tuple[str, str | None]] = [(f"{label}: {text}", None) for label, text in new.sections]
        if new.link:
            lines.append((f"Post-mortem: {new.link}", new.link))
        lines.append((new.marker, None))
        return adf(lines)

    def _search(self, jql: str, fields: list[str]) -> list[dict[str, Any]]:
        issues: list[dict[str, Any]] = []
        token: str | None = None
        seen: set[str] = set()
        while True:
            body: dict[str, Any] = {"jql": jql, "fields": fields, "maxResults": BATCH}
            if token:
                body["nextPageToken"] = token
            response = self.client.request("POST", SEARCH, json_body=body)
            page = self.client.json(response)
            issues.extend(i for i in (page.get("issues") or []) if isinstance(i, dict))
            token = page.get("nextPageToken")
            if not token or page.get("isLast") is True or token in seen:
                return issues
            seen.add(token)

    def find(self, new: NewTicket) -> str | None:
        jql = f'project = "{new.project}" AND labels = "{new.incident_label}" ORDER BY created ASC'
        for issue in self._search(jql, ["description"]):
            if new.marker in adf_lines((issue.get("fields") or {}).get("description")):
                return self.ticket_url(new.project, str(issue.get("key")))
        return None

    def create(self, new: NewTicket) -> Created:
        fields: dict[str, Any] = {
            "project": {"key": new.project},
            "summary": new.title,
            "issuetype": {"name": self.config.issue_type},
            "description": self.description(new),
            "labels": list(new.labels),
            "duedate": new.due.isoformat(),
        }
        priority = self.config.priorities.get(new.priority)
        if priority:
            fields["priority"] = {"name": priority}
        if new.assignee:
            fields["assignee"] = {"accountId": new.assignee}
        response = self.client.request("POST", "/rest/api/3/issue", json_body={"fields": fields}, accept=(201,), create=True)
        key = self.client.json(response).get("key")
        if not isinstance(key, str) or not key:
            raise RequestFailed("POST", str(response.request.url), 201, "the answer names no issue key")
        return Created(self.ticket_url(new.project, key))

    def read(self, refs: Sequence[TicketRef]) -> dict[str, Reading]:
        out: dict[str, Reading] = {}
        for batch in chunks(sorted(refs, key=lambda r: r.number), BATCH):
            keys = sorted({ref.number for ref in batch})
            found: dict[str, dict[str, Any]] = {}
            while keys:
                try:
                    issues = self._search(f"key in ({', '.join(keys)})", FIELDS)
                except RequestFailed as exc:
                    missing = set(_QUOTED_KEY.findall(exc.answer)) & set(keys) if exc.status == 400 else set()
                    if not missing:
                        raise
                    keys = [k for k in keys if k not in missing]  # read on their own below
                    continue
                found = {str(issue.get("key")): issue for issue in issues}
                break
            for ref in batch:
                issue = found.get(ref.number)
                out[ref.url] = self.reading(issue) if issue is not None else self._read_one(ref)
        return out

    def _read_one(self, ref: TicketRef) -> Reading:
        response = self.client.request("GET", f"/rest/api/3/issue/{ref.number}", params={"fields": ",".join(FIELDS)},
                                       accept=ONE_TICKET_ANSWERS)
        missing = without_ticket(response.status_code, "the account may not browse this project")
        if missing is not None:
            return missing
        issue = self.client.json(response)
        if not isinstance(issue, dict):
            return unreadable("the answer is not an issue")
        key = issue.get("key")
        reading = self.reading(issue)
        if isinstance(key, str) and key != ref.number:
            return Reading(reading.state, reading.tracker_state, reading.closed_on, reading.title, f"moved (now {key})")
        return reading

    def reading(self, issue: dict[str, Any]) -> Reading:
        """An issue's status category and resolution as one of the four meanings."""
        fields = issue.get("fields") or {}
        status = fields.get("status") or {}
        category = (status.get("statusCategory") or {}).get("key")
        resolution = (fields.get("resolution") or {}).get("name")
        title = fields.get("summary") if isinstance(fields.get("summary"), str) else None
        words = str(status.get("name") or category or "?") + (f" / {resolution}" if resolution else "")
        if category == "new":
            return Reading(OPEN, words, None, title)
        if category == "indeterminate":
            return Reading(IN_PROGRESS, words, None, title)
        if category == "done":
            wont = isinstance(resolution, str) and resolution.casefold() in {r.casefold() for r in self.config.wont_do_resolutions}
            return Reading(WONT_DO if wont else DONE, words, utc_day(fields.get("resolutiondate")), title)
        return unreadable(f"unknown status category {category!r}")
