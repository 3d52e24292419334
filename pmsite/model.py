"""The post-mortem format (version 1) as one pydantic model: the single source of truth.

Validation, the JSON Schema and the author guide's field reference all come
from these classes. Values that the configuration defines (severities,
categories, ...) are checked against the :class:`~pmsite.settings.Settings`
passed in the validation context, so one model serves every site.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from collections.abc import Callable, Iterator
from typing import Annotated, Any, Literal, TypeVar
from urllib.parse import urlsplit

from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    ValidationInfo,
    field_validator,
    model_validator,
)
from pydantic_core import PydanticCustomError

from .problems import excerpt
from .settings import CLOSED_STATUSES, DATE_RANGE, Settings, plausible

FORMAT_VERSION = 1
# \Z, not $: "$" also matches before a trailing newline, and "INC-1\n" is not "INC-1".
ID_PATTERN = re.compile(r"^[A-Za-z0-9_-]{3,64}\Z")
ACTION_ID_PATTERN = re.compile(r"^[A-Za-z0-9_-]{1,64}\Z")
_URLISH = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*:\S*$")

# Ids the site already uses for its own pages, compared ignoring letter case: an incident
# is published at incidents/<id>/, and incidents/index is the catalog.
RESERVED_IDS = frozenset({"index", "page"})  # incidents/index.md is the catalog; incidents/page/N/ its pages
# Action ids whose anchor (action-<id>) is already a heading of the incident page.
RESERVED_ACTION_IDS = frozenset({"items"})

# Dates and times an incident can plausibly have (settings.py holds the range, shared with the
# configuration's reference date); anything outside is a typo such as 9999 or 0001.

# Size limits that keep every file quick to render (Python-Markdown's inline parsing is
# superlinear: one megabyte of emphasis takes minutes) while leaving room for any real review.
MAX_LINE_CHARS = 200  # titles, names, owners, tags
MAX_URL_CHARS = 2000
MAX_TEXT_CHARS = 20_000  # one Markdown or plain-text field
MAX_DOCUMENT_CHARS = 100_000  # all text fields of one document together
MAX_MARKDOWN_DEPTH = 16  # nested lists, blockquotes and indentation levels
MAX_BRACKET_DEPTH = 16  # nested '[' ... ']'
MAX_OPEN_BRACKETS = 50  # '[' or '](' left open within a paragraph
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


# Characters no post-mortem needs and that make outputs ill-formed or misleading: C0 controls
# (tab and line feed are allowed where text may span lines), DEL, C1 controls, lone surrogates,
# bidirectional embeddings, overrides and isolates (they make text display other than it reads),
# line and paragraph separators, and the non-characters U+FFFE and U+FFFF (not allowed in XML).
_FORBIDDEN = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\ud800-\udfff\u202a-\u202e\u2066-\u2069\u2028\u2029\ufffe\uffff]")
_FORBIDDEN_IN_LINE = re.compile("[\t\n" + _FORBIDDEN.pattern[1:])
_BIDI = frozenset("\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")
_CHAR_NAMES = {"\t": "a tab", "\n": "a line break", "\r": "a carriage return", "\x1b": "an escape character (ESC)",
               "\x00": "a null character (NUL)", "\x7f": "a delete character (DEL)", "\u2028": "a line separator",
               "\u2029": "a paragraph separator"}
# Characters that show nothing: blank or zero-width (format characters such as U+200B) and fillers.
_FILLERS = frozenset("\u115f\u1160\u3164\uffa0\u2800")


def _describe(ch: str) -> str:
    code = f"U+{ord(ch):04X}"
    if ch in _CHAR_NAMES:
        return f"{_CHAR_NAMES[ch]} ({code})"
    if ch in _BIDI:
        return f"the bidirectional formatting character {code}"
    if 0xD800 <= ord(ch) <= 0xDFFF:
        return f"a lone surrogate ({code})"
    if ch in "\ufffe\uffff":
        return f"the non-character {code}"
    return f"the control character {code}"


def _invisible(ch: str) -> bool:
    return ch.isspace() or ch in _FILLERS or unicodedata.category(ch) in ("Cf", "Cc", "Zs", "Zl", "Zp")


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


_LIST_MARKER = re.compile(r"(?:[-*+]|\d{1,9}[.)])(?=[ \t]|$)")


_BLANK_LINE = re.compile(r"[ \t]*\n")  # the rest of a line that Python-Markdown reads as blank


def markdown_shape(text: str) -> str | None:
    """Why ``text`` would be slow or unsafe to render as Markdown, or None.

    Python-Markdown recurses once per level of nested lists and quotes
    (RecursionError past a few hundred) and re-reads the rest of a paragraph for
    every '[' or '](' that is not closed (quadratic: thousands take minutes).
    Both are capped far above what prose needs.
    """
    for number, line in enumerate(text.split("\n"), start=1):
        expanded = line.expandtabs(4)
        body = expanded.lstrip(" ")
        depth = (len(expanded) - len(body)) // 4
        while body:
            if body[0] == ">":
                body = body[1:].lstrip(" ")
            else:
                marker = _LIST_MARKER.match(body)
                if marker is None:
                    break
                body = body[marker.end():].lstrip(" ")
            depth += 1
        if depth > MAX_MARKDOWN_DEPTH:
            return (f"expected Markdown nested at most {MAX_MARKDOWN_DEPTH} levels deep (lists, quotes, "
                    f"4-space indentation), got {depth} at line {number} of the text")
    brackets: list[int] = []
    parens = 0
    open_total = 0
    escaped = False
    for i, ch in enumerate(text):
        if ch == "\n":  # before escapes: a backslash at the end of a line does not hide the line break
            escaped = False
            if _BLANK_LINE.match(text, i + 1):  # a blank line (spaces and tabs count as blank) ends the paragraph
                open_total += len(brackets) + parens
                brackets.clear()
                parens = 0
        elif escaped:
            escaped = False
        elif ch == "\\":
            escaped = True
        elif ch == "[":
            brackets.append(i)
            if len(brackets) > MAX_BRACKET_DEPTH:
                return f"expected '[' brackets nested at most {MAX_BRACKET_DEPTH} deep, got deeper at character {i + 1}"
        elif ch == "]":
            if brackets:
                brackets.pop()
            if text.startswith("(", i + 1):
                parens += 1
        elif ch == ")" and parens:
            parens -= 1
    open_total += len(brackets) + parens
    if open_total > MAX_OPEN_BRACKETS:
        return (f"expected at most {MAX_OPEN_BRACKETS} unclosed '[' or '](' (each makes rendering re-read the "
                f"rest of the paragraph), got {open_total}: escape a literal bracket as \\[")
    return None


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


# --- the document ---------------------------------------------------------


class Impact(_Strict):
    """Who and what was affected."""

    users_affected_pct: float | None = Field(None, description="Share of users affected, 0-100.")
    users_affected: int | None = Field(None, description="Number of users affected.")
    description: Markdown = Field(description="What users experienced (Markdown).")
    slo_violations: ListOf[OneLine] = Field(default_factory=list, description="SLOs that were violated.")
    business_metrics: ListOf[OneLine] = Field(default_factory=list, description="Business effects, e.g. orders lost.")

    @field_validator("users_affected_pct", mode="before")
    @classmethod
    def _pct(cls, v: Any) -> Any:
        if v is None:
            return v
        if isinstance(v, bool) or not isinstance(v, (int, float)) or not 0 <= v <= 100:
            raise _fail("a number from 0 to 100", v)
        return v

    @field_validator("users_affected", mode="before")
    @classmethod
    def _count(cls, v: Any) -> Any:
        if v is None:
            return v
        if isinstance(v, bool) or not isinstance(v, int) or not 0 <= v <= MAX_USERS:
            raise _fail(f"a whole number of users from 0 to {MAX_USERS:,}", v)
        return v


class TimelineEvent(_Strict):
    """One moment of the incident."""

    at: Timestamp = Field(description="When it happened (ISO 8601 with offset).")
    event: Markdown = Field(description="What happened (Markdown).")
    actor: OneLine | None = Field(None, description="A role or system, not a person's name.")
    kind: Literal[
        "trigger", "detection", "escalation", "decision", "mitigation", "resolution", "communication", "other"
    ] | None = Field(None, description="The kind of event.")
    evidence: Annotated[list[EvidenceItem], BeforeValidator(_evidence)] = Field(
        default_factory=list, description="A string, a URL, or a list of either."
    )

    @field_validator("kind", mode="before")
    @classmethod
    def _kind(cls, v: Any) -> Any:
        from .settings import TIMELINE_KINDS

        if v is None:
            return v
        return _check_in(v, TIMELINE_KINDS, "timeline kind")


class RootCause(_Strict):
    """A systemic cause, with the chain of whys that reached it."""

    description: Markdown = Field(description="The cause (Markdown).")
    category: Text = Field(description="A root-cause category defined in the configuration.")
    five_whys: ListOf[PlainText] = Field(default_factory=list, description="The whys, asked in order (plain text).")

    @field_validator("category")
    @classmethod
    def _category(cls, v: str, info: ValidationInfo) -> str:
        s = _settings(info)
        return _check_in(v, s.root_cause_categories, "root-cause category") if s else v


class ContributingFactor(_Strict):
    """A condition that made the incident more likely or worse."""

    description: Markdown = Field(description="The factor (Markdown).")
    category: Text = Field(description="A factor category (fishbone branch) defined in the configuration.")

    @field_validator("category")
    @classmethod
    def _category(cls, v: str, info: ValidationInfo) -> str:
        s = _settings(info)
        return _check_in(v, s.factor_categories, "factor category") if s else v


class ActionItem(_Strict):
    """A follow-up with an owner and a due date."""

    id: ActionId | None = Field(None, description="Unique within the document; default A1, A2, ...")
    description: Markdown = Field(description="What will be done (Markdown).")
    owner: OneLine = Field(description="The owning team or role.")
    priority: Text = Field(description="A priority defined in the configuration.")
    due: Date = Field(description="Due date (YYYY-MM-DD).")
    status: Text = Field(description="An action status defined in the configuration.")
    completed_on: Date | None = Field(None, description="Required when status is done or wont-do.")
    success_criteria: PlainText | None = Field(None, description="How we know it worked (plain text).")
    prevents_recurrence: Flag = Field(False, description="The item prevents this cause from recurring.")
    improves_detection: Flag = Field(False, description="The item makes detection faster.")
    improves_response: Flag = Field(False, description="The item makes the response faster.")
    ticket: Url | None = Field(None, description="Link to the tracker (http or https).")

    @field_validator("priority")
    @classmethod
    def _priority(cls, v: str, info: ValidationInfo) -> str:
        s = _settings(info)
        return _check_in(v, s.priorities, "priority") if s else v

    @field_validator("status")
    @classmethod
    def _status(cls, v: str, info: ValidationInfo) -> str:
        s = _settings(info)
        return _check_in(v, s.action_statuses, "action status") if s else v

    @property
    def closed(self) -> bool:
        return self.status in CLOSED_STATUSES


class Link(_Strict):
    """A further reading link."""

    title: OneLine = Field(description="The link text.")
    url: Url = Field(description="An http(s) URL.")


class Document(_Strict):
    """One post-mortem: a YAML file under content/incidents/."""

    id: Identifier = Field(description="Unique id; letters, digits, '-', '_'; 3-64 characters.")
    title: OneLine = Field(description="One-line title.")
    status: Text = Field(description="draft, in-review or published.")
    severity: int | str = Field(description="A severity level defined in the configuration (default 1-4).")
    near_miss: Flag = Field(False, description="True when there was no user impact; analysed for learning.")
    summary: Markdown = Field(description="One paragraph: what happened, the impact, the duration (Markdown).")
    started_at: Timestamp = Field(description="When the incident started (ISO 8601 with offset).")
    detected_at: Timestamp = Field(description="When it was detected.")
    mitigated_at: Timestamp | None = Field(None, description="When impact was first reduced.")
    resolved_at: Timestamp | None = Field(None, description="When it was resolved; required unless draft.")
    detection: Text = Field(description="A detection method defined in the configuration.")
    services: ListOf[OneLine] = Field(description="Affected services, at least one.")
    teams: ListOf[OneLine] = Field(default_factory=list, description="Teams involved.")
    tags: ListOf[OneLine] = Field(default_factory=list, description="Free-form tags.")
    authors: ListOf[OneLine] = Field(description="Who owns the document (roles or teams).")
    review_meeting_on: Date | None = Field(None, description="Date of the review meeting.")
    published_on: Date | None = Field(None, description="Publication date; required when published.")
    impact: Impact = Field(description="Who and what was affected.")
    timeline: ListOf[TimelineEvent] = Field(description="Events, at least one, in any order.")
    root_causes: ListOf[RootCause] = Field(description="Root causes; may be empty only in a draft.")
    contributing_factors: ListOf[ContributingFactor] = Field(default_factory=list, description="Contributing factors.")
    went_well: ListOf[Markdown] = Field(default_factory=list, description="What went well (Markdown).")
    went_poorly: ListOf[Markdown] = Field(default_factory=list, description="What went poorly (Markdown).")
    action_items: ListOf[ActionItem] = Field(description="Follow-ups; may be empty only in a draft.")
    related: ListOf[Identifier] = Field(default_factory=list, description="Ids of related incidents.")
    links: ListOf[Link] = Field(default_factory=list, description="Further links.")
    checklist_ignore: ListOf[OneLine] = Field(
        default_factory=list, description="pmsite addition: quality-check codes (PM1xx) not to apply to this document."
    )

    @field_validator("id")
    @classmethod
    def _reserved(cls, v: str) -> str:
        if v.lower() in RESERVED_IDS:
            raise _fail(f"an id other than {' or '.join(sorted(RESERVED_IDS))} (the site uses these for its own pages)", v)
        return v

    @field_validator("checklist_ignore")
    @classmethod
    def _codes(cls, v: list[str]) -> list[str]:
        for code in v:
            if not re.fullmatch(r"PM\d{3}", code):
                raise _fail("checklist codes like PM101", code)
        return v

    @field_validator("status")
    @classmethod
    def _status(cls, v: str) -> str:
        from .settings import DOCUMENT_STATUSES

        return _check_in(v, DOCUMENT_STATUSES, "document status")

    @field_validator("severity", mode="before")
    @classmethod
    def _severity(cls, v: Any, info: ValidationInfo) -> Any:
        if isinstance(v, bool) or not isinstance(v, (int, str)):
            raise _fail("a severity level", v)
        s = _settings(info)
        return _check_in(v, list(s.severities), "severity level") if s else v

    @field_validator("detection")
    @classmethod
    def _detection(cls, v: str, info: ValidationInfo) -> str:
        s = _settings(info)
        return _check_in(v, s.detection_methods, "detection method") if s else v

    @field_validator("services")
    @classmethod
    def _services(cls, v: list[str]) -> list[str]:
        if not v:
            raise PydanticCustomError("pmsite", "expected at least one service, got an empty list", {})
        return v

    @field_validator("authors")
    @classmethod
    def _authors(cls, v: list[str]) -> list[str]:
        if not v:
            raise PydanticCustomError("pmsite", "expected at least one author, got an empty list", {})
        return v

    @field_validator("timeline")
    @classmethod
    def _timeline(cls, v: list[TimelineEvent]) -> list[TimelineEvent]:
        if not v:
            raise PydanticCustomError("pmsite", "expected at least one event, got an empty list", {})
        return v

    @property
    def published(self) -> bool:
        return self.status == "published"

    @property
    def slug(self) -> str:
        return self.id.lower()


Loc = tuple[str | int, ...]


def document_rules(doc: Document) -> list[tuple[Loc, str]]:
    """The format's rules that span several fields of one document, as (field path, message)."""
    out: list[tuple[Loc, str]] = []
    draft = doc.status == "draft"
    if doc.detected_at < doc.started_at:
        out.append((("detected_at",), f"expected a time at or after started_at ({doc.started_at.isoformat()})"))
    if doc.resolved_at is None:
        if not draft:
            out.append((("resolved_at",), f"required unless status is draft (status is {doc.status}): expected a timestamp"))
    elif doc.resolved_at < doc.detected_at:
        out.append((("resolved_at",), f"expected a time at or after detected_at ({doc.detected_at.isoformat()})"))
    if doc.mitigated_at is not None:
        upper = doc.resolved_at
        if doc.mitigated_at < doc.detected_at or (upper is not None and doc.mitigated_at > upper):
            window = f"[{doc.detected_at.isoformat()}, {upper.isoformat() if upper else '...'}]"
            out.append((("mitigated_at",), f"expected a time within detected_at..resolved_at {window}"))
    if doc.status == "published" and doc.published_on is None:
        out.append((("published_on",), "required when status is published: expected a date (YYYY-MM-DD)"))
    if not draft and not doc.root_causes:
        out.append((("root_causes",), f"expected at least one root cause (only a draft may have none; status is {doc.status})"))
    if not draft and not doc.action_items:
        out.append((("action_items",), f"expected at least one action item (only a draft may have none; status is {doc.status})"))
    seen: dict[str, int] = {}
    ids = action_ids(doc)
    for i, (item, item_id) in enumerate(zip(doc.action_items, ids)):
        key = item_id.lower()  # the page anchor is lower-case: A1 and a1 would share it
        if key in seen:
            first = seen[key]
            again = f"{item_id!r} again" if ids[first] == item_id else f"{item_id!r}, which differs from {ids[first]!r} only in letter case"
            out.append((("action_items", i, "id"), f"expected an id unique within the document, got {again} (first at action_items[{first}])"))
        else:
            seen[key] = i
        if item.closed and item.completed_on is None:
            out.append((("action_items", i, "completed_on"), f"required when status is {item.status}: expected a date (YYYY-MM-DD)"))
    out.extend(_text_budget(doc))
    return out


def _texts(value: Any, loc: Loc) -> Iterator[tuple[Loc, str]]:
    if isinstance(value, str):
        yield loc, value
    elif isinstance(value, BaseModel):
        for name in type(value).model_fields:
            yield from _texts(getattr(value, name), loc + (name,))
    elif isinstance(value, list):
        for i, item in enumerate(value):
            yield from _texts(item, loc + (i,))


def _text_budget(doc: Document) -> list[tuple[Loc, str]]:
    """All text of one document together is capped too: each field is, but lists have no length limit."""
    total = 0
    longest: tuple[int, Loc] = (0, ())
    for loc, text in _texts(doc, ()):
        total += len(text)
        if len(text) > longest[0]:
            longest = (len(text), loc)
    if total <= MAX_DOCUMENT_CHARS:
        return []
    return [(longest[1], f"expected at most {MAX_DOCUMENT_CHARS:,} characters of text in one document, got {total:,}"
             f" (this is the longest field, {longest[0]:,} characters): move long material to a linked document")]


def action_ids(doc: Document) -> list[str]:
    """The id of each action item, with the format's default A1, A2, ... filled in."""
    return [item.id or f"A{i}" for i, item in enumerate(doc.action_items, start=1)]


def field_reference() -> list[tuple[str, str, bool, str]]:
    """Every field of the format as (path, type, required, description), for the guide and tests."""
    rows: list[tuple[str, str, bool, str]] = []

    def walk(model: type[BaseModel], prefix: str) -> None:
        for name, info in model.model_fields.items():
            path = f"{prefix}{name}"
            ann = info.annotation
            nested = _nested_model(ann)
            rows.append((path, _type_name(ann), info.is_required(), info.description or ""))
            if nested is not None:
                walk(nested, path + ("[]." if _is_list(ann) else "."))

    walk(Document, "")
    return rows


def _nested_model(ann: Any) -> type[BaseModel] | None:
    for candidate in _flatten(ann):
        if isinstance(candidate, type) and issubclass(candidate, BaseModel):
            return candidate
    return None


def _flatten(ann: Any) -> list[Any]:
    out = [ann]
    for arg in getattr(ann, "__args__", ()) or ():
        out.extend(_flatten(arg))
    meta = getattr(ann, "__origin__", None)
    if meta is not None:
        out.append(meta)
    return out


def _is_list(ann: Any) -> bool:
    return any(c is list for c in _flatten(ann))


def _type_name(ann: Any) -> str:
    flat = _flatten(ann)
    nested = _nested_model(ann)
    if _is_list(ann):
        return f"list of {nested.__name__}" if nested else "list of strings"
    if nested:
        return "mapping"
    if dt.datetime in flat:
        return "timestamp"
    if dt.date in flat:
        return "date"
    if bool in flat:
        return "boolean"
    if int in flat and str in flat:
        return "level"
    if int in flat:
        return "integer"
    if float in flat:
        return "number"
    return "string"
