"""The ``tracker`` option of the pmsite plugin: which tracker, which project, and the team's policy.

It belongs with the settings (it imports only the base rules of :mod:`pmsite.text`). Every error is a ValueError whose message
starts with the option's path, e.g. ``tracker.kind: expected one of github, jira, gitlab, got 'gh'``.
"""

from __future__ import annotations

import math
import os
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import Any
from urllib.parse import urlsplit

from pmsite.text import FORBIDDEN_IN_LINE, is_http_url

KINDS = ("github", "jira", "gitlab")
KIND_NAMES = {"github": "GitHub", "jira": "Jira", "gitlab": "GitLab"}  # as a reader knows them
DEFAULT_WEB_GITHUB = "https://github.com"
DEFAULT_ISSUE_TYPE = "Task"
DEFAULT_WONT_DO_LABELS = ("wontfix", "won't do")
DEFAULT_IN_PROGRESS_LABELS = ("in progress",)
DEFAULT_WONT_DO_RESOLUTIONS = ("Won't Do", "Won't Fix", "Duplicate", "Declined", "Cannot Reproduce")
DEFAULT_JIRA_PRIORITIES = {"critical": "Highest", "high": "High", "medium": "Medium", "low": "Low"}
DEFAULT_STATE_FILE = "tickets.json"
DEFAULT_CREATE_INTERVAL = 1.0  # seconds between two creates: GitHub asks for at least one between POSTs
DEFAULT_MAX_WAIT = 600.0  # the longest single wait for a rate limit before a run gives up
DEFAULT_TIMEOUT = 30.0
DEFAULT_RETRIES = 3
DEFAULT_BACKOFF = 1.0

_JIRA_KEY = re.compile(r"[A-Z][A-Z0-9_]{0,254}\Z")
_SLUG_PART = re.compile(r"[A-Za-z0-9_.][A-Za-z0-9_.-]{0,99}\Z")
_OPTIONS = (
    "kind", "url", "project", "web", "routes", "also_read", "assignees", "labels", "issue_type", "priorities",
    "wont_do_labels", "in_progress_labels", "wont_do_resolutions", "state_file", "create_interval", "max_wait",
    "timeout", "retries", "backoff",
)


@dataclass(frozen=True)
class TrackerConfig:
    """The validated ``tracker`` option. URLs carry no trailing slash."""

    kind: str
    url: str  # the API base: https://api.github.com, https://HOST/api/v3, https://SITE.atlassian.net, https://HOST
    project: str  # owner/repo, a Jira project key, or a GitLab group/project path
    web: str  # where ticket links point
    routes: Mapping[str, str] = field(default_factory=dict)  # owner or team -> another project
    also_read: tuple[str, ...] = ()  # more projects whose tickets sync reads (apply never creates there)
    assignees: Mapping[str, str] = field(default_factory=dict)  # owner -> account (login, accountId, user id)
    labels: tuple[str, ...] = ()  # added to every ticket apply creates
    issue_type: str = DEFAULT_ISSUE_TYPE  # Jira
    priorities: Mapping[str, str] = field(default_factory=lambda: dict(DEFAULT_JIRA_PRIORITIES))  # Jira names
    wont_do_labels: tuple[str, ...] = DEFAULT_WONT_DO_LABELS  # GitLab (and GitHub): closed with one = won't do
    in_progress_labels: tuple[str, ...] = DEFAULT_IN_PROGRESS_LABELS  # GitHub, GitLab: open with one = in progress
    wont_do_resolutions: tuple[str, ...] = DEFAULT_WONT_DO_RESOLUTIONS  # Jira: done with one = won't do
    state_file: str = DEFAULT_STATE_FILE  # relative to mkdocs.yml's folder, outside the docs folder
    create_interval: float = DEFAULT_CREATE_INTERVAL
    max_wait: float = DEFAULT_MAX_WAIT
    timeout: float = DEFAULT_TIMEOUT
    retries: int = DEFAULT_RETRIES  # retries of a failed read (5xx, network); a create is never sent twice
    backoff: float = DEFAULT_BACKOFF  # seconds before the first retry, doubling after each

    @property
    def projects(self) -> tuple[str, ...]:
        """Every project sync reads: the default one, the routed ones, then ``also_read``; each once."""
        seen: dict[str, str] = {}
        for name in (self.project, *self.routes.values(), *self.also_read):
            seen.setdefault(project_key(self.kind, name), name)
        return tuple(seen.values())

    @property
    def name(self) -> str:
        return KIND_NAMES[self.kind]

    def state_path(self, base: Path, docs_dir: Path) -> Path:
        """Where the state file lives: relative to mkdocs.yml's folder, never inside the docs folder (it would
        be published); ValueError names the option when it is."""
        path = (base / self.state_file).resolve()
        docs = docs_dir.resolve()
        if path == docs or docs in path.parents:
            raise ValueError(f"tracker.state_file: expected a path outside the docs folder ({os.path.relpath(docs, base)}/), "
                             f"got {self.state_file!r} (it would be published)")
        return path

    def identity(self) -> dict[str, str]:
        """What the state file records of the tracker it was read from."""
        return {"kind": self.kind, "url": self.url, "project": self.project, "web": self.web}


def project_key(kind: str, project: str) -> str:
    """How two spellings of one project compare: GitHub and GitLab paths ignore letter case."""
    return project if kind == "jira" else project.lower()


def _shown(value: object) -> str:
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "..."


def _text(value: object, path: str, what: str = "one line of text") -> str:
    if not isinstance(value, str) or not value.strip() or value != value.strip() or FORBIDDEN_IN_LINE.search(value):
        raise ValueError(f"{path}: expected {what} without control characters or surrounding spaces, got {_shown(value)}")
    if len(value) > 200:
        raise ValueError(f"{path}: expected at most 200 characters, got {len(value)}")
    return value


def _texts(value: object, path: str, what: str) -> tuple[str, ...]:
    if not isinstance(value, list):
        raise ValueError(f"{path}: expected a list of {what}, got {_shown(value)}")
    out = tuple(_text(item, f"{path}[{i}]") for i, item in enumerate(value))
    if len({v.casefold() for v in out}) != len(out):
        raise ValueError(f"{path}: expected distinct {what}, got {_shown(value)}")
    return out


def _mapping(value: object, path: str, what: str) -> dict[str, str]:
    if not isinstance(value, dict):
        raise ValueError(f"{path}: expected a mapping of {what}, got {_shown(value)}")
    out: dict[str, str] = {}
    for key, item in value.items():
        name = _text(key, f"{path}: each key")
        out[name] = _text(item, f"{path}[{name!r}]")
    return out


def _http_url(value: object, path: str, what: str) -> str:
    text = _text(value, path, what)
    parts = urlsplit(text)
    if not is_http_url(text) or not parts.hostname or parts.query or parts.fragment or parts.username:
        raise ValueError(f"{path}: expected {what} (http or https, no query, fragment or credentials), got {_shown(value)}")
    return text.rstrip("/")


def _number(value: object, path: str, low: float, high: float) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value) or not low <= value <= high:
        raise ValueError(f"{path}: expected a number of seconds from {low:g} to {high:g}, got {_shown(value)}")
    return float(value)


def _project(kind: str, value: object, path: str) -> str:
    text = _text(value, path, "a project")
    if kind == "jira":
        if not _JIRA_KEY.match(text):
            raise ValueError(f"{path}: expected a Jira project key (capital letters, digits, '_', e.g. OPS), got {_shown(value)}")
        return text
    parts = text.split("/")
    if kind == "github" and len(parts) != 2:
        raise ValueError(f"{path}: expected owner/repo, got {_shown(value)}")
    if kind == "gitlab" and len(parts) < 2:
        raise ValueError(f"{path}: expected a group/project path, got {_shown(value)}")
    if not all(_SLUG_PART.match(p) for p in parts):
        expected = "owner/repo" if kind == "github" else "a group/project path"
        raise ValueError(f"{path}: expected {expected} of letters, digits, '.', '_' and '-', got {_shown(value)}")
    return text


def default_web(kind: str, url: str) -> str:
    """Where tickets are shown: github.com for api.github.com, https://HOST for GitHub Enterprise's
    https://HOST/api/v3, and the API base itself for Jira and GitLab (their web and API share a host)."""
    if kind != "github":
        return url
    parts = urlsplit(url)
    if parts.hostname == "api.github.com":
        return DEFAULT_WEB_GITHUB
    path = parts.path.rstrip("/")
    if path.endswith("/api/v3"):
        path = path[: -len("/api/v3")]
    return f"{parts.scheme}://{parts.netloc}{path}"


def _state_file(value: object, path: str) -> str:
    text = _text(value, path, "a file path")
    pure = PurePosixPath(text)
    if pure.is_absolute() or "\\" in text or not text.endswith(".json"):
        raise ValueError(f"{path}: expected a relative path to a .json file (beside mkdocs.yml), got {_shown(value)}")
    return text


def _check_labels(kind: str, labels: tuple[str, ...], path: str) -> None:
    for i, label in enumerate(labels):
        if kind == "jira" and any(ch.isspace() for ch in label):
            raise ValueError(f"{path}[{i}]: expected a Jira label without spaces, got {_shown(label)}")
        if kind == "gitlab" and "," in label:
            raise ValueError(f"{path}[{i}]: expected a GitLab label without commas, got {_shown(label)}")
        if kind == "github" and len(label) > 50:
            raise ValueError(f"{path}[{i}]: expected a GitHub label of at most 50 characters, got {len(label)}")


def parse_tracker_config(raw: object, path: str = "tracker") -> TrackerConfig | None:
    """The ``tracker`` option validated; None when it is absent (null). ValueError names the option's path."""
    if raw is None:
        return None
    if not isinstance(raw, dict):
        raise ValueError(f"{path}: expected a mapping with kind, url and project, got {_shown(raw)}")
    unknown = sorted(str(k) for k in raw if k not in _OPTIONS)
    if unknown:
        raise ValueError(f"{path}.{unknown[0]}: unknown option; expected one of: {', '.join(_OPTIONS)}")
    kind = raw.get("kind")
    if kind is not None and kind not in KINDS:
        raise ValueError(f"{path}.kind: expected one of {', '.join(KINDS)}, got {_shown(kind)}")
    for required in ("kind", "url", "project"):
        if raw.get(required) is None:
            raise ValueError(f"{path}.{required}: required: {_REQUIRED[required]}")
    if kind not in KINDS:
        raise ValueError(f"{path}.kind: expected one of {', '.join(KINDS)}, got {_shown(kind)}")
    url = _http_url(raw["url"], f"{path}.url", "the tracker's API base URL")
    if kind == "jira" and "/rest/" in url + "/":
        raise ValueError(f"{path}.url: expected the site's base URL (https://SITE.atlassian.net), not an API path, got {_shown(raw['url'])}")
    if kind == "gitlab" and url.endswith("/api/v4"):
        raise ValueError(f"{path}.url: expected the GitLab base URL (https://HOST), without /api/v4, got {_shown(raw['url'])}")
    values: dict[str, Any] = {"kind": kind, "url": url, "project": _project(kind, raw["project"], f"{path}.project")}
    web = raw.get("web")
    values["web"] = default_web(kind, url) if web is None else _http_url(web, f"{path}.web", "the web address of tickets")
    if raw.get("routes") is not None:
        routes = _mapping(raw["routes"], f"{path}.routes", "owners or teams to projects")
        values["routes"] = {k: _project(kind, v, f"{path}.routes[{k!r}]") for k, v in routes.items()}
    if raw.get("also_read") is not None:
        names = _texts(raw["also_read"], f"{path}.also_read", "projects")
        values["also_read"] = tuple(_project(kind, v, f"{path}.also_read[{i}]") for i, v in enumerate(names))
    if raw.get("assignees") is not None:
        assignees = _mapping(raw["assignees"], f"{path}.assignees", "owners to accounts")
        for owner, account in assignees.items():
            if kind == "gitlab" and not account.isdigit():
                raise ValueError(f"{path}.assignees[{owner!r}]: expected a GitLab user id (digits), got {_shown(account)}")
        values["assignees"] = assignees
    for name, what in (("labels", "labels"), ("wont_do_labels", "labels"), ("in_progress_labels", "labels"),
                       ("wont_do_resolutions", "resolution names")):
        if raw.get(name) is not None:
            values[name] = _texts(raw[name], f"{path}.{name}", what)
    _check_labels(kind, values.get("labels", ()), f"{path}.labels")
    if raw.get("issue_type") is not None:
        values["issue_type"] = _text(raw["issue_type"], f"{path}.issue_type", "a Jira issue type name")
    if raw.get("priorities") is not None:
        values["priorities"] = _mapping(raw["priorities"], f"{path}.priorities", "priorities to Jira priority names")
    if raw.get("state_file") is not None:
        values["state_file"] = _state_file(raw["state_file"], f"{path}.state_file")
    if raw.get("create_interval") is not None:
        values["create_interval"] = _number(raw["create_interval"], f"{path}.create_interval", 0, 3600)
    if raw.get("max_wait") is not None:
        values["max_wait"] = _number(raw["max_wait"], f"{path}.max_wait", 0, 86_400)
    if raw.get("timeout") is not None:
        values["timeout"] = _number(raw["timeout"], f"{path}.timeout", 0.01, 3600)
    if raw.get("backoff") is not None:
        values["backoff"] = _number(raw["backoff"], f"{path}.backoff", 0, 600)
    if raw.get("retries") is not None:
        retries = raw["retries"]
        if isinstance(retries, bool) or not isinstance(retries, int) or not 0 <= retries <= 10:
            raise ValueError(f"{path}.retries: expected a whole number from 0 to 10, got {_shown(retries)}")
        values["retries"] = retries
    return TrackerConfig(**values)


_REQUIRED = {
    "kind": f"expected one of {', '.join(KINDS)}",
    "url": "expected the API base URL (https://api.github.com, https://HOST/api/v3, https://SITE.atlassian.net or https://HOST)",
    "project": "expected owner/repo (GitHub), a project key (Jira) or group/project (GitLab)",
}
