"""Timestamps and dates: each branch of the model's two scalar rules, through the path that reaches it.

An author's YAML file reaches every message of ``_timestamp`` and ``_date`` through the loader:
PyYAML turns a plain ``2024-03-15`` into a date and ``2024-03-15T14:37:00Z`` into a datetime,
and gives back the text of a time that does not exist (``2024-02-30T...``), so the model sees
strings, dates and datetimes alike. The loader itself has no rule for times. The field under
test is written on line 1, so each expected position can be read off the line.

A few inputs exist only in Python (``Document.model_validate``): a datetime whose time zone
gives no offset, and the error type ``pmsite`` that every finished message carries.
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


@pytest.mark.parametrize(
    ("line", "got"),
    [
        ("started_at: yesterday", "'yesterday'"),
        ("started_at: 2024-02-30T14:37:00Z", "'2024-02-30T14:37:00Z'"),  # no such day: YAML gives the text back
        ("started_at: 2024-03-15T25:37:00Z", "'2024-03-15T25:37:00Z'"),  # no such hour
        ("started_at: '2024-03-15 14:37 UTC'", "'2024-03-15 14:37 UTC'"),  # a time zone's name, not an offset
    ],
    ids=["word", "no-such-day", "no-such-hour", "zone-name"],
)
def test_a_time_that_does_not_parse_is_quoted_with_the_format(tmp_path: Path, line: str, got: str) -> None:
    assert problems(tmp_path, line) == [
        f"incidents/x.yaml:1:13: started_at: expected a timestamp with an offset (YYYY-MM-DDThh:mm:ssZ or +hh:mm), got {got}"
    ]


@pytest.mark.parametrize(
    ("line", "got"),
    [
        ("started_at: 2024-03-15", "2024-03-15"),  # a date alone: the time of day is missing
        ("started_at: 1710513420", "1710513420"),  # seconds since 1970
    ],
    ids=["date-alone", "epoch-seconds"],
)
def test_a_value_that_is_not_a_time_is_named_with_the_format(tmp_path: Path, line: str, got: str) -> None:
    assert problems(tmp_path, line) == [
        f"incidents/x.yaml:1:13: started_at: expected a timestamp with an offset (YYYY-MM-DDThh:mm:ssZ or +hh:mm), got {got}"
    ]


@pytest.mark.parametrize(
    "line",
    ["started_at: '2024-03-15T14:37:00'", "started_at: 2024-03-15 14:37:00"],
    ids=["quoted-text", "space-separated"],
)
def test_a_time_without_an_offset_says_which_is_missing(tmp_path: Path, line: str) -> None:
    assert problems(tmp_path, line) == [
        "incidents/x.yaml:1:13: started_at: expected a timestamp with an offset (Z or +hh:mm), got 2024-03-15T14:37:00 without one"
    ]


@pytest.mark.parametrize(
    "line",
    [
        "started_at: 2024-03-15T14:37:00+00:00",
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
         "1:13: started_at: expected a time between 1970-01-01 and 2100-12-31, got 1969-12-31T23:59:59+00:00"),
        ("resolved_at: 2101-01-01T00:00:00Z",
         "1:14: resolved_at: expected a time between 1970-01-01 and 2100-12-31, got 2101-01-01T00:00:00+00:00"),
        # the range is checked before the offset: one message, about the year
        ("started_at: 1969-12-31T23:59:59",
         "1:13: started_at: expected a time between 1970-01-01 and 2100-12-31, got 1969-12-31T23:59:59"),
    ],
    ids=["second-before", "second-after", "before-and-no-offset"],
)
def test_a_time_outside_the_range_is_refused(tmp_path: Path, line: str, expected: str) -> None:
    assert problems(tmp_path, line) == [f"incidents/x.yaml:{expected}"]


# --- dates from YAML ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("line", "got"),
    [
        ("published_on: 2024-03-18T09:00:00Z", "2024-03-18T09:00:00+00:00"),
        ("published_on: 2024-03-18T00:00:00Z", "2024-03-18T00:00:00+00:00"),  # midnight is still a time
        ("published_on: 2024-03-18 09:00:00", "2024-03-18T09:00:00"),
    ],
    ids=["utc", "midnight", "no-offset"],
)
def test_a_time_where_a_date_is_expected_asks_for_the_date_alone(tmp_path: Path, line: str, got: str) -> None:
    assert problems(tmp_path, line) == [
        f"incidents/x.yaml:1:15: published_on: expected a date (YYYY-MM-DD) without a time, got {got}"
    ]


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        # quoted, the same time is text to YAML: it gets the general message
        ("published_on: '2024-03-18T09:00:00Z'", "expected a date (YYYY-MM-DD), got '2024-03-18T09:00:00Z'"),
        ("published_on: 2024-3-18", "expected a date (YYYY-MM-DD), got '2024-3-18'"),
        ("published_on: '20240318'", "expected a date (YYYY-MM-DD), got '20240318'"),  # ISO 8601, but not this format
        ("published_on: 2023-02-29", "expected a date that exists, got '2023-02-29'"),
        ("published_on: '2024-02-30'", "expected a date that exists, got '2024-02-30'"),
        ("published_on: 1969-12-31", "expected a date between 1970-01-01 and 2100-12-31, got 1969-12-31"),
        ("published_on: 2101-01-01", "expected a date between 1970-01-01 and 2100-12-31, got 2101-01-01"),
    ],
    ids=["quoted-time", "one-digit-month", "basic-format", "not-a-leap-year", "quoted-no-such-day", "day-before", "day-after"],
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
         ("published_on", "expected a date (YYYY-MM-DD) without a time, got 2024-03-18T09:00:00+00:00")),
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
