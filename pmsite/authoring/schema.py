"""The JSON Schema (draft 2020-12) of the format, generated from the model.

Editors use it to complete and check fields while authors type
(``# yaml-language-server: $schema=...`` at the top of a file). The schema
starts from ``Document.model_json_schema()``; this module adds what the model
checks in code: the values the configuration defines (as ``enum``), formats
and patterns, minimum counts and the rules that depend on ``status``.

The build remains the authority (it also checks cross-field times and ids
across files); the schema is for completion and early feedback.
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

from pmsite.dates import DATE_PATTERN, TIMESTAMP_PATTERN
from pmsite.format.document import Document
from pmsite.format.ids import ACTION_ID_SCHEMA_PATTERN, ID_SCHEMA_PATTERN
from pmsite.settings import DOCUMENT_STATUSES, TIMELINE_KINDS, Settings
from pmsite.text import HTTP_URL_SCHEMA_PATTERN

SCHEMA_ID = "https://pmsite.invalid/schema/postmortem-v1.json"
DRAFT_2020_12 = "https://json-schema.org/draft/2020-12/schema"


def schema_ref(schema_file: Path | None, folder: Path) -> str:
    """How a new file in ``folder`` names its schema: a relative path to the site's copy, else the schema's id."""
    if schema_file is not None and schema_file.is_file():
        return Path(os.path.relpath(schema_file.resolve(), folder.resolve())).as_posix()
    return SCHEMA_ID


def _prop(schema: dict[str, Any], definition: str | None, name: str) -> dict[str, Any]:
    holder = schema["$defs"][definition] if definition else schema
    prop: dict[str, Any] = holder["properties"][name]
    return prop


def _branches(prop: dict[str, Any]) -> list[dict[str, Any]]:
    """The property itself and, for an optional field, its non-null alternatives."""
    return [prop, *(alt for alt in prop.get("anyOf", []) if alt.get("type") != "null")]


def _set_enum(prop: dict[str, Any], values: list[Any]) -> None:
    """Replace a property's type with an enum, keeping ``null`` when the field is optional."""
    nullable = any(alt.get("type") == "null" for alt in prop.get("anyOf", []))
    for key in ("anyOf", "type", "enum"):
        prop.pop(key, None)
    prop["enum"] = [*values, None] if nullable else list(values)


def _update_typed(prop: dict[str, Any], type_name: str, **keywords: Any) -> None:
    """Add keywords to the branch of ``prop`` of the given JSON type."""
    for target in _branches(prop):
        if target.get("type") == type_name:
            target.update(keywords)


def _not_null(name: str) -> dict[str, Any]:
    return {"required": [name], "properties": {name: {"not": {"type": "null"}}}}


def build_schema(settings: Settings | None = None) -> dict[str, Any]:
    """The schema for a site with these settings (the defaults when None)."""
    settings = settings or Settings()
    schema: dict[str, Any] = Document.model_json_schema(mode="validation")
    schema["$schema"] = DRAFT_2020_12
    schema["$id"] = SCHEMA_ID
    schema["title"] = "Post-mortem (pmsite format version 1)"
    schema["description"] = (
        "One post-mortem: the YAML file an author writes under content/incidents/. "
        "Generated from pmsite's model; the build remains the authority."
    )

    # Values the configuration defines.
    _set_enum(_prop(schema, None, "status"), list(DOCUMENT_STATUSES))
    _set_enum(_prop(schema, None, "severity"), list(settings.severities))
    _set_enum(_prop(schema, None, "detection"), list(settings.detection_methods))
    _set_enum(_prop(schema, "TimelineEvent", "kind"), list(TIMELINE_KINDS))
    _set_enum(_prop(schema, "RootCause", "category"), list(settings.root_cause_categories))
    _set_enum(_prop(schema, "ContributingFactor", "category"), list(settings.factor_categories))
    _set_enum(_prop(schema, "ActionItem", "priority"), list(settings.priorities))
    _set_enum(_prop(schema, "ActionItem", "status"), list(settings.action_statuses))

    # Formats: dates and timestamps (the model's types give them; made explicit so they cannot drift).
    for definition, name, fmt in (
        (None, "started_at", "date-time"),
        (None, "detected_at", "date-time"),
        (None, "mitigated_at", "date-time"),
        (None, "resolved_at", "date-time"),
        (None, "review_meeting_on", "date"),
        (None, "published_on", "date"),
        ("TimelineEvent", "at", "date-time"),
        ("ActionItem", "due", "date"),
        ("ActionItem", "completed_on", "date"),
    ):
        pattern = TIMESTAMP_PATTERN if fmt == "date-time" else DATE_PATTERN  # the model's one rule, not all of RFC 3339
        _update_typed(_prop(schema, definition, name), "string", format=fmt, pattern=pattern)
    for definition, name in (("ActionItem", "ticket"), ("Link", "url")):
        _update_typed(_prop(schema, definition, name), "string", format="uri", pattern=HTTP_URL_SCHEMA_PATTERN)

    # Patterns and bounds the model checks in code.
    _prop(schema, None, "id")["pattern"] = ID_SCHEMA_PATTERN
    _prop(schema, None, "related")["items"] = {"type": "string", "pattern": ID_SCHEMA_PATTERN}
    _prop(schema, None, "checklist_ignore")["items"] = {"type": "string", "pattern": "^PM[0-9]{3}$"}
    _update_typed(_prop(schema, "ActionItem", "id"), "string", pattern=ACTION_ID_SCHEMA_PATTERN)
    _update_typed(_prop(schema, "Impact", "users_affected_pct"), "number", minimum=0, maximum=100)
    _update_typed(_prop(schema, "Impact", "users_affected"), "integer", minimum=0)
    for name in ("services", "authors", "timeline"):
        _prop(schema, None, name)["minItems"] = 1
    evidence = _prop(schema, "TimelineEvent", "evidence")
    item = dict(evidence.get("items", {"type": "string"}))
    evidence.clear()
    evidence.update(
        description="A string, a URL, or a list of either.",
        anyOf=[item, {"type": "array", "items": item}],
    )

    # Rules that depend on the status.
    schema["allOf"] = [
        {
            "if": {"required": ["status"], "properties": {"status": {"not": {"const": "draft"}}}},
            "then": {
                "required": ["resolved_at"],
                "properties": {
                    "resolved_at": {"not": {"type": "null"}},
                    "root_causes": {"minItems": 1},
                    "action_items": {"minItems": 1},
                },
            },
        },
        {
            "if": {"required": ["status"], "properties": {"status": {"const": "published"}}},
            "then": _not_null("published_on"),
        },
    ]
    schema["$defs"]["ActionItem"]["allOf"] = [
        {
            "if": {"required": ["status"], "properties": {"status": {"enum": sorted(settings.closed_statuses)}}},
            "then": _not_null("completed_on"),
        }
    ]
    return schema


def schema_text(settings: Settings | None = None) -> str:
    """The schema as committed: sorted keys, two-space indent, a trailing newline."""
    return json.dumps(build_schema(settings), indent=2, sort_keys=True, ensure_ascii=False) + "\n"
