"""Recurring patterns: one root-cause category or one service across the corpus, and its bursts."""

from __future__ import annotations

import datetime as dt
import re
from collections import Counter
from dataclasses import dataclass

from pmsite.analysis.incidents import Incident
from pmsite.analysis.knowledge_base import KnowledgeBase

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
