"""The authoring layer stays small and readable: the rules the issue set for it, checked on the source.

Each module owns one idea (at most about 300 lines, no class over 200), no module reaches for
another's private name, the CLI's ``--from`` offers what the importers' registry holds, and a
draft's identity (the ``INC-<year>-<MMDD>`` id made unique) is written in one place.
"""

from __future__ import annotations

import argparse
import ast
from pathlib import Path

import pmsite.authoring

AUTHORING = Path(pmsite.authoring.__file__).parent
MODULES = sorted(AUTHORING.rglob("*.py"))


def test_the_cli_offers_what_the_registry_holds() -> None:
    from pmsite.authoring.importers.registry import SOURCES
    from pmsite.frontends.cli import build_parser

    sub = next(a for a in build_parser()._actions if isinstance(a, argparse._SubParsersAction))
    draft = sub.choices["draft"]
    source = next(a for a in draft._actions if a.dest == "source")
    assert list(source.choices or []) == list(SOURCES) == ["pagerduty", "opsgenie", "slack", "csv"]


def test_every_module_is_small_and_every_class_too() -> None:
    too_long = {p.relative_to(AUTHORING).as_posix(): n for p in MODULES
                if (n := len(p.read_text(encoding="utf-8").splitlines())) > 300}
    assert too_long == {}
    big_classes = [f"{p.name}:{node.name}" for p in MODULES for node in ast.walk(ast.parse(p.read_text(encoding="utf-8")))
                   if isinstance(node, ast.ClassDef) and (node.end_lineno or 0) - node.lineno + 1 > 200]
    assert big_classes == []


def test_no_private_name_is_imported_across_modules() -> None:
    private = [f"{p.relative_to(AUTHORING).as_posix()}: {node.module}.{alias.name}"
               for p in MODULES for node in ast.walk(ast.parse(p.read_text(encoding="utf-8")))
               if isinstance(node, ast.ImportFrom) and node.module != "__future__"
               for alias in node.names if alias.name.startswith("_")]
    assert private == []


def test_a_drafts_id_rule_has_one_home() -> None:
    homes = sorted(p.relative_to(AUTHORING).as_posix() for p in MODULES
                   if 'f"INC-{' in p.read_text(encoding="utf-8") and p.name != "demo.py")  # demo.py numbers its corpus
    assert homes == ["identity.py"]
