"""The build reads the tracker's state file offline: the tracker's state counts wherever an action's status
does, the page says where it comes from, and a disagreement with the YAML is shown and warned of.

The corpus: one incident resolved 2024-06-01 (reference date 2024-07-01) with four actions.
A1 open in the YAML, done in the tracker (closed 2024-06-20); A2 done in the YAML (completed 2024-06-10),
reopened in the tracker; A3 open in the YAML, its ticket never synced; A4 open in both.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from bs4 import BeautifulSoup

from conftest import Build, dump, mkdocs_build, run_pmsite, shared, valid_doc, write_site

TRACKER = """      tracker:
        kind: github
        url: https://api.github.com
        project: acme/platform
"""
ISSUES = "https://github.com/acme/platform/issues/"


def action(ident: str, status: str, ticket: int | None, completed: str | None = None, due: str = "2024-06-25") -> dict[str, Any]:
    out: dict[str, Any] = {"id": ident, "description": f"Change {ident} to the cache client", "owner": "Platform team",
                           "priority": "high", "due": due, "status": status, "success_criteria": "measured"}
    if completed:
        out["completed_on"] = completed
    if ticket is not None:
        out["ticket"] = f"{ISSUES}{ticket}"
    return out


def entry(state: str, said: str, closed: str | None = None, problem: str | None = None) -> dict[str, Any]:
    return {"state": state, "tracker_state": said, "closed_on": closed, "title": "t", "read_on": "2024-06-30", "problem": problem}


def state_file(tickets: dict[int, dict[str, Any]], kind: str = "github") -> str:
    data = {"format": 1, "tracker": {"kind": kind, "url": "https://api.github.com", "project": "acme/platform", "web": "https://github.com"},
            "tickets": {f"{ISSUES}{n}": e for n, e in tickets.items()}}
    return json.dumps(data, sort_keys=True, indent=2) + "\n"


STATES = {1: entry("done", "closed (completed)", "2024-06-20"), 2: entry("open", "open"),
          4: entry("open", "open", problem="gone (HTTP 404)")}


def site(root: Path, states: str | None) -> Path:
    doc = valid_doc(id="INC-T-1")
    doc["action_items"] = [action("A1", "open", 1), action("A2", "done", 2, "2024-06-10"), action("A3", "open", 3),
                           action("A4", "open", 4)]
    write_site(root, {"t.yaml": dump(doc)}, extra=TRACKER)
    if states is not None:
        (root / "tickets.json").write_text(states, encoding="utf-8")
    return root


@pytest.fixture(scope=shared("module"))
def tracked(tmp_path_factory: pytest.TempPathFactory) -> Build:
    build = mkdocs_build(site(tmp_path_factory.mktemp("tracked"), state_file(STATES)), strict=False)
    assert build.ok, build.log
    return build


def test_the_tracker_state_counts_in_the_data_files(tracked: Build) -> None:
    actions = {a["id"]: a for a in json.loads((tracked.site / "actions.json").read_text())["actions"]}
    assert {k: (a["status"], a["state"], a["completed_on"], a["overdue"]) for k, a in actions.items()} == {
        "A1": ("done", "done", "2024-06-20", False),  # closed in the tracker: no longer overdue
        "A2": ("open", "open", None, True),  # reopened: due 2024-06-25, 6 days late on 2024-07-01
        "A3": ("open", "open", None, True),
        "A4": ("open", "open", None, True),
    }
    assert actions["A1"]["tracker"] == {"state": "done", "said": "closed (completed)", "closed_on": "2024-06-20",
                                        "source": "GitHub, read 2024-06-30", "problem": None, "agrees": False}
    assert actions["A4"]["tracker"]["problem"] == "gone (HTTP 404)"
    assert actions["A3"]["tracker"] is None
    incident = json.loads((tracked.site / "incidents.json").read_text())["incidents"][0]
    assert incident["metrics"]["action_items_by_status"] == {"open": 3, "in-progress": 0, "done": 1, "wont-do": 0}
    assert [a["state"] for a in incident["action_items"]] == ["done", "open", "open", "open"]


def test_the_incident_page_says_where_a_state_comes_from_and_what_the_yaml_says(tracked: Build) -> None:
    soup = BeautifulSoup(tracked.page("incidents/inc-t-1/"), "lxml")
    a1, a2, a3 = (soup.select_one(f"#action-a{n}") for n in (1, 2, 3))
    assert a1.select_one(".pm-badge--status").get_text() == "done"
    assert " ".join(a1.select_one(".pm-acard__tracked").get_text().split()) == (
        "In the tracker: closed (completed) (GitHub, read 2024-06-30). The post-mortem still says open.")
    assert " ".join(a2.select_one(".pm-acard__tracked").get_text().split()) == (
        "In the tracker: open (GitHub, read 2024-06-30). The post-mortem still says done, completed 2024-06-10.")
    assert a3.select_one(".pm-acard__tracked") is None
    a4 = " ".join(soup.select_one("#action-a4 .pm-acard__tracked").get_text().split())
    assert a4 == ("In the tracker: open (GitHub, read 2024-06-30; at that sync the ticket was gone (HTTP 404), "
                  "so this is its last known state)")


def test_the_open_actions_page_lists_what_the_tracker_says_is_open(tracked: Build) -> None:
    soup = BeautifulSoup(tracked.page("actions/"), "lxml")
    rows = [(r.select_one('[data-slot="id"]').get_text(), r.select_one('[data-slot="status"]').get_text())
            for r in soup.select("table.pm-open-actions tbody tr")]
    assert rows == [("A2", "open"), ("A3", "open"), ("A4", "open")]  # A1 is done in the tracker


def test_validate_warns_of_each_disagreement_with_the_fix(tmp_path: Path) -> None:
    root = site(tmp_path, state_file(STATES))
    proc = run_pmsite("validate", "--format", "json", cwd=root)
    warnings = [w for w in json.loads(proc.stdout)["warnings"] if w["code"] == "PM114"]
    assert [w["message"] for w in warnings] == [
        "action A1 is done in the tracker (GitHub, read 2024-06-30, closed (completed)) but open here: "
        "set status: done and completed_on: 2024-06-20",
        "action A2 is open in the tracker (GitHub, read 2024-06-30, open) but done here: set status: open",
    ]
    assert [w["field"] for w in warnings] == ["action_items[0].status", "action_items[1].status"]


def test_a_state_file_from_another_tracker_is_left_out_with_a_warning(tmp_path: Path) -> None:
    root = site(tmp_path, state_file(STATES, kind="gitlab"))
    build = mkdocs_build(root, strict=False)
    assert build.ok, build.log
    assert ("WARNING -  pmsite: tickets.json: the ticket states were read from gitlab acme/platform at https://api.github.com, "
            "but the site's tracker is github acme/platform at https://api.github.com: their states are left out until "
            "`pmsite tickets sync` reads the configured tracker") in build.log
    actions = {a["id"]: a for a in json.loads((root / "site" / "actions.json").read_text())["actions"]}
    assert (actions["A1"]["state"], actions["A1"]["tracker"]) == ("open", None)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("{", "tickets.json:1:1: expected JSON, got a syntax error at line 1, column 2 (Expecting property name enclosed in double quotes)"),
        ('{"format": 2, "tracker": {}, "tickets": {}}', "tickets.json:1:1: format: expected 1 (this pmsite reads version 1), got 2"),
    ],
    ids=["broken-json", "other-format"],
)
def test_a_malformed_state_file_stops_the_build_with_a_located_error(tmp_path: Path, text: str, message: str) -> None:
    build = mkdocs_build(site(tmp_path, text))
    assert not build.ok and "Traceback" not in build.log
    assert f"ERROR   -  pmsite: {message}" in build.log
    proc = run_pmsite("validate", cwd=tmp_path)
    assert proc.returncode == 1 and f"error: {message}" in proc.stdout


def test_without_a_state_file_every_status_is_the_yaml_s(tmp_path: Path) -> None:
    build = mkdocs_build(site(tmp_path, None), strict=False)
    assert build.ok, build.log
    actions = json.loads((tmp_path / "site" / "actions.json").read_text())["actions"]
    assert [(a["id"], a["state"], a["tracker"]) for a in actions] == [
        ("A1", "open", None), ("A2", "done", None), ("A3", "open", None), ("A4", "open", None)]  # by due date, then id


def test_a_disagreement_is_located_at_its_status_line_without_parsing_the_file_again(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """After a sync, every action can disagree with its YAML: the warning's line is the one its first parse kept
    (parsing each such file again for it cost about a quarter of a 10,000-incident build)."""
    import datetime as dt

    import pmsite.reading.documents
    from pmsite.engine import Engine
    from pmsite.settings import Settings
    from pmsite.tracker_config import parse_tracker_config

    root = site(tmp_path, state_file(STATES))
    written = root / "content" / "incidents" / "t.yaml"
    written.write_text(written.read_text(encoding="utf-8") + "checklist_ignore: [PM111]\n", encoding="utf-8")  # due dates aside
    lines = written.read_text(encoding="utf-8").splitlines()
    statuses = [n for n, text in enumerate(lines, start=1) if text.startswith("  status: ")]
    assert len(statuses) == 4  # the four actions' statuses, in order (the document's own status is not indented)
    parses: list[object] = []
    original = pmsite.reading.documents.parse_yaml

    def counted(data: bytes, **kwargs: Any) -> Any:
        parses.append(data)
        return original(data, **kwargs)

    monkeypatch.setattr(pmsite.reading.documents, "parse_yaml", counted)
    tracker = parse_tracker_config({"kind": "github", "url": "https://api.github.com", "project": "acme/platform"})
    engine = Engine(Settings(tracker=tracker, reference_date=dt.date(2024, 7, 1)), docs_dir=root / "content", base=root)
    assert engine.load().problems == []
    warnings = [(p.line, p.column, p.field, p.code) for p in engine.checklist_warnings()]
    assert warnings == [(statuses[0], 11, "action_items[0].status", "PM114"), (statuses[1], 11, "action_items[1].status", "PM114")]
    assert len(parses) == 1  # the load's own
