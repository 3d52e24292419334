"""Text from a tool's export: untrusted, so cleaned before anything else looks at it.

:func:`clean` is the one character rule of the importers: what it removes never reaches
a draft, a message or a comment.
"""

from __future__ import annotations

import json
import re
from typing import Any

from pmsite.text import is_invisible

_LINE_BREAKS = str.maketrans({"\r": "\n", "\x85": "\n", "\u2028": "\n", "\u2029": "\n", "\t": " ", "\v": " ", "\f": " "})
# Terminal colour and hyperlink sequences (CSI and OSC, 7- and 8-bit) in pasted CI output: removed whole.
_ANSI = re.compile(r"(?:\x1b\[|\x9b)[0-?]*[ -/]*[@-~]|(?:\x1b\]|\x9d)[^\x07\x1b\x9c]*(?:\x07|\x1b\\|\x9c)")
# Control characters, unpaired surrogates, bidirectional overrides, BOMs and non-characters:
# invisible or misleading in a review, and some are not allowed in YAML at all.
_UNSAFE = re.compile("[\x00-\x09\x0b-\x1f\x7f-\x9f\ud800-\udfff\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069\ufeff\ufffe\uffff]")


def clean(value: Any, *, one_line: bool = False, limit: int = 0) -> str:
    """Text from a record made safe to write; anything but a string becomes "".

    Colour codes and unsafe characters are removed, line breaks made plain, and what shows
    nothing at either end is trimmed. Markdown and HTML are kept as written: they are text
    to the draft, and the site sanitises what it renders.
    """
    if not isinstance(value, str):
        return ""
    text = _UNSAFE.sub("", _ANSI.sub("", value).replace("\r\n", "\n").translate(_LINE_BREAKS))
    joined = "\n".join(line.rstrip() for line in text.split("\n"))
    text = " ".join(joined.split()) if one_line else re.sub(r"\n{3,}", "\n\n", joined)
    start, end = 0, len(text)
    while start < end and is_invisible(text[start]):
        start += 1
    while end > start and is_invisible(text[end - 1]):
        end -= 1
    return shorten(text[start:end], limit) if limit else text[start:end]


def shorten(text: str, limit: int) -> str:
    """At most ``limit`` characters, the last an ellipsis when something was cut."""
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def shown(value: Any) -> str:
    """A value from a record, quoted for a message: one line, bounded, no control characters."""
    if isinstance(value, str):
        return json.dumps(clean(value, one_line=True, limit=80), ensure_ascii=False)
    if value is None:
        return "nothing (null)"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float)):
        return repr(value)
    if isinstance(value, dict):
        return "an object"
    return "a list" if isinstance(value, list) else type(value).__name__


def dig(value: Any, *keys: str | int) -> Any:
    """``value[k1][k2]...`` or None when any step is missing or of another type."""
    for key in keys:
        if isinstance(key, int):
            value = value[key] if isinstance(value, list) and -len(value) <= key < len(value) else None
        else:
            value = value.get(key) if isinstance(value, dict) else None
        if value is None:
            return None
    return value


def key_of(value: Any) -> str:
    """How the mapping compares names: case and spacing do not matter."""
    return " ".join(str(value).split()).casefold()
