"""What every tracker module provides, and the words a sync records for a ticket it cannot read."""

from __future__ import annotations

import re
from abc import ABC, abstractmethod
from collections.abc import Callable, Sequence
from urllib.parse import urlsplit

from pmsite.tracker_config import TrackerConfig
from pmsite.tracking.errors import TrackerError
from pmsite.tracking.http import Client
from pmsite.tracking.records import Created, NewTicket, Reading, TicketRef


def gone(status: int) -> Reading:
    return Reading(problem=f"gone (HTTP {status})")


def moved(how: str) -> Reading:
    return Reading(problem=f"moved ({how})")


def unreadable(why: str) -> Reading:
    return Reading(problem=f"unreadable: {why}")


ONE_TICKET_ANSWERS = (200, 301, 302, 307, 308, 403, 404, 410)
"""What a request for one ticket may answer without failing the sync: the ticket, a move, no access, gone."""


def without_ticket(status: int, no_access: str) -> Reading | None:
    """The reading for an answer to ``ONE_TICKET_ANSWERS`` that holds no ticket; None when it holds one."""
    if status in (404, 410):
        return gone(status)
    if status in (301, 302, 307, 308):
        return moved(f"HTTP {status}")
    if status == 403:
        return unreadable(f"HTTP 403 ({no_access})")
    return None


class Tracker(ABC):
    """One tracker's quirks. Parsing a ticket URL needs no client (``plan`` is offline)."""

    def __init__(self, config: TrackerConfig, client: Client | None = None) -> None:
        self.config = config
        self._client = client
        web = urlsplit(config.web)
        self._web_host = (web.hostname or "").lower(), web.port
        self._web_path = web.path.rstrip("/")

    @property
    def name(self) -> str:
        """The tracker as a reader knows it (GitHub, Jira, GitLab)."""
        return self.config.name

    @property
    def client(self) -> Client:
        if self._client is None:
            raise TrackerError("no client: this step makes no request")
        return self._client

    def _web_tail(self, url: str) -> str | None:
        """The path of ``url`` below the configured web address, or None for another site."""
        try:
            parts = urlsplit(url.strip())
            host = ((parts.hostname or "").lower(), parts.port)
        except ValueError:
            return None
        if parts.scheme.lower() not in ("http", "https") or host != self._web_host:
            return None
        path = parts.path
        if not path.startswith(self._web_path + "/"):
            return None
        return path[len(self._web_path):]

    def _match(self, url: str, pattern: re.Pattern[str]) -> re.Match[str] | None:
        """``pattern`` matched against the path of ``url`` below the web address (None for another site)."""
        tail = self._web_tail(url)
        return pattern.match(tail) if tail is not None else None

    @staticmethod
    def dropped(asked: Sequence[str], kept: Sequence[str]) -> tuple[str, ...]:
        """The labels asked for that a created ticket does not carry (a token without the right silently drops them)."""
        have = {label.casefold() for label in kept}
        return tuple(label for label in asked if label.casefold() not in have)

    @staticmethod
    def by_project(refs: Sequence[TicketRef], key: Callable[[str], str] = str.lower) -> list[list[TicketRef]]:
        """The tickets grouped by project (as the tracker compares project names), in first-seen order."""
        groups: dict[str, list[TicketRef]] = {}
        for ref in refs:
            groups.setdefault(key(ref.project), []).append(ref)
        return list(groups.values())

    @abstractmethod
    def parse_url(self, url: str) -> TicketRef | None:
        """The ticket ``url`` names on this tracker's site, or None (another site, or not a ticket's URL)."""

    @abstractmethod
    def ticket_url(self, project: str, number: str) -> str:
        """The web URL of a ticket, as ``apply`` writes it."""

    def preflight(self, project: str) -> None:  # noqa: B027 (most trackers need no check)
        """Checks before creating anything in ``project`` (GitHub: that labels will be kept)."""

    @abstractmethod
    def find(self, new: NewTicket) -> str | None:
        """The URL of a ticket created earlier for the same action (its marker), or None."""

    @abstractmethod
    def create(self, new: NewTicket) -> Created:
        """Create the ticket (one request; never repeated here)."""

    @abstractmethod
    def read(self, refs: Sequence[TicketRef]) -> dict[str, Reading]:
        """A reading for every ref, keyed by its URL, in as few requests as the tracker allows."""


def html_marker(marker: str) -> str:
    """The hidden line a Markdown body carries: ``<!-- pmsite:action INC-1/A1 -->``."""
    return f"<!-- {marker} -->"


def has_html_marker(body: object, marker: str) -> bool:
    return isinstance(body, str) and re.search(rf"(?m)^{re.escape(html_marker(marker))}[ \t]*\r?$", body) is not None


def chunks(items: Sequence[TicketRef], size: int) -> list[Sequence[TicketRef]]:
    return [items[i : i + size] for i in range(0, len(items), size)]
