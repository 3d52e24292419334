"""How durations, offsets, times, numbers and notes read on a page: short and exact."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from pmsite.settings import Settings
from pmsite.text import plural

if TYPE_CHECKING:
    from pmsite.analysis.actions import Action
    from pmsite.analysis.incidents import Incident


def human_duration(delta: dt.timedelta | None) -> str:
    """``1h 05m``, ``23m``, ``2d 4h``: short and exact to the minute (seconds under an hour)."""
    if delta is None:
        return "—"
    seconds = int(delta.total_seconds())
    sign = "-" if seconds < 0 else ""
    seconds = abs(seconds)
    days, rem = divmod(seconds, 86400)
    hours, rem = divmod(rem, 3600)
    minutes, secs = divmod(rem, 60)
    if days:
        return f"{sign}{days}d {hours}h" if not minutes else f"{sign}{days}d {hours}h {minutes:02d}m"
    if hours:
        return f"{sign}{hours}h {minutes:02d}m"
    if minutes:
        return f"{sign}{minutes}m" if not secs else f"{sign}{minutes}m {secs:02d}s"
    return f"{sign}{secs}s"


def offset_label(delta: dt.timedelta) -> str:
    """``T+1m45s`` style offset from the start of the incident."""
    seconds = int(delta.total_seconds())
    sign = "+" if seconds >= 0 else "-"
    seconds = abs(seconds)
    days, rem = divmod(seconds, 86400)
    hours, rem = divmod(rem, 3600)
    minutes, secs = divmod(rem, 60)
    parts = ""
    if days:
        parts += f"{days}d"
    if hours:
        parts += f"{hours}h"
    if minutes:
        parts += f"{minutes}m"
    if secs or not parts:
        parts += f"{secs}s"
    return f"T{sign}{parts}"


def format_timestamp(value: dt.datetime) -> str:
    """The author's timestamp as written: UTC shown as ``UTC``, other offsets kept."""
    offset = value.utcoffset()
    base = value.strftime("%Y-%m-%d %H:%M:%S")
    if not offset:
        return f"{base} UTC"
    return f"{base} {value.strftime('%z')[:3]}:{value.strftime('%z')[3:]}"


def format_number(value: float | int) -> str:
    """``1,200``, ``12.5``: thousands separated, no trailing ``.0``."""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return f"{value:,}" if isinstance(value, int) else f"{value:g}"


def percent(value: float | None) -> str:
    return "—" if value is None else f"{value:g}%"


def severity_class(level: int | str, settings: Settings) -> str:
    """``pm-sev--1`` for the most severe configured level, ``--2`` for the next...: ranks, not labels."""
    levels = list(settings.severities)
    return f"pm-sev--{levels.index(level) + 1 if level in levels else 0}"


def due_note(action: Action, today: dt.date) -> tuple[str, str]:
    """What the listings say beside a due date: ("overdue", "3 days late"), ("soon", "due in 2 days") or ("", "")."""
    if action.overdue:
        return "overdue", f"{plural(action.days_late, 'day')} late"
    if action.due_soon:
        left = (action.item.due - today).days
        return "soon", "due today" if left == 0 else f"due in {plural(left, 'day')}"
    return "", ""


def open_note(inc: Incident) -> tuple[str, str]:
    """The catalog's action column: ("2 open", "1 overdue"), either part empty when zero."""
    n_open = len(inc.open_actions)
    n_late = sum(1 for a in inc.actions if a.overdue)
    return (f"{n_open} open" if n_open else "", f"{n_late} overdue" if n_late else "")
