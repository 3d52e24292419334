"""The checklist's rules at their edges: ``findings``, ``checks``, ``warnings_for`` and the engine's ``checklist_warnings``.

Each test states the exact list of findings (code, field path, message) or of warnings,
worked out by hand from the document it builds. The cases cover each rule's
boundary (the evidence share at, just above and just below a quarter; the word count of a
vague action at the limit and one over; PM109 at ``max_action_items`` and one more; the
PM111 window at its last day and one over), where each finding points when a field is
empty, documents without a resolution or publication date, and the reuse of findings
that were already computed (the engine computes them once per document).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

import pmsite.analysis.checklist
import pmsite.engine
from pmsite.analysis.checklist import Finding, checks, findings, warnings_for
from pmsite.engine import BuildCache, Engine
from pmsite.format.document import Document
from pmsite.problems import Problem
from pmsite.reading.documents import Loaded, load_file
from pmsite.settings import Settings
from pmsite.tracker_config import parse_tracker_config

from conftest import dump, valid_doc

VAGUE = "name the concrete change, the system and the expected result"
EVIDENCE = "events link evidence: add dashboards, logs or tickets"


def document(settings: Settings | None = None, **changes: Any) -> Document:
    return Document.model_validate(valid_doc(**changes), context={"settings": settings or Settings()})


def test_the_base_document_has_no_findings() -> None:
    """The starting point of every case below: the shared valid document passes every check."""
    assert findings(document(), Settings()) == []


# --- PM101: what is scanned ---------------------------------------------------------------------------


def test_the_ignore_list_is_not_scanned_for_blaming_phrases() -> None:
    """``checklist_ignore`` holds codes, not prose: a configured phrase that equals a code is found in
    the text of the document but never in the ignore list."""
    settings = Settings(blaming_phrases={"PM104": "name the runbook step instead"})
    went_poorly = ["Rollback took ten minutes because the runbook was out of date.", "Step PM104 of the runbook was skipped by the tooling."]
    doc = document(settings, went_poorly=went_poorly, checklist_ignore=["PM104"])
    assert findings(doc, settings) == [
        Finding("PM101", ("went_poorly", 1), "blaming phrase 'PM104': name the runbook step instead"),
    ]


@pytest.mark.parametrize(("phrases", "text", "found"), [
    ({"insan hatası": "describe the step the system allowed"}, "İnsan hatası: the rollback step ran twice.", "insan hatası"),
    ({"insan hatası": "describe the step the system allowed"}, "İNSAN HATASI in the runbook review.", "insan hatası"),
    ({"careless": "describe the missing safeguard"}, "A careleſs merge reached production.", "careless"),
], ids=["dotted-capital-i", "upper-case", "long-s"])
def test_a_phrase_found_by_case_folding_names_the_configured_phrase(phrases: dict[str, str], text: str, found: str) -> None:
    """Python's case-insensitive search matches letters that ``str.lower`` folds otherwise (Turkish İ
    lowers to 'i' plus a combining dot; ſ matches s): the finding names the phrase, not a traceback."""
    settings = Settings(blaming_phrases=phrases)
    doc = document(settings, went_poorly=[text])
    assert findings(doc, settings) == [Finding("PM101", ("went_poorly", 0), f"blaming phrase {found!r}: {phrases[found]}")]


# --- PM104: where the finding points ------------------------------------------------------------------

ROOT_CAUSE = {"description": "The connection pool had no upper bound.", "category": "code-defect"}


@pytest.mark.parametrize(
    ("whys", "expected"),
    [
        ([], [Finding("PM104", ("root_causes", 1), "0 whys: ask at least 3 to reach a systemic cause")]),
        (["Why did the pool grow? Nothing capped it."],
         [Finding("PM104", ("root_causes", 1, "five_whys"), "1 whys: ask at least 3 to reach a systemic cause")]),
        (["Why did the pool grow? Nothing capped it.", "Why was there no cap? The default is unbounded."],
         [Finding("PM104", ("root_causes", 1, "five_whys"), "2 whys: ask at least 3 to reach a systemic cause")]),
        (["Why did the pool grow? Nothing capped it.", "Why was there no cap? The default is unbounded.",
          "Why was the default kept? The service template does not set one."], []),
    ],
    ids=["no-whys-points-at-the-cause", "one-why", "two-whys", "three-whys-pass"],
)
def test_too_few_whys_point_at_the_list_or_at_the_cause_when_there_is_none(whys: list[str], expected: list[Finding]) -> None:
    base = valid_doc()["root_causes"][0]
    doc = document(root_causes=[base, {**ROOT_CAUSE, "five_whys": whys}])
    assert findings(doc, Settings()) == expected


# --- documents without a resolution or a publication date ---------------------------------------------


@pytest.mark.parametrize(
    "changes",
    [
        {"status": "draft", "resolved_at": None, "published_on": None},
        {"status": "draft", "resolved_at": None},  # published_on stays 2024-03-18
        {"status": "in-review", "published_on": None},  # resolved_at stays 2024-03-15T15:00:00Z
    ],
    ids=["draft-unresolved-unpublished", "draft-unresolved-published", "in-review-resolved-unpublished"],
)
def test_a_missing_resolution_or_publication_date_skips_the_date_rules(changes: dict[str, Any]) -> None:
    """PM110 needs both dates and PM111 needs the resolution: with either missing there is nothing to measure."""
    assert findings(document(**changes), Settings()) == []


# --- PM108: vague actions, counted in words ------------------------------------------------------------

# "improve monitoring" has 2 words: a description of at most 2 + 3 = 5 words (punctuation aside) is vague.
@pytest.mark.parametrize(
    ("description", "vague"),
    [
        ("Improve monitoring", True),
        ("Improve monitoring for checkout service", True),  # 5 words: at the limit
        ("Improve monitoring for the checkout service", False),  # 6 words: one over
        ("Improve monitoring: dashboards & alerts / paging", True),  # 5 words once '&' and '/' are dropped
        ("Improve monitoring: dashboards & alerts / paging rotas", False),  # 6 words once they are dropped
    ],
    ids=["phrase-alone", "five-words", "six-words", "five-words-and-two-symbols", "six-words-and-two-symbols"],
)
def test_a_vague_action_is_one_with_at_most_three_words_beyond_the_phrase(description: str, vague: bool) -> None:
    items = valid_doc()["action_items"]
    items[0]["description"] = description
    expected = [Finding("PM108", ("action_items", 0, "description"), f"action A1 is vague ('improve monitoring'): {VAGUE}")]
    assert findings(document(action_items=items), Settings()) == (expected if vague else [])


# --- PM109: the number of action items -----------------------------------------------------------------


def action_items(count: int) -> list[dict[str, Any]]:
    """``count`` closed, specific action items, each due within the critical window."""
    return [
        {"id": f"A{n}", "description": f"Reject a NOT NULL column without a default in migration check {n}",
         "owner": "Platform team", "priority": "critical", "due": "2024-03-22", "status": "done",
         "completed_on": "2024-03-21", "success_criteria": "CI fails on such a migration"}
        for n in range(1, count + 1)
    ]


@pytest.mark.parametrize(
    ("settings", "count", "expected"),
    [
        (Settings(), 8, []),  # the default limit is 8
        (Settings(), 9, [Finding("PM109", ("action_items",), "9 action items: keep at most 8 and move the rest to the team's backlog")]),
        (Settings(max_action_items=2), 2, []),
        (Settings(max_action_items=2), 3, [Finding("PM109", ("action_items",), "3 action items: keep at most 2 and move the rest to the team's backlog")]),
    ],
    ids=["default-at-limit", "default-one-more", "two-at-limit", "two-one-more"],
)
def test_more_action_items_than_the_limit(settings: Settings, count: int, expected: list[Finding]) -> None:
    assert findings(document(settings, action_items=action_items(count)), settings) == expected


# --- PM111: the priority's window ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("priority", "due", "expected"),
    [
        ("critical", "2024-03-22", []),  # resolved 2024-03-15: 7 days, the critical window
        ("critical", "2024-03-23", [Finding("PM111", ("action_items", 0, "due"),
                                            "action A1 (critical) is due 8 days after resolution; the target window is 7 days")]),
        ("high", "2024-04-12", []),  # 28 days
        ("high", "2024-04-13", [Finding("PM111", ("action_items", 0, "due"),
                                        "action A1 (high) is due 29 days after resolution; the target window is 28 days")]),
    ],
    ids=["critical-last-day", "critical-one-over", "high-last-day", "high-one-over"],
)
def test_a_due_date_beyond_the_priority_window(priority: str, due: str, expected: list[Finding]) -> None:
    items = valid_doc()["action_items"]
    items[0].update(priority=priority, due=due, completed_on=due)
    assert findings(document(action_items=items), Settings()) == expected


# --- PM112: the share of events with evidence ---------------------------------------------------------


def timeline(events: int, with_evidence: int) -> list[dict[str, Any]]:
    """``events`` events (a detection first, a resolution last), the first ``with_evidence`` of them linking a dashboard."""
    out = []
    for n in range(events):
        kind = "detection" if n == 0 else "resolution" if n == events - 1 else "communication"
        event: dict[str, Any] = {"at": f"2024-03-15T14:{40 + n}:00Z", "event": f"Status update {n} posted", "actor": "Incident channel bot", "kind": kind}
        if n < with_evidence:
            event["evidence"] = f"https://dashboards.example.com/d/{n}"
        out.append(event)
    return out


@pytest.mark.parametrize(
    ("events", "with_evidence", "expected"),
    [
        (3, 0, [Finding("PM112", ("timeline",), f"0 of 3 {EVIDENCE}")]),
        (5, 1, [Finding("PM112", ("timeline",), f"1 of 5 {EVIDENCE}")]),  # 0.2: below a quarter
        (4, 1, []),  # exactly a quarter
        (3, 1, []),  # 0.33
        (9, 2, [Finding("PM112", ("timeline",), f"2 of 9 {EVIDENCE}")]),  # 0.222: just below
        (8, 2, []),  # exactly a quarter
        (7, 2, []),  # 0.286: just above
    ],
    ids=["0-of-3", "1-of-5", "1-of-4", "1-of-3", "2-of-9", "2-of-8", "2-of-7"],
)
def test_at_least_a_quarter_of_events_link_evidence(events: int, with_evidence: int, expected: list[Finding]) -> None:
    assert findings(document(timeline=timeline(events, with_evidence)), Settings()) == expected


# --- checks and warnings_for use the findings they are given -------------------------------------------

GIVEN = Finding("PM105", (), "given: list the conditions that made the incident likelier")


def test_the_panel_shows_the_findings_it_is_given() -> None:
    panel = {c.code: (c.passed, c.detail, c.findings) for c in checks(document(), Settings(), [GIVEN])}
    assert panel["PM105"] == (False, "given: list the conditions that made the incident likelier", [GIVEN])
    assert [code for code, (passed, _, _) in panel.items() if not passed] == ["PM105"]


def no_kinds() -> dict[str, Any]:
    """The base document without event kinds: PM102 and PM103 (both on ``timeline``, which starts on line 37)."""
    doc = valid_doc()
    for event in doc["timeline"]:
        del event["kind"]
    return doc


def loaded(tmp_path: Path, doc: dict[str, Any]) -> Loaded:
    path = tmp_path / "inc.yaml"
    path.write_text(dump(doc), encoding="utf-8")
    item = load_file(path, Settings(), display="inc.yaml")
    assert item.problems == []
    return item


NO_DETECTION = Problem("inc.yaml", 37, 1, "timeline", "no event of kind 'detection': add when and how the problem was detected", "warning", "PM102")
NO_RESOLUTION = Problem("inc.yaml", 37, 1, "timeline", "no event of kind 'resolution': add when the incident was resolved", "warning", "PM103")


@pytest.mark.parametrize(
    ("ignore", "expected"),
    [
        ([], [NO_DETECTION, NO_RESOLUTION]),
        (["PM102"], [NO_RESOLUTION]),  # an ignored code is skipped, the findings after it are still reported
        (["PM103"], [NO_DETECTION]),
        (["PM102", "PM103"], []),
    ],
    ids=["none", "first", "second", "both"],
)
def test_warnings_skip_ignored_codes_only(tmp_path: Path, ignore: list[str], expected: list[Problem]) -> None:
    assert warnings_for(loaded(tmp_path, {**no_kinds(), "checklist_ignore": ignore}), Settings()) == expected


def test_warnings_report_the_findings_they_are_given(tmp_path: Path) -> None:
    item = loaded(tmp_path, no_kinds())
    assert warnings_for(item, Settings(), [GIVEN]) == [
        Problem("inc.yaml", 1, 1, "", "given: list the conditions that made the incident likelier", "warning", "PM105"),
    ]
    assert warnings_for(item, Settings(), []) == []


# --- the engine's checklist warnings: one computation per document -------------------------------------------------------


def test_checklist_warnings_warn_for_each_valid_document_and_computes_its_findings_once(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The engine computes each document's findings once per build and the warnings reuse them
    (the page's panel does too): computing them again would double the checklist's cost."""
    incidents = tmp_path / "docs" / "incidents"
    incidents.mkdir(parents=True)
    (incidents / "a.yaml").write_text(dump(no_kinds()), encoding="utf-8")
    (incidents / "b.yaml").write_text(dump(valid_doc(id="INC-2024-0316", status="draft")), encoding="utf-8")
    (incidents / "c.yaml").write_text(dump(valid_doc(id="INC-2024-0317")), encoding="utf-8")
    calls: list[str] = []
    original = pmsite.analysis.checklist.findings

    def counted(doc: Document, settings: Settings, tickets: object = None) -> list[Finding]:
        calls.append(doc.id)
        return original(doc, settings, tickets)  # type: ignore[arg-type]

    monkeypatch.setattr(pmsite.analysis.checklist, "findings", counted)
    monkeypatch.setattr(pmsite.engine, "findings", counted)
    engine = Engine(Settings(), docs_dir=tmp_path / "docs", base=tmp_path)
    engine.load()
    warnings = engine.checklist_warnings()
    shown = "docs/incidents/a.yaml"  # relative to the engine's base, always with '/'
    assert warnings == [
        Problem(shown, 37, 1, "timeline", "no event of kind 'detection': add when and how the problem was detected", "warning", "PM102"),
        Problem(shown, 37, 1, "timeline", "no event of kind 'resolution': add when the incident was resolved", "warning", "PM103"),
    ]
    assert sorted(calls) == ["INC-2024-0315", "INC-2024-0316", "INC-2024-0317"]


@pytest.mark.parametrize("tracker", [None, {"kind": "github", "url": "https://api.github.com", "project": "acme/platform"}],
                         ids=["no-tracker", "tracker-without-state-file"])
def test_a_rebuild_of_unchanged_files_computes_no_findings_again(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                                 tracker: dict[str, str] | None) -> None:
    """A live preview's next build reuses every unchanged document's findings. They were computed with the
    tracker's states, so those must be the very same object in the next build when nothing was synced: with no
    tracker, and with a tracker whose state file does not exist yet (a fresh empty mapping each build made every
    rebuild at 10,000 incidents check all 10,000 files again, 6 s)."""
    incidents = tmp_path / "docs" / "incidents"
    incidents.mkdir(parents=True)
    for n in range(3):
        (incidents / f"{n}.yaml").write_text(dump(valid_doc(id=f"INC-2024-031{n}")), encoding="utf-8")
    calls: list[str] = []
    original = pmsite.analysis.checklist.findings

    def counted(doc: Document, settings: Settings, tickets: object = None) -> list[Finding]:
        calls.append(doc.id)
        return original(doc, settings, tickets)  # type: ignore[arg-type]

    monkeypatch.setattr(pmsite.engine, "findings", counted)
    settings = Settings(tracker=parse_tracker_config(tracker))
    cache = BuildCache()
    for build in ("first", "second"):
        engine = Engine(settings, docs_dir=tmp_path / "docs", base=tmp_path, cache=cache)
        assert engine.load().problems == []
        engine.checklist_warnings()
        engine.plan()
        if build == "first":
            assert sorted(calls) == ["INC-2024-0310", "INC-2024-0311", "INC-2024-0312"]
            calls.clear()
            (incidents / "1.yaml").write_text(dump(valid_doc(id="INC-2024-0311", title="Edited")), encoding="utf-8")
    assert calls == ["INC-2024-0311"]  # only the edited file
