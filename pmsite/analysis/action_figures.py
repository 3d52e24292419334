"""The open-actions page's figures: completion, time to close, on-time rate, owners.

Every figure is computed from published incidents against the build's
reference date, with definitions written beside them (the pages repeat
them), so a reader can recompute any number by hand.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass

from pmsite.analysis.actions import Action, open_actions
from pmsite.analysis.figures import average, completion, rate, within_window
from pmsite.analysis.knowledge_base import KnowledgeBase

RECENT_DAYS = 90


def completion_rate(actions: list[Action]) -> float | None:
    """Done items as a share of all items except those decided against (won't do)."""
    return completion(sum(1 for a in actions if a.done), len(actions), sum(1 for a in actions if a.wont_do))


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
        return rate(self.on_time, self.closed)


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


def action_figures(kb: KnowledgeBase) -> ActionFigures:
    s = kb.settings
    today = kb.today
    every = [a for inc in kb.incidents for a in inc.actions]
    open_ = open_actions(every, s.priorities)
    recent_cutoff = today - dt.timedelta(days=RECENT_DAYS)
    recent = [a for a in every if a.incident.date >= recent_cutoff]
    closed_days = [a.days_to_close for a in every if a.done and a.days_to_close is not None]
    rows = []
    on_time_total = closed_total = 0
    done_by_priority: dict[str, list[Action]] = defaultdict(list)  # one pass, not one per priority
    for a in every:
        if a.done and a.days_to_close is not None:
            done_by_priority[a.item.priority].append(a)
    for p in s.priorities:
        window = s.priority_windows.get(p)
        done = done_by_priority.get(p, [])
        on_time = sum(1 for a in done if a.days_to_close is not None and within_window(a.days_to_close, window))
        rows.append(PriorityRow(p, window, len(done), on_time))
        on_time_total += on_time
        closed_total += len(done)
    owners: dict[str, OwnerRow] = {}
    for a in every:
        row = owners.setdefault(a.item.owner, OwnerRow(a.item.owner))
        row.total += 1
        if a.done:
            row.done += 1
        if a.open:
            row.open += 1
        if a.overdue:
            row.overdue += 1
    return ActionFigures(
        all=every,
        open=open_,
        overdue=[a for a in open_ if a.overdue],
        due_soon=[a for a in open_ if a.due_soon],
        completion_all=completion_rate(every),
        completion_recent=completion_rate(recent),
        recent_count=len(recent),
        average_days_to_close=average(closed_days),
        on_time=rows,
        on_time_overall=rate(on_time_total, closed_total),
        owners=sorted(owners.values(), key=lambda r: (-r.open, -r.overdue, r.owner.lower(), r.owner)),
    )
