"""GitLab Issues (REST v4, https://HOST/api/v4).

- The project is addressed by its path, URL-encoded as one segment (``group%2Fsub%2Fproject``).
- Create: ``POST /projects/:id/issues`` with title, description (the marker is a hidden HTML comment),
  labels (comma-separated; GitLab has no priority field, so the priority is a label) and ``due_date``.
  GitLab ignores labels a user may not set, so ``create`` compares the labels it got back.
- Read: ``GET /projects/:id/issues?iids[]=..&state=all`` in batches of 100, every page; an iid a batch
  does not return is read on its own (404, 410: gone; 301: moved). ``opened`` is open (in progress with
  a configured label); ``closed`` is won't do with a configured won't-do label, else done. An issue
  moved to another project is answered closed with ``moved_to_id``: moved.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any
from urllib.parse import quote

from pmsite.statuses import DONE, IN_PROGRESS, OPEN, WONT_DO
from pmsite.tracking.errors import TrackerError
from pmsite.tracking.records import Created, NewTicket, Reading, TicketRef, utc_day
from pmsite.tracking.tracker import (
    ONE_TICKET_ANSWERS,
    Tracker,
    chunks,
    has_html_marker,
    moved,
    unreadable,
    without_ticket,
)

BATCH = 100
_ISSUE_PATH = re.compile(r"/((?:[A-Za-z0-9_.][A-Za-z0-9_.-]*/)+[A-Za-z0-9_.][A-Za-z0-9_.-]*)/-/(?:issues|work_items)/([1-9][0-9]{0,9})/?\Z")


def project_id(path: str) -> str:
    """A project path as GitLab's API takes it in place of the numeric id."""
    return quote(path, safe="")


class GitLab(Tracker):

    def parse_url(self, url: str) -> TicketRef | None:
        found = self._match(url, _ISSUE_PATH)
        if found is None:
            return None
        return TicketRef(url, found.group(1), found.group(2))

    def ticket_url(self, project: str, number: str) -> str:
        return f"{self.config.web}/{project}/-/issues/{number}"

    def _api(self, project: str) -> str:
        return f"/api/v4/projects/{project_id(project)}"

    def _issues(self, page: Any) -> list[dict[str, Any]]:
        body = self.client.json(page)
        if not isinstance(body, list):
            raise TrackerError(f"GET {page.request.url}: expected a list of issues")
        return [item for item in body if isinstance(item, dict)]

    def find(self, new: NewTicket) -> str | None:
        params = {"labels": new.incident_label, "state": "all", "per_page": 100, "order_by": "created_at", "sort": "asc"}
        for page in self.client.pages(f"{self._api(new.project)}/issues", params):
            for issue in self._issues(page):
                if has_html_marker(issue.get("description"), new.marker):
                    return self.ticket_url(new.project, str(issue.get("iid")))
        return None

    def create(self, new: NewTicket) -> Created:
        payload: dict[str, Any] = {
            "title": new.title, "description": new.body, "labels": ",".join(new.labels), "due_date": new.due.isoformat(),
        }
        if new.assignee:
            payload["assignee_ids"] = [int(new.assignee)]
        response = self.client.request("POST", f"{self._api(new.project)}/issues", json_body=payload, accept=(201,), create=True)
        issue = self.client.json(response)
        iid = issue.get("iid") if isinstance(issue, dict) else None
        if not isinstance(iid, int):
            raise TrackerError(f"POST {response.request.url}: the answer names no issue iid")
        dropped = self.dropped(new.labels, [str(label) for label in issue.get("labels") or []])
        return Created(self.ticket_url(new.project, str(iid)), dropped)

    def read(self, refs: Sequence[TicketRef]) -> dict[str, Reading]:
        out: dict[str, Reading] = {}
        for group in self.by_project(refs):
            project = group[0].project
            for batch in chunks(sorted(group, key=lambda r: int(r.number)), BATCH):
                iids = sorted({int(ref.number) for ref in batch})
                params: list[tuple[str, str | int]] = [("iids[]", iid) for iid in iids]
                params += [("state", "all"), ("per_page", 100)]
                found: dict[str, dict[str, Any]] = {}
                for page in self.client.pages(f"{self._api(project)}/issues", params):
                    for issue in self._issues(page):
                        found[str(issue.get("iid"))] = issue
                for ref in batch:
                    hit = found.get(ref.number)
                    out[ref.url] = self.reading(hit) if hit is not None else self._read_one(ref)
        return out

    def _read_one(self, ref: TicketRef) -> Reading:
        response = self.client.request("GET", f"{self._api(ref.project)}/issues/{ref.number}",
                                       accept=ONE_TICKET_ANSWERS)
        missing = without_ticket(response.status_code, f"the token may not read {ref.project}")
        if missing is not None:
            return missing
        issue = self.client.json(response)
        return self.reading(issue) if isinstance(issue, dict) else unreadable("the answer is not an issue")

    def reading(self, issue: dict[str, Any]) -> Reading:
        """An issue's state and labels as one of the four meanings."""
        labels = {str(label).casefold() for label in issue.get("labels") or []}
        title = issue.get("title") if isinstance(issue.get("title"), str) else None
        state = issue.get("state")
        if state == "opened":
            busy = next((label for label in self.config.in_progress_labels if label.casefold() in labels), None)
            return Reading(IN_PROGRESS if busy else OPEN, f"opened ({busy})" if busy else "opened", None, title)
        if state != "closed":
            return unreadable(f"unknown state {state!r}")
        if issue.get("moved_to_id"):
            return moved("to another project")
        wont = next((label for label in self.config.wont_do_labels if label.casefold() in labels), None)
        return Reading(WONT_DO if wont else DONE, f"closed ({wont})" if wont else "closed", utc_day(issue.get("closed_at")), title)
