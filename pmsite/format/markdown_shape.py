"""Which Markdown the renderer is given: shapes that would stall a build or overflow a stack are refused.

Python-Markdown's cost of an inline run (a paragraph, list item, heading or table row) grows
with the number of some constructs in it times the run's length, and each released version
has its own: 3.11.4 re-reads a run once per link, 3.5 to 3.10 retry an unclosed bracket after
every later link and search ``__`` in cubic time, every version's HTML parser scans from each
start tag to the next ``>``. Emphasis nests without limit in 3.11, and each level is a level
of recursion. Capping each count per run bounds every version's work on a field whatever its
shape (a document of the worst fields the caps allow renders in about 1.2 s on the slowest
version), and keeps nesting some 160 elements deep, far from any recursion limit, while
leaving room for any real prose. ``scripts/markdown_limits.py`` measures every construct and
version, and ``scripts/markdown-limits.md`` records the limits found.
"""

from __future__ import annotations

import re

MAX_MARKDOWN_DEPTH = 16  # nested lists, blockquotes and indentation levels
MAX_BRACKET_DEPTH = 16  # nested '[' ... ']'
# Per inline run (paragraph, list item, heading, table row):
MAX_BRACKETS = 50  # '[': links, images, references
MAX_OPEN_BRACKETS = 1  # '[' without its ']' within BRACKET_SPAN characters, or '](' without its ')'
MAX_STARS = 200  # '*': emphasis, strong
MAX_UNDERSCORES = 16  # '_' not between two letters or digits (snake_case words do not count)
MAX_BACKTICK_RUNS = 60  # runs of '`': 30 code spans
MAX_BACKTICK_RUN = 3  # the longest run of '`'
# Per field:
MAX_START_TAGS = 50  # '<' followed by a letter: HTML start tags and autolinks
MAX_HEADINGS = 100
BRACKET_SPAN = 300  # a '[' whose ']' is farther is re-read like an unclosed one

_LIST_MARKER = re.compile(r"(?:[-*+]|\d{1,9}[.)])(?=[ \t]|$)")
# Python-Markdown's fenced_code: top-level fences, removed before any inline parsing.
_FENCED = re.compile(r"^(?P<fence>`{3,}|~{3,})[^\n]*\n(?:.*?\n)?(?P=fence)[ ]*$", re.MULTILINE | re.DOTALL)
_BLANK_SPLIT = re.compile(r"\n[ \t]*\n")
_LIST_ITEM = re.compile(r"[ \t]*(?:[-*+]|\d{1,9}[.)])(?:[ \t]|$)")
_ATX = re.compile(r"[ ]{0,3}#{1,6}(?:[ \t]|$)")
_SETEXT = re.compile(r"[ ]{0,3}(?:=+|-+)[ \t]*$")
_TABLE_RULE = re.compile(r"[ \t]*\|?(?:[ \t]*:?-+:?[ \t]*\|)+(?:[ \t]*:?-+:?[ \t]*)?$|[ \t]*\|[ \t]*:?-+:?[ \t]*$")
_START_TAG = re.compile(r"(?<!\\)<[A-Za-z]")
_BACKTICKS = re.compile(r"`+")
_LONG_BACKTICKS = "`" * (MAX_BACKTICK_RUN + 1)


def markdown_shape(text: str) -> str | None:
    """Why ``text`` (one Markdown field) would be slow or unsafe to render, or None."""
    return _nesting(text) or _field_counts(text) or _runs(text)


def _nesting(text: str) -> str | None:
    """Python-Markdown recurses once per level of nested lists and quotes."""
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
    return None


def _field_counts(text: str) -> str | None:
    outside = _FENCED.sub("", text)
    tags = len(_START_TAG.findall(outside))
    if tags > MAX_START_TAGS:
        return (f"expected at most {MAX_START_TAGS} HTML tags ('<' and a letter) in one field, got {tags}: "
                "write '&lt;' for a literal '<'")
    lines = outside.split("\n")
    headings = sum(1 for i, line in enumerate(lines) if _ATX.match(line) or (i and lines[i - 1].strip() and _SETEXT.match(line)))
    if headings > MAX_HEADINGS:
        return f"expected at most {MAX_HEADINGS} headings in one field, got {headings}: move long material to a linked document"
    return None


def _runs(text: str) -> str | None:
    """The caps per inline run; a list item, a heading and a table row are paragraphs of their own here."""
    if not _may_exceed(text):
        return None
    for run, line in _inline_runs(text):
        problem = _run_problem(run)
        if problem is not None:
            expected, got, advice = problem
            return f"expected {expected}, got {got} in the paragraph at line {line} of the text: {advice}"
    return None


def _may_exceed(text: str) -> bool:
    """Whether any run could break a cap, judged from the whole field's counts (C speed): a run holds no more
    than the field, so a field within every cap needs no closer look, and most fields are."""
    return (text.count("[") > 0 or text.count("*") > MAX_STARS or text.count("_") > MAX_UNDERSCORES
            or _LONG_BACKTICKS in text or text.count("`") > MAX_BACKTICK_RUNS)


def _inline_runs(text: str) -> list[tuple[str, int]]:
    """The parts of ``text`` Python-Markdown parses as one inline run each, or larger (never smaller), with
    the line each starts at. Blocks end at blank lines; a block that starts with a list item is split at
    every list item (a block that starts as a paragraph continues over a later ``- x`` line); a table at
    every row; an ATX heading line is a run of its own. Fenced code is left out, as fenced_code takes it
    out before any inline parsing."""
    runs: list[tuple[str, int]] = []
    without_fences = _FENCED.sub(lambda m: "\n" * m.group(0).count("\n"), text)  # lines keep their numbers
    line_no = 1
    for block in _BLANK_SPLIT.split(without_fences):
        lines = block.split("\n")
        table = len(lines) > 1 and "|" in lines[1] and bool(_TABLE_RULE.match(lines[1]))
        listed = bool(_LIST_ITEM.match(lines[0]))
        current: list[str] = []
        current_line = line_no
        for offset, line in enumerate(lines):
            number = line_no + offset
            if table or _ATX.match(line) or (listed and _LIST_ITEM.match(line)):
                if current:
                    runs.append(("\n".join(current), current_line))
                current, current_line = [line], number
                if table or _ATX.match(line):
                    runs.append((line, number))
                    current = []
            else:
                if not current:
                    current_line = number
                current.append(line)
        if current:
            runs.append(("\n".join(current), current_line))
        line_no += block.count("\n") + 2  # the block's lines and the blank line after it
    return runs


def _code_span_mask(run: str) -> list[bool]:
    """Characters inside code spans, when every backtick run pairs with a later run of its own length and
    no backslash touches a backtick: then every version pairs them alike, and nothing inside reaches the
    other inline patterns. Otherwise nothing is masked (counting more is always safe)."""
    mask = [False] * len(run)
    spans = [(m.start(), m.end()) for m in _BACKTICKS.finditer(run)]
    if not spans or "\\`" in run or "`\\" in run:
        return mask
    following: list[int | None] = [None] * len(spans)  # the next run of the same length
    seen: dict[int, int] = {}
    for j in range(len(spans) - 1, -1, -1):
        length = spans[j][1] - spans[j][0]
        following[j] = seen.get(length)
        seen[length] = j
    i = 0
    while i < len(spans):
        partner = following[i]
        if partner is None:
            return [False] * len(run)
        for k in range(spans[i][0], spans[partner][1]):
            mask[k] = True
        i = partner + 1
    return mask


def _run_problem(run: str) -> tuple[str, str, str] | None:
    """Why one inline run (a paragraph, list item, heading or table row) exceeds a cap, as (expected, got,
    advice): backslash-escaped characters and the inside of tidy code spans do not count, but the backtick
    runs themselves do."""
    ticks = [len(m.group()) for m in _BACKTICKS.finditer(run)]
    if ticks and max(ticks) > MAX_BACKTICK_RUN:
        return f"inline code between at most {MAX_BACKTICK_RUN} backticks", f"a run of {max(ticks)}", "use a fenced block for longer code"
    if len(ticks) > MAX_BACKTICK_RUNS:
        return f"at most {MAX_BACKTICK_RUNS} runs of backticks in one paragraph", f"{len(ticks)}", "split it"
    live = [not inside for inside in _code_span_mask(run)]
    n = len(run)
    brackets: list[int] = []  # every counted '['
    closing: dict[int, int] = {}  # '[' -> its ']'
    stack: list[int] = []
    stars = underscores = 0
    i = 0
    while i < n:
        ch = run[i]
        if not live[i]:
            i += 1
            continue
        if ch == "\\" and i + 1 < n:
            live[i + 1] = False
            i += 2
            continue
        if ch == "[":
            brackets.append(i)
            stack.append(i)
            if len(stack) > MAX_BRACKET_DEPTH:
                return f"'[' brackets nested at most {MAX_BRACKET_DEPTH} deep", "deeper", "close them, or escape a literal bracket as \\["
        elif ch == "]" and stack:
            closing[stack.pop()] = i
        elif ch == "*":
            stars += 1
        elif ch == "_" and not (0 < i < n - 1 and run[i - 1].isalnum() and run[i + 1].isalnum()):
            underscores += 1
        i += 1
    if len(brackets) > MAX_BRACKETS:
        return f"at most {MAX_BRACKETS} '[' (links, images) in one paragraph", f"{len(brackets)}", "split it"
    if stars > MAX_STARS:
        return f"at most {MAX_STARS} '*' in one paragraph", f"{stars}", "split it"
    if underscores > MAX_UNDERSCORES:
        return (f"at most {MAX_UNDERSCORES} '_' outside words and code in one paragraph", f"{underscores}",
                "use '*' for emphasis and `code` for names")
    opened = _open_brackets(run, live, brackets, closing)
    if opened > MAX_OPEN_BRACKETS:
        return (f"at most {MAX_OPEN_BRACKETS} '[' without its ']' or '](' without its ')' in one paragraph (each makes "
                "rendering re-read the rest of it)", f"{opened}", "escape a literal bracket as \\[")
    return None


def _open_brackets(run: str, live: list[bool], brackets: list[int], closing: dict[int, int]) -> int:
    """'[' whose ']' is missing or farther than BRACKET_SPAN, and '](' whose '(' never balances (every live
    parenthesis counts, as Python-Markdown counts them)."""
    if not brackets:
        return 0
    paren: dict[int, int] = {}
    parens: list[int] = []
    for k, ch in enumerate(run):
        if live[k] and ch == "(":
            parens.append(k)
        elif live[k] and ch == ")" and parens:
            paren[parens.pop()] = k
    count = 0
    for start in brackets:
        end = closing.get(start)
        unclosed = end is None or end - start > BRACKET_SPAN
        paren_open = end is not None and run.startswith("(", end + 1) and live[end + 1] and end + 1 not in paren
        count += unclosed or paren_open
    return count
