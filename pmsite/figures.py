"""Organisation-wide figures: open actions, patterns and severity history.

Every figure is computed from published incidents against the build's
reference date, with definitions written beside them (the pages repeat
them), so a reader can recompute any number by hand.
"""

from __future__ import annotations

import datetime as dt
import re
from collections import Counter, defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from statistics import mean
from typing import Any

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
    done_by_priority: dict[str, list[Action]] = defaultdict(list)  # one pass, not one per priority
    for a in every:
        if a.item.status == "done" and a.days_to_close is not None:
            done_by_priority[a.item.priority].append(a)
    for p in s.priorities:
        window = s.priority_windows.get(p)
        done = done_by_priority.get(p, [])
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


# --- contributing factors: what recurs, not every sentence --------------------

_WORD = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*")
_STOPWORDS = frozenset(
    ["about", "above", "after", "again", "against", "also", "because", "been", "before", "being", "below", "between", "both", "cannot", "could", "did", "does", "doing", "down", "during", "each", "every", "from", "further", "had", "has", "have", "having", "here", "into", "itself", "just", "more", "most", "much", "must", "only", "other", "over", "same", "should", "some", "such", "than", "that", "their", "them", "then", "there", "these", "they", "this", "those", "through", "under", "until", "very", "were", "what", "when", "where", "which", "while", "with", "within", "without", "would", "your", "once", "still", "never", "always", "already", "again", "often", "since", "every", "many", "less", "like", "made", "make", "using", "used"]
)


def key_terms(text: str, ignore: frozenset[str] = frozenset()) -> frozenset[str]:
    """The words that carry a factor's meaning: four letters or more, no stop words, plurals folded.

    ``ignore`` holds words that are patterns of their own (service and team names), so a
    theme is about the kind of condition, not about where it happened.
    """
    terms = set()
    for word in _WORD.findall(text.lower()):
        if len(word) < 4 or word in _STOPWORDS or word.isdigit():
            continue
        word = _singular(word)
        if word not in ignore:
            terms.add(word)
    return frozenset(terms)


def _singular(word: str) -> str:
    """Plurals folded, so "runbooks" and "runbook" are one term."""
    if word.endswith("ies") and len(word) > 5:
        return word[:-3] + "y"
    if word.endswith("s") and not word.endswith("ss") and len(word) > 4:
        return word[:-1]
    return word


@dataclass
class FactorTheme:
    """Contributing factors of one branch that recur across incidents.

    ``kind`` is ``"wording"`` when the factors say the same thing in the same words (case,
    punctuation and spacing aside), ``"terms"`` when they share key terms.
    """

    kind: str
    label: str  # the shared wording as first written, or the shared terms
    terms: tuple[str, ...]
    examples: list[str]  # distinct wordings, first written first
    incidents: list[Incident]  # newest first


@dataclass
class FactorBranch:
    """One fishbone branch (factor category) across the corpus."""

    category: str
    count: int  # factors in this branch
    incident_count: int  # incidents with at least one
    themes: list[FactorTheme] = field(default_factory=list)  # recurring first: most incidents first
    single: int = 0  # factors that recur nowhere: counted, not listed


def _newest_first(incidents: set[Incident] | list[Incident]) -> list[Incident]:
    return sorted(incidents, key=lambda i: (-i.timestamp, i.id))


def _name_mask(names: set[str]) -> Callable[[str, str], str]:
    """Replace service and team names in a factor with a placeholder, so "no runbook for billing" and
    "no runbook for search" read as the one condition they are."""
    words = sorted((n for n in names if len(n) >= 3), key=lambda n: (-len(n), n))
    if not words:
        return lambda text, placeholder: text
    pattern = re.compile(r"(?<![\w-])(?:" + "|".join(re.escape(w) for w in words) + r")(?![\w-])", re.IGNORECASE)
    return lambda text, placeholder: pattern.sub(placeholder, text)


NAME_PLACEHOLDER = "‹name›"  # what a reader sees where a name was folded
_NAME_KEY = "_name_"  # what the comparison sees: survives folding and is no English word
THEMES_SHOWN = 8  # recurring themes listed per branch; the rest are counted


def factor_branches(kb: KnowledgeBase) -> list[FactorBranch]:
    """Contributing factors by branch: recurring wordings first, then factors sharing a key term.

    Wordings match when equal after case, punctuation, spacing and the names of services and
    teams are folded. A theme needs two or more incidents. Terms are chosen greedily, the one
    naming the most incidents first (ties: alphabetical), so every factor lands in one theme at most.
    """
    names = set(kb.by_service) | {t for inc in kb.incidents for t in inc.doc.teams}
    mask = _name_mask(names)
    ignore = frozenset(f(w) for name in names for w in _WORD.findall(name.lower()) for f in (str, _singular))
    by_category: dict[str, list[tuple[Incident, str]]] = defaultdict(list)  # one pass, not one per branch
    for inc in kb.incidents:
        for f in inc.doc.contributing_factors:
            by_category[f.category].append((inc, f.description.strip()))
    branches = []
    for cat in _factor_categories(kb):
        rows = by_category.get(cat, [])
        by_wording: dict[str, list[tuple[Incident, str]]] = defaultdict(list)
        for inc, text in reversed(rows):  # oldest first, so a theme is labelled as first written
            by_wording[normalise_factor(mask(text, _NAME_KEY))].append((inc, text))
        themes: list[FactorTheme] = []
        rest: list[tuple[Incident, str]] = []
        for group in by_wording.values():
            incidents = {inc for inc, _ in group}
            if len(incidents) >= 2:
                examples = list(dict.fromkeys(text for _, text in group))
                label = mask(group[0][1], NAME_PLACEHOLDER) if len(examples) > 1 else group[0][1]
                themes.append(FactorTheme("wording", label, (), examples, _newest_first(incidents)))
            else:
                rest.extend(group)
        terms = [key_terms(text, ignore) for _, text in rest]
        left = set(range(len(rest)))
        while True:
            holders: dict[str, set[int]] = defaultdict(set)
            for i in left:
                for term in terms[i]:
                    holders[term].add(i)
            scored = [(len({rest[i][0] for i in held}), term) for term, held in holders.items()]
            best = min(scored, key=lambda s: (-s[0], s[1]), default=(0, ""))
            if best[0] < 2:
                break
            members = sorted(holders[best[1]])
            # a second term shared by most of the group names the theme more precisely
            shared = Counter(t for i in members for t in terms[i] if t != best[1])
            second = [t for t, n in sorted(shared.items(), key=lambda kv: (-kv[1], kv[0])) if 3 * n >= 2 * len(members)][:1]
            words = (best[1], *second)
            examples = list(dict.fromkeys(rest[i][1] for i in members))
            themes.append(FactorTheme("terms", " · ".join(words), words, examples, _newest_first({rest[i][0] for i in members})))
            left -= set(members)
        themes.sort(key=lambda t: (-len(t.incidents), t.kind != "wording", t.label.lower(), t.label))
        branches.append(FactorBranch(cat, len(rows), len({inc for inc, _ in rows}), themes, len(left)))
    return branches


def _factor_categories(kb: KnowledgeBase) -> list[str]:
    """The configured branches in order, then any other category found (none, once validated)."""
    found = {f.category for inc in kb.incidents for f in inc.doc.contributing_factors}
    configured = list(kb.settings.factor_categories)
    return configured + sorted(found - set(configured))


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
