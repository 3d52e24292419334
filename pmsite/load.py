"""Reading post-mortem files: safe YAML with positions, then the model, then cross-file rules.

YAML is composed into nodes (libyaml's C composer when available) and turned
into plain values by hand, so every value keeps its line and column and the
hostile shapes YAML allows -- duplicate keys, aliases, non-string keys,
arbitrary tags, deep nesting -- become located errors instead of crashes.
"""

from __future__ import annotations

import difflib
import gc
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml
from pydantic import ValidationError
from yaml.constructor import SafeConstructor
from yaml.nodes import MappingNode, Node, ScalarNode
from yaml.resolver import Resolver

from .model import Document, Loc, _nested_model, document_rules
from .problems import Problem, field_path
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
                raise YamlProblem(*pos, f"expected a plain YAML value, got the tag {tag!r}", loc)
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
            raise YamlProblem(*pos, f"expected a plain YAML value, got the tag {tag!r}", loc)
        self.values[loc] = pos
        if isinstance(node, MappingNode):
            out: dict[str, Any] = {}
            keys = self.keys
            for key_node, value_node in node.value:
                kmark = key_node.start_mark
                kpos = (kmark.line + 1, kmark.column + 1)
                if key_node.__class__ is not ScalarNode or key_node.tag != _STR:
                    shown = key_node.value if isinstance(key_node, ScalarNode) else "a collection"
                    raise YamlProblem(*kpos, f"expected a text key, got {shown!r}", loc)
                key = key_node.value
                kloc = loc + (key,)
                if key in out:
                    raise YamlProblem(*kpos, f"duplicate key {key!r} (first defined at line {keys[kloc][0]})", kloc)
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


def _first_alias(text: str) -> tuple[int, int] | None:
    for event in yaml.parse(text, Loader=_Loader):
        if isinstance(event, yaml.AliasEvent) and event.start_mark is not None:
            return event.start_mark.line + 1, event.start_mark.column + 1
    return None


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
    if (text.count("[") + text.count("{")) > 200 and _max_flow_depth(text) > max_depth:
        raise YamlProblem(1, 1, f"expected at most {max_depth} levels of nesting, got deeper")
    try:
        node = _compose(text)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line, col = (mark.line + 1, mark.column + 1) if mark else (1, 1)
        problem = exc.problem or "invalid YAML"
        bad_line = text.splitlines()[line - 1] if 0 < line <= len(text.splitlines()) else ""
        if "expected a single document" in str(exc):
            message = "expected a single YAML document, got several (remove the '---' separator)"
        elif "\t" in bad_line[: max(col, 1)] or "\t" in problem:
            message = "expected spaces for indentation, got a tab character"
        else:
            message = f"expected valid YAML: {problem}"
            if exc.context:
                message += f" ({exc.context})"
        raise YamlProblem(line, col, message) from None
    except yaml.YAMLError as exc:
        raise YamlProblem(1, 1, f"expected valid YAML: {exc}") from None
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
        kind = "a list" if isinstance(value, list) else f"a single value {value!r}"
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

    @property
    def positions(self) -> Positions:
        """Where each value is. Kept only for files with errors; re-read on demand for the rare
        warning or cross-file error in a valid file (at 10,000 files they would cost ~700 MB)."""
        if self._positions is None:
            try:
                self._positions = parse_yaml(self.path.read_bytes(), max_depth=self.max_depth)[1]
            except (OSError, YamlProblem):
                self._positions = Positions()
        return self._positions


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


def load_file(path: Path, settings: Settings, *, display: str | None = None) -> Loaded:
    """Read and validate one file. Never raises for bad content."""
    shown = display or str(path)
    try:
        size = path.stat().st_size
        if size > settings.max_file_bytes:
            raise YamlProblem(
                1, 1, f"expected a file of at most {settings.max_file_bytes:,} bytes, got {size:,} bytes"
            )
        raw = path.read_bytes()
        data, positions = parse_yaml(raw, max_depth=settings.max_depth)
    except YamlProblem as exc:
        return Loaded(path, shown, None, Positions(), [Problem(shown, exc.line, exc.column, field_path(exc.loc), exc.message)])
    except OSError as exc:
        return Loaded(path, shown, None, Positions(), [Problem(shown, 1, 1, "", f"expected a readable file: {exc.strerror}")])
    doc, problems = validate_data(data, positions, shown, settings)
    raw_id = data.get("id")
    kept = positions if problems else None
    return Loaded(path, shown, doc, kept, problems, raw_id=raw_id if isinstance(raw_id, str) else "", max_depth=settings.max_depth)


def discover(folder: Path) -> list[Path]:
    """Every ``*.yaml``/``*.yml`` below ``folder``, skipping names that start with ``_``, sorted."""
    found: list[Path] = []
    for root, dirs, files in os.walk(folder):
        dirs[:] = sorted(d for d in dirs if not d.startswith((".", "_")))
        for name in files:
            if name.endswith((".yaml", ".yml")) and not name.startswith("_"):
                found.append(Path(root) / name)
    return sorted(found)


class FileCache:
    """Parsed files kept between rebuilds of ``mkdocs serve``: an edit re-reads only that file."""

    def __init__(self) -> None:
        self._entries: dict[Path, tuple[tuple[int, int], Settings, Loaded]] = {}
        self.hits = 0
        self.misses = 0

    def load(self, path: Path, settings: Settings, display: str) -> Loaded:
        try:
            st = path.stat()
            stamp = (st.st_mtime_ns, st.st_size)
        except OSError:
            return load_file(path, settings, display=display)
        cached = self._entries.get(path)
        if cached and cached[0] == stamp and cached[1] == settings and cached[2].display == display:
            self.hits += 1
            return cached[2]
        self.misses += 1
        loaded = load_file(path, settings, display=display)
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
) -> Corpus:
    """Load every file, then check ids across files (unique, case-insensitively) and ``related``."""
    loaded: list[Loaded] = []
    # Parsing creates millions of objects and no reference cycles: with the cyclic collector
    # running, its passes over the growing heap cost a third of the time at 10,000 files.
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        _load_all(paths, settings, base, docs_dir, cache, loaded)
    finally:
        if was_enabled:
            gc.enable()
    problems = [p for item in loaded for p in item.problems]
    problems.extend(cross_file_problems(loaded))
    return Corpus(loaded, sorted(problems, key=lambda p: (p.file, p.line, p.column, p.field, p.message)))


def _load_all(
    paths: list[Path], settings: Settings, base: Path | None, docs_dir: Path | None, cache: FileCache | None, loaded: list[Loaded]
) -> None:
    for path in paths:
        display = _display(path, base)
        item = cache.load(path, settings, display) if cache else load_file(path, settings, display=display)
        if docs_dir is not None:
            try:
                item.source_uri = path.resolve().relative_to(docs_dir.resolve()).as_posix()
            except ValueError:
                item.source_uri = ""
        loaded.append(item)


def cross_file_problems(loaded: list[Loaded]) -> list[Problem]:
    """Duplicate ids (including ids equal but for case, which share a URL) and unknown ``related`` ids."""
    problems: list[Problem] = []
    by_key: dict[str, Loaded] = {}
    for item in loaded:
        doc = item.document
        if doc is None:
            continue
        key = doc.id.lower()
        first = by_key.get(key)
        if first is not None and first.document is not None:
            line, col = item.positions.of(("id",))
            same = "the same id" if first.document.id == doc.id else f"an id that differs only in letter case ({first.document.id!r})"
            problems.append(
                Problem(item.display, line, col, "id", f"expected a unique id, got {doc.id!r}: {first.display} has {same}")
            )
        else:
            by_key[key] = item
    known = {item.document.id for item in loaded if item.document is not None}
    # ids of files that failed validation still exist in the knowledge base; don't report them twice
    known |= {item.raw_id for item in loaded if item.document is None} - {""}
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


def _display(path: Path, base: Path | None) -> str:
    if base is not None:
        try:
            return path.resolve().relative_to(base.resolve()).as_posix()
        except ValueError:
            pass
    return path.as_posix()
