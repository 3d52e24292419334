#!/usr/bin/env python3
"""Where the installed Python-Markdown slows down or recurses too deeply.

Part 1, the constructs. For each inline construct (and a few block ones) the
script builds texts of that construct up to the size of one pmsite field
(20,000 characters), doubling from about 1,000 characters, and renders them
with the extensions MkDocs and pmsite's mkdocs.yml configure (toc with
permalinks, tables, fenced_code, admonition, attr_list), then sanitises with
nh3 when it is installed, as pmsite does. Times are CPU seconds of the process
(``time.process_time``, the best of up to three runs), so that other work on a
shared machine does not inflate them.

Shapes of a repeated construct U:

  para     one paragraph ``x U U U ...`` (one inline run)
  items    one list item per unit ``- x U`` (n inline runs)
  heading  one ATX heading ``# x U U ...`` (one inline run, and toc's slug)
  cells    one table row of n cells ``| x U | x U |...`` (n inline runs)
  gen      a text the construct builds itself for a count n

Columns: n and chars of the largest text rendered; seconds at n/2 and n;
ratio t(n)/t(n/2) (2 = linear, 4 = quadratic, 8 = cubic); est: seconds at
the cap, extrapolated with that ratio when the doubling stopped early because
the next text would take longer than --budget (marked ~); RecursionError:
``no``, or ``n>=X`` the smallest failing count in the main thread (called a
few frames deep; MkDocs calls Markdown about 23 frames deep, which lowers the
threshold by about as many levels); ``thread`` when a new thread with the
default stack size behaves differently; pmsite: whether pmsite's rule
(``markdown_shape``) refuses the largest text.

Part 2, the caps (``--proposal``, also run by default): the worst fields
pmsite's caps still allow, timed with this Markdown, and the depth of nested
emphasis at which a thread with a 128 KiB stack (musl's default, e.g. Alpine)
crashes.

Part 3 (``--fuzz SECONDS``, not run by default): hill-climbing from random
fields towards slower ones that pmsite's rule still accepts.

Each construct runs in its own process (a crash or a stall cannot stop the
table), one process at a time. Default runtime: two to four minutes (more on a busy machine).

    python scripts/markdown_limits.py                  # both parts
    python scripts/markdown_limits.py --only em,link   # some constructs
    python scripts/markdown_limits.py --no-proposal    # part 1 only
    python scripts/markdown_limits.py --json           # one JSON object a line

Only the standard library and markdown are required (nh3 optional): the caps
and the rule come from this checkout's pmsite/format/markdown_shape.py, which
needs nothing else.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import random
import re
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))  # this checkout's pmsite, in any environment

from pmsite.format import markdown_shape as caps  # noqa: E402
from pmsite.format.markdown_shape import markdown_shape  # noqa: E402

EXTENSIONS = ["toc", "tables", "fenced_code", "admonition", "attr_list"]  # MkDocs' three, then mkdocs.yml's
CONFIGS = {"toc": {"permalink": True}}
CAP = 20_000  # characters in one pmsite Markdown field
FIELDS = 5  # a document holds at most 100,000 characters: five fields at the cap
REF = "\n\n[b]: http://e.x/b"
FILL = "lorem ipsum dolor sit amet "

ALL_SHAPES = ("para", "items", "heading", "cells")
RUN = ("para", "items")
Spec = tuple[str | Callable[[int], str], tuple[str, ...], str]


def _ladder(n: int) -> str:  # backtick runs of 1..n ticks, none closed
    return "x " + " ".join("`" * k + "a" for k in range(1, n + 1))


def _headings_trick(n: int) -> str:  # toc must count up past a, a_1, ..., a_{n-1} for each later 'a'
    return "\n\n".join(["### a"] + [f"### a_{i}" for i in range(1, n)] + ["### a"] * n)


def _table_row(n: int) -> str:
    return "| " + " | ".join(["`a`"] * n) + " |\n" + "|---" * n + "|"


# name -> (unit or generator, shapes, note)
CONSTRUCTS: dict[str, Spec] = {
    # emphasis
    "em": ("*a*", ("para", "items", "heading"), ""),
    "strong": ("**a**", RUN, ""),
    "em_under": ("_a_", ("para",), ""),
    "strong_em": ("***a***", ("para",), ""),
    "mixed": ("*a* _b_ **c** __d__", ("para",), ""),
    "under_pairs": ("_b_ __d__", RUN, "3.10: '__' starts x '_' x paragraph (cubic)"),
    "under_cubic": (lambda n: "x " + "__x " * n + "_a_ " * n, (), "n '__x', n '_a_'"),
    "intraword_under": ("a_b_c", ("para",), "snake_case words"),
    "unclosed_em": ("*a", RUN, ""),
    "unclosed_strong": ("**a", ("para",), ""),
    "unclosed_under": ("_a", ("para",), ""),
    "lone_star": ("a *", ("para",), "a '*' between spaces"),
    "star_run": (lambda n: "x " + "*" * n + "a" + "*" * n, (), "n '*', a, n '*'"),
    "under_run": (lambda n: "x " + "_" * n + "a" + "_" * n, (), ""),
    "open_run": (lambda n: "x " + "*" * n + "a", (), "n '*' never closed"),
    "em_nested": (lambda n: "*a " * n + "b" + " c*" * n, (), "*a *a ... b c* c*: n levels of <em>"),
    "alt_nested": (lambda n: "*a _b " * n + "c" + " d_ e*" * n, (), "2n levels"),
    # links and images
    "link": ("[a](b)", ALL_SHAPES, ""),
    "link_title": ('[a](b "t")', ("para",), ""),
    "ref_link": ("[a][b]", RUN, "defined reference"),
    "ref_undefined": ("[a][c]", ("para",), "undefined reference"),
    "shortcut": ("[a]", ("para",), "undefined shortcut"),
    "image": ("![a](b)", ("para",), ""),
    "link_in_em": ("*[a](b)*", ("para",), ""),
    "link_nested": (lambda n: "x " + "[" * n + "a" + "](b)" * n, (), "[[[a](b)](b)](b)"),
    "em_link_nested": (lambda n: "x " + "*[" * n + "a" + "](b)*" * n, (), "*[*[a](b)*](b)*"),
    "unclosed_bracket": ("[a", ("para",), "'[' never closed"),
    "unclosed_paren": ("[a](b", ("para",), "'](' never closed"),
    "open_then_links": (lambda n: "x " + "[a " * n + "[a](b) " * n, (), "n unclosed '[', then n links"),
    "paren_then_links": (lambda n: "x " + "[a]((b) " * n + "[a](b) " * n, (), "n '[a]((b)' (open to Markdown), n links"),
    "far_then_links": (lambda n: "x " + "[ " * 16 + "[a](b) " * n + " ]" * 16, (), "16 '[' closed at the end, n links inside"),
    "paren_run": (lambda n: "x [a](" + "(" * n + "b" + ")" * n + ")", (), "one link, nested parens"),
    # other inline
    "autolink": ("<http://e.x/a>", ("para",), ""),
    "code": ("`a`", ALL_SHAPES, ""),
    "code_unclosed": ("`a", ("para",), "alternate '`' pair up"),
    "backtick_run": (lambda n: "x " + "`" * n + "a " + "b " * n, (), "one run of n backticks, never closed"),
    "backtick_ladder": (_ladder, (), "runs of 1..n backticks, none closed"),
    "code_cascade": (lambda n: "x ```a " + "````a```` " * n, (), "3.11: one unclosed run misaligns the rest"),
    "escape": ("\\*a\\*", ("para",), ""),
    "entity": ("&amp;", ("para",), ""),
    "html_span": ("<span>a</span>", ("para",), ""),
    "html_unclosed": ("<span>a", ("para",), ""),
    "html_mis": ("<b><i>a</b></i>", ("para",), "misnested formatting tags"),
    "start_tag_open": ("a <b c", ("para",), "'<' + letter, no '>': html.parser scans on"),
    "lt_http": ("a <http b", ("para",), "the same through an autolink-like start"),
    "html_comment_open": ("<!-- a", ("para",), "'<!--' never closed"),
    "span_nested": (lambda n: "x " + "<span>" * n + "a" + "</span>" * n, (), ""),
    "div_nested": (lambda n: "<div>" * n + "a" + "</div>" * n, (), "block-level raw HTML"),
    "attr_inline": ("*a*{: .c}", ("para",), "attr_list after an element"),
    "attr_brace": ("{: a", ("para",), "'{:' never closed"),
    "line_break": (lambda n: "x " + "a  \n" * n + "a", (), "hard line breaks in one paragraph"),
    # blocks
    "headings_same": (lambda n: "\n\n".join(["### a"] * n), (), "identical headings (toc ids a, a_1, ...)"),
    "headings_trick": (_headings_trick, (), "a, a_1..a_{n-1}, then n more 'a'"),
    "table_rows": (lambda n: "| a | b |\n|---|---|\n" + "\n".join(["| *a* | [b](c) |"] * n), (), ""),
    "table_code_cells": (_table_row, (), "one row of n cells `a`"),
    "admonitions": (lambda n: "\n\n".join(["!!! note\n    a"] * n), (), ""),
}


def build(name: str, shape: str, n: int) -> str:
    spec = CONSTRUCTS[name][0]
    if callable(spec):
        return spec(n)
    units = [spec] * n
    suffix = REF if name == "ref_link" else ""
    if shape == "para":
        return "x " + " ".join(units) + suffix
    if shape == "items":
        return "\n".join("- x " + u for u in units) + suffix
    if shape == "heading":
        return "# x " + " ".join(units) + suffix
    if shape == "cells":
        return "| " + " | ".join("x " + u for u in units) + " |\n" + "|-" * n + "|" + suffix
    raise ValueError(shape)


def largest(name: str, shape: str, cap: int) -> int:
    """The largest count whose text fits the cap (texts grow with n)."""
    lo, hi = 1, 1
    while len(build(name, shape, hi)) <= cap:
        lo, hi = hi, hi * 2
    while hi - lo > 1:
        mid = (lo + hi) // 2
        if len(build(name, shape, mid)) <= cap:
            lo = mid
        else:
            hi = mid
    return lo


# --- rendering ------------------------------------------------------------


def _renderer() -> Callable[[str], str]:
    import markdown

    md = markdown.Markdown(extensions=EXTENSIONS, extension_configs=CONFIGS)
    try:
        import nh3
    except ImportError:
        return lambda text: md.reset().convert(text)
    return lambda text: nh3.clean(md.reset().convert(text))


def _attempt(render: Callable[[str], str], text: str, thread: bool = False) -> float | None:
    """CPU seconds to render ``text``, or None on RecursionError (in a new thread when asked)."""
    outcome: list[float | None] = []

    def work() -> None:
        start = time.process_time()
        try:
            render(text)
            outcome.append(time.process_time() - start)
        except RecursionError:
            outcome.append(None)

    if thread:
        t = threading.Thread(target=work)
        t.start()
        t.join()
    else:
        work()
    return outcome[0]


def _timed(render: Callable[[str], str], text: str, first: float) -> float:
    """The best of up to three runs (fewer when they are slow), ``first`` being the first."""
    best, total, runs = first, first, 1
    while runs < 3 and total < 0.15:
        took = _attempt(render, text) or 0.0
        best, total, runs = min(best, took), total + took, runs + 1
    return best


def _shape_check(text: str) -> str:
    return "refused" if markdown_shape(text) else "passes"


def child(name: str, cap: int, budget: float) -> None:
    render = _renderer()
    render("warm *up* [a](b)")
    for shape in CONSTRUCTS[name][1] or ("gen",):
        n_max = largest(name, shape, cap)
        sizes = [n_max]
        while sizes[0] > 1 and len(build(name, shape, sizes[0])) > 500:
            sizes.insert(0, sizes[0] // 2)
        row: dict[str, object] = {"construct": name, "shape": shape, "cap_n": n_max}
        times: dict[int, float] = {}
        failed_at = None
        for n in sizes:
            took = _attempt(render, build(name, shape, n))
            if took is None:
                failed_at = n
                break
            times[n] = _timed(render, build(name, shape, n), took)
            previous = times.get(n // 2) if n // 2 in times else None
            ratio = times[n] / previous if previous and previous > 0.002 else 4.0
            if n != n_max and times[n] * max(ratio, 2.0) > budget:
                break  # the next doubling would take longer than the budget
        row["recursion"] = failed_at is not None
        if failed_at is not None:  # the smallest failing count, in the main thread
            lo = max([m for m in times if m < failed_at], default=0)
            hi = failed_at
            while hi - lo > 1:
                mid = (lo + hi) // 2
                if _attempt(render, build(name, shape, mid)) is None:
                    hi = mid
                else:
                    lo = mid
            row["fails_from"], row["fails_from_chars"] = hi, len(build(name, shape, hi))
            row["thread_fails_too"] = _attempt(render, build(name, shape, hi), thread=True) is None
            below = max(1, lo - 5)  # a few levels below the threshold: timing adds stack frames of its own
            first = _attempt(render, build(name, shape, below))
            if first is not None:
                times[below] = _timed(render, build(name, shape, below), first)
        if not times:
            print(json.dumps(row | {"n": 0, "chars": 0, "t": None, "t_half": None, "ratio": None, "pmsite": "-"}))
            continue
        elif shape == "gen" and max(times) == n_max and times[n_max] < 0.5:  # the nesting constructs
            row["thread_differs"] = _attempt(render, build(name, shape, n_max), thread=True) is None
        n = max(times)
        half = max((m for m in times if m < n), default=None)
        row["n"], row["chars"], row["t"] = n, len(build(name, shape, n)), times[n]
        row["t_half"] = times[half] if half else None
        ratio = times[n] / times[half] if half and times[half] > 0.002 else None
        row["ratio"] = ratio
        if n < n_max and not row["recursion"]:  # with an unknown ratio, a lower bound (linear growth)
            growth = max(ratio or 2.0, 2.0)
            row["t_cap_estimate"] = times[n] * growth ** math.log2(n_max / n)
            row["estimate_is_lower_bound"] = ratio is None
        row["pmsite"] = _shape_check(build(name, shape, n))
        print(json.dumps(row), flush=True)


# --- part 2: the worst fields within the caps ------------------------------


def _pad(text: str, cap: int = CAP) -> str:
    """``text`` then filler words in the same paragraph, up to the cap."""
    rest = cap - len(text) - 1
    return text + " " + (FILL * (rest // len(FILL) + 1))[:rest] if rest > 0 else text


def _caps() -> dict[str, int]:
    """pmsite's caps by name: MAX_BRACKETS is 'brackets'."""
    return {name.removeprefix("MAX_").lower(): value for name, value in vars(caps).items() if name.startswith("MAX_")}


def worst_fields() -> dict[str, str]:
    """Fields of CAP characters that stay within pmsite's caps, built to be slow or deep."""
    links = caps.MAX_BRACKETS - caps.MAX_OPEN_BRACKETS
    under = "__x " * (caps.MAX_UNDERSCORES // 4) + "_a_ " * (caps.MAX_UNDERSCORES // 4)  # Markdown 3.10's worst arrangement
    ticks = "``a " + "```b``` " * ((caps.MAX_BACKTICK_RUNS - 1) // 2)  # 59 runs, none longer than 3
    tags = "<b " * caps.MAX_START_TAGS
    stars = "*a " * (caps.MAX_STARS // 2) + "b" + " c*" * (caps.MAX_STARS // 2)  # 100 levels of <em>
    heads = "\n\n".join(["### a"] + [f"### a_{i}" for i in range(1, caps.MAX_HEADINGS // 2)] + ["### a"] * (caps.MAX_HEADINGS // 2))
    return {
        f"links ({caps.MAX_BRACKETS})": _pad("x " + "[a](b) " * caps.MAX_BRACKETS),
        "open '[' then links": _pad("x [a " + "[a](b) " * links),
        "open '](' then links": _pad("x [a]((b) " + "[a](b) " * links),
        "far ']' around links": "x [ " + _pad("[a](b) " * links, CAP - 6) + " ]",
        f"underscores ({under.count('_')})": _pad("x " + under),
        f"backticks ({len(re.findall('`+', ticks))} runs)": _pad("x " + ticks),
        f"start tags ({caps.MAX_START_TAGS})": _pad("x " + tags),
        f"emphasis depth {caps.MAX_STARS // 2}": _pad(stars),
        f"headings ({caps.MAX_HEADINGS})": _pad(heads + "\n\n"),
        "all caps in one run": _pad("x [a]((b) " + "[a](b) " * links + under + ticks + tags + stars),
    }


def proposal(render: Callable[[str], str]) -> list[dict[str, object]]:
    rows = []
    for name, text in worst_fields().items():
        took = _attempt(render, text)
        rows.append({"field": name, "chars": len(text), "t": None if took is None else _timed(render, text, took),
                     "recursion": took is None, "pmsite": _shape_check(text)})
    return rows


def _stack_child(depth: int, kib: int) -> None:
    render = _renderer()
    threading.stack_size(kib * 1024)
    text = "*a " * depth + "b" + " c*" * depth
    t = threading.Thread(target=lambda: render(text))
    t.start()
    t.join()


def stack_limit(kib: int, hi: int = 1000) -> tuple[int, int]:
    """(largest depth that renders, smallest that crashes or fails) in a thread of ``kib`` KiB."""

    def ok(depth: int) -> bool:
        cmd = [sys.executable, os.path.abspath(__file__), "--stack-child", str(depth), str(kib)]
        proc = subprocess.run(cmd, capture_output=True, text=True, timeout=120)
        return proc.returncode == 0 and "Error" not in proc.stderr

    lo = 0
    if ok(hi):
        return hi, 0
    while hi - lo > 4:
        mid = (lo + hi) // 2
        if ok(mid):
            lo = mid
        else:
            hi = mid
    return lo, hi


# --- the exact inputs that break a version (--breakers) ------------------------

BREAKERS: dict[str, Callable[[], str]] = {
    # RecursionError in the main thread (3.11.x); in a 128 KiB thread a segfault from about 300 levels
    "em nested 990 (5,941 chars)": lambda: "*a " * 990 + "b" + " c*" * 990,
    "'*' x1979, a, '*' x1979 (3,961 chars)": lambda: "x " + "*" * 1979 + "a" + "*" * 1979,
    "em nested 300 (1,801 chars; thread crash)": lambda: "*a " * 300 + "b" + " c*" * 300,
    # slow on every version: Python's html.parser, '<' + letter with no '>' after it
    "'a <b c ' x2856 (20,000 chars)": lambda: "x " + "a <b c " * 2856,
    # 3.11.4: every link re-reads the paragraph
    "'[a](b) ' x2856 (20,000 chars)": lambda: "x " + "[a](b) " * 2856,
    # 3.5-3.10: a failed '[' is re-read after every later link
    "'[a]((b) ' x40 + '[a](b) ' x50 + filler": lambda: _pad("x " + "[a]((b) " * 40 + "[a](b) " * 50),
    "'[a ' x15 + '[a](b) ' x50 + filler": lambda: _pad("x " + "[a " * 15 + "[a](b) " * 50),
    # 3.5-3.10: '__' starts x '_' x restarts (cubic)
    "'_b_ __d__ ' x500 (5,000 chars)": lambda: "x " + "_b_ __d__ " * 500,
    "'__x ' x8 + '_a_ ' x16 + filler": lambda: _pad("x " + "__x " * 8 + "_a_ " * 16),
    # 3.5-3.10: one run of backticks tries every start and length
    "'`' x200 + filler": lambda: _pad("x " + "`" * 200 + "a"),
    "backtick runs of 1..40 ticks (860 chars) + filler": lambda: _pad(_ladder(40)),
    # 3.5-3.10: toc's unique ids
    "2,857 identical '### a' headings (20,000 chars)": lambda: "\n\n".join(["### a"] * 2857),
    # 3.11.x: one unclosed run misaligns the following code spans
    "'```a ' + '````a```` ' x1999 (20,000 chars)": lambda: "x ```a " + "````a```` " * 1999,
}


def breakers(timeout: float) -> None:
    import markdown

    print(f"Python-Markdown {markdown.__version__}: CPU seconds (or the failure) of each input, "
          f"and what pmsite's rule says")
    print(f"{'input':52} {'result':>16} {'pmsite':>8}")
    for name, make in BREAKERS.items():
        cmd = [sys.executable, os.path.abspath(__file__), "--breaker-child", name]
        try:
            proc = subprocess.run(cmd, capture_output=True, text=True, timeout=timeout)
            result = proc.stdout.strip() or f"exit code {proc.returncode}"
        except subprocess.TimeoutExpired:
            result = f">{timeout:.0f} s (stopped)"
        text = make()
        print(f"{name:52} {result:>16} {_shape_check(text):>8}", flush=True)


def breaker_child(name: str) -> None:
    render = _renderer()
    text = BREAKERS[name]()
    if "thread crash" in name:
        threading.stack_size(128 * 1024)
        took: list[float | None] = []
        t = threading.Thread(target=lambda: took.append(_attempt(render, text)))
        t.start()
        t.join()
        print("ok in 128 KiB thread" if took and took[0] is not None else "RecursionError")
        return
    took1 = _attempt(render, text)
    print("RecursionError" if took1 is None else f"{took1:.3f} s")


# --- part 3: random fields within the caps (--fuzz) ------------------------

FUZZ_TOKENS = [
    "[a](b) ", "[a](b) ", "![a](b) ", "[a][b] ", "[a] ", "[a ", "[a]((b) ", "[a](b ", "](", "[", "]", "(", ")",
    '"', "'", "_", "__", "___", "_a_ ", "__a ", "*", "**", "***", "*a* ", "*a ", " a*", "`", "``", "```",
    "`a` ", "<b ", "<http ", "<b>a</b> ", "&amp; ", "&#1", "\\", "\\[", "!", "{: .c}", "{", "}", "|", " ",
    "x ", "a_b ", "  \n", "\n", "*[", "](b)*", '[a]((b "x) ', "`a` [a](b) ", "__x _a_ ", '<a href="x ',
]


def _assemble(tokens: list[str], cap: int = CAP) -> str:
    body = "x " + "".join(tokens)
    rest = cap - len(body) - 1
    return body + " " + (FILL * (rest // len(FILL) + 1))[:rest] if rest > 0 else body


def _mutate(rng: random.Random, tokens: list[str]) -> list[str]:
    tokens = list(tokens)
    move = rng.random()
    if move < 0.4 or not tokens:
        token = rng.choice(FUZZ_TOKENS) if rng.random() < 0.9 else FILL * rng.randint(1, 60)
        tokens.insert(rng.randint(0, len(tokens)), token)
    elif move < 0.6:
        del tokens[rng.randrange(len(tokens))]
    elif move < 0.85:  # repeat a slice
        a = rng.randrange(len(tokens))
        b = min(len(tokens), a + rng.randint(1, 4))
        tokens[b:b] = tokens[a:b] * rng.randint(1, 8)
    else:
        i, j = rng.randrange(len(tokens)), rng.randrange(len(tokens))
        tokens[i], tokens[j] = tokens[j], tokens[i]
    return tokens


def fuzz_child(seed: int, steps: int) -> None:
    """Hill-climb from a random field towards a slower one that pmsite's rule still accepts."""
    rng = random.Random(seed)
    render = _renderer()
    tokens: list[str] = []
    best = 0.0
    for _ in range(steps):
        candidate = _mutate(rng, tokens)
        text = _assemble(candidate)
        if len(text) > CAP or markdown_shape(text) is not None:
            continue
        took = _attempt(render, text)
        if took is None:
            print(json.dumps({"seed": seed, "t": None, "recursion": True, "tokens": candidate}), flush=True)
            return
        if took >= best:
            tokens, best = candidate, took
    print(json.dumps({"seed": seed, "t": best, "recursion": False, "tokens": tokens}), flush=True)


def fuzz(seconds: float, timeout: float) -> list[dict[str, object]]:
    """Hill-climbing runs for ``seconds``: the three slowest fields found, and any run that stalled."""
    rows: list[dict[str, object]] = []
    seed, end = 0, time.perf_counter() + seconds
    while time.perf_counter() < end:
        cmd = [sys.executable, os.path.abspath(__file__), "--fuzz-child", str(seed)]
        try:
            out = subprocess.run(cmd, capture_output=True, text=True, timeout=timeout * 100).stdout
            rows += [json.loads(line) for line in out.splitlines()]
        except subprocess.TimeoutExpired:
            rows.append({"seed": seed, "t": None, "stalled": True})
        seed += 1
    rows.sort(key=lambda r: -1 if r["t"] is None else -float(r["t"]))
    return rows[:3] + [{"runs": seed}]


# --- the parent -------------------------------------------------------------


def _fmt(t: float | None, estimate: bool = False) -> str:
    if t is None:
        return "-"
    return ("~" if estimate else "") + (f"{t:.3f}" if t < 10 else f"{t:.0f}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--only", help="comma-separated construct names (see --list)")
    parser.add_argument("--cap", type=int, default=CAP, help="characters of the largest text (default %(default)s)")
    parser.add_argument("--budget", type=float, default=0.6,
                        help="stop doubling a construct when the next text would take longer than this many CPU "
                             "seconds, and extrapolate to the cap (default %(default)s)")
    parser.add_argument("--timeout", type=float, default=90.0, help="seconds per construct (default %(default)s)")
    parser.add_argument("--no-proposal", action="store_true", help="skip part 2")
    parser.add_argument("--proposal", action="store_true", help="part 2 only")
    parser.add_argument("--json", action="store_true", help="one JSON object a line instead of the tables")
    parser.add_argument("--list", action="store_true", help="list the constructs and exit")
    parser.add_argument("--child", help=argparse.SUPPRESS)
    parser.add_argument("--stack-child", nargs=2, type=int, help=argparse.SUPPRESS)
    parser.add_argument("--fuzz", type=float, metavar="SECONDS",
                        help="part 3 only: hill-climb from random fields towards slow ones that pmsite's caps "
                             "accept, for this long; prints the slowest (their tokens reproduce them)")
    parser.add_argument("--fuzz-child", type=int, help=argparse.SUPPRESS)
    parser.add_argument("--breakers", action="store_true",
                        help="only time the exact inputs that break some version (each stopped after 30 s)")
    parser.add_argument("--breaker-child", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child(args.child, args.cap, args.budget)
        return
    if args.stack_child:
        _stack_child(*args.stack_child)
        return
    if args.breaker_child:
        breaker_child(args.breaker_child)
        return
    if args.breakers:
        breakers(30.0)
        return
    if args.fuzz_child is not None:
        fuzz_child(args.fuzz_child, steps=150)
        return
    if args.fuzz:
        import markdown
        print(f"Python-Markdown {markdown.__version__}: random fields of {CAP:,} characters within pmsite's caps")
        for row in fuzz(args.fuzz, args.budget):
            print(json.dumps(row)[:2000])
        return
    if args.list:
        for name, (spec, shapes, note) in CONSTRUCTS.items():
            print(f"{name:18} {','.join(shapes) or 'gen':24} {spec if isinstance(spec, str) else note}")
        return
    names = args.only.split(",") if args.only else list(CONSTRUCTS)
    unknown = [n for n in names if n not in CONSTRUCTS]
    if unknown:
        parser.error(f"unknown constructs: {', '.join(unknown)} (see --list)")

    import markdown

    try:
        import nh3
        sanitiser = f"nh3 {getattr(nh3, '__version__', '')}".strip()
    except ImportError:
        sanitiser = "none (nh3 not installed)"
    say = (lambda *a, **k: None) if args.json else print
    say(f"Python-Markdown {markdown.__version__}, Python {sys.version.split()[0]}, sanitiser: {sanitiser}, "
        f"cap {args.cap:,} characters, recursion limit {sys.getrecursionlimit()}, CPU seconds")
    started = time.perf_counter()
    if not args.proposal:
        say(f"\n{'construct':18} {'shape':7} {'n':>6} {'chars':>6} {'s(n/2)':>7} {'s(n)':>7} {'ratio':>5} "
            f"{'est cap':>8} {'RecursionError':>21} {'pmsite':>7}")
        for name in names:
            cmd = [sys.executable, os.path.abspath(__file__), "--child", name, "--cap", str(args.cap),
                   "--budget", str(args.budget)]
            try:
                proc = subprocess.run(cmd, capture_output=True, text=True, timeout=args.timeout)
                lines, code = proc.stdout.splitlines(), proc.returncode
            except subprocess.TimeoutExpired as exc:
                out = exc.stdout.decode() if isinstance(exc.stdout, bytes) else exc.stdout or ""
                lines, code = out.splitlines(), None
            for line in lines:
                row = json.loads(line)
                if args.json:
                    print(line)
                    continue
                ratio = f"{row['ratio']:.1f}" if row["ratio"] else "-"
                if "t_cap_estimate" in row and row["t_cap_estimate"] > 600:
                    est = ">600"  # a crude extrapolation: say only that it stalls
                elif "t_cap_estimate" in row:
                    est = (">" if row.get("estimate_is_lower_bound") else "") + _fmt(row["t_cap_estimate"], True)
                else:
                    est = _fmt(row["t"]) if row["n"] == row["cap_n"] else "-"
                if row["recursion"]:
                    rec = f"n>={row['fails_from']} ({row['fails_from_chars']}c)"
                    rec += "" if row["thread_fails_too"] else " main"
                else:
                    rec = "thread only" if row.get("thread_differs") else "no"
                print(f"{row['construct']:18} {row['shape']:7} {row['n']:>6} {row['chars']:>6} "
                      f"{_fmt(row['t_half']):>7} {_fmt(row['t']):>7} {ratio:>5} {est:>8} {rec:>21} {row['pmsite']:>7}")
            if code != 0:
                what = "timed out" if code is None else f"exit code {code}"
                print(json.dumps({"construct": name, "error": what}) if args.json else f"{name:18} {what}")
    if not args.no_proposal and not args.only:
        render = _renderer()
        render("warm *up* [a](b)")
        say(f"\nPart 2: the worst fields within pmsite's caps ({', '.join(f'{k} {v}' for k, v in _caps().items())})")
        say(f"{'field':24} {'chars':>6} {'CPU s':>7} {'x' + str(FIELDS) + ' fields':>10} {'RecursionError':>15} "
            f"{'pmsite':>7}")
        for row in proposal(render):
            if args.json:
                print(json.dumps(row))
                continue
            doc = _fmt(row["t"] * FIELDS) if row["t"] is not None else "-"
            say(f"{row['field']:24} {row['chars']:>6} {_fmt(row['t']):>7} {doc:>10} "
                f"{'yes' if row['recursion'] else 'no':>15} {row['pmsite']:>7}")
        ok, bad = stack_limit(128)
        line = {"stack_kib": 128, "renders_depth": ok, "fails_depth": bad}
        print(json.dumps(line)) if args.json else say(
            f"nested <em> in a thread with a 128 KiB stack: renders at depth {ok}, "
            + (f"crashes or fails from depth {bad}" if bad else "no failure up to depth 1000"))
    say(f"({time.perf_counter() - started:.0f} s)")


if __name__ == "__main__":
    main()
