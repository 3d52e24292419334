"""The tracker option and the state file: what they accept, what they refuse, and how they say it."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from pmsite.frontends.mkdocs.config import validate_options
from pmsite.reading.ticket_states import (
    StateFile,
    StateFileError,
    TicketState,
    dumps,
    parse_state,
    read_state_file,
    write_state_file,
)
from pmsite.tracker_config import TrackerConfig, parse_tracker_config
from pmsite.tracking.records import Reading
from pmsite.tracking.sync import merge

GH = {"kind": "github", "url": "https://api.github.com", "project": "acme/platform"}


@pytest.mark.parametrize(("raw", "web"), [
    (GH, "https://github.com"),
    ({**GH, "url": "https://ghe.acme.io/api/v3/"}, "https://ghe.acme.io"),
    ({"kind": "jira", "url": "https://acme.atlassian.net", "project": "OPS"}, "https://acme.atlassian.net"),
    ({"kind": "gitlab", "url": "https://gitlab.acme.io", "project": "acme/sre/platform"}, "https://gitlab.acme.io"),
    ({**GH, "web": "https://github.acme.io/"}, "https://github.acme.io"),
])
def test_where_ticket_links_point_by_default(raw: dict[str, Any], web: str) -> None:
    config = parse_tracker_config(raw)
    assert config is not None and config.web == web


def test_the_defaults() -> None:
    assert parse_tracker_config(GH) == TrackerConfig(
        kind="github", url="https://api.github.com", project="acme/platform", web="https://github.com", routes={}, also_read=(),
        assignees={}, labels=(), issue_type="Task", priorities={"critical": "Highest", "high": "High", "medium": "Medium", "low": "Low"},
        wont_do_labels=("wontfix", "won't do"), in_progress_labels=("in progress",),
        wont_do_resolutions=("Won't Do", "Won't Fix", "Duplicate", "Declined", "Cannot Reproduce"), state_file="tickets.json",
        create_interval=1.0, max_wait=600.0, timeout=30.0, retries=3, backoff=1.0)
    assert parse_tracker_config(None) is None


@pytest.mark.parametrize(("raw", "message"), [
    ({**GH, "kind": "gh"}, "tracker.kind: expected one of github, jira, gitlab, got 'gh'"),
    ({"kind": "github", "project": "a/b"}, "tracker.url: required: expected the API base URL"),
    ({**GH, "url": "ftp://x"}, "tracker.url: expected the tracker's API base URL (http or https, no query, fragment or credentials), got 'ftp://x'"),
    ({**GH, "url": "https://user:pw@x.io"}, "tracker.url: expected the tracker's API base URL"),
    ({**GH, "project": "acme"}, "tracker.project: expected owner/repo, got 'acme'"),
    ({"kind": "jira", "url": "https://a.atlassian.net", "project": "ops"}, "tracker.project: expected a Jira project key"),
    ({"kind": "jira", "url": "https://a.atlassian.net/rest/api/3", "project": "OPS"}, "tracker.url: expected the site's base URL"),
    ({"kind": "gitlab", "url": "https://g.io/api/v4", "project": "a/b"}, "tracker.url: expected the GitLab base URL"),
    ({**GH, "routes": {"Payments team": "payments"}}, "tracker.routes['Payments team']: expected owner/repo, got 'payments'"),
    ({**GH, "labels": ["ok", 3]}, "tracker.labels[1]: expected one line of text"),
    ({**GH, "labels": "post-mortem"}, "tracker.labels: expected a list of labels, got 'post-mortem'"),
    ({"kind": "jira", "url": "https://a.atlassian.net", "project": "OPS", "labels": ["two words"]},
     "tracker.labels[0]: expected a Jira label without spaces, got 'two words'"),
    ({"kind": "gitlab", "url": "https://g.io", "project": "a/b", "assignees": {"SRE": "jane"}},
     "tracker.assignees['SRE']: expected a GitLab user id (digits), got 'jane'"),
    ({**GH, "create_interval": -1}, "tracker.create_interval: expected a number of seconds from 0 to 3600, got -1"),
    ({**GH, "max_wait": True}, "tracker.max_wait: expected a number of seconds from 0 to 86400, got True"),
    ({**GH, "state_file": "/etc/tickets.json"}, "tracker.state_file: expected a relative path to a .json file"),
    ({**GH, "colour": "red"}, "tracker.colour: unknown option; expected one of: kind, url, project"),
    ("github", "tracker: expected a mapping with kind, url and project, got 'github'"),
])
def test_every_error_starts_with_the_option_path(raw: Any, message: str) -> None:
    with pytest.raises(ValueError) as caught:
        parse_tracker_config(raw)
    assert str(caught.value).startswith(message)


def test_the_plugin_option_carries_the_path() -> None:
    config, errors, _ = validate_options({"tracker": {**GH, "kind": "gh"}})
    assert errors == ["tracker: tracker.kind: expected one of github, jira, gitlab, got 'gh'"]
    config, errors, _ = validate_options({"tracker": GH})
    assert errors == [] and isinstance(config["tracker"], TrackerConfig)


def test_routes_go_by_owner_then_by_the_incidents_teams() -> None:
    import datetime as dt

    from pmsite.format.document import ActionItem
    from pmsite.tracking.content import project
    from pmsite.tracking.corpus import Action

    config = parse_tracker_config({**GH, "routes": {"payments": "acme/payments", "SRE team": "acme/sre"}})
    assert config is not None

    def action(owner: str, teams: tuple[str, ...]) -> Action:
        item = ActionItem(description="x", owner=owner, priority="low", due=dt.date(2024, 1, 1), status="open")
        return Action("INC-1", "t", "inc-1", True, teams, Path("x.yaml"), "x.yaml", 0, "A1", item, True)

    assert project(action("sre team", ("payments",)), config) == "acme/sre"
    assert project(action("Platform team", ("Payments",)), config) == "acme/payments"
    assert project(action("Platform team", ()), config) == "acme/platform"


# --- the state file -----------------------------------------------------------------------------------

TRACKER = {"kind": "github", "url": "https://api.github.com", "project": "acme/platform", "web": "https://github.com"}
URL = "https://github.com/acme/platform/issues/1"


def test_the_file_is_sorted_indented_ascii_and_ends_with_a_newline(tmp_path: Path) -> None:
    state = StateFile(dict(TRACKER), {URL: TicketState("done", "closed (completed)", "2024-03-30", "Évictions ☃", "2024-04-01")})
    assert dumps(state) == """\
{
  "format": 1,
  "tickets": {
    "https://github.com/acme/platform/issues/1": {
      "closed_on": "2024-03-30",
      "problem": null,
      "read_on": "2024-04-01",
      "state": "done",
      "title": "\\u00c9victions \\u2603",
      "tracker_state": "closed (completed)"
    }
  },
  "tracker": {
    "kind": "github",
    "project": "acme/platform",
    "url": "https://api.github.com",
    "web": "https://github.com"
  }
}
"""
    path = tmp_path / "tickets.json"
    assert write_state_file(path, state) is True
    assert write_state_file(path, state) is False
    assert read_state_file(path) == state
    assert read_state_file(tmp_path / "none.json") is None


def test_an_unchanged_tracker_gives_the_same_bytes_and_a_change_a_new_read_on() -> None:
    config = parse_tracker_config(GH)
    assert config is not None
    readings = {URL: Reading("open", "open", None, "Alert")}
    first = merge(None, config, readings, "2024-04-01")
    second = merge(first, config, readings, "2024-04-09")
    assert dumps(second) == dumps(first)
    third = merge(second, config, {URL: Reading("done", "closed (completed)", "2024-04-10", "Alert")}, "2024-04-11")
    assert third.tickets[URL] == TicketState("done", "closed (completed)", "2024-04-10", "Alert", "2024-04-11")
    gone = merge(third, config, {URL: Reading(problem="gone (HTTP 404)")}, "2024-04-12")
    assert gone.tickets[URL] == TicketState("done", "closed (completed)", "2024-04-10", "Alert", "2024-04-11", "gone (HTTP 404)")
    assert dumps(merge(gone, config, {URL: Reading(problem="gone (HTTP 404)")}, "2024-04-20")) == dumps(gone)
    assert merge(gone, config, {}, "2024-04-21").tickets == {}  # no action names it any more


def _entry(**changes: Any) -> dict[str, Any]:
    entry = {"state": "open", "tracker_state": "open", "closed_on": None, "title": "t", "read_on": "2024-04-01", "problem": None}
    entry.update(changes)
    return entry


@pytest.mark.parametrize(("data", "message"), [
    (b"{not json", "x.json: expected JSON, got a syntax error at line 1, column 2 (Expecting property name enclosed in double quotes)"),
    (b"\xff", "x.json: expected UTF-8 JSON, got the byte 0xff at offset 0"),
    (b"[]", "x.json: expected an object with format, tracker and tickets, got list"),
    (json.dumps({"format": 2, "tracker": TRACKER, "tickets": {}}).encode(), "x.json: format: expected 1 (this pmsite reads version 1), got 2"),
    (json.dumps({"format": 1, "tracker": TRACKER, "tickets": {URL: _entry(state="closed")}}).encode(),
     f"x.json: tickets['{URL}'].state: expected one of open, in-progress, done, wont-do, got 'closed'"),
    (json.dumps({"format": 1, "tracker": TRACKER, "tickets": {URL: _entry(read_on="2024-02-30")}}).encode(),
     f"x.json: tickets['{URL}'].read_on: expected a date (YYYY-MM-DD) or null, got '2024-02-30'"),
    (json.dumps({"format": 1, "tracker": TRACKER, "tickets": {URL: {"state": "open"}}}).encode(),
     f"x.json: tickets['{URL}']: missing tracker_state, closed_on, title, read_on, problem; expected the keys state, tracker_state"),
    (json.dumps({"format": 1, "tracker": TRACKER, "tickets": {URL: _entry(assignee="someone")}}).encode(),
     f"x.json: tickets['{URL}']: unknown key 'assignee'"),
    (json.dumps({"format": 1, "tracker": TRACKER, "tickets": {"file:///etc/passwd": _entry()}}).encode(),
     "x.json: tickets['file:///etc/passwd']: expected an http(s) ticket URL as the key"),
    (b"[" * 100_000, "x.json: expected JSON nested a few levels deep, got deeper"),
])
def test_a_malformed_file_says_what_is_wrong_and_what_was_expected(data: bytes, message: str) -> None:
    with pytest.raises(StateFileError) as caught:
        parse_state(data, "x.json")
    assert str(caught.value).startswith(message)


def test_the_incident_label_fits_githubs_fifty_characters() -> None:
    from pmsite.tracking.content import incident_label

    long_id = "INC-2024-03-15-checkout-errors-after-the-cache-eviction-at-peak"
    assert incident_label("INC-2024-0315", "github") == "incident-INC-2024-0315"
    assert incident_label(long_id, "jira") == f"incident-{long_id}"
    short = incident_label(long_id, "github")
    assert len(short) == 50 and short.startswith("incident-INC-2024-03-15-checkout-errors-a")
    assert short == incident_label(long_id, "github") != incident_label(long_id + "x", "github")


def test_the_state_files_four_words_are_the_status_rules_meanings() -> None:
    from pmsite.reading.ticket_states import STATES
    from pmsite.statuses import MEANINGS

    assert STATES == MEANINGS


def test_apply_asks_the_sites_status_rule(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """With renamed statuses (todo: open, doing: in-progress, closed: done), only todo and doing get tickets."""
    import yaml

    from pmsite.frontends.cli.tickets import load_site

    from trackers.harness import INCIDENT, write_kb

    text = INCIDENT.format(pasted="null").replace("status: open", "status: todo").replace("status: in-progress", "status: doing")
    root = write_kb(tmp_path, {**GH}, incident=text.replace("    status: done", "    status: closed"))
    config = yaml.safe_load((root / "mkdocs.yml").read_text())
    config["plugins"][0]["pmsite"]["action_statuses"] = {"todo": "open", "doing": "in-progress", "closed": "done"}
    (root / "mkdocs.yml").write_text(yaml.safe_dump(config))
    draft = root / "content/incidents/2024-04-01-draft.yaml"
    draft.write_text(draft.read_text().replace("status: open", "status: todo"))
    monkeypatch.chdir(root)
    site = load_site(None)
    assert site.errors == []
    assert [(a.name, a.is_open) for a in site.actions if a.published] == [
        ("INC-2024-0315/A1", True), ("INC-2024-0315/A2", False), ("INC-2024-0315/A3", True)]
