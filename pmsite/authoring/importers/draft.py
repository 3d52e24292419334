"""``pmsite draft`` from start to end: read the record, map it, mask and shape it, write the draft once.

:func:`make_draft` checks the request, reads the mapping and the record, and
:func:`write_draft` turns the record into this site's values, masks every person in every
text and link, shapes each value to the format, keeps the timeline within one document,
and writes a file that passes ``pmsite validate`` next to nothing it would overwrite.
"""

from __future__ import annotations

from urllib.parse import unquote_plus

from pmsite.authoring.identity import Written, choose_id, draft_path, ensure_free, shown, taken_ids, write_new
from pmsite.authoring.importers import site_values
from pmsite.authoring.importers.errors import DraftError, DraftUsage
from pmsite.authoring.importers.mapping import Mapping, load_mapping
from pmsite.authoring.importers.masking import Redactor
from pmsite.authoring.importers.record import Record, Request
from pmsite.authoring.importers.registry import SOURCES, reader
from pmsite.authoring.importers.shaping import line_problem, one_line, web_url
from pmsite.authoring.importers.timeline import entries, fitting
from pmsite.authoring.importers.untrusted import clean
from pmsite.authoring.importers.writer import Draft, check, entry_lines, render
from pmsite.authoring.schema import schema_ref
from pmsite.settings import Settings

COMMAND = "pmsite draft"
NO_TITLE = "TODO: what happened to which service"


def make_draft(request: Request, settings: Settings) -> Written:
    """Read the record, map it with the mapping file (or the defaults) and write the draft.

    Raises :class:`DraftUsage` for bad arguments and missing inputs (exit status 2) and
    :class:`DraftError` for a record or mapping that cannot become a draft (exit status 1).
    """
    if request.source not in SOURCES:
        raise DraftUsage(f"--from must be one of {', '.join(SOURCES)}, got {request.source!r}")
    if not request.inputs:
        raise DraftUsage(f"--from {request.source} needs an input file")
    if request.output is not None and request.output.suffix not in (".yaml", ".yml"):
        raise DraftUsage(f"--output must name a .yaml or .yml file, got {request.output}")
    for option, value in [("--title", request.title or ""), *(("--service", s) for s in request.services)]:
        found = line_problem(clean(value, one_line=True)) if clean(value, one_line=True) else None
        if found:
            raise DraftUsage(f"{option}: {found}")
    mapping = load_mapping(request.mapping, settings)
    record = reader(request.source)(request, mapping)
    return write_draft(record, request, mapping, settings)


def write_draft(record: Record, request: Request, mapping: Mapping, settings: Settings) -> Written:
    """Map the record into this site's values and write the draft; return its path and notes."""
    events = sorted((e for e in record.events if e.text), key=lambda e: e.at)  # stable: ties keep the record's order
    if not events:
        raise DraftError(f"{record.tool} {record.reference}: no event with a time; a draft needs at least one")
    redactor = Redactor(record.people, mapping, _texts(record))
    problems: list[str] = []
    level, severity_note = site_values.severity(record, request, mapping, settings, problems)
    if request.services:
        services = [s for s in (clean(s, one_line=True) for s in request.services) if s]
        service_note = "given with --service"
    else:
        services, notes = site_values.site_names(record.services, mapping.services, record.service_label or "service",
                                                 "services", mapping, redactor, problems)
        service_note = "from " + ", ".join(notes) if notes else ""
    teams, _ = site_values.site_names(record.teams, mapping.teams, f"{record.tool} team", "teams", mapping, redactor,
                                      problems)
    if problems:
        raise DraftError("\n".join(problems))
    if not services:
        services, service_note = ["TODO-service"], f"TODO: the affected services; the {record.tool} record names none"
    title, title_note = _title(record, request, redactor)
    named = title != NO_TITLE
    times = site_values.times(record, events)
    detection, detection_note = _detection(record, settings)
    timeline, left_out = entries(events, redactor)
    if not timeline:
        raise DraftError(f"{record.tool} {record.reference}: no event whose text the format accepts")

    day = times.started.date()
    path = request.output or draft_path(request.folder, day, title if named else redactor.text(record.name_hint))
    ensure_free(path, COMMAND)
    taken = taken_ids([request.folder, *request.search], settings)
    links, links_note = _links(record, redactor)
    draft = Draft(
        schema=schema_ref(request.schema_file, path.parent),
        origin=f"{record.tool} {redactor.text(record.reference, one_line=True)[:60]}", path_hint=shown(path),
        notes=[*record.notes, *left_out], id=choose_id(request.doc_id, day, taken.ids),
        title=title, title_note=title_note, severity=level, severity_note=severity_note, times=times,
        detection=detection, detection_note=detection_note, services=services, service_note=service_note,
        teams=teams, teams_note=f"from the {record.tool} record" if teams else "TODO: the teams involved in the response",
        links=links, links_note=links_note,
    )
    lines = [entry_lines(e) for e in timeline]
    fixed_bytes = len(render(draft).encode("utf-8")) + 400  # room for the notes below
    kept, note = fitting(timeline, lines, draft.fixed_chars(), fixed_bytes, settings.max_file_bytes)
    if kept == 0:
        raise DraftError(f"{record.tool} {record.reference}: not even one event fits in a file of at most "
                         f"{settings.max_file_bytes:,} bytes (the configuration's max_file_bytes)")
    draft.timeline = timeline[:kept]
    draft.notes += [note] if note else []
    draft.timeline_note = f"{kept} events from the {record.tool} record, oldest first; check each kind"
    text = render(draft, lines[:kept])
    check(text, path.name, settings, draft)
    write_new(path, text, COMMAND)
    return Written(path, [*taken.notes, *draft.notes])


def _title(record: Record, request: Request, redactor: Redactor) -> tuple[str, str]:
    """The title and its comment: --title, else the record's (masked, at most one line of 200), else a TODO."""
    if request.title and clean(request.title, one_line=True):
        return clean(request.title, one_line=True), "given with --title"
    title, shortened = one_line(redactor.text(record.title, one_line=True))
    if not title:
        return NO_TITLE, "TODO: one line: what happened, not who did it"
    return title, f"TODO: {shortened}: {record.title_note}" if shortened else record.title_note


def _detection(record: Record, settings: Settings) -> tuple[str, str]:
    methods = settings.detection_methods
    if not methods:
        raise DraftError("the configuration defines no detection methods")
    if record.automated and "automated-alert" in methods:
        return "automated-alert", record.detection_note
    return "unknown" if "unknown" in methods else methods[0], f"TODO: how it was noticed: {', '.join(methods)}"


def _texts(record: Record) -> list[str]:
    """Every text of the record the draft may show, links decoded too: what the redactor will be asked to mask."""
    texts = [e.text for e in record.events] + [item for e in record.events for item in e.evidence]
    texts += [record.title, record.reference, record.name_hint, *(s.value for s in (*record.services, *record.teams))]
    texts += [part for link in record.links for part in link]
    return texts + [unquote_plus(t) for t in texts if "%" in t or "+" in t]


def _links(record: Record, redactor: Redactor) -> tuple[list[tuple[str, str]], str]:
    """The record's links the format accepts and that name nobody; and a TODO for those left out."""
    kept: list[tuple[str, str]] = []
    why = ""
    for link_title, address in record.links:
        url, problem = web_url(address)
        if url and redactor.names_in_link(url):
            url, problem = "", "it named a person"
        text, _ = one_line(redactor.text(link_title, one_line=True))
        if url and text:
            kept.append((text, url))
        else:
            why = why or problem or "its title would not validate"
    return kept, f"TODO: a link of the record was left out: {why}" if why else ""
