"""Write a ticket URL into an author's YAML as an action's ``ticket:``, changing nothing else.

Every other byte stays as it was: comments, key order, quoting, blank lines, line endings (LF or
CRLF, as the file's own lines), a byte-order mark. A block-style item gains one line,
``ticket: URL``, after its last line (after a block scalar's text, before any comment that follows
the item), indented like the item's keys; a flow-style item (``- {id: A1, ...}``) gains
``, ticket: URL`` after its last value; an existing ``ticket: null``, ``ticket: ~`` or empty
``ticket:`` has its value replaced. The result is parsed again and must differ from the original in
that one field only, else the edit is refused and the file is left alone.
"""

from __future__ import annotations

import json
import re
from typing import Any

import yaml
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

_PLAIN_URL = re.compile(r"https?://[A-Za-z0-9._~:/?@!$&'()*+;=%-]+\Z")  # no ',', '[', ']', '{', '}', '#', space
_NULLS = ("", "~", "null", "Null", "NULL")


class YamlEditError(ValueError):
    """The edit cannot be made safely; the file is left unchanged."""


def _scalar(url: str) -> str:
    """The URL as a YAML scalar: plain when it is safe in block and flow context, else double-quoted."""
    if _PLAIN_URL.match(url) and not url.endswith(":"):
        return url
    return json.dumps(url, ensure_ascii=False)


def _key(node: Node) -> str | None:
    return node.value if isinstance(node, ScalarNode) and node.tag == "tag:yaml.org,2002:str" else None


def _find(mapping: Node, name: str) -> tuple[Node, Node] | None:
    if not isinstance(mapping, MappingNode):
        return None
    for key, value in mapping.value:
        if _key(key) == name:
            return key, value
    return None


def _line_break_at(text: str, pos: int) -> int:
    """The index of the line break ending the line that holds ``pos`` (its '\\r' for CRLF), or len(text)."""
    end = text.find("\n", pos)
    if end == -1:
        return len(text)
    return end - 1 if end > 0 and text[end - 1] == "\r" else end


def _newline(text: str, pos: int) -> str:
    """The line ending of the line holding ``pos``, else the file's first, else LF."""
    end = text.find("\n", pos)
    if end == -1:
        end = text.find("\n")
    return "\r\n" if end > 0 and text[end - 1] == "\r" else "\n"


def set_ticket(text: str, index: int, url: str) -> str:
    """``text`` with ``action_items[index].ticket`` set to ``url``; YamlEditError when it cannot be done
    safely (the item already has a ticket, the file is not a post-mortem mapping, the check fails)."""
    bom = "\ufeff" if text.startswith("\ufeff") else ""
    body = text[len(bom):]
    try:
        root = yaml.compose(body, Loader=yaml.SafeLoader)
        before = yaml.safe_load(body)
    except yaml.YAMLError as exc:
        raise YamlEditError(f"not valid YAML: {str(exc).splitlines()[0][:200]}") from None
    found = _find(root, "action_items") if root is not None else None
    if found is None or not isinstance(found[1], SequenceNode):
        raise YamlEditError("expected a mapping with an action_items list")
    items = found[1].value
    if not 0 <= index < len(items) or not isinstance(items[index], MappingNode):
        raise YamlEditError(f"expected action_items[{index}] to be a mapping")
    item = items[index]
    value = _scalar(url)
    existing = _find(item, "ticket")
    if existing is not None:
        key, node = existing
        if not (isinstance(node, ScalarNode) and node.tag == "tag:yaml.org,2002:null" and node.value in _NULLS):
            raise YamlEditError(f"action_items[{index}].ticket is already set")
        if node.value:  # ticket: null / ~: replace the word
            start, end = node.start_mark.index, node.end_mark.index
            edited = body[:start] + value + body[end:]
        else:  # ticket: (nothing): write after the colon
            colon = body.index(":", key.end_mark.index)
            rest = body[colon + 1 : _line_break_at(body, colon)]
            if rest.strip() and not rest.strip().startswith("#"):
                raise YamlEditError(f"action_items[{index}].ticket: cannot tell where its empty value is")
            edited = body[: colon + 1] + " " + value + body[colon + 1 :]
    elif item.flow_style:
        last = item.value[-1][1]
        at = last.end_mark.index
        edited = body[:at] + f", ticket: {value}" + body[at:]
    else:
        first_key = item.value[0][0]
        indent = first_key.start_mark.column
        last = item.value[-1][1]
        content_end = len(body[: last.end_mark.index].rstrip())  # after a block scalar: its last text line
        if isinstance(last, (MappingNode, SequenceNode)) and not last.flow_style:
            raise YamlEditError(f"action_items[{index}] ends with a nested collection: add the ticket by hand")
        at = _line_break_at(body, max(content_end - 1, 0))
        newline = _newline(body, at)
        header = body[last.start_mark.index : _line_break_at(body, last.start_mark.index)]
        if isinstance(last, ScalarNode) and last.style in ("|", ">") and "+" in header.split("#")[0]:
            # a block scalar that keeps its trailing blank lines: the new line goes after them
            end = last.end_mark.index
            if end == len(body) and not body.endswith("\n"):
                edited = body + newline + " " * indent + f"ticket: {value}"
            else:
                edited = body[:end] + " " * indent + f"ticket: {value}" + newline + body[end:]
        elif at == len(body) and body and not body.endswith("\n"):
            edited = body + newline + " " * indent + f"ticket: {value}"
        else:
            edited = body[:at] + newline + " " * indent + f"ticket: {value}" + body[at:]
    _check(before, edited, index, url)
    return bom + edited


def _check(before: Any, edited: str, index: int, url: str) -> None:
    try:
        after = yaml.safe_load(edited)
    except yaml.YAMLError as exc:
        raise YamlEditError(f"the edit would break the file ({str(exc).splitlines()[0][:120]}); it was not made") from None
    expected = json.loads(json.dumps(before, default=str))
    expected["action_items"][index]["ticket"] = url
    if json.loads(json.dumps(after, default=str)) != expected:
        raise YamlEditError(f"the edit would change more than action_items[{index}].ticket; it was not made")
