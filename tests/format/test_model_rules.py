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


# --- markdown_shape: what one paragraph may hold (scripts/markdown-limits.md has the measurements) ---------


def deeper(line: int = 1) -> str:
    return (f"expected '[' brackets nested at most 16 deep, got deeper in the paragraph at line {line} of the text: "
            "close them, or escape a literal bracket as \\[")


def unclosed(got: int, line: int = 1) -> str:
    return (f"expected at most 1 '[' without its ']' or '](' without its ')' in one paragraph (each makes rendering "
            f"re-read the rest of it), got {got} in the paragraph at line {line} of the text: escape a literal bracket as \\[")


def too_many(what: str, cap: int, got: int, advice: str = "split it", line: int = 1) -> str:
    return f"expected at most {cap} {what} in one paragraph, got {got} in the paragraph at line {line} of the text: {advice}"


UNDERSCORES = "use '*' for emphasis and `code` for names"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("[" * 17, deeper()),  # the first character counts too
        ("\\[" + "[x] " * 16, None),  # an escaped bracket is text
        ("\\[" + "[ note", None),  # ... and escapes only the one character after it: one left open
        ("\\[" + "[ [ note", unclosed(2)),
        ("\\\\" + "[ [ note", unclosed(2)),  # an escaped backslash escapes nothing
        ("see [a\nand [b", unclosed(2)),  # one line break does not end the paragraph
        ("see [a\n\nand [b", None),  # a blank line does
        ("ok\n\nsee [a [b", unclosed(2, line=3)),  # the paragraph is named by its first line
        ("[a]((b) once", None),  # one '](' whose '(' never closes: within the cap
        ("[a]((b) and [c]((d)", unclosed(2)),  # every '(' counts, as Python-Markdown counts them
        ("[a](b) " * 50, None),
        ("[a](b) " * 51, too_many("'[' (links, images)", 50, 51)),
        ("[" + "x" * 299 + "] and [y", None),  # a ']' 300 characters on closes its '['
        ("[" + "x" * 300 + "] and [y", unclosed(2)),  # ... one farther is re-read like an open one
        ("\n".join(f"- [item {i}](https://x.example/{i})" for i in range(60)), None),  # each list item is a paragraph
        ("Read these:\n" + "\n".join(f"- [item {i}](https://x.example/{i})" for i in range(51)),  # a paragraph goes on
         too_many("'[' (links, images)", 50, 51)),
        ("```\n" + "[ " * 100 + "\n```\nafter", None),  # fenced code is not Markdown
    ],
    ids=["17-at-start", "escaped-16", "escaped-then-1", "escaped-then-2", "escaped-backslash", "line-break",
         "blank-line", "second-paragraph", "one-open-paren", "two-open-parens", "50-links", "51-links",
         "far-299", "far-300", "list-of-60", "paragraph-into-list", "fenced"],
)
def test_brackets_are_counted_per_paragraph_and_escapes_apply_to_one_character(text: str, expected: str | None) -> None:
    assert markdown_shape(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "[a see\\\n\n[b",  # the backslash escapes the first line break, not the blank line
        "[a\n   \n[b",  # a line of spaces is blank to Python-Markdown
    ],
    ids=["after-trailing-backslash", "line-of-spaces"],  # counted as one paragraph, they hold two open brackets
)
def test_every_blank_line_python_markdown_sees_ends_the_paragraph(text: str) -> None:
    assert markdown_shape(text) is None


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("*a* " * 100, None),  # 200 stars
        ("*a* " * 100 + "*", too_many("'*'", 200, 201)),
        ("*a " * 990 + "b" + " c*" * 990, too_many("'*'", 200, 1980)),  # 990 levels of emphasis: RecursionError in 3.11
        ("_a_ " * 8, None),  # 16 underscores
        ("_a_ " * 8 + "_b", too_many("'_' outside words and code", 16, 17, UNDERSCORES)),
        (" ".join(["card_payments_enabled"] * 100), None),  # between letters: a name, not emphasis
        ("`__init__` " * 10, None),  # inside code
        ("__init__ " * 5, too_many("'_' outside words and code", 16, 20, UNDERSCORES)),
        ("`a` " * 30, None),  # 60 runs of backticks
        ("`a` " * 30 + "`b`", too_many("runs of backticks", 60, 62)),
        ("``a`` and ```b```", None),
        ("````a```` here", "expected inline code between at most 3 backticks, got a run of 4 in the paragraph at line 1 "
                           "of the text: use a fenced block for longer code"),
    ],
    ids=["200-stars", "201-stars", "deep-emphasis", "16-underscores", "17-underscores", "snake-case", "code-names",
         "bare-dunders", "60-backtick-runs", "62-backtick-runs", "runs-of-3", "run-of-4"],
)
def test_emphasis_and_code_are_counted_per_paragraph(text: str, expected: str | None) -> None:
    assert markdown_shape(text) == expected


TAGS = "expected at most 50 HTML tags ('<' and a letter) in one field, got {}: write '&lt;' for a literal '<'"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("<b>x</b> " * 50, None),  # a closing tag starts with '</'
        ("<b>x</b> " * 51, TAGS.format(51)),
        ("\n\n".join(["<i>a</i> " * 17] * 3), TAGS.format(51)),  # counted over the whole field
        ("\\<b " * 60, None),  # escaped: text
        ("\n\n".join(["# heading"] * 100), None),
        ("\n\n".join(["# heading"] * 101), "expected at most 100 headings in one field, got 101: move long material to a linked document"),
    ],
    ids=["50-tags", "51-tags", "tags-over-paragraphs", "escaped-tags", "100-headings", "101-headings"],
)
def test_html_tags_and_headings_are_counted_per_field(text: str, expected: str | None) -> None:
    assert markdown_shape(text) == expected


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
