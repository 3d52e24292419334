"""What an importer reads from a tool (:class:`Record`), and what ``pmsite draft`` was asked (:class:`Request`).

A record holds the tool's own values and texts as written: this site's values, the masking
of people and the format's limits are applied when the draft is written, in one place, so
no importer can forget them.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path

from pmsite.authoring.importers.people import Person


@dataclass
class Event:
    """One timeline event, its text as the record wrote it."""

    at: dt.datetime
    text: str
    kind: str | None = None
    actor: str | None = None  # a role or a system, never a person
    evidence: list[str] = field(default_factory=list)
    todos: list[str] = field(default_factory=list)  # fixed wording only, never record text


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
    people: list[Person]  # everyone the record names: masked in every text
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
    links: list[tuple[str, str]] = field(default_factory=list)  # (title, url)
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
    search: list[Path] = field(default_factory=list)  # incidents folders whose ids are taken
    schema_file: Path | None = None
