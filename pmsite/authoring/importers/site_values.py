"""From the tool's values to this site's: the severity level, services and teams, and the incident's times.

A value the mapping does not cover is collected as a located problem naming the line to add,
so one run reports them all.
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass
from pathlib import Path

from pmsite.authoring.importers.errors import DraftError, DraftUsage
from pmsite.authoring.importers.mapping import SEVERITY_TABLES, Mapping
from pmsite.authoring.importers.masking import Redactor
from pmsite.authoring.importers.record import Event, Record, Request, Source
from pmsite.authoring.importers.untrusted import clean, key_of, shown
from pmsite.format.fields import MAX_LINE_CHARS
from pmsite.settings import Settings
from pmsite.text import slugify


def severity(record: Record, request: Request, mapping: Mapping, settings: Settings,
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


def site_names(sources: list[Source], section: dict[str, list[str]] | None, label: str, key: str,
               mapping: Mapping, redactor: Redactor, problems: list[str]) -> tuple[list[str], list[str]]:
    """Site names for the tool's services or teams, and a note on where each came from."""
    out: list[str] = []
    notes: list[str] = []
    for source in sources:
        value = clean(source.value, one_line=True)
        if not value:
            continue
        if section is None:
            names = [slugify(redactor.text(value, one_line=True))[:MAX_LINE_CHARS].strip("-") or "x"]
        else:
            hit = next((section[key_of(k)] for k in (value, *source.keys) if k and key_of(k) in section), None)
            if hit is None:
                problems.append(
                    f"{source.where}: {label} {shown(value)} is not in the {key} of {mapping.origin}; add it to the "
                    f"mapping file under {key}:, e.g. {json.dumps(value, ensure_ascii=False)}: {slugify(value)}")
                continue
            names = hit
        notes.append(f"{label} {shown(redactor.text(value, one_line=True)[:40])}")
        out.extend(n for n in names if n not in out)
    return out, notes


@dataclass
class Times:
    """The incident's times, each with the comment that says where it came from."""

    started: dt.datetime
    started_note: str
    detected: dt.datetime
    detected_note: str
    mitigated: dt.datetime | None
    mitigated_note: str
    resolved: dt.datetime | None
    resolved_note: str


def times(record: Record, events: list[Event]) -> Times:
    """The incident's times from the record: its own fields first, then the timeline's kinds (``events`` sorted)."""
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
    return Times(started, started_note, detected, detected_note, mitigated, mitigated_note, resolved, resolved_note)
