"""``sync``: read every ticket the plan names and merge the readings into the state file."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

from pmsite.reading.ticket_states import StateFile, TicketState
from pmsite.tracker_config import TrackerConfig
from pmsite.tracking.plan import Plan
from pmsite.tracking.records import Reading
from pmsite.tracking.tracker import Tracker


@dataclass
class Synced:
    state: StateFile
    problems: list[tuple[str, str, tuple[str, ...]]]  # (url, problem, action names)
    counts: Counter[str]
    dropped: int  # entries no action names any more


def merge(old: StateFile | None, config: TrackerConfig, readings: dict[str, Reading], today: str) -> StateFile:
    """The new state file: an unchanged ticket keeps its entry as it was (read_on too); a changed one is
    recorded with ``today``; a ticket with a problem keeps its last known state and gains the problem."""
    before = old.tickets if old is not None else {}
    tickets: dict[str, TicketState] = {}
    for url in sorted(readings):
        reading, previous = readings[url], before.get(url)
        if reading.state is not None:
            entry = TicketState(reading.state, reading.tracker_state, reading.closed_on, reading.title, today, reading.problem)
        elif previous is not None:
            entry = TicketState(previous.state, previous.tracker_state, previous.closed_on, previous.title,
                                previous.read_on, reading.problem)
        else:
            entry = TicketState(None, None, None, None, None, reading.problem)
        if previous is not None and _same(previous, entry):
            entry = previous
        tickets[url] = entry
    return StateFile(config.identity(), tickets)


def _same(a: TicketState, b: TicketState) -> bool:
    return (a.state, a.tracker_state, a.closed_on, a.title, a.problem) == (b.state, b.tracker_state, b.closed_on, b.title, b.problem)


def sync(plan: Plan, tracker: Tracker, old: StateFile | None, today: str) -> Synced:
    readings = tracker.read([n.ref for n in plan.read if n.ref is not None]) if plan.read else {}
    state = merge(old, tracker.config, readings, today)
    names = {n.url: tuple(a.name for a in n.actions) for n in plan.read}
    problems = [(url, entry.problem, names.get(url, ())) for url, entry in state.tickets.items() if entry.problem]
    counts = Counter(entry.state or "unknown" for entry in state.tickets.values())
    dropped = len(set(old.tickets) - set(state.tickets)) if old is not None else 0
    return Synced(state, problems, counts, dropped)
