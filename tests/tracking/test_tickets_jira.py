"""Jira Cloud: a local stand-in answering as Jira's REST v3 documentation says (ADF descriptions,
/search/jql with nextPageToken, 400 for a key that does not exist, lagging search, 429 Retry-After)."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from pmsite.frontends.cli.tickets import load_site
from pmsite.tracking.apply import apply
from pmsite.tracking.connect import connect
from pmsite.tracking.plan import make_plan

from conftest import run_pmsite
from trackers.fakes import FakeJira
from trackers.harness import FAST, write_kb

EMAIL, TOKEN = "automation@example.com", "jira-test-token-0002"
ENV = {"JIRA_EMAIL": EMAIL, "JIRA_API_TOKEN": TOKEN}
WEB = "https://acme.atlassian.net"


@pytest.fixture
def jira() -> Iterator[FakeJira]:
    fake = FakeJira(EMAIL, TOKEN, ("OPS", "PAY")).start()
    fake.add("OPS", "Alert on eviction rate", status="Done", resolution="Done", resolved="2024-03-30T23:30:00.000-0200")
    yield fake
    fake.stop()
    assert fake.bad_auth == 0


def kb(root: Path, fake: FakeJira, **more: Any) -> Path:
    tracker = {"kind": "jira", "url": fake.url, "project": "OPS", "web": WEB, "routes": {"Payments team": "PAY"},
               "assignees": {"Platform team": "5b10ac8d82e05b22cc7d4ef5"}, **FAST, **more}
    return write_kb(root, tracker, pasted=f"{WEB}/browse/OPS-1")


def test_apply_creates_issues_with_an_adf_description_due_date_and_priority(jira: FakeJira, tmp_path: Path) -> None:
    root = kb(tmp_path, jira)
    source = root / "content/incidents/2024-03-15-checkout.yaml"
    before = source.read_text()
    proc = run_pmsite("tickets", "apply", cwd=root, env=ENV)
    assert proc.returncode == 0, proc.stderr
    creates = [s.body for s in jira.requests("POST", r"/rest/api/3/issue$")]
    assert creates[0] == {"fields": {
        "project": {"key": "OPS"},
        "summary": "Rate-limit cache evictions during peak hours",
        "issuetype": {"name": "Task"},
        "description": {"type": "doc", "version": 1, "content": [
            {"type": "paragraph", "content": [{"type": "text", "text": "Action: Rate-limit cache evictions during peak hours See the runbook for the limits."}]},
            {"type": "paragraph", "content": [{"type": "text", "text": "Success criteria: An eviction at peak leaves the error rate under 0.1 %"}]},
            {"type": "paragraph", "content": [{"type": "text", "text": "Priority: high"}]},
            {"type": "paragraph", "content": [{"type": "text", "text": "Due: 2024-04-15"}]},
            {"type": "paragraph", "content": [{"type": "text", "text": "Owner: Platform team"}]},
            {"type": "paragraph", "content": [{"type": "text", "text": "Incident: INC-2024-0315: Checkout errors after the cache eviction"}]},
            {"type": "paragraph", "content": [{"type": "text", "text": "Post-mortem: https://kb.example.com/incidents/inc-2024-0315/",
                                               "marks": [{"type": "link", "attrs": {"href": "https://kb.example.com/incidents/inc-2024-0315/"}}]}]},
            {"type": "paragraph", "content": [{"type": "text", "text": "pmsite:action INC-2024-0315/A1"}]},
        ]},
        "labels": ["post-mortem", "incident-INC-2024-0315", "high", "prevents-recurrence"],
        "duedate": "2024-04-15",
        "priority": {"name": "High"},
        "assignee": {"accountId": "5b10ac8d82e05b22cc7d4ef5"},
    }}
    assert creates[1]["fields"]["project"] == {"key": "PAY"} and "assignee" not in creates[1]["fields"]
    assert creates[1]["fields"]["priority"] == {"name": "Low"}
    assert source.read_text() == before.replace(
        "    prevents_recurrence: true\n", f"    prevents_recurrence: true\n    ticket: {WEB}/browse/OPS-2\n"
    ).replace("    improves_response: true\n", f"    improves_response: true\n    ticket: {WEB}/browse/PAY-1\n")
    # the marker lookup is a JQL search by the incident's label, before each create
    searches = [s.body["jql"] for s in jira.requests("POST", r"/search/jql$")]
    assert searches == ['project = "OPS" AND labels = "incident-INC-2024-0315" ORDER BY created ASC',
                        'project = "PAY" AND labels = "incident-INC-2024-0315" ORDER BY created ASC']
    assert run_pmsite("tickets", "apply", cwd=root, env=ENV).stdout == "created 0, found 0 created earlier; 0 left\n"


def test_an_error_after_the_tracker_stored_the_issue_creates_no_duplicate(jira: FakeJira, tmp_path: Path,
                                                                            monkeypatch: pytest.MonkeyPatch) -> None:
    """HTTP 500 answered after the issue was stored, and search lags one query behind: the marker is
    looked for again (not the create sent again), and found on the second look."""
    root = kb(tmp_path, jira)
    jira.lag = 1
    jira.fault("POST", r"/rest/api/3/issue$", 500, body={"errorMessages": ["Internal server error"]}, after=True)
    monkeypatch.chdir(root)
    site = load_site(None)
    tracker = connect(site.require_tracker(), ENV)
    lines: list[str] = []
    done = apply(make_plan(site, tracker), tracker, limit=1, report=lines.append, settle=(0.0, 0.0, 0.0))
    assert [url for _, url in done.found] == [f"{WEB}/browse/OPS-2"] and done.created == []
    assert lines == [f"found {WEB}/browse/OPS-2 for INC-2024-0315/A1 (the tracker stored it despite the error); "
                     "written to content/incidents/2024-03-15-checkout.yaml"]
    assert len(jira.requests("POST", r"/rest/api/3/issue$")) == 1
    assert sorted(jira.issues) == ["OPS-1", "OPS-2"]


def test_sync_maps_status_categories_and_resolutions(jira: FakeJira, tmp_path: Path) -> None:
    root = kb(tmp_path, jira)
    assert run_pmsite("tickets", "apply", cwd=root, env=ENV).returncode == 0
    jira.set_status("OPS-2", "Done", "Won't Do", "2024-04-03T08:00:00.000+0000")
    jira.set_status("PAY-1", "In Progress")
    jira.page_size = 2  # three keys, two pages: nextPageToken is followed
    jira.seen.clear()
    proc = run_pmsite("tickets", "sync", cwd=root, env=ENV)
    assert proc.returncode == 0, proc.stderr
    today = dt.datetime.now(dt.UTC).date().isoformat()
    assert json.loads((root / "tickets.json").read_text())["tickets"] == {
        f"{WEB}/browse/OPS-1": {"closed_on": "2024-03-31", "problem": None, "read_on": today, "state": "done",
                                "title": "Alert on eviction rate", "tracker_state": "Done / Done"},
        f"{WEB}/browse/OPS-2": {"closed_on": "2024-04-03", "problem": None, "read_on": today, "state": "wont-do",
                                "title": "Rate-limit cache evictions during peak hours", "tracker_state": "Done / Won't Do"},
        f"{WEB}/browse/PAY-1": {"closed_on": None, "problem": None, "read_on": today, "state": "in-progress",
                                "title": "Document the eviction runbook", "tracker_state": "In Progress"},
    }
    assert [(s.method, s.body) for s in jira.seen] == [
        ("POST", {"jql": "key in (OPS-1, OPS-2, PAY-1)", "fields": ["summary", "status", "resolution", "resolutiondate"], "maxResults": 100}),
        ("POST", {"jql": "key in (OPS-1, OPS-2, PAY-1)", "fields": ["summary", "status", "resolution", "resolutiondate"], "maxResults": 100,
                  "nextPageToken": "2"}),
    ]


@pytest.mark.parametrize(("change", "problem"), [
    (lambda f: f.issues.pop("OPS-1"), "gone (HTTP 404)"),
    (lambda f: f.gone.update({"OPS-1": 410}), "gone (HTTP 410)"),
    (lambda f: f.gone.update({"OPS-1": 301}), "moved (HTTP 301)"),
])
def test_a_ticket_that_is_gone_keeps_its_last_state(jira: FakeJira, tmp_path: Path, change: Any, problem: str) -> None:
    root = kb(tmp_path, jira)
    assert run_pmsite("tickets", "sync", cwd=root, env=ENV).returncode == 0
    first = json.loads((root / "tickets.json").read_text())["tickets"][f"{WEB}/browse/OPS-1"]
    change(jira)
    jira.seen.clear()
    proc = run_pmsite("tickets", "sync", cwd=root, env=ENV)
    assert proc.returncode == 0, proc.stderr
    assert f"{WEB}/browse/OPS-1 (INC-2024-0315/A2): {problem}: kept with its last known state" in proc.stderr
    assert json.loads((root / "tickets.json").read_text())["tickets"][f"{WEB}/browse/OPS-1"] == {**first, "problem": problem}
    # the JQL query fails with 400 naming the key; the key is read on its own
    assert [s.method + " " + s.path for s in jira.seen] == ["POST /rest/api/3/search/jql", "GET /rest/api/3/issue/OPS-1"]


def test_an_issue_moved_to_another_project_is_read_and_reported(jira: FakeJira, tmp_path: Path) -> None:
    root = kb(tmp_path, jira)
    jira.add("PAY", "Alert on eviction rate", status="In Progress")
    jira.issues.pop("OPS-1")
    jira.renamed["OPS-1"] = "PAY-1"
    assert run_pmsite("tickets", "sync", cwd=root, env=ENV).returncode == 0
    entry = json.loads((root / "tickets.json").read_text())["tickets"][f"{WEB}/browse/OPS-1"]
    assert (entry["state"], entry["problem"]) == ("in-progress", "moved (now PAY-1)")


def test_a_rate_limit_is_waited_out(jira: FakeJira, tmp_path: Path) -> None:
    root = kb(tmp_path, jira)
    jira.fault("POST", r"/search/jql$", 429, headers={"Retry-After": "1"}, body={"errorMessages": ["Rate limit exceeded."]})
    started = dt.datetime.now()
    proc = run_pmsite("tickets", "sync", cwd=root, env=ENV)
    assert proc.returncode == 0, proc.stderr
    assert (dt.datetime.now() - started).total_seconds() >= 1.0
    assert len(jira.requests("POST", r"/search/jql$")) == 2


def test_a_rate_limit_longer_than_max_wait_stops_the_sync_and_keeps_the_state_file(jira: FakeJira, tmp_path: Path) -> None:
    root = kb(tmp_path, jira)
    jira.fault("POST", r"/search/jql$", 429, headers={"Retry-After": "3600"}, body={"errorMessages": ["Rate limit exceeded."]})
    proc = run_pmsite("tickets", "sync", cwd=root, env=ENV)
    assert proc.returncode == 1
    assert proc.stderr == (
        f"pmsite: error: sync stopped, tickets.json left as it was: POST {jira.url}/rest/api/3/search/jql: HTTP 429: rate limited: "
        "asked to wait 3600 s, more than tracker.max_wait (5 s); Rate limit exceeded.; run again later\n")
    assert not (root / "tickets.json").exists()
