"""The monthly action review: closure rates, time to close per priority, opened against closed per month and per team.

Every figure comes from the published incidents' action items and the reference date, through
the attributes of :class:`~pmsite.analysis.actions.Action` (open, done, won't do, overdue,
``completed_on``, ``days_to_close``): never from a status word. The definitions, which the
review page and the README repeat so that a reader can recompute any number by hand:

* **Opened** on the post-mortem's ``published_on``, else the incident's resolution date, else its
  start date (a draft previewed without either): the day the action became the team's work.
* **Closed** on :attr:`Action.completed_on`: done or won't do, on the tracker's date where a sync
  read one. A closed item without a date counts in the rates but in no month.
* **Completion rate**: done ÷ (all − won't do). **Closed rate**: (done + won't do) ÷ all.
  **Overdue**: open with its due date before the reference date.
* **Time to close**: :attr:`Action.days_to_close` (the close date − the resolution date, in days)
  of the done items; per priority its median (the middle value, or the mean of the two middle
  values), its mean, and how many closed within the priority's window (days ≤ the window).
* **A month's** opened and closed items are those opened or closed in it; it **became overdue** for
  the items due in it, whose due date is before the reference date, and that are open today or
  closed after their due date.
* **Months**: the reference date's month, to date, and the :data:`FULL_MONTHS` before it in full;
  earlier months are summed per calendar year. A date after the reference date is in no month.
* **Per team** (an action's owner, a team or role): open and overdue today, opened and closed in
  the review's months, and the completion rate over all its items.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field

from pmsite.analysis.action_figures import completion_rate
from pmsite.analysis.actions import Action, review_order
from pmsite.analysis.figures import average, completion, middle, rate, within_window
from pmsite.analysis.history import month_key
from pmsite.analysis.knowledge_base import KnowledgeBase

FULL_MONTHS = 12  # full months before the reference date's month, each shown in full
OLDEST_SHOWN = 20  # the oldest open items the review lists
LISTED = 10  # items listed per month for each of opened, closed and became overdue


def opened_on(action: Action) -> dt.date:
    """The day an action became the team's work: its post-mortem's publication, else the incident's
    resolution, else its start (a draft previewed without either)."""
    doc = action.incident.doc
    if doc.published_on is not None:
        return doc.published_on
    if doc.resolved_at is not None:
        return doc.resolved_at.date()
    return action.incident.date


def became_overdue(action: Action, today: dt.date) -> bool:
    """Due before ``today`` and not closed by its due date: open today, or closed after the due date."""
    due = action.item.due
    if due >= today:
        return False
    if action.open:
        return True
    closed = action.completed_on
    return closed is not None and closed > due


def _month_start(day: dt.date, back: int = 0) -> dt.date:
    """The first day of ``day``'s month, ``back`` months earlier."""
    index = day.year * 12 + day.month - 1 - back
    return dt.date(index // 12, index % 12 + 1, 1)


def _month_end(first: dt.date) -> dt.date:
    return _month_start(first, -1) - dt.timedelta(days=1)


@dataclass
class Month:
    """One month of the review: what was opened, closed and became overdue in it."""

    key: str  # YYYY-MM
    first: dt.date
    last: dt.date  # the month's last day, or the reference date for the month in progress
    to_date: bool  # the reference date's month, counted to that date
    opened: list[Action] = field(default_factory=list)
    closed: list[Action] = field(default_factory=list)
    became_overdue: list[Action] = field(default_factory=list)

    @property
    def done(self) -> int:
        return sum(1 for a in self.closed if a.done)

    @property
    def wont_do(self) -> int:
        return sum(1 for a in self.closed if a.wont_do)

    @property
    def still_open(self) -> int:
        """Of the items that became overdue, those open today."""
        return sum(1 for a in self.became_overdue if a.open)


@dataclass
class Earlier:
    """The months before the review's, summed per calendar year (a part of a year at the review's edge)."""

    first: dt.date  # 1 January
    last: dt.date  # 31 December, or the day before the review's first month
    opened: int = 0
    closed: int = 0
    wont_do: int = 0
    became_overdue: int = 0


@dataclass
class PriorityTimes:
    """Time to close of one priority's done items against its target window."""

    priority: str
    window: int | None  # days, from the priority_windows setting
    days: list[int]  # each done item's days to close, in increasing order

    @property
    def count(self) -> int:
        return len(self.days)

    @property
    def median(self) -> float | None:
        return middle(self.days)

    @property
    def mean(self) -> float | None:
        return average(self.days)

    @property
    def within(self) -> int:
        """Closed within the window: days to close at most the window."""
        return sum(1 for d in self.days if within_window(d, self.window))

    @property
    def share(self) -> float | None:
        return rate(self.within, self.count) if self.window is not None else None


@dataclass
class TeamRow:
    """One owner's items: open and overdue today, opened and closed in the review's months, completion."""

    team: str
    total: int = 0
    done: int = 0
    wont_do: int = 0
    open: int = 0
    overdue: int = 0
    opened: int = 0  # in the review's months
    closed: int = 0  # in the review's months

    @property
    def completion(self) -> float | None:
        """Done ÷ (all − won't do), over all the team's items."""
        return completion(self.done, self.total, self.wont_do)


@dataclass
class ActionReview:
    today: dt.date
    since: dt.date  # the first day of the review's oldest month
    actions: list[Action]
    done: int
    wont_do: int
    open: int
    overdue: int
    completion: float | None
    closed_rate: float | None
    median_days_to_close: float | None  # of every done item with a time to close
    months: list[Month]  # newest first: the reference date's month, then FULL_MONTHS full months
    earlier: list[Earlier]  # newest first
    opened_later: int  # opened after the reference date: in no month
    closed_later: int  # closed after the reference date: in no month
    closed_undated: int  # closed without a close date: in no month
    oldest: list[Action]  # the OLDEST_SHOWN oldest open items, oldest first
    priorities: list[PriorityTimes]
    teams: list[TeamRow]

    @property
    def months_oldest_first(self) -> list[Month]:
        return self.months[::-1]

    @property
    def opened_in_months(self) -> int:
        return sum(len(m.opened) for m in self.months)

    @property
    def closed_in_months(self) -> int:
        return sum(len(m.closed) for m in self.months)


def action_review(kb: KnowledgeBase) -> ActionReview:
    """The review of every published action on the knowledge base's reference date (one pass over the items)."""
    today = kb.today
    priorities = kb.settings.priorities
    every = [a for inc in kb.incidents for a in inc.actions]

    since = _month_start(today, FULL_MONTHS)
    months: dict[tuple[int, int], Month] = {}
    for back in range(FULL_MONTHS + 1):
        first = _month_start(today, back)
        months[(first.year, first.month)] = Month(month_key(first), first, today if back == 0 else _month_end(first), back == 0)
    earlier: dict[int, Earlier] = {}

    def year(day: dt.date) -> Earlier:
        if day.year not in earlier:
            earlier[day.year] = Earlier(dt.date(day.year, 1, 1), min(dt.date(day.year, 12, 31), since - dt.timedelta(days=1)))
        return earlier[day.year]

    opened: dict[int, dt.date] = {}
    teams: dict[str, TeamRow] = {}
    done_days: dict[str, list[int]] = defaultdict(list)
    open_items: list[Action] = []
    done = wont_do = overdue = opened_later = closed_later = closed_undated = 0
    for a in every:
        start = opened[id(a)] = opened_on(a)
        is_open = a.open
        closed = None if is_open else a.completed_on
        team = teams.get(a.item.owner)
        if team is None:
            team = teams[a.item.owner] = TeamRow(a.item.owner)
        team.total += 1
        if start > today:
            opened_later += 1
        elif start >= since:
            months[(start.year, start.month)].opened.append(a)
            team.opened += 1
        else:
            year(start).opened += 1
        if is_open:
            open_items.append(a)
            team.open += 1
            if a.overdue:
                overdue += 1
                team.overdue += 1
        else:
            if a.done:
                done += 1
                team.done += 1
                if a.days_to_close is not None:
                    done_days[a.item.priority].append(a.days_to_close)
            elif a.wont_do:
                wont_do += 1
                team.wont_do += 1
            if closed is None:
                closed_undated += 1
            elif closed > today:
                closed_later += 1
            elif closed >= since:
                months[(closed.year, closed.month)].closed.append(a)
                team.closed += 1
            else:
                row = year(closed)
                row.closed += 1
                row.wont_do += a.wont_do
        if became_overdue(a, today):
            due = a.item.due
            if due >= since:
                months[(due.year, due.month)].became_overdue.append(a)
            else:
                year(due).became_overdue += 1
    for m in months.values():
        m.opened = _open_first(m.opened, priorities)
        m.closed.sort(key=lambda a: (a.completed_on, a.incident.id, a.id))
        m.became_overdue = _open_first(m.became_overdue, priorities)
    if earlier:  # every year from the earliest with an event, a year without any included
        for y in range(min(earlier), since.year + (1 if since.month > 1 else 0)):
            year(dt.date(y, 1, 1))

    position = {id(a): i for i, a in enumerate(review_order(open_items, priorities))}
    oldest = sorted(open_items, key=lambda a: (opened[id(a)], position[id(a)]))[:OLDEST_SHOWN]
    windows = kb.settings.priority_windows
    listed = list(priorities) + sorted(p for p in done_days if p not in priorities)
    times = [PriorityTimes(p, windows.get(p), sorted(done_days.get(p, []))) for p in listed]
    return ActionReview(
        today=today,
        since=since,
        actions=every,
        done=done,
        wont_do=wont_do,
        open=len(open_items),
        overdue=overdue,
        completion=completion_rate(every),  # the open-actions page's figure, by the same function
        closed_rate=rate(done + wont_do, len(every)),
        median_days_to_close=middle([d for days in done_days.values() for d in days]),
        months=list(months.values()),
        earlier=[earlier[y] for y in sorted(earlier, reverse=True)],
        opened_later=opened_later,
        closed_later=closed_later,
        closed_undated=closed_undated,
        oldest=oldest,
        priorities=times,
        teams=sorted(teams.values(), key=lambda r: (-r.open, -r.overdue, r.team.lower(), r.team)),
    )


def _open_first(actions: list[Action], priorities: Sequence[str]) -> list[Action]:
    """Open items first in the review's order (overdue first, longest late first), then the closed ones."""
    return sorted(review_order(actions, priorities), key=lambda a: not a.open)
