"""The monthly action review page: its figures, its charts (each with the table of its numbers) and how a ticket reads.

The figures are :mod:`pmsite.analysis.action_review`'s; this module only shapes them for the
template ``pmsite/review.html``.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

from pmsite.analysis.action_review import LISTED, ActionReview, Earlier, TeamRow, action_review, opened_on
from pmsite.analysis.actions import Action
from pmsite.site import charts
from pmsite.site.formatting import format_number
from pmsite.site.history_charts import Chart
from pmsite.site.plan import REVIEW_SOURCE, SitePlan
from pmsite.statuses import LABELS
from pmsite.text import is_http_url

TEAMS_CHARTED = 10  # the most active teams in the per-team chart; the table lists every team
_ISSUE_PATH = re.compile(r"/([^/]+)/(?:-/)?issues/(\d+)/?$")  # GitHub's and GitLab's issue pages


@dataclass(frozen=True)
class Ticket:
    """An action's ticket as the page shows it: a short label, and a link when the ticket is an http(s) URL."""

    label: str
    url: str | None


def ticket_of(action: Action) -> Ticket | None:
    """``platform#812`` for a GitHub or GitLab issue, the last part of the path otherwise (``OPS-123`` for
    Jira's ``/browse/OPS-123``); linked only when it is an http(s) URL (:func:`pmsite.text.is_http_url`)."""
    raw = action.item.ticket
    if not raw:
        return None
    text = raw.strip()
    if not is_http_url(text):
        return Ticket(text, None)
    parts = urlsplit(text)
    issue = _ISSUE_PATH.search(parts.path)
    if issue:
        label = f"{issue.group(1)}#{issue.group(2)}"
    else:
        segments = [s for s in parts.path.split("/") if s]
        label = segments[-1] if segments else parts.netloc
    return Ticket(label, text)


def state_word(action: Action) -> str:
    """What the action's status means, in words: open, in progress, done, won't do."""
    return LABELS[action.meaning]


def days(count: int) -> str:
    return f"{count} day" if count == 1 else f"{count} days"


def review_charts(review: ActionReview) -> dict[str, Chart]:
    """The review's three charts by id: opened against closed per month, time to close per priority
    against its window, opened against closed per team."""
    months = review.months_oldest_first
    keys = [m.key for m in months]
    per_month = Chart(
        "opened-and-closed",
        "Actions opened and closed per month",
        charts.grouped_bars(
            "opened-and-closed-chart", "Actions opened and closed per month", keys,
            [("opened", [len(m.opened) for m in months]), ("closed (done or won't do)", [len(m.closed) for m in months])],
            y_title="actions",
        ),
        ["Month", "Opened", "Closed", "Won't do", "Became overdue"],
        [[m.key + (" (to date)" if m.to_date else ""), len(m.opened), len(m.closed), m.wont_do, len(m.became_overdue)] for m in months],
    )
    rows = review.priorities
    per_priority = Chart(
        "time-to-close",
        "Time to close by priority, against its target window",
        charts.hbar_groups(
            "time-to-close-chart", "Days to close by priority, against its target window",
            [p.priority for p in rows],
            [("median days", [p.median for p in rows]), ("mean days", [p.mean for p in rows])],
            targets=[p.window for p in rows], target_name="target window (days)", missing="none closed",
        ),
        ["Priority", "Target (days)", "Median (days)", "Mean (days)", "Within target, of done"],
        [[p.priority, p.window, _number(p.median), _number(p.mean), _within(p.within, p.count, p.share)] for p in rows],
        note="Done items with a close date: days from the incident's resolution to the close date.",
    )
    active = sorted((t for t in review.teams if t.opened or t.closed), key=lambda t: (-(t.opened + t.closed), t.team.lower(), t.team))
    shown: list[TeamRow] = active[:TEAMS_CHARTED]
    more = f"; the table lists all {len(active)}" if len(active) > len(shown) else ""
    since = f"{review.since.isoformat()} to {review.today.isoformat()}"
    per_team = Chart(
        "teams",
        f"Opened and closed per team, {since}",
        charts.hbar_groups(
            "teams-chart", f"Actions opened and closed per team, {since}", [t.team for t in shown],
            [("opened", [t.opened for t in shown]), ("closed", [t.closed for t in shown])],
        ),
        ["Team", "Opened", "Closed"],
        [[t.team, t.opened, t.closed] for t in active],
        note=f"Items opened and closed from {since}. The chart shows the {len(shown)} teams with the most{more}.",
    )
    return {c.id: c for c in (per_month, per_priority, per_team)}


def _within(within: int, count: int, share: float | None) -> str:
    """``3 of 4 (75%)``; the count alone without a window, ``none done`` without an item."""
    if not count:
        return "none done"
    return f"{within} of {count} ({share:g}%)" if share is not None else f"{count} done, no target"


def _number(value: float | None) -> str | None:
    return None if value is None else format_number(value)


def review_context(plan: SitePlan) -> dict[str, Any]:
    """What ``pmsite/review.html`` is rendered with, besides the context every page shares."""
    review = action_review(plan.kb)
    today = plan.kb.today

    def age(action: Action) -> int:
        return (today - opened_on(action)).days

    return {
        "r": review,
        "charts": review_charts(review),
        "listed": LISTED,
        "ticket_of": ticket_of,
        "state_word": state_word,
        "opened_on": opened_on,
        "age": age,
        "days": days,
        "month_name": month_name,
        "period_label": period_label,
        "late_by": lambda a, on: (on - a.item.due).days,
        "actions_url": plan.listing_url("actions", 1),
        "review_url": plan.url_for(REVIEW_SOURCE),
    }


MONTH_NAMES = ("January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
               "November", "December")


def month_name(day: dt.date) -> str:
    """``June 2026``, in English whatever the machine's locale."""
    return f"{MONTH_NAMES[day.month - 1]} {day.year}"


def period_label(row: Earlier) -> str:
    """``2024`` for a whole year, ``2025, Jan to Jun`` for a part of one, ``2025, Jan`` for one month."""
    first, last = row.first.month, row.last.month
    if first == 1 and last == 12:
        return f"{row.first.year}"
    if first == last:
        return f"{row.first.year}, {MONTH_NAMES[first - 1][:3]}"
    return f"{row.first.year}, {MONTH_NAMES[first - 1][:3]} to {MONTH_NAMES[last - 1][:3]}"
