"""Reading post-mortem files: safe YAML with positions, then the model, then cross-file rules.

YAML is composed into nodes (libyaml's C composer when available) and turned
into plain values by hand, so every value keeps its line and column and the
hostile shapes YAML allows -- duplicate keys, aliases, non-string keys,
arbitrary tags, deep nesting -- become located errors instead of crashes.

The incidents folder is untrusted too. File and folder names must be plain
(:data:`SAFE_NAME`); a symbolic link is followed only to a file inside the
incidents folder; FIFOs, devices, sockets and folders reached by a link are
refused before anything is read; and a file is read with a bounded read, so
no file -- however large, or endless like ``/dev/zero`` -- is read past the
size limit or can hang the build. Messages quote at most a short excerpt.
"""

from __future__ import annotations

import difflib
import functools
import gc
import hashlib
import os
import re
import stat
from collections.abc import Sequence
from collections.abc import Set as AbstractSet
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml
from pydantic import ValidationError
from yaml.constructor import SafeConstructor
from yaml.nodes import MappingNode, Node, ScalarNode
from yaml.resolver import Resolver

from .model import Document, Loc, _nested_model, document_rules
from .problems import Problem, excerpt, field_path
from .settings import Settings

try:  # libyaml is about 14 times faster; fall back to pure Python when it is absent
    from yaml import CSafeLoader as _Loader
    from yaml._yaml import CParser as _Parser
except ImportError:  # pragma: no cover - depends on how PyYAML was built
    from yaml import SafeLoader as _Loader  # type: ignore[assignment]
    from yaml.composer import Composer
    from yaml.parser import Parser
    from yaml.reader import Reader
    from yaml.scanner import Scanner

    class _Parser(Reader, Scanner, Parser, Composer):  # type: ignore[no-redef]
        def __init__(self, stream: str) -> None:
            Reader.__init__(self, stream)
            Scanner.__init__(self)
            Parser.__init__(self)
            Composer.__init__(self)

_STR = "tag:yaml.org,2002:str"
_TAG_CACHE: dict[str, str] = {}


class _Composer(_Parser, Resolver):
    """libyaml's parser and composer, with implicit tags resolved once per distinct value.

    PyYAML resolves every plain scalar with Python regular expressions, even
    under the C loader; post-mortems repeat the same values (kinds, statuses,
    dates) so a cache removes most of that cost.
    """

    def __init__(self, stream: str) -> None:
        _Parser.__init__(self, stream)
        Resolver.__init__(self)

    def resolve(self, kind: type, value: Any, implicit: tuple[bool, bool]) -> str:
        if kind is ScalarNode:
            if not implicit[0]:
                return _STR
            tag = _TAG_CACHE.get(value)
            if tag is None:
                tag = Resolver.resolve(self, kind, value, implicit)
                if len(_TAG_CACHE) < 50_000:
                    _TAG_CACHE[value] = tag
            return tag
        return Resolver.resolve(self, kind, value, implicit)


def _compose(text: str) -> Node | None:
    loader = _Composer(text)
    try:
        return loader.get_single_node()
    finally:
        loader.dispose()
_STANDARD_TAGS = {
    "tag:yaml.org,2002:str",
    "tag:yaml.org,2002:int",
    "tag:yaml.org,2002:float",
    "tag:yaml.org,2002:bool",
    "tag:yaml.org,2002:null",
    "tag:yaml.org,2002:timestamp",
    "tag:yaml.org,2002:seq",
    "tag:yaml.org,2002:map",
}
_constructor = SafeConstructor()


class YamlProblem(Exception):
    """A problem found while reading YAML, with its 1-based position."""

    def __init__(self, line: int, column: int, message: str, loc: Loc = ()) -> None:
        super().__init__(message)
        self.line, self.column, self.message, self.loc = line, column, message, loc


@dataclass
class Positions:
    """Where each value (and each mapping key) starts, by field path."""

    values: dict[Loc, tuple[int, int]] = field(default_factory=dict)
    keys: dict[Loc, tuple[int, int]] = field(default_factory=dict)

    def of(self, loc: Loc, *, key: bool = False) -> tuple[int, int]:
        if key and loc in self.keys:
            return self.keys[loc]
        probe = tuple(loc)
        while probe:
            if probe in self.values:
                return self.values[probe]
            probe = probe[:-1]
        return self.values.get((), (1, 1))


def _mark(node: Node) -> tuple[int, int]:
    return node.start_mark.line + 1, node.start_mark.column + 1


class _Builder:
    def __init__(self, max_depth: int) -> None:
        self.max_depth = max_depth
        self.positions = Positions()
        self.values = self.positions.values
        self.keys = self.positions.keys
        self.seen: set[int] = set()

    def build(self, node: Node, loc: Loc, depth: int) -> Any:
        mark = node.start_mark
        pos = (mark.line + 1, mark.column + 1)
        tag = node.tag
        if node.__class__ is ScalarNode:  # the common case first: most nodes are plain strings
            if id(node) in self.seen:
                raise YamlProblem(*pos, "expected plain values, got an alias (anchors and aliases are not allowed)", loc)
            self.seen.add(id(node))
            self.values[loc] = pos
            if tag == _STR:
                return node.value
            if tag not in _STANDARD_TAGS:
                raise YamlProblem(*pos, f"expected a plain YAML value, got the tag {excerpt(tag)}", loc)
            try:
                return _constructor.construct_object(node)
            except (ValueError, yaml.YAMLError, OverflowError):
                return node.value  # e.g. an impossible date: the model reports it with the author's text
        if depth > self.max_depth:
            raise YamlProblem(*pos, f"expected at most {self.max_depth} levels of nesting, got deeper", loc)
        if id(node) in self.seen:
            raise YamlProblem(*pos, "expected plain values, got an alias (anchors and aliases are not allowed)", loc)
        self.seen.add(id(node))
        if tag not in _STANDARD_TAGS:
            raise YamlProblem(*pos, f"expected a plain YAML value, got the tag {excerpt(tag)}", loc)
        self.values[loc] = pos
        if isinstance(node, MappingNode):
            out: dict[str, Any] = {}
            keys = self.keys
            for key_node, value_node in node.value:
                kmark = key_node.start_mark
                kpos = (kmark.line + 1, kmark.column + 1)
                if key_node.__class__ is not ScalarNode or key_node.tag != _STR:
                    shown = excerpt(key_node.value) if isinstance(key_node, ScalarNode) else "a collection"
                    raise YamlProblem(*kpos, f"expected a text key, got {shown}", loc)
                key = key_node.value
                kloc = loc + (key,)
                if key in out:
                    raise YamlProblem(*kpos, f"duplicate key {excerpt(key)} (first defined at line {keys[kloc][0]})", kloc)
                keys[kloc] = kpos
                out[key] = self.build(value_node, kloc, depth + 1)
            return out
        return [self.build(item, loc + (i,), depth + 1) for i, item in enumerate(node.value)]


def _max_flow_depth(text: str) -> int:
    """Bracket nesting depth, checked before libyaml recurses into a pathological file."""
    depth = best = 0
    for ch in text:
        if ch in "[{":
            depth += 1
            best = max(best, depth)
        elif ch in "]}":
            depth = max(0, depth - 1)
    return best


def _too_deep(text: str, max_depth: int) -> bool:
    """Whether collections really nest deeper than ``max_depth``, by the parser's events.

    The bracket count above is a quick bound that brackets inside quoted or
    block text also raise; libyaml's event parser keeps its own stack, so it
    measures the real depth without the composer's recursion.
    """
    depth = 0
    try:
        for event in yaml.parse(text, Loader=_Loader):
            if isinstance(event, (yaml.SequenceStartEvent, yaml.MappingStartEvent)):
                depth += 1
                if depth > max_depth:
                    return True
            elif isinstance(event, (yaml.SequenceEndEvent, yaml.MappingEndEvent)):
                depth -= 1
    except yaml.YAMLError:
        return False  # the composer stops at the same place, no deeper than seen here, and reports it
    return False


def _first_alias(text: str) -> tuple[int, int] | None:
    for event in yaml.parse(text, Loader=_Loader):
        if isinstance(event, yaml.AliasEvent) and event.start_mark is not None:
            return event.start_mark.line + 1, event.start_mark.column + 1
    return None


def _syntax_problem(exc: yaml.MarkedYAMLError, text: str) -> YamlProblem:
    """Where the broken construct began (the line to fix) and where the parser gave up.

    ``title: [unclosed`` on line 2 is only noticed at the end of the file: the
    problem is located at line 2, and the message names both places.
    """
    stop, start = exc.problem_mark or exc.context_mark, exc.context_mark
    line, col = (stop.line + 1, stop.column + 1) if stop else (1, 1)
    problem = (exc.problem or "invalid YAML")[:200]
    lines = text.splitlines()
    bad_line = lines[line - 1] if 0 < line <= len(lines) else ""
    if "expected a single document" in str(exc):
        return YamlProblem(line, col, "expected a single YAML document, got several (remove the '---' separator)")
    if "\t" in bad_line[: max(col, 1)] or "\t" in problem:
        return YamlProblem(line, col, "expected spaces for indentation, got a tab character")
    message = f"expected valid YAML: {problem}"
    if exc.context and start is not None and stop is not None and (start.line, start.column) != (stop.line, stop.column):
        begun = (start.line + 1, start.column + 1)
        message += f" ({exc.context[:100]} that starts here; the parser stopped at line {line}, column {col})"
        return YamlProblem(*begun, message)
    if exc.context:
        message += f" ({exc.context[:100]})"
    return YamlProblem(line, col, message)


def parse_yaml(data: bytes, *, max_depth: int = 20) -> tuple[Any, Positions]:
    """Parse one YAML document safely; raise :class:`YamlProblem` for anything off."""
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        before = data[: exc.start]
        line = before.count(b"\n") + 1
        col = len(before) - (before.rfind(b"\n") + 1) + 1
        raise YamlProblem(line, col, f"expected UTF-8 text, got the byte 0x{data[exc.start]:02x}") from None
    if not text.strip() or all(
        not ln.strip() or ln.lstrip().startswith("#") for ln in text.splitlines()
    ):
        raise YamlProblem(1, 1, "expected a post-mortem mapping, got an empty file")
    if (text.count("[") + text.count("{")) > 200 and _max_flow_depth(text) > max_depth and _too_deep(text, max_depth):
        raise YamlProblem(1, 1, f"expected at most {max_depth} levels of nesting, got deeper")
    try:
        node = _compose(text)
    except yaml.MarkedYAMLError as exc:
        raise _syntax_problem(exc, text) from None
    except yaml.YAMLError as exc:
        raise YamlProblem(1, 1, f"expected valid YAML: {str(exc)[:200]}") from None
    except RecursionError:
        raise YamlProblem(1, 1, f"expected at most {max_depth} levels of nesting, got deeper") from None
    if node is None:
        raise YamlProblem(1, 1, "expected a post-mortem mapping, got an empty document")
    builder = _Builder(max_depth)
    try:
        value = builder.build(node, (), 0)
    except YamlProblem as exc:
        if "alias" in exc.message:  # the composer shares the anchored node: find where the alias is written
            exc.line, exc.column = _first_alias(text) or (exc.line, exc.column)
        raise
    if not isinstance(value, dict):
        line, col = _mark(node)
        kind = "a list" if isinstance(value, list) else f"a single value {excerpt(str(value))}"
        raise YamlProblem(line, col, f"expected a mapping of fields at the top level, got {kind}")
    return value, builder.positions


@dataclass
class Loaded:
    """One file's outcome: the document when valid, and every problem found in it."""

    path: Path
    display: str
    document: Document | None
    _positions: Positions | None
    problems: list[Problem]
    source_uri: str = ""  # path relative to the docs folder, for edit links
    raw_id: str = ""  # the id as written, even when the document is invalid
    max_depth: int = 20
    max_bytes: int = 1024 * 1024
    root: Path | None = None  # the incidents folder: links may point inside it only
    digest: str = ""  # of the bytes read: tells a preview which pages an edit changed

    @property
    def positions(self) -> Positions:
        """Where each value is. Kept only for files with errors; re-read on demand for the rare
        warning or cross-file error in a valid file (at 10,000 files they would cost ~700 MB)."""
        if self._positions is None:
            try:
                self._positions = parse_yaml(read_source(self.path, self.max_bytes, self.root), max_depth=self.max_depth)[1]
            except (OSError, YamlProblem):
                self._positions = Positions()
        return self._positions


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
        data = _read_bounded(fd, limit + 1)
    finally:
        os.close(fd)
    if len(data) > limit:  # the file grew after fstat, or its size was not what it said
        raise YamlProblem(1, 1, f"expected a file of at most {limit:,} bytes, got more")
    return data


def _read_bounded(fd: int, most: int) -> bytes:
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


def _expectation(err: dict[str, Any], model_fields: list[str]) -> str:
    kind = err["type"]
    if kind == "missing":
        return "required field is missing"
    if kind == "extra_forbidden":
        name = str(err["loc"][-1])
        close = difflib.get_close_matches(name, model_fields, n=1)
        hint = f"; did you mean {close[0]!r}?" if close else f"; expected one of: {', '.join(model_fields)}"
        return f"unknown field{hint}"
    msg = str(err["msg"])
    if kind.startswith("pmsite") or msg.startswith("expected"):
        return msg
    return f"expected a valid value: {msg[0].lower() + msg[1:]}"


def _fields_at(loc: Loc) -> list[str]:
    """The field names allowed at the mapping that contains ``loc``'s last key."""
    model: Any = Document
    for part in loc[:-1]:
        if isinstance(part, int):
            continue
        info = model.model_fields.get(part) if hasattr(model, "model_fields") else None
        if info is None:
            return []
        nxt = _nested_model(info.annotation)
        if nxt is None:
            return []
        model = nxt
    return list(model.model_fields)


def validate_data(data: dict[str, Any], positions: Positions, display: str, settings: Settings) -> tuple[Document | None, list[Problem]]:
    """Run the model and the document rules over parsed data."""
    problems: list[Problem] = []
    try:
        doc = Document.model_validate(data, context={"settings": settings})
    except ValidationError as exc:
        for err in exc.errors(include_url=False):
            loc = tuple(err["loc"])
            is_key = err["type"] == "extra_forbidden"
            line, col = positions.of(loc, key=is_key)
            problems.append(Problem(display, line, col, field_path(loc), _expectation(dict(err), _fields_at(loc))))
        return None, sorted(problems)
    for loc, message in document_rules(doc):
        line, col = positions.of(loc)
        problems.append(Problem(display, line, col, field_path(loc), message))
    return (doc if not problems else None), problems


def load_file(
    path: Path, settings: Settings, *, display: str | None = None, root: Path | None = None, link_root: Path | None = None
) -> Loaded:
    """Read and validate one file. Never raises for bad content.

    ``root`` is the incidents folder: every folder and file name below it is
    checked (without it, only the file's own name), and links may point only
    inside it (or inside ``link_root`` when there is no root; else the file's own folder).
    """
    shown = display or str(path)

    raw = b""

    def outcome(doc: Document | None, positions: Positions | None, problems: list[Problem], raw_id: str = "") -> Loaded:
        return Loaded(path, shown, doc, positions, problems, raw_id=raw_id, max_depth=settings.max_depth,
                      max_bytes=settings.max_file_bytes, root=root or link_root,
                      digest=hashlib.blake2b(raw, digest_size=16).hexdigest())

    named = name_problem(path, root)
    name_problems = [Problem(shown, 1, 1, "", named)] if named else []
    try:
        raw = read_source(path, settings.max_file_bytes, root or link_root)
        data, positions = parse_yaml(raw, max_depth=settings.max_depth)
    except YamlProblem as exc:
        return outcome(None, Positions(), [*name_problems, Problem(shown, exc.line, exc.column, field_path(exc.loc), exc.message)])
    except OSError as exc:
        reason = f"expected a readable file: {exc.strerror or 'it cannot be read'}"
        return outcome(None, Positions(), [*name_problems, Problem(shown, 1, 1, "", reason)])
    doc, problems = validate_data(data, positions, shown, settings)
    problems = [*name_problems, *problems]
    raw_id = data.get("id")
    return outcome(doc if not problems else None, positions if problems else None, problems,
                   raw_id if isinstance(raw_id, str) else "")


def discover(folder: Path) -> list[Path]:
    """Every ``*.yaml``/``*.yml`` below ``folder``, skipping names that start with ``_``, sorted.

    Links to folders are not followed (a loop cannot trap the walk); they are
    listed instead, so loading reports them rather than dropping their files silently.
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
            if name.endswith((".yaml", ".yml")) and not name.startswith("_"):
                found.append(Path(root) / name)
    return sorted(found, key=lambda p: p.parts)  # Path order, without Path's slow comparisons


class FileCache:
    """Parsed files kept between rebuilds of ``mkdocs serve``: an edit re-reads only that file."""

    def __init__(self) -> None:
        self._entries: dict[Path, tuple[tuple[int, ...], Settings, Loaded]] = {}
        self.hits = 0
        self.misses = 0

    def load(
        self, path: Path, settings: Settings, display: str, *, root: Path | None = None, link_root: Path | None = None
    ) -> Loaded:
        def fresh() -> Loaded:
            return load_file(path, settings, display=display, root=root, link_root=link_root)

        try:
            link, st = path.lstat(), path.stat()  # a link re-pointed at another file is a change too
            stamp = (link.st_mtime_ns, link.st_ino, st.st_mtime_ns, st.st_size, st.st_ino)
        except OSError:
            return fresh()
        cached = self._entries.get(path)
        if cached and cached[0] == stamp and cached[1] == settings and (cached[2].display, cached[2].root) == (display, root or link_root):
            self.hits += 1
            return cached[2]
        self.misses += 1
        loaded = fresh()
        self._entries[path] = (stamp, settings, loaded)
        return loaded


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
_ID_LINE = re.compile(rb"id:[ \t]*(?:\"([A-Za-z0-9_-]+)\"|'([A-Za-z0-9_-]+)'|([A-Za-z0-9_-]+))[ \t]*(?:#[^\n]*)?\r?(?:\n|\Z)")


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
        raw = _read_bounded(fd, limit + 1)
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
    if match.group(3) and _RESOLVER.resolve(ScalarNode, value, (True, False)) != "tag:yaml.org,2002:str":
        return None  # a plain 0x1F or 1_000 is a number to YAML
    return value


_RESOLVER = Resolver()  # the resolver the loader uses: which plain scalars are strings


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
        display = _display(path, base)
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


def _display(path: Path, base: Path | None) -> str:
    if base is not None:
        shown = relative_path(path, base)
        if shown is not None:
            return shown
    return path.as_posix()
