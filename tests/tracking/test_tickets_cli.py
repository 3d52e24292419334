"""``pmsite tickets``: plan offline, apply stopped at the worst moment, and tokens that never show."""

from __future__ import annotations

import base64
import json
import logging
import os
import signal
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from conftest import PMSITE, mkdocs_build, run_pmsite
from trackers.fakes import FakeGitHub, FakeJira
from trackers.harness import FAST, write_kb

TOKEN = "ghp_test_token_for_the_stand_in_0004"
ENV = {"GITHUB_TOKEN": TOKEN}
CLOSED_PORT = "http://127.0.0.1:9"  # nothing listens: any request would fail


@pytest.fixture
def gh() -> Iterator[FakeGitHub]:
    fake = FakeGitHub(TOKEN).start()
    fake.add_repo("acme/platform")
    fake.add_repo("acme/payments")
    fake.make_issue("acme/platform", "Alert on eviction rate", "Written by hand.")
    yield fake
    fake.stop()


def github(url: str, **more: object) -> dict[str, object]:
    return {"kind": "github", "url": url, "project": "acme/platform", "web": "https://github.com",
            "routes": {"Payments team": "acme/payments"}, **FAST, **more}


# --- plan ---------------------------------------------------------------------------------------------


def test_plan_is_offline_and_needs_no_token(tmp_path: Path) -> None:
    root = write_kb(tmp_path, github(CLOSED_PORT))
    proc = run_pmsite("tickets", "plan", cwd=root, env={"GITHUB_TOKEN": ""})
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout == """\
To create:
  action            project        priority  due         title
  INC-2024-0315/A1  acme/platform  high      2024-04-15  Rate-limit cache evictions during peak hours
  INC-2024-0315/A3  acme/payments  low       2024-05-01  Document the eviction runbook

To read:
  ticket                                     named by
  https://github.com/acme/platform/issues/1  INC-2024-0315/A2

apply would create 2 tickets; sync would read 1 ticket
"""
    assert proc.stderr == ""


def test_plan_as_json_and_markdown(tmp_path: Path) -> None:
    root = write_kb(tmp_path, github(CLOSED_PORT), pasted="https://tracker.example.com/browse/REL-7")
    data = json.loads(run_pmsite("tickets", "plan", "--format", "json", cwd=root).stdout)
    assert data["create"][0] == {
        "incident": "INC-2024-0315", "action": "A1", "file": "content/incidents/2024-03-15-checkout.yaml", "project": "acme/platform",
        "title": "Rate-limit cache evictions during peak hours", "labels": ["post-mortem", "incident-INC-2024-0315", "high", "prevents-recurrence"],
        "priority": "high", "due": "2024-04-15", "assignee_mapped": False}
    assert data["read"] == []
    assert data["skipped"] == [{"ticket": "https://tracker.example.com/browse/REL-7", "why": "not a GitHub ticket on https://github.com",
                                "actions": ["INC-2024-0315/A2"]}]
    markdown = run_pmsite("tickets", "plan", "--format", "markdown", cwd=root).stdout
    assert markdown.startswith("### Tickets\n\napply would create 2 tickets; sync would read 0 tickets (1 other links not read)\n")
    assert ("| INC-2024-0315/A1 | acme/platform | high | 2024-04-15 | Rate-limit cache evictions during peak hours | "
            "post-mortem, incident-INC-2024-0315, high, prevents-recurrence |") in markdown


def test_a_bad_tracker_option_names_its_path(tmp_path: Path) -> None:
    root = write_kb(tmp_path, {"kind": "gh", "url": "https://api.github.com", "project": "acme/platform"})
    for args in (("tickets", "plan"), ("validate",)):
        proc = run_pmsite(*args, cwd=root)
        assert proc.returncode == 2
        assert "pmsite option tracker: tracker.kind: expected one of github, jira, gitlab, got 'gh'" in proc.stderr


def test_without_a_tracker_or_a_token_nothing_is_sent(tmp_path: Path) -> None:
    root = write_kb(tmp_path, github(CLOSED_PORT))
    proc = run_pmsite("tickets", "apply", cwd=root, env={"GITHUB_TOKEN": ""})
    assert (proc.returncode, proc.stderr) == (2, "pmsite: error: set the environment variable GITHUB_TOKEN (tokens are read from the environment only)\n")
    (root / "mkdocs.yml").write_text("site_name: KB\ndocs_dir: content\nplugins: [pmsite]\n")
    proc = run_pmsite("tickets", "sync", cwd=root, env=ENV)
    assert proc.returncode == 2 and "no tracker configured" in proc.stderr


def test_the_state_file_must_stay_out_of_the_published_folder(tmp_path: Path) -> None:
    root = write_kb(tmp_path, github(CLOSED_PORT, state_file="content/tickets.json"))
    proc = run_pmsite("tickets", "sync", cwd=root, env=ENV)
    assert proc.returncode == 2
    assert proc.stderr == ("pmsite: error: pmsite option tracker.state_file: expected a path outside the docs folder (content/), "
                           "got 'content/tickets.json' (it would be published)\n")


def test_a_malformed_state_file_is_a_clear_error(gh: FakeGitHub, tmp_path: Path) -> None:
    root = write_kb(tmp_path, github(gh.url))
    (root / "tickets.json").write_text('{"format": 1, "tracker": {"kind": "github"}, "tickets": {}}\n')
    proc = run_pmsite("tickets", "sync", cwd=root, env=ENV)
    assert proc.returncode == 1
    assert proc.stderr == (f"pmsite: error: {root / 'tickets.json'}: tracker: expected an object of strings kind, url, project, web, "
                           "got {'kind': 'github'} (fix it, or delete it to read every ticket afresh)\n")
    assert gh.seen == []


# --- stopped halfway ----------------------------------------------------------------------------------


def test_apply_killed_between_creating_and_writing_back_creates_no_duplicate(gh: FakeGitHub, tmp_path: Path) -> None:
    root = write_kb(tmp_path, github(gh.url))
    source = root / "content/incidents/2024-03-15-checkout.yaml"
    before = source.read_text()
    # the stand-in stores A1's issue, then holds its answer: apply is killed while it waits for it
    held = gh.fault("POST", r"^/repos/acme/platform/issues$", 201, after=True, delay=30)
    env = {**os.environ, **ENV, "NO_MKDOCS_2_WARNING": "1"}
    proc = subprocess.Popen([PMSITE, "tickets", "apply"], cwd=root, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    try:
        assert held.reached.wait(60), "apply never sent its create"
        deadline = time.monotonic() + 10
        while 2 not in gh.repos["acme/platform"] and time.monotonic() < deadline:
            time.sleep(0.01)
        assert 2 in gh.repos["acme/platform"]
        proc.send_signal(signal.SIGKILL)
        proc.wait(10)
    finally:
        proc.kill()
    assert proc.returncode == -signal.SIGKILL
    assert source.read_text() == before  # the URL never reached the file
    again = run_pmsite("tickets", "apply", cwd=root, env=ENV)
    assert again.returncode == 0, again.stderr
    assert again.stdout.splitlines() == [
        "found https://github.com/acme/platform/issues/2 for INC-2024-0315/A1 (created by an earlier run); "
        "written to content/incidents/2024-03-15-checkout.yaml",
        "created https://github.com/acme/payments/issues/1 for INC-2024-0315/A3; written to content/incidents/2024-03-15-checkout.yaml",
        "created 1, found 1 created earlier; 0 left",
    ]
    marked = [i for repo in gh.repos.values() for i in repo.values() if "pmsite:action INC-2024-0315/A1 " in (i["body"] or "")]
    assert len(marked) == 1
    assert len(gh.requests("POST", r"^/repos/acme/platform/issues$")) == 1
    assert "ticket: https://github.com/acme/platform/issues/2\n" in source.read_text()


def test_http_500_after_the_issue_was_stored_creates_no_duplicate(gh: FakeGitHub, tmp_path: Path) -> None:
    root = write_kb(tmp_path, github(gh.url))
    gh.fault("POST", r"^/repos/acme/platform/issues$", 500, after=True, body={"message": "Server Error"})
    proc = run_pmsite("tickets", "apply", cwd=root, env=ENV)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.splitlines()[0] == ("found https://github.com/acme/platform/issues/2 for INC-2024-0315/A1 (the tracker stored "
                                           "it despite the error); written to content/incidents/2024-03-15-checkout.yaml")
    assert len(gh.requests("POST", r"^/repos/acme/platform/issues$")) == 1
    assert sorted(gh.repos["acme/platform"]) == [1, 2]


def test_http_500_before_storing_stops_and_the_next_run_creates_it(gh: FakeGitHub, tmp_path: Path) -> None:
    root = write_kb(tmp_path, github(gh.url))
    gh.fault("POST", r"^/repos/acme/platform/issues$", 502, body={"message": "Bad Gateway"})
    proc = run_pmsite("tickets", "apply", cwd=root, env=ENV)
    assert proc.returncode == 1
    assert proc.stderr == (
        f"pmsite: error: INC-2024-0315/A1: POST {gh.url}/repos/acme/platform/issues: HTTP 502: Bad Gateway. The ticket may or may "
        "not exist: run apply again later; it looks for the ticket before creating one\n")
    assert sorted(gh.repos["acme/platform"]) == [1]
    assert len(gh.requests("POST")) == 1  # never sent twice in one run
    assert run_pmsite("tickets", "apply", cwd=root, env=ENV).returncode == 0
    assert sorted(gh.repos["acme/platform"]) == [1, 2]


# --- tokens never show --------------------------------------------------------------------------------

CANARY = "ghp_CANARY_7c1e5b9a3f2d4e6a8b0c"


def _no_canary(root: Path, *texts: str, canaries: tuple[str, ...] = (CANARY,)) -> None:
    for canary in canaries:
        for text in texts:
            assert canary not in text
        for path in root.rglob("*"):
            if path.is_file():
                assert canary.encode() not in path.read_bytes(), path


def test_a_token_never_reaches_output_files_or_the_state_file(tmp_path: Path, caplog: pytest.LogCaptureFixture,
                                                               monkeypatch: pytest.MonkeyPatch) -> None:
    from pmsite.cli import main

    fake = FakeGitHub(CANARY).start()
    try:
        fake.add_repo("acme/platform")
        fake.add_repo("acme/payments")
        fake.make_issue("acme/platform", "Alert on eviction rate")
        root = write_kb(tmp_path, github(fake.url))
        outputs: list[str] = []
        # the tracker echoes the token in its answer; a server error; a network failure; a wrong token
        fake.fault("GET", r"/issues$", 422, body={"message": f"Validation Failed for token {CANARY}"})
        fake.fault("POST", r"/issues$", 500, after=False, body={"message": f"oops Bearer {CANARY}"})
        for args in (("apply",), ("apply",), ("sync",), ("plan", "--format", "json")):
            proc = run_pmsite("tickets", *args, cwd=root, env={"GITHUB_TOKEN": CANARY})
            outputs += [proc.stdout, proc.stderr]
        assert "***" in "".join(outputs)  # the echoed token was there, and was redacted
        closed = write_kb(tmp_path / "closed", github(CLOSED_PORT, retries=0))
        proc = run_pmsite("tickets", "sync", cwd=closed, env={"GITHUB_TOKEN": CANARY})
        assert proc.returncode == 1 and "no answer (ConnectError" in proc.stderr
        outputs += [proc.stdout, proc.stderr]
        proc = run_pmsite("tickets", "sync", cwd=root, env={"GITHUB_TOKEN": CANARY + "x"})
        assert proc.returncode == 1 and "HTTP 401: Bad credentials" in proc.stderr
        outputs += [proc.stdout, proc.stderr]
        # in this process, with every logger of httpx and httpcore at DEBUG
        caplog.set_level(logging.DEBUG)
        monkeypatch.chdir(root)
        monkeypatch.setenv("GITHUB_TOKEN", CANARY)
        for args in (["tickets", "sync"], ["tickets", "apply"]):
            main(args)
        assert caplog.records and "HTTP Request" in caplog.text
        assert (root / "tickets.json").exists()
        # and the site built beside it, with the token in the environment
        built = mkdocs_build(root, strict=False, env={"GITHUB_TOKEN": CANARY})
        assert built.ok, built.log
        assert (built.site / "index.html").exists() or any(built.site.rglob("*.html"))
        _no_canary(tmp_path, *outputs, caplog.text, built.log)
    finally:
        fake.stop()


def test_jira_credentials_never_show(tmp_path: Path) -> None:
    email, token = "automation@example.com", "JIRA_CANARY_5d4c3b2a1f0e"
    pair = base64.b64encode(f"{email}:{token}".encode()).decode()
    fake = FakeJira(email, token).start()
    try:
        fake.add("OPS", "Alert on eviction rate")
        root = write_kb(tmp_path, {"kind": "jira", "url": fake.url, "project": "OPS", "web": "https://acme.atlassian.net", **FAST},
                        pasted="https://acme.atlassian.net/browse/OPS-1")
        fake.fault("POST", r"/search/jql$", 400, body={"errorMessages": [f"bad auth Basic {pair} for {email}"]})
        env = {"JIRA_EMAIL": email, "JIRA_API_TOKEN": token}
        proc = run_pmsite("tickets", "apply", cwd=root, env=env)
        assert proc.returncode == 1 and "HTTP 400: bad auth Basic *** for ***" in proc.stderr
        again = run_pmsite("tickets", "sync", cwd=root, env=env)
        assert again.returncode == 0
        _no_canary(tmp_path, proc.stdout, proc.stderr, again.stdout, again.stderr, canaries=(token, pair, email))
    finally:
        fake.stop()
