"""Severity history: incidents and response times per month, quarter or year."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from statistics import mean
from typing import Any

from pmsite.analysis.knowledge_base import KnowledgeBase

DURATION_BINS: list[tuple[str, float]] = [
    ("< 15m", 15 * 60),
    ("15–30m", 30 * 60),
    ("30m–1h", 3600),
    ("1–2h", 2 * 3600),
    ("2–4h", 4 * 3600),
    ("4–8h", 8 * 3600),
    ("8–24h", 24 * 3600),
    ("> 1d", float("inf")),
]



# --- history ---------------------------------------------------------------

MONTHS_UP_TO = 36  # a span of up to three years is shown by month...

QUARTERS_UP_TO = 40  # ...up to ten years by quarter, longer spans by year



def month_key(day: dt.date) -> str:
    return f"{day.year:04d}-{day.month:02d}"



def quarter_key(day: dt.date) -> str:
    return f"{day.year:04d}-Q{(day.month - 1) // 3 + 1}"



def year_key(day: dt.date) -> str:
    return f"{day.year:04d}"



PERIOD_KEYS = {"month": month_key, "quarter": quarter_key, "year": year_key}



def period_step(first: dt.date, last: dt.date) -> str:
    """Months for spans up to three years, then quarters up to ten years, then years."""
    months = (last.year - first.year) * 12 + last.month - first.month + 1
    if months <= MONTHS_UP_TO:
        return "month"
    quarters = (last.year * 4 + (last.month - 1) // 3) - (first.year * 4 + (first.month - 1) // 3) + 1
    if quarters <= QUARTERS_UP_TO:
        return "quarter"
    return "year"



def period_span(first: dt.date, last: dt.date, step: str) -> list[str]:
    """Every period key from the one holding ``first`` to the one holding ``last``, gaps included."""
    if step == "year":
        return [f"{y:04d}" for y in range(first.year, last.year + 1)]
    stride = 1 if step == "month" else 3
    y, m = first.year, first.month if step == "month" else (first.month - 1) // 3 * 3 + 1
    keys = []
    while (y, m) <= (last.year, last.month):
        keys.append(PERIOD_KEYS[step](dt.date(y, m, 1)))
        m += stride
        if m > 12:
            y, m = y + 1, m - 12
    return keys



def quantile(ordered: list[float], q: float) -> float:
    """Linear interpolation between the closest ranks (the "inclusive" method): q=0.5 is the median."""
    if not ordered:
        raise ValueError("no values")
    pos = q * (len(ordered) - 1)
    low = int(pos)
    high = min(low + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (pos - low)



@dataclass(frozen=True)
class Spread:
    """Response times of one period in minutes: the middle half and its median, and the mean."""

    count: int
    p25: float
    median: float
    p75: float
    mean: float



def spread_minutes(seconds: list[float]) -> Spread | None:
    if not seconds:
        return None
    ordered = sorted(s / 60 for s in seconds)
    return Spread(
        len(ordered),
        round(quantile(ordered, 0.25), 1),
        round(quantile(ordered, 0.5), 1),
        round(quantile(ordered, 0.75), 1),
        round(mean(ordered), 1),
    )



@dataclass
class History:
    step: str  # "month", "quarter" or "year": chosen by the span of the corpus
    periods: list[str]
    severities: list[int | str]
    per_period: dict[int | str, list[int]]
    counts: list[int]
    near_misses: list[int]
    resolve: list[Spread | None]  # duration: resolved - detected
    detect: list[Spread | None]  # detected - started
    mitigate: list[Spread | None]  # mitigated - detected
    duration_bins: list[tuple[str, int]]



def trimmed(values: list[Any]) -> slice:
    """The slice of ``values`` without empty (zero or None) periods at either end."""
    filled = [i for i, v in enumerate(values) if v]
    return slice(filled[0], filled[-1] + 1) if filled else slice(0, 0)



def history(kb: KnowledgeBase) -> History:
    incidents = kb.incidents
    severities = list(kb.settings.severities)
    if not incidents:
        empty_bins = [(label, 0) for label, _ in DURATION_BINS]
        return History("month", [], severities, {s: [] for s in severities}, [], [], [], [], [], empty_bins)
    first = min(i.date for i in incidents)
    last = max(i.date for i in incidents)
    step = period_step(first, last)
    periods = period_span(first, last, step)
    key_of = PERIOD_KEYS[step]
    index = {k: n for n, k in enumerate(periods)}
    per_period = {s: [0] * len(periods) for s in severities}
    counts = [0] * len(periods)
    near = [0] * len(periods)
    ttr: list[list[float]] = [[] for _ in periods]
    ttd: list[list[float]] = [[] for _ in periods]
    ttm: list[list[float]] = [[] for _ in periods]
    bins = [0] * len(DURATION_BINS)
    for inc in incidents:
        n = index[key_of(inc.date)]
        per_period.setdefault(inc.doc.severity, [0] * len(periods))[n] += 1
        counts[n] += 1
        ttd[n].append(inc.time_to_detect.total_seconds())
        if inc.duration is not None:
            seconds = inc.duration.total_seconds()
            ttr[n].append(seconds)
            bins[next(b for b, (_, upper) in enumerate(DURATION_BINS) if seconds < upper)] += 1
        if inc.time_to_mitigate is not None:
            ttm[n].append(inc.time_to_mitigate.total_seconds())
        if inc.doc.near_miss:
            near[n] += 1
    return History(
        step=step,
        periods=periods,
        severities=list(per_period),
        per_period=per_period,
        counts=counts,
        near_misses=near,
        resolve=[spread_minutes(v) for v in ttr],
        detect=[spread_minutes(v) for v in ttd],
        mitigate=[spread_minutes(v) for v in ttm],
        duration_bins=[(label, bins[n]) for n, (label, _) in enumerate(DURATION_BINS)],
    )
