"""Times in a record: the format's timestamps, or Slack's seconds since 1970; always within the format's range.

A written timestamp follows the format's one rule (:mod:`pmsite.dates`), with its message.
"""

from __future__ import annotations

import datetime as dt
import math
import re
from typing import Any

from pmsite.authoring.importers.errors import DraftError
from pmsite.authoring.importers.untrusted import shown
from pmsite.dates import DATE_RANGE, TIMESTAMP_RULE, DateProblem, parse_timestamp, plausible


def parse_time(value: Any, where: str) -> dt.datetime:
    """A timestamp of the format's one rule (:func:`pmsite.dates.parse_timestamp`), kept in its own offset."""
    if not isinstance(value, str) or not value.strip():
        raise DraftError(f"{where}: expected {TIMESTAMP_RULE}, got {shown(value)}")
    try:
        return parse_timestamp(value)
    except DateProblem as exc:
        raise DraftError(f"{where}: expected {exc.expected}, got {shown(value)}{exc.suffix}") from None


def optional_time(value: Any, where: str) -> dt.datetime | None:
    """A timestamp the record may leave out (null or absent); a present one must be valid."""
    return None if value is None or value == "" else parse_time(value, where)


def from_epoch(value: Any, where: str) -> dt.datetime:
    """Seconds since 1970 as a number or a string (Slack's ``ts``: ``"1710513420.000200"``), in UTC."""
    number = isinstance(value, (int, float)) and not isinstance(value, bool)
    text = isinstance(value, str) and re.fullmatch(r"\s*\d{1,12}(\.\d{1,9})?\s*", value)
    seconds = float(value) if number or text else None
    if seconds is None or not math.isfinite(seconds) or not 0 <= seconds < 253402300800:
        raise DraftError(f"{where}: expected seconds since 1970 (like \"1710513420.000200\"), got {shown(value)}")
    return _in_range(dt.datetime.fromtimestamp(seconds, dt.UTC), value, where)


def _in_range(moment: dt.datetime, value: Any, where: str) -> dt.datetime:
    """The format's range (the model refuses times outside it): a located error here, not a draft that would not validate."""
    if not plausible(moment.date()):
        raise DraftError(f"{where}: expected a time {DATE_RANGE}, got {shown(value)}")
    return moment


def iso(moment: dt.datetime) -> str:
    """A timestamp as the format writes it: to the second, ``Z`` for UTC, else its own offset."""
    text = moment.replace(microsecond=0).isoformat()
    return text[:-6] + "Z" if text.endswith("+00:00") else text
