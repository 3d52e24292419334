"""What the tracker modules take and give: a ticket named by a URL, a ticket to create, a reading."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass


@dataclass(frozen=True)
class TicketRef:
    """A ticket of the configured tracker, as an action names it."""

    url: str  # as written in the post-mortem
    project: str  # as the tracker spells it (owner/repo, KEY, group/project)
    number: str  # the issue number, the Jira key, or the GitLab iid


@dataclass(frozen=True)
class NewTicket:
    """A ticket ``apply`` creates for one action item."""

    project: str
    marker: str  # identifies the action: pmsite:action INC-2024-0315/A1
    incident_id: str
    incident_label: str  # incident-<id>: every ticket of the incident carries it (the marker is looked for among them)
    title: str
    body: str  # Markdown (GitHub, GitLab); the Jira module builds its ADF from ``sections``
    sections: tuple[tuple[str, str], ...]  # (label, text) lines of the body, for trackers without Markdown
    link: str  # the incident's page, or "" without site_url
    labels: tuple[str, ...]
    due: dt.date
    priority: str
    assignee: str | None


@dataclass(frozen=True)
class Created:
    """A ticket the tracker holds: its web URL, and the labels it did not keep (a token without rights)."""

    url: str
    dropped_labels: tuple[str, ...] = ()


@dataclass(frozen=True)
class Reading:
    """What a sync learnt of one ticket: a state, or a problem (gone, moved, unreadable)."""

    state: str | None = None  # one of STATES
    tracker_state: str | None = None  # the tracker's own words, e.g. 'closed (not_planned)'
    closed_on: str | None = None  # YYYY-MM-DD
    title: str | None = None
    problem: str | None = None  # 'gone (HTTP 404)', 'moved (HTTP 301)', 'unreadable: ...'


def utc_day(timestamp: str | None) -> str | None:
    """``2024-03-21T10:00:00Z`` or Jira's ``2024-03-21T10:00:00.000+0000`` as the UTC date, or None."""
    if not timestamp:
        return None
    text = timestamp.strip()
    if len(text) >= 5 and text[-5] in "+-" and text[-4:].isdigit():  # +0000 -> +00:00
        text = f"{text[:-2]}:{text[-2:]}"
    try:
        moment = dt.datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        return None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=dt.UTC)
    return moment.astimezone(dt.UTC).date().isoformat()
