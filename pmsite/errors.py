"""Every error pmsite raises on purpose, under one base class, with the exit status it means.

A problem in an author's file is not an error of this kind: it is a located
:class:`~pmsite.problems.Problem`, collected with every other before anything
stops. These classes are for what ends a command or a build.
"""

from __future__ import annotations

EXIT_OK, EXIT_PROBLEMS, EXIT_USAGE = 0, 1, 2  # what every command returns

__all__ = ["EXIT_OK", "EXIT_PROBLEMS", "EXIT_USAGE", "BuildFailed", "CommandError", "PageCollision", "PmsiteError", "UsageError"]


class PmsiteError(Exception):
    """Something pmsite refused or could not do, with a message for the reader (never a traceback)."""

    exit_status = EXIT_PROBLEMS


class UsageError(PmsiteError):
    """Bad arguments, a missing path or an unreadable configuration: exit status 2."""

    exit_status = EXIT_USAGE


class CommandError(PmsiteError):
    """The command could not do its work (e.g. the file exists): exit status 1."""


class BuildFailed(CommandError):
    """The problems were printed already (as the build prints them): exit status 1, nothing more to say."""


class PageCollision(PmsiteError):
    """Two generated pages would be written to the same place; the message names both."""
