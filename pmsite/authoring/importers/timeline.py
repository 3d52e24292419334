"""The record's events as the draft's timeline: masked, shaped to the format, and within one document's size.

Each event's text is masked (:mod:`.masking`) and shaped (:mod:`.shaping`); each evidence
link is kept only when the format accepts it and it names nobody. A day of chat can hold
more text than one document may (:data:`~pmsite.format.document.MAX_DOCUMENT_CHARS`, and the
configured file size): :func:`fitting` keeps the events that fit, oldest first, and says so.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field

from pmsite.authoring.importers.masking import Redactor
from pmsite.authoring.importers.record import Event
from pmsite.authoring.importers.shaping import evidence_text, markdown, web_url
from pmsite.format.document import MAX_DOCUMENT_CHARS
from pmsite.text import is_http_url

LINK_NAMED = "a link that named a person was removed"


@dataclass
class Entry:
    """One event of the draft's timeline: every value masked and accepted by the format."""

    at: dt.datetime
    text: str
    kind: str | None = None
    actor: str | None = None
    evidence: list[str] = field(default_factory=list)
    todos: list[str] = field(default_factory=list)

    @property
    def chars(self) -> int:
        """Its characters of text, as the format counts a document's text."""
        return len(self.text) + len(self.actor or "") + len(self.kind or "") + sum(map(len, self.evidence))


def entries(events: Sequence[Event], redactor: Redactor) -> tuple[list[Entry], list[str]]:
    """The events (sorted by time) as timeline entries; and a note when the format would take none of an event's text."""
    out: list[Entry] = []
    left_out = 0
    for event in events:
        masked, removed = redactor.mask(event.text)
        text, todos = markdown(masked)
        if not text:
            left_out += 1
            continue
        evidence, evidence_todos = _evidence(event.evidence, redactor)
        todos = list(dict.fromkeys([*event.todos, *([LINK_NAMED] if removed else []), *todos, *evidence_todos]))
        out.append(Entry(event.at, text, event.kind, event.actor, evidence, todos))
    notes = [f"{left_out} event(s) of the record were left out: the format would not accept their text"] if left_out else []
    return out, notes


def _evidence(items: Sequence[str], redactor: Redactor) -> tuple[list[str], list[str]]:
    kept: list[str] = []
    todos: list[str] = []
    for item in items:
        if is_http_url(item.strip()):
            value, why = web_url(item)
            if value and redactor.names_in_link(value):
                value, why = "", "a link named a person"
            todo = f"evidence left out: {why}" if why else ""
        else:
            masked, removed = redactor.mask(item, one_line=True)
            value, todo = evidence_text(masked)
            todos += [LINK_NAMED] if removed and value else []
        kept += [value] if value else []
        todos += [todo] if todo else []
    return kept, todos


def fitting(entries: Sequence[Entry], lines: Sequence[Sequence[str]], fixed_chars: int, fixed_bytes: int,
            max_bytes: int) -> tuple[int, str]:
    """How many entries, oldest first, keep the document within the format's text limit and the file size
    limit; and, when some do not fit, a note that says so."""
    chars, size = fixed_chars, fixed_bytes
    for n, (entry, entry_lines) in enumerate(zip(entries, lines)):
        chars += entry.chars
        size += sum(len(line.encode("utf-8")) + 1 for line in entry_lines)
        if chars > MAX_DOCUMENT_CHARS or size > max_bytes:
            limit = (f"a document holds at most {MAX_DOCUMENT_CHARS:,} characters of text" if chars > MAX_DOCUMENT_CHARS
                     else f"a file holds at most {max_bytes:,} bytes")
            return n, (f"the timeline holds the first {n:,} of the record's {len(entries):,} events ({limit}); "
                       "add the later ones that matter by hand")
    return len(entries), ""
