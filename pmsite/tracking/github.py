"""GitHub Issues (REST, api.github.com or GitHub Enterprise's https://HOST/api/v3).

- Create: ``POST /repos/{owner}/{repo}/issues`` with title, body, labels and assignees. Without push
  (triage) access GitHub keeps the issue but silently drops labels and assignees, so ``preflight``
  checks the token's ``permissions`` on the repository and ``create`` compares the labels it got back.
- Read: ``GET /repos/{owner}/{repo}/issues?labels=post-mortem&state=all`` (every page) for the
  tickets pmsite created, then ``GET .../issues/{number}`` for the rest. ``open`` is open (in progress
  with a configured label); ``closed`` with ``state_reason`` ``not_planned`` or ``duplicate`` is won't
  do (or with a configured won't-do label), any other closed is done. 301 (transferred) is moved;
  404 and 410 are gone. Pull requests share the numbering and are not tickets.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any

from pmsite.statuses import DONE, IN_PROGRESS, OPEN, WONT_DO
from pmsite.tracking.errors import TrackerError
from pmsite.tracking.records import Created, NewTicket, Reading, TicketRef, utc_day
from pmsite.tracking.tracker import (
    ONE_TICKET_ANSWERS,
    Tracker,
    has_html_marker,
    unreadable,
    without_ticket,
)

API_VERSION = "2022-11-28"
HEADERS = {"Accept": "application/vnd.github+json", "X-GitHub-Api-Version": API_VERSION}
WONT_DO_REASONS = ("not_planned", "duplicate")
LISTED_LABEL = "post-mortem"  # every ticket pmsite creates carries it: one listing reads them all
_ISSUE_PATH = re.compile(r"/([A-Za-z0-9_.-]+)/([A-Za-z0-9_.-]+)/issues/([1-9][0-9]{0,9})/?\Z")


class GitHub(Tracker):

    def parse_url(self, url: str) -> TicketRef | None:
        found = self._match(url, _ISSUE_PATH)
        if found is None:
            return None
        return TicketRef(url, f"{found.group(1)}/{found.group(2)}", found.group(3))

    def ticket_url(self, project: str, number: str) -> str:
        return f"{self.config.web}/{project}/issues/{number}"

    def _get(self, path: str, **kwargs: Any) -> Any:
        return self.client.request("GET", path, headers=HEADERS, **kwargs)

    def preflight(self, project: str) -> None:
        response = self._get(f"/repos/{project}", accept=(200,))
        permissions = self.client.json(response).get("permissions")
        if isinstance(permissions, dict) and not any(permissions.get(k) for k in ("triage", "push", "maintain", "admin")):
            raise TrackerError(
                f"GitHub would silently drop the labels and assignees of new issues in {project}: the token can open "
                "issues but has no triage or write access there (give it triage access, or use another token)")

    def find(self, new: NewTicket) -> str | None:
        params = {"labels": new.incident_label, "state": "all", "per_page": 100, "sort": "created", "direction": "asc"}
        for page in self.client.pages(f"/repos/{new.project}/issues", params):
            for issue in self._list(page):
                if "pull_request" not in issue and has_html_marker(issue.get("body"), new.marker):
                    return self.ticket_url(new.project, str(issue.get("number")))
        return None

    def _list(self, page: Any) -> list[dict[str, Any]]:
        body = self.client.json(page)
        if not isinstance(body, list):
            raise TrackerError(f"GET {page.request.url}: expected a list of issues")
        return [item for item in body if isinstance(item, dict)]

    def create(self, new: NewTicket) -> Created:
        payload: dict[str, Any] = {"title": new.title, "body": new.body, "labels": list(new.labels)}
        if new.assignee:
            payload["assignees"] = [new.assignee]
        response = self.client.request("POST", f"/repos/{new.project}/issues", json_body=payload, accept=(201,),
                                       create=True, headers=HEADERS)
        issue = self.client.json(response)
        number = issue.get("number") if isinstance(issue, dict) else None
        if not isinstance(number, int):
            raise TrackerError(f"POST {response.request.url}: the answer names no issue number")
        dropped = self.dropped(new.labels, [str(label.get("name")) for label in issue.get("labels") or [] if isinstance(label, dict)])
        return Created(self.ticket_url(new.project, str(number)), dropped)

    def read(self, refs: Sequence[TicketRef]) -> dict[str, Reading]:
        out: dict[str, Reading] = {}
        for group in self.by_project(refs):
            project = group[0].project
            listed: dict[str, dict[str, Any]] = {}
            params = {"labels": LISTED_LABEL, "state": "all", "per_page": 100}
            for page in self.client.pages(f"/repos/{project}/issues", params):
                for issue in self._list(page):
                    if "pull_request" not in issue:
                        listed[str(issue.get("number"))] = issue
            for ref in group:
                hit = listed.get(ref.number)
                out[ref.url] = self.reading(hit) if hit is not None else self._read_one(ref)
        return out

    def _read_one(self, ref: TicketRef) -> Reading:
        response = self._get(f"/repos/{ref.project}/issues/{ref.number}", accept=ONE_TICKET_ANSWERS)
        missing = without_ticket(response.status_code, f"the token may not read {ref.project}")
        if missing is not None:
            return missing
        issue = self.client.json(response)
        if not isinstance(issue, dict):
            return unreadable("the answer is not an issue")
        if "pull_request" in issue:
            return unreadable("a pull request, not an issue")
        return self.reading(issue)

    def reading(self, issue: dict[str, Any]) -> Reading:
        """An issue's state as one of the four meanings, with GitHub's own words."""
        labels = {str(label.get("name", "")).casefold() for label in issue.get("labels") or [] if isinstance(label, dict)}
        title = issue.get("title") if isinstance(issue.get("title"), str) else None
        state, reason = issue.get("state"), issue.get("state_reason")
        if state == "open":
            busy = next((label for label in self.config.in_progress_labels if label.casefold() in labels), None)
            return Reading(IN_PROGRESS if busy else OPEN, f"open ({busy})" if busy else "open", None, title)
        if state != "closed":
            return unreadable(f"unknown state {state!r}")
        label = next((label for label in self.config.wont_do_labels if label.casefold() in labels), None)
        wont = reason in WONT_DO_REASONS or label is not None
        words = "closed" + "".join(f" ({w})" for w in (reason, label) if isinstance(w, str) and w)
        return Reading(WONT_DO if wont else DONE, words, utc_day(issue.get("closed_at")), title)
