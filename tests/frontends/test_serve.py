"""``mkdocs serve --dirty`` (the README's command): a new file appears on the next rebuild; a broken file keeps the last good site up."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from pathlib import Path

from conftest import dump, valid_doc, write_site


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def fetch(url: str) -> tuple[int, str]:
    try:
        with urllib.request.urlopen(url, timeout=5) as response:
            return response.status, response.read().decode("utf-8", "replace")
    except urllib.error.HTTPError as exc:
        return exc.code, ""


class Log:
    def __init__(self, proc: subprocess.Popen[str]) -> None:
        self.lines: list[str] = []
        self._thread = threading.Thread(target=self._read, args=(proc,), daemon=True)
        self._thread.start()

    def _read(self, proc: subprocess.Popen[str]) -> None:
        assert proc.stdout is not None
        for line in proc.stdout:
            self.lines.append(line.rstrip("\n"))

    def wait_for(self, text: str, *, after: int = 0, timeout: float = 60) -> int:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            for i, line in enumerate(self.lines[after:], start=after):
                if text in line:
                    return i
            time.sleep(0.1)
        raise AssertionError(f"{text!r} not logged; got:\n" + "\n".join(self.lines))


def test_serve_adds_new_pages_and_survives_a_broken_file(tmp_path: Path) -> None:
    root = write_site(tmp_path / "kb", {"a.yaml": valid_doc()})
    port = free_port()
    proc = subprocess.Popen(
        [str(Path(sys.executable).parent / "mkdocs"), "serve", "--dirty", "--dev-addr", f"127.0.0.1:{port}"],
        cwd=root, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
        env=dict(os.environ, NO_MKDOCS_2_WARNING="1"),
    )
    log = Log(proc)
    try:
        log.wait_for("Serving on")
        base = f"http://127.0.0.1:{port}/"
        assert fetch(base + "incidents/inc-2024-0315/")[0] == 200

        mark = len(log.lines)
        (root / "content" / "incidents" / "2024-06-01-cache-stampede.yaml").write_text(
            dump(valid_doc(id="INC-2024-0601", title="Cache stampede after a mass expiry"))
        )
        log.wait_for("Reloading browsers", after=mark)
        status, body = fetch(base + "incidents/inc-2024-0601/")
        assert status == 200 and "Cache stampede after a mass expiry" in body

        mark = len(log.lines)
        (root / "content" / "incidents" / "a.yaml").write_text(dump(valid_doc(severity=9)))
        log.wait_for("severity: expected a severity level (1, 2, 3, 4), got 9", after=mark)
        log.wait_for("1 error in 1 file", after=mark)
        time.sleep(0.5)
        status, body = fetch(base + "incidents/inc-2024-0315/")
        assert status == 200 and "Mobile API outage" in body  # the last good site is still served
        assert not [line for line in log.lines if "Traceback" in line]
    finally:
        proc.terminate()
        proc.wait(timeout=20)
