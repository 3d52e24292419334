"""A synchronous client of ``pagefind --service``: index pages while the build goes on.

Why not the ``pagefind`` command: it reads a folder of HTML, so every record had to be
written to a scratch folder first and the whole index waited for the end of the build.
The service takes pages over a pipe; pmsite sends the incidents as soon as they are
analysed, the binary indexes them on the second core while MkDocs renders, and only the
hand-written pages and the final write remain at the end.

Why not the ``pagefind`` package's asyncio client: it sleeps 0.1 s before reading each
reply, so 1,000 pages take 100 s. The protocol is small: each message is base64 of a
JSON object ``{"message_id", "payload"}`` followed by a comma, and so is each reply.
"""

from __future__ import annotations

import base64
import contextlib
import json
import queue
import shutil
import subprocess
import tempfile
import threading
from pathlib import Path, PurePosixPath
from typing import Any

from pmsite.errors import PmsiteError

_STOP = object()
REPLY_TIMEOUT = 600  # seconds; writing the index of 10,000 incidents takes about 10
EXIT_TIMEOUT = 60  # seconds; the service exits within milliseconds of the end of its input


class PagefindError(PmsiteError):
    """The Pagefind service could not start, or it refused a request."""


def executable() -> Path:
    """The Pagefind binary that ``pagefind[bin]`` installs (or one on PATH)."""
    from pagefind.service import get_executable

    found = get_executable()
    if found is None:
        raise PagefindError("the Pagefind binary is missing: install pmsite with its dependencies (pagefind[bin])")
    return found


class PagefindService:
    """One Pagefind process with one index. Requests are queued and written by a thread; replies are
    read by another, so neither side of the pipe ever waits on the other (a full pipe would deadlock)."""

    def __init__(self, config: dict[str, Any], *, nice: int = 0) -> None:
        """``nice``: how much lower than this process the service runs (through the ``nice`` command,
        where there is one), so work that can wait leaves the cores to work that cannot."""
        self._stderr = tempfile.TemporaryFile()  # noqa: SIM115  # lives as long as the process; close() closes it
        command = [str(executable()), "--service"]
        lower = shutil.which("nice") if nice else None
        if lower:
            command = [lower, "-n", str(nice), *command]
        try:
            self._proc = subprocess.Popen(command, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=self._stderr)
        except OSError as exc:
            self._stderr.close()
            raise PagefindError(f"the Pagefind service could not start: {exc}") from None
        self._next_id = 0
        self._replies: dict[int, dict[str, Any]] = {}
        self._done = threading.Condition()
        self._eof = False
        self._outbox: queue.SimpleQueue[object] = queue.SimpleQueue()
        self._writer = threading.Thread(target=self._write_loop, name="pagefind-writer", daemon=True)
        self._reader = threading.Thread(target=self._read_loop, name="pagefind-reader", daemon=True)
        self._writer.start()
        self._reader.start()
        reply = self.wait(self.send({"type": "NewIndex", "config": config}))
        self.index_id: int = reply["index_id"]

    def send(self, payload: dict[str, Any]) -> int:
        """Queue a request; returns its message id (``wait`` for the reply)."""
        self._next_id += 1
        message = json.dumps({"message_id": self._next_id, "payload": payload}, ensure_ascii=False)
        self._outbox.put(base64.b64encode(message.encode("utf-8")) + b",")
        return self._next_id

    def add_html(self, url: str, html: str) -> int:
        return self.send({"type": "AddFile", "index_id": self.index_id, "url": url, "file_contents": html})

    def wait(self, message_id: int) -> dict[str, Any]:
        """The reply to one request (raises PagefindError if the service refused it, stopped or hung)."""
        with self._done:
            self._done.wait_for(lambda: message_id in self._replies or self._eof, timeout=REPLY_TIMEOUT)
            reply = self._replies.get(message_id)
        if reply is None:
            if not self._eof:
                raise PagefindError(f"the Pagefind service gave no reply in {REPLY_TIMEOUT} s")
            raise PagefindError(f"the Pagefind service stopped: {self._stderr_tail()}")
        if reply.get("type") == "Error":
            raise PagefindError(f"the Pagefind service refused a request: {reply.get('message', reply)}")
        return reply

    def wait_all(self, upto: int) -> None:
        """Every reply up to ``upto``, checking each for an error."""
        for message_id in range(1, upto + 1):
            self.wait(message_id)
        with self._done:
            self._replies.clear()

    def request_files(self) -> int:
        """Ask for the bundle once every page sent so far is indexed; ``files`` takes the reply.

        Why not ``WriteFiles``: Pagefind answers it while its last writes are still queued in
        its runtime, and a runtime that shuts down at the end of the input drops them, so a
        bundle could lack a file (``wasm.unknown.pagefind`` once in CI) or hold an empty one.
        The files' bytes in the reply are complete, and pmsite writes them itself.
        """
        self.wait_all(self._next_id)
        return self.send({"type": "GetFiles", "index_id": self.index_id})

    def files(self, message_id: int) -> list[tuple[PurePosixPath, bytes]]:
        """The bundle that ``request_files`` asked for, as (relative path, bytes)."""
        reply = self.wait(message_id)
        found = []
        for item in reply.get("files", []):
            path = PurePosixPath(item["path"])
            if path.is_absolute() or ".." in path.parts or not path.parts:
                raise PagefindError(f"the Pagefind service named a file outside its bundle: {item['path']!r}")
            found.append((path, base64.b64decode(item["content"])))
        if not found:
            raise PagefindError("the Pagefind service returned an empty bundle")
        return found

    def close(self) -> None:
        """Stop the process (also after an error: a rebuild in ``mkdocs serve`` starts a new one)."""
        self._outbox.put(_STOP)
        self._writer.join(timeout=5)
        # The end of its input ends the service; kill it only if it does not.
        try:
            self._proc.wait(timeout=EXIT_TIMEOUT)
        except subprocess.TimeoutExpired:
            self._proc.kill()
            self._proc.wait()
        self._reader.join(timeout=5)
        if self._proc.stdout:
            self._proc.stdout.close()
        self._stderr.close()

    def kill(self) -> None:
        """Stop the process at once, from any thread: whoever waits for a reply gets an error
        (a preview's next save no longer needs the index being written; ``close`` still tidies up)."""
        with contextlib.suppress(OSError):
            self._proc.kill()

    def _write_loop(self) -> None:
        stdin = self._proc.stdin
        assert stdin is not None
        try:
            while (item := self._outbox.get()) is not _STOP:
                assert isinstance(item, bytes)
                stdin.write(item)
                if self._outbox.empty():
                    stdin.flush()
        except (BrokenPipeError, OSError):
            pass  # the reader sees the end of the output and wakes every waiter
        finally:
            with contextlib.suppress(OSError):
                stdin.close()

    def _read_loop(self) -> None:
        stdout = self._proc.stdout
        assert stdout is not None
        pending = b""
        try:
            while chunk := stdout.read1(1 << 16):  # type: ignore[attr-defined]  # a BufferedReader
                pending += chunk
                *messages, pending = pending.split(b",")
                if not messages:
                    continue
                decoded = []
                for raw in messages:
                    reply = json.loads(base64.b64decode(raw))
                    decoded.append((reply.get("message_id"), reply.get("payload", {})))
                with self._done:
                    for message_id, payload in decoded:
                        if message_id is not None:
                            self._replies[message_id] = payload
                    self._done.notify_all()
        except (OSError, ValueError):
            pass
        finally:
            with self._done:
                self._eof = True
                self._done.notify_all()

    def _stderr_tail(self) -> str:
        """Why the service stopped. Its output ends a moment before the process does, so give it
        that moment to exit (a busy machine once read "no reply" for a binary that had failed)."""
        try:
            self._proc.wait(timeout=5)
        except subprocess.TimeoutExpired:
            return "no reply"
        self._stderr.seek(0)
        lines = self._stderr.read().decode("utf-8", "replace").strip().splitlines()[-3:]
        return f"exit code {self._proc.returncode}" + (f": {' / '.join(lines)}" if lines else "")
