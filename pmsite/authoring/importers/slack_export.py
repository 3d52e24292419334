"""A Slack workspace export, from its folder or the .zip Slack delivers, read within bounds.

A zip file says how large each member inflates; a small archive can hold gigabytes. So the
files read for one channel (``channels.json``, ``groups.json``, ``users.json`` and the
channel's days) may hold :data:`MAX_EXPORT_BYTES` together, checked before any day is read,
each member is read to its own cap and no further, and a channel may bring at most
:data:`MAX_MESSAGES` messages.
"""

from __future__ import annotations

import re
import zipfile
from pathlib import Path, PurePosixPath
from typing import Any

from pmsite.authoring.importers.errors import DraftError, DraftUsage
from pmsite.authoring.importers.inputs import MAX_INPUT_BYTES, load_json, too_large
from pmsite.authoring.importers.untrusted import shown

MAX_EXPORT_BYTES = 128 * 1024 * 1024  # the files read for one channel, uncompressed, together (users.json included)
MAX_MESSAGES = 50_000  # a day of a busy incident channel has a few thousand
_DAY_FILE = re.compile(r"\d{4}-\d{2}-\d{2}\.json")
LISTS = ("channels.json", "groups.json", "users.json")


class SlackExport:
    """Reads the files of an export from its folder or its zip file, bounded in size."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.zip: zipfile.ZipFile | None = None
        self.prefix = ""
        if not root.exists():
            raise DraftUsage(f"no such folder: {root}")
        if root.is_dir():
            return
        try:
            self.zip = zipfile.ZipFile(root)
        except (zipfile.BadZipFile, OSError, ValueError):
            raise DraftUsage(f"{root}: expected a Slack export: its folder or its .zip file") from None
        tops = [n for n in self.zip.namelist() if PurePosixPath(n).name == "channels.json"]
        if tops:
            self.prefix = str(PurePosixPath(min(tops, key=len)).parent).removeprefix(".")
            self.prefix = f"{self.prefix}/" if self.prefix else ""

    def close(self) -> None:
        if self.zip is not None:
            self.zip.close()

    def name(self, member: str) -> str:
        return f"{self.root}/{member}" if self.zip is None else f"{self.root}:{self.prefix}{member}"

    def size(self, member: str) -> int:
        """How many bytes the member holds uncompressed (0 when the export does not have it)."""
        try:
            if self.zip is None:
                path = self.root / member
                return path.stat().st_size if path.is_file() else 0
            return self.zip.getinfo(self.prefix + member).file_size
        except (KeyError, OSError):
            return 0

    def read(self, member: str) -> Any:
        """The JSON in a member, or None when the export does not have it; never more than its cap is read."""
        try:
            if self.zip is None:
                path = self.root / member
                if not path.is_file():
                    return None
                with open(path, "rb") as fh:
                    data = fh.read(MAX_INPUT_BYTES + 1)
            else:
                try:
                    info = self.zip.getinfo(self.prefix + member)
                except KeyError:
                    return None
                if info.file_size > MAX_INPUT_BYTES:
                    raise too_large(self.name(member), info.file_size)
                with self.zip.open(info) as fh:
                    data = fh.read(MAX_INPUT_BYTES + 1)
        except (OSError, zipfile.BadZipFile, NotImplementedError, RuntimeError, EOFError) as exc:
            raise DraftError(f"{self.name(member)}: cannot read it: {exc}") from None
        if len(data) > MAX_INPUT_BYTES:
            raise too_large(self.name(member))
        return load_json(data, self.name(member))

    def listing(self, member: str, *, required: bool) -> list[Any]:
        """A member that holds a JSON list (``[]`` when an optional one is missing)."""
        data = self.read(member)
        if data is None:
            if required:
                raise DraftError(f"{self.name(member)}: not found; expected a Slack workspace export")
            return []
        if not isinstance(data, list):
            raise DraftError(f"{self.name(member)}: expected a list, got {shown(data)}")
        return data

    def days(self, folder: str) -> list[str]:
        """The channel's day files (``folder/YYYY-MM-DD.json``), oldest first."""
        if self.zip is None:
            path = self.root / folder
            names = [p.name for p in path.iterdir() if p.is_file()] if path.is_dir() else []
        else:
            start = f"{self.prefix}{folder}/"
            names = [n[len(start):] for n in self.zip.namelist() if n.startswith(start)]
        return sorted(f"{folder}/{n}" for n in names if _DAY_FILE.fullmatch(n))

    def check_size(self, channel: str, days: list[str]) -> None:
        """Refuse, before reading a day, a channel whose files hold more than :data:`MAX_EXPORT_BYTES`."""
        total = sum(self.size(member) for member in (*LISTS, *days))
        if total > MAX_EXPORT_BYTES:
            raise DraftError(f"{self.root}: the files to read for #{channel} hold {total:,} bytes uncompressed; "
                             f"expected at most {MAX_EXPORT_BYTES:,} (128 MiB): export only the days of the incident")
