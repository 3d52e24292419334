"""Safe YAML with positions: every value keeps its line and column; hostile shapes become located errors.

YAML is composed into nodes (libyaml's C composer when available) and turned
into plain values by hand, so every value keeps its line and column and the
hostile shapes YAML allows -- duplicate keys, aliases, non-string keys,
arbitrary tags, deep nesting -- become located errors instead of crashes.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import yaml
from yaml.constructor import SafeConstructor
from yaml.nodes import MappingNode, Node, ScalarNode
from yaml.resolver import Resolver

from pmsite.format.document import Loc
from pmsite.problems import excerpt

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
# A date or time is kept as the text the author wrote, quoted or not: the format reads it by one rule
# (pmsite.dates), with one message, where YAML would accept more and PyYAML say less.
_TIMESTAMP = "tag:yaml.org,2002:timestamp"

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
            if tag in (_STR, _TIMESTAMP):
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



RESOLVER = Resolver()  # the resolver the loader uses: which plain scalars are strings
