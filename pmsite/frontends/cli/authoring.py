"""``pmsite new``, ``draft``, ``schema`` and ``demo-corpus``: files for authors."""

from __future__ import annotations

import argparse
import datetime as dt
import sys
from pathlib import Path

from pmsite.errors import EXIT_OK, CommandError, UsageError
from pmsite.frontends.cli.files import site_config
from pmsite.frontends.cli.reporting import emit, shown_path
from pmsite.text import plural

# --- schema -----------------------------------------------------------------------------------


def cmd_schema(args: argparse.Namespace) -> int:
    config = site_config(args)
    target = Path(args.output) if args.output and args.output != "-" else None
    if target is not None and not target.parent.is_dir():
        raise UsageError(f"no such folder: {target.parent}")
    from pmsite.authoring.schema import schema_text

    text = schema_text(config.settings)
    if target is None:
        sys.stdout.write(text)
        return EXIT_OK
    try:
        target.write_text(text, encoding="utf-8")
    except OSError as exc:
        raise CommandError(f"cannot write {target}: {exc.strerror or exc}") from None
    emit(f"wrote {target}", err=True)
    return EXIT_OK



# --- new --------------------------------------------------------------------------------------


def _ask(prompt: str) -> str:
    try:
        return input(prompt).strip()
    except EOFError:
        raise UsageError("no answer (end of input)") from None



def cmd_new(args: argparse.Namespace) -> int:
    config = site_config(args)
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
    from pmsite.authoring.scaffold import ScaffoldConflict, scaffold

    folder = Path(args.dir) if args.dir else config.incidents_path
    known = [config.incidents_path] if config.incidents_path.is_dir() else []
    try:
        written = scaffold(
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
    emit(f"created {shown_path(written.path)}")
    for note in written.notes:
        emit(f"note: {note}", err=True)
    emit(f"next: fill it in, then run: pmsite validate {shown_path(written.path)}", err=True)
    return EXIT_OK



# --- demo-corpus ------------------------------------------------------------------------------


def cmd_demo_corpus(args: argparse.Namespace) -> int:
    from pmsite.authoring.demo import generate

    if args.count < 1:
        raise UsageError("--count must be at least 1")
    written = generate(args.count, args.seed, Path(args.dir), site_config(args).settings)
    emit(f"wrote {plural(len(written), 'document')} to {args.dir} (seed {args.seed})")
    return EXIT_OK



def cmd_draft(args: argparse.Namespace) -> int:
    """The work is in :mod:`pmsite.authoring.importers`; its errors carry the CLI's exit statuses."""
    config = site_config(args)
    from pmsite.authoring.importers.draft import make_draft
    from pmsite.authoring.importers.record import Request

    request = Request(
        source=args.source, inputs=[Path(p) for p in args.inputs], channel=args.channel, mapping=args.mapping,
        folder=Path(args.dir) if args.dir else config.incidents_path, output=args.output, title=args.title,
        severity=args.severity, services=args.service or [], doc_id=args.id,
        search=[config.incidents_path] if config.incidents_path.is_dir() else [],
        schema_file=config.base / "schema" / "postmortem.schema.json",
    )
    result = make_draft(request, config.settings)
    emit(f"created {shown_path(result.path)}")
    for note in result.notes:
        emit(f"note: {note}", err=True)
    emit(f"next: fill in every TODO with the people involved, then run: pmsite validate {shown_path(result.path)}", err=True)
    return EXIT_OK
