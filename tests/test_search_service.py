"""The search indexer runs as a separate Pagefind process: when it is missing or fails, the build
stops with one clean line, never a traceback or a hang."""

from __future__ import annotations

import json
import os
import stat
from pathlib import Path

from conftest import mkdocs_build, valid_doc, write_site


def _errors(log: str) -> list[str]:
    return [line for line in log.splitlines() if line.startswith("ERROR") or "Traceback" in line]


def test_a_missing_pagefind_binary_is_one_clean_error(tmp_path: Path) -> None:
    root = write_site(tmp_path / "kb", {"a.yaml": valid_doc()})
    built = mkdocs_build(root, env={"PAGEFIND_BINARY_PATH": str(tmp_path / "no-such-pagefind")})
    assert not built.ok
    assert _errors(built.log) == [
        f"ERROR   -  pmsite: the Pagefind service could not start: [Errno 2] No such file or directory: '{tmp_path / 'no-such-pagefind'}'"
    ]
    assert not (built.site / "search").exists()


def test_a_pagefind_that_stops_is_one_clean_error_with_its_message(tmp_path: Path) -> None:
    fake = tmp_path / "pagefind"
    fake.write_text("#!/bin/sh\necho 'pagefind: unsupported platform' >&2\nexit 3\n")
    fake.chmod(fake.stat().st_mode | stat.S_IXUSR)
    root = write_site(tmp_path / "kb", {"a.yaml": valid_doc()})
    built = mkdocs_build(root, env={"PAGEFIND_BINARY_PATH": str(fake)})
    assert not built.ok
    assert _errors(built.log) == ["ERROR   -  pmsite: the Pagefind service stopped: exit code 3: pagefind: unsupported platform"]


def test_search_false_needs_no_pagefind_at_all(tmp_path: Path) -> None:
    root = write_site(tmp_path / "kb", {"a.yaml": valid_doc()}, extra="      search: false\n")
    built = mkdocs_build(root, env={"PAGEFIND_BINARY_PATH": os.devnull})
    assert built.ok, built.log
    assert not (built.site / "search").exists()
    assert 'name="pmsite:search"' not in (built.site / "index.html").read_text()


def test_the_service_is_let_finish_its_writes_and_exit_not_killed(tmp_path: Path) -> None:
    """Pagefind answers WriteFiles while its last writes are still queued; killing it then left
    ``pagefind-entry.json`` empty once in CI. It must end on its own, with exit status 0."""
    from pmsite.pagefind import PagefindService

    service = PagefindService({"force_language": "en"})
    for i in range(50):
        service.add_html(f"/p{i}/", f"<html><body><main data-pagefind-body><h1>Page {i}</h1><p>queue depth {i}</p></main></body></html>")
    service.wait(service.start_writing(tmp_path / "bundle"))
    service.close()
    assert service._proc.returncode == 0
    assert json.loads((tmp_path / "bundle" / "pagefind-entry.json").read_text(encoding="utf-8"))["languages"]["en"]["page_count"] == 50
