"""GitHub: every request pmsite makes goes through Prism, which checks it against GitHub's published
OpenAPI description (npm @octokit/openapi) before a local stand-in of GitHub answers it."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from conftest import run_pmsite
from trackers import github_openapi
from trackers.fakes import FakeGitHub
from trackers.harness import FAST, write_kb
from trackers.prism import Prism, write_spec

TOKEN = "ghp_test_token_for_the_stand_in_0001"
HEADERS = {"Authorization": f"Bearer {TOKEN}", "Accept": "application/vnd.github+json"}


@pytest.fixture(scope="module")
def github(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[FakeGitHub, Prism]]:
    spec_doc = github_openapi.build()
    fake = FakeGitHub(TOKEN, lambda name: github_openapi.sample(spec_doc, name)).start()
    spec = write_spec(tmp_path_factory.mktemp("openapi") / "github.json")
    prism = Prism(spec, fake.url)
    fake.public_base = prism.url
    try:
        yield fake, prism
    finally:
        prism.stop()
        fake.stop()


@pytest.fixture
def gh(github: tuple[FakeGitHub, Prism]) -> Iterator[FakeGitHub]:
    """The stand-in, emptied, with acme/platform (issue 1: a ticket an author pasted) and acme/payments;
    after the test, Prism must have found no request (and no answer) outside the description."""
    fake, prism = github
    fake.reset()
    fake.add_repo("acme/platform")
    fake.add_repo("acme/payments")
    fake.make_issue("acme/platform", "Alert on eviction rate", "Written by hand.")
    start = len(prism.lines)
    yield fake
    assert prism.violations(start) == []


def tracker(prism: Prism, **more: Any) -> dict[str, Any]:
    return {"kind": "github", "url": prism.url, "project": "acme/platform", "web": "https://github.com",
            "routes": {"Payments team": "acme/payments"}, "assignees": {"Platform team": "platform-bot"},
            "labels": ["reliability"], **FAST, **more}


def pmsite(root: Path, *args: str) -> Any:
    return run_pmsite("tickets", *args, cwd=root, env={"GITHUB_TOKEN": TOKEN})


# --- the validation bites ------------------------------------------------------------------------


def test_a_create_without_a_title_is_rejected_before_it_reaches_the_server(gh: FakeGitHub, github: tuple[FakeGitHub, Prism]) -> None:
    prism = github[1]
    start = len(prism.lines)
    answer = httpx.post(f"{prism.url}/repos/acme/platform/issues", json={"body": "no title"}, headers=HEADERS)
    assert answer.status_code == 422
    assert answer.json()["validation"][0]["location"] == ["body"]
    assert "must have required property 'title'" in answer.json()["validation"][0]["message"]
    assert gh.requests("POST") == []
    assert any("UNPROCESSABLE_ENTITY" in line for line in prism.take_violations(start))


def test_a_state_reason_outside_its_enum_is_rejected(gh: FakeGitHub, github: tuple[FakeGitHub, Prism]) -> None:
    prism = github[1]
    start = len(prism.lines)
    answer = httpx.patch(f"{prism.url}/repos/acme/platform/issues/1", json={"state": "closed", "state_reason": "wontfix"},
                         headers=HEADERS)
    assert answer.status_code == 422
    assert answer.json()["validation"][0]["location"] == ["body", "state_reason"]
    assert gh.requests("PATCH") == []
    assert gh.issue("acme/platform", 1)["state"] == "open"
    assert any("UNPROCESSABLE_ENTITY" in line for line in prism.take_violations(start))


def test_without_normalising_prism_lets_a_create_without_a_title_through(tmp_path: Path) -> None:
    """The trap the normalisation removes: GitHub's milestone schema switches body validation off."""
    raw = Prism(write_spec(tmp_path / "raw.json", normalised=False), None, wait=False)
    fixed = Prism(write_spec(tmp_path / "fixed.json"), None, wait=False)
    try:
        raw.wait()
        fixed.wait()
        bad, plain = {"body": "no title"}, {"Accept": "application/json"}
        assert httpx.post(f"{raw.url}/repos/a/b/issues", json=bad, headers=plain).status_code == 201
        assert httpx.post(f"{fixed.url}/repos/a/b/issues", json=bad, headers=plain).status_code == 422
    finally:
        raw.stop()
        fixed.stop()


def test_the_normalisation_rewrites_only_typeless_nullable_unions() -> None:
    node = {"properties": {"milestone": {"oneOf": [{"type": "string"}, {"type": "integer"}], "nullable": True},
                           "title": {"oneOf": [{"type": "string"}, {"type": "integer"}]}}}
    assert github_openapi.normalise(node) == 1
    assert node == {"properties": {
        "milestone": {"anyOf": [{"type": "string", "nullable": True}, {"type": "integer", "nullable": True}]},
        "title": {"oneOf": [{"type": "string"}, {"type": "integer"}]}}}


# --- apply ------------------------------------------------------------------------------------------

A1_BODY = """\
Rate-limit cache evictions during peak hours

See the runbook for the limits.

**Success criteria:** An eviction at peak leaves the error rate under 0.1 %

**Priority:** high · **Due:** 2024-04-15 · **Owner:** Platform team

**Post-mortem:** [INC-2024-0315: Checkout errors after the cache eviction](https://kb.example.com/incidents/inc-2024-0315/)

_Created by pmsite from the post-mortem's action item A1._

<!-- pmsite:action INC-2024-0315/A1 -->
"""


def test_apply_creates_one_issue_per_open_action_and_writes_its_url_back(gh: FakeGitHub, github: tuple[FakeGitHub, Prism],
                                                                          tmp_path: Path) -> None:
    root = write_kb(tmp_path, tracker(github[1]))
    source = root / "content" / "incidents" / "2024-03-15-checkout.yaml"
    before = source.read_text()
    proc = pmsite(root, "apply")
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.splitlines() == [
        "created https://github.com/acme/platform/issues/2 for INC-2024-0315/A1; written to content/incidents/2024-03-15-checkout.yaml",
        "created https://github.com/acme/payments/issues/1 for INC-2024-0315/A3; written to content/incidents/2024-03-15-checkout.yaml",
        "created 2, found 0 created earlier; 0 left",
    ]
    created = gh.requests("POST")
    assert [c.body for c in created] == [
        {"title": "Rate-limit cache evictions during peak hours", "body": A1_BODY,
         "labels": ["post-mortem", "incident-INC-2024-0315", "high", "prevents-recurrence", "reliability"],
         "assignees": ["platform-bot"]},
        {"title": "Document the eviction runbook", "body": created[1].body["body"],
         "labels": ["post-mortem", "incident-INC-2024-0315", "low", "improves-response", "reliability"]},
    ]
    assert [c.path for c in created] == ["/repos/acme/platform/issues", "/repos/acme/payments/issues"]
    expected = before.replace(
        "    prevents_recurrence: true\n",
        "    prevents_recurrence: true\n    ticket: https://github.com/acme/platform/issues/2\n",
    ).replace("    improves_response: true\n", "    improves_response: true\n    ticket: https://github.com/acme/payments/issues/1\n")
    assert source.read_text() == expected
    # a second run creates nothing: every open action has its ticket now
    again = pmsite(root, "apply")
    assert again.returncode == 0 and again.stdout.splitlines() == ["created 0, found 0 created earlier; 0 left"]
    assert len(gh.requests("POST")) == 2


def test_apply_refuses_when_github_would_drop_the_labels(gh: FakeGitHub, github: tuple[FakeGitHub, Prism], tmp_path: Path) -> None:
    root = write_kb(tmp_path, tracker(github[1]))
    gh.push_access = False
    proc = pmsite(root, "apply")
    assert proc.returncode == 1
    assert proc.stderr == (
        "pmsite: error: INC-2024-0315/A1: GitHub would silently drop the labels and assignees of new issues in acme/platform: "
        "the token can open issues but has no triage or write access there (give it triage access, or use another token)\n")
    assert gh.requests("POST") == []


def test_apply_reports_labels_that_github_dropped_anyway(gh: FakeGitHub, github: tuple[FakeGitHub, Prism], tmp_path: Path) -> None:
    root = write_kb(tmp_path, tracker(github[1]))
    gh.push_access = True
    original = gh._create

    def create_without_labels(repo: str, body: Any) -> Any:
        status, headers, issue = original(repo, {**body, "labels": []})
        return status, headers, issue

    gh._create = create_without_labels  # type: ignore[method-assign]
    try:
        proc = pmsite(root, "apply")
    finally:
        gh._create = original  # type: ignore[method-assign]
    assert proc.returncode == 1
    assert "pmsite: error: INC-2024-0315/A1: https://github.com/acme/platform/issues/2 was created without the labels " \
           "post-mortem, incident-INC-2024-0315, high, prevents-recurrence, reliability: the token may not set labels in acme/platform" \
           in proc.stderr
    assert "ticket: https://github.com/acme/platform/issues/2" in (root / "content/incidents/2024-03-15-checkout.yaml").read_text()


def test_apply_finds_an_issue_created_earlier_for_the_action(gh: FakeGitHub, github: tuple[FakeGitHub, Prism], tmp_path: Path) -> None:
    root = write_kb(tmp_path, tracker(github[1]))
    gh.make_issue("acme/platform", "Rate-limit cache evictions", "text\n<!-- pmsite:action INC-2024-0315/A1 -->\n",
                  ["post-mortem", "incident-INC-2024-0315"])
    gh.make_issue("acme/platform", "Another action", "text\n<!-- pmsite:action INC-2024-0315/A10 -->\n",
                  ["post-mortem", "incident-INC-2024-0315"])
    proc = pmsite(root, "apply", "--limit", "1")
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.splitlines()[0] == ("found https://github.com/acme/platform/issues/2 for INC-2024-0315/A1 "
                                           "(created by an earlier run); written to content/incidents/2024-03-15-checkout.yaml")
    assert gh.requests("POST") == []


# --- sync -------------------------------------------------------------------------------------------


def test_sync_reads_every_ticket_into_a_stable_state_file(gh: FakeGitHub, github: tuple[FakeGitHub, Prism], tmp_path: Path) -> None:
    prism = github[1]
    root = write_kb(tmp_path, tracker(prism, in_progress_labels=["in progress"]))
    assert pmsite(root, "apply").returncode == 0
    # people work in the tracker: through Prism too, so these requests are checked as well
    httpx.patch(f"{prism.url}/repos/acme/platform/issues/2", json={"state": "closed", "state_reason": "not_planned"},
                headers=HEADERS).raise_for_status()
    httpx.patch(f"{prism.url}/repos/acme/payments/issues/1", json={"labels": ["post-mortem", "in progress"]},
                headers=HEADERS).raise_for_status()
    gh.close("acme/platform", 1, "completed", "2024-03-30T22:10:00Z")
    gh.seen.clear()
    proc = pmsite(root, "sync")
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout == "read 3 tickets (1 in-progress, 1 done, 1 wont-do); 0 with problems; tickets.json updated\n"
    today = dt.datetime.now(dt.UTC).date().isoformat()
    expected = {
        "format": 1,
        "tickets": {
            "https://github.com/acme/payments/issues/1": {
                "closed_on": None, "problem": None, "read_on": today, "state": "in-progress",
                "title": "Document the eviction runbook", "tracker_state": "open (in progress)"},
            "https://github.com/acme/platform/issues/1": {
                "closed_on": "2024-03-30", "problem": None, "read_on": today, "state": "done",
                "title": "Alert on eviction rate", "tracker_state": "closed (completed)"},
            "https://github.com/acme/platform/issues/2": {
                "closed_on": "2024-04-01", "problem": None, "read_on": today, "state": "wont-do",
                "title": "Rate-limit cache evictions during peak hours", "tracker_state": "closed (not_planned)"},
        },
        "tracker": {"kind": "github", "project": "acme/platform", "url": prism.url, "web": "https://github.com"},
    }
    text = (root / "tickets.json").read_text()
    assert text == json.dumps(expected, indent=2, sort_keys=True) + "\n"
    # one listing per project (pmsite's label, every state), one GET for the ticket an author pasted
    assert [(s.method, s.path, {k: v[0] for k, v in s.query.items()}) for s in gh.seen] == [
        ("GET", "/repos/acme/payments/issues", {"labels": "post-mortem", "state": "all", "per_page": "100"}),
        ("GET", "/repos/acme/platform/issues", {"labels": "post-mortem", "state": "all", "per_page": "100"}),
        ("GET", "/repos/acme/platform/issues/1", {}),
    ]
    again = pmsite(root, "sync")
    assert again.stdout.endswith("tickets.json unchanged\n")
    assert (root / "tickets.json").read_text() == text


def test_sync_follows_every_page_of_the_listing(gh: FakeGitHub, github: tuple[FakeGitHub, Prism], tmp_path: Path) -> None:
    for n in range(230):
        gh.make_issue("acme/payments", f"Filler {n}", None, ["post-mortem"])
    root = write_kb(tmp_path, tracker(github[1]), pasted="https://github.com/acme/payments/issues/229")
    gh.seen.clear()
    proc = pmsite(root, "sync")
    assert proc.returncode == 0, proc.stderr
    pages = [s.query.get("page", ["1"])[0] for s in gh.requests("GET", r"/repos/acme/payments/issues$")]
    assert pages == ["1", "2", "3"]
    assert gh.requests("GET", r"/issues/\d+$") == []  # found in the listing
    state = json.loads((root / "tickets.json").read_text())
    assert state["tickets"]["https://github.com/acme/payments/issues/229"]["title"] == "Filler 228"


def test_a_gone_ticket_keeps_its_last_state_with_the_problem(gh: FakeGitHub, github: tuple[FakeGitHub, Prism], tmp_path: Path) -> None:
    root = write_kb(tmp_path, tracker(github[1]))
    assert pmsite(root, "sync").returncode == 0
    first = json.loads((root / "tickets.json").read_text())["tickets"]["https://github.com/acme/platform/issues/1"]
    gh.deleted.add("acme/platform#1")
    proc = pmsite(root, "sync")
    assert proc.returncode == 0
    assert proc.stderr == ("pmsite: warning: https://github.com/acme/platform/issues/1 (INC-2024-0315/A2): gone (HTTP 410): "
                           "kept with its last known state; update or remove the action's ticket link\n")
    after = json.loads((root / "tickets.json").read_text())["tickets"]["https://github.com/acme/platform/issues/1"]
    assert after == {**first, "problem": "gone (HTTP 410)"}
    gh.deleted.clear()
    gh.pull_requests.add("acme/platform#1")  # 404 as for any issue the token cannot see
    pmsite(root, "sync")
    assert json.loads((root / "tickets.json").read_text())["tickets"]["https://github.com/acme/platform/issues/1"]["problem"] == "gone (HTTP 404)"


def test_a_transferred_issue_is_reported_moved(tmp_path: Path) -> None:
    """Straight to the stand-in: Prism's proxy follows redirects, so a 301 never reaches the client through it."""
    fake = FakeGitHub(TOKEN).start()
    try:
        fake.add_repo("acme/platform")
        fake.make_issue("acme/platform", "Alert on eviction rate")
        fake.moved["acme/platform#1"] = f"{fake.url}/repositories/9/issues/4"
        root = write_kb(tmp_path, {"kind": "github", "url": fake.url, "project": "acme/platform", "web": "https://github.com", **FAST})
        proc = pmsite(root, "sync")
        assert proc.returncode == 0
        entry = json.loads((root / "tickets.json").read_text())["tickets"]["https://github.com/acme/platform/issues/1"]
        assert entry == {"closed_on": None, "problem": "moved (HTTP 301)", "read_on": None, "state": None, "title": None,
                         "tracker_state": None}
    finally:
        fake.stop()
