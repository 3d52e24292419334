"""The tracker module for a configuration: offline (``plan``) or with a client (``apply``, ``sync``)."""

from __future__ import annotations

import time
from collections.abc import Callable, Mapping

import httpx

from pmsite.tracker_config import TrackerConfig
from pmsite.tracking.auth import credentials
from pmsite.tracking.github import GitHub
from pmsite.tracking.gitlab import GitLab
from pmsite.tracking.http import Client
from pmsite.tracking.jira import Jira
from pmsite.tracking.tracker import Tracker

TRACKERS: dict[str, type[Tracker]] = {"github": GitHub, "jira": Jira, "gitlab": GitLab}


def offline(config: TrackerConfig) -> Tracker:
    """The tracker module without a client: it parses ticket URLs and composes tickets, and sends nothing."""
    return TRACKERS[config.kind](config)


def connect(
    config: TrackerConfig,
    environ: Mapping[str, str],
    *,
    transport: httpx.BaseTransport | None = None,
    sleep: Callable[[float], None] = time.sleep,
) -> Tracker:
    """The tracker module with a client authenticated from the environment (MissingCredentials otherwise)."""
    creds = credentials(config.kind, environ)
    client = Client(config.url, creds.headers, creds.secrets, timeout=config.timeout, max_wait=config.max_wait,
                    retries=config.retries, backoff=config.backoff, pace=config.create_interval, sleep=sleep,
                    transport=transport)
    return TRACKERS[config.kind](config, client)
