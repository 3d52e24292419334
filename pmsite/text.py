"""Rules about text shared by every layer: characters a post-mortem may hold."""

from __future__ import annotations

import re
import unicodedata

# Characters no post-mortem needs and that make outputs ill-formed or misleading: C0 controls
# (tab and line feed are allowed where text may span lines), DEL, C1 controls, lone surrogates,
# bidirectional embeddings, overrides and isolates (they make text display other than it reads),
# line and paragraph separators, and the non-characters U+FFFE and U+FFFF (not allowed in XML).
_FORBIDDEN = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\ud800-\udfff\u202a-\u202e\u2066-\u2069\u2028\u2029\ufffe\uffff]")

_FORBIDDEN_IN_LINE = re.compile("[\t\n" + _FORBIDDEN.pattern[1:])

_BIDI = frozenset("\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")

_CHAR_NAMES = {"\t": "a tab", "\n": "a line break", "\r": "a carriage return", "\x1b": "an escape character (ESC)",
               "\x00": "a null character (NUL)", "\x7f": "a delete character (DEL)", "\u2028": "a line separator",
               "\u2029": "a paragraph separator"}

# Characters that show nothing: blank or zero-width (format characters such as U+200B) and fillers.
_FILLERS = frozenset("\u115f\u1160\u3164\uffa0\u2800")



def _describe(ch: str) -> str:
    code = f"U+{ord(ch):04X}"
    if ch in _CHAR_NAMES:
        return f"{_CHAR_NAMES[ch]} ({code})"
    if ch in _BIDI:
        return f"the bidirectional formatting character {code}"
    if 0xD800 <= ord(ch) <= 0xDFFF:
        return f"a lone surrogate ({code})"
    if ch in "\ufffe\uffff":
        return f"the non-character {code}"
    return f"the control character {code}"



def _invisible(ch: str) -> bool:
    return ch.isspace() or ch in _FILLERS or unicodedata.category(ch) in ("Cf", "Cc", "Zs", "Zl", "Zp")


def slugify(value: str) -> str:
    """A URL- and class-safe slug: lower-case letters, digits and '-' only."""
    out = []
    for ch in value.lower():
        if ch.isascii() and ch.isalnum():
            out.append(ch)
        elif out and out[-1] != "-":
            out.append("-")
    slug = "".join(out).strip("-")
    return slug or "x" + "".join(f"{ord(c):x}" for c in value)[:40]


def is_http_url(value: str) -> bool:
    return bool(re.match(r"^https?://[^\s/]", value.strip(), re.IGNORECASE))


def plural(count: int, word: str, many: str | None = None) -> str:
    """``1 file``, ``2 files``, ``0 files``: a count with its noun (``many`` for an irregular plural)."""
    return f"{count} {word if count == 1 else (many or word + 's')}"


def join_words(words: list[str], last: str = "and") -> str:
    """``a``, ``a and b``, ``a, b and c``: a list as a sentence says it."""
    if len(words) <= 1:
        return "".join(words)
    return f"{', '.join(words[:-1])} {last} {words[-1]}"


_BLOCK_MARK = re.compile(r"^\s*(?:#{1,6}\s+|>\s*|[-*+]\s+|\d{1,9}[.)]\s+)")
_LINK = re.compile(r"!?\[([^\]]*)\]\([^)]*\)")
_AUTOLINK = re.compile(r"<(https?://[^>\s]+)>", re.IGNORECASE)
_INLINE_MARKS = re.compile(r"\*\*|__|\*|`|~~")


def plain_text(markdown: str, limit: int = 0, *, first_line: bool = False) -> str:
    """Author Markdown as one line of plain text: for descriptions, table cells, CSV and ticket titles.

    Block markers at the start of a line (headings, quotes, list markers) go, links and images
    keep their text, autolinks their URL, emphasis and code marks go; white space folds to
    single spaces. ``first_line``: only the first line that has text. ``limit``: at most so
    many characters, the last one an ellipsis. The result is text, escaped where it is used.
    """
    lines = [line for line in markdown.splitlines() if line.strip()]
    if first_line:
        lines = lines[:1]
    parts = []
    for line in lines:
        line = _BLOCK_MARK.sub("", line)
        line = _LINK.sub(r"\1", line)
        line = _AUTOLINK.sub(r"\1", line)
        parts.append(_INLINE_MARKS.sub("", line))
    text = " ".join(" ".join(parts).split())
    return text if not limit or len(text) <= limit else text[: limit - 1] + "…"
