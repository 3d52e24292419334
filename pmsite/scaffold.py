"""``pmsite new``: a draft post-mortem with every section and a short comment on each field."""

from __future__ import annotations

import datetime as dt
import json
import os
from pathlib import Path

from .analyse import slugify
from .load import discover, load_file
from .schema import SCHEMA_ID
from .settings import Settings

TEMPLATE = """\
# yaml-language-server: $schema={schema}
# A blameless post-mortem: describe systems and processes, not people's failings.
# Fill it in with the people involved, then set status: in-review and open a pull request.
# Check it any time with: pmsite validate {path}

id: {id}                          # unique; letters, digits, '-', '_'
title: {title}
status: draft                     # draft | in-review | published
severity: {severity}                       # {severities}
near_miss: false                  # true = no user impact, analysed for learning
summary: |                        # one paragraph: what happened, the impact, the duration (Markdown)
  TODO: what happened, who was affected, for how long.

started_at: {day}T00:00:00Z       # ISO 8601 with an offset (Z or +hh:mm)
detected_at: {day}T00:00:00Z
# mitigated_at: {day}T00:00:00Z   # when impact was first reduced
# resolved_at: {day}T00:00:00Z    # required once the document leaves draft
detection: {detection}               # {detections}
services: {services}
teams: []
tags: []
authors: [TODO team]              # roles or teams, not individuals
# review_meeting_on: {day}        # the review meeting, within 48 hours of resolution
# published_on: {day}             # set when status becomes published

impact:
  description: |                  # what users experienced (Markdown)
    TODO
  # users_affected_pct: 0         # 0-100
  # users_affected: 0
  slo_violations: []
  business_metrics: []

timeline:                         # any order; kinds: {kinds}
  - at: {day}T00:00:00Z
    event: TODO what happened first
    kind: trigger
    # actor: Deployment pipeline  # a role or a system, never a person's name
    # evidence: https://...       # a URL, a text, or a list of either

root_causes: []                   # each: description (Markdown), category ({categories}), five_whys (3 or more)

contributing_factors: []          # each: description, category ({factors})

went_well: []
went_poorly: []

action_items: []                  # each: description, owner, priority ({priorities}), due (YYYY-MM-DD),
                                  #   status ({statuses}), success_criteria, ticket (http(s) URL)

related: []                       # ids of related incidents
links: []                         # each: title, url
"""


def _unique_id(folder: Path, wanted: str, settings: Settings) -> str:
    taken = set()
    if folder.is_dir():
        for path in discover(folder):
            loaded = load_file(path, settings)
            if loaded.raw_id:
                taken.add(loaded.raw_id.lower())
    candidate, n = wanted, 1
    while candidate.lower() in taken:
        n += 1
        candidate = f"{wanted}-{n}"
    return candidate


def scaffold(
    folder: Path,
    *,
    title: str,
    day: dt.date,
    settings: Settings,
    severity: str | int | None = None,
    services: list[str] | None = None,
    doc_id: str | None = None,
    schema_dir: Path | None = None,
) -> Path:
    """Write the draft and return its path. Refuses to overwrite (FileExistsError)."""
    levels = list(settings.severities)
    if severity is None:
        level: int | str = levels[-1]
    else:
        matches = [lv for lv in levels if str(lv) == str(severity)]
        if not matches:
            raise ValueError(f"--severity must be one of {', '.join(str(lv) for lv in levels)}, got {severity!r}")
        level = matches[0]
    if "\n" in title or not title.strip():
        raise ValueError("--title must be a single, non-empty line")
    folder.mkdir(parents=True, exist_ok=True)
    ident = _unique_id(folder, doc_id or f"INC-{day.year}-{day.month:02d}{day.day:02d}", settings)
    path = folder / f"{day.isoformat()}-{slugify(title)[:60].strip('-')}.yaml"
    schema_file = (schema_dir / "postmortem.schema.json") if schema_dir else None
    schema = os.path.relpath(schema_file, path.parent) if schema_file and schema_file.exists() else SCHEMA_ID
    text = TEMPLATE.format(
        schema=schema,
        path=path,
        id=ident,
        title=json.dumps(title.strip(), ensure_ascii=False),
        severity=json.dumps(level),
        severities=", ".join(f"{k} = {v}" for k, v in settings.severities.items()),
        day=day.isoformat(),
        detection=settings.detection_methods[0],
        detections=" | ".join(settings.detection_methods),
        services=json.dumps(services or ["TODO-service"], ensure_ascii=False),
        kinds=", ".join(["trigger", "detection", "escalation", "decision", "mitigation", "resolution", "communication", "other"]),
        categories=", ".join(settings.root_cause_categories),
        factors=", ".join(settings.factor_categories),
        priorities=" | ".join(settings.priorities),
        statuses=" | ".join(settings.action_statuses),
    )
    with open(path, "x", encoding="utf-8") as fh:  # "x": never overwrite
        fh.write(text)
    return path
