"""GitHub's published OpenAPI description (npm @octokit/openapi), cut to the operations pmsite uses
and normalised so Prism validates them.

Cut: the paths pmsite's GitHub module calls (and PATCH, which the tests use to close issues as a
person would), with every component they reference, transitively; nothing else changes in them.

Normalised: a schema that is ``nullable`` without a ``type`` of its own, beside ``oneOf``/``anyOf``
(the create-issue body's ``milestone``: ``{"oneOf": [string, integer], "nullable": true}``), is
rejected by Prism's validator (Ajv: "nullable" cannot be used without "type") and Prism then validates
nothing of that operation's body, silently. Each such schema becomes ``anyOf`` of its branches, each
branch nullable: it accepts exactly what the description means (the branches, or null).
"""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
SOURCE = HERE / "node_modules" / "@octokit" / "openapi" / "generated" / "api.github.com.json"
OPERATIONS = {
    "/repos/{owner}/{repo}": ("get",),
    "/repos/{owner}/{repo}/issues": ("get", "post"),
    "/repos/{owner}/{repo}/issues/{issue_number}": ("get", "patch"),
}


def _refs(node: Any, found: set[str]) -> None:
    if isinstance(node, dict):
        ref = node.get("$ref")
        if isinstance(ref, str):
            found.add(ref)
        for value in node.values():
            _refs(value, found)
    elif isinstance(node, list):
        for value in node:
            _refs(value, found)


def _resolve(doc: dict[str, Any], ref: str) -> Any:
    node: Any = doc
    for part in ref.removeprefix("#/").split("/"):
        node = node[part.replace("~1", "/").replace("~0", "~")]
    return node


def normalise(node: Any) -> int:
    """Rewrite every typeless nullable oneOf/anyOf in place; the number rewritten."""
    count = 0
    if isinstance(node, dict):
        for value in node.values():
            count += normalise(value)
        branches_key = "oneOf" if "oneOf" in node else "anyOf" if "anyOf" in node else None
        if node.get("nullable") is True and "type" not in node and branches_key:
            branches = node.pop(branches_key)
            node.pop("nullable")
            rewritten = []
            for branch in branches:
                if not (isinstance(branch, dict) and "type" in branch):
                    raise ValueError(f"cannot normalise a nullable {branches_key} whose branch has no type: {branch!r}")
                rewritten.append({**branch, "nullable": True})
            node["anyOf"] = rewritten
            count += 1
    elif isinstance(node, list):
        for value in node:
            count += normalise(value)
    return count


def build(source: Path = SOURCE, *, normalised: bool = True) -> dict[str, Any]:
    full = json.loads(source.read_text(encoding="utf-8"))
    out: dict[str, Any] = {key: full[key] for key in ("openapi", "info", "servers") if key in full}
    out["paths"] = {}
    for path, methods in OPERATIONS.items():
        item = full["paths"][path]
        out["paths"][path] = {m: copy.deepcopy(item[m]) for m in methods}
        if "parameters" in item:
            out["paths"][path]["parameters"] = copy.deepcopy(item["parameters"])
    wanted: set[str] = set()
    _refs(out["paths"], wanted)
    done: set[str] = set()
    components: dict[str, dict[str, Any]] = {}
    while wanted - done:
        ref = sorted(wanted - done)[0]
        done.add(ref)
        target = copy.deepcopy(_resolve(full, ref))
        _, section, name = ref.removeprefix("#/").split("/", 2)
        components.setdefault(section, {})[name] = target
        _refs(target, wanted)
    out["components"] = components
    if normalised:
        normalise(out)
    return out


def write(target: Path, *, normalised: bool = True) -> Path:
    target.write_text(json.dumps(build(normalised=normalised)), encoding="utf-8")
    return target


def sample(doc: dict[str, Any], name: str) -> dict[str, Any]:
    """A minimal object of the named schema: every required property, with a value of its type."""
    def make(schema: Any, depth: int = 0) -> Any:
        if "$ref" in schema:
            schema = _resolve(doc, schema["$ref"])
        if "allOf" in schema:
            merged: dict[str, Any] = {}
            for part in schema["allOf"]:
                value = make(part, depth + 1)
                if isinstance(value, dict):
                    merged.update(value)
            return merged
        for key in ("anyOf", "oneOf"):
            if key in schema:
                return make(schema[key][0], depth + 1)
        if schema.get("nullable"):
            return None
        kind = schema.get("type")
        if "enum" in schema:
            return schema["enum"][0]
        if kind == "object" or "properties" in schema:
            return {k: make(v, depth + 1) for k, v in (schema.get("properties") or {}).items() if k in schema.get("required", [])}
        if kind == "array":
            return []
        if kind == "integer" or kind == "number":
            return 1
        if kind == "boolean":
            return False
        fmt = schema.get("format")
        if fmt == "uri":
            return "https://api.github.com/x"
        if fmt == "date-time":
            return "2024-01-01T00:00:00Z"
        return "x"

    return make({"$ref": f"#/components/schemas/{name}"})
