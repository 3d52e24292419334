"""The failures of talking to a tracker, each one message that is safe to print (no token in it)."""

from __future__ import annotations


class TrackerError(Exception):
    """The tracker could not be used: a request failed, a token is missing, an answer made no sense."""


class RequestFailed(TrackerError):
    """A request failed: the message names the request (method and URL) and what the tracker answered."""

    def __init__(self, method: str, url: str, status: int | None, answer: str) -> None:
        said = f"HTTP {status}: {answer}" if status is not None else answer
        super().__init__(f"{method} {url}: {said}")
        self.method, self.url, self.status, self.answer = method, url, status, answer


class OutcomeUnknown(RequestFailed):
    """A create that may or may not have happened (HTTP 5xx, or the connection failed after sending):
    never sent again blindly; the caller looks for the ticket first."""
