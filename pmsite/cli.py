"""The ``pmsite`` command: validate, scaffold, export the schema, review actions, make demo corpora.

It drives the same engine and reads the same ``mkdocs.yml`` options as the
plugin, so a file that passes ``pmsite validate`` builds, and the errors are
the very lines the build prints (after its ``pmsite: `` prefix).

Exit status: 0 when all is well, 1 when files have errors (or warnings under
``--strict``), 2 for usage problems (bad arguments, a missing path or
configuration file).
"""

from __future__ import annotations

import argparse
import csv
import dataclasses
import datetime as dt
import io
import json
import os
import re
import sys
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import yaml

from . import __version__
from .problems import Problem, printable
from .settings import Settings

if TYPE_CHECKING:
    from .load import Corpus

EXIT_OK, EXIT_PROBLEMS, EXIT_USAGE = 0, 1, 2


class UsageError(Exception):
    """Bad arguments, a missing path or an unreadable configuration: exit status 2."""


class CommandError(Exception):
    """The command could not do its work (e.g. the file exists): exit status 1."""


# --- configuration -------------------------------------------------------------------------


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


@dataclass
class SiteConfig:
    """What the CLI needs from mkdocs.yml: the engine's settings and where the incidents live."""

    settings: Settings
    docs_dir: Path
    incidents_dir: str
    base: Path  # the folder of mkdocs.yml (the current folder without one)
    site_name: str = "pmsite"
    checklist: bool = True  # the plugin's ``checklist`` option
    config_file: Path | None = None

    @property
    def incidents_path(self) -> Path:
        return self.docs_dir / self.incidents_dir


def _read_yaml(path: Path, depth: int = 0) -> dict[str, Any]:
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
        raw = _merge(_read_yaml(parent_path, depth + 1), raw)
    return raw


def _merge(parent: dict[str, Any], child: dict[str, Any]) -> dict[str, Any]:
    out = dict(parent)
    for key, value in child.items():
        if isinstance(value, dict) and isinstance(out.get(key), dict):
            out[key] = _merge(out[key], value)
        else:
            out[key] = value
    return out


def _plugin_options(plugins: Any) -> dict[str, Any] | None:
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


def load_site_config(path: Path | None) -> SiteConfig:
    """Settings from ``mkdocs.yml`` (the ``pmsite`` plugin entry), or the format's defaults.

    ``path`` is an explicit configuration file (a missing one is a usage error);
    without it, ``./mkdocs.yml`` is read when present. Without any, the
    defaults apply and the incidents live in ``content/incidents``.
    """
    if path is not None and not path.is_file():
        raise UsageError(f"no configuration file at {path}")
    candidate = path or Path("mkdocs.yml")
    try:
        if not candidate.is_file():
            settings, _ = _settings({}, "the environment", None)
            return SiteConfig(settings, Path.cwd() / "content", "incidents", Path.cwd())
    except OSError as exc:
        raise UsageError(f"{candidate}: {exc}") from None
    raw = _read_yaml(candidate)
    options = _plugin_options(raw.get("plugins")) or {}
    base = candidate.resolve().parent
    docs_dir = base / str(raw.get("docs_dir") or "docs")
    settings, validated = _settings(options, str(candidate), candidate)
    return SiteConfig(
        settings,
        docs_dir,
        str(validated["incidents_dir"]).strip("/"),
        base,
        str(raw.get("site_name") or "pmsite"),
        validated["checklist"] is not False,
        candidate,
    )


def _settings(options: dict[str, Any], where: str, config_file: Path | None) -> tuple[Settings, dict[str, Any]]:
    """The plugin's options validated by the plugin's own configuration class, as ``mkdocs build`` does.

    An invalid option or environment override is a usage error naming it (no
    traceback); an unknown option is a warning, as MkDocs makes it.
    """
    from .config import validate_options

    validated, errors, warnings = validate_options(options, str(config_file) if config_file else None)
    if errors:
        raise UsageError("\n".join(f"{where}: pmsite option {error}" for error in errors))
    for warning in warnings:
        _emit(f"pmsite: warning: {printable(where)}: pmsite option {printable(warning)}", err=True)
    values = dict(validated)
    try:
        return Settings.from_mapping(values), values
    except (TypeError, ValueError) as exc:
        raise UsageError(f"{where}: pmsite options: {exc}") from None


def _inside(path: Path, folder: Path) -> bool:
    from .load import relative_path  # the file's own name, not a link's target, decides

    return relative_path(path, folder) is not None


def _collect(args_paths: Sequence[str], config: SiteConfig) -> tuple[list[Path], list[Path]]:
    """The files asked for, and the rest of the knowledge base they are checked against.

    Files inside the configured incidents folder (pre-commit passes only the
    changed ones) are checked together with every other file of that folder,
    so a ``related`` id or a duplicate id in an unchanged file is seen.
    """
    roots = [Path(p) for p in args_paths] or [config.incidents_path]
    for root in roots:  # before importing the model: a usage error answers at once
        if not root.exists():
            raise UsageError(f"no such file or folder: {root}")
    from .load import discover

    files: list[Path] = []
    for root in roots:
        if root.is_dir():
            files.extend(discover(root))
        elif root.is_file():
            files.append(root)
        else:
            raise UsageError(f"no such file or folder: {root}")
    unique: dict[str, Path] = {}
    for f in files:  # each file once, however it is written (a link is a file of its own)
        unique.setdefault(os.path.abspath(f), f)
    files = list(unique.values())
    incidents = config.incidents_path
    context: list[Path] = []
    if args_paths and incidents.is_dir() and all(_inside(f, incidents) for f in files):
        asked = set(unique)
        context = [f for f in discover(incidents) if os.path.abspath(f) not in asked]
    return sorted(files), context


def _load(files: list[Path], context: list[Path], settings: Settings, config: SiteConfig, folders: Sequence[str] = ()) -> Corpus:
    """Load the files asked for, checked against the ids of the context; names below the incidents folder (or a folder asked for) are checked."""
    from .load import load_corpus

    roots = [config.incidents_path, *(Path(p) for p in folders if Path(p).is_dir())]
    return load_corpus(files, settings, base=Path.cwd(), docs_dir=config.docs_dir, roots=roots, consulted=context)


# --- output formats ---------------------------------------------------------------------------


def _use_colour() -> bool:
    return sys.stdout.isatty() and not os.environ.get("NO_COLOR")


_COLOURS = {"error": "\033[1;31m", "warning": "\033[1;33m"}
_RESET = "\033[0m"


def github_escape_data(text: str) -> str:
    """GitHub workflow commands: escape a message."""
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def github_escape_property(text: str) -> str:
    """GitHub workflow commands: escape a property value (also ':' and ',')."""
    return github_escape_data(text).replace(":", "%3A").replace(",", "%2C")


def github_line(problem: Problem) -> str:
    """``::error file=...,line=...,col=...,title=...::message``: an annotation on the pull request's diff.

    File, field and message are escaped twice over: :func:`printable` first (no
    control character, separator or bidi override survives), then GitHub's own
    escaping, so nothing an author wrote can end the command or start another.
    """
    code = f" {problem.code}" if problem.code else ""
    field = printable(problem.field)
    title = f"pmsite{code}: {field or 'file'}"
    props = ",".join(
        f"{key}={github_escape_property(str(value))}"
        for key, value in (("file", printable(problem.file)), ("line", problem.line), ("col", problem.column), ("title", title))
    )
    message = f"{field}: {printable(problem.message)}" if field else printable(problem.message)
    return f"::{problem.level} {props}::{github_escape_data(message)}"


def _plural(n: int, word: str) -> str:
    return f"{n} {word}{'' if n == 1 else 's'}"


def _emit(text: str = "", *, err: bool = False) -> None:
    print(text, file=sys.stderr if err else sys.stdout)


# --- validate ---------------------------------------------------------------------------------


def cmd_validate(args: argparse.Namespace) -> int:
    config = load_site_config(args.config_file)
    files, context = _collect(args.paths, config)
    from .checklist import warnings_for

    corpus = _load(files, context, config.settings, config, args.paths)
    wanted = set(files)
    asked = {item.display for item in corpus.loaded if item.path in wanted}
    errors = [p for p in corpus.errors if p.file in asked]
    warnings: list[Problem] = []
    if config.checklist and not args.no_checklist:
        for item in corpus.documents:
            if item.display in asked:
                warnings.extend(warnings_for(item, config.settings))
    warnings.sort(key=lambda p: (p.file, p.line, p.column, p.code, p.field, p.message))
    problems = sorted([*errors, *warnings], key=lambda p: (p.file, p.line, p.column, p.level != "error", p.code, p.field))
    summary = (
        f"{_plural(len(errors), 'error')}, {_plural(len(warnings), 'warning')} in "
        f"{_plural(len({p.file for p in problems}), 'file')} (checked {_plural(len(files), 'file')})"
        if problems
        else f"OK: {_plural(len(files), 'file')}, no problems"
    )
    if args.format == "json":
        payload = {
            "files_checked": len(files),
            "errors": [p.as_dict() for p in errors],
            "warnings": [p.as_dict() for p in warnings],
        }
        _emit(json.dumps(payload, indent=2, ensure_ascii=False))
    elif args.format == "github":
        for problem in problems:
            _emit(github_line(problem))
        _emit(f"pmsite: {summary}", err=True)
    else:
        colour = _use_colour()
        for problem in problems:
            word = f"{_COLOURS[problem.level]}{problem.level}{_RESET}" if colour else problem.level
            _emit(f"{word}: {problem.format()}")
        _emit(summary)
    if errors or (args.strict and warnings):
        return EXIT_PROBLEMS
    return EXIT_OK


# --- schema -----------------------------------------------------------------------------------


def cmd_schema(args: argparse.Namespace) -> int:
    config = load_site_config(args.config_file)
    target = Path(args.output) if args.output and args.output != "-" else None
    if target is not None and not target.parent.is_dir():
        raise UsageError(f"no such folder: {target.parent}")
    from .schema import schema_text

    text = schema_text(config.settings)
    if target is None:
        sys.stdout.write(text)
        return EXIT_OK
    try:
        target.write_text(text, encoding="utf-8")
    except OSError as exc:
        raise CommandError(f"cannot write {target}: {exc.strerror or exc}") from None
    _emit(f"wrote {target}", err=True)
    return EXIT_OK


# --- new --------------------------------------------------------------------------------------


def _ask(prompt: str) -> str:
    try:
        return input(prompt).strip()
    except EOFError:
        raise UsageError("no answer (end of input)") from None


def cmd_new(args: argparse.Namespace) -> int:
    config = load_site_config(args.config_file)
    settings = config.settings
    title: str | None = args.title
    severity: str | None = args.severity
    services: list[str] = [s for s in args.service or [] if s.strip()]
    if sys.stdin.isatty() and sys.stdout.isatty():
        if not title:
            title = _ask("Title (one line: what happened, not who): ")
        if severity is None:
            levels = ", ".join(f"{k} = {v}" for k, v in settings.severities.items())
            severity = _ask(f"Severity ({levels}) [{list(settings.severities)[-1]}]: ") or None
        if not services:
            services = [s.strip() for s in _ask("Affected services (comma-separated): ").split(",") if s.strip()]
    if not title or not title.strip():
        raise UsageError("--title is required (run it in a terminal to be asked)")
    from .scaffold import ScaffoldConflict, scaffold

    folder = Path(args.dir) if args.dir else config.incidents_path
    known = [config.incidents_path] if config.incidents_path.is_dir() else []
    try:
        path = scaffold(
            folder,
            title=title,
            severity=severity,
            services=services,
            day=args.date or dt.date.today(),
            settings=settings,
            doc_id=args.id,
            schema_file=config.base / "schema" / "postmortem.schema.json",
            search=known,
        )
    except ValueError as exc:
        raise UsageError(str(exc)) from None
    except ScaffoldConflict as exc:
        raise CommandError(str(exc)) from None
    except OSError as exc:
        raise CommandError(f"cannot write the new file: {exc.strerror or exc}") from None
    _emit(f"created {_shown(path)}")
    _emit(f"next: fill it in, then run: pmsite validate {_shown(path)}", err=True)
    return EXIT_OK


def _shown(path: Path) -> str:
    try:
        return path.resolve().relative_to(Path.cwd().resolve()).as_posix()
    except ValueError:
        return str(path)


# --- actions ----------------------------------------------------------------------------------

ACTION_COLUMNS = ("incident", "action", "priority", "due", "days_overdue", "status", "owner", "description", "services")
_MD_LINK = re.compile(r"!?\[([^\]]*)\]\([^)]*\)")
_MD_MARKS = re.compile(r"(\*\*|__|\*|`|~~)")


def plain_first_line(markdown: str) -> str:
    """The first non-empty line of a Markdown text, without its markup: for tables and CSV."""
    line = next((ln.strip() for ln in markdown.splitlines() if ln.strip()), "")
    line = re.sub(r"^(#{1,6}\s+|[-*+]\s+|\d+[.)]\s+|>\s*)", "", line)
    line = _MD_LINK.sub(r"\1", line)
    line = re.sub(r"<(https?://[^>]+)>", r"\1", line)
    line = _MD_MARKS.sub("", line)
    return " ".join(line.split())


def _action_rows(args: argparse.Namespace, corpus: Corpus, settings: Settings) -> list[dict[str, Any]]:
    from .analyse import build_knowledge_base
    from .settings import CLOSED_STATUSES

    kb = build_knowledge_base([(i.document, i.source_uri) for i in corpus.documents if i.document], settings)
    order = {p: n for n, p in enumerate(settings.priorities)}
    rows: list[dict[str, Any]] = []
    for inc in kb.incidents:
        for action in inc.actions:
            item = action.item
            if not args.all and item.status in CLOSED_STATUSES:
                continue
            if args.overdue and not action.overdue:
                continue
            if args.owner and item.owner.strip().casefold() != args.owner.strip().casefold():
                continue
            if args.priority and item.priority != args.priority:
                continue
            if args.service and args.service not in inc.doc.services:
                continue
            rows.append({
                "incident": inc.id,
                "action": action.id,
                "priority": item.priority,
                "due": item.due.isoformat(),
                "days_overdue": action.days_late,
                "status": item.status,
                "owner": item.owner,
                "description": plain_first_line(item.description),
                "services": list(inc.doc.services),
            })
    rows.sort(key=lambda r: (order.get(r["priority"], len(order)), r["due"], r["incident"], r["action"]))
    return rows


def _cell(row: dict[str, Any], column: str) -> str:
    """One cell as a single line of text (a table row never spans lines, whatever a value holds)."""
    value = row[column]
    text = ", ".join(value) if isinstance(value, list) else str(value)
    return " ".join(text.splitlines()) if any(ch in text for ch in "\r\n\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029") else text


# A spreadsheet runs a cell starting with one of these as a formula (CSV injection).
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def csv_cell(text: str) -> str:
    """A cell that a spreadsheet shows as text: a leading ``'`` before a formula start (also after spaces)."""
    return "'" + text if text.startswith(FORMULA_STARTS) or text.lstrip(" ").startswith(FORMULA_STARTS) else text


_MD_SPECIAL = re.compile(r"([\\`*_\[\]|~])")


def markdown_cell(text: str) -> str:
    """A table cell shown as the text it is: HTML escaped, Markdown punctuation and pipes backslash-escaped."""
    flat = " ".join(text.splitlines())
    return _MD_SPECIAL.sub(r"\\\1", flat.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;"))


def cmd_actions(args: argparse.Namespace) -> int:
    config = load_site_config(args.config_file)
    settings = config.settings
    if args.reference_date:
        settings = dataclasses.replace(settings, reference_date=args.reference_date)
    if args.priority and args.priority not in settings.priorities:
        raise UsageError(f"--priority must be one of {', '.join(settings.priorities)}, got {args.priority!r}")
    files, _ = _collect(args.paths, config)
    corpus = _load(files, [], settings, config, args.paths)
    if corpus.errors:
        for problem in corpus.errors:
            _emit(f"error: {problem.format()}", err=True)
        bad = len({p.file for p in corpus.errors})
        _emit(f"warning: {_plural(bad, 'file')} {'has' if bad == 1 else 'have'} errors; run pmsite validate", err=True)
    rows = _action_rows(args, corpus, settings)
    if args.format == "json":
        _emit(json.dumps(rows, indent=2, ensure_ascii=False))
    elif args.format == "csv":
        out = io.StringIO()
        writer = csv.writer(out, lineterminator="\n", quoting=csv.QUOTE_ALL)
        writer.writerow(ACTION_COLUMNS)
        writer.writerows([csv_cell(_cell(r, c)) for c in ACTION_COLUMNS] for r in rows)
        sys.stdout.write(out.getvalue())
    elif args.format == "markdown":
        _emit("| " + " | ".join(ACTION_COLUMNS) + " |")
        _emit("|" + "---|" * len(ACTION_COLUMNS))
        for r in rows:
            _emit("| " + " | ".join(markdown_cell(_cell(r, c)) for c in ACTION_COLUMNS) + " |")
    else:
        table = [[printable(_cell(r, c)) for c in ACTION_COLUMNS] for r in rows]
        for cells in table:
            d = ACTION_COLUMNS.index("description")
            if len(cells[d]) > 60:
                cells[d] = cells[d][:59] + "…"
        widths = [max([len(c), *(len(cells[i]) for cells in table)]) for i, c in enumerate(ACTION_COLUMNS)]
        for cells in [list(ACTION_COLUMNS), *table]:
            _emit("  ".join(cell.ljust(w) for cell, w in zip(cells, widths)).rstrip())
        overdue = sum(1 for r in rows if r["days_overdue"])
        _emit(f"{_plural(len(rows), 'action item')}, {overdue} overdue (as of {settings.today.isoformat()})")
    return EXIT_OK


# --- demo-corpus ------------------------------------------------------------------------------


def cmd_demo_corpus(args: argparse.Namespace) -> int:
    from .demo import generate

    if args.count < 1:
        raise UsageError("--count must be at least 1")
    written = generate(args.count, args.seed, Path(args.dir), load_site_config(args.config_file).settings)
    _emit(f"wrote {_plural(len(written), 'document')} to {args.dir} (seed {args.seed})")
    return EXIT_OK


# --- entry point ------------------------------------------------------------------------------


def _iso_date(text: str) -> dt.date:
    from .settings import parse_date

    try:
        return parse_date(text)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(printable(str(exc))) from None


def build_parser() -> argparse.ArgumentParser:
    # --config-file is accepted before and after the command: `pmsite -f x validate` and `pmsite validate -f x`
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument("-f", "--config-file", type=Path, default=argparse.SUPPRESS,
                        help="the mkdocs.yml to read (default: ./mkdocs.yml when present)")
    parser = argparse.ArgumentParser(prog="pmsite", description="Post-mortem knowledge base tools.")
    parser.add_argument("--version", action="version", version=f"pmsite {__version__}")
    parser.add_argument("-f", "--config-file", type=Path, default=None,
                        help="the mkdocs.yml to read (default: ./mkdocs.yml when present)")
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    def command(name: str, func: Callable[[argparse.Namespace], int], help_text: str) -> argparse.ArgumentParser:
        p = sub.add_parser(name, help=help_text, description=help_text, parents=[common])
        p.set_defaults(func=func)
        return p

    p = command("validate", cmd_validate, "check post-mortem files without building the site")
    p.add_argument("paths", nargs="*", metavar="PATH", help="files or folders (default: the configured incidents folder)")
    p.add_argument("--format", choices=["human", "github", "json"], default="human")
    p.add_argument("--strict", action="store_true", help="fail on checklist warnings too (like mkdocs build --strict)")
    p.add_argument("--no-checklist", action="store_true", help="check the format only, not the quality checklist")

    p = command("schema", cmd_schema, "print the JSON Schema of the format (for editors)")
    p.add_argument("--output", metavar="FILE", help="write to FILE instead of standard output")

    p = command("new", cmd_new, "scaffold a new post-mortem as a draft")
    p.add_argument("--title", help="one line: what happened")
    p.add_argument("--severity", help="a configured severity level (default: the lowest)")
    p.add_argument("--service", action="append", metavar="S", help="an affected service (repeatable)")
    p.add_argument("--id", help="the id (default: INC-<year>-<MMDD>, made unique)")
    p.add_argument("--dir", help="folder to write to (default: the configured incidents folder)")
    p.add_argument("--date", type=_iso_date, help="the incident date, YYYY-MM-DD (default: today)")

    p = command("actions", cmd_actions, "open and overdue action items: the weekly review")
    p.add_argument("paths", nargs="*", metavar="PATH", help="files or folders (default: the configured incidents folder)")
    p.add_argument("--owner", help="only this owner (case-insensitive)")
    p.add_argument("--priority", help="only this priority")
    p.add_argument("--service", help="only incidents that affected this service")
    p.add_argument("--overdue", action="store_true", help="only overdue items")
    p.add_argument("--all", action="store_true", help="include done and wont-do items")
    p.add_argument("--format", choices=["table", "csv", "json", "markdown"], default="table")
    p.add_argument("--reference-date", type=_iso_date, metavar="YYYY-MM-DD",
                   help="compute overdue days against this date (default: the configured one, else today)")

    p = command("demo-corpus", cmd_demo_corpus, "write N realistic synthetic post-mortems (deterministic for a seed)")
    p.add_argument("dir")
    p.add_argument("--count", type=int, default=100)
    p.add_argument("--seed", type=int, default=1)

    p = command("draft", cmd_draft, "start a draft post-mortem from the incident record (PagerDuty, Opsgenie, Slack, CSV)")
    p.add_argument("inputs", nargs="+", metavar="INPUT", help="pagerduty: INCIDENT.json [LOG_ENTRIES.json ...]; "
                   "opsgenie: ALERT.json [LOGS.json ...]; slack: EXPORT_DIR (or its .zip); csv: FILE")
    p.add_argument("--from", dest="source", required=True, choices=["pagerduty", "opsgenie", "slack", "csv"])
    p.add_argument("--channel", help="slack: the incident's channel in the export")
    p.add_argument("--mapping", type=Path, metavar="FILE",
                   help="YAML: the tool's severities, services, teams and people to this site's values and roles")
    p.add_argument("--title", help="one line (default: the record's title)")
    p.add_argument("--severity", help="a configured severity level (default: mapped from the record)")
    p.add_argument("--service", action="append", metavar="S", help="an affected service (repeatable; default: mapped)")
    p.add_argument("--id", help="the id (default: INC-<year>-<MMDD> of the start, made unique)")
    target = p.add_mutually_exclusive_group()
    target.add_argument("--dir", help="folder to write to (default: the configured incidents folder)")
    target.add_argument("-o", "--output", type=Path, metavar="FILE", help="the file to write (never overwritten)")

    # generate and build: builders without plugins (Zensical); the work is in pmsite.generate
    p = command("generate", cmd_generate, "write every generated page and data file as a folder a builder without plugins (Zensical) builds")
    p.add_argument("--out", type=Path, metavar="DIR", help="the folder to write (default: build/pmsite beside mkdocs.yml)")
    p = command("build", cmd_build, "build the site with MkDocs, ProperDocs (the plugin) or Zensical (pmsite generate first)")
    p.add_argument("--with", dest="builder", choices=["mkdocs", "properdocs", "zensical"], default="mkdocs")
    p.add_argument("--out", type=Path, metavar="DIR", help="zensical: the folder pmsite generate writes (default: build/pmsite)")
    p.add_argument("--strict", action="store_true", help="fail on warnings (pmsite's checklist and the builder's)")
    return parser


def cmd_generate(args: argparse.Namespace) -> int:
    from .generate import Failed, generate

    try:
        generate(args.config_file, args.out)
    except Failed:
        return EXIT_PROBLEMS
    return EXIT_OK


def cmd_build(args: argparse.Namespace) -> int:
    from .generate import Failed, build

    try:
        build(args.config_file, args.builder, out=args.out, strict=args.strict)
    except Failed:
        return EXIT_PROBLEMS
    return EXIT_OK


def cmd_draft(args: argparse.Namespace) -> int:
    """The work is in :mod:`pmsite.importers`; here its errors become the CLI's exit statuses."""
    config = load_site_config(args.config_file)
    from .importers import DraftError, DraftUsage, Request, make_draft

    request = Request(
        source=args.source, inputs=[Path(p) for p in args.inputs], channel=args.channel, mapping=args.mapping,
        folder=Path(args.dir) if args.dir else config.incidents_path, output=args.output, title=args.title,
        severity=args.severity, services=args.service or [], doc_id=args.id,
        search=[config.incidents_path] if config.incidents_path.is_dir() else [],
        schema_file=config.base / "schema" / "postmortem.schema.json",
    )
    try:
        result = make_draft(request, config.settings)
    except DraftUsage as exc:
        raise UsageError(str(exc)) from None
    except DraftError as exc:
        raise CommandError(str(exc)) from None
    _emit(f"created {_shown(result.path)}")
    for note in result.notes:
        _emit(f"note: {note}", err=True)
    _emit(f"next: fill in every TODO with the people involved, then run: pmsite validate {_shown(result.path)}", err=True)
    return EXIT_OK


def _error_lines(exc: Exception) -> None:
    """``pmsite: error: ...``, one line per problem, escaped: paths and values may come from anywhere."""
    for line in str(exc).split("\n"):
        print(f"pmsite: error: {printable(line)}", file=sys.stderr)


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)  # usage errors exit 2 here
    try:
        return int(args.func(args))
    except UsageError as exc:
        _error_lines(exc)
        return EXIT_USAGE
    except CommandError as exc:
        _error_lines(exc)
        return EXIT_PROBLEMS
    except BrokenPipeError:  # `pmsite actions | head`
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        return EXIT_PROBLEMS
    except KeyboardInterrupt:
        return 130


if __name__ == "__main__":
    sys.exit(main())
