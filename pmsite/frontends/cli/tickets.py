"""``pmsite tickets plan | apply | sync``: the command line of the tracker side.

Exit status: 0 done; 1 the tracker failed or a problem was found (the message says which action,
which request and what the tracker answered); 2 usage (no tracker configured, a token missing, a bad
state file path).
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import sys
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from pmsite.problems import printable
from pmsite.tracker_config import TrackerConfig

if TYPE_CHECKING:
    from pmsite.tracking.corpus import Site

EXIT_OK, EXIT_PROBLEMS, EXIT_USAGE = 0, 1, 2


def _emit(text: str, *, err: bool = False) -> None:
    print(printable(text) if err else text, file=sys.stderr if err else sys.stdout, flush=True)


def _prepare(args: argparse.Namespace, *, online: bool) -> tuple[Any, Any, Any]:
    from pmsite.errors import UsageError
    from pmsite.tracking.auth import MissingCredentials
    from pmsite.tracking.connect import connect, offline
    from pmsite.tracking.plan import make_plan

    site = load_site(getattr(args, "config_file", None))
    config = site.require_tracker()
    try:
        tracker = connect(config, os.environ) if online else offline(config)
    except MissingCredentials as exc:
        raise UsageError(str(exc)) from None
    plan = make_plan(site, tracker)
    for error in plan.errors:
        _emit(f"pmsite: warning: left out, the file has errors: {error}", err=True)
    return site, tracker, plan


def cmd_plan(args: argparse.Namespace) -> int:
    from pmsite.tracking.plan import as_markdown, as_table, dumps_json

    _, _, plan = _prepare(args, online=False)
    text = {"json": dumps_json, "markdown": as_markdown}.get(args.format, as_table)(plan)
    sys.stdout.write(text + "\n")
    return EXIT_OK


def cmd_apply(args: argparse.Namespace) -> int:
    from pmsite.errors import CommandError, UsageError
    from pmsite.tracking.apply import ApplyStopped, apply

    if args.limit is not None and args.limit < 1:
        raise UsageError("--limit must be at least 1")
    site, tracker, plan = _prepare(args, online=True)
    if plan.errors:
        raise CommandError(f"{len(plan.errors)} error(s) in post-mortem files: run pmsite validate and fix them first "
                           "(apply writes into these files)")
    try:
        with tracker.client:
            backoff = site.require_tracker().backoff  # search may lag behind a create: look again after 2 and 5 backoffs
            done = apply(plan, tracker, limit=args.limit, report=_emit, settle=(0.0, 2 * backoff, 5 * backoff))
    except ApplyStopped as exc:
        raise CommandError(str(exc)) from None
    for problem in done.problems:
        _emit(f"pmsite: error: {problem}", err=True)
    _emit(f"created {len(done.created)}, found {len(done.found)} created earlier; "
          f"{len(plan.create) - len(done.created) - len(done.found)} left")
    return EXIT_PROBLEMS if done.problems else EXIT_OK


def cmd_sync(args: argparse.Namespace) -> int:
    from pmsite.errors import CommandError
    from pmsite.reading.ticket_states import StateFileError, read_state_file, write_state_file
    from pmsite.tracking.errors import TrackerError
    from pmsite.tracking.sync import sync

    site, tracker, plan = _prepare(args, online=True)
    path = site.state_path
    try:
        old = read_state_file(path)
    except StateFileError as exc:
        raise CommandError(f"{exc} (fix it, or delete it to read every ticket afresh)") from None
    today = dt.datetime.now(dt.UTC).date().isoformat()
    try:
        with tracker.client:
            result = sync(plan, tracker, old, today)
    except TrackerError as exc:
        raise CommandError(f"sync stopped, {path.name} left as it was: {exc}") from None
    try:
        changed = write_state_file(path, result.state)
    except OSError as exc:
        raise CommandError(f"cannot write {path}: {exc.strerror or exc}") from None
    for url, problem, names in result.problems:
        _emit(f"pmsite: warning: {url} ({', '.join(names)}): {problem}: kept with its last known state; "
              "update or remove the action's ticket link", err=True)
    counts = ", ".join(f"{result.counts[s]} {s}" for s in ("open", "in-progress", "done", "wont-do", "unknown") if result.counts[s])
    shown = os.path.relpath(path, Path.cwd()) if path.is_relative_to(Path.cwd()) else str(path)
    _emit(f"read {len(result.state.tickets)} tickets ({counts or 'none'}); {len(result.problems)} with problems; "
          f"{shown} {'updated' if changed else 'unchanged'}")
    return EXIT_OK


def add_parser(subparsers: Any, parents: list[argparse.ArgumentParser]) -> None:
    """Add ``tickets`` with its three commands to the ``pmsite`` parser."""
    tickets = subparsers.add_parser("tickets", help="tickets in the team's tracker for action items: plan, apply, sync",
                                    description="Create a ticket for every open action item and read their states back.",
                                    parents=parents)
    sub = tickets.add_subparsers(dest="tickets_command", required=True, metavar="STEP")

    def step(name: str, func: Callable[[argparse.Namespace], int], text: str) -> argparse.ArgumentParser:
        p = sub.add_parser(name, help=text, description=text, parents=parents)
        p.set_defaults(func=func)
        return p

    p = step("plan", cmd_plan, "list what apply would create and sync would read (offline: no request, no token)")
    p.add_argument("--format", choices=["table", "json", "markdown"], default="table")
    p = step("apply", cmd_apply, "create a ticket for every open action item of a published post-mortem without one, "
             "and write its URL into the YAML")
    p.add_argument("--limit", type=int, metavar="N", help="create (or find) at most N tickets")
    step("sync", cmd_sync, "read the state of every ticket an action names into the state file")


def load_site(config_file: Path | None) -> Site:
    """The knowledge base as the tracker side sees it: mkdocs.yml read and validated as the build does."""
    from pmsite.frontends.siteconfig import read_site_config
    from pmsite.tracking.corpus import site_from

    config = read_site_config(config_file)
    tracker = config.options.get("tracker")
    return site_from(base=config.base, docs_dir=config.docs_dir, incidents_path=config.incidents_path,
                     site_url=config.site_url, directory_urls=config.directory_urls, settings=config.settings,
                     tracker=tracker if isinstance(tracker, TrackerConfig) else None)
