"""``pmsite validate``: check post-mortem files without building the site."""

from __future__ import annotations

import argparse
import json
from pathlib import Path

from pmsite.errors import EXIT_OK, EXIT_PROBLEMS
from pmsite.frontends.cli.files import files_to_check, load_checked, site_config
from pmsite.frontends.cli.reporting import COLOURS, RESET, emit, github_line, use_colour
from pmsite.problems import Problem
from pmsite.reading.files import display_path
from pmsite.text import plural

# --- validate ---------------------------------------------------------------------------------


def cmd_validate(args: argparse.Namespace) -> int:
    config = site_config(args)
    files, context = files_to_check(args.paths, config)
    from pmsite.analysis.checklist import warnings_for
    from pmsite.analysis.tickets import read_ticket_states

    corpus = load_checked(files, context, config.settings, config, args.paths)
    wanted = set(files)
    asked = {item.display for item in corpus.loaded if item.path in wanted}
    errors = [p for p in corpus.errors if p.file in asked]
    warnings: list[Problem] = []
    tickets = read_ticket_states(config.settings.tracker, config.base, config.docs_dir)  # what the last sync read
    state_file = display_path(tickets.path, Path.cwd()) if tickets.path else "mkdocs.yml"
    if tickets.error:
        errors.append(Problem(state_file, 1, 1, "", tickets.error))
    if tickets.warning:
        warnings.append(Problem(state_file, 1, 1, "", tickets.warning, "warning"))
    if config.checklist and not args.no_checklist:
        for item in corpus.documents:
            if item.display in asked:
                warnings.extend(warnings_for(item, config.settings, tickets=tickets.states))
    warnings.sort(key=lambda p: (p.file, p.line, p.column, p.code, p.field, p.message))
    problems = sorted([*errors, *warnings], key=lambda p: (p.file, p.line, p.column, p.level != "error", p.code, p.field))
    summary = (
        f"{plural(len(errors), 'error')}, {plural(len(warnings), 'warning')} in "
        f"{plural(len({p.file for p in problems}), 'file')} (checked {plural(len(files), 'file')})"
        if problems
        else f"OK: {plural(len(files), 'file')}, no problems"
    )
    if args.format == "json":
        payload = {
            "files_checked": len(files),
            "errors": [p.as_dict() for p in errors],
            "warnings": [p.as_dict() for p in warnings],
        }
        emit(json.dumps(payload, indent=2, ensure_ascii=False))
    elif args.format == "github":
        for problem in problems:
            emit(github_line(problem))
        emit(f"pmsite: {summary}", err=True)
    else:
        colour = use_colour()
        for problem in problems:
            word = f"{COLOURS[problem.level]}{problem.level}{RESET}" if colour else problem.level
            emit(f"{word}: {problem.format()}")
        emit(summary)
    if errors or (args.strict and warnings):
        return EXIT_PROBLEMS
    return EXIT_OK
