"""CSV: a timeline kept by hand, or exported from a tool pmsite does not read directly.

A header row names the columns: ``timestamp`` and ``event`` are required; ``actor``,
``evidence`` and ``kind`` are optional. Timestamps are ISO 8601 with an offset. An actor is
kept only when the ``actors`` mapping names it or it already is one of the mapping's roles,
so a person's name never reaches the draft (and is masked in the texts too). Evidence is
one text, or http(s) links separated by spaces. Without a kind, the wording decides.
"""

from __future__ import annotations

import csv
import difflib
import io

from pmsite.authoring.importers.errors import DraftError, DraftUsage
from pmsite.authoring.importers.inputs import decode, read_bytes
from pmsite.authoring.importers.mapping import Mapping
from pmsite.authoring.importers.people import person
from pmsite.authoring.importers.record import Event, Record, Request
from pmsite.authoring.importers.times import parse_time
from pmsite.authoring.importers.untrusted import clean, key_of, shown
from pmsite.settings import TIMELINE_KINDS
from pmsite.text import is_http_url

TOOL = "CSV"
COLUMNS = ("timestamp", "event", "actor", "evidence", "kind")
REQUIRED = ("timestamp", "event")


def _evidence(value: str) -> list[str]:
    """Links separated by spaces, or one text (what the format does not accept is left out when the draft is written)."""
    parts = value.split()
    if parts and all(is_http_url(p) for p in parts):
        return parts
    text = clean(value, one_line=True)
    return [text] if text else []


def read(request: Request, mapping: Mapping) -> Record:
    if request.channel is not None:
        raise DraftUsage("--channel is only for --from slack")
    if len(request.inputs) != 1:
        raise DraftUsage("--from csv takes one file")
    path = request.inputs[0]
    text = decode(read_bytes(path), str(path))
    reader = csv.reader(io.StringIO(text, newline=""))
    try:
        header = next(reader)
    except StopIteration:
        raise DraftError(f"{path}: empty file; expected a header row: {', '.join(COLUMNS)}") from None
    except csv.Error as exc:
        raise DraftError(f"{path}:{reader.line_num}: expected CSV: {exc}") from None
    columns = [key_of(h) for h in header]
    problems = []
    for i, column in enumerate(columns, start=1):
        if column not in COLUMNS:
            close = difflib.get_close_matches(column, COLUMNS, n=1)
            hint = f"did you mean {close[0]!r}?" if close else f"expected {', '.join(COLUMNS)}"
            problems.append(f"{path}:1: column {i} {shown(header[i - 1])}: unknown column; {hint}")
        elif columns.index(column) != i - 1:
            problems.append(f"{path}:1: column {i} {shown(header[i - 1])}: the column appears twice")
    problems += [f"{path}:1: the header has no {c!r} column; expected {', '.join(COLUMNS)}"
                 for c in REQUIRED if c not in columns]
    if problems:
        raise DraftError("\n".join(problems))

    rows: list[tuple[int, dict[str, str]]] = []
    try:
        for cells in reader:
            if not any(c.strip() for c in cells):
                continue
            if len(cells) > len(columns):
                problems.append(f"{path}:{reader.line_num}: expected {len(columns)} cells, got {len(cells)}")
                continue
            rows.append((reader.line_num, dict(zip(columns, [*cells, *[""] * (len(columns) - len(cells))]))))
    except csv.Error as exc:
        problems.append(f"{path}:{reader.line_num}: expected CSV: {exc}")
    roles = mapping.roles()
    people = list(dict.fromkeys(person([a]) for _, row in rows
                                if (a := row.get("actor", "").strip()) and key_of(a) not in roles))

    events = []
    for line, row in rows:
        where = f"{path}:{line}"
        try:
            at = parse_time(row["timestamp"], f"{where}: timestamp")
        except DraftError as exc:
            problems.append(str(exc))
            continue
        event = clean(row["event"])
        if not event:
            got = "only invisible characters" if row["event"].strip() else "an empty cell"
            problems.append(f"{where}: event: expected a text, got {got}")
            continue
        kind = key_of(row.get("kind", ""))
        if kind and kind not in TIMELINE_KINDS:
            problems.append(f"{where}: kind: expected one of {', '.join(TIMELINE_KINDS)}, got {shown(row['kind'])}")
            continue
        todo = ""
        actor = row.get("actor", "").strip()
        role = mapping.actor(actor) if actor else None
        if actor and role is None:
            role = roles.get(key_of(actor))
            if role is None and mapping.actor(actor, default="?") == "?":
                todo = "actor left out: not in the actors mapping of the mapping file"
        events.append(Event(at, event, kind or mapping.kind_of(event), role, _evidence(row.get("evidence", "")),
                            [todo] if todo else []))
    if problems:
        raise DraftError("\n".join(problems))
    if not events:
        raise DraftError(f"{path}: no events, only a header row; a draft needs at least one")
    return Record(
        tool=TOOL,
        reference=f"file {clean(path.name, one_line=True, limit=60)}",
        name_hint=path.stem,
        events=events,
        people=people,
        service_label="CSV",
    )
