"""``pmsite new``: a draft post-mortem with every section and a short comment on each field.

The draft validates as it is written (status ``draft`` may leave root causes
and action items empty), so an author can commit it at once and fill it in
with the people involved. The comments carry the blameless-wording hints of
the author guide.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from collections.abc import Iterable
from pathlib import Path

from pmsite.authoring.identity import (
    Conflict,
    Written,
    choose_id,
    draft_path,
    ensure_free,
    shown,
    taken_ids,
    write_new,
)
from pmsite.authoring.schema import schema_ref
from pmsite.reading.documents import validate_data
from pmsite.reading.yaml_source import YamlProblem, parse_yaml
from pmsite.settings import TIMELINE_KINDS, Settings
from pmsite.text import join_words

COMMENT_COLUMN = 34  # inline comments line up here, as in the format's example

# A tab separates a line's YAML from its comment; _align() turns it into spaces.
# Values are inserted JSON-encoded (valid YAML, with any tab escaped).
TEMPLATE = """\
# yaml-language-server: $schema={schema}
# A blameless post-mortem: describe what the systems and processes allowed, not who
# slipped ("the deploy tool accepted an unreviewed change", not "X forgot to check").
# Fill it in with the people involved, set status: in-review and open a pull request.
# Check it at any time with: pmsite validate {path}

id: {id}\t# unique in the knowledge base; 3-64 letters, digits, '-', '_'
title: {title}\t# one line: what happened to which service, not who did it
status: draft\t# draft -> in-review -> published (only published ones appear on the site)
severity: {severity}\t# {severities}
near_miss: false\t# true when users were not affected: near misses teach too
summary: |\t# one paragraph (Markdown): what happened, the impact, how long
  TODO: what happened, who was affected and for how long.

# Timestamps are ISO 8601 with an offset: Z for UTC, or +hh:mm. Replace the placeholders.
started_at: {day}T00:00:00Z\t# when the impact began, not when someone noticed
detected_at: {day}T00:00:00Z\t# when the problem was noticed; at or after started_at
# mitigated_at: {day}T00:00:00Z\t# when impact was first reduced; between detected_at and resolved_at
# resolved_at: {day}T00:00:00Z\t# when impact ended; required once the status is no longer draft
detection: {detection}\t# how it was noticed: {detections}
services: {services}\t# the affected services, at least one
teams: []\t# the teams involved in the response
tags: []\t# free form, e.g. [deployment, database-migration]
authors: [TODO team]\t# who owns this document: roles or teams, not individuals
# review_meeting_on: {day}\t# the date of the blameless review meeting
# published_on: {day}\t# required when status is published

impact:\t# who and what was affected
  description: |\t# what users and the business experienced (Markdown)
    TODO: what users saw, in their words.
  # users_affected_pct: 0\t# share of users affected, 0-100
  # users_affected: 0\t# number of users affected
  slo_violations: []\t# e.g. ["checkout availability 99.9% (monthly)"]
  business_metrics: []\t# e.g. ["about 400 orders not placed"]

timeline:\t# at least one event, in any order: the page sorts them
  - at: {day}T00:00:00Z\t# when (with an offset)
    event: TODO what happened first\t# Markdown; facts as they were known then, not judgements
    kind: trigger\t# {kinds}
    # actor: Deployment pipeline\t# a role or a system, never a person's name
    # evidence: https://example.com/dashboards/1\t# a URL, a text, or a list of either

root_causes: []\t# required once out of draft; replace [] with entries like:
#  - description: |\t# the systemic cause (Markdown): what allowed the failure
#      TODO
#    category: {category}\t# {categories}
#    five_whys:\t# ask "why?" at least {min_whys} times, down to a process or design gap
#      - Why did ...? Because ...

contributing_factors: []\t# conditions that made it likelier or worse, e.g.:
#  - description: The staging data refresh copies only the schema
#    category: {factor}\t# {factors}

went_well: []\t# what helped: alerts, runbooks, coordination (Markdown)
went_poorly: []\t# what hindered the response, as gaps in systems and processes (Markdown)

action_items: []\t# required once out of draft; replace [] with entries like:
#  - id: A1\t# optional; unique in this document; default A1, A2, ...
#    description: TODO a concrete change to a named system\t# not "be more careful" or "improve monitoring"
#    owner: TODO team\t# a team or a role
#    priority: {priority}\t# {priorities}
#    due: YYYY-MM-DD\t# after publication, within the priority's target window
#    status: {status}\t# {statuses}; {closed} need completed_on
#    # completed_on: YYYY-MM-DD\t# when it was done or dropped
#    success_criteria: TODO how we will know it worked
#    prevents_recurrence: false\t# also improves_detection and improves_response
#    ticket: https://example.com/issues/1\t# the tracker item (http or https)

related: []\t# ids of related incidents, e.g. [INC-2024-0101]; they must exist
links: []\t# further reading, e.g.:
#  - title: Incident channel export
#    url: https://example.com/archives/1
# checklist_ignore: []\t# quality checks (PM101...) not to apply here; explain why in the review
"""


ScaffoldConflict = Conflict  # the file or the id asked for already exists
COMMAND = "pmsite new"


def _align(text: str) -> str:
    out = []
    for line in text.splitlines():
        code, sep, comment = line.partition("\t")
        if sep:
            code = code.rstrip()
            line = f"{code.ljust(COMMENT_COLUMN - 1)} {comment}" if len(code) < COMMENT_COLUMN - 1 else f"{code}  {comment}"
        out.append(line)
    return "\n".join(out) + "\n"


def _scalar(value: str) -> str:
    """A plain YAML scalar when it is a simple word, else a quoted one."""
    return value if re.fullmatch(r"[A-Za-z][A-Za-z0-9_-]*", value) and value.lower() not in _YAML_WORDS else json.dumps(value)


_YAML_WORDS = {"null", "true", "false", "yes", "no", "on", "off", "y", "n"}


def _plain(text: object) -> str:
    """Configuration values shown inside a comment: one line, no tabs."""
    return " ".join(str(text).split())


def _level(severity: str | int | None, settings: Settings) -> int | str:
    levels = list(settings.severities)
    if not levels:
        raise ValueError("the configuration defines no severity levels")
    if severity is None or str(severity).strip() == "":
        return levels[-1]
    for level in levels:
        if str(level) == str(severity).strip():
            return level
    raise ValueError(f"--severity must be one of {', '.join(str(lv) for lv in levels)}, got {severity!r}")


def render(
    *,
    title: str,
    day: dt.date,
    settings: Settings,
    doc_id: str,
    severity: int | str,
    services: list[str],
    schema: str,
    path_hint: str,
) -> str:
    """The text of a new draft."""
    detections = settings.detection_methods
    detection = "unknown" if "unknown" in detections else (detections[0] if detections else "unknown")
    priorities = settings.priorities or ("high",)
    return _align(
        TEMPLATE.format(
            schema=schema,
            path=_plain(path_hint),
            id=doc_id,
            title=json.dumps(title.strip(), ensure_ascii=False),
            severity=json.dumps(severity),
            severities=_plain(", ".join(f"{k} = {v}" for k, v in settings.severities.items())),
            day=day.isoformat(),
            detection=_scalar(detection),
            detections=_plain(", ".join(detections)),
            services=json.dumps(services, ensure_ascii=False),
            kinds=", ".join(TIMELINE_KINDS),
            category=_plain(settings.root_cause_categories[0] if settings.root_cause_categories else "TODO"),
            categories=_plain(", ".join(settings.root_cause_categories)),
            min_whys=settings.min_whys,
            factor=_plain(settings.factor_categories[0] if settings.factor_categories else "TODO"),
            factors=_plain(", ".join(settings.factor_categories)),
            priority=_plain(priorities[min(1, len(priorities) - 1)]),
            priorities=_plain(", ".join(settings.priorities)),
            status=_plain(next(iter(settings.action_statuses), "open")),
            statuses=_plain(", ".join(settings.action_statuses)),
            closed=_plain(join_words(sorted(settings.closed_statuses))),
        )
    )


def scaffold(
    folder: Path,
    *,
    title: str,
    day: dt.date,
    settings: Settings,
    severity: str | int | None = None,
    services: list[str] | None = None,
    doc_id: str | None = None,
    schema_file: Path | None = None,
    search: Iterable[Path] = (),
) -> Written:
    """Write a new draft under ``folder``; return its path and notes (files skipped while reading ids).

    Raises ValueError for a bad title, severity or service, :class:`~pmsite.errors.UsageError` for a bad
    id, and :class:`ScaffoldConflict` when the file or an explicitly asked id exists; never overwrites a
    file. ``search`` lists more incidents folders whose ids count as taken (the whole knowledge base
    when ``folder`` is a subfolder).
    """
    title = title.strip()
    if not title or "\n" in title or "\r" in title:
        raise ValueError("--title must be a single, non-empty line")
    level = _level(severity, settings)
    names = [s.strip() for s in services or [] if s.strip()] or ["TODO-service"]
    for name in names:
        if "\n" in name or "\r" in name:
            raise ValueError(f"--service must be a single line, got {name!r}")

    path = draft_path(folder, day, title)
    ensure_free(path, COMMAND)
    taken = taken_ids([folder, *search], settings)
    ident = choose_id(doc_id, day, taken.ids)
    text = render(
        title=title, day=day, settings=settings, doc_id=ident, severity=level, services=names,
        schema=schema_ref(schema_file, folder), path_hint=shown(path),
    )
    # The draft must pass the very checks the build runs; anything else is a bug or a broken configuration.
    try:
        data, positions = parse_yaml(text.encode("utf-8"), max_depth=settings.max_depth)
    except YamlProblem as exc:
        raise ValueError(f"the new draft would not be valid YAML (line {exc.line}): {exc.message}") from None
    _, problems = validate_data(data, positions, path.name, settings)
    if problems:
        raise ValueError("the new draft would not validate: " + "; ".join(p.format() for p in problems))
    write_new(path, text, COMMAND)
    return Written(path, taken.notes)
