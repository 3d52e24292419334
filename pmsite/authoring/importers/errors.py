"""The two ways ``pmsite draft`` stops, each with its exit status and a message that names where."""

from __future__ import annotations

from pmsite.errors import CommandError, UsageError


class DraftError(CommandError):
    """The record or the mapping cannot become a draft: exit status 1."""


class DraftUsage(UsageError):
    """A missing input, a bad argument or an unreadable mapping file: exit status 2."""
