"""Fixes that did not hold: incidents that came back after an action meant to prevent them was done.

An incident is a recurrence after a fix when it shares a root-cause category and a service with an
earlier incident (one that started before it) that has an action item marked ``prevents_recurrence``
that was done before the new incident started: :attr:`Action.done` (the tracker's state when a sync
read it) and :attr:`Action.completed_on` (the tracker's close date when synced) on or before the day
the new incident started, as its ``started_at`` writes that day. A fix completed on the very day the
new incident started counts (the fix was in place that day, and the incident came anyway); a fix done
after it started is not a failed fix (it came too late to prevent that one).

For each root-cause category and service the two share, the fix that counts is the most recent one
(the latest completion; then the incident that started later; then its id): an older fix failed
already at the first recurrence after it, and is listed there. These are the actions a reliability
review should revisit first.
"""

from __future__ import annotations

import bisect
import datetime as dt
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from functools import cached_property
from typing import TYPE_CHECKING

from pmsite.analysis.actions import Action
from pmsite.analysis.incidents import Incident
from pmsite.analysis.related import reason_words

if TYPE_CHECKING:
    from pmsite.analysis.knowledge_base import KnowledgeBase


@dataclass
class Recurrence:
    """``incident`` came back after ``earlier``'s fixes (``actions``) were done."""

    incident: Incident  # the recurrence
    earlier: Incident
    actions: list[Action]  # the earlier incident's prevents-recurrence actions done on or before the recurrence started
    categories: list[str]  # the root-cause categories and services the two share where this fix was the latest
    services: list[str]

    @cached_property
    def key(self) -> tuple[str, str, tuple[tuple[str, str], ...], tuple[str, ...], tuple[str, ...]]:
        """What a page shows of it, for the fingerprints of the pages that show it."""
        done = tuple((a.id, a.completed_on.isoformat() if a.completed_on else "") for a in self.actions)
        return (self.incident.id, self.earlier.id, done, tuple(self.categories), tuple(self.services))

    @cached_property
    def shared(self) -> str:
        """What the two share, as a page says it: ``same root cause: code-defect; same service: api``."""
        return "; ".join(reason_words(self.categories, self.services, ()))


@dataclass
class FailedFix:
    """One action that was meant to prevent recurrence, and the incidents that came back after it."""

    earlier: Incident
    action: Action
    recurrences: list[Recurrence] = field(default_factory=list)  # newest first


@dataclass
class Recurrences:
    """Every recurrence after a fix in a knowledge base."""

    items: list[Recurrence]  # newest recurrence first (then the earlier incident's id)
    after: dict[str, list[Recurrence]]  # by the recurring incident's id: the fixes it came back after
    before: dict[str, list[Recurrence]]  # by the earlier incident's id: what came back after its fixes
    by_category: list[tuple[str, int]]  # recurrences per root-cause category, most first
    by_service: list[tuple[str, int]]

    def failed_fixes(self, category: str | None = None, service: str | None = None) -> list[FailedFix]:
        """The fixes that did not hold, the one with the newest recurrence first (optionally only those
        that failed for a category or a service)."""
        fixes: dict[tuple[str, str], FailedFix] = {}
        for r in self._chosen(category, service):
            for a in r.actions:
                fixes.setdefault((r.earlier.id, a.id), FailedFix(r.earlier, a)).recurrences.append(r)
        return list(fixes.values())

    def count(self, category: str | None = None, service: str | None = None) -> int:
        return len(self._chosen(category, service))

    def _chosen(self, category: str | None, service: str | None) -> list[Recurrence]:
        """The recurrences of a category and/or a service (all without either), newest first."""
        if category is None and service is None:
            return self.items
        if service is None:
            return self._by_category.get(category or "", [])
        return [r for r in self._by_service.get(service, []) if category is None or category in r.categories]

    @cached_property
    def _by_category(self) -> dict[str, list[Recurrence]]:
        """Each category's recurrences, newest first: every category's and service's page asks for its own."""
        out: dict[str, list[Recurrence]] = defaultdict(list)
        for r in self.items:
            for name in r.categories:
                out[name].append(r)
        return out

    @cached_property
    def _by_service(self) -> dict[str, list[Recurrence]]:
        out: dict[str, list[Recurrence]] = defaultdict(list)
        for r in self.items:
            for name in r.services:
                out[name].append(r)
        return out


def _fixes(inc: Incident) -> list[tuple[dt.date, Action]]:
    """An incident's prevents-recurrence actions that are done, with the day each was completed."""
    return [(day, a) for a in inc.actions if a.item.prevents_recurrence and a.done and (day := a.completed_on) is not None]


def find_recurrences(kb: KnowledgeBase) -> Recurrences:
    """Every recurrence after a fix: per root-cause category and service, each incident against the
    latest fix completed on or before its start among the incidents that started before it."""
    fixes = {inc.id: own for inc in kb.incidents if (own := _fixes(inc))}  # once each: every pair asks again
    pairs: dict[tuple[str, str], list[Incident]] = defaultdict(list)
    for inc in reversed(kb.incidents):  # oldest first
        for cat in inc.categories:
            for svc in sorted(inc.service_set):
                pairs[(cat, svc)].append(inc)
    found: dict[tuple[int, int], tuple[Incident, Incident, set[str], set[str]]] = {}
    for (cat, svc), members in pairs.items():
        if not any(m.id in fixes for m in members):
            continue
        done: list[tuple[dt.date, float, str, int]] = []  # (completed on, start, id, index in members), sorted
        passed = 0
        for inc in members:
            while passed < len(members) and members[passed].timestamp < inc.timestamp:  # strictly earlier starts
                earlier = members[passed]
                for day, _ in fixes.get(earlier.id, ()):
                    bisect.insort(done, (day, earlier.timestamp, earlier.id, passed))
                passed += 1
            if done and done[0][0] <= (started := inc.date):
                at = bisect.bisect_right(done, (started, float("inf"), "\uffff", len(members)))
                earlier = members[done[at - 1][3]]
                entry = found.setdefault((id(inc), id(earlier)), (inc, earlier, set(), set()))
                entry[2].add(cat)
                entry[3].add(svc)
    items = []
    for inc, earlier, cats, svcs in found.values():
        started = inc.date
        actions = [a for day, a in fixes[earlier.id] if day <= started]
        items.append(Recurrence(inc, earlier, actions, sorted(cats), sorted(svcs)))
    items.sort(key=lambda r: (-r.incident.timestamp, r.incident.id, -r.earlier.timestamp, r.earlier.id))
    after: dict[str, list[Recurrence]] = defaultdict(list)
    before: dict[str, list[Recurrence]] = defaultdict(list)
    categories: Counter[str] = Counter()
    services: Counter[str] = Counter()
    for r in items:
        after[r.incident.id].append(r)
        before[r.earlier.id].append(r)
        categories.update(r.categories)
        services.update(r.services)
    return Recurrences(items, dict(after), dict(before), _most_first(categories), _most_first(services))


def _most_first(counts: Counter[str]) -> list[tuple[str, int]]:
    return sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))
