"""How every action figure is computed, once: a percentage, a median, a mean, completion, and closed within
the priority's window. The open-actions page and the review both use these, so their numbers agree."""

from __future__ import annotations

from collections.abc import Sequence
from statistics import mean, median

__all__ = ["average", "completion", "middle", "rate", "within_window"]


def rate(part: int, whole: int) -> float | None:
    """A percentage with one decimal; None of nothing."""
    return round(100 * part / whole, 1) if whole else None


def middle(values: Sequence[float]) -> float | None:
    """The median with one decimal (the mean of the two middle values of an even count); None of nothing."""
    return round(median(values), 1) if values else None


def average(values: Sequence[float]) -> float | None:
    """The mean with one decimal; None of nothing."""
    return round(mean(values), 1) if values else None


def completion(done: int, total: int, wont_do: int) -> float | None:
    """Done items as a share of all items except those decided against (won't do)."""
    return rate(done, total - wont_do)


def within_window(days_to_close: int, window: int | None) -> bool:
    """Closed in time: at most the priority's window (``priority_windows``) days after the incident's date.
    A priority without a window has no in-time closures."""
    return window is not None and days_to_close <= window
