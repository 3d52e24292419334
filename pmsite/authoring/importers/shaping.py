"""Every value a draft holds, shaped to the format's own limits and then checked by the format's own types.

A record may hold anything its tool allows: 40,000 characters in a message, a pasted block
nested deeper than Markdown may be, a URL the format cannot parse. Each value is shortened,
flattened or escaped until the field type of :mod:`pmsite.format.fields` accepts it, or it is
left out; either way the reason becomes a TODO. What these functions return therefore
validates, so a draft cannot fail on one of its values.
"""

from __future__ import annotations

import re
from typing import Any

from pydantic import TypeAdapter, ValidationError

from pmsite.authoring.importers.untrusted import clean, shorten
from pmsite.format.fields import MAX_LINE_CHARS, MAX_TEXT_CHARS, MAX_URL_CHARS, EvidenceItem, Markdown, OneLine, Url
from pmsite.format.markdown_shape import MAX_MARKDOWN_DEPTH

_ONE_LINE: TypeAdapter[str] = TypeAdapter(OneLine)
_MARKDOWN: TypeAdapter[str] = TypeAdapter(Markdown)
_URL: TypeAdapter[str] = TypeAdapter(Url)
_EVIDENCE: TypeAdapter[str] = TypeAdapter(EvidenceItem)

_MARKER = re.compile(r"(?:[-*+]|\d{1,9}[.)])(?= |$)")  # a list item's marker, as Markdown nests on it
_ESCAPABLE = re.compile(r"([\\`*_{}\[\]()>#+\-.!])")  # what Python-Markdown lets a backslash escape

FLATTENED = f"nesting flattened to the format's {MAX_MARKDOWN_DEPTH} levels"
ESCAPED = "Markdown characters escaped so that the text renders as written"


def problem(adapter: TypeAdapter[Any], value: str) -> str | None:
    """What the format says of ``value`` as this field type, or None when it accepts it."""
    try:
        adapter.validate_python(value)
    except ValidationError as exc:
        return str(exc.errors(include_url=False)[0]["msg"])
    return None


def line_problem(value: str) -> str | None:
    """What the format says of ``value`` as a one-line field (title, role, service), or None."""
    return problem(_ONE_LINE, value)


def one_line(value: Any) -> tuple[str, str]:
    """A title, a link's text: one line of at most 200 characters, or "" when nothing is left; and a TODO."""
    text = clean(value, one_line=True)
    short = shorten(text, MAX_LINE_CHARS)
    if not short or problem(_ONE_LINE, short) is not None:
        return "", ""
    return short, (f"shortened to the format's {MAX_LINE_CHARS} characters" if short != text else "")


def markdown(text: str) -> tuple[str, list[str]]:
    """A Markdown text the format accepts (as written, flattened, or escaped; shortened if needed), or ""; and TODOs."""
    if not text:
        return "", []
    flat = flatten(text)
    tries = [(text, "")]
    if flat != text:
        tries.append((flat, FLATTENED))
    tries.append((flatten(_ESCAPABLE.sub(r"\\\1", text)), ESCAPED))  # escaped: nothing left to nest or to open
    for candidate, todo in tries:
        short = shorten(candidate, MAX_TEXT_CHARS)
        if problem(_MARKDOWN, short) is None:
            todos = [todo] if todo else []
            if short != candidate:
                todos.append(f"text shortened to the format's {MAX_TEXT_CHARS:,} characters (it had {len(text):,})")
            return short, todos
    return "", ["text left out: the format would not accept it"]


def flatten(text: str) -> str:
    """Lines nested deeper than the format allows (indentation, quotes, list markers) brought back to its limit."""
    return "\n".join(_flat(line) for line in text.split("\n"))


def _depth(line: str) -> int:
    body = line.lstrip(" ")
    depth = (len(line) - len(body)) // 4
    while body:
        if body[0] == ">":
            body = body[1:].lstrip(" ")
        elif marker := _MARKER.match(body):
            body = body[marker.end():].lstrip(" ")
        else:
            break
        depth += 1
    return depth


def _flat(line: str) -> str:
    if _depth(line) <= MAX_MARKDOWN_DEPTH:
        return line
    body = line.lstrip(" ")
    capped = " " * min(len(line) - len(body), 4 * MAX_MARKDOWN_DEPTH) + body
    if _depth(capped) <= MAX_MARKDOWN_DEPTH:
        return capped
    return capped[: len(capped) - len(body)] + "\\" + body  # the first marker escaped: nothing nests after it


def web_url(value: str) -> tuple[str, str]:
    """An http(s) URL the format accepts, or "" and why it was left out."""
    url = value.strip()
    if len(url) > MAX_URL_CHARS:
        return "", f"longer than the format's {MAX_URL_CHARS:,} characters"
    if problem(_URL, url) is not None:
        return "", "not a valid http(s) URL"
    return url, ""


def evidence_text(value: str) -> tuple[str, str]:
    """Evidence that is not a link: text the format accepts, or ""; and a TODO when shortened or left out."""
    text = shorten(value, MAX_TEXT_CHARS)
    if not text:
        return "", ""
    if problem(_EVIDENCE, text) is not None:
        return "", "evidence left out: only http(s) links and plain text are kept"
    return text, (f"evidence shortened to the format's {MAX_TEXT_CHARS:,} characters" if text != value else "")
