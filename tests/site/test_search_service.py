"""The search indexer runs as a separate Pagefind process: when it is missing or fails, the build
stops with one clean line, never a traceback or a hang."""

from __future__ import annotations

import json
import os
import stat
import sys
from pathlib import Path, PurePosixPath

import pytest

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


def test_the_bundle_comes_whole_in_the_reply_and_the_service_exits_on_its_own(tmp_path: Path) -> None:
    """Pagefind answers WriteFiles while its last writes are still queued, and drops them when its
    input ends: one CI run had an empty ``pagefind-entry.json``, another no ``wasm.unknown.pagefind``.
    The bundle now comes in the reply; every file of it is there, and the process ends with status 0."""
    from pmsite.site.search.pagefind import PagefindService

    service = PagefindService({"force_language": "en"})
    for i in range(50):
        service.add_html(f"/p{i}/", f"<html><body><main data-pagefind-body><h1>Page {i}</h1><p>queue depth {i}</p></main></body></html>")
    files = dict(service.files(service.request_files()))
    service.close()
    assert service._proc.returncode == 0
    assert {"pagefind.js", "pagefind-worker.js", "pagefind-entry.json", "wasm.en.pagefind", "wasm.unknown.pagefind"} <= {str(p) for p in files}
    assert json.loads(files[PurePosixPath("pagefind-entry.json")])["languages"]["en"]["page_count"] == 50
    assert all(content for content in files.values())


_FAKE_SERVICE = """#!{python}
import base64, json, sys
buf = b""
while chunk := sys.stdin.buffer.read1(4096):
    buf += chunk
    *messages, buf = buf.split(b",")
    for raw in messages:
        msg = json.loads(base64.b64decode(raw))
        kind = msg["payload"]["type"]
        payload = {{"type": kind, "index_id": 1}}
        if kind == "GetFiles":
            payload["files"] = [{{"path": {path!r}, "content": base64.b64encode(b"x").decode()}}]
        out = base64.b64encode(json.dumps({{"message_id": msg["message_id"], "payload": payload}}).encode())
        sys.stdout.buffer.write(out + b",")
        sys.stdout.buffer.flush()
"""


@pytest.mark.parametrize("path", ["../escaped.js", "/tmp/escaped.js", ""])
def test_a_bundle_file_named_outside_the_bundle_is_refused(tmp_path: Path, path: str, monkeypatch: pytest.MonkeyPatch) -> None:
    from pmsite.site.search.pagefind import PagefindError, PagefindService

    fake = tmp_path / "pagefind"
    fake.write_text(_FAKE_SERVICE.format(python=sys.executable, path=path))
    fake.chmod(fake.stat().st_mode | stat.S_IXUSR)
    monkeypatch.setenv("PAGEFIND_BINARY_PATH", str(fake))
    service = PagefindService({})
    with pytest.raises(PagefindError, match="the Pagefind service named a file outside its bundle: "):
        service.files(service.request_files())
    service.close()
    assert not (tmp_path / "escaped.js").exists()


@pytest.mark.parametrize(("background", "lower"), [(False, 0), (True, 10)])
def test_a_preview_s_indexer_runs_at_a_lower_priority(background: bool, lower: int) -> None:
    """A live preview writes the index after the page is served; the next save's change detection
    and rebuild must not wait for CPU behind it. A full build's indexer keeps the build's priority."""
    from pmsite.site.search.index import SearchIndex

    index = SearchIndex(background=background)
    try:
        assert index._service is not None
        assert os.getpriority(os.PRIO_PROCESS, index._service._proc.pid) - os.getpriority(os.PRIO_PROCESS, 0) == lower
    finally:
        index.close()


def test_an_index_stopped_after_its_reply_writes_nothing(tmp_path: Path) -> None:
    """Stopped by the next save after Pagefind answered: writing thousands of files would still hold
    up that save's rebuild, so the folder is left as it is and the owner gets a SearchError."""
    from pmsite.site.search.index import SearchError, SearchIndex

    index = SearchIndex(background=True)
    index.add_pages([("page/", "A page", "<p>words</p>")])
    index.start_writing(tmp_path / "search")
    assert index._service is not None
    index._service.wait(index._writing)  # the bundle has arrived
    index.abort()
    with pytest.raises(SearchError, match="^the search index was stopped$"):
        index.finish()
    assert not (tmp_path / "search").exists()
