"""The JSON Schema (draft 2020-12) of the format, generated from the model.

Editors use it to complete and check fields while authors type
(``# yaml-language-server: $schema=...`` at the top of a file). Values the
configuration defines are filled in from the site's settings.
"""

from __future__ import annotations

import json
from typing import Any

from .model import Document
from .settings import DOCUMENT_STATUSES, TIMELINE_KINDS, Settings

SCHEMA_ID = "https://pmsite.invalid/schema/postmortem-v1.json"


def _prop(schema: dict[str, Any], definition: str | None, name: str) -> dict[str, Any]:
    holder = schema["$defs"][definition] if definition else schema
    return holder["properties"][name]


def _set_enum(prop: dict[str, Any], values: list[Any]) -> None:
    """Replace a property's type with an enum, keeping ``null`` when the field is optional."""
    nullable = any(alt.get("type") == "null" for alt in prop.get("anyOf", []))
    for key in ("anyOf", "type"):
        prop.pop(key, None)
    prop["enum"] = [*values, None] if nullable else list(values)


def build_schema(settings: Settings | None = None) -> dict[str, Any]:
    settings = settings or Settings()
    schema = Document.model_json_schema(mode="validation")
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    schema["$id"] = SCHEMA_ID
    schema["title"] = "Post-mortem (pmsite format version 1)"
    schema["description"] = "One post-mortem: the YAML file an author writes under content/incidents/."
    _set_enum(_prop(schema, None, "status"), list(DOCUMENT_STATUSES))
    _set_enum(_prop(schema, None, "severity"), list(settings.severities))
    _set_enum(_prop(schema, None, "detection"), list(settings.detection_methods))
    _set_enum(_prop(schema, "TimelineEvent", "kind"), list(TIMELINE_KINDS))
    _set_enum(_prop(schema, "RootCause", "category"), list(settings.root_cause_categories))
    _set_enum(_prop(schema, "ContributingFactor", "category"), list(settings.factor_categories))
    _set_enum(_prop(schema, "ActionItem", "priority"), list(settings.priorities))
    _set_enum(_prop(schema, "ActionItem", "status"), list(settings.action_statuses))
    for definition, name in (("ActionItem", "ticket"), ("Link", "url")):
        prop = _prop(schema, definition, name)
        for target in [prop, *prop.get("anyOf", [])]:
            if target.get("type") == "string":
                target.update(format="uri", pattern="^https?://")
    _prop(schema, None, "id")["pattern"] = "^[A-Za-z0-9_-]{3,64}$"
    evidence = _prop(schema, "TimelineEvent", "evidence")
    item = dict(evidence.get("items", {"type": "string"}))
    evidence.clear()
    evidence.update(
        description="A string, a URL, or a list of either.",
        anyOf=[item, {"type": "array", "items": item}],
    )
    return schema


def schema_text(settings: Settings | None = None) -> str:
    return json.dumps(build_schema(settings), indent=2, sort_keys=True, ensure_ascii=False) + "\n"
