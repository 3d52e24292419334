"""The ``pmsite`` command: validate, scaffold, export the schema, review actions, make demo corpora.

It drives the same engine and reads the same ``mkdocs.yml`` options as the
plugin, so a file that passes ``pmsite validate`` builds, and the errors are
the very lines the build prints.
"""

from __future__ import annotations

import argparse
import csv
import dataclasses
import datetime as dt
import io
import json
import os
import sys
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from . import __version__
from .problems import Problem

EXIT_OK, EXIT_PROBLEMS, EXIT_USAGE = 0, 1, 2


class UsageError(Exception):
    """Bad arguments or a missing path: exit status 2."""


# --- configuration -------------------------------------------------------------


class _TolerantLoader(yaml.SafeLoader):
    """Reads mkdocs.yml without running anything: unknown tags (!!python/name, !ENV) become plain values."""


def _any_tag(loader: yaml.SafeLoader, suffix: str, node: yaml.Node) -> Any:
    if isinstance(node, yaml.ScalarNode):
        return loader.construct_scalar(node)
    if isinstance(node, yaml.SequenceNode):
        return loader.construct_sequence(node)
    return loader.construct_mapping(node)  # type: ignore[arg-type]


_TolerantLoader.add_multi_constructor("", _any_tag)


@dataclass
class SiteConfig:
    """What the CLI needs from mkdocs.yml: the engine's settings and where the incidents live."""

    settings: Any
    docs_dir: Path
    incidents_dir: str
    base: Path
    site_name: str = "pmsite"

    @property
    def incidents_path(self) -> Path:
        return self.docs_dir / self.incidents_dir


def load_site_config(path: Path | None) -> SiteConfig:
    """Settings from ``mkdocs.yml`` (the ``pmsite`` plugin entry), or the format's defaults."""
    from .settings import Settings

    candidate = path or Path("mkdocs.yml")
    if path is not None and not path.is_file():
        raise UsageError(f"no configuration file at {path}")
    if not candidate.is_file():
        return SiteConfig(Settings.from_mapping({}), Path("content"), "incidents", Path.cwd())
    try:
        raw = yaml.load(candidate.read_text(encoding="utf-8"), Loader=_TolerantLoader) or {}
    except yaml.YAMLError as exc:
        raise UsageError(f"{candidate}: not valid YAML: {exc}") from None
    options: dict[str, Any] = {}
    for entry in raw.get("plugins") or []:
        if entry == "pmsite":
            options = {}
        elif isinstance(entry, dict) and "pmsite" in entry:
            options = dict(entry["pmsite"] or {})
    if isinstance(raw.get("plugins"), dict):
        options = dict(raw["plugins"].get("pmsite") or {})
    base = candidate.resolve().parent
    docs_dir = base / str(raw.get("docs_dir", "docs"))
    incidents_dir = str(options.pop("incidents_dir", "incidents"))
    try:
        settings = Settings.from_mapping(options)
    except (TypeError, ValueError) as exc:
        raise UsageError(f"{candidate}: pmsite options: {exc}") from None
    return SiteConfig(settings, docs_dir, incidents_dir, base, str(raw.get("site_name", "pmsite")))


def _paths(args_paths: Sequence[str], config: SiteConfig) -> list[Path]:
    from .load import discover

    roots = [Path(p) for p in args_paths] or [config.incidents_path]
    files: list[Path] = []
    for root in roots:
        if root.is_dir():
            files.extend(discover(root))
        elif root.is_file():
            files.append(root)
        else:
            raise UsageError(f"no such file or folder: {root}")
    return sorted(dict.fromkeys(files))


# --- output formats ---------------------------------------------------------------


def _colour(enabled: bool) -> dict[str, str]:
    if not enabled:
        return {"error": "", "warning": "", "reset": "", "dim": ""}
    return {"error": "\033[31m", "warning": "\033[33m", "reset": "\033[0m", "dim": "\033[2m"}


def github_escape_data(text: str) -> str:
    """GitHub workflow commands: escape a message."""
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def github_escape_property(text: str) -> str:
    """GitHub workflow commands: escape a property value (also ':' and ',')."""
    return github_escape_data(text).replace(":", "%3A").replace(",", "%2C")


def github_line(problem: Problem) -> str:
    title = f"pmsite {problem.code}: {problem.field}" if problem.code else f"pmsite: {problem.field or 'file'}"
    props = ",".join(
        f"{k}={github_escape_property(str(v))}"
        for k, v in (("file", problem.file), ("line", problem.line), ("col", problem.column), ("title", title))
    )
    message = f"{problem.field}: {problem.message}" if problem.field else problem.message
    return f"::{problem.level} {props}::{github_escape_data(message)}"


def _plural(n: int, word: str) -> str:
    return f"{n} {word}{'' if n == 1 else 's'}"


# --- commands -----------------------------------------------------------------------


def cmd_validate(args: argparse.Namespace) -> int:
    from .checklist import warnings_for
    from .load import load_corpus

    config = load_site_config(args.config_file)
    files = _paths(args.paths, config)
    corpus = load_corpus(files, config.settings, base=Path.cwd())
    errors = corpus.errors
    warnings: list[Problem] = []
    if not args.no_checklist:
        for item in corpus.documents:
            warnings.extend(warnings_for(item, config.settings))
    warnings.sort()
    if args.format == "json":
        print(json.dumps({"files_checked": len(files), "errors": [p.as_dict() for p in errors],
                          "warnings": [p.as_dict() for p in warnings]}, indent=2))
    elif args.format == "github":
        for problem in [*errors, *warnings]:
            print(github_line(problem))
    else:
        c = _colour(sys.stdout.isatty() and "NO_COLOR" not in os.environ)
        for problem in sorted([*errors, *warnings], key=lambda p: (p.file, p.line, p.column)):
            print(f"{c[problem.level]}{problem.level}{c['reset']}: {problem.format()}")
        if errors or warnings:
            touched = {p.file for p in [*errors, *warnings]}
            print(f"{_plural(len(errors), 'error')}, {_plural(len(warnings), 'warning')} in "
                  f"{_plural(len(touched), 'file')} (checked {_plural(len(files), 'file')})")
        else:
            print(f"OK: {_plural(len(files), 'file')}, no problems")
    if errors or (args.strict and warnings):
        return EXIT_PROBLEMS
    return EXIT_OK


def cmd_schema(args: argparse.Namespace) -> int:
    from .schema import schema_text

    config = load_site_config(args.config_file) if args.config_file else None
    text = schema_text(config.settings if config else None)
    if args.output:
        Path(args.output).write_text(text, encoding="utf-8")
    else:
        sys.stdout.write(text)
    return EXIT_OK


def cmd_new(args: argparse.Namespace) -> int:
    from .scaffold import scaffold

    config = load_site_config(args.config_file)
    interactive = sys.stdin.isatty() and sys.stdout.isatty()
    title, severity, services = args.title, args.severity, args.service or []
    if interactive:
        title = title or input("Title (one line, what happened): ").strip()
        if severity is None:
            answer = input(f"Severity ({', '.join(str(s) for s in config.settings.severities)}): ").strip()
            severity = answer or None
        if not services:
            services = [s.strip() for s in input("Services (comma-separated): ").split(",") if s.strip()]
    if not title:
        raise UsageError("--title is required (or run on a terminal to be asked)")
    folder = Path(args.dir) if args.dir else config.incidents_path
    day = dt.date.fromisoformat(args.date) if args.date else dt.date.today()
    try:
        path = scaffold(folder, title=title, severity=severity, services=services, day=day, settings=config.settings,
                        doc_id=args.id, schema_dir=config.base / "schema")
    except FileExistsError as exc:
        print(f"error: {exc.filename} already exists; pmsite new never overwrites a file", file=sys.stderr)
        return EXIT_PROBLEMS
    except ValueError as exc:
        raise UsageError(str(exc)) from None
    print(f"created {path}")
    return EXIT_OK


ACTION_COLUMNS = ["incident", "action", "priority", "due", "days_overdue", "status", "owner", "description", "services"]


def cmd_actions(args: argparse.Namespace) -> int:
    from .analyse import build_knowledge_base
    from .load import load_corpus
    from .settings import CLOSED_STATUSES

    config = load_site_config(args.config_file)
    settings = config.settings
    if args.reference_date:
        settings = dataclasses.replace(settings, reference_date=dt.date.fromisoformat(args.reference_date))
    corpus = load_corpus(_paths(args.paths, config), settings, base=Path.cwd())
    if corpus.errors:
        print(f"warning: {_plural(len({p.file for p in corpus.errors}), 'file')} with errors left out; run pmsite validate",
              file=sys.stderr)
    kb = build_knowledge_base([(i.document, i.source_uri) for i in corpus.documents if i.document], settings)
    order = {p: n for n, p in enumerate(settings.priorities)}
    rows: list[dict[str, Any]] = []
    for inc in kb.incidents:
        for a in inc.actions:
            if not args.all and a.item.status in CLOSED_STATUSES:
                continue
            if args.overdue and not a.overdue:
                continue
            if args.owner and a.item.owner.lower() != args.owner.lower():
                continue
            if args.priority and a.item.priority != args.priority:
                continue
            if args.service and args.service not in inc.doc.services:
                continue
            rows.append({
                "incident": inc.id, "action": a.id, "priority": a.item.priority, "due": a.item.due.isoformat(),
                "days_overdue": a.days_late, "status": a.item.status, "owner": a.item.owner,
                "description": " ".join(a.item.description.split()), "services": ", ".join(inc.doc.services),
            })
    rows.sort(key=lambda r: (order.get(r["priority"], len(order)), r["due"], r["incident"], r["action"]))
    if args.format == "json":
        print(json.dumps(rows, indent=2, ensure_ascii=False))
    elif args.format == "csv":
        out = io.StringIO()
        writer = csv.DictWriter(out, fieldnames=ACTION_COLUMNS, lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)
        sys.stdout.write(out.getvalue())
    elif args.format == "markdown":
        print("| " + " | ".join(ACTION_COLUMNS) + " |")
        print("|" + "---|" * len(ACTION_COLUMNS))
        for r in rows:
            print("| " + " | ".join(str(r[c]).replace("|", "\\|") for c in ACTION_COLUMNS) + " |")
    else:
        shown = [{**r, "description": r["description"][:60]} for r in rows]
        widths = {c: max([len(c), *(len(str(r[c])) for r in shown)]) for c in ACTION_COLUMNS}
        print("  ".join(c.ljust(widths[c]) for c in ACTION_COLUMNS).rstrip())
        for r in shown:
            print("  ".join(str(r[c]).ljust(widths[c]) for c in ACTION_COLUMNS).rstrip())
        overdue = sum(1 for r in rows if r["days_overdue"])
        print(f"{_plural(len(rows), 'action item')}, {overdue} overdue (as of {settings.today.isoformat()})")
    return EXIT_OK


def cmd_demo_corpus(args: argparse.Namespace) -> int:
    from .demo import generate

    if args.count < 1:
        raise UsageError("--count must be at least 1")
    written = generate(args.count, args.seed, Path(args.dir), load_site_config(args.config_file).settings)
    print(f"wrote {_plural(len(written), 'document')} to {args.dir} (seed {args.seed})")
    return EXIT_OK


# --- entry point -----------------------------------------------------------------------


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> Any:  # argparse exits 2 on usage errors; keep that, add a hint
        self.print_usage(sys.stderr)
        self.exit(EXIT_USAGE, f"{self.prog}: error: {message}\n")


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="pmsite", description="Post-mortem knowledge base tools.")
    parser.add_argument("--version", action="version", version=f"pmsite {__version__}")
    parser.add_argument("--config-file", type=Path, help="mkdocs.yml to read (default: ./mkdocs.yml when present)")
    sub = parser.add_subparsers(dest="command", required=True, parser_class=_Parser)

    p = sub.add_parser("validate", help="check post-mortem files without building the site")
    p.add_argument("paths", nargs="*", help="files or folders (default: the configured incidents folder)")
    p.add_argument("--format", choices=["human", "github", "json"], default="human")
    p.add_argument("--strict", action="store_true", help="fail on checklist warnings too")
    p.add_argument("--no-checklist", action="store_true", help="check the format only, not the quality checklist")
    p.set_defaults(func=cmd_validate)

    p = sub.add_parser("schema", help="print the JSON Schema of the format")
    p.add_argument("--output", help="write to this file instead of standard output")
    p.set_defaults(func=cmd_schema)

    p = sub.add_parser("new", help="scaffold a new post-mortem as a draft")
    p.add_argument("--title")
    p.add_argument("--severity")
    p.add_argument("--service", action="append", help="an affected service (repeatable)")
    p.add_argument("--id", help="the id (default: INC-<year>-<MMDD>, made unique)")
    p.add_argument("--dir", help="folder to write to (default: the configured incidents folder)")
    p.add_argument("--date", help="the incident date, YYYY-MM-DD (default: today)")
    p.set_defaults(func=cmd_new)

    p = sub.add_parser("actions", help="open and overdue action items: the weekly review")
    p.add_argument("paths", nargs="*")
    p.add_argument("--owner")
    p.add_argument("--priority")
    p.add_argument("--service")
    p.add_argument("--overdue", action="store_true", help="only overdue items")
    p.add_argument("--all", action="store_true", help="include done and wont-do items")
    p.add_argument("--format", choices=["table", "csv", "json", "markdown"], default="table")
    p.add_argument("--reference-date", help="compute overdue against this date (YYYY-MM-DD)")
    p.set_defaults(func=cmd_actions)

    p = sub.add_parser("demo-corpus", help="write N realistic synthetic post-mortems (deterministic for a seed)")
    p.add_argument("dir")
    p.add_argument("--count", type=int, default=100)
    p.add_argument("--seed", type=int, default=1)
    p.set_defaults(func=cmd_demo_corpus)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        return int(args.func(args))
    except UsageError as exc:
        print(f"pmsite: error: {exc}", file=sys.stderr)
        return EXIT_USAGE
    except ValueError as exc:  # e.g. a malformed --date
        print(f"pmsite: error: {exc}", file=sys.stderr)
        return EXIT_USAGE
    except KeyboardInterrupt:
        return 130


if __name__ == "__main__":
    sys.exit(main())
