"""``apply``: one ticket per open action item without one, its URL written back into the YAML.

Safe to repeat and to stop anywhere: before creating, the tracker is searched for a ticket that carries
the action's marker (a run stopped between creating and writing back, or a create answered with an
error after the tracker stored it), and its URL is written instead. A create whose outcome is unclear
is never sent again in the same run: the marker is looked for (a few times, as search may lag), and
when it is not found the run stops and says so; the next run looks again first.
"""

from __future__ import annotations

import os
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from pmsite.tracking.errors import OutcomeUnknown, TrackerError
from pmsite.tracking.plan import Creation, Plan
from pmsite.tracking.tracker import Tracker
from pmsite.tracking.yaml_edit import YamlEditError, set_ticket

SETTLE_WAITS = (0.0, 2.0, 5.0)  # seconds before each look for the marker after an unclear create


@dataclass
class Applied:
    created: list[tuple[Creation, str]] = field(default_factory=list)
    found: list[tuple[Creation, str]] = field(default_factory=list)  # created by an earlier run
    problems: list[str] = field(default_factory=list)  # reported; the run went on


class ApplyStopped(TrackerError):
    """The run stopped at one action; what was done before stays done."""


def write_back(creation: Creation, url: str) -> None:
    """Write ``url`` as the action's ticket with a minimal edit, atomically, after checking the file
    still holds that action without a ticket."""
    action = creation.action
    path = action.path
    with open(path, encoding="utf-8", newline="") as handle:  # newline="": CRLF stays CRLF
        text = handle.read()
    data = yaml.safe_load(text)
    items = data.get("action_items") if isinstance(data, dict) else None
    item = items[action.index] if isinstance(items, list) and action.index < len(items) else None
    expected_id = action.item.id
    if not isinstance(item, dict) or item.get("id") != expected_id:
        raise YamlEditError(f"{action.display}: action_items[{action.index}] is no longer {action.action_id} "
                            "(the file changed since it was read)")
    edited = set_ticket(text, action.index, url)
    fd, temp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="") as out:
            out.write(edited)
        os.chmod(temp, path.stat().st_mode & 0o7777)
        os.replace(temp, path)
    except BaseException:
        Path(temp).unlink(missing_ok=True)
        raise


def apply(plan: Plan, tracker: Tracker, *, limit: int | None = None, report: Callable[[str], None] = print,
          sleep: Callable[[float], None] = time.sleep, settle: tuple[float, ...] = SETTLE_WAITS) -> Applied:
    """Create (or find) and write back every ticket of the plan, in file order; stop at the first failure."""
    done = Applied()
    checked: set[str] = set()
    for creation in plan.create[: limit if limit is not None else None]:
        new = creation.ticket
        name = creation.action.name
        try:
            if new.project not in checked:
                tracker.preflight(new.project)
                checked.add(new.project)
            url = tracker.find(new)
            if url is not None:
                write_back(creation, url)
                done.found.append((creation, url))
                report(f"found {url} for {name} (created by an earlier run); written to {creation.action.display}")
                continue
            try:
                created = tracker.create(new)
            except OutcomeUnknown as exc:
                url = _look_again(tracker, creation, sleep, settle)
                if url is None:
                    raise ApplyStopped(f"{name}: {exc}. The ticket may or may not exist: run apply again later; it "
                                       "looks for the ticket before creating one") from None
                write_back(creation, url)
                done.found.append((creation, url))
                report(f"found {url} for {name} (the tracker stored it despite the error); written to {creation.action.display}")
                continue
            write_back(creation, created.url)
            done.created.append((creation, created.url))
            report(f"created {created.url} for {name}; written to {creation.action.display}")
            if created.dropped_labels:
                done.problems.append(f"{name}: {created.url} was created without the labels "
                                     f"{', '.join(created.dropped_labels)}: the token may not set labels in {new.project}")
        except YamlEditError as exc:
            raise ApplyStopped(f"{name}: the ticket exists but its URL could not be written back: {exc}") from None
        except ApplyStopped:
            raise
        except TrackerError as exc:
            raise ApplyStopped(f"{name}: {exc}") from None
    return done


def _look_again(tracker: Tracker, creation: Creation, sleep: Callable[[float], None], settle: tuple[float, ...]) -> str | None:
    for wait in settle:
        if wait:
            sleep(wait)
        url = tracker.find(creation.ticket)
        if url is not None:
            return url
    return None
