"""The format's scalar field types and their checks, each with one message."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from typing import Annotated, Any, TypeVar
from urllib.parse import urlsplit

from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    ValidationInfo,
    model_validator,
)
from pydantic_core import PydanticCustomError

from pmsite.format.ids import ACTION_ID_PATTERN, ID_PATTERN, RESERVED_ACTION_IDS
from pmsite.format.markdown_shape import markdown_shape
from pmsite.problems import excerpt
from pmsite.settings import DATE_RANGE, Settings, plausible
from pmsite.text import _BIDI, _FORBIDDEN, _FORBIDDEN_IN_LINE, _describe, _invisible

_URLISH = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*:\S*$")


# Dates and times an incident can plausibly have (settings.py holds the range, shared with the
# configuration's reference date); anything outside is a typo such as 9999 or 0001.

# Size limits that keep every file quick to render (Python-Markdown's inline parsing is
# superlinear: one megabyte of emphasis takes minutes) while leaving room for any real review.
MAX_LINE_CHARS = 200  # titles, names, owners, tags

MAX_URL_CHARS = 2000

MAX_TEXT_CHARS = 20_000  # one Markdown or plain-text field

MAX_USERS = 10_000_000_000



def _got(value: Any) -> str:
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



def _fail(expected: str, value: Any) -> PydanticCustomError:
    return PydanticCustomError("pmsite", "expected {expected}, got {got}", {"expected": expected, "got": _got(value)})



def _error(message: str) -> PydanticCustomError:
    """A finished message (already quoting what it must, through :func:`_got`)."""
    return PydanticCustomError("pmsite", "{message}", {"message": message})



# --- scalar types ---------------------------------------------------------


def _in_range(day: dt.date, value: Any, what: str = "a date") -> None:
    if not plausible(day):
        raise _error(f"expected {what} {DATE_RANGE}, got {_got(value)}")



def _timestamp(value: Any) -> dt.datetime:
    expected = "a timestamp with an offset (YYYY-MM-DDThh:mm:ssZ or +hh:mm)"
    raw = value
    if isinstance(value, str):
        try:
            value = dt.datetime.fromisoformat(value.strip())
        except ValueError:
            raise _fail(expected, value) from None
    if isinstance(value, dt.datetime):
        _in_range(value.date(), raw, "a time")
        if value.tzinfo is None or value.utcoffset() is None:
            raise PydanticCustomError(
                "pmsite",
                "expected a timestamp with an offset (Z or +hh:mm), got {got} without one",
                {"got": value.isoformat()},
            )
        return value
    raise _fail(expected, value)



def _date(value: Any) -> dt.date:
    expected = "a date (YYYY-MM-DD)"
    if isinstance(value, dt.datetime):
        raise _fail(expected + " without a time", value)
    if isinstance(value, dt.date):
        _in_range(value, value)
        return value
    if isinstance(value, str) and re.fullmatch(r"\d{4}-\d{2}-\d{2}", value.strip()):
        try:
            day = dt.date.fromisoformat(value.strip())
        except ValueError:
            raise PydanticCustomError(
                "pmsite", "expected a date that exists, got {got}", {"got": _got(value)}
            ) from None
        _in_range(day, value)
        return day
    raise _fail(expected, value)



def _check_chars(value: str, forbidden: re.Pattern[str]) -> None:
    found = forbidden.search(value)
    if found is not None:
        where = f" at character {found.start() + 1}" if len(value) > 1 else ""
        why = " (it makes text display other than it reads)" if found.group() in _BIDI else ""
        raise _error(f"expected text without control characters, got {_describe(found.group())}{where}{why}")



def _string(value: Any) -> str:
    if not isinstance(value, str):
        raise _fail("a string", value)
    _check_chars(value, _FORBIDDEN_IN_LINE)
    return value



def _multiline_string(value: Any) -> str:
    """Text that may span lines (Markdown, plain text): tabs and line feeds are allowed."""
    if not isinstance(value, str):
        raise _fail("a string", value)
    _check_chars(value, _FORBIDDEN)
    return value



def _line_chars(value: str) -> str:
    _check_chars(value, _FORBIDDEN_IN_LINE)
    return value



def _non_empty(value: str) -> str:
    if not value.strip():
        raise PydanticCustomError("pmsite", "expected a non-empty string, got an empty one", {})
    if all(_invisible(ch) for ch in value):
        raise _error(f"expected visible text, got only invisible characters {_got(value)}")
    return value



def _max_chars(limit: int) -> Callable[[str], str]:
    def check(value: str) -> str:
        if len(value) > limit:
            raise _error(f"expected at most {limit:,} characters, got {len(value):,}")
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
        raise _error(f"expected a single line without a line break at the start or end, got {_got(value)}"
                     " (a block scalar adds one: write the value on the key's line)")
    if _invisible(value[0]) or _invisible(value[-1]):
        raise _error(f"expected no spaces or invisible characters at the start or end, got {_got(value)}")
    return value



def _url(value: str) -> str:
    parts = urlsplit(value.strip())
    if parts.scheme.lower() not in {"http", "https"} or not parts.netloc:
        raise _fail("an http(s) URL", value)
    return value



def _evidence_item(value: str) -> str:
    """Evidence is text or a URL; a URL must be http(s) so it can become a link."""
    text = value.strip()
    if _URLISH.match(text) and not re.match(r"^[A-Za-z0-9_-]+:\d", text):
        scheme = text.split(":", 1)[0].lower()
        if scheme not in {"http", "https"} or not urlsplit(text).netloc:
            raise _fail("plain text or an http(s) URL", value)
    return value



def _identifier(value: str) -> str:
    if not ID_PATTERN.match(value):
        raise _fail("3-64 letters, digits, '-' or '_'", value)
    return value



def _action_id(value: str) -> str:
    if not ACTION_ID_PATTERN.match(value):
        raise _fail("1-64 letters, digits, '-' or '_'", value)
    if value.lower() in RESERVED_ACTION_IDS:
        raise _fail(f"an id other than {', '.join(sorted(RESERVED_ACTION_IDS))} (the incident page uses it)", value)
    return value



def _bool(value: Any) -> bool:
    if not isinstance(value, bool):
        raise _fail("true or false", value)
    return value



def _list(value: Any) -> Any:
    if not isinstance(value, list):
        raise _fail("a list", value)
    return value



def _evidence(value: Any) -> Any:
    """Evidence may be one string or a list; normalise to a list (the page shows both alike)."""
    if isinstance(value, str):
        return [value]
    if not isinstance(value, list):
        raise _fail("a string, a URL, or a list of either", value)
    return value



def _markdown(value: str) -> str:
    problem = markdown_shape(value)
    if problem is not None:
        raise _error(problem)
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



def _settings(info: ValidationInfo) -> Settings | None:
    ctx = info.context
    if isinstance(ctx, dict):
        found = ctx.get("settings")
        if isinstance(found, Settings):
            return found
    return None



def _check_in(value: Any, allowed: Any, what: str) -> Any:
    if value not in allowed:
        shown = ", ".join(str(a) for a in allowed)
        raise PydanticCustomError(
            "pmsite",
            "expected {what} ({allowed}), got {got}",
            {"what": ("an " if what[0] in "aeiou" else "a ") + what, "allowed": shown, "got": _got(value)},
        )
    return value



class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=False, str_strip_whitespace=False)

    @model_validator(mode="before")
    @classmethod
    def _mapping(cls, data: Any) -> Any:
        if not isinstance(data, dict):
            raise _fail("a mapping", data)
        return data
