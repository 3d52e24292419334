"""Dates and timestamps: the one rule, and its one message, for post-mortems, the configuration and the importers.

A timestamp is ``YYYY-MM-DDThh:mm:ss`` (a fraction of a second allowed) with an offset, ``Z``
or ``+hh:mm``; a date is ``YYYY-MM-DD``. Both must lie between 1970-01-01 and 2100-12-31: a
year 9999 or 0001 is a typo, and would make the severity history span millennia. Python's
``fromisoformat`` accepts much more (``20240315T143700Z``, a week date, no seconds); what it
accepts beyond this rule is refused, so the message, the format and the JSON Schema agree.
"""

from __future__ import annotations

import datetime as dt
import re

EARLIEST_DATE = dt.date(1970, 1, 1)
LATEST_DATE = dt.date(2100, 12, 31)
DATE_RANGE = f"between {EARLIEST_DATE.isoformat()} and {LATEST_DATE.isoformat()}"  # as every message says it

_DATE = r"\d{4}-\d{2}-\d{2}"
_OFFSET = r"(?:Z|[+-]\d{2}:\d{2})"
_CLOCK = r"T\d{2}:\d{2}:\d{2}(?:\.\d{1,9})?"
# The same rules for the JSON Schema (surrounding white space is not part of a value, as here).
DATE_PATTERN = f"^\\s*{_DATE}\\s*$"
TIMESTAMP_PATTERN = f"^\\s*{_DATE}{_CLOCK}{_OFFSET}\\s*$"
DATE_RULE = "a date (YYYY-MM-DD)"
TIMESTAMP_RULE = "a timestamp with an offset (YYYY-MM-DDThh:mm:ssZ or +hh:mm)"
_DATE_RE = re.compile(f"{_DATE}\\Z")
_TIMESTAMP_RE = re.compile(f"{_DATE}{_CLOCK}{_OFFSET}\\Z")
_NO_OFFSET_RE = re.compile(f"{_DATE}{_CLOCK}\\Z")


class DateProblem(ValueError):
    """Why a text is not a date or timestamp of the rule: the message's ``expected ...`` part, and whether
    the text is to be quoted after it (``got '...'``) or says it all."""

    def __init__(self, expected: str, *, suffix: str = "") -> None:
        super().__init__(expected)
        self.expected = expected
        self.suffix = suffix  # said after the quoted value, e.g. " without one"


def plausible(day: dt.date) -> bool:
    """Within the range a post-mortem's dates and a reference date can have."""
    return EARLIEST_DATE <= day <= LATEST_DATE


def parse_timestamp(text: str) -> dt.datetime:
    """A timestamp of the rule, in its own offset; DateProblem says why not."""
    text = text.strip()
    if not _TIMESTAMP_RE.match(text):
        if _NO_OFFSET_RE.match(text):
            raise DateProblem("a timestamp with an offset (Z or +hh:mm)", suffix=" without one")
        raise DateProblem(TIMESTAMP_RULE)
    try:
        moment = dt.datetime.fromisoformat(text[:-1] + "+00:00" if text.endswith("Z") else text)
    except ValueError:
        raise DateProblem("a time that exists") from None
    if not plausible(moment.date()):
        raise DateProblem(f"a time {DATE_RANGE}")
    return moment


def parse_date(text: str) -> dt.date:
    """A date of the rule; DateProblem says why not."""
    text = text.strip()
    if not _DATE_RE.match(text):
        raise DateProblem(DATE_RULE)
    try:
        day = dt.date.fromisoformat(text)
    except ValueError:
        raise DateProblem("a date that exists") from None
    if not plausible(day):
        raise DateProblem(f"a date {DATE_RANGE}")
    return day


def in_range(day: dt.date, what: str = "a date") -> None:
    """A date (or a time's date) that is not a string: only the range to check."""
    if not plausible(day):
        raise DateProblem(f"{what} {DATE_RANGE}")
