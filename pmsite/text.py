"""Rules about text shared by every layer: which characters text may hold, slugs, plurals, plain text, URLs.

Each rule has one home here; the model, the configuration, the charts, the outputs and the
importers ask it rather than keep a copy that could drift.
"""

from __future__ import annotations

import re
import unicodedata

# Characters no post-mortem needs and that make outputs ill-formed or misleading: C0 controls
# (tab and line feed are allowed where text may span lines), DEL, C1 controls, lone surrogates,
# bidirectional embeddings, overrides and isolates (they make text display other than it reads),
# line and paragraph separators, and the non-characters U+FFFE and U+FFFF (not allowed in XML).
FORBIDDEN = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\ud800-\udfff\u202a-\u202e\u2066-\u2069\u2028\u2029\ufffe\uffff]")

FORBIDDEN_IN_LINE = re.compile("[\t\n" + FORBIDDEN.pattern[1:])

BIDI = frozenset("\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")

_CHAR_NAMES = {"\t": "a tab", "\n": "a line break", "\r": "a carriage return", "\x1b": "an escape character (ESC)",
               "\x00": "a null character (NUL)", "\x7f": "a delete character (DEL)", "\u2028": "a line separator",
               "\u2029": "a paragraph separator"}

# Characters that show nothing: blank or zero-width (format characters such as U+200B) and fillers.
FILLERS = frozenset("\u115f\u1160\u3164\uffa0\u2800")



def describe_char(ch: str) -> str:
    """A forbidden character as a message names it: ``a tab (U+0009)``, ``the bidirectional formatting character U+202E``."""
    code = f"U+{ord(ch):04X}"
    if ch in _CHAR_NAMES:
        return f"{_CHAR_NAMES[ch]} ({code})"
    if ch in BIDI:
        return f"the bidirectional formatting character {code}"
    if 0xD800 <= ord(ch) <= 0xDFFF:
        return f"a lone surrogate ({code})"
    if ch in "\ufffe\uffff":
        return f"the non-character {code}"
    return f"the control character {code}"



def is_invisible(ch: str) -> bool:
    """A character that shows nothing: white space, a format or control character, a filler."""
    return ch.isspace() or ch in FILLERS or unicodedata.category(ch) in ("Cf", "Cc", "Zs", "Zl", "Zp")


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


# An http(s) URL: the only links pmsite writes from what authors or trackers wrote. A scheme (any case),
# a host, then no white space; surrounding white space is not part of it.
_HTTP_URL = re.compile(r"https?://[^\s/?#]+\S*\Z", re.IGNORECASE)
HTTP_URL_SCHEMA_PATTERN = r"^\s*[Hh][Tt][Tt][Pp][Ss]?://[^\s/?#]+\S*\s*$"  # the same rule for the JSON Schema
# Text that looks like a URL of any scheme (``ftp://x``, ``javascript:x``), as opposed to prose; a name
# before a number (``note:5``, ``db-1:5432``) is not a scheme.
_URL_LIKE = re.compile(r"[A-Za-z][A-Za-z0-9+.-]*:\S*\Z")
_NAME_AND_NUMBER = re.compile(r"[A-Za-z0-9_-]+:\d")


def is_http_url(value: str) -> bool:
    """Whether ``value`` is an http(s) URL that may become a link (the one rule for the model, the
    sanitiser, the templates, the outputs and the importers)."""
    return bool(_HTTP_URL.match(value.strip()))


def looks_like_url(value: str) -> bool:
    """Whether ``value`` is written as a URL of some scheme rather than as text (evidence may be either)."""
    text = value.strip()
    return bool(_URL_LIKE.match(text)) and not _NAME_AND_NUMBER.match(text)


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


_MD_SPECIAL = re.compile(r"([\\`*_\[\]|~])")


def markdown_cell(text: str) -> str:
    """A table cell shown as the text it is: HTML escaped, Markdown punctuation and pipes backslash-escaped."""
    flat = " ".join(text.splitlines())
    return _MD_SPECIAL.sub(r"\\\1", flat.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;"))
