"""Walk a document and list the text each value must show on its page."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any, Iterator

import yaml

from pmsite.render import format_number, format_timestamp

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
                yield path, f"{label}: {'yes' if value else 'no'}"
            elif key == "near_miss" and value:
                yield path, "Near miss"
        elif isinstance(value, (dt.datetime,)):
            yield path, format_timestamp(value)
        elif isinstance(value, dt.date):
            yield path, value.isoformat()
        elif isinstance(value, (int, float)):
            yield path, format_number(value)
        elif isinstance(value, str):
            if key in ("at", "started_at", "detected_at", "mitigated_at", "resolved_at"):
                yield path, _timestamp(value)
            else:
                yield path, plain(value)

    yield from walk(doc, "", "")


def plain(markdown: str) -> str:
    """The visible text of simple Markdown (links, emphasis, code), whitespace folded."""
    text = re.sub(r"\[([^\]]*)\]\([^)]*\)", r"\1", markdown)
    text = re.sub(r"(\*\*|__|\*|`)", "", text)
    return " ".join(text.split())


def normalise(text: str) -> str:
    return " ".join(text.replace("\u00a0", " ").split())


def load_yaml(path: Any) -> dict[str, Any]:
    with open(path, encoding="utf-8") as fh:
        return yaml.load(fh, Loader=yaml.SafeLoader)
