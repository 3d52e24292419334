"""Work counted, not timed: how many Python lines a call runs (repeatable on a loaded machine).

A test with an absolute time bound is a benchmark in disguise: it fails on a busy machine and
passes a quadratic algorithm on a fast one. Tests here count the lines the interpreter runs
(``sys.settrace``), which is the same on every run for the same versions, and compare the work
at N with the work at 2N: linear work doubles, quadratic work quadruples.
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from types import FrameType
from typing import Any


def lines_run(call: Callable[[], Any]) -> int:
    """The Python lines ``call`` runs, in every module (C code, such as libyaml's parser, counts as nothing)."""
    count = 0

    def tracer(frame: FrameType, event: str, arg: Any) -> Any:
        nonlocal count
        if event == "line":
            count += 1
        return tracer

    previous = sys.gettrace()
    sys.settrace(tracer)
    try:
        call()
    finally:
        sys.settrace(previous)
    return count


def growth(work: Callable[[int], Callable[[], Any]], n: int) -> float:
    """How the work grows from ``n`` to ``2n``: about 2 when linear, 4 when quadratic, 1 when constant.

    Each call runs once before it is counted, so what a first call does once (imports, caches,
    compiled patterns) is not counted against either size.
    """
    small, large = work(n), work(2 * n)
    small()
    large()
    return lines_run(large) / max(1, lines_run(small))
