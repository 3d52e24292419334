"""Helpers for the ``pmsite draft`` tests: the CLI run in this process, and records written by hand.

The CLI runs in this process (``pmsite.frontends.cli.main``), so a case costs milliseconds and
the many hostile records below stay cheap; ``tests/test_importers.py`` runs the console script.
"""

from __future__ import annotations

import contextlib
import io
import json
import os
import re
import subprocess
from pathlib import Path
from typing import Any

from pmsite.format.document import Document
from pmsite.reading.corpus import load_corpus
from pmsite.settings import Settings

CHANNEL = "inc-x"
FALLBACK = "please report this"  # the importers' last guard: never reached by a record


def pmsite_here(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    """``pmsite ARGS`` in ``cwd``, run by the CLI's ``main`` in this process."""
    from pmsite.frontends.cli import main

    out, err = io.StringIO(), io.StringIO()
    saved = os.getcwd()
    os.chdir(cwd)
    try:
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
            try:
                code = main(list(args))
            except SystemExit as exc:  # argparse's usage errors
                code = exc.code if isinstance(exc.code, int) else 1
    finally:
        os.chdir(saved)
    return subprocess.CompletedProcess(["pmsite", *args], code, out.getvalue(), err.getvalue())


def kb(root: Path) -> Path:
    """An empty knowledge base with the format's defaults (no mkdocs.yml)."""
    (root / "content" / "incidents").mkdir(parents=True, exist_ok=True)
    return root


def draft_file(root: Path, *args: str, settings: Settings | None = None) -> tuple[Path, Document, str]:
    """``pmsite draft ARGS``: it must succeed, and the file must pass ``pmsite validate --strict`` and the loader.

    Returns the new file, its document and what the command wrote to standard error.
    """
    proc = pmsite_here("draft", *args, cwd=root)
    assert proc.returncode == 0, proc.stderr
    match = re.fullmatch(r"created (\S+)\n", proc.stdout)
    assert match, proc.stdout
    checked = pmsite_here("validate", "--strict", "--no-similar", match.group(1), cwd=root)
    assert (checked.returncode, checked.stdout) == (0, "OK: 1 file, no problems\n"), checked.stdout + checked.stderr
    path = root / match.group(1)
    corpus = load_corpus([path], settings or Settings())
    assert corpus.errors == []
    doc = corpus.documents[0].document
    assert doc is not None
    return path, doc, proc.stderr


def drafted(root: Path, *args: str) -> tuple[str, Document, str]:
    """As ``draft_file``, returning the file's text instead of its path."""
    path, doc, stderr = draft_file(root, *args)
    return path.read_text(encoding="utf-8"), doc, stderr


def refused(root: Path, *args: str) -> tuple[int, str]:
    """``pmsite draft ARGS`` that must stop with a message (never the fallback) and write nothing."""
    before = sorted((root / "content" / "incidents").rglob("*"))
    proc = pmsite_here("draft", *args, cwd=root)
    assert proc.returncode in (1, 2), proc.stdout
    assert FALLBACK not in proc.stderr, proc.stderr
    assert sorted((root / "content" / "incidents").rglob("*")) == before
    return proc.returncode, proc.stderr


def message(text: str, second: int, user: str = "U1", **more: Any) -> dict[str, Any]:
    """A Slack message ``second`` seconds after 2024-03-15T10:00:00Z (1710496800)."""
    return {"type": "message", "user": user, "ts": f"{1710496800 + second}.000100", "text": text, **more}


def slack_export(root: Path, messages: list[dict[str, Any]], users: list[dict[str, Any]] | None = None,
                 day: str = "2024-03-15") -> Path:
    """A Slack workspace export folder with one channel, ``inc-x``, and one day of messages."""
    export = root / "export"
    (export / CHANNEL).mkdir(parents=True, exist_ok=True)
    (export / "channels.json").write_text(json.dumps([{"id": "C1", "name": CHANNEL}]), encoding="utf-8")
    (export / "users.json").write_text(json.dumps(users or [], ensure_ascii=False), encoding="utf-8")
    (export / CHANNEL / f"{day}.json").write_text(json.dumps(messages), encoding="utf-8")  # ASCII: lone surrogates too
    return export


def events(doc: Document) -> list[str]:
    return [e.event for e in doc.timeline]


def comment_of(text: str, start: str) -> str:
    """The comment on the first line of the draft that starts with ``start``."""
    found = next(ln for ln in text.splitlines() if ln.startswith(start))
    return found.partition("  # ")[2] or found.partition(" # ")[2]
