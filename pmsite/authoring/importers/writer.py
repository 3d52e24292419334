"""The draft as YAML: every field in the format's order, a comment on each, a TODO where the record was silent.

Values arrive shaped and masked (:mod:`.timeline`, :mod:`.draft`); here they are quoted and
laid out, with comments aligned as in ``pmsite new`` drafts. :func:`check` then runs the very
checks the build runs on the text, the last guard: a draft that would fail them is a bug.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass, field

from pmsite.authoring.importers.errors import DraftError
from pmsite.authoring.importers.site_values import Times
from pmsite.authoring.importers.timeline import Entry
from pmsite.authoring.importers.times import iso
from pmsite.authoring.importers.untrusted import clean
from pmsite.reading.documents import validate_data
from pmsite.reading.yaml_source import YamlProblem, parse_yaml
from pmsite.settings import Settings

COMMENT_COLUMN = 34  # inline comments line up here, as in `pmsite new` drafts
SUMMARY = "TODO: what happened, who was affected and for how long."
AUTHORS = ["TODO team"]
IMPACT = "TODO: what users saw, in their words."
STATUS = "draft"


@dataclass
class Draft:
    """Every value of the draft, shaped and masked, with the comment each line carries."""

    schema: str
    origin: str  # "PagerDuty incident #4521", for the first comment
    path_hint: str
    notes: list[str]
    id: str
    title: str
    title_note: str
    severity: int | str
    severity_note: str
    times: Times
    detection: str
    detection_note: str
    services: list[str]
    service_note: str
    teams: list[str]
    teams_note: str
    timeline_note: str = ""
    timeline: list[Entry] = field(default_factory=list)
    links: list[tuple[str, str]] = field(default_factory=list)
    links_note: str = ""

    def fixed_chars(self) -> int:
        """Characters of text outside the timeline, counted as the format counts a document's text."""
        texts = [self.id, self.title, STATUS, SUMMARY, self.detection, *self.services, *self.teams, *AUTHORS, IMPACT,
                 *(part for link in self.links for part in link)]
        return sum(map(len, texts)) + (len(self.severity) if isinstance(self.severity, str) else 0)


class Lines:
    """The draft, line by line, with comments aligned."""

    def __init__(self) -> None:
        self.lines: list[str] = []

    def add(self, code: str, comment: str = "") -> None:
        comment = clean(comment, one_line=True, limit=160)
        if comment:
            code = f"{code.ljust(COMMENT_COLUMN - 1)} # {comment}" if len(code) < COMMENT_COLUMN - 1 else f"{code}  # {comment}"
        self.lines.append(code)

    def text(self, key: str, value: str, indent: int, comment: str = "") -> None:
        """A text: quoted on one line, or a literal block (its first line never starts with a space)."""
        pad = " " * indent
        if "\n" not in value:
            self.add(f"{pad}{key}: {quoted(value)}", comment)
            return
        self.add(f"{pad}{key}: |-", comment)
        for line in value.split("\n"):
            self.lines.append(f"{pad}  {line}" if line else "")


def quoted(text: str) -> str:
    """A YAML double-quoted scalar (JSON's escapes are YAML's); the text is already clean."""
    return json.dumps(text, ensure_ascii=False)


def quoted_list(values: Sequence[str]) -> str:
    return "[" + ", ".join(quoted(v) for v in values) + "]"


def entry_lines(entry: Entry) -> list[str]:
    """One timeline event as the draft writes it."""
    out = Lines()
    out.add(f"  - at: {iso(entry.at)}", "TODO: " + "; ".join(entry.todos) if entry.todos else "")
    out.text("event", entry.text, 4)
    if entry.actor:
        out.add(f"    actor: {quoted(entry.actor)}")
    if entry.kind:
        out.add(f"    kind: {entry.kind}")
    if entry.evidence:
        out.add(f"    evidence: {quoted_list(entry.evidence)}")
    return out.lines


def render(draft: Draft, timeline: Sequence[Sequence[str]] = ()) -> str:
    """The draft's text; ``timeline``: the lines of each event (from :func:`entry_lines`)."""
    out = Lines()
    out.add(f"# yaml-language-server: $schema={draft.schema}")
    out.add(f"# A draft post-mortem started by pmsite draft from {draft.origin}.")
    out.add("# People's names are left out: actors are roles or systems from the mapping file, and the")
    out.add("# names the record contained are replaced in its texts. Read the texts once more for others.")
    out.add("# Every TODO marks what the record could not fill: write it with the people involved,")
    out.add("# describing what the systems and processes allowed, not who slipped. Then set")
    out.add(f"# status: in-review and open a pull request. Check it with: pmsite validate {clean(draft.path_hint, one_line=True)}")
    for note in draft.notes:
        out.add(f"# TODO: {clean(note, one_line=True, limit=200)}")
    out.add("")
    out.add(f"id: {draft.id}", "unique in the knowledge base")
    out.add(f"title: {quoted(draft.title)}", draft.title_note)
    out.add(f"status: {STATUS}", "draft -> in-review -> published")
    out.add(f"severity: {json.dumps(draft.severity)}", draft.severity_note)
    out.add("summary: |-", "TODO: one paragraph (Markdown): what happened, the impact, how long")
    out.add(f"  {SUMMARY}")
    out.add("")
    t = draft.times
    out.add(f"started_at: {iso(t.started)}", t.started_note)
    out.add(f"detected_at: {iso(t.detected)}", t.detected_note)
    for key, moment, note in (("mitigated_at", t.mitigated, t.mitigated_note), ("resolved_at", t.resolved, t.resolved_note)):
        out.add(f"{key}: {iso(moment)}" if moment else f"# {key}: {iso(t.detected)}", note)
    out.add(f"detection: {draft.detection}", draft.detection_note)
    out.add(f"services: {quoted_list(draft.services)}", draft.service_note)
    out.add(f"teams: {quoted_list(draft.teams)}", draft.teams_note)
    out.add("tags: []", "TODO: free form, e.g. [deployment, database-migration]")
    out.add(f"authors: {quoted_list(AUTHORS)}", "TODO: who owns this document: roles or teams, not individuals")
    out.add("")
    out.add("impact:")
    out.add("  description: |-", "TODO: what users and the business experienced (Markdown)")
    out.add(f"    {IMPACT}")
    out.add("")
    out.add("timeline:", draft.timeline_note)
    for lines in timeline:
        out.lines.extend(lines)
    out.add("")
    out.add("root_causes: []", "TODO: required once out of draft: the systemic causes, with five_whys")
    out.add("contributing_factors: []", "TODO: conditions that made it likelier or worse")
    out.add("went_well: []", "TODO: what helped: alerts, runbooks, coordination")
    out.add("went_poorly: []", "TODO: what hindered the response, as gaps in systems and processes")
    out.add("action_items: []", "TODO: required once out of draft: concrete changes, owners, due dates")
    out.add("related: []", "ids of related incidents in the knowledge base")
    if draft.links:
        out.add("links:", draft.links_note)
        for link_title, url in draft.links:
            out.add(f"  - title: {quoted(link_title)}")
            out.add(f"    url: {quoted(url)}")
    else:
        out.add("links: []", draft.links_note or "further reading, e.g. the incident's page in the tool")
    return "\n".join(out.lines) + "\n"


def check(text: str, name: str, settings: Settings, draft: Draft) -> None:
    """The draft must pass the checks the build runs and say exactly what was meant."""
    try:
        data, positions = parse_yaml(text.encode("utf-8"), max_depth=settings.max_depth)
    except YamlProblem as exc:
        raise DraftError(f"the draft would not be valid YAML (line {exc.line}): {exc.message}; please report this") from None
    doc, problems = validate_data(data, positions, name, settings)
    if problems or doc is None:
        raise DraftError("the draft would not validate; please report this: " + "; ".join(p.format() for p in problems))
    written = [(e.at, e.event) for e in doc.timeline]
    meant = [(e.at.replace(microsecond=0), e.text) for e in draft.timeline]
    if doc.title != draft.title or written != meant:
        raise DraftError("the draft would not say what the record said; please report this")
