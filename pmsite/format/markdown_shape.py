"""Which Markdown the renderer is given: shapes that would be slow or unsafe to render are refused."""

from __future__ import annotations

import re

MAX_MARKDOWN_DEPTH = 16  # nested lists, blockquotes and indentation levels

MAX_BRACKET_DEPTH = 16  # nested '[' ... ']'

MAX_OPEN_BRACKETS = 50  # '[' or '](' left open within a paragraph



_LIST_MARKER = re.compile(r"(?:[-*+]|\d{1,9}[.)])(?=[ \t]|$)")



_BLANK_LINE = re.compile(r"[ \t]*\n")  # the rest of a line that Python-Markdown reads as blank



def markdown_shape(text: str) -> str | None:
    """Why ``text`` would be slow or unsafe to render as Markdown, or None.

    Python-Markdown recurses once per level of nested lists and quotes
    (RecursionError past a few hundred) and re-reads the rest of a paragraph for
    every '[' or '](' that is not closed (quadratic: thousands take minutes).
    Both are capped far above what prose needs.
    """
    for number, line in enumerate(text.split("\n"), start=1):
        expanded = line.expandtabs(4)
        body = expanded.lstrip(" ")
        depth = (len(expanded) - len(body)) // 4
        while body:
            if body[0] == ">":
                body = body[1:].lstrip(" ")
            else:
                marker = _LIST_MARKER.match(body)
                if marker is None:
                    break
                body = body[marker.end():].lstrip(" ")
            depth += 1
        if depth > MAX_MARKDOWN_DEPTH:
            return (f"expected Markdown nested at most {MAX_MARKDOWN_DEPTH} levels deep (lists, quotes, "
                    f"4-space indentation), got {depth} at line {number} of the text")
    brackets: list[int] = []
    parens = 0
    open_total = 0
    escaped = False
    for i, ch in enumerate(text):
        if ch == "\n":  # before escapes: a backslash at the end of a line does not hide the line break
            escaped = False
            if _BLANK_LINE.match(text, i + 1):  # a blank line (spaces and tabs count as blank) ends the paragraph
                open_total += len(brackets) + parens
                brackets.clear()
                parens = 0
        elif escaped:
            escaped = False
        elif ch == "\\":
            escaped = True
        elif ch == "[":
            brackets.append(i)
            if len(brackets) > MAX_BRACKET_DEPTH:
                return f"expected '[' brackets nested at most {MAX_BRACKET_DEPTH} deep, got deeper at character {i + 1}"
        elif ch == "]":
            if brackets:
                brackets.pop()
            if text.startswith("(", i + 1):
                parens += 1
        elif ch == ")" and parens:
            parens -= 1
    open_total += len(brackets) + parens
    if open_total > MAX_OPEN_BRACKETS:
        return (f"expected at most {MAX_OPEN_BRACKETS} unclosed '[' or '](' (each makes rendering re-read the "
                f"rest of the paragraph), got {open_total}: escape a literal bracket as \\[")
    return None
