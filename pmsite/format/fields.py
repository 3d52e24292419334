"""The format's scalar field types and their checks, each with one message."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from typing import Annotated, Any, TypeVar

from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    ValidationInfo,
    model_validator,
)
from pydantic_core import PydanticCustomError

from pmsite.dates import DATE_RULE, TIMESTAMP_RULE, DateProblem, in_range, parse_date, parse_timestamp
from pmsite.format.ids import ACTION_ID_PATTERN, ACTION_ID_RULE, ID_PATTERN, ID_RULE, RESERVED_ACTION_IDS
from pmsite.format.markdown_shape import markdown_shape
from pmsite.problems import excerpt
from pmsite.settings import Settings
from pmsite.text import BIDI, FORBIDDEN, FORBIDDEN_IN_LINE, describe_char, is_http_url, is_invisible, looks_like_url

# Size limits that keep every file quick to render (Python-Markdown's inline parsing is
# superlinear: one megabyte of emphasis takes minutes) while leaving room for any real review.
MAX_LINE_CHARS = 200  # titles, names, owners, tags

MAX_URL_CHARS = 2000

MAX_TEXT_CHARS = 20_000  # one Markdown or plain-text field

MAX_USERS = 10_000_000_000



def got(value: Any) -> str:
    if isinstance(value, str):
        return excerpt(value)
    if isinstance(value, bool):
        return "true" if value else "false"
    if value is None:
        return "nothing (null)"
    if isinstance(value, dict):
        return "a mapping"
    if isinstance(value, list):
        return "a list"
    return repr(value) if not isinstance(value, (dt.date, dt.datetime)) else value.isoformat()



def fail(expected: str, value: Any) -> PydanticCustomError:
    return PydanticCustomError("pmsite", "expected {expected}, got {got}", {"expected": expected, "got": got(value)})



def error(message: str) -> PydanticCustomError:
    """A finished message (already quoting what it must, through :func:`got`)."""
    return PydanticCustomError("pmsite", "{message}", {"message": message})



# --- scalar types ---------------------------------------------------------


def _date_problem(problem: DateProblem, value: Any) -> PydanticCustomError:
    return error(f"expected {problem.expected}, got {got(value)}{problem.suffix}")


def _timestamp(value: Any) -> dt.datetime:
    """A timestamp by the one rule of :mod:`pmsite.dates`, written in YAML quoted or not (the reader keeps
    its text either way), or a Python ``datetime`` with an offset."""
    try:
        if isinstance(value, str):
            return parse_timestamp(value)
        if isinstance(value, dt.datetime):
            if value.tzinfo is None or value.utcoffset() is None:
                raise DateProblem("a timestamp with an offset (Z or +hh:mm)", suffix=" without one")
            in_range(value.date(), "a time")
            return value
    except DateProblem as problem:
        raise _date_problem(problem, value) from None
    raise fail(TIMESTAMP_RULE, value)


def _date(value: Any) -> dt.date:
    """A date by the one rule of :mod:`pmsite.dates`, or a Python ``date`` (not a ``datetime``)."""
    try:
        if isinstance(value, str):
            return parse_date(value)
        if isinstance(value, dt.date) and not isinstance(value, dt.datetime):
            in_range(value)
            return value
    except DateProblem as problem:
        raise _date_problem(problem, value) from None
    raise fail(DATE_RULE, value)



def _check_chars(value: str, forbidden: re.Pattern[str]) -> None:
    found = forbidden.search(value)
    if found is not None:
        where = f" at character {found.start() + 1}" if len(value) > 1 else ""
        why = " (it makes text display other than it reads)" if found.group() in BIDI else ""
        raise error(f"expected text without control characters, got {describe_char(found.group())}{where}{why}")



def _string(value: Any) -> str:
    if not isinstance(value, str):
        raise fail("a string", value)
    _check_chars(value, FORBIDDEN_IN_LINE)
    return value



def _multiline_string(value: Any) -> str:
    """Text that may span lines (Markdown, plain text): tabs and line feeds are allowed."""
    if not isinstance(value, str):
        raise fail("a string", value)
    _check_chars(value, FORBIDDEN)
    return value



def _line_chars(value: str) -> str:
    _check_chars(value, FORBIDDEN_IN_LINE)
    return value



def _non_empty(value: str) -> str:
    if not value.strip():
        raise PydanticCustomError("pmsite", "expected a non-empty string, got an empty one", {})
    if all(is_invisible(ch) for ch in value):
        raise error(f"expected visible text, got only invisible characters {got(value)}")
    return value



def _max_chars(limit: int) -> Callable[[str], str]:
    def check(value: str) -> str:
        if len(value) > limit:
            raise error(f"expected at most {limit:,} characters, got {len(value):,}")
        return value

    return check



def _one_line(value: str) -> str:
    """One line, visible, without blank or zero-width characters at either end.

    ``"mobile-api "`` and ``"\\nmobile-api"`` look like ``mobile-api`` but would be
    another service, page and filter value: refused, never silently trimmed.
    """
    if "\n" in value.strip():
        raise PydanticCustomError("pmsite", "expected a single line, got {n} lines", {"n": len(value.strip().splitlines())})
    if "\n" in value:
        raise error(f"expected a single line without a line break at the start or end, got {got(value)}"
                     " (a block scalar adds one: write the value on the key's line)")
    if is_invisible(value[0]) or is_invisible(value[-1]):
        raise error(f"expected no spaces or invisible characters at the start or end, got {got(value)}")
    return value



def _url(value: str) -> str:
    if not is_http_url(value):
        raise fail("an http(s) URL", value)
    return value



def _evidence_item(value: str) -> str:
    """Evidence is text or a URL; a URL must be http(s) so it can become a link."""
    if looks_like_url(value) and not is_http_url(value):
        raise fail("plain text or an http(s) URL", value)
    return value



def _identifier(value: str) -> str:
    if not ID_PATTERN.match(value):
        raise fail(ID_RULE, value)
    return value



def _action_id(value: str) -> str:
    if not ACTION_ID_PATTERN.match(value):
        raise fail(ACTION_ID_RULE, value)
    if value.lower() in RESERVED_ACTION_IDS:
        raise fail(f"an id other than {', '.join(sorted(RESERVED_ACTION_IDS))} (the incident page uses it)", value)
    return value



def _bool(value: Any) -> bool:
    if not isinstance(value, bool):
        raise fail("true or false", value)
    return value



def _list(value: Any) -> Any:
    if not isinstance(value, list):
        raise fail("a list", value)
    return value



def evidence_list(value: Any) -> Any:
    """Evidence may be one string or a list; normalise to a list (the page shows both alike)."""
    if isinstance(value, str):
        return [value]
    if not isinstance(value, list):
        raise fail("a string, a URL, or a list of either", value)
    return value



def _markdown(value: str) -> str:
    problem = markdown_shape(value)
    if problem is not None:
        raise error(problem)
    return value



Text = Annotated[str, BeforeValidator(_string), AfterValidator(_max_chars(MAX_LINE_CHARS))]

Markdown = Annotated[
    str, BeforeValidator(_multiline_string), AfterValidator(_non_empty), AfterValidator(_max_chars(MAX_TEXT_CHARS)),
    AfterValidator(_markdown),
]

PlainText = Annotated[  # plain text, shown as written
    str, BeforeValidator(_multiline_string), AfterValidator(_non_empty), AfterValidator(_max_chars(MAX_TEXT_CHARS))
]

OneLine = Annotated[
    str, BeforeValidator(_multiline_string), AfterValidator(_non_empty), AfterValidator(_one_line),
    AfterValidator(_line_chars), AfterValidator(_max_chars(MAX_LINE_CHARS)),
]

Timestamp = Annotated[dt.datetime, BeforeValidator(_timestamp)]

Date = Annotated[dt.date, BeforeValidator(_date)]

Url = Annotated[str, BeforeValidator(_string), AfterValidator(_max_chars(MAX_URL_CHARS)), AfterValidator(_url)]

Identifier = Annotated[str, BeforeValidator(_string), AfterValidator(_identifier)]

ActionId = Annotated[str, BeforeValidator(_string), AfterValidator(_action_id)]

Flag = Annotated[bool, BeforeValidator(_bool)]

EvidenceItem = Annotated[
    str, BeforeValidator(_multiline_string), AfterValidator(_non_empty), AfterValidator(_max_chars(MAX_TEXT_CHARS)),
    AfterValidator(_evidence_item),
]


T = TypeVar("T")

ListOf = Annotated[list[T], BeforeValidator(_list)]  # a list, with "expected a list" for anything else



def settings_of(info: ValidationInfo) -> Settings | None:
    ctx = info.context
    if isinstance(ctx, dict):
        found = ctx.get("settings")
        if isinstance(found, Settings):
            return found
    return None



def check_in(value: Any, allowed: Any, what: str) -> Any:
    if value not in allowed:
        shown = ", ".join(str(a) for a in allowed)
        raise PydanticCustomError(
            "pmsite",
            "expected {what} ({allowed}), got {got}",
            {"what": ("an " if what[0] in "aeiou" else "a ") + what, "allowed": shown, "got": got(value)},
        )
    return value



class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=False, str_strip_whitespace=False)

    @model_validator(mode="before")
    @classmethod
    def _mapping(cls, data: Any) -> Any:
        if not isinstance(data, dict):
            raise fail("a mapping", data)
        return data
