"""The incidents folder is untrusted: which files are read, and how, so none can hang or escape the build.

File and folder names must be plain (:data:`SAFE_NAME`); a symbolic link is
followed only to a file inside the incidents folder; FIFOs, devices, sockets
and folders reached by a link are refused before anything is read; and a
file is read with a bounded read, so no file -- however large, or endless
like ``/dev/zero`` -- is read past the size limit or can hang the build.
"""

from __future__ import annotations

import contextlib
import functools
import hashlib
import os
import re
import stat
from pathlib import Path

from pmsite.problems import excerpt
from pmsite.reading.yaml_source import YamlProblem

# A file or folder name an author may choose: it becomes part of edit links, log lines and
# annotations, so only characters that need no escaping anywhere.
SAFE_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]{0,99}\Z")

SAFE_NAME_RULE = "letters, digits, '.', '_' and '-', starting with a letter or digit, at most 100 characters"



def name_problem(path: Path, root: Path | None) -> str | None:
    """Why the names of ``path`` (each folder below ``root``, and the file) are refused, or None."""
    below = relative_path(path, root) if root is not None else None
    parts = below.split("/") if below else [path.name]
    for part in parts:
        if not SAFE_NAME.match(part):
            return f"expected file and folder names of {SAFE_NAME_RULE}, got {excerpt(part)}"
    return None



_KINDS = ((stat.S_ISDIR, "a folder"), (stat.S_ISFIFO, "a FIFO (named pipe)"), (stat.S_ISSOCK, "a socket"),
          (stat.S_ISCHR, "a character device"), (stat.S_ISBLK, "a block device"))

_READ_CHUNK = 1 << 16



def _kind(mode: int) -> str:
    return next((name for test, name in _KINDS if test(mode)), "not a regular file")



def _inside(path: Path, folder: Path) -> bool:
    try:
        path.relative_to(folder)
    except ValueError:
        return False
    return True



def read_source(path: Path, limit: int, root: Path | None = None) -> bytes:
    """The bytes of one post-mortem file, read safely from an untrusted folder.

    A symbolic link is followed only to a file inside ``root`` (the incidents
    folder; the file's own folder when not given). Anything but a regular file
    is refused after ``fstat`` on a descriptor opened with ``O_NONBLOCK`` (a
    FIFO can neither block the open nor the read), and the read is bounded: at
    most ``limit`` + 1 bytes are ever read, whatever the file claims its size is.
    Raises :class:`YamlProblem` for a refused file, ``OSError`` when it cannot be read.
    """
    target = path
    linked = path.is_symlink()
    if linked:
        try:
            target = path.resolve(strict=True)
        except (OSError, RuntimeError):  # RuntimeError: a loop of links (Python < 3.13)
            raise YamlProblem(1, 1, "expected a readable file, got a symbolic link that leads nowhere or in a loop") from None
        folder = (root if root is not None else path.parent).resolve()
        if not _inside(target, folder):
            raise YamlProblem(1, 1, "expected a file inside the incidents folder, got a symbolic link to a file outside it")
    flags = os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_NOCTTY", 0) | getattr(os, "O_CLOEXEC", 0)
    fd = os.open(target, flags | (getattr(os, "O_NOFOLLOW", 0) if linked else 0))
    try:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode):
            via = "a symbolic link to " if linked else ""
            raise YamlProblem(1, 1, f"expected a regular file, got {via}{_kind(info.st_mode)}")
        if info.st_size > limit:
            raise YamlProblem(1, 1, f"expected a file of at most {limit:,} bytes, got {info.st_size:,} bytes")
        data = read_bounded(fd, limit + 1)
    finally:
        os.close(fd)
    if len(data) > limit:  # the file grew after fstat, or its size was not what it said
        raise YamlProblem(1, 1, f"expected a file of at most {limit:,} bytes, got more")
    return data



def read_bounded(fd: int, most: int) -> bytes:
    """At most ``most`` bytes from ``fd``: never a read without a bound."""
    chunks: list[bytes] = []
    left = most
    while left > 0:
        try:
            chunk = os.read(fd, min(left, _READ_CHUNK))
        except BlockingIOError:  # a non-blocking descriptor with nothing to give
            break
        if not chunk:
            break
        chunks.append(chunk)
        left -= len(chunk)
    return b"".join(chunks)



def discover(folder: Path, ignored: list[Path] | None = None) -> list[Path]:
    """Every ``*.yaml``/``*.yml`` below ``folder``, skipping names that start with ``_``, sorted.

    Links to folders are not followed (a loop cannot trap the walk); they are
    listed instead, so loading reports them rather than dropping their files silently.
    Names that start with a dot are never read, as MkDocs never publishes them: an editor's
    lock file (``.#x.yaml``) or macOS's ``._x.yaml`` beside a post-mortem; ``ignored``
    collects those that end like a post-mortem, for a note.
    """
    found: list[Path] = []
    for root, dirs, files in os.walk(folder):
        kept = []
        for d in sorted(dirs):
            if d.startswith((".", "_")):
                continue
            if os.path.islink(os.path.join(root, d)):
                found.append(Path(root) / d)
            else:
                kept.append(d)
        dirs[:] = kept
        for name in files:
            if not name.endswith((".yaml", ".yml")) or name.startswith("_"):
                continue
            if name.startswith("."):
                if ignored is not None:
                    ignored.append(Path(root) / name)
                continue
            found.append(Path(root) / name)
    return sorted(found, key=lambda p: p.parts)  # Path order, without Path's slow comparisons



def relative_path(path: Path, folder: Path) -> str | None:
    """``path`` below ``folder`` as a POSIX path, or None; the file itself is never resolved,
    so a link is shown (and edited) under its own name, not its target's."""
    plain = _plain_relative(os.fspath(path), os.fspath(folder))
    if plain is not None:
        return plain
    try:  # only when the plain paths disagree: resolving costs system calls for every file
        return (path.absolute().parent.resolve() / path.name).relative_to(folder.resolve()).as_posix()
    except (ValueError, OSError):
        return None



@functools.lru_cache(maxsize=1 << 16)  # asked of every file on every rebuild of a preview
def _plain_relative(path: str, folder: str) -> str | None:
    """``path`` below ``folder`` compared as written (made absolute, ``..`` removed), or None."""
    path, folder = os.path.abspath(path), os.path.abspath(folder)
    if path == folder:
        return "."
    prefix = folder if folder.endswith(os.sep) else folder + os.sep
    return path[len(prefix) :].replace(os.sep, "/") if path.startswith(prefix) else None



def display_path(path: Path, base: Path | None) -> str:
    if base is not None:
        shown = relative_path(path, base)
        if shown is not None:
            return shown
    return path.as_posix()


def folder_stamp(folders: list[Path]) -> str:
    """Names, sizes and times of every file in the folders: changes when any file does (templates, assets)."""
    parts = []
    for folder in folders:
        parts.append(str(folder))
        for path in sorted(folder.rglob("*")) if folder.is_dir() else ():
            with contextlib.suppress(OSError):
                info = path.stat()
                parts.append(f"{path}\0{info.st_mtime_ns}\0{info.st_size}")
    return hashlib.blake2b("\n".join(parts).encode("utf-8", "surrogateescape"), digest_size=16).hexdigest()
