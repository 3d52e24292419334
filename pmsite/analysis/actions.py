"""Action items with what the build derives from them: the one home of open, overdue, due soon and their order.

Every page, figure, data file, the calendar, the checklist and ``pmsite actions`` read
these attributes; none of them asks a status word what it means on its own. The meaning
comes from the site's ``action_statuses`` (:mod:`pmsite.statuses`), or from the ticket's
state when a tracker's state was synced (:attr:`Action.tracked`).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from pmsite.format.document import ActionItem
from pmsite.settings import Settings
from pmsite.statuses import CLOSED, DONE, WONT_DO, Meaning

if TYPE_CHECKING:
    from pmsite.analysis.incidents import Incident


@dataclass(frozen=True)
class TrackedState:
    """A ticket's state as the last sync read it from the tracker (see :mod:`pmsite.analysis.tickets`)."""

    meaning: Meaning
    closed_on: dt.date | None
    source: str  # where it comes from, for a reader: "GitHub, read 2026-12-06"
    said: str = ""  # what the tracker said, e.g. "closed (not_planned)"
    problem: str = ""  # the ticket could not be read at the last sync: this is its last known state


@dataclass(eq=False)
class Action:
    """An action item with its incident and derived state."""

    incident: Incident
    item: ActionItem
    id: str
    meaning: Meaning  # what its status means: the tracker's when synced, else the YAML's
    written: Meaning  # what the status written in the YAML means
    status: str  # the status as pages and files show it: the YAML's word, or the site's word for the tracker's state
    overdue: bool  # open and past its due date
    due_soon: bool  # open, not overdue, due within the site's ``due_soon_days``
    days_late: int
    days_to_close: int | None  # completed_on (or the tracker's close date) minus the resolution date
    tracked: TrackedState | None = None

    @property
    def open(self) -> bool:
        """Work is left: the meaning is open or in progress."""
        return self.meaning not in CLOSED

    @property
    def done(self) -> bool:
        return self.meaning == DONE

    @property
    def wont_do(self) -> bool:
        return self.meaning == WONT_DO

    @property
    def drifted(self) -> bool:
        """The tracker and the YAML disagree on what the status means."""
        return self.tracked is not None and self.tracked.meaning != self.written

    @property
    def completed_on(self) -> dt.date | None:
        """When it closed: the tracker's date when synced and closed there, else the YAML's ``completed_on``."""
        if self.tracked is not None and self.tracked.meaning in CLOSED:
            return self.tracked.closed_on or self.item.completed_on
        return self.item.completed_on if self.meaning in CLOSED else None

    @property
    def anchor(self) -> str:
        """Where the item is on its incident page (``action-a1``): the one rule for the page, the JSON and the calendar.

        Action ids are letters, digits, '-' and '_' and unique regardless of case, so the
        lower-cased id is a valid, unique fragment.
        """
        return "action-" + self.id.lower()


def make_action(
    incident: Incident, item: ActionItem, action_id: str, settings: Settings, today: dt.date,
    tracked: TrackedState | None = None,
) -> Action:
    """An action item's derived state on the reference date ``today``."""
    written = settings.status_meaning(item.status)
    meaning = tracked.meaning if tracked is not None else written
    is_open = meaning not in CLOSED
    overdue = is_open and item.due < today
    left = (item.due - today).days
    resolved = incident.doc.resolved_at
    status = item.status if meaning == written else settings.status_word(meaning)
    action = Action(incident, item, action_id, meaning, written, status, overdue, is_open and not overdue and left <= settings.due_soon_days,
                    (today - item.due).days if overdue else 0, None, tracked)
    closed_on = action.completed_on
    action.days_to_close = (closed_on - resolved.date()).days if (closed_on and resolved) else None
    return action


def review_order(actions: Iterable[Action], priorities: Sequence[str]) -> list[Action]:
    """The weekly review's order, the one order of every list of actions: overdue first (longest late
    first), then by due date, then by the configured priority order, then incident and action id."""
    rank = {p: i for i, p in enumerate(priorities)}
    return sorted(
        actions,
        key=lambda a: (not a.overdue, -a.days_late, a.item.due, rank.get(a.item.priority, len(rank)), a.incident.id, a.id),
    )


def open_actions(actions: Iterable[Action], priorities: Sequence[str]) -> list[Action]:
    """The open action items in the review's order."""
    return review_order((a for a in actions if a.open), priorities)
