"""One bad file per rule of the format: each error names file, line, column, field and expectation."""

from __future__ import annotations

from pathlib import Path

import pytest

from pmsite.reading.corpus import load_corpus
from pmsite.reading.files import discover
from pmsite.settings import Settings

from conftest import dump, valid_doc


def line_col(text: str, needle: str, *, value: bool = True) -> tuple[int, int]:
    """Where ``needle`` (a 'key: value' line fragment) is; the value's column when ``value``."""
    for n, line in enumerate(text.splitlines(), start=1):
        idx = line.find(needle)
        if idx >= 0:
            if value and ": " in needle:
                idx += needle.index(": ") + 2
            return n, idx + 1
    raise AssertionError(f"{needle!r} not in document")


def problems_for(tmp_path: Path, files: dict[str, str | bytes]) -> list[str]:
    folder = tmp_path / "incidents"
    folder.mkdir(exist_ok=True)
    for name, text in files.items():
        path = folder / name
        if isinstance(text, bytes):
            path.write_bytes(text)
        else:
            path.write_text(text, encoding="utf-8")
    corpus = load_corpus(discover(folder), Settings(), base=tmp_path)
    return [p.format() for p in corpus.errors]


def single(tmp_path: Path, doc: dict | str, name: str = "x.yaml") -> tuple[str, list[str]]:
    text = doc if isinstance(doc, str) else dump(doc)
    return text, problems_for(tmp_path, {name: text})


def test_valid_document_has_no_errors(tmp_path: Path) -> None:
    _, errors = single(tmp_path, valid_doc())
    assert errors == []


def test_missing_required_field(tmp_path: Path) -> None:
    doc = valid_doc()
    del doc["title"]
    _, errors = single(tmp_path, doc)
    assert errors == ["incidents/x.yaml:1:1: title: required field is missing"]


def test_missing_nested_required_field(tmp_path: Path) -> None:
    doc = valid_doc()
    del doc["action_items"][0]["owner"]
    text, errors = single(tmp_path, doc)
    line, col = line_col(text, "- id: A1", value=False)
    assert errors == [f"incidents/x.yaml:{line}:{col + 2}: action_items[0].owner: required field is missing"]


def test_unknown_field_suggests_spelling(tmp_path: Path) -> None:
    doc = valid_doc()
    doc["serverity"] = 2
    text, errors = single(tmp_path, doc)
    line, _ = line_col(text, "serverity: 2")
    assert errors == [f"incidents/x.yaml:{line}:1: serverity: unknown field; did you mean 'severity'?"]


def test_wrong_type(tmp_path: Path) -> None:
    text = dump(valid_doc()).replace("- mobile-api\n- orders-db", "- mobile-api\n- 42")
    _, errors = single(tmp_path, text)
    line, col = line_col(text, "- 42")
    assert errors == [f"incidents/x.yaml:{line}:{col + 2}: services[1]: expected a string, got 42"]


def test_date_that_is_not_a_date(tmp_path: Path) -> None:
    text = dump(valid_doc()).replace("due: '2024-03-22'", "due: next week")
    line, col = line_col(text, "due: next week")
    _, errors = single(tmp_path, text)
    assert errors == [f"incidents/x.yaml:{line}:{col}: action_items[0].due: expected a date (YYYY-MM-DD), got 'next week'"]


@pytest.mark.parametrize(
    ("field", "value", "expected"),
    [
        ("severity", "9", "severity: expected a severity level (1, 2, 3, 4), got 9"),
        ("detection", "telepathy", "detection: expected a detection method (automated-alert, customer-report, internal-report, manual-check, third-party, unknown), got 'telepathy'"),
        ("status", "done", "status: expected a document status (draft, in-review, published), got 'done'"),
    ],
)
def test_value_outside_configured_set(tmp_path: Path, field: str, value: str, expected: str) -> None:
    text = dump(valid_doc())
    old = next(line for line in text.splitlines() if line.startswith(f"{field}: "))
    text = text.replace(old, f"{field}: {value}")
    line, col = line_col(text, f"{field}: {value}")
    _, errors = single(tmp_path, text)
    assert errors == [f"incidents/x.yaml:{line}:{col}: {expected}"]


@pytest.mark.parametrize(
    ("old", "new", "path", "expected"),
    [
        ("category: code-defect", "category: bad-luck", "root_causes[0].category", "expected a root-cause category (code-defect, configuration-error, capacity-insufficient, dependency-failure, process-gap, operational-error, design-flaw, monitoring-gap), got 'bad-luck'"),
        ("category: process", "category: weather", "contributing_factors[0].category", "expected a factor category (people, process, technology, environment), got 'weather'"),
        ("priority: critical", "priority: urgent", "action_items[0].priority", "expected a priority (critical, high, medium, low), got 'urgent'"),
        ("status: done", "status: finished", "action_items[0].status", "expected an action status (open, in-progress, done, wont-do), got 'finished'"),
    ],
)
def test_nested_value_outside_configured_set(tmp_path: Path, old: str, new: str, path: str, expected: str) -> None:
    text = dump(valid_doc()).replace(old, new)
    line, col = line_col(text, new)
    _, errors = single(tmp_path, text)
    assert errors == [f"incidents/x.yaml:{line}:{col}: {path}: {expected}"]


def test_timestamp_without_offset(tmp_path: Path) -> None:
    text = dump(valid_doc()).replace("started_at: '2024-03-15T14:37:00Z'", "started_at: 2024-03-15T14:37:00")
    line, col = line_col(text, "started_at: 2024")
    _, errors = single(tmp_path, text)
    assert errors == [f"incidents/x.yaml:{line}:{col}: started_at: expected a timestamp with an offset (Z or +hh:mm), got '2024-03-15T14:37:00' without one"]


def test_impossible_date(tmp_path: Path) -> None:
    text = dump(valid_doc()).replace("published_on: '2024-03-18'", "published_on: 2024-02-30")
    line, col = line_col(text, "published_on: 2024")
    _, errors = single(tmp_path, text)
    assert errors == [f"incidents/x.yaml:{line}:{col}: published_on: expected a date that exists, got '2024-02-30'"]


def test_detected_before_started(tmp_path: Path) -> None:
    doc = valid_doc(detected_at="2024-03-15T14:30:00Z")
    text, errors = single(tmp_path, doc)
    line, col = line_col(text, "detected_at: '2024")
    assert errors == [f"incidents/x.yaml:{line}:{col}: detected_at: expected a time at or after started_at (2024-03-15T14:37:00+00:00)"]


def test_resolved_before_detected(tmp_path: Path) -> None:
    doc = valid_doc(resolved_at="2024-03-15T14:38:00Z", mitigated_at=None)
    del doc["mitigated_at"]
    text, errors = single(tmp_path, doc)
    line, col = line_col(text, "resolved_at: '2024")
    assert errors == [f"incidents/x.yaml:{line}:{col}: resolved_at: expected a time at or after detected_at (2024-03-15T14:38:45+00:00)"]


@pytest.mark.parametrize("when", ["2024-03-15T14:38:00Z", "2024-03-15T15:30:00Z"])
def test_mitigated_outside_window(tmp_path: Path, when: str) -> None:
    text, errors = single(tmp_path, valid_doc(mitigated_at=when))
    line, col = line_col(text, "mitigated_at: '2024")
    assert errors == [
        f"incidents/x.yaml:{line}:{col}: mitigated_at: expected a time within detected_at..resolved_at "
        "[2024-03-15T14:38:45+00:00, 2024-03-15T15:00:00+00:00]"
    ]


def test_resolved_required_unless_draft(tmp_path: Path) -> None:
    doc = valid_doc(status="in-review")
    del doc["resolved_at"], doc["mitigated_at"]
    _, errors = single(tmp_path, doc)
    assert errors == ["incidents/x.yaml:1:1: resolved_at: required unless status is draft (status is in-review): expected a timestamp"]
    doc["status"] = "draft"
    (tmp_path / "draft").mkdir()
    _, errors = single(tmp_path / "draft", doc)
    assert errors == []


def test_published_requires_published_on(tmp_path: Path) -> None:
    doc = valid_doc()
    del doc["published_on"]
    _, errors = single(tmp_path, doc)
    assert errors == ["incidents/x.yaml:1:1: published_on: required when status is published: expected a date (YYYY-MM-DD)"]


def test_empty_root_causes_only_in_draft(tmp_path: Path) -> None:
    text, errors = single(tmp_path, valid_doc(root_causes=[]))
    line, col = line_col(text, "root_causes: []")
    assert errors == [f"incidents/x.yaml:{line}:{col}: root_causes: expected at least one root cause (only a draft may have none; status is published)"]


def test_duplicate_ids_across_files(tmp_path: Path) -> None:
    text = dump(valid_doc())
    errors = problems_for(tmp_path, {"a.yaml": text, "b.yaml": text})
    # on both files: the pull request that adds either one is annotated on the file it touches
    assert errors == [
        "incidents/a.yaml:1:5: id: expected a unique id, got 'INC-2024-0315': incidents/b.yaml has the same id",
        "incidents/b.yaml:1:5: id: expected a unique id, got 'INC-2024-0315': incidents/a.yaml has the same id",
    ]


def test_three_files_with_one_id_each_name_the_other_two(tmp_path: Path) -> None:
    text = dump(valid_doc())
    errors = problems_for(tmp_path, {"a.yaml": text, "b.yaml": text, "c.yaml": text})
    assert [e.split(": ", 1)[0] for e in errors] == ["incidents/a.yaml:1:5"] * 2 + ["incidents/b.yaml:1:5"] * 2 + ["incidents/c.yaml:1:5"] * 2
    assert errors[0].endswith("incidents/b.yaml has the same id") and errors[1].endswith("incidents/c.yaml has the same id")


def test_ids_differing_only_in_case_collide(tmp_path: Path) -> None:
    errors = problems_for(tmp_path, {"a.yaml": dump(valid_doc()), "b.yaml": dump(valid_doc(id="inc-2024-0315"))})
    assert errors == [
        "incidents/a.yaml:1:5: id: expected a unique id, got 'INC-2024-0315': incidents/b.yaml has an id that differs only in letter case ('inc-2024-0315')",
        "incidents/b.yaml:1:5: id: expected a unique id, got 'inc-2024-0315': incidents/a.yaml has an id that differs only in letter case ('INC-2024-0315')",
    ]


def test_duplicate_action_item_ids(tmp_path: Path) -> None:
    doc = valid_doc()
    doc["action_items"].append(dict(doc["action_items"][0]))
    text, errors = single(tmp_path, doc)
    second = [n for n, line in enumerate(text.splitlines(), 1) if "- id: A1" in line][1]
    assert errors == [
        f"incidents/x.yaml:{second}:7: action_items[1].id: expected an id unique within the document, got 'A1' again (first at action_items[0])"
    ]


def test_unknown_related_id(tmp_path: Path) -> None:
    text, errors = single(tmp_path, valid_doc(related=["INC-2024-0314"]))
    line, col = line_col(text, "- INC-2024-0314", value=False)
    assert errors == [
        f"incidents/x.yaml:{line}:{col + 2}: related[0]: expected the id of an incident in the knowledge base, got 'INC-2024-0314' (did you mean 'INC-2024-0315'?)"
    ]


def test_done_item_without_completed_on(tmp_path: Path) -> None:
    doc = valid_doc()
    del doc["action_items"][0]["completed_on"]
    text, errors = single(tmp_path, doc)
    line, col = line_col(text, "- id: A1", value=False)
    assert errors == [f"incidents/x.yaml:{line}:{col + 2}: action_items[0].completed_on: required when status is done: expected a date (YYYY-MM-DD)"]


@pytest.mark.parametrize(
    ("old", "new", "path"),
    [
        ("ticket: https://github.com/example/platform/issues/812", "ticket: javascript:alert(1)", "action_items[0].ticket"),
        ("url: https://chat.example.com/archives/inc-4521", "url: ftp://chat.example.com/x", "links[0].url"),
        ("- https://deploys.example.com/runs/8812", "- data:text/html,hi", "timeline[0].evidence[0]"),
    ],
)
def test_non_http_urls(tmp_path: Path, old: str, new: str, path: str) -> None:
    text = dump(valid_doc()).replace(old, new)
    line, col = line_col(text, new, value=not new.startswith("- "))
    if new.startswith("- "):
        col += 2
    _, errors = single(tmp_path, text)
    got = new.split(" ", 1)[1]
    expected = "plain text or an http(s) URL" if "evidence" in path else "an http(s) URL"
    assert errors == [f"incidents/x.yaml:{line}:{col}: {path}: expected {expected}, got {got!r}"]


def test_every_error_in_every_file_is_reported(tmp_path: Path) -> None:
    bad1 = dump(valid_doc(severity=7, detection="x"))
    bad2 = dump(valid_doc(id="I2", title=""))
    errors = problems_for(tmp_path, {"a.yaml": bad1, "b.yaml": bad2})
    assert [(e.split(":")[0], e.split(": ")[1]) for e in errors] == [
        ("incidents/a.yaml", "severity"),
        ("incidents/a.yaml", "detection"),
        ("incidents/b.yaml", "id"),
        ("incidents/b.yaml", "title"),
    ]


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("title", ["a", "b"], "title: expected a string, got a list"),
        ("near_miss", "yes", "near_miss: expected true or false, got 'yes'"),
        ("severity", None, "severity: expected a severity level, got nothing (null)"),
        ("summary", True, "summary: expected a string, got true"),
        ("summary", False, "summary: expected a string, got false"),
        ("summary", {"a": 1}, "summary: expected a string, got a mapping"),
        ("services", "checkout", "services: expected a list, got 'checkout'"),
        ("published_on", 20240101, "published_on: expected a date (YYYY-MM-DD), got 20240101"),
        ("detection", 3.5, "detection: expected a string, got 3.5"),
    ],
)
def test_a_wrong_kind_of_value_is_named_in_words(tmp_path: Path, field: str, value: object, message: str) -> None:
    doc = valid_doc()
    doc[field] = value
    _, errors = single(tmp_path, doc)
    assert len(errors) == 1 and errors[0].split(": ", 1)[1] == message, errors


def test_each_checklist_warning_points_at_its_field(tmp_path: Path) -> None:
    from pmsite.analysis.checklist import warnings_for
    from pmsite.reading.documents import load_file

    doc = valid_doc()
    for event in doc["timeline"]:
        event.pop("kind", None)
        event.pop("evidence", None)
    doc["root_causes"][0]["five_whys"] = ["Why did it fail? A default was missing."]
    doc.pop("contributing_factors", None)
    doc["published_on"] = "2024-03-29"  # resolved 2024-03-15
    doc["review_meeting_on"] = "2024-03-20"  # detected 2024-03-15T14:38:45Z
    doc["action_items"] = [
        {"id": "A1", "description": "Improve monitoring", "owner": "Platform team", "priority": "critical",
         "due": "2024-03-29", "status": "open"},
        {"id": "A2", "description": "Add a 30 s timeout to the cache-fill call", "owner": "Platform team",
         "priority": "low", "due": "2024-12-31", "status": "open", "success_criteria": "p99 under 200 ms"},
    ]
    text = dump(doc)
    path = tmp_path / "x.yaml"
    path.write_text(text, encoding="utf-8")
    item = load_file(path, Settings())
    assert item.problems == []
    found = [(w.code, w.field, w.line, w.message) for w in warnings_for(item, Settings())]
    timeline = line_col(text, "timeline:", value=False)[0] + 1  # the list, which starts under its key
    a1_due = line_col(text, "due: '2024-03-29'")[0]
    assert found == [
        ("PM102", "timeline", timeline, "no event of kind 'detection': add when and how the problem was detected"),
        ("PM103", "timeline", timeline, "no event of kind 'resolution': add when the incident was resolved"),
        ("PM104", "root_causes[0].five_whys", line_col(text, "five_whys:", value=False)[0] + 1,
         "1 whys: ask at least 3 to reach a systemic cause"),
        ("PM105", "", 1, "no contributing factors: list the conditions that made the incident likelier or worse"),
        ("PM106", "action_items[0]", line_col(text, "- id: A1", value=False)[0],
         "action A1 has no success_criteria: say how you will know it worked"),
        ("PM107", "action_items[0].due", a1_due,
         "open action A1 was due 2024-03-29 on or before publication (2024-03-29): set a realistic future date"),
        ("PM108", "action_items[0].description", line_col(text, "description: Improve monitoring")[0],
         "action A1 is vague ('improve monitoring'): name the concrete change, the system and the expected result"),
        ("PM111", "action_items[0].due", a1_due, "action A1 (critical) is due 14 days after resolution; the target window is 7 days"),
        ("PM111", "action_items[1].due", line_col(text, "due: '2024-12-31'")[0],
         "action A2 (low) is due 291 days after resolution; the target window is 90 days"),
        ("PM110", "published_on", line_col(text, "published_on:")[0], "published 14 days after resolution; the deadline is 7 days"),
        ("PM112", "timeline", timeline, "0 of 3 events link evidence: add dashboards, logs or tickets"),
        ("PM113", "review_meeting_on", line_col(text, "review_meeting_on:")[0],
         "review meeting on 2024-03-20, after the 48-hour deadline (2024-03-17)"),
    ]
