"""``pmsite actions``: open and overdue action items, the weekly review in a terminal."""

from __future__ import annotations

import argparse
import csv
import dataclasses
import io
import json
import sys
from typing import TYPE_CHECKING, Any

from pmsite.errors import EXIT_OK, UsageError
from pmsite.frontends.cli.files import files_to_check, load_checked, site_config
from pmsite.frontends.cli.reporting import cell, csv_cell, emit
from pmsite.problems import printable
from pmsite.settings import Settings
from pmsite.text import markdown_cell, plain_text, plural

if TYPE_CHECKING:
    from pmsite.reading.corpus import Corpus

# --- actions ----------------------------------------------------------------------------------

ACTION_COLUMNS = ("incident", "action", "priority", "due", "days_overdue", "status", "owner", "description", "services")



def _action_rows(args: argparse.Namespace, corpus: Corpus, settings: Settings) -> list[dict[str, Any]]:
    from pmsite.analysis.actions import review_order
    from pmsite.analysis.knowledge_base import build_knowledge_base

    kb = build_knowledge_base([(i.document, i.source_uri) for i in corpus.documents if i.document], settings)
    rows: list[dict[str, Any]] = []
    for action in review_order((a for inc in kb.incidents for a in inc.actions), settings.priorities):
        inc, item = action.incident, action.item
        if not args.all and not action.open:
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
            "status": action.status,
            "owner": item.owner,
            "description": plain_text(item.description, first_line=True),
            "services": list(inc.doc.services),
        })
    return rows



def cmd_actions(args: argparse.Namespace) -> int:
    config = site_config(args)
    settings = config.settings
    if args.reference_date:
        settings = dataclasses.replace(settings, reference_date=args.reference_date)
    if args.priority and args.priority not in settings.priorities:
        raise UsageError(f"--priority must be one of {', '.join(settings.priorities)}, got {args.priority!r}")
    files, _ = files_to_check(args.paths, config)
    corpus = load_checked(files, [], settings, config, args.paths)
    if corpus.errors:
        for problem in corpus.errors:
            emit(f"error: {problem.format()}", err=True)
        bad = len({p.file for p in corpus.errors})
        emit(f"warning: {plural(bad, 'file')} {'has' if bad == 1 else 'have'} errors; run pmsite validate", err=True)
    rows = _action_rows(args, corpus, settings)
    if args.format == "json":
        emit(json.dumps(rows, indent=2, ensure_ascii=False))
    elif args.format == "csv":
        out = io.StringIO()
        writer = csv.writer(out, lineterminator="\n", quoting=csv.QUOTE_ALL)
        writer.writerow(ACTION_COLUMNS)
        writer.writerows([csv_cell(cell(r, c)) for c in ACTION_COLUMNS] for r in rows)
        sys.stdout.write(out.getvalue())
    elif args.format == "markdown":
        emit("| " + " | ".join(ACTION_COLUMNS) + " |")
        emit("|" + "---|" * len(ACTION_COLUMNS))
        for r in rows:
            emit("| " + " | ".join(markdown_cell(cell(r, c)) for c in ACTION_COLUMNS) + " |")
    else:
        table = [[printable(cell(r, c)) for c in ACTION_COLUMNS] for r in rows]
        for cells in table:
            d = ACTION_COLUMNS.index("description")
            if len(cells[d]) > 60:
                cells[d] = cells[d][:59] + "…"
        widths = [max([len(c), *(len(cells[i]) for cells in table)]) for i, c in enumerate(ACTION_COLUMNS)]
        for cells in [list(ACTION_COLUMNS), *table]:
            emit("  ".join(cell.ljust(w) for cell, w in zip(cells, widths)).rstrip())
        overdue = sum(1 for r in rows if r["days_overdue"])
        emit(f"{plural(len(rows), 'action item')}, {overdue} overdue (as of {settings.today.isoformat()})")
    return EXIT_OK
