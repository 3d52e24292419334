"""How durations, offsets, times and numbers read on a page: short and exact."""

from __future__ import annotations

import datetime as dt


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
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return f"{value:,}" if isinstance(value, int) else f"{value:g}"
