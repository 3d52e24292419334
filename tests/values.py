"""Walk a document and list the text each value must show on its page."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator
from typing import Any

import yaml

from pmsite.site.formatting import format_number, format_timestamp

# Flags render as words next to their label rather than as the raw value.
FLAG_LABELS = {
    "prevents_recurrence": "prevents recurrence",
    "improves_detection": "improves detection",
    "improves_response": "improves response",
    "near_miss": "near miss",
}


def _timestamp(value: str) -> str:
    return format_timestamp(dt.datetime.fromisoformat(value))


def expected_texts(doc: dict[str, Any]) -> Iterator[tuple[str, str]]:
    """(field path, text that must appear) for every value an author wrote."""

    def walk(value: Any, path: str, key: str) -> Iterator[tuple[str, str]]:
        if isinstance(value, dict):
            for k, v in value.items():
                yield from walk(v, f"{path}.{k}" if path else k, k)
        elif isinstance(value, list):
            for i, v in enumerate(value):
                yield from walk(v, f"{path}[{i}]", key)
        elif isinstance(value, bool):
            label = FLAG_LABELS.get(key)
            if label and key != "near_miss":
                yield path, normalise(f"{label}: {'yes' if value else 'no'}")
            elif key == "near_miss" and value:
                yield path, "Nearmiss"
        elif isinstance(value, (dt.datetime,)):
            yield path, normalise(format_timestamp(value))
        elif isinstance(value, dt.date):
            yield path, value.isoformat()
        elif isinstance(value, (int, float)):
            yield path, format_number(value)
        elif isinstance(value, str):
            if key in ("at", "started_at", "detected_at", "mitigated_at", "resolved_at"):
                yield path, normalise(_timestamp(value))
            elif MARKDOWN.match(path):
                yield path, normalise(plain(value))
            else:
                yield path, normalise(value)

    yield from walk(doc, "", "")


# Fields the format defines as Markdown; every other string is shown exactly as written.
MARKDOWN = re.compile(
    r"^(summary|impact\.description|timeline\[\d+\]\.event|root_causes\[\d+\]\.description|"
    r"contributing_factors\[\d+\]\.description|went_well\[\d+\]|went_poorly\[\d+\]|action_items\[\d+\]\.description)$"
)


def plain(markdown: str) -> str:
    """The visible text of simple Markdown: code spans verbatim, link texts, no emphasis markers."""
    out = []
    for i, part in enumerate(markdown.split("`")):
        if i % 2:
            out.append(part)  # inside a code span
        else:
            part = re.sub(r"\[([^\]]*)\]\([^)]*\)", r"\1", part)
            out.append(re.sub(r"(\*\*|__|\*)", "", part))
    return " ".join("".join(out).split())


def normalise(text: str) -> str:
    """Whitespace removed: the page's text splits inline markup into separate strings."""
    return "".join(text.replace("\u00a0", " ").split())


def load_yaml(path: Any) -> dict[str, Any]:
    with open(path, encoding="utf-8") as fh:
        return yaml.load(fh, Loader=yaml.SafeLoader)
