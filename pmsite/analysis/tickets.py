"""The tracker's states of the tickets that actions name, as the last ``pmsite tickets sync`` recorded them.

Read offline from the state file (never the network, so a build stays reproducible). Where a
ticket has a state, it decides what the action's status means everywhere the status counts;
the YAML's own status stays visible beside it when the two disagree.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path

from pmsite.analysis.actions import TrackedState
from pmsite.reading.ticket_states import StateFile, StateFileError, read_state_file
from pmsite.statuses import Meaning
from pmsite.tracker_config import TrackerConfig

IDENTITY = ("kind", "url", "project")  # what a state file must share with the configured tracker to be used


def tracked_states(state: StateFile | None, tracker: TrackerConfig | None) -> tuple[dict[str, TrackedState], str]:
    """The states by ticket URL, and a warning when the file cannot be used (it is then left out)."""
    if state is None or tracker is None:
        return {}, ""
    configured = tracker.identity()
    if any(state.tracker.get(key) != configured[key] for key in IDENTITY):
        was = f"{state.tracker.get('kind')} {state.tracker.get('project')} at {state.tracker.get('url')}"
        now = f"{tracker.kind} {tracker.project} at {tracker.url}"
        return {}, (f"the ticket states were read from {was}, but the site's tracker is {now}: their states are "
                    "left out until `pmsite tickets sync` reads the configured tracker")
    out: dict[str, TrackedState] = {}
    for url, entry in state.tickets.items():
        if entry.state is None or entry.read_on is None:  # never read: the YAML's status stands
            continue
        meaning: Meaning = entry.state  # type: ignore[assignment]  # the reader checked it is one of the four
        closed = dt.date.fromisoformat(entry.closed_on) if entry.closed_on else None
        out[url] = TrackedState(meaning, closed, f"{tracker.name}, read {entry.read_on}", entry.tracker_state or "",
                                entry.problem or "")
    return out, ""


@dataclass
class TicketStates:
    """The states a build uses, with what to say about the state file: a warning, or an error that stops the build."""

    states: dict[str, TrackedState] = field(default_factory=dict)
    warning: str = ""
    error: str = ""
    path: Path | None = None


def read_ticket_states(tracker: TrackerConfig | None, base: Path, docs_dir: Path) -> TicketStates:
    """The tracker's states of the site, read from its state file (none without a tracker or before the first sync)."""
    if tracker is None:
        return TicketStates()
    try:
        path = tracker.state_path(base, docs_dir)
    except ValueError as exc:
        return TicketStates(error=f"pmsite option {exc}")
    try:
        state = read_state_file(path)
    except StateFileError as exc:
        message = str(exc)
        return TicketStates(error=message.split(": ", 1)[1] if message.startswith(f"{path}: ") else message, path=path)
    states, warning = tracked_states(state, tracker)
    return TicketStates(states, warning, path=path)
