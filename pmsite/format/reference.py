"""Every field of the format as (path, type, required, description): for the author guide and tests."""

from __future__ import annotations

import datetime as dt
from typing import Any

from pydantic import (
    BaseModel,
)

from pmsite.format.document import Document


def field_reference() -> list[tuple[str, str, bool, str]]:
    """Every field of the format as (path, type, required, description), for the guide and tests."""
    rows: list[tuple[str, str, bool, str]] = []

    def walk(model: type[BaseModel], prefix: str) -> None:
        for name, info in model.model_fields.items():
            path = f"{prefix}{name}"
            ann = info.annotation
            nested = nested_model(ann)
            rows.append((path, _type_name(ann), info.is_required(), info.description or ""))
            if nested is not None:
                walk(nested, path + ("[]." if _is_list(ann) else "."))

    walk(Document, "")
    return rows



def nested_model(ann: Any) -> type[BaseModel] | None:
    for candidate in _flatten(ann):
        if isinstance(candidate, type) and issubclass(candidate, BaseModel):
            return candidate
    return None



def _flatten(ann: Any) -> list[Any]:
    out = [ann]
    for arg in getattr(ann, "__args__", ()) or ():
        out.extend(_flatten(arg))
    meta = getattr(ann, "__origin__", None)
    if meta is not None:
        out.append(meta)
    return out



def _is_list(ann: Any) -> bool:
    return any(c is list for c in _flatten(ann))



def _type_name(ann: Any) -> str:
    flat = _flatten(ann)
    nested = nested_model(ann)
    if _is_list(ann):
        return f"list of {nested.__name__}" if nested else "list of strings"
    if nested:
        return "mapping"
    if dt.datetime in flat:
        return "timestamp"
    if dt.date in flat:
        return "date"
    if bool in flat:
        return "boolean"
    if int in flat and str in flat:
        return "level"
    if int in flat:
        return "integer"
    if float in flat:
        return "number"
    return "string"
