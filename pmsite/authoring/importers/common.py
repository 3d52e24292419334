"""What every importer shares: the record read from a tool, the mapping, and writing the draft.

An importer reads a tool's export into a :class:`Record`: times, texts and the tool's own
severity and service names. People stay apart as :class:`Person` entries, so a
:class:`Redactor` can replace their names in free text and the ``actors`` mapping can turn
them into roles. :func:`write_draft` maps the tool's values into this site's configured
sets, derives the times the record supports, and writes a YAML draft that passes the
checks ``pmsite validate`` runs. It never overwrites a file.
"""

from __future__ import annotations

import datetime as dt
import difflib
import json
import math
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from pmsite.authoring.identity import Written, choose_id, draft_path, ensure_free, taken_ids, write_new
from pmsite.authoring.identity import shown as shown_path
from pmsite.authoring.schema import schema_ref
from pmsite.dates import DATE_RANGE, plausible
from pmsite.reading.documents import validate_data
from pmsite.reading.yaml_source import YamlProblem, parse_yaml
from pmsite.settings import TIMELINE_KINDS, Settings
from pmsite.text import slugify

MAX_INPUT_BYTES = 64 * 1024 * 1024  # a tool's export; a larger file is almost certainly the wrong one
COMMENT_COLUMN = 34  # inline comments line up here, as in `pmsite new` drafts


class DraftError(Exception):
    """The record or the mapping cannot become a draft: exit status 1."""


class DraftUsage(Exception):
    """A missing input, a bad argument or an unreadable mapping file: exit status 2."""


# --- untrusted text ---------------------------------------------------------------------------

_LINE_BREAKS = str.maketrans({"\r": "\n", "\x85": "\n", "\u2028": "\n", "\u2029": "\n", "\t": " ", "\v": " ", "\f": " "})
# Control characters, unpaired surrogates, bidirectional overrides, BOMs and non-characters:
# invisible or misleading in a review, and some are not allowed in YAML at all.
_UNSAFE = re.compile("[\x00-\x09\x0b-\x1f\x7f-\x9f\ud800-\udfff\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069\ufeff\ufffe\uffff]")


def clean(value: Any, *, one_line: bool = False, limit: int = 0) -> str:
    """Text from a record made safe to write; anything but a string becomes "".

    Markdown and HTML are kept as written: they are text to the draft, and the site
    sanitises what it renders.
    """
    if not isinstance(value, str):
        return ""
    text = _UNSAFE.sub("", value.replace("\r\n", "\n").translate(_LINE_BREAKS))
    lines = [line.rstrip() for line in text.split("\n")]
    joined = "\n".join(lines)
    text = " ".join(joined.split()) if one_line else re.sub(r"\n{3,}", "\n\n", joined).strip()
    if limit and len(text) > limit:
        text = text[: limit - 1].rstrip() + "…"
    return text


def shown(value: Any) -> str:
    """A value from a record, quoted for a message: one line, bounded, no control characters."""
    if isinstance(value, str):
        return json.dumps(clean(value, one_line=True, limit=80), ensure_ascii=False)
    if value is None:
        return "nothing (null)"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float)):
        return repr(value)
    if isinstance(value, dict):
        return "an object"
    return "a list" if isinstance(value, list) else type(value).__name__


def dig(value: Any, *keys: str | int) -> Any:
    """``value[k1][k2]...`` or None when any step is missing or of another type."""
    for key in keys:
        if isinstance(key, int):
            value = value[key] if isinstance(value, list) and -len(value) <= key < len(value) else None
        else:
            value = value.get(key) if isinstance(value, dict) else None
        if value is None:
            return None
    return value


def is_web_url(text: str) -> bool:
    return bool(re.fullmatch(r"https?://[^\s/?#]+[^\s]*", text))


# --- reading inputs ---------------------------------------------------------------------------


def read_bytes(path: Path) -> bytes:
    """A whole input file; a missing one is a usage error, as for the CLI's other commands."""
    try:
        if not path.exists():
            raise DraftUsage(f"no such file: {path}")
        if path.is_dir():
            raise DraftUsage(f"{path}: expected a file, got a folder")
        size = path.stat().st_size
        if size > MAX_INPUT_BYTES:
            raise DraftError(f"{path}: expected at most {MAX_INPUT_BYTES:,} bytes, got {size:,} bytes")
        return path.read_bytes()
    except OSError as exc:
        raise DraftUsage(f"{path}: cannot read it: {exc.strerror or exc}") from None


def decode(data: bytes, name: str) -> str:
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        before = data[: exc.start]
        line, col = before.count(b"\n") + 1, len(before) - (before.rfind(b"\n") + 1) + 1
        raise DraftError(f"{name}:{line}:{col}: expected UTF-8 text, got the byte 0x{data[exc.start]:02x}") from None


def load_json(data: bytes, name: str) -> Any:
    """Parse JSON; a malformed file is an error at its line and column, never a traceback."""
    text = decode(data, name)
    try:
        return json.loads(text)
    except json.JSONDecodeError as exc:
        raise DraftError(f"{name}:{exc.lineno}:{exc.colno}: expected valid JSON: {exc.msg}") from None
    except RecursionError:
        raise DraftError(f"{name}: expected JSON, got nesting too deep to read") from None


def read_json(path: Path) -> Any:
    return load_json(read_bytes(path), str(path))


def parse_time(value: Any, where: str) -> dt.datetime:
    """An ISO 8601 timestamp with an offset (``Z`` or ``+02:00``), kept in its own offset."""
    if not isinstance(value, str) or not value.strip():
        raise DraftError(f"{where}: expected a timestamp with an offset, got {shown(value)}")
    try:
        moment = dt.datetime.fromisoformat(value.strip())
    except ValueError:
        raise DraftError(f"{where}: expected an ISO 8601 timestamp with an offset, got {shown(value)}") from None
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise DraftError(f"{where}: expected a timestamp with an offset (Z or +hh:mm), got {shown(value)} without one")
    return _in_range(moment, value, where)


def _in_range(moment: dt.datetime, value: Any, where: str) -> dt.datetime:
    """The format's range (the model refuses times outside it): a located error here, not a draft that would not validate."""
    if not plausible(moment.date()):
        raise DraftError(f"{where}: expected a time {DATE_RANGE}, got {shown(value)}")
    return moment


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


def iso(moment: dt.datetime) -> str:
    """A timestamp as the format writes it: to the second, ``Z`` for UTC, else its own offset."""
    text = moment.replace(microsecond=0).isoformat()
    return text[:-6] + "Z" if text.endswith("+00:00") else text


# --- the mapping file -------------------------------------------------------------------------

# Defaults when the mapping file does not name a value: documented in the author guide.
SEVERITY_TABLES: dict[str, tuple[str, dict[str, int]]] = {
    "pagerduty_priority": ("PagerDuty priority", {"P1": 1, "P2": 2, "P3": 3, "P4": 4, "P5": 4}),
    "pagerduty_urgency": ("PagerDuty urgency", {"high": 2, "low": 4}),
    "opsgenie_priority": ("Opsgenie priority", {"P1": 1, "P2": 2, "P3": 3, "P4": 4, "P5": 4}),
}
SECTIONS = ("severity", "services", "teams", "actors", "kinds")

# Phrases that make a free-text event's kind obvious; the first rule that matches wins.
# A phrase right after "not", "no", "never" or "yet" does not count ("not resolved yet").
DEFAULT_KINDS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("resolution", ("resolved", "all clear", "back to normal", "fully recovered", "alert closed", "incident closed")),
    ("mitigation", ("mitigated", "mitigation", "rolled back", "rolling back", "rollback", "roll back",
                    "failed over", "failover", "restarted", "workaround")),
    ("detection", ("alert fired", "alert triggered", "alert created", "alerted", "firing", "triggered", "detected",
                   "noticed")),
    ("escalation", ("acknowledged", "escalated", "escalating", "paged", "paging", "declared")),
    ("communication", ("status page", "statuspage", "status update", "customers notified", "customer update")),
)


def key_of(value: Any) -> str:
    """How the mapping compares names: case and spacing do not matter."""
    return " ".join(str(value).split()).casefold()


def _phrase(phrase: str) -> re.Pattern[str]:
    words = r"\s+".join(re.escape(w) for w in phrase.split())
    return re.compile(rf"(?<![\w-])(?<!not )(?<!no )(?<!never )(?<!yet )(?<!n't ){words}(?![\w-])", re.IGNORECASE)


_DEFAULT_RULES = [(_phrase(p), kind) for kind, phrases in DEFAULT_KINDS for p in phrases]


@dataclass
class Mapping:
    """The tool's values to this site's: severities, services, teams, actors and kinds."""

    origin: str = "the default mapping"
    severity: dict[str, dict[str, int | str]] = field(default_factory=dict)
    services: dict[str, list[str]] | None = None  # None: no section, names become slugs
    teams: dict[str, list[str]] | None = None
    actors: dict[str, str | None] = field(default_factory=dict)  # None: leave this actor out
    kinds: list[tuple[re.Pattern[str], str]] = field(default_factory=list)

    def actor(self, *keys: Any, default: str | None = None) -> str | None:
        """The role or system for the first key the ``actors`` section names, else ``default``."""
        for key in keys:
            if isinstance(key, str) and key.strip() and key_of(key) in self.actors:
                return self.actors[key_of(key)]
        return default

    def roles(self) -> dict[str, str]:
        return {key_of(role): role for role in self.actors.values() if role}

    def kind_of(self, text: str) -> str | None:
        """The timeline kind a free text makes obvious: the mapping's phrases first, then the defaults."""
        for pattern, kind in (*self.kinds, *_DEFAULT_RULES):
            if pattern.search(text):
                return kind
        return None


def _key(value: Any) -> str:
    """A key of the mapping file, shown in a message."""
    return clean(str(value), one_line=True, limit=40)


def _names(value: Any, where: str, problems: list[str]) -> list[str] | None:
    items = value if isinstance(value, list) else [value]
    out = [clean(v, one_line=True) for v in items]
    if not items or any(not isinstance(v, str) or not name for v, name in zip(items, out)):
        problems.append(f"{where}: expected a name or a list of names, got {shown(value)}")
        return None
    return out


def load_mapping(path: Path | None, settings: Settings) -> Mapping:
    """Read a mapping file (YAML). Every problem in it is reported at once, as a usage error."""
    if path is None:
        return Mapping()
    name = str(path)
    try:
        raw = yaml.safe_load(decode(read_bytes(path), name))
    except DraftError as exc:
        raise DraftUsage(str(exc)) from None
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        where = f"{name}:{mark.line + 1}:{mark.column + 1}" if mark else name
        raise DraftUsage(f"{where}: expected a valid YAML mapping file: {exc.problem or exc}") from None
    except yaml.YAMLError as exc:
        raise DraftUsage(f"{name}: expected a valid YAML mapping file: {exc}") from None
    if raw is None:
        raw = {}
    if not isinstance(raw, dict):
        raise DraftUsage(f"{name}: expected a mapping with the sections {', '.join(SECTIONS)}, got {shown(raw)}")
    problems: list[str] = []
    out = Mapping(origin=name)

    def section(key: str) -> dict[Any, Any] | None:
        value = raw.get(key)
        if value is None:
            return None
        if not isinstance(value, dict):
            problems.append(f"{name}: {key}: expected a mapping, got {shown(value)}")
            return None
        return value

    for key in raw:
        if key not in SECTIONS:
            close = difflib.get_close_matches(str(key), SECTIONS, n=1)
            hint = f"did you mean {close[0]!r}?" if close else f"expected one of {', '.join(SECTIONS)}"
            problems.append(f"{name}: {_key(key)}: unknown section; {hint}")
    levels = {str(level): level for level in settings.severities}
    for table, values in (section("severity") or {}).items():
        where = f"{name}: severity.{_key(table)}"
        if table not in SEVERITY_TABLES:
            problems.append(f"{where}: unknown table; expected one of {', '.join(SEVERITY_TABLES)}")
            continue
        if not isinstance(values, dict):
            problems.append(f"{where}: expected a mapping of the tool's values to severity levels, got {shown(values)}")
            continue
        table_out: dict[str, int | str] = {}
        for tool_value, level in values.items():
            if isinstance(level, bool) or str(level) not in levels:
                problems.append(f"{where}.{_key(tool_value)}: expected a severity level of this site "
                                f"({', '.join(levels)}), got {shown(level)}")
            else:
                table_out[key_of(tool_value)] = levels[str(level)]
        out.severity[table] = table_out
    for key in ("services", "teams"):
        values = section(key)
        if values is not None:
            names: dict[str, list[str]] = {}
            for tool_name, site in values.items():
                mapped = _names(site, f"{name}: {key}.{_key(tool_name)}", problems)
                if mapped is not None:
                    names[key_of(tool_name)] = mapped
            setattr(out, key, names)
    for who, role in (section("actors") or {}).items():
        if role is None or role == "":
            out.actors[key_of(who)] = None
        elif isinstance(role, str) and clean(role, one_line=True) and "\n" not in role.strip():
            out.actors[key_of(who)] = clean(role, one_line=True)
        else:
            problems.append(f"{name}: actors.{_key(who)}: expected a role or a system on one line (or null to leave it out), "
                            f"got {shown(role)}")
    for phrase, kind in (section("kinds") or {}).items():
        if kind not in TIMELINE_KINDS or not str(phrase).strip():
            problems.append(f"{name}: kinds.{_key(phrase)}: expected a timeline kind ({', '.join(TIMELINE_KINDS)}), got {shown(kind)}")
        else:
            out.kinds.append((_phrase(str(phrase)), kind))
    if problems:
        raise DraftUsage("\n".join(problems))
    return out


# --- people ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Person:
    """Someone the record names. Never written out: only a role from the mapping can be."""

    keys: tuple[str, ...]  # ids, handles, names, e-mails: looked up in the ``actors`` mapping
    names: tuple[str, ...]  # how the record writes this person: replaced in free text


_EMAIL = re.compile(r"[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)+")
_WORD = re.compile(r"[^\W\d_]+")
ANONYMOUS = "a responder"


def _variants(names: Iterable[str]) -> Iterable[str]:
    """A name as a whole, its words, and the name an e-mail address spells (jane.doe@ -> Jane, Doe)."""
    for raw in names:
        name = clean(raw, one_line=True)
        if not name:
            continue
        yield name
        local = name.split("@", 1)[0] if "@" in name else ""
        if local:
            yield local
            parts = [p for p in re.split(r"[._+-]+", local) if p]
            if len(parts) > 1:
                yield " ".join(parts)
            for part in parts:
                yield part
                yield part.capitalize()
        elif " " in name:
            yield from name.split(" ")


class Redactor:
    """Replaces the people a record names, and every e-mail address, in its free texts.

    A person becomes their role from the ``actors`` mapping, or "a responder". Whole names,
    handles and addresses match in any case; a single word (a first name) only as written,
    so "Will" is replaced but "will" is not.
    """

    def __init__(self, people: Iterable[Person], mapping: Mapping) -> None:
        self.mapping = mapping
        anywhere: dict[str, str] = {}
        spellings: set[str] = set()
        as_written: dict[str, str] = {}
        for person in people:
            replacement = mapping.actor(*person.keys) or ANONYMOUS
            for name in _variants(person.names):
                if len(name) < 3 or name.isdigit():
                    continue
                if _WORD.fullmatch(name):
                    as_written.setdefault(name, replacement)
                else:
                    anywhere.setdefault(name.casefold(), replacement)
                    spellings.add(name)
        self._anywhere = anywhere
        self._as_written = as_written
        self._anywhere_re = self._alternation({*spellings, *anywhere}, re.IGNORECASE)
        self._as_written_re = self._alternation(as_written, 0)

    @staticmethod
    def _alternation(names: Iterable[str], flags: int) -> re.Pattern[str] | None:
        ordered = sorted(set(names), key=len, reverse=True)
        if not ordered:
            return None
        body = "|".join(re.escape(n) for n in ordered)
        return re.compile(rf"(?<![\w@.])(?:{body})(?![\w@])", flags)

    def text(self, value: Any, *, one_line: bool = False, limit: int = 0) -> str:
        """A free text from the record, cleaned and without the names of people."""
        text = clean(value, one_line=one_line)
        if self._anywhere_re is not None:
            text = self._anywhere_re.sub(lambda m: self._anywhere.get(m.group(0).casefold(), ANONYMOUS), text)
        if self._as_written_re is not None:
            text = self._as_written_re.sub(lambda m: self._as_written[m.group(0)], text)
        text = _EMAIL.sub("[e-mail address removed]", text)
        return clean(text, one_line=one_line, limit=limit)


# --- the record --------------------------------------------------------------------------------


@dataclass
class Event:
    """One timeline event: its text is already free of people's names."""

    at: dt.datetime
    text: str
    kind: str | None = None
    actor: str | None = None
    evidence: list[str] = field(default_factory=list)
    todo: str = ""  # a TODO comment for this event: fixed wording only, never record text


@dataclass(frozen=True)
class Source:
    """A tool's value and where in the input it was read, for the mapping and its messages."""

    value: str
    where: str
    keys: tuple[str, ...] = ()  # more names the mapping may use for it (an id)


@dataclass
class Stamp:
    at: dt.datetime
    note: str  # where it came from, for the comment


@dataclass
class Record:
    """What an importer read from a tool's export, before this site's mapping is applied."""

    tool: str  # "PagerDuty"
    reference: str  # "incident #1234", for the draft's first comment
    name_hint: str  # names the file when the record has no title
    events: list[Event]
    redactor: Redactor
    title: str = ""
    title_note: str = ""
    severity: tuple[str, Source] | None = None  # (severity table, the tool's value)
    services: list[Source] = field(default_factory=list)
    service_label: str = ""  # "PagerDuty service"
    teams: list[Source] = field(default_factory=list)
    detected: Stamp | None = None
    resolved: Stamp | None = None
    automated: bool = False  # an integration raised it: detection is automated-alert
    detection_note: str = ""
    links: list[tuple[str, str]] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)  # TODO notes for the header and the terminal


@dataclass
class Request:
    """What ``pmsite draft`` was asked, with the site's folders already resolved."""

    source: str
    inputs: list[Path]
    folder: Path
    channel: str | None = None
    mapping: Path | None = None
    title: str | None = None
    severity: str | None = None
    services: list[str] = field(default_factory=list)
    doc_id: str | None = None
    output: Path | None = None
    search: list[Path] = field(default_factory=list)  # folders whose ids are taken
    schema_file: Path | None = None


Result = Written


# --- from the record to this site's values -----------------------------------------------------


def _severity(record: Record, request: Request, mapping: Mapping, settings: Settings,
              problems: list[str]) -> tuple[int | str, str]:
    """The level and its comment ("TODO: ..." when the record has none)."""
    levels = {str(level): level for level in settings.severities}
    if not levels:
        raise DraftError("the configuration defines no severity levels")
    if request.severity is not None:
        if request.severity.strip() not in levels:
            raise DraftUsage(f"--severity must be one of {', '.join(levels)}, got {shown(request.severity)}")
        return levels[request.severity.strip()], "given with --severity"
    if record.severity is None:
        lowest = list(levels.values())[-1]
        return lowest, f"TODO: the {record.tool} record has no severity; choose a level: {', '.join(levels)}"
    table, source = record.severity
    label, defaults = SEVERITY_TABLES[table]
    value = clean(source.value, one_line=True)
    mapped = mapping.severity.get(table, {})
    if key_of(value) in mapped:
        return mapped[key_of(value)], f"{label} {shown(value)}, from {Path(mapping.origin).name}"
    if value in levels:
        return levels[value], f"{label} {shown(value)}: the same level here"
    default = next((level for tool_value, level in defaults.items() if key_of(tool_value) == key_of(value)), None)
    if default is not None and str(default) in levels:
        return levels[str(default)], f"{label} {shown(value)}, by the default mapping"
    example = list(levels)[-1]
    problems.append(
        f"{source.where}: {label} {shown(value)} has no severity level in {mapping.origin} "
        f"(this site's levels: {', '.join(levels)}); add it to the mapping file under "
        f"severity: {table}:, e.g. {json.dumps(value, ensure_ascii=False)}: {example}")
    return list(levels.values())[-1], ""


def _site_names(sources: list[Source], section: dict[str, list[str]] | None, label: str, key: str,
                mapping: Mapping, record: Record, problems: list[str]) -> tuple[list[str], list[str]]:
    """Site names for the tool's services or teams, and a note on where they came from."""
    out: list[str] = []
    notes: list[str] = []
    for source in sources:
        value = clean(source.value, one_line=True)
        if section is None:
            names = [slugify(record.redactor.text(value, one_line=True))]
        else:
            hit = next((section[key_of(k)] for k in (value, *source.keys) if k and key_of(k) in section), None)
            if hit is None:
                problems.append(
                    f"{source.where}: {label} {shown(value)} is not in the {key} of {mapping.origin}; add it to the "
                    f"mapping file under {key}:, e.g. {json.dumps(value, ensure_ascii=False)}: {slugify(value)}")
                continue
            names = hit
        notes.append(f"{label} {shown(record.redactor.text(value, one_line=True, limit=40))}")
        out.extend(n for n in names if n not in out)
    return out, notes


@dataclass
class _Times:
    started: dt.datetime
    started_note: str
    detected: dt.datetime
    detected_note: str
    mitigated: dt.datetime | None
    mitigated_note: str
    resolved: dt.datetime | None
    resolved_note: str


def _times(record: Record, events: list[Event]) -> _Times:
    """The incident's times from the record: its own fields first, then the timeline's kinds."""
    first = events[0].at
    if record.detected is not None:
        detected, detected_note = record.detected.at, record.detected.note
    else:
        found = next((e.at for e in events if e.kind == "detection"), None)
        detected, detected_note = (
            (found, "the first detection event of the timeline") if found
            else (first, "TODO: confirm: the first event of the record")
        )
    started = min(first, detected)
    started_note = "the record's first event; impact may have begun earlier"
    resolved: dt.datetime | None = None
    resolved_note = "TODO: when impact ended; required once the status is no longer draft"
    candidates = [(record.resolved.at, record.resolved.note)] if record.resolved else []
    candidates += [(e.at, "the last resolution event of the timeline") for e in events if e.kind == "resolution"][-1:]
    for at, note in candidates:
        if at >= detected:
            resolved, resolved_note = at, note
            break
        resolved_note = "TODO: the record's resolution time is before the detection; check both"
    mitigated: dt.datetime | None = None
    mitigated_note = "TODO: when impact was first reduced, if it was"
    for event in events:
        if event.kind == "mitigation" and event.at >= detected and (resolved is None or event.at <= resolved):
            mitigated, mitigated_note = event.at, "the first mitigation event of the timeline"
            break
    return _Times(started, started_note, detected, detected_note, mitigated, mitigated_note, resolved, resolved_note)


# --- writing the draft ------------------------------------------------------------------------


def _q(text: str) -> str:
    """A YAML double-quoted scalar (JSON's escapes are YAML's); the text is already clean."""
    return json.dumps(text, ensure_ascii=False)


class _Lines:
    """The draft, line by line, with comments aligned as in ``pmsite new`` drafts."""

    def __init__(self) -> None:
        self.lines: list[str] = []

    def add(self, code: str, comment: str = "") -> None:
        comment = clean(comment, one_line=True, limit=160)
        if comment:
            code = f"{code.ljust(COMMENT_COLUMN - 1)} # {comment}" if len(code) < COMMENT_COLUMN - 1 else f"{code}  # {comment}"
        self.lines.append(code)

    def text(self, key: str, value: str, indent: int, comment: str = "") -> None:
        pad = " " * indent
        if "\n" not in value:
            self.add(f"{pad}{key}: {_q(value)}", comment)
            return
        self.add(f"{pad}{key}: |-", comment)
        for line in value.split("\n"):
            self.lines.append(f"{pad}  {line}" if line else "")


def _identity(request: Request, started: dt.datetime, slug_source: str,
              settings: Settings) -> tuple[str, Path, list[str]]:
    """The id (unique in the knowledge base), the file to write (which must not exist), and notes on files skipped."""
    day = started.date()
    path = request.output if request.output is not None else draft_path(request.folder, day, slug_source)
    ensure_free(path, "pmsite draft")
    taken = taken_ids([request.folder, *request.search], settings)  # the incidents folders only, not -o's folder
    return choose_id(request.doc_id, day, taken.ids), path, taken.notes


def write_draft(record: Record, request: Request, mapping: Mapping, settings: Settings) -> Result:
    """Map the record into this site's values and write the draft; return its path and notes."""
    events = sorted((e for e in record.events if e.text), key=lambda e: e.at)  # stable: ties keep the record's order
    if not events:
        raise DraftError(f"{record.tool} {record.reference}: no event with a time; a draft needs at least one")
    problems: list[str] = []
    severity, severity_note = _severity(record, request, mapping, settings, problems)
    if request.services:
        services = [clean(s, one_line=True) for s in request.services if clean(s, one_line=True)]
        service_note = "given with --service"
    else:
        services, notes = _site_names(record.services, mapping.services, record.service_label or "service",
                                      "services", mapping, record, problems)
        service_note = "from " + ", ".join(notes) if notes else ""
    teams, _ = _site_names(record.teams, mapping.teams, f"{record.tool} team", "teams", mapping, record, problems)
    if problems:
        raise DraftError("\n".join(problems))
    if not services:
        services, service_note = ["TODO-service"], f"TODO: the affected services; the {record.tool} record names none"
    title = clean(request.title, one_line=True) if request.title else record.title
    title_note = "given with --title" if request.title else record.title_note
    if not title:
        title, title_note = "TODO: what happened to which service", "TODO: one line: what happened, not who did it"
    times = _times(record, events)
    methods = settings.detection_methods
    if not methods:
        raise DraftError("the configuration defines no detection methods")
    if record.automated and "automated-alert" in methods:
        detection, detection_note = "automated-alert", record.detection_note
    else:
        detection = "unknown" if "unknown" in methods else methods[0]
        detection_note = f"TODO: how it was noticed: {', '.join(methods)}"
    ident, path, skipped = _identity(request, times.started, title if record.title or request.title else record.name_hint,
                                     settings)

    out = _Lines()
    out.add(f"# yaml-language-server: $schema={schema_ref(request.schema_file, path.parent)}")
    out.add(f"# A draft post-mortem started by pmsite draft from {record.tool} {clean(record.reference, one_line=True, limit=60)}.")
    out.add("# People's names are left out: actors are roles or systems from the mapping file, and the")
    out.add("# names the record contained are replaced in its texts. Read the texts once more for others.")
    out.add("# Every TODO marks what the record could not fill: write it with the people involved,")
    out.add("# describing what the systems and processes allowed, not who slipped. Then set")
    out.add(f"# status: in-review and open a pull request. Check it with: pmsite validate {shown_path(path)}")
    for note in record.notes:
        out.add(f"# TODO: {clean(note, one_line=True, limit=200)}")
    out.add("")
    out.add(f"id: {ident}", "unique in the knowledge base")
    out.add(f"title: {_q(title)}", title_note)
    out.add("status: draft", "draft -> in-review -> published")
    out.add(f"severity: {json.dumps(severity)}", severity_note)
    out.add("summary: |-", "TODO: one paragraph (Markdown): what happened, the impact, how long")
    out.add("  TODO: what happened, who was affected and for how long.")
    out.add("")
    out.add(f"started_at: {iso(times.started)}", times.started_note)
    out.add(f"detected_at: {iso(times.detected)}", times.detected_note)
    for key, moment, note in (("mitigated_at", times.mitigated, times.mitigated_note),
                              ("resolved_at", times.resolved, times.resolved_note)):
        out.add(f"{key}: {iso(moment)}" if moment else f"# {key}: {iso(times.detected)}", note)
    out.add(f"detection: {detection}", detection_note)
    out.add(f"services: {_q_list(services)}", service_note)
    out.add(f"teams: {_q_list(teams)}", f"from the {record.tool} record" if teams else "TODO: the teams involved in the response")
    out.add("tags: []", "TODO: free form, e.g. [deployment, database-migration]")
    out.add('authors: ["TODO team"]', "TODO: who owns this document: roles or teams, not individuals")
    out.add("")
    out.add("impact:")
    out.add("  description: |-", "TODO: what users and the business experienced (Markdown)")
    out.add("    TODO: what users saw, in their words.")
    out.add("")
    out.add("timeline:", f"{len(events)} events from the {record.tool} record, oldest first; check each kind")
    for event in events:
        out.add(f"  - at: {iso(event.at)}", event.todo)
        out.text("event", event.text, 4)
        if event.actor:
            out.add(f"    actor: {_q(event.actor)}")
        if event.kind:
            out.add(f"    kind: {event.kind}")
        if event.evidence:
            out.add(f"    evidence: {_q_list(event.evidence)}")
    out.add("")
    out.add("root_causes: []", "TODO: required once out of draft: the systemic causes, with five_whys")
    out.add("contributing_factors: []", "TODO: conditions that made it likelier or worse")
    out.add("went_well: []", "TODO: what helped: alerts, runbooks, coordination")
    out.add("went_poorly: []", "TODO: what hindered the response, as gaps in systems and processes")
    out.add("action_items: []", "TODO: required once out of draft: concrete changes, owners, due dates")
    out.add("related: []", "ids of related incidents in the knowledge base")
    if record.links:
        out.add("links:")
        for link_title, url in record.links:
            out.add(f"  - title: {_q(link_title)}")
            out.add(f"    url: {_q(url)}")
    else:
        out.add("links: []", "further reading, e.g. the incident's page in the tool")
    text = "\n".join(out.lines) + "\n"
    _check(text, path, settings, title, events)

    write_new(path, text, "pmsite draft")
    return Result(path, [*skipped, *record.notes])


def _q_list(values: Sequence[str]) -> str:
    return "[" + ", ".join(_q(v) for v in values) + "]"


def _check(text: str, path: Path, settings: Settings, title: str, events: list[Event]) -> None:
    """The draft must pass the checks the build runs and say exactly what the record said."""
    try:
        data, positions = parse_yaml(text.encode("utf-8"), max_depth=settings.max_depth)
    except YamlProblem as exc:
        raise DraftError(f"the draft would not be valid YAML (line {exc.line}): {exc.message}; please report this") from None
    doc, problems = validate_data(data, positions, path.name, settings)
    if problems or doc is None:
        raise DraftError("the draft would not validate; please report this: " + "; ".join(p.format() for p in problems))
    written = [(e.at, e.event) for e in doc.timeline]
    meant = [(e.at.replace(microsecond=0), e.text) for e in events]
    if doc.title != title or written != meant:
        raise DraftError("the draft would not say what the record said; please report this")
