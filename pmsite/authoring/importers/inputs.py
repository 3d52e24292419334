"""Reading a tool's export: every read bounded, every malformed file a located error.

A path given on the command line may be a file, a pipe (``<(curl ...)``) or something endless
such as ``/dev/zero``: it is read to at most :data:`MAX_INPUT_BYTES` and one byte more, never
further, whatever its size claims to be.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from pmsite.authoring.importers.errors import DraftError, DraftUsage

MAX_INPUT_BYTES = 64 * 1024 * 1024  # a tool's export; a larger file is almost certainly the wrong one


def too_large(name: str, size: int | None = None) -> DraftError:
    got = f"got {size:,} bytes" if size is not None else "got more"
    return DraftError(f"{name}: expected at most {MAX_INPUT_BYTES:,} bytes, {got}")


def read_bytes(path: Path) -> bytes:
    """A whole input file; a missing one is a usage error, as for the CLI's other commands."""
    try:
        if not path.exists():
            raise DraftUsage(f"no such file: {path}")
        if path.is_dir():
            raise DraftUsage(f"{path}: expected a file, got a folder")
        if path.is_file() and path.stat().st_size > MAX_INPUT_BYTES:
            raise too_large(str(path), path.stat().st_size)
        with open(path, "rb") as fh:
            data = fh.read(MAX_INPUT_BYTES + 1)
    except OSError as exc:
        raise DraftUsage(f"{path}: cannot read it: {exc.strerror or exc}") from None
    if len(data) > MAX_INPUT_BYTES:
        raise too_large(str(path))
    return data


def decode(data: bytes, name: str) -> str:
    """UTF-8 text (a byte-order mark is dropped); a byte that is not UTF-8 is an error at its line and column."""
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        before = data[: exc.start]
        line, col = before.count(b"\n") + 1, len(before) - (before.rfind(b"\n") + 1) + 1
        raise DraftError(f"{name}:{line}:{col}: expected UTF-8 text, got the byte 0x{data[exc.start]:02x}") from None


def load_json(data: bytes, name: str) -> Any:
    """Parse JSON; a malformed file is an error at its line and column, never a traceback."""
    text = decode(data, name)
    try:
        return json.loads(text)
    except json.JSONDecodeError as exc:
        raise DraftError(f"{name}:{exc.lineno}:{exc.colno}: expected valid JSON: {exc.msg}") from None
    except RecursionError:
        raise DraftError(f"{name}: expected JSON, got nesting too deep to read") from None


def read_json(path: Path) -> Any:
    return load_json(read_bytes(path), str(path))
