"""GitLab: a local stand-in answering as GitLab's REST v4 documentation says (projects by URL-encoded
path, iids[] batches, Link pagination, labels as a comma-separated string, moved_to_id, 429)."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from conftest import run_pmsite
from trackers.fakes import FakeGitLab
from trackers.harness import FAST, INCIDENT, write_kb

TOKEN = "glpat-test-token-0003"
ENV = {"GITLAB_TOKEN": TOKEN}
WEB = "https://gitlab.example.com"


@pytest.fixture
def gitlab() -> Iterator[FakeGitLab]:
    fake = FakeGitLab(TOKEN, ("acme/platform", "acme/pay/payments")).start()
    fake.add("acme/platform", "Alert on eviction rate", state="closed", closed_at="2024-03-30T10:00:00.000Z")
    yield fake
    fake.stop()
    assert fake.bad_auth == 0


def kb(root: Path, fake: FakeGitLab, **more: Any) -> Path:
    tracker = {"kind": "gitlab", "url": fake.url, "project": "acme/platform", "web": WEB,
               "routes": {"Payments team": "acme/pay/payments"}, "assignees": {"Platform team": "42"},
               "in_progress_labels": ["workflow::doing"], **FAST, **more}
    return write_kb(root, tracker, pasted=f"{WEB}/acme/platform/-/issues/1")


def test_apply_creates_issues_with_labels_and_due_date_in_the_encoded_project(gitlab: FakeGitLab, tmp_path: Path) -> None:
    root = kb(tmp_path, gitlab)
    proc = run_pmsite("tickets", "apply", cwd=root, env=ENV)
    assert proc.returncode == 0, proc.stderr
    posts = gitlab.requests("POST")
    assert [p.path for p in posts] == ["/api/v4/projects/acme%2Fplatform/issues", "/api/v4/projects/acme%2Fpay%2Fpayments/issues"]
    first = posts[0].body
    assert {k: v for k, v in first.items() if k != "description"} == {
        "title": "Rate-limit cache evictions during peak hours",
        "labels": "post-mortem,incident-INC-2024-0315,high,prevents-recurrence", "due_date": "2024-04-15", "assignee_ids": [42]}
    assert first["description"].endswith("\n\n<!-- pmsite:action INC-2024-0315/A1 -->\n")
    text = (root / "content/incidents/2024-03-15-checkout.yaml").read_text()
    assert f"    prevents_recurrence: true\n    ticket: {WEB}/acme/platform/-/issues/2\n" in text
    assert text.endswith(f"    improves_response: true\n    ticket: {WEB}/acme/pay/payments/-/issues/1\n")
    # the owner route sent A3 to another project; a rerun finds both done
    assert run_pmsite("tickets", "apply", cwd=root, env=ENV).stdout == "created 0, found 0 created earlier; 0 left\n"


def test_a_guest_token_whose_labels_are_ignored_is_reported(gitlab: FakeGitLab, tmp_path: Path) -> None:
    root = kb(tmp_path, gitlab)
    gitlab.guest = True
    proc = run_pmsite("tickets", "apply", cwd=root, env=ENV)
    assert proc.returncode == 1
    assert (f"pmsite: error: INC-2024-0315/A1: {WEB}/acme/platform/-/issues/2 was created without the labels post-mortem, "
            "incident-INC-2024-0315, high, prevents-recurrence: the token may not set labels in acme/platform\n") in proc.stderr


def test_sync_reads_in_batches_and_maps_labels(gitlab: FakeGitLab, tmp_path: Path) -> None:
    for n in range(150):  # 151 tickets: two batches of iids, in pages of 40
        gitlab.add("acme/platform", f"Filler {n}", labels=["post-mortem"])
    gitlab.projects["acme/platform"][141].update(state="closed", labels=["post-mortem", "won't do"], closed_at="2024-04-02T01:00:00Z")
    gitlab.projects["acme/platform"][142]["labels"] = ["post-mortem", "In Progress"]
    gitlab.max_per_page = 40
    gitlab.gone["acme/platform#151"] = 410
    gitlab.gone["acme/platform#150"] = 301
    extra = {"2024-03-20-more.yaml": _more_doc([f"{WEB}/acme/platform/-/issues/{n}" for n in range(2, 152)])}
    root = write_kb(tmp_path, {"kind": "gitlab", "url": gitlab.url, "project": "acme/platform", "web": WEB, **FAST},
                    pasted=f"{WEB}/acme/platform/-/issues/1", extra_docs=extra)
    gitlab.seen.clear()
    proc = run_pmsite("tickets", "sync", cwd=root, env=ENV)
    assert proc.returncode == 0, proc.stderr
    tickets = json.loads((root / "tickets.json").read_text())["tickets"]
    today = dt.datetime.now(dt.UTC).date().isoformat()
    assert tickets[f"{WEB}/acme/platform/-/issues/1"] == {"closed_on": "2024-03-30", "problem": None, "read_on": today,
                                                           "state": "done", "title": "Alert on eviction rate", "tracker_state": "closed"}
    assert tickets[f"{WEB}/acme/platform/-/issues/141"]["tracker_state"] == "closed (won't do)"
    assert tickets[f"{WEB}/acme/platform/-/issues/141"]["state"] == "wont-do"
    assert tickets[f"{WEB}/acme/platform/-/issues/142"]["state"] == "in-progress"
    assert tickets[f"{WEB}/acme/platform/-/issues/150"]["problem"] == "moved (HTTP 301)"
    assert tickets[f"{WEB}/acme/platform/-/issues/151"]["problem"] == "gone (HTTP 410)"
    lists = [s for s in gitlab.seen if s.path.endswith("/issues")]
    assert [(len(s.query.get("iids[]", [])), s.query.get("page", ["1"])[0]) for s in lists] == [
        (100, "1"), (100, "2"), (100, "3"), (51, "1"), (51, "2")]
    singles = [s.path for s in gitlab.seen if not s.path.endswith("/issues")]
    assert singles == ["/api/v4/projects/acme%2Fplatform/issues/150", "/api/v4/projects/acme%2Fplatform/issues/151"]


def _more_doc(tickets: list[str]) -> str:
    """A second published post-mortem with one done action per ticket."""
    head = INCIDENT.format(pasted="null").split("action_items:")[0].replace("INC-2024-0315", "INC-2024-0320")
    items = "".join(f"  - description: Step {i}\n    owner: Platform team\n    priority: low\n    due: 2024-04-01\n"
                    f"    status: done\n    completed_on: 2024-03-30\n    ticket: {url}\n" for i, url in enumerate(tickets))
    return head + "action_items:\n" + items


def test_an_issue_moved_to_another_project_and_a_rate_limit(gitlab: FakeGitLab, tmp_path: Path) -> None:
    root = kb(tmp_path, gitlab)
    gitlab.projects["acme/platform"][1]["moved_to_id"] = 99
    gitlab.fault("GET", r"/issues$", 429, headers={"Retry-After": "1"}, body={"message": "429 Too Many Requests"})
    proc = run_pmsite("tickets", "sync", cwd=root, env=ENV)
    assert proc.returncode == 0, proc.stderr
    entry = json.loads((root / "tickets.json").read_text())["tickets"][f"{WEB}/acme/platform/-/issues/1"]
    assert entry["problem"] == "moved (to another project)" and entry["state"] is None
    assert len(gitlab.requests("GET", r"/issues$")) == 2
