"""Organisation-wide figures: open actions, patterns and severity history.

Every figure is computed from published incidents against the build's
reference date, with definitions written beside them (the pages repeat
them), so a reader can recompute any number by hand.
"""

from __future__ import annotations

import datetime as dt
import re
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from statistics import mean

from .analyse import Action, Incident, KnowledgeBase
from .settings import CLOSED_STATUSES

RECENT_DAYS = 90
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


def _rate(part: int, whole: int) -> float | None:
    return round(100 * part / whole, 1) if whole else None


def completion_rate(actions: list[Action]) -> float | None:
    """Done items as a share of all items except those decided against (wont-do)."""
    considered = [a for a in actions if a.item.status != "wont-do"]
    return _rate(sum(1 for a in considered if a.item.status == "done"), len(considered))


@dataclass
class OwnerRow:
    owner: str
    open: int = 0
    overdue: int = 0
    done: int = 0
    total: int = 0


@dataclass
class PriorityRow:
    priority: str
    window_days: int | None
    closed: int
    on_time: int

    @property
    def rate(self) -> float | None:
        return _rate(self.on_time, self.closed)


@dataclass
class ActionFigures:
    all: list[Action]
    open: list[Action]
    overdue: list[Action]
    due_soon: list[Action]
    completion_all: float | None
    completion_recent: float | None
    recent_count: int
    average_days_to_close: float | None
    on_time: list[PriorityRow]
    on_time_overall: float | None
    owners: list[OwnerRow]
    groups: list[tuple[str, list[Action]]]


def action_figures(kb: KnowledgeBase) -> ActionFigures:
    s = kb.settings
    today = kb.today
    every = [a for inc in kb.incidents for a in inc.actions]
    priority_order = {p: i for i, p in enumerate(s.priorities)}
    open_ = sorted(
        (a for a in every if a.item.status not in CLOSED_STATUSES),
        key=lambda a: (priority_order.get(a.item.priority, len(priority_order)), a.item.due, a.incident.id, a.id),
    )
    recent_cutoff = today - dt.timedelta(days=RECENT_DAYS)
    recent = [a for a in every if a.incident.date >= recent_cutoff]
    closed_days = [a.days_to_close for a in every if a.item.status == "done" and a.days_to_close is not None]
    rows = []
    on_time_total = closed_total = 0
    for p in s.priorities:
        window = s.priority_windows.get(p)
        done = [a for a in every if a.item.priority == p and a.item.status == "done" and a.days_to_close is not None]
        on_time = sum(1 for a in done if window is not None and a.days_to_close is not None and a.days_to_close <= window)
        rows.append(PriorityRow(p, window, len(done), on_time))
        on_time_total += on_time
        closed_total += len(done)
    owners: dict[str, OwnerRow] = {}
    for a in every:
        row = owners.setdefault(a.item.owner, OwnerRow(a.item.owner))
        row.total += 1
        if a.item.status == "done":
            row.done += 1
        if a.open:
            row.open += 1
        if a.overdue:
            row.overdue += 1
    groups: dict[str, list[Action]] = defaultdict(list)
    for a in open_:
        groups[a.item.priority].append(a)
    return ActionFigures(
        all=every,
        open=open_,
        overdue=[a for a in open_ if a.overdue],
        due_soon=[a for a in open_ if not a.overdue and (a.item.due - today).days <= s.due_soon_days],
        completion_all=completion_rate(every),
        completion_recent=completion_rate(recent),
        recent_count=len(recent),
        average_days_to_close=round(mean(closed_days), 1) if closed_days else None,
        on_time=rows,
        on_time_overall=_rate(on_time_total, closed_total),
        owners=sorted(owners.values(), key=lambda r: (-r.open, -r.overdue, r.owner.lower(), r.owner)),
        groups=[(p, groups[p]) for p in sorted(groups, key=lambda p: priority_order.get(p, len(priority_order)))],
    )


# --- patterns --------------------------------------------------------------


def normalise_factor(text: str) -> str:
    """Factor descriptions match when equal after case, punctuation and spacing are folded."""
    return " ".join(re.sub(r"[^\w\s]", " ", text.lower()).split())


@dataclass
class RecurringFactor:
    text: str  # as first written
    category: str
    incidents: list[Incident]


@dataclass
class Pattern:
    """One root-cause category (or one service) across the corpus."""

    key: str
    incidents: list[Incident]  # newest first
    services: list[tuple[str, int]]
    categories: list[tuple[str, int]]
    factors: list[RecurringFactor]
    per_year: list[tuple[str, int]]
    burst: int  # most incidents within any window of the configured length
    burst_start: dt.date | None
    burst_end: dt.date | None
    systemic: bool = False


def _add_months(day: dt.date, months: int) -> dt.date:
    month = day.month - 1 + months
    year = day.year + month // 12
    month = month % 12 + 1
    last = [31, 29 if year % 4 == 0 and (year % 100 != 0 or year % 400 == 0) else 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31]
    return dt.date(year, month, min(day.day, last[month - 1]))


def densest_window(dates: list[dt.date], months: int) -> tuple[int, dt.date | None, dt.date | None]:
    """The largest number of dates inside any window of ``months`` months (start inclusive, end exclusive)."""
    ordered = sorted(dates)
    best, start, end = 0, None, None
    j = 0
    for i, first in enumerate(ordered):
        limit = _add_months(first, months)
        j = max(j, i)
        while j < len(ordered) and ordered[j] < limit:
            j += 1
        if j - i > best:
            best, start, end = j - i, first, ordered[j - 1]
    return best, start, end


def recurring_factors(incidents: list[Incident], minimum: int = 2) -> list[RecurringFactor]:
    seen: dict[str, RecurringFactor] = {}
    for inc in sorted(incidents, key=lambda i: (i.doc.started_at, i.id)):
        for f in inc.doc.contributing_factors:
            key = normalise_factor(f.description)
            entry = seen.setdefault(key, RecurringFactor(f.description.strip(), f.category, []))
            if inc not in entry.incidents:
                entry.incidents.append(inc)
    found = [r for r in seen.values() if len(r.incidents) >= minimum]
    return sorted(found, key=lambda r: (-len(r.incidents), r.text.lower(), r.text))


def pattern_for(kb: KnowledgeBase, key: str, incidents: list[Incident]) -> Pattern:
    s = kb.settings
    services = Counter(svc for inc in incidents for svc in set(inc.doc.services))
    categories = Counter(cat for inc in incidents for cat in inc.categories)
    years = Counter(str(inc.date.year) for inc in incidents)
    burst, start, end = densest_window([inc.date for inc in incidents], s.pattern_window_months)
    return Pattern(
        key=key,
        incidents=incidents,
        services=sorted(services.items(), key=lambda kv: (-kv[1], kv[0])),
        categories=sorted(categories.items(), key=lambda kv: (-kv[1], kv[0])),
        factors=recurring_factors(incidents),
        per_year=sorted(years.items()),
        burst=burst,
        burst_start=start,
        burst_end=end,
        systemic=burst >= s.pattern_threshold,
    )


def category_keys(kb: KnowledgeBase) -> list[str]:
    """Root-cause categories in the configured order (unknown ones last)."""
    order = {c: i for i, c in enumerate(kb.settings.root_cause_categories)}
    return sorted(kb.by_category, key=lambda c: (order.get(c, len(order)), c))


def service_keys(kb: KnowledgeBase) -> list[str]:
    """Services with the most incidents first."""
    return sorted(kb.by_service, key=lambda s: (-len(kb.by_service[s]), s))


def category_patterns(kb: KnowledgeBase) -> list[Pattern]:
    return [pattern_for(kb, c, kb.by_category[c]) for c in category_keys(kb)]


def service_patterns(kb: KnowledgeBase) -> list[Pattern]:
    return [pattern_for(kb, s, kb.by_service[s]) for s in service_keys(kb)]


@dataclass
class FishboneBranch:
    category: str
    count: int
    top: list[tuple[str, int]] = field(default_factory=list)


def fishbone_summary(kb: KnowledgeBase, top: int = 5) -> list[FishboneBranch]:
    """Contributing factors across the corpus by fishbone branch, with the most frequent texts."""
    branches = []
    for cat in kb.settings.factor_categories:
        texts: Counter[str] = Counter()
        first: dict[str, str] = {}
        count = 0
        for inc in kb.incidents:
            for f in inc.doc.contributing_factors:
                if f.category == cat:
                    count += 1
                    key = normalise_factor(f.description)
                    texts[key] += 1
                    first.setdefault(key, f.description.strip())
        ranked = sorted(texts.items(), key=lambda kv: (-kv[1], kv[0]))[:top]
        branches.append(FishboneBranch(cat, count, [(first[k], n) for k, n in ranked]))
    return branches


# --- history ---------------------------------------------------------------


def month_key(day: dt.date) -> str:
    return f"{day.year:04d}-{day.month:02d}"


def quarter_key(day: dt.date) -> str:
    return f"{day.year:04d}-Q{(day.month - 1) // 3 + 1}"


def _span(first: dt.date, last: dt.date, step: str) -> list[str]:
    keys = []
    y, m = first.year, first.month
    if step == "quarter":
        m = (m - 1) // 3 * 3 + 1
    while (y, m) <= (last.year, last.month):
        keys.append(month_key(dt.date(y, m, 1)) if step == "month" else quarter_key(dt.date(y, m, 1)))
        m += 1 if step == "month" else 3
        if m > 12:
            y, m = y + 1, m - 12
    return keys


@dataclass
class History:
    months: list[str]
    severities: list[int | str]
    per_month: dict[int | str, list[int]]
    quarters: list[str]
    mttr_minutes: list[float | None]
    mttd_minutes: list[float | None]
    mttm_minutes: list[float | None]
    near_misses: list[int]
    incidents_per_quarter: list[int]
    duration_bins: list[tuple[str, int]]


def _mean_minutes(values: list[float]) -> float | None:
    return round(mean(values) / 60, 1) if values else None


def history(kb: KnowledgeBase) -> History:
    incidents = kb.incidents
    severities = list(kb.settings.severities)
    if not incidents:
        return History([], severities, {s: [] for s in severities}, [], [], [], [], [], [], [(label, 0) for label, _ in DURATION_BINS])
    first = min(i.date for i in incidents)
    last = max(i.date for i in incidents)
    months = _span(first, last, "month")
    quarters = _span(first, last, "quarter")
    per_month = {s: [0] * len(months) for s in severities}
    m_index = {k: n for n, k in enumerate(months)}
    q_index = {k: n for n, k in enumerate(quarters)}
    ttr: list[list[float]] = [[] for _ in quarters]
    ttd: list[list[float]] = [[] for _ in quarters]
    ttm: list[list[float]] = [[] for _ in quarters]
    near = [0] * len(quarters)
    count = [0] * len(quarters)
    bins = [0] * len(DURATION_BINS)
    for inc in incidents:
        per_month.setdefault(inc.doc.severity, [0] * len(months))[m_index[month_key(inc.date)]] += 1
        q = q_index[quarter_key(inc.date)]
        count[q] += 1
        ttd[q].append(inc.time_to_detect.total_seconds())
        if inc.duration is not None:
            ttr[q].append(inc.duration.total_seconds())
            seconds = inc.duration.total_seconds()
            bins[next(n for n, (_, upper) in enumerate(DURATION_BINS) if seconds < upper)] += 1
        if inc.time_to_mitigate is not None:
            ttm[q].append(inc.time_to_mitigate.total_seconds())
        if inc.doc.near_miss:
            near[q] += 1
    return History(
        months=months,
        severities=[s for s in per_month],
        per_month=per_month,
        quarters=quarters,
        mttr_minutes=[_mean_minutes(v) for v in ttr],
        mttd_minutes=[_mean_minutes(v) for v in ttd],
        mttm_minutes=[_mean_minutes(v) for v in ttm],
        near_misses=near,
        incidents_per_quarter=count,
        duration_bins=[(label, bins[n]) for n, (label, _) in enumerate(DURATION_BINS)],
    )
