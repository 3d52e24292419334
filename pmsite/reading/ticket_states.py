"""The state file: what the tracker said of each ticket an action names, read offline by the build.

JSON with sorted keys, an indent of 2, ASCII only and a trailing newline::

    {"format": 1,
     "tracker": {"kind": "github", "project": "acme/platform", "url": "...", "web": "..."},
     "tickets": {"<the ticket URL as the action writes it>": {
         "state": "open" | "in-progress" | "done" | "wont-do" | null,
         "tracker_state": "closed (not_planned)", "closed_on": "2024-03-21" | null,
         "title": "...", "read_on": "2024-03-25", "problem": null | "gone (HTTP 404)" | ...}}}

``read_on`` is the day a sync first saw the ticket as recorded: an entry a sync finds unchanged is kept
byte for byte, so an unchanged tracker gives a byte-identical file. A ticket that is gone, moved or
unreadable keeps its last known state and gains a ``problem`` (``state`` is null only for a ticket that
was never read). No person's name, login or e-mail is ever stored.
"""

from __future__ import annotations

import json
import os
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pmsite.dates import DateProblem, parse_date
from pmsite.statuses import MEANINGS
from pmsite.text import is_http_url

FORMAT = 1
STATES = MEANINGS  # a ticket's state is one of the four meanings of an action's status
TRACKER_KEYS = ("kind", "url", "project", "web")
ENTRY_KEYS = ("state", "tracker_state", "closed_on", "title", "read_on", "problem")
MAX_TEXT = 1000


class StateFileError(ValueError):
    """A state file that cannot be used; the message names the file, what is wrong and what was expected."""


@dataclass(frozen=True)
class TicketState:
    """One ticket's entry."""

    state: str | None
    tracker_state: str | None
    closed_on: str | None
    title: str | None
    read_on: str | None
    problem: str | None = None

    def as_dict(self) -> dict[str, Any]:
        return {key: getattr(self, key) for key in ENTRY_KEYS}


@dataclass(frozen=True)
class StateFile:
    """The whole file: which tracker it was read from, and an entry per ticket URL."""

    tracker: dict[str, str]
    tickets: dict[str, TicketState] = field(default_factory=dict)


def dumps(state: StateFile) -> str:
    """The file's text: sorted, stable, ASCII, one trailing newline."""
    data = {
        "format": FORMAT,
        "tracker": {key: state.tracker.get(key, "") for key in TRACKER_KEYS},
        "tickets": {url: entry.as_dict() for url, entry in state.tickets.items()},
    }
    return json.dumps(data, sort_keys=True, indent=2, ensure_ascii=True) + "\n"


def write_state_file(path: Path, state: StateFile) -> bool:
    """Write the file atomically (a reader never sees half of it); True when its bytes changed."""
    text = dumps(state)
    try:
        if path.read_text(encoding="ascii") == text:
            return False
    except (OSError, UnicodeDecodeError):
        pass
    fd, temp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "w", encoding="ascii", newline="\n") as out:
            out.write(text)
        os.replace(temp, path)
    except BaseException:
        Path(temp).unlink(missing_ok=True)
        raise
    return True


def read_state_file(path: Path) -> StateFile | None:
    """The state file at ``path``, or None when there is none; StateFileError when it cannot be used."""
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        return None
    except OSError as exc:
        raise StateFileError(f"{path}: cannot read the ticket state file: {exc.strerror or exc}") from None
    return parse_state(raw, str(path))


def _shown(value: object) -> str:
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "..."


def parse_state(raw: bytes, source: str) -> StateFile:
    """Parse and check the file's bytes; ``source`` names it in every message."""
    def fail(where: str, what: str) -> StateFileError:
        return StateFileError(f"{source}: {where}{': ' if where else ''}{what}")

    try:
        data = json.loads(raw.decode("utf-8"))
    except UnicodeDecodeError as exc:
        raise fail("", f"expected UTF-8 JSON, got the byte 0x{raw[exc.start]:02x} at offset {exc.start}") from None
    except json.JSONDecodeError as exc:
        raise fail("", f"expected JSON, got a syntax error at line {exc.lineno}, column {exc.colno} ({exc.msg})") from None
    except RecursionError:
        raise fail("", "expected JSON nested a few levels deep, got deeper") from None
    if not isinstance(data, dict):
        raise fail("", f"expected an object with format, tracker and tickets, got {type(data).__name__}")
    if data.get("format") != FORMAT:
        raise fail("format", f"expected {FORMAT} (this pmsite reads version {FORMAT}), got {_shown(data.get('format'))}")
    unknown = sorted(set(data) - {"format", "tracker", "tickets"})
    if unknown:
        raise fail(unknown[0], "unknown key; expected format, tracker and tickets")
    tracker = data.get("tracker")
    if not isinstance(tracker, dict) or set(tracker) != set(TRACKER_KEYS) or not all(isinstance(v, str) for v in tracker.values()):
        raise fail("tracker", f"expected an object of strings {', '.join(TRACKER_KEYS)}, got {_shown(tracker)}")
    tickets = data.get("tickets")
    if not isinstance(tickets, dict):
        raise fail("tickets", f"expected an object of ticket URLs to entries, got {_shown(tickets)}")
    entries: dict[str, TicketState] = {}
    for url, entry in tickets.items():
        where = f"tickets[{_shown(url)}]"
        if not is_http_url(url):
            raise fail(where, "expected an http(s) ticket URL as the key")
        if not isinstance(entry, dict):
            raise fail(where, f"expected an object, got {_shown(entry)}")
        missing = [key for key in ENTRY_KEYS if key not in entry]
        extra = sorted(set(entry) - set(ENTRY_KEYS))
        if missing or extra:
            what = f"missing {', '.join(missing)}" if missing else f"unknown key {extra[0]!r}"
            raise fail(where, f"{what}; expected the keys {', '.join(ENTRY_KEYS)}")
        for key in ("tracker_state", "title", "problem"):
            value = entry[key]
            if value is not None and (not isinstance(value, str) or len(value) > MAX_TEXT):
                raise fail(f"{where}.{key}", f"expected text (at most {MAX_TEXT} characters) or null, got {_shown(value)}")
        for key in ("closed_on", "read_on"):
            value = entry[key]
            if value is not None and not (isinstance(value, str) and _is_day(value)):
                raise fail(f"{where}.{key}", f"expected a date (YYYY-MM-DD) or null, got {_shown(value)}")
        state = entry["state"]
        if state is None and entry["problem"] is None:
            raise fail(f"{where}.state", "expected one of open, in-progress, done, wont-do (null only with a problem)")
        if state is not None and state not in STATES:
            raise fail(f"{where}.state", f"expected one of {', '.join(STATES)}, got {_shown(state)}")
        if state is not None and entry["read_on"] is None:
            raise fail(f"{where}.read_on", "expected the date the state was read (YYYY-MM-DD), got null")
        entries[url] = TicketState(**{key: entry[key] for key in ENTRY_KEYS})
    return StateFile({key: tracker[key] for key in TRACKER_KEYS}, entries)


def _is_day(text: str) -> bool:
    try:
        parse_date(text)
    except DateProblem:
        return False
    return True
