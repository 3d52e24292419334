"""Issue 12, classes 3, 4, 5 and 7: names, exact rules, control characters and Unicode, ranges and Markdown.

Each rule is tested over its whole class (every one-line field, every text
field, both ends of each range), with the expected messages written out.
"""

from __future__ import annotations

import copy
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from pmsite.reading.corpus import load_corpus
from pmsite.reading.files import discover
from pmsite.settings import Settings

from conftest import dump, mkdocs_build, valid_doc, write_site
from work import growth


def errors_of(tmp_path: Path, files: dict[str, Any]) -> list[str]:
    folder = tmp_path / "incidents"
    folder.mkdir(parents=True, exist_ok=True)
    for name, content in files.items():
        (folder / name).write_text(content if isinstance(content, str) else dump(content), encoding="utf-8")
    return [p.format() for p in load_corpus(discover(folder), Settings(), base=tmp_path, roots=[folder]).errors]


def without_place(lines: list[str]) -> list[str]:
    """``incidents/x.yaml:12:5: field: message`` -> ``field: message`` (the place is tested on its own below)."""
    return [line.split(": ", 1)[1] for line in lines]


def with_value(path: str, value: Any) -> dict[str, Any]:
    doc = valid_doc()
    target: Any = doc
    *parents, last = path.replace("]", "").replace("[", ".").split(".")
    for part in parents:
        target = target[int(part)] if part.isdigit() else target[part]
    target[int(last) if last.isdigit() else last] = value
    return doc


ONE_LINE_FIELDS = [
    "title", "services[0]", "teams[0]", "tags[0]", "authors[0]", "action_items[0].owner", "timeline[0].actor",
    "links[0].title", "impact.slo_violations[0]", "impact.business_metrics[0]",
]
TEXT_FIELDS = [
    "summary", "impact.description", "timeline[0].event", "root_causes[0].description", "root_causes[0].five_whys[0]",
    "contributing_factors[0].description", "went_well[0]", "went_poorly[0]", "action_items[0].description",
    "action_items[0].success_criteria", "timeline[1].evidence",
]

# --- class 3: one-line names are one line and visible -------------------------------------------------------

ONE_LINE_CASES = [
    ("mobile-api ", "expected no spaces or invisible characters at the start or end, got 'mobile-api '"),
    (" mobile-api", "expected no spaces or invisible characters at the start or end, got ' mobile-api'"),
    ("mobile-api\u00a0", "expected no spaces or invisible characters at the start or end, got 'mobile-api\\xa0'"),
    ("mobile-api\u200b", "expected no spaces or invisible characters at the start or end, got 'mobile-api\\u200b'"),
    ("\ufeffmobile-api", "expected no spaces or invisible characters at the start or end, got '\\ufeffmobile-api'"),
    ("\nmobile-api", "expected a single line without a line break at the start or end, got '\\nmobile-api' "
                     "(a block scalar adds one: write the value on the key's line)"),
    ("mobile-api\n", "expected a single line without a line break at the start or end, got 'mobile-api\\n' "
                     "(a block scalar adds one: write the value on the key's line)"),
    ("mobile\napi", "expected a single line, got 2 lines"),
    ("\u200b\u200b", "expected visible text, got only invisible characters '\\u200b\\u200b'"),
    ("\u3164", "expected visible text, got only invisible characters '\u3164'"),  # a Hangul filler: a letter that shows nothing
    ("   ", "expected a non-empty string, got an empty one"),
    ("mobile\tapi", "expected text without control characters, got a tab (U+0009) at character 7"),
    ("x" * 201, "expected at most 200 characters, got 201"),
]


@pytest.mark.parametrize("field", ONE_LINE_FIELDS)
@pytest.mark.parametrize(("value", "message"), ONE_LINE_CASES, ids=[f"case{n}" for n in range(len(ONE_LINE_CASES))])
def test_every_one_line_field_refuses_what_would_look_like_another_value(tmp_path: Path, field: str, value: str, message: str) -> None:
    assert without_place(errors_of(tmp_path, {"x.yaml": with_value(field, value)})) == [f"{field}: {message}"]


@pytest.mark.parametrize("field", ONE_LINE_FIELDS)
def test_one_line_fields_keep_every_script_emoji_and_inner_spaces(tmp_path: Path, field: str) -> None:
    for n, value in enumerate(["Zahlungsdienst – Ausfall", "決済サービス", "خدمة الدفع", "👩‍💻 on-call 🚀", "x" * 200, "a  b"]):
        assert errors_of(tmp_path / str(n), {"x.yaml": with_value(field, value)}) == [], (field, value)


def test_a_service_with_a_space_never_becomes_a_second_service_page(tmp_path: Path) -> None:
    first = valid_doc(id="INC-A", services=["mobile-api"])
    second = valid_doc(id="INC-B", services=["mobile-api "])
    third = valid_doc(id="INC-C", services=["\nmobile-api"])
    root = write_site(tmp_path / "kb", {"a.yaml": first, "b.yaml": second, "c.yaml": third})
    result = mkdocs_build(root)
    assert not result.ok and "Traceback" not in result.log
    assert "pmsite: content/incidents/b.yaml:15:3: services[0]: expected no spaces or invisible characters at the start or end, got 'mobile-api '" in result.log
    assert "pmsite: content/incidents/c.yaml:15:3: services[0]: expected a single line without a line break at the start or end" in result.log
    assert not (root / "site" / "services").exists()


@pytest.mark.parametrize("reserved", ["index", "INDEX", "Index", "page", "PAGE"])
def test_ids_of_generated_pages_are_reserved(tmp_path: Path, reserved: str) -> None:
    assert errors_of(tmp_path, {"x.yaml": valid_doc(id=reserved)}) == [
        f"incidents/x.yaml:1:5: id: expected an id other than index or page (the site uses these for its own pages), got '{reserved}'"
    ]


def test_a_related_id_that_is_reserved_is_simply_unknown(tmp_path: Path) -> None:
    assert without_place(errors_of(tmp_path, {"x.yaml": valid_doc(related=["index"])})) == [
        "related[0]: expected the id of an incident in the knowledge base, got 'index'"
    ]


# --- class 4: exact rules --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ('id: "INC-1234\\n"', "1:5: id: expected text without control characters, got a line break (U+000A) at character 9"),
        ('id: "INC-1234 "', "1:5: id: expected 3-64 letters, digits, '-' or '_', got 'INC-1234 '"),
        ("id: IN", "1:5: id: expected 3-64 letters, digits, '-' or '_', got 'IN'"),
        ("id: " + "I" * 65, "1:5: id: expected 3-64 letters, digits, '-' or '_', got '" + "I" * 57 + "...'"),
    ],
)
def test_the_id_pattern_is_exact(tmp_path: Path, text: str, message: str) -> None:
    body = dump(valid_doc()).replace("id: INC-2024-0315", text, 1)
    assert errors_of(tmp_path, {"x.yaml": body}) == [f"incidents/x.yaml:{message}"]


def test_ids_of_exactly_3_and_64_characters_pass(tmp_path: Path) -> None:
    assert errors_of(tmp_path, {"a.yaml": valid_doc(id="I-1"), "b.yaml": valid_doc(id="I" * 64)}) == []


@pytest.mark.parametrize(
    ("first", "second", "message"),
    [
        ("A1", "a1", "got 'a1', which differs from 'A1' only in letter case (first at action_items[0])"),
        ("Fix_DNS", "fix_dns", "got 'fix_dns', which differs from 'Fix_DNS' only in letter case (first at action_items[0])"),
        ("A2", None, "got 'A2' again (first at action_items[0])"),  # the second item's default id is A2
    ],
)
def test_action_ids_are_unique_ignoring_case(tmp_path: Path, first: str, second: str | None, message: str) -> None:
    doc = valid_doc()
    doc["action_items"][0]["id"] = first
    extra = copy.deepcopy(doc["action_items"][0])
    if second is None:
        del extra["id"]
    else:
        extra["id"] = second
    doc["action_items"].append(extra)
    assert without_place(errors_of(tmp_path, {"x.yaml": doc})) == [f"action_items[1].id: expected an id unique within the document, {message}"]


@pytest.mark.parametrize("reserved", ["items", "ITEMS"])
def test_an_action_id_whose_anchor_is_a_heading_is_reserved(tmp_path: Path, reserved: str) -> None:
    doc = valid_doc()
    doc["action_items"][0]["id"] = reserved
    assert without_place(errors_of(tmp_path, {"x.yaml": doc})) == [
        f"action_items[0].id: expected an id other than items (the incident page uses it), got '{reserved}'"
    ]


# --- class 5: control characters and Unicode ------------------------------------------------------------------

CONTROL_CASES = [
    ("a\x00b", "a null character (NUL) (U+0000) at character 2"),
    ("a\x1b[31mb", "an escape character (ESC) (U+001B) at character 2"),
    ("a\rb", "a carriage return (U+000D) at character 2"),
    ("a\x07b", "the control character U+0007 at character 2"),
    ("a\x7fb", "a delete character (DEL) (U+007F) at character 2"),
    ("a\x90b", "the control character U+0090 at character 2"),
    ("a\x9bb", "the control character U+009B at character 2"),
    ("a\u2028b", "a line separator (U+2028) at character 2"),
    ("a\u202eb", "the bidirectional formatting character U+202E at character 2 (it makes text display other than it reads)"),
    ("a\u2067b", "the bidirectional formatting character U+2067 at character 2 (it makes text display other than it reads)"),
    ("a\ufffeb", "the non-character U+FFFE at character 2"),
]


@pytest.mark.parametrize("field", TEXT_FIELDS + ONE_LINE_FIELDS)
@pytest.mark.parametrize(("value", "what"), CONTROL_CASES, ids=[f"U+{ord(v[1]):04X}" for v, _ in CONTROL_CASES])
def test_control_characters_are_refused_in_every_text_field(tmp_path: Path, field: str, value: str, what: str) -> None:
    reported = field if field != "timeline[1].evidence" else "timeline[1].evidence[0]"
    assert without_place(errors_of(tmp_path, {"x.yaml": with_value(field, value)})) == [
        f"{reported}: expected text without control characters, got {what}"
    ]


@pytest.mark.parametrize("field", TEXT_FIELDS)
def test_text_fields_keep_line_breaks_tabs_and_emoji(tmp_path: Path, field: str) -> None:
    assert errors_of(tmp_path, {"x.yaml": with_value(field, "First line\n\tindented 🚀\n\nשלום עולם")}) == []


def test_a_lone_surrogate_is_refused(tmp_path: Path) -> None:
    body = dump(valid_doc()).replace("title: Mobile API outage after the v2.8.0 migration", 'title: "Outage \\uD800"')
    assert errors_of(tmp_path, {"x.yaml": body}) == [
        "incidents/x.yaml:2:8: expected valid YAML: found invalid Unicode character escape code "
        "(while parsing a quoted scalar that starts here; the parser stopped at line 2, column 18)"
    ]


def test_a_next_line_character_written_as_an_escape_is_refused(tmp_path: Path) -> None:
    body = dump(valid_doc()).replace("title: Mobile API outage after the v2.8.0 migration", 'title: "Outage\\Nforged"')
    assert errors_of(tmp_path, {"x.yaml": body}) == [
        "incidents/x.yaml:2:8: title: expected text without control characters, got the control character U+0085 at character 7"
    ]


FORGING_KEYS = [
    ('"\\e[31mERROR   -  pmsite: x.yaml:1:1: forged": 1', "['\\x1b[31mERROR   -  pmsite: x.yaml:1:1: f...']"),
    ('"x\\nERROR   -  pmsite: y.yaml:1:1: forged": 1', "['x\\nERROR   -  pmsite: y.yaml:1:1: forged']"),
    ('"x\\r\\n::error file=forged.yaml::forged": 1', "['x\\r\\n::error file=forged.yaml::forged']"),
    ('"\\u202Eforged": 1', "['\\u202eforged']"),
]


@pytest.mark.parametrize(("key", "shown"), FORGING_KEYS, ids=["escape", "newline", "crlf", "bidi"])
def test_a_key_cannot_forge_a_log_line(tmp_path: Path, key: str, shown: str) -> None:
    body = dump(valid_doc()) + key + "\n"
    lines = errors_of(tmp_path, {"x.yaml": body})
    assert len(lines) == 1 and lines[0].startswith(f"incidents/x.yaml:83:1: {shown}: unknown field; expected one of: id, title,")
    assert not any(ch in lines[0] for ch in "\x1b\r\n\u202e")


def test_the_build_log_has_no_forged_line(tmp_path: Path) -> None:
    body = dump(valid_doc()) + '"x\\nERROR   -  pmsite: forged.yaml:1:1: forged": 1\n"\\e[2J": 2\n'
    result = mkdocs_build(write_site(tmp_path / "kb", {"x.yaml": body}))
    assert not result.ok and "Traceback" not in result.log and "\x1b" not in result.log
    assert not [line for line in result.log.splitlines() if "forged.yaml:1:1" in line and not line.startswith("ERROR   -  pmsite: content/incidents/x.yaml:")]


# --- class 7: ranges and pathological Markdown -----------------------------------------------------------


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("published_on", "1969-12-31", "expected a date between 1970-01-01 and 2100-12-31, got '1969-12-31'"),
        ("published_on", "2101-01-01", "expected a date between 1970-01-01 and 2100-12-31, got '2101-01-01'"),
        ("published_on", "9999-12-31", "expected a date between 1970-01-01 and 2100-12-31, got '9999-12-31'"),
        ("review_meeting_on", "0001-01-01", "expected a date between 1970-01-01 and 2100-12-31, got '0001-01-01'"),
        ("action_items[0].due", "9999-12-31", "expected a date between 1970-01-01 and 2100-12-31, got '9999-12-31'"),
        ("started_at", "9999-12-31T23:59:59Z", "expected a time between 1970-01-01 and 2100-12-31, got '9999-12-31T23:59:59Z'"),
        ("started_at", "0001-01-01T00:00:00+01:00", "expected a time between 1970-01-01 and 2100-12-31, got '0001-01-01T00:00:00+01:00'"),
        ("timeline[0].at", "1969-12-31T23:59:59Z", "expected a time between 1970-01-01 and 2100-12-31, got '1969-12-31T23:59:59Z'"),
    ],
)
def test_dates_outside_the_plausible_range_are_refused(tmp_path: Path, field: str, value: str, message: str) -> None:
    assert without_place(errors_of(tmp_path, {"x.yaml": with_value(field, value)})) == [f"{field}: {message}"]


def test_the_range_ends_themselves_are_accepted(tmp_path: Path) -> None:
    early = valid_doc(id="INC-EARLY", started_at="1970-01-01T00:00:00Z", detected_at="1970-01-01T00:00:00Z",
                      mitigated_at="1970-01-01T00:00:00Z", resolved_at="1970-01-01T00:01:00Z", review_meeting_on="1970-01-01",
                      published_on="1970-01-01", checklist_ignore=["PM103", "PM102"])
    early["timeline"] = [{"at": "1970-01-01T00:00:00Z", "event": "Started"}]
    late = valid_doc(id="INC-LATE", published_on="2100-12-31")
    late["action_items"][0].update(due="2100-12-31", completed_on="2100-12-31")
    assert errors_of(tmp_path, {"a.yaml": early, "b.yaml": late}) == []


def test_year_9999_everywhere_never_crashes_the_build(tmp_path: Path) -> None:
    doc = valid_doc(started_at="9999-12-31T23:59:59-01:00", detected_at="9999-12-31T23:59:59Z", published_on="9999-12-31")
    result = mkdocs_build(write_site(tmp_path / "kb", {"x.yaml": doc}))
    assert not result.ok and "Traceback" not in result.log and "OverflowError" not in result.log
    assert "pmsite: content/incidents/x.yaml:9:13: started_at: expected a time between 1970-01-01 and 2100-12-31, got '9999-12-31T23:59:59-01:00'" in result.log


def markdown(depth: int, kind: str) -> str:
    if kind == "list":
        return "\n".join("    " * i + "- level" for i in range(depth))
    if kind == "quote":
        return "> " * depth + "deep"
    return "- " * depth + "deep"


@pytest.mark.parametrize("kind", ["list", "quote", "markers"])
def test_markdown_nesting_is_capped_at_16(tmp_path: Path, kind: str) -> None:
    assert errors_of(tmp_path / "ok", {"x.yaml": valid_doc(summary=markdown(16, kind))}) == []
    line = 17 if kind == "list" else 1
    assert without_place(errors_of(tmp_path / "bad", {"x.yaml": valid_doc(summary=markdown(17, kind))})) == [
        f"summary: expected Markdown nested at most 16 levels deep (lists, quotes, 4-space indentation), got 17 at line {line} of the text"
    ]


def test_brackets_are_capped(tmp_path: Path) -> None:
    nested_ok = "[" * 16 + "x" + "]" * 16
    nested_bad = "[" * 17 + "x" + "]" * 17
    paragraphs_ok = "\n\n".join(["see [note"] * 50)  # one left open in each paragraph
    paragraphs_bad = "see [note and [another"  # two in one
    escaped = "\n\n".join(["\\[literal " * 10] * 20)
    assert errors_of(tmp_path / "ok", {"a.yaml": valid_doc(summary=nested_ok), "b.yaml": valid_doc(id="INC-B", summary=paragraphs_ok),
                                        "c.yaml": valid_doc(id="INC-C", summary=escaped)}) == []
    assert without_place(errors_of(tmp_path / "bad", {"a.yaml": valid_doc(summary=nested_bad), "b.yaml": valid_doc(id="INC-B", summary=paragraphs_bad)})) == [
        "summary: expected '[' brackets nested at most 16 deep, got deeper in the paragraph at line 1 of the text: "
        "close them, or escape a literal bracket as \\[",
        "summary: expected at most 1 '[' without its ']' or '](' without its ')' in one paragraph (each makes rendering "
        "re-read the rest of it), got 2 in the paragraph at line 1 of the text: escape a literal bracket as \\[",
    ]


def test_field_and_document_sizes_are_capped(tmp_path: Path) -> None:
    assert errors_of(tmp_path / "ok", {"x.yaml": valid_doc(summary="s" * 20_000)}) == []
    assert without_place(errors_of(tmp_path / "field", {"x.yaml": valid_doc(summary="s" * 20_001)})) == [
        "summary: expected at most 20,000 characters, got 20,001"
    ]
    # the example's other text fields hold 1,319 characters: five full fields go over by exactly that
    assert without_place(errors_of(tmp_path / "five", {"x.yaml": valid_doc(went_well=["w" * 20_000] * 5)})) == [
        "went_well[0]: expected at most 100,000 characters of text in one document, got 101,319 "
        "(this is the longest field, 20,000 characters): move long material to a linked document"
    ]
    doc = valid_doc(went_well=["w" * 20_000] * 4 + ["w" * (20_000 - 1_319)])
    assert errors_of(tmp_path / "exact", {"x.yaml": doc}) == []
    doc["went_well"][-1] += "w"
    assert without_place(errors_of(tmp_path / "over", {"x.yaml": doc})) == [
        "went_well[0]: expected at most 100,000 characters of text in one document, got 100,001 "
        "(this is the longest field, 20,000 characters): move long material to a linked document"
    ]


def test_one_megabyte_of_emphasis_is_refused_at_once(tmp_path: Path) -> None:
    doc = valid_doc(summary=("*a* _b_ **c** " * 72_000)[:1_000_000])
    assert without_place(errors_of(tmp_path, {"x.yaml": doc})) == ["summary: expected at most 20,000 characters, got 1,000,000"]


def test_twice_as_much_emphasis_is_refused_with_no_more_work(tmp_path: Path) -> None:
    """The length is checked before the text is looked at: 600,000 characters cost what 300,000 do (both under the
    file's 1 MiB, both far over the field's 20,000)."""
    def check(size: int) -> Callable[[], object]:
        folder = tmp_path / str(size) / "incidents"
        folder.mkdir(parents=True)
        (folder / "x.yaml").write_text(dump(valid_doc(summary=("*a* _b_ **c** " * 72_000)[: 1000 * size])))
        return lambda: load_corpus(discover(folder), Settings(), base=tmp_path, roots=[folder])

    assert growth(check, 300) < 1.05


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("\x07", "expected text without control characters, got the control character U+0007"),  # one character: no position
        ("a\x07", "expected text without control characters, got the control character U+0007 at character 2"),
        ("\x07a", "expected text without control characters, got the control character U+0007 at character 1"),
    ],
)
def test_the_position_of_a_control_character_is_given_when_there_is_more_than_one_character(
    tmp_path: Path, value: str, expected: str
) -> None:
    assert without_place(errors_of(tmp_path, {"x.yaml": with_value("summary", value)})) == [f"summary: {expected}"]


@pytest.mark.parametrize(
    ("evidence", "ok"),
    [
        ("HTTPS://deploys.example.com/runs/1", True),  # a scheme is case-insensitive
        ("Http://deploys.example.com/runs/1", True),
        ("JavaScript:alert(1)", False),
        ("FTP://files.example.com/x", False),
        ("https://", False),  # no host
        ("deploy log 14:37", True),  # text that only looks like a scheme
        ("db:5432 refused connections", True),  # host:port is text
    ],
)
def test_evidence_url_schemes_are_compared_without_case(tmp_path: Path, evidence: str, ok: bool) -> None:
    expected = [] if ok else [f"timeline[0].evidence[0]: expected plain text or an http(s) URL, got {evidence!r}"]
    assert without_place(errors_of(tmp_path, {"x.yaml": with_value("timeline[0].evidence", [evidence])})) == expected


@pytest.mark.parametrize(
    ("value", "slug"),
    [
        ("Hello, world!", "hello-world"),  # trailing punctuation leaves no trailing '-'
        ("--payments--", "payments"),
        ("API v2.8", "api-v2-8"),
        ("a  --  b", "a-b"),  # a run of separators is one '-'
        ("Ünïcode", "n-code"),  # non-ASCII letters separate like punctuation
        ("!!!", "x212121"),  # nothing left: the code points in hex
        ("Ω", "x3a9"),
    ],
)
def test_slugify(value: str, slug: str) -> None:
    from pmsite.text import slugify

    assert slugify(value) == slug


@pytest.mark.parametrize(
    ("ch", "what"),
    [("\ud800", "a lone surrogate (U+D800)"), ("\udfff", "a lone surrogate (U+DFFF)"), ("\uffff", "the non-character U+FFFF")],
)
def test_a_lone_surrogate_from_json_is_named(ch: str, what: str) -> None:
    """YAML cannot carry a lone surrogate, but JSON can (``json.loads('"\\\\ud800"')``): an importer's input."""
    from pydantic import ValidationError

    from pmsite.format.document import Document

    with pytest.raises(ValidationError) as raised:
        Document.model_validate(valid_doc(title=f"Outage {ch}"), context={"settings": Settings()})
    assert [e["msg"] for e in raised.value.errors()] == [f"expected text without control characters, got {what} at character 8"]


@pytest.mark.parametrize("ch", ["\ud7ff", "\ue000", "\ufffd"])  # beside the surrogates, and the replacement character
def test_characters_beside_the_refused_ranges_are_text(ch: str) -> None:
    from pmsite.format.document import Document

    assert Document.model_validate(valid_doc(title=f"Outage {ch}"), context={"settings": Settings()}).title == f"Outage {ch}"
