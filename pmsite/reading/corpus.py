"""The whole knowledge base read at once, then the rules that span files (unique ids, ``related``)."""

from __future__ import annotations

import difflib
import gc
import os
import re
import stat
from collections.abc import Sequence
from collections.abc import Set as AbstractSet
from dataclasses import dataclass
from pathlib import Path

from yaml.nodes import ScalarNode

from pmsite.format.ids import ID_CHARS
from pmsite.problems import Problem
from pmsite.reading.documents import FileCache, Loaded, load_file
from pmsite.reading.files import display_path, read_bounded, relative_path
from pmsite.reading.yaml_source import RESOLVER
from pmsite.settings import Settings


@dataclass
class Corpus:
    """All files of a knowledge base after loading and the cross-file rules."""

    loaded: list[Loaded]
    problems: list[Problem]

    @property
    def documents(self) -> list[Loaded]:
        return [item for item in self.loaded if item.document is not None]

    @property
    def errors(self) -> list[Problem]:
        return [p for p in self.problems if p.level == "error"]



def load_corpus(
    paths: list[Path],
    settings: Settings,
    *,
    base: Path | None = None,
    docs_dir: Path | None = None,
    cache: FileCache | None = None,
    roots: Sequence[Path] = (),
    consulted: Sequence[Path] = (),
) -> Corpus:
    """Load every file, then check ids across files (unique, case-insensitively) and ``related``.

    ``roots`` are the incidents folders the paths were found in: names below
    them are checked and links may not leave them (see :func:`load_file`).
    ``consulted`` are the rest of the knowledge base when only some files are
    checked (``pmsite validate FILE``): only their ids matter, and a line scan
    finds those; a file is parsed in full when the scan cannot tell its id, or
    when that id could clash with a checked file's (so the messages are the same).
    """
    loaded: list[Loaded] = []
    # Parsing creates millions of objects and no reference cycles: with the cyclic collector
    # running, its passes over the growing heap cost a third of the time at 10,000 files.
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        _load_all(paths, settings, base, docs_dir, cache, loaded, roots)
        checked = {item.raw_id.lower() for item in loaded} | {item.document.id.lower() for item in loaded if item.document}
        scanned: set[str] = set()
        parse = []
        for path in consulted:
            found = scan_id(path, settings.max_file_bytes)
            if found is None or found.lower() in checked:
                parse.append(path)
            else:
                scanned.add(found)
        others: list[Loaded] = []
        _load_all(parse, settings, base, docs_dir, cache, others, roots)
    finally:
        if was_enabled:
            gc.enable()
    problems = [p for item in loaded for p in item.problems]
    if consulted:  # only the checked files' problems: the rest of the knowledge base is context
        shown = {item.display for item in loaded}
        problems.extend(p for p in cross_file_problems([*others, *loaded], scanned) if p.file in shown)
    else:
        problems.extend(cross_file_problems(loaded))
    return Corpus([*others, *loaded], sorted(problems, key=lambda p: (p.file, p.line, p.column, p.field, p.message)))



# A top-level ``id:`` line: at column 0 it cannot be inside a block scalar or a nested mapping.
_ID = f"[{ID_CHARS}]+"
_ID_LINE = re.compile(f"id:[ \\t]*(?:\"({_ID})\"|'({_ID})'|({_ID}))[ \\t]*(?:#[^\\n]*)?\\r?(?:\\n|\\Z)".encode())



def scan_id(path: Path, limit: int) -> str | None:
    """The id of a post-mortem file found by a line scan, or None when only a full parse can tell
    (no plain ``id:`` line, two of them, another document or a flow mapping, an unreadable file)."""
    try:  # a regular file only, never through a link: anything else takes the full, careful path
        fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_CLOEXEC", 0))
    except OSError:
        return None
    try:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode) or info.st_size > limit:
            return None
        raw = read_bounded(fd, limit + 1)
    except OSError:
        return None
    finally:
        os.close(fd)
    if len(raw) > limit:
        return None
    # exactly one line may begin like a top-level id key (over-counting only costs a full parse)
    heads = raw.startswith((b"id", b'"id', b"'id")) + raw.count(b"\nid") + raw.count(b'\n"id') + raw.count(b"\n'id")
    if heads != 1 or raw.lstrip().startswith((b"{", b"%", b"---")) or b"\n---" in raw or b"\n..." in raw:
        return None
    match = _ID_LINE.match(raw, 0 if raw.startswith(b"id:") else raw.find(b"\nid:") + 1)
    if match is None:
        return None
    value = (match.group(1) or match.group(2) or match.group(3)).decode("ascii")
    if not 3 <= len(value) <= 64:
        return None
    if match.group(3) and RESOLVER.resolve(ScalarNode, value, (True, False)) != "tag:yaml.org,2002:str":
        return None  # a plain 0x1F or 1_000 is a number to YAML
    return value



def _load_all(
    paths: list[Path],
    settings: Settings,
    base: Path | None,
    docs_dir: Path | None,
    cache: FileCache | None,
    loaded: list[Loaded],
    roots: Sequence[Path],
) -> None:
    for path in paths:
        display = display_path(path, base)
        root = next((r for r in roots if relative_path(path, r) is not None), None)
        if cache:
            item = cache.load(path, settings, display, root=root, link_root=docs_dir)
        else:
            item = load_file(path, settings, display=display, root=root, link_root=docs_dir)
        if docs_dir is not None:
            item.source_uri = relative_path(path, docs_dir) or ""
        loaded.append(item)



def cross_file_problems(loaded: list[Loaded], elsewhere: AbstractSet[str] = frozenset()) -> list[Problem]:
    """Duplicate ids (including ids equal but for case, which share a URL) and unknown ``related`` ids.

    ``elsewhere`` are more ids of the knowledge base, known not to clash with any loaded file's."""
    problems: list[Problem] = []
    by_key: dict[str, list[Loaded]] = {}
    for item in loaded:
        if item.document is not None:
            by_key.setdefault(item.document.id.lower(), []).append(item)
    for group in by_key.values():
        # reported on every file of the group: a pull request adding either one is annotated on the file it touches
        for item in group if len(group) > 1 else ():
            assert item.document is not None
            line, col = item.positions.of(("id",))
            for other in group:
                if other is item or other.document is None:
                    continue
                theirs = other.document.id
                same = "the same id" if theirs == item.document.id else f"an id that differs only in letter case ({theirs!r})"
                problems.append(Problem(item.display, line, col, "id",
                                        f"expected a unique id, got {item.document.id!r}: {other.display} has {same}"))
    known = {item.document.id for item in loaded if item.document is not None}
    # ids of files that failed validation still exist in the knowledge base; don't report them twice
    known |= {item.raw_id for item in loaded if item.document is None} - {""}
    known |= elsewhere
    for item in loaded:
        doc = item.document
        if doc is None:
            continue
        for i, ref in enumerate(doc.related):
            if ref not in known:
                line, col = item.positions.of(("related", i))
                close = difflib.get_close_matches(ref, sorted(known), n=1)
                hint = f" (did you mean {close[0]!r}?)" if close else ""
                problems.append(
                    Problem(item.display, line, col, f"related[{i}]", f"expected the id of an incident in the knowledge base, got {ref!r}{hint}")
                )
    return problems
