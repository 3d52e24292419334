"""A new draft's identity, for ``pmsite new`` and ``pmsite draft`` alike.

Its id is ``INC-<year>-<MMDD>`` of the incident's day, made unique against the ids the
knowledge base already uses (or the ``--id`` asked for, if free); its file is
``<date>-<slug>.yaml``; and a file is never overwritten, even in a race. The ids taken are
read from the incidents folders only, the way the build reads them: no link to a folder is
followed, and a file that cannot be read is skipped with a note.
"""

from __future__ import annotations

import datetime as dt
import os
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from pmsite.errors import CommandError, UsageError
from pmsite.format.ids import ID_PATTERN, ID_RULE, RESERVED_IDS
from pmsite.reading.corpus import scan_id
from pmsite.reading.files import discover, read_source
from pmsite.reading.yaml_source import YamlProblem, parse_yaml
from pmsite.settings import Settings
from pmsite.text import slugify

_ID_LINE = re.compile(r"^id:\s*['\"]?([A-Za-z0-9_-]+)", re.MULTILINE)  # in a file that does not parse


class Conflict(CommandError):
    """The file or the id asked for already exists: exit status 1."""


@dataclass
class Written:
    """A draft written, and what the author should hear about it."""

    path: Path
    notes: list[str] = field(default_factory=list)


@dataclass
class Taken:
    """The ids in use (lower case) and a note for each file that could not be read."""

    ids: set[str]
    notes: list[str]


def shown(path: Path) -> str:
    """A path as the author typed it: relative to the working folder when inside it."""
    try:  # the folder resolved, not the file: a link is shown under its own name, even a broken one
        return (path.absolute().parent.resolve() / path.name).relative_to(Path.cwd().resolve()).as_posix()
    except (ValueError, OSError, RuntimeError):
        return path.as_posix()


def draft_path(folder: Path, day: dt.date, slug_source: str) -> Path:
    """``<folder>/<date>-<slug>.yaml``: the slug of at most 60 characters."""
    slug = slugify(slug_source)[:60].strip("-") or "incident"
    return folder / f"{day.isoformat()}-{slug}.yaml"


def ensure_free(path: Path, command: str) -> None:
    if path.exists() or path.is_symlink():
        raise Conflict(f"{shown(path)} already exists; {command} never overwrites a file")


def taken_ids(folders: Iterable[Path], settings: Settings) -> Taken:
    """The ids already used in these incidents folders (case-insensitive, as the site's URLs are)."""
    ids: set[str] = set()
    notes: list[str] = []
    for folder in _distinct(folders):
        for path in discover(folder):
            quick = scan_id(path, settings.max_file_bytes)  # the build's line scan; None: read it with care
            if quick is not None:
                ids.add(quick.lower())
                continue
            try:
                raw = read_source(path, settings.max_file_bytes, folder)
            except YamlProblem as exc:
                notes.append(f"not read for the ids already taken: {shown(path)}: {exc.message}")
                continue
            except OSError as exc:
                notes.append(f"not read for the ids already taken: {shown(path)}: {exc.strerror or exc}")
                continue
            found = _id_of(raw, settings)
            if found:
                ids.add(found.lower())
    return Taken(ids, notes)


def _distinct(folders: Iterable[Path]) -> list[Path]:
    """The folders that exist, each once: one inside another is read with it."""
    kept: list[tuple[str, Path]] = []
    for folder in folders:
        real = os.path.realpath(folder)
        if not os.path.isdir(real) or any(real == k or real.startswith(k.rstrip(os.sep) + os.sep) for k, _ in kept):
            continue
        kept = [(k, p) for k, p in kept if not k.startswith(real.rstrip(os.sep) + os.sep)]
        kept.append((real, folder))
    return [p for _, p in kept]


def _id_of(raw: bytes, settings: Settings) -> str:
    """The id a file names, even when it does not parse or validate."""
    try:
        data, _ = parse_yaml(raw, max_depth=settings.max_depth)
    except YamlProblem:
        found = _ID_LINE.search(raw.decode("utf-8", errors="replace"))
        return found.group(1) if found else ""
    value = data.get("id") if isinstance(data, dict) else None
    return value if isinstance(value, str) else ""


def choose_id(asked: str | None, day: dt.date, taken: set[str]) -> str:
    """``asked`` (``--id``) when valid and free, else ``INC-<year>-<MMDD>`` made unique with ``-2``, ``-3`` ..."""
    if asked is not None:
        if not ID_PATTERN.match(asked) or asked.lower() in RESERVED_IDS:
            raise UsageError(f"--id must be {ID_RULE}, other than "
                             f"{' or '.join(sorted(RESERVED_IDS))}, got {asked!r}")
        if asked.lower() in taken:
            raise Conflict(f"the id {asked!r} is already used in the knowledge base; choose another --id")
        return asked
    wanted = f"INC-{day.year}-{day.month:02d}{day.day:02d}"
    ident, n = wanted, 1
    while ident.lower() in taken:
        n += 1
        ident = f"{wanted}-{n}"
    return ident


def write_new(path: Path, text: str, command: str) -> None:
    """Write a new file; one that exists (even one made a moment ago) is never replaced."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        with open(path, "x", encoding="utf-8") as fh:  # "x": never overwrite, even in a race
            fh.write(text)
    except FileExistsError:
        raise Conflict(f"{shown(path)} already exists; {command} never overwrites a file") from None
    except OSError as exc:
        raise CommandError(f"cannot write {shown(path)}: {exc.strerror or exc}") from None
