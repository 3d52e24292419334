"""Tokens, read only from the environment: never from a file, never echoed."""

from __future__ import annotations

import base64
from collections.abc import Mapping
from dataclasses import dataclass, field

from pmsite.tracking.errors import TrackerError


class MissingCredentials(TrackerError):
    """A token variable is not set: nothing was sent."""


VARIABLES = {"github": ("GITHUB_TOKEN",), "jira": ("JIRA_EMAIL", "JIRA_API_TOKEN"), "gitlab": ("GITLAB_TOKEN",)}


@dataclass(frozen=True)
class Credentials:
    """The headers that authenticate requests, and every secret string that must never be shown."""

    headers: Mapping[str, str] = field(repr=False)
    secrets: tuple[str, ...] = field(repr=False)


def credentials(kind: str, environ: Mapping[str, str]) -> Credentials:
    """GitHub: ``Authorization: Bearer $GITHUB_TOKEN``; Jira: basic auth of ``$JIRA_EMAIL:$JIRA_API_TOKEN``;
    GitLab: ``PRIVATE-TOKEN: $GITLAB_TOKEN``. A missing variable is a TrackerError naming it."""
    names = VARIABLES[kind]
    values = [environ.get(name, "").strip() for name in names]
    missing = [name for name, value in zip(names, values) if not value]
    if missing:
        raise MissingCredentials(f"set the environment variable{'s' if len(missing) > 1 else ''} {' and '.join(missing)} "
                           f"(tokens are read from the environment only)")
    if kind == "github":
        return Credentials({"Authorization": f"Bearer {values[0]}"}, (values[0],))
    if kind == "jira":
        pair = base64.b64encode(f"{values[0]}:{values[1]}".encode()).decode("ascii")
        return Credentials({"Authorization": f"Basic {pair}"}, (values[1], pair, values[0]))
    return Credentials({"PRIVATE-TOKEN": values[0]}, (values[0],))
