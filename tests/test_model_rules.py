"""The model's small rules, case by case: Markdown shape, cross-field rules, evidence, URLs, ids, sizes.

Written against the mutants mutmut left alive in ``pmsite/model.py`` (scripts/mutation-survivors.md):
tab expansion and what counts as indentation in ``markdown_shape``, what ends a paragraph for the
bracket count, the boundaries of ``document_rules`` (resolved_at equal to detected_at, mitigated_at
equal to either end, A1 against a1), evidence that only looks like a URL, plain-http links, the exact
messages of action ids and evidence, the error records the model itself raises, the size caps at
their limits, and the field reference's descriptions.

Located errors go through :func:`pmsite.load.load_file` on the literal document ``BASE`` below, so
every line and column in an expectation can be read off it by eye.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml
from pydantic import ValidationError

from pmsite.format.document import Document
from pmsite.format.markdown_shape import markdown_shape
from pmsite.format.reference import field_reference
from pmsite.reading.documents import load_file
from pmsite.settings import Settings
from pmsite.statuses import parse_action_statuses

# Line numbers of BASE, used in the expectations below: 5 summary, 7 detected_at, 8 mitigated_at,
# 9 resolved_at, 19 timeline[0].evidence, 23 action_items, 24 action_items[0].id, 30 its ticket.
BASE = """\
id: INC-2025-0042
title: Checkout latency after a cache change
status: published
severity: 2
summary: Checkout requests were slow for 40 minutes after a cache change.
started_at: '2025-02-03T09:00:00Z'
detected_at: '2025-02-03T09:05:00Z'
mitigated_at: '2025-02-03T09:30:00Z'
resolved_at: '2025-02-03T09:40:00Z'
detection: automated-alert
services: [checkout]
authors: [Payments team]
published_on: '2025-02-10'
impact:
  description: Checkout pages took up to 8 seconds to load.
timeline:
- at: '2025-02-03T09:05:00Z'
  event: Latency alert fired for checkout
  evidence: https://dashboards.example.com/d/checkout
root_causes:
- description: The cache change lowered the time-to-live for price lookups.
  category: configuration-error
action_items:
- id: A1
  description: Add a load test for cache settings
  owner: Payments team
  priority: high
  due: '2025-03-01'
  status: open
  ticket: https://tracker.example.com/PAY-101
"""

ACTIONS = BASE[BASE.index("action_items:\n"):]


def edit(*pairs: str) -> str:
    """BASE with each (old, new) line fragment replaced; each old fragment must occur exactly once."""
    text = BASE
    for old, new in zip(pairs[::2], pairs[1::2]):
        assert text.count(old) == 1, old
        text = text.replace(old, new)
    return text


def problems(tmp_path: Path, text: str) -> list[str]:
    path = tmp_path / "x.yaml"
    path.write_text(text, encoding="utf-8")
    return [p.format() for p in load_file(path, Settings(), display="incidents/x.yaml").problems]


def test_the_base_document_is_valid(tmp_path: Path) -> None:
    assert problems(tmp_path, BASE) == []


# --- markdown_shape: what counts as a level of nesting -------------------------------------------


def too_deep(depth: int, line: int = 1) -> str:
    return (f"expected Markdown nested at most 16 levels deep (lists, quotes, 4-space indentation), "
            f"got {depth} at line {line} of the text")


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("\t" * 16 + "x", None),  # a tab is 4 columns: 64 columns, 16 levels
        ("\t" * 17 + "x", too_deep(17)),  # 68 columns, not 85
        ("Steps taken:\n" + "\t" * 17 + "x", too_deep(17, line=2)),
        ("  \t" * 16 + "x", None),  # a tab after 2 spaces reaches column 4, not 5
        ("  \t" * 17 + "x", too_deep(17)),
        (" " * 67 + "x", None),  # 67 spaces: 16 levels
        (" " * 68 + "x", too_deep(17)),
        ("\u00a0" * 68 + "x", None),  # no-break spaces are text, not indentation
        ("    " * 16 + "XXXX-1234 was the masked card number in the log", None),  # 'X' is text too
    ],
    ids=["16-tabs", "17-tabs", "17-tabs-line-2", "16-space-tab", "17-space-tab", "67-spaces", "68-spaces",
         "no-break-spaces", "X-after-16-levels"],
)
def test_indentation_counts_tabs_as_4_columns_and_only_spaces_as_indentation(text: str, expected: str | None) -> None:
    assert markdown_shape(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (">" * 16 + " deep", None),
        (">" * 17 + " deep", too_deep(17)),  # quotes written without spaces: each '>' is a level
        ("> " * 17 + "deep", too_deep(17)),
        (">\u00a0" * 17 + "deep", None),  # after the first '>', a no-break space starts the text
        (">X" * 17 + " marks", None),  # so does an 'X'
        ("- " * 17 + "deep", too_deep(17)),
        ("- \u00a0" * 17 + "deep", None),  # '- ' then a no-break space: one list level, then text
        ("- X" * 17, None),  # '- ' then 'X': one list level, then text
    ],
    ids=["16-quotes", "17-quotes", "17-spaced-quotes", "quote-no-break-space", "quote-X", "17-markers",
         "marker-no-break-space", "marker-X"],
)
def test_quotes_and_list_markers_are_followed_by_spaces_only(text: str, expected: str | None) -> None:
    assert markdown_shape(text) == expected


# --- markdown_shape: brackets, escapes and paragraphs --------------------------------------------

DEEPER = "expected '[' brackets nested at most 16 deep, got deeper at character {}"
UNCLOSED = ("expected at most 50 unclosed '[' or '](' (each makes rendering re-read the rest of the paragraph), "
            "got {}: escape a literal bracket as \\[")


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("[" * 17, DEEPER.format(17)),  # the first character counts too
        ("\\[" + "[" * 16, None),  # an escaped bracket is text
        ("\\[" + "[" * 17, DEEPER.format(19)),  # ... and escapes only the one character after it
        ("\\\\" + "[" * 17, DEEPER.format(19)),  # an escaped backslash escapes nothing
        ("[" * 10 + " see\n" + "[" * 10, DEEPER.format(22)),  # one line break does not end the paragraph
        ("[" * 10 + " see\n\n" + "[" * 10, None),  # a blank line does
        ("](" * 50, None),
        ("](" * 51, UNCLOSED.format(51)),  # each '](' left open counts once
        ("](" * 51 + ")", None),  # a ')' closes one of them
        ("](" * 52 + ")", UNCLOSED.format(51)),  # ... and only one
        ("Root cause\n\n" + "](" * 50, None),  # the count starts afresh after a blank line
        ("](" * 26 + "\n\n" + "](" * 25, UNCLOSED.format(51)),  # ... and adds up over the paragraphs
        ("see [note " * 16 + "\n\n" + "see [note " * 16 + "\n\n" + "see [note " * 16 + "\n\n" + "](" * 3,
         UNCLOSED.format(51)),
        ("[x] " * 60 + "and ](" * 50, None),  # closed brackets leave nothing open
    ],
    ids=["17-at-start", "escaped-16", "escaped-17", "escaped-backslash", "line-break", "blank-line", "50-parens",
         "51-parens", "51-parens-1-closed", "52-parens-1-closed", "after-blank-line", "parens-over-paragraphs",
         "brackets-over-paragraphs", "closed-brackets"],
)
def test_brackets_are_counted_per_paragraph_and_escapes_apply_to_one_character(text: str, expected: str | None) -> None:
    assert markdown_shape(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "[" * 10 + " see\\\n\n" + "[" * 10,  # the backslash escapes the first line break, hiding the blank line
        "[" * 10 + " see\n   \n" + "[" * 10,  # a line of spaces is blank to Python-Markdown
    ],
    ids=["after-trailing-backslash", "line-of-spaces"],  # both were counted as one paragraph of 20 open brackets
)
def test_every_blank_line_python_markdown_sees_ends_the_paragraph(text: str) -> None:
    # Python-Markdown renders both as two paragraphs of 10 open brackets each: within the caps.
    assert markdown_shape(text) is None


# --- document_rules: the time order and its boundaries -------------------------------------------

NO_MITIGATION = ("mitigated_at: '2025-02-03T09:30:00Z'\n", "")


@pytest.mark.parametrize(
    "changes",
    [
        (*NO_MITIGATION, "resolved_at: '2025-02-03T09:40:00Z'", "resolved_at: '2025-02-03T09:05:00Z'"),
        ("mitigated_at: '2025-02-03T09:30:00Z'", "mitigated_at: '2025-02-03T09:40:00Z'"),  # = resolved_at
        ("mitigated_at: '2025-02-03T09:30:00Z'", "mitigated_at: '2025-02-03T09:05:00Z'"),  # = detected_at
        ("detected_at: '2025-02-03T09:05:00Z'", "detected_at: '2025-02-03T09:00:00Z'"),  # = started_at
    ],
    ids=["resolved-at-detected", "mitigated-at-resolved", "mitigated-at-detected", "detected-at-started"],
)
def test_equal_times_are_in_order(tmp_path: Path, changes: tuple[str, ...]) -> None:
    assert problems(tmp_path, edit(*changes)) == []


@pytest.mark.parametrize(
    ("changes", "expected"),
    [
        ((*NO_MITIGATION, "resolved_at: '2025-02-03T09:40:00Z'", "resolved_at: '2025-02-03T09:04:59Z'"),
         "incidents/x.yaml:8:14: resolved_at: expected a time at or after detected_at (2025-02-03T09:05:00+00:00)"),
        (("mitigated_at: '2025-02-03T09:30:00Z'", "mitigated_at: '2025-02-03T09:40:01Z'"),
         "incidents/x.yaml:8:15: mitigated_at: expected a time within detected_at..resolved_at "
         "[2025-02-03T09:05:00+00:00, 2025-02-03T09:40:00+00:00]"),
        (("mitigated_at: '2025-02-03T09:30:00Z'", "mitigated_at: '2025-02-03T09:04:59Z'"),
         "incidents/x.yaml:8:15: mitigated_at: expected a time within detected_at..resolved_at "
         "[2025-02-03T09:05:00+00:00, 2025-02-03T09:40:00+00:00]"),
    ],
    ids=["resolved-before-detected", "mitigated-after-resolved", "mitigated-before-detected"],
)
def test_a_second_out_of_order_is_refused(tmp_path: Path, changes: tuple[str, ...], expected: str) -> None:
    assert problems(tmp_path, edit(*changes)) == [expected]


def test_a_draft_without_resolved_at_shows_an_open_window(tmp_path: Path) -> None:
    text = edit("status: published", "status: draft", "resolved_at: '2025-02-03T09:40:00Z'\n", "",
                "mitigated_at: '2025-02-03T09:30:00Z'", "mitigated_at: '2025-02-03T09:04:00Z'")
    assert problems(tmp_path, text) == [
        "incidents/x.yaml:8:15: mitigated_at: expected a time within detected_at..resolved_at [2025-02-03T09:05:00+00:00, ...]"
    ]


# --- document_rules: action items ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("status", "expected"),
    [
        ("published", ["incidents/x.yaml:23:15: action_items: expected at least one action item (only a draft may have none; status is published)"]),
        ("in-review", ["incidents/x.yaml:23:15: action_items: expected at least one action item (only a draft may have none; status is in-review)"]),
        ("draft", []),
    ],
)
def test_only_a_draft_may_have_no_action_items(tmp_path: Path, status: str, expected: list[str]) -> None:
    text = edit("status: published", f"status: {status}", ACTIONS, "action_items: []\n")
    assert problems(tmp_path, text) == expected


@pytest.mark.parametrize(
    ("second", "expected"),
    [
        ("A1", ["incidents/x.yaml:31:7: action_items[1].id: expected an id unique within the document, got 'A1' again "
                "(first at action_items[0])"]),
        ("a1", ["incidents/x.yaml:31:7: action_items[1].id: expected an id unique within the document, got 'a1', "
                "which differs from 'A1' only in letter case (first at action_items[0])"]),
        ("A10", []),
    ],
)
def test_action_ids_are_unique_ignoring_letter_case(tmp_path: Path, second: str, expected: list[str]) -> None:
    text = BASE + ACTIONS[len("action_items:\n"):].replace("- id: A1", f"- id: {second}")
    assert problems(tmp_path, text) == expected


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("a", []),  # one character is enough
        ("A" * 64, []),
        ("A 1", ["incidents/x.yaml:24:7: action_items[0].id: expected 1-64 letters, digits, '-' or '_', got 'A 1'"]),
        ("A1.1", ["incidents/x.yaml:24:7: action_items[0].id: expected 1-64 letters, digits, '-' or '_', got 'A1.1'"]),
    ],
    ids=["1-char", "64-chars", "space", "dot"],
)
def test_action_id_characters(tmp_path: Path, value: str, expected: list[str]) -> None:
    assert problems(tmp_path, edit("- id: A1", f"- id: {value}")) == expected


# --- evidence and URLs ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    "evidence",
    [
        "db01:5432",  # host:port is text, in lower case ...
        "ORDERS-DB:5432",  # ... and in upper case
        "https://grafana.example.com:3000/d/checkout",  # a URL with a port is still an https URL
        "http://status.example.com/incidents/42",
    ],
)
def test_evidence_that_only_looks_like_a_url_is_text(tmp_path: Path, evidence: str) -> None:
    text = edit("  evidence: https://dashboards.example.com/d/checkout", f"  evidence: '{evidence}'")
    assert problems(tmp_path, text) == []


@pytest.mark.parametrize(
    ("evidence", "expected"),
    [
        ("'mailto:oncall@example.com'", "timeline[0].evidence[0]: expected plain text or an http(s) URL, got 'mailto:oncall@example.com'"),
        ("42", "timeline[0].evidence: expected a string, a URL, or a list of either, got 42"),
        ("{dashboard: checkout}", "timeline[0].evidence: expected a string, a URL, or a list of either, got a mapping"),
    ],
    ids=["mailto", "number", "mapping"],
)
def test_evidence_that_is_neither_text_nor_an_http_url_is_refused(tmp_path: Path, evidence: str, expected: str) -> None:
    text = edit("  evidence: https://dashboards.example.com/d/checkout", f"  evidence: {evidence}")
    assert problems(tmp_path, text) == [f"incidents/x.yaml:19:13: {expected}"]


@pytest.mark.parametrize(
    ("ticket", "expected"),
    [
        ("http://tracker.example.com/PAY-101", []),
        ("HTTP://tracker.example.com/PAY-101", []),
        ("ftp://tracker.example.com/PAY-101",
         ["incidents/x.yaml:30:11: action_items[0].ticket: expected an http(s) URL, got 'ftp://tracker.example.com/PAY-101'"]),
    ],
    ids=["http", "upper-case-http", "ftp"],
)
def test_links_may_be_plain_http(tmp_path: Path, ticket: str, expected: list[str]) -> None:
    text = edit("  ticket: https://tracker.example.com/PAY-101", f"  ticket: {ticket}")
    assert problems(tmp_path, text) == expected


# --- sizes at their limits -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        ("title: " + "t" * 200, []),
        ("title: " + "t" * 201, ["incidents/x.yaml:2:8: title: expected at most 200 characters, got 201"]),
        ("summary: " + "s" * 20_000, []),
        ("summary: " + "s" * 20_001, ["incidents/x.yaml:5:10: summary: expected at most 20,000 characters, got 20,001"]),
    ],
    ids=["title-200", "title-201", "summary-20000", "summary-20001"],
)
def test_fields_are_capped_at_their_limit_exactly(tmp_path: Path, line: str, expected: list[str]) -> None:
    field = line.split(":", 1)[0]
    original = next(row for row in BASE.splitlines() if row.startswith(field + ":"))
    assert problems(tmp_path, edit(original, line)) == expected


# --- the error records the model raises ----------------------------------------------------------
# load.py shows an error of type "pmsite" exactly as written; the type, message and context below are
# what Document.model_validate reports to any other caller.


def model_errors(path: tuple[str | int, ...], value: Any) -> list[dict[str, Any]]:
    data = yaml.safe_load(BASE)
    target = data
    for part in path[:-1]:
        target = target[part]
    target[path[-1]] = value
    with pytest.raises(ValidationError) as caught:
        Document.model_validate(data, context={"settings": Settings()})
    return caught.value.errors(include_url=False)


@pytest.mark.parametrize(
    ("path", "value", "msg", "ctx"),
    [
        (("summary",), "   ", "expected a non-empty string, got an empty one", {}),
        (("title",), "Checkout latency\nafter a cache change", "expected a single line, got 2 lines", {"n": 2}),
        (("action_items", 0, "priority"), "urgent", "expected a priority (critical, high, medium, low), got 'urgent'",
         {"what": "a priority", "allowed": "critical, high, medium, low", "got": "'urgent'"}),
        (("action_items", 0, "status"), "closed", "expected an action status (open, in-progress, done, wont-do), got 'closed'",
         {"what": "an action status", "allowed": "open, in-progress, done, wont-do", "got": "'closed'"}),
        (("action_items", 0, "id"), "A 1", "expected 1-64 letters, digits, '-' or '_', got 'A 1'",
         {"expected": "1-64 letters, digits, '-' or '_'", "got": "'A 1'"}),
        (("summary",), ">" * 17, too_deep(17), {"message": too_deep(17)}),
    ],
    ids=["empty", "two-lines", "priority", "action-status", "action-id", "too-deep"],
)
def test_the_model_reports_its_own_errors_with_type_pmsite(path: tuple[str | int, ...], value: str, msg: str, ctx: dict[str, Any]) -> None:
    assert model_errors(path, value) == [{"type": "pmsite", "loc": path, "msg": msg, "input": value, "ctx": ctx}]


# --- the field reference -------------------------------------------------------------------------


def test_the_field_reference_carries_each_description() -> None:
    rows = {path: description for path, _, _, description in field_reference()}
    assert rows["id"] == "Unique id; letters, digits, '-', '_'; 3-64 characters."
    assert rows["timeline[].evidence"] == "A string, a URL, or a list of either."
    assert rows["action_items[].ticket"] == "Link to the tracker (http or https)."
    assert [path for path, description in rows.items() if not description] == []  # no field falls back to ""


# --- action statuses: each word with its meaning (pmsite.statuses) -----------------------------------------


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        (["open", "in-progress", "done", "wont-do"], {"open": "open", "in-progress": "in-progress", "done": "done", "wont-do": "wont-do"}),
        (["open", "done"], {"open": "open", "done": "done"}),
        ({"todo": "open", "closed": "done"}, {"todo": "open", "closed": "done"}),
    ],
)
def test_action_statuses_in_both_forms(raw: object, expected: dict[str, str]) -> None:
    assert parse_action_statuses(raw) == expected


@pytest.mark.parametrize(
    ("raw", "message"),
    [
        (["open", "closed"], "expected the list form to name only the meanings open, in-progress, done, wont-do, got 'closed': "
                             "to use other words, map each to its meaning, e.g. {todo: open, closed: done}"),
        ({"todo": "open", "closed": "finished"}, "expected the meaning of 'closed' to be one of open, in-progress, done, wont-do, got 'finished'"),
        ({"todo": "open", "doing": "in-progress"}, "expected a status meaning done, got none (every site needs one)"),
        ({"closed": "done"}, "expected a status meaning open, got none (every site needs one)"),
        ({"to do ": "open", "closed": "done"}, "expected each status as one line of text without control characters, got 'to do '"),
        ("open", "expected a mapping of status words to their meanings (open, in-progress, done, wont-do), got 'open'"),
    ],
)
def test_action_statuses_refused_with_their_reason(raw: object, message: str) -> None:
    with pytest.raises(ValueError) as caught:
        parse_action_statuses(raw)
    assert str(caught.value) == message


def test_a_renamed_closed_word_needs_completed_on() -> None:
    settings = Settings(action_statuses={"todo": "open", "closed": "done", "dropped": "wont-do"})
    assert settings.closed_statuses == frozenset({"closed", "dropped"})
    assert (settings.status_meaning("todo"), settings.status_meaning("closed")) == ("open", "done")
