"""Prism (npm @stoplight/prism-cli) in front of a local server: every request is checked against
GitHub's OpenAPI description, and one that does not match is answered 422 instead of reaching it."""

from __future__ import annotations

import json
import socket
import subprocess
import threading
import time
from pathlib import Path

from .github_openapi import HERE, SOURCE, build

PRISM = HERE / "node_modules" / ".bin" / "prism"
MISSING = (f"{PRISM} or {SOURCE} is missing: run `npm ci` in tests/trackers (scripts/test does it) -- "
           "the GitHub tests validate every request against GitHub's OpenAPI description with Prism")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class Prism:
    """``prism proxy`` (or ``prism mock``) on 127.0.0.1; ``log`` holds everything it printed."""

    def __init__(self, spec: Path, upstream: str | None, *, wait: bool = True) -> None:
        if not PRISM.exists() or not SOURCE.exists():
            raise RuntimeError(MISSING)
        self.port = free_port()
        mode = ["proxy", str(spec), upstream] if upstream else ["mock", str(spec)]
        self.proc = subprocess.Popen([str(PRISM), *mode, "--errors", "-h", "127.0.0.1", "-p", str(self.port)],
                                     stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, stdin=subprocess.DEVNULL)
        self.lines: list[str] = []
        self._ready = ready = threading.Event()

        def read() -> None:
            assert self.proc.stdout is not None
            for line in self.proc.stdout:
                self.lines.append(line.rstrip("\n"))
                if "is listening" in line:
                    ready.set()

        threading.Thread(target=read, daemon=True).start()
        if wait:
            self.wait()

    def wait(self) -> None:
        if not self._ready.wait(90):
            self.stop()
            raise RuntimeError("Prism did not start within 90 s:\n" + "\n".join(self.lines[-20:]))

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def violations(self, since: int = 0) -> list[str]:
        """Every request or response Prism found not to match the description."""
        time.sleep(0.05)  # its log line may trail the answer
        return [line for line in self.lines[since:] if "Violation:" in line or "✖  error" in line]

    def take_violations(self, since: int) -> list[str]:
        """The violations logged since ``since`` (waiting for the log to catch up), then forgotten."""
        time.sleep(0.3)
        found = self.violations(since)
        del self.lines[since:]
        return found

    def stop(self) -> None:
        self.proc.terminate()
        try:
            self.proc.wait(10)
        except subprocess.TimeoutExpired:
            self.proc.kill()


def write_spec(target: Path, *, normalised: bool = True) -> Path:
    target.write_text(json.dumps(build(normalised=normalised)), encoding="utf-8")
    return target
