"""Timestamps and dates: one rule (pmsite.dates), one message, whether YAML quotes the value or not.

The reader keeps a date or time as the text the author wrote, quoted or plain, so the model
reads every one by the same rule: ``YYYY-MM-DDThh:mm:ss`` (a fraction allowed) with ``Z`` or
``+hh:mm``, and ``YYYY-MM-DD``, between 1970-01-01 and 2100-12-31. The form is checked first,
then that the day or time exists, then the range. The field under test is written on line 1,
so each expected position can be read off the line.

A few inputs exist only in Python (``Document.model_validate``): dates and datetimes as values,
a datetime whose time zone gives no offset, and the error type ``pmsite`` every message carries.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from pydantic import ValidationError

from pmsite.format.document import Document
from pmsite.reading.documents import load_file
from pmsite.settings import Settings

from conftest import dump, valid_doc


def problems(tmp_path: Path, first_line: str) -> list[str]:
    """The problems of a valid document whose field named on ``first_line`` is written there instead."""
    field = first_line.split(":", 1)[0]
    doc = valid_doc()
    del doc[field]
    path = tmp_path / "x.yaml"
    path.write_text(first_line + "\n" + dump(doc), encoding="utf-8")
    return [p.format() for p in load_file(path, Settings(), display="incidents/x.yaml").problems]


def model_errors(**changes: object) -> list[tuple[tuple[object, ...], str, str]]:
    """Where, of which type and what the model says about a valid document with ``changes`` (Python values)."""
    with pytest.raises(ValidationError) as caught:
        Document.model_validate(valid_doc(**changes), context={"settings": Settings()})
    return [(tuple(e["loc"]), e["type"], e["msg"]) for e in caught.value.errors(include_url=False)]


# --- timestamps from YAML ----------------------------------------------------------------------

TIMESTAMP = "expected a timestamp with an offset (YYYY-MM-DDThh:mm:ssZ or +hh:mm)"


@pytest.mark.parametrize(
    ("line", "got"),
    [
        ("started_at: yesterday", "'yesterday'"),
        ("started_at: '2024-03-15 14:37 UTC'", "'2024-03-15 14:37 UTC'"),  # a time zone's name, not an offset
        ("started_at: 2024-03-15", "'2024-03-15'"),  # a date alone: the time of day is missing
        ("started_at: 1710513420", "1710513420"),  # seconds since 1970: a number to YAML
        ("started_at: 20240315T143700Z", "'20240315T143700Z'"),  # ISO 8601's basic format: fromisoformat takes it
        ("started_at: 2024-03-15T14:37Z", "'2024-03-15T14:37Z'"),  # no seconds
        ("started_at: 2024-03-15 14:37:00Z", "'2024-03-15 14:37:00Z'"),  # a space for the T: YAML takes it
        ("started_at: 2024-W11-5T14:37:00Z", "'2024-W11-5T14:37:00Z'"),  # a week date
        ("started_at: 2024-03-15T14:37:00+0100", "'2024-03-15T14:37:00+0100'"),  # an offset without its colon
    ],
    ids=["word", "zone-name", "date-alone", "epoch-seconds", "basic-format", "no-seconds", "space", "week-date", "offset-without-colon"],
)
def test_a_time_not_written_by_the_rule_is_quoted_with_the_rule(tmp_path: Path, line: str, got: str) -> None:
    assert problems(tmp_path, line) == [f"incidents/x.yaml:1:13: started_at: {TIMESTAMP}, got {got}"]


@pytest.mark.parametrize(
    ("line", "got"),
    [
        ("started_at: 2024-02-30T14:37:00Z", "'2024-02-30T14:37:00Z'"),  # no such day
        ("started_at: 2024-03-15T25:37:00Z", "'2024-03-15T25:37:00Z'"),  # no such hour
        ("started_at: '2024-03-15T14:37:00+25:00'", "'2024-03-15T14:37:00+25:00'"),  # no such offset
    ],
    ids=["no-such-day", "no-such-hour", "no-such-offset"],
)
def test_a_time_that_does_not_exist_is_refused(tmp_path: Path, line: str, got: str) -> None:
    assert problems(tmp_path, line) == [f"incidents/x.yaml:1:13: started_at: expected a time that exists, got {got}"]


@pytest.mark.parametrize(
    ("line", "got"),
    [("started_at: '2024-03-15T14:37:00'", "'2024-03-15T14:37:00'"), ("started_at: 2024-03-15T14:37:00", "'2024-03-15T14:37:00'"),
     ("started_at: 1969-12-31T23:59:59", "'1969-12-31T23:59:59'")],  # the form before the range: the offset is what is missing
    ids=["quoted", "plain", "before-and-no-offset"],
)
def test_a_time_without_an_offset_says_which_is_missing(tmp_path: Path, line: str, got: str) -> None:
    assert problems(tmp_path, line) == [
        f"incidents/x.yaml:1:13: started_at: expected a timestamp with an offset (Z or +hh:mm), got {got} without one"
    ]


@pytest.mark.parametrize(
    "line",
    [
        "started_at: 2024-03-15T14:37:00+00:00",
        "started_at: '2024-03-15T14:37:00Z'",  # quoted: the same rule
        "started_at: 2024-03-15T14:37:00.250Z",  # a fraction of a second
        "started_at: 1970-01-01T00:00:00Z",  # the first second of the range
        "started_at: 1970-01-01T00:30:00+01:00",  # the range is on the date in the time's own offset
        "resolved_at: 2100-12-31T23:59:59Z",  # the last second of the range
        "resolved_at: 2100-12-31T23:59:59-12:00",
    ],
)
def test_a_time_with_an_offset_within_the_range_is_accepted(tmp_path: Path, line: str) -> None:
    assert problems(tmp_path, line) == []


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        ("started_at: 1969-12-31T23:59:59Z",
         "1:13: started_at: expected a time between 1970-01-01 and 2100-12-31, got '1969-12-31T23:59:59Z'"),
        ("resolved_at: 2101-01-01T00:00:00Z",
         "1:14: resolved_at: expected a time between 1970-01-01 and 2100-12-31, got '2101-01-01T00:00:00Z'"),
    ],
    ids=["second-before", "second-after"],
)
def test_a_time_outside_the_range_is_refused(tmp_path: Path, line: str, expected: str) -> None:
    assert problems(tmp_path, line) == [f"incidents/x.yaml:{expected}"]


# --- dates from YAML ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        # a time where a date belongs: quoted or not, one message with the author's text
        ("published_on: 2024-03-18T09:00:00Z", "expected a date (YYYY-MM-DD), got '2024-03-18T09:00:00Z'"),
        ("published_on: '2024-03-18T09:00:00Z'", "expected a date (YYYY-MM-DD), got '2024-03-18T09:00:00Z'"),
        ("published_on: 2024-03-18T00:00:00Z", "expected a date (YYYY-MM-DD), got '2024-03-18T00:00:00Z'"),  # midnight is a time
        ("published_on: 2024-03-18 09:00:00", "expected a date (YYYY-MM-DD), got '2024-03-18 09:00:00'"),
        ("published_on: 2024-3-18", "expected a date (YYYY-MM-DD), got '2024-3-18'"),
        ("published_on: '20240318'", "expected a date (YYYY-MM-DD), got '20240318'"),  # ISO 8601, but not this format
        ("published_on: 2023-02-29", "expected a date that exists, got '2023-02-29'"),
        ("published_on: '2024-02-30'", "expected a date that exists, got '2024-02-30'"),
        ("published_on: 1969-12-31", "expected a date between 1970-01-01 and 2100-12-31, got '1969-12-31'"),
        ("published_on: 2101-01-01", "expected a date between 1970-01-01 and 2100-12-31, got '2101-01-01'"),
    ],
    ids=["utc", "quoted-time", "midnight", "no-offset", "one-digit-month", "basic-format", "not-a-leap-year",
         "quoted-no-such-day", "day-before", "day-after"],
)
def test_a_date_that_is_not_one_is_refused(tmp_path: Path, line: str, expected: str) -> None:
    assert problems(tmp_path, line) == [f"incidents/x.yaml:1:15: published_on: {expected}"]


@pytest.mark.parametrize(
    "line",
    ["published_on: 2024-02-29", "published_on: 1970-01-01", "published_on: 2100-12-31", "published_on: ' 2024-03-18 '"],
    ids=["leap-day", "first-day", "last-day", "spaces-around"],
)
def test_a_date_that_exists_within_the_range_is_accepted(tmp_path: Path, line: str) -> None:
    assert problems(tmp_path, line) == []


# --- Python values (Document.model_validate) ---------------------------------------------------


class _NoOffset(dt.tzinfo):
    """A time zone that knows no offset: the datetime counts as naive although tzinfo is set."""

    def utcoffset(self, _: dt.datetime | None) -> None:
        return None

    def dst(self, _: dt.datetime | None) -> None:
        return None

    def tzname(self, _: dt.datetime | None) -> None:
        return None


@pytest.mark.parametrize(
    "value",
    [dt.datetime(2024, 3, 15, 14, 37), dt.datetime(2024, 3, 15, 14, 37, tzinfo=_NoOffset())],
    ids=["naive", "zone-without-offset"],
)
def test_a_python_datetime_without_an_offset_is_refused(value: dt.datetime) -> None:
    assert model_errors(started_at=value) == [
        (("started_at",), "pmsite", "expected a timestamp with an offset (Z or +hh:mm), got 2024-03-15T14:37:00 without one")
    ]


@pytest.mark.parametrize(
    ("changes", "expected"),
    [
        ({"started_at": "yesterday"}, ("started_at", "expected a timestamp with an offset (YYYY-MM-DDThh:mm:ssZ or +hh:mm), got 'yesterday'")),
        ({"started_at": dt.date(2024, 3, 15)}, ("started_at", "expected a timestamp with an offset (YYYY-MM-DDThh:mm:ssZ or +hh:mm), got 2024-03-15")),
        ({"published_on": dt.datetime(2024, 3, 18, 9, 0, tzinfo=dt.UTC)},
         ("published_on", "expected a date (YYYY-MM-DD), got 2024-03-18T09:00:00+00:00")),
        ({"published_on": "2024-02-30"}, ("published_on", "expected a date that exists, got '2024-02-30'")),
    ],
    ids=["time-text", "date-for-time", "time-for-date", "no-such-day"],
)
def test_python_values_get_the_same_messages_as_pmsite_errors(changes: dict[str, object], expected: tuple[str, str]) -> None:
    field, message = expected
    assert model_errors(**changes) == [((field,), "pmsite", message)]


def test_python_values_with_an_offset_and_dates_are_kept_as_given() -> None:
    plus_two = dt.timezone(dt.timedelta(hours=2))
    doc = Document.model_validate(
        valid_doc(started_at=dt.datetime(2024, 3, 15, 16, 37, tzinfo=plus_two), published_on=dt.date(2024, 3, 18)),
        context={"settings": Settings()},
    )
    assert (doc.started_at.isoformat(), doc.published_on) == ("2024-03-15T16:37:00+02:00", dt.date(2024, 3, 18))


# --- the JSON Schema says the same rule ----------------------------------------------------------


@pytest.mark.parametrize(
    ("field", "value", "valid"),
    [
        ("started_at", "2024-03-15T14:37:00Z", True),
        ("started_at", "2024-03-15T14:37:00.5+05:30", True),
        ("started_at", " 2024-03-15T14:37:00Z ", True),
        ("started_at", "20240315T143700Z", False),
        ("started_at", "2024-03-15T14:37Z", False),
        ("started_at", "2024-03-15 14:37:00Z", False),
        ("started_at", "2024-03-15T14:37:00", False),
        ("started_at", "2024-03-15T14:37:00+0100", False),
        ("published_on", "2024-03-18", True),
        ("published_on", " 2024-03-18 ", True),
        ("published_on", "2024-3-18", False),
        ("published_on", "2024-03-18T00:00:00Z", False),
        ("published_on", "20240318", False),
    ],
)
def test_the_schema_and_the_model_agree_on_the_form(tmp_path: Path, field: str, value: str, valid: bool) -> None:
    import json

    import jsonschema

    from conftest import ROOT

    schema = json.loads((ROOT / "schema" / "postmortem.schema.json").read_text(encoding="utf-8"))
    doc = valid_doc(**{field: value})
    schema_errors = [e.message for e in jsonschema.Draft202012Validator(schema).iter_errors(doc)]
    assert (schema_errors == []) is valid, schema_errors
    line = f"{field}: '{value}'"
    assert (problems(tmp_path, line) == []) is valid
