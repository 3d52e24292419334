"""The table of contents of a generated page, from the section headings its templates wrote."""

from __future__ import annotations

import re
from html import unescape as html_unescape
from typing import Any

_HEADING = re.compile(r'<h([23]) id="([^"]+)"[^>]*>(.*?)</h\1>', re.DOTALL)

_TAG = re.compile(r"<[^>]+>")

_COUNT = re.compile(r'<span class="pm-count">[^<]*</span>')  # a badge beside a heading, not part of its name



def headings(html: str) -> list[tuple[int, str, str]]:
    """(level, id, text) of every h2/h3 with an id: the templates' own section headings.

    Author Markdown never yields an ``id`` (the sanitiser drops it), so only
    headings the templates wrote enter the table of contents.
    """
    found = []
    for match in _HEADING.finditer(html):
        text = html_unescape(_TAG.sub("", _COUNT.sub("", match.group(3))))
        found.append((int(match.group(1)), match.group(2), " ".join(text.split())))
    return found



def toc_tokens(found: list[tuple[int, str, str]]) -> list[dict[str, Any]]:
    """Nest (level, id, title) headings the way Python-Markdown's ``toc_tokens`` does."""
    root: list[dict[str, Any]] = []
    stack: list[dict[str, Any]] = []
    for level, ident, title in found:
        token: dict[str, Any] = {"level": level, "id": ident, "name": title, "children": []}
        while stack and stack[-1]["level"] >= level:
            stack.pop()
        (stack[-1]["children"] if stack else root).append(token)
        stack.append(token)
    return root
