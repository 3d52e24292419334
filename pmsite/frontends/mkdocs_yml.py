"""Reading ``mkdocs.yml`` without running anything: the tolerant loader, ``!ENV`` and ``INHERIT``."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import yaml

from pmsite.errors import UsageError


class _TolerantLoader(yaml.SafeLoader):
    """Reads mkdocs.yml without running anything.

    ``!ENV`` is resolved the way MkDocs resolves it; any other unknown tag
    (``!!python/name:...``, ``!relative``) becomes its plain value, or None.
    """


def _env_tag(loader: yaml.SafeLoader, node: yaml.Node) -> Any:
    """``!ENV VAR`` or ``!ENV [VAR, OTHER_VAR, default]``, as MkDocs (pyyaml_env_tag) reads it."""
    default: Any = None
    if isinstance(node, yaml.ScalarNode):
        names = [loader.construct_scalar(node)]
    elif isinstance(node, yaml.SequenceNode):
        children = list(node.value)
        if len(children) > 1:
            default = loader.construct_object(children[-1])
            children = children[:-1]
        names = [loader.construct_scalar(c) if isinstance(c, yaml.ScalarNode) else "" for c in children]
    else:
        return None
    for name in names:
        if isinstance(name, str) and name in os.environ:
            value = os.environ[name]
            tag = loader.resolve(yaml.ScalarNode, value, (True, False))
            return loader.construct_object(yaml.ScalarNode(tag, value))
    return default


def _any_tag(loader: yaml.SafeLoader, suffix: str, node: yaml.Node) -> Any:
    if isinstance(node, yaml.ScalarNode):
        return loader.construct_scalar(node) or None
    if isinstance(node, yaml.SequenceNode):
        return loader.construct_sequence(node, deep=True)
    if isinstance(node, yaml.MappingNode):
        return loader.construct_mapping(node, deep=True)
    return None


def _timestamp_or_text(loader: yaml.SafeLoader, node: yaml.Node) -> Any:
    """A date that does not exist (``2024-02-30``) stays text, so the option's own check reports it cleanly."""
    try:
        return loader.construct_yaml_timestamp(node)  # type: ignore[arg-type]
    except (ValueError, OverflowError):
        return loader.construct_scalar(node)  # type: ignore[arg-type]


_TolerantLoader.add_constructor("!ENV", _env_tag)

_TolerantLoader.add_constructor("tag:yaml.org,2002:timestamp", _timestamp_or_text)

_TolerantLoader.add_multi_constructor("", _any_tag)


def read_mkdocs_yml(path: Path, depth: int = 0) -> dict[str, Any]:
    """One mkdocs.yml, with ``INHERIT`` merged in as MkDocs does (the child wins, lists are replaced)."""
    try:
        raw = yaml.load(path.read_text(encoding="utf-8"), Loader=_TolerantLoader)
    except yaml.YAMLError as exc:
        raise UsageError(f"{path}: not valid YAML: {exc}") from None
    except (ValueError, OverflowError, RecursionError) as exc:  # a value PyYAML cannot construct
        raise UsageError(f"{path}: not a valid configuration: {str(exc)[:200]}") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise UsageError(f"{path}: cannot read the configuration: {exc}") from None
    if raw is None:
        raw = {}
    if not isinstance(raw, dict):
        raise UsageError(f"{path}: expected a mapping of MkDocs settings")
    parent = raw.pop("INHERIT", None)
    if isinstance(parent, str) and parent:
        if depth > 10:
            raise UsageError(f"{path}: INHERIT nests too deeply")
        parent_path = (path.parent / parent).resolve()
        if not parent_path.is_file():
            raise UsageError(f"{path}: INHERIT names a missing file: {parent}")
        raw = _merge(read_mkdocs_yml(parent_path, depth + 1), raw)
    return raw


def _merge(parent: dict[str, Any], child: dict[str, Any]) -> dict[str, Any]:
    out = dict(parent)
    for key, value in child.items():
        if isinstance(value, dict) and isinstance(out.get(key), dict):
            out[key] = _merge(out[key], value)
        else:
            out[key] = value
    return out


def plugin_options(plugins: Any) -> dict[str, Any] | None:
    """The ``pmsite`` entry of ``plugins:`` (a list of names or one-key mappings, or a mapping)."""
    if isinstance(plugins, dict):
        if "pmsite" in plugins:
            found = plugins["pmsite"]
            return dict(found) if isinstance(found, dict) else {}
        return None
    for entry in plugins or []:
        if entry == "pmsite":
            return {}
        if isinstance(entry, dict) and "pmsite" in entry:
            found = entry["pmsite"]
            return dict(found) if isinstance(found, dict) else {}
    return None
