"""The ``pmsite`` command: validate, scaffold, export the schema, review actions, make demo corpora.

It reads the same ``mkdocs.yml`` options as the plugin and the same model and
messages, so a file that passes ``pmsite validate`` builds, and the errors are
the very lines the build prints (after its ``pmsite: `` prefix).

Exit status: 0 when all is well, 1 when files have errors (or warnings under
``--strict``), 2 for usage problems (bad arguments, a missing path or
configuration file).
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import sys
from collections.abc import Callable, Sequence
from pathlib import Path

from pmsite import __version__
from pmsite.authoring.importers.registry import SOURCES
from pmsite.errors import EXIT_PROBLEMS, BuildFailed, PmsiteError
from pmsite.frontends.cli.actions import cmd_actions
from pmsite.frontends.cli.authoring import cmd_demo_corpus, cmd_draft, cmd_new, cmd_schema
from pmsite.frontends.cli.builders import cmd_build, cmd_generate
from pmsite.frontends.cli.reporting import error_lines
from pmsite.frontends.cli.validate import cmd_validate
from pmsite.problems import printable

# --- entry point ------------------------------------------------------------------------------


def _iso_date(text: str) -> dt.date:
    from pmsite.settings import parse_configured_date

    try:
        return parse_configured_date(text)
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
    p.add_argument("--format", choices=["human", "github", "json", "markdown"], default="human",
                   help="markdown: for a job summary or a pull-request comment")
    p.add_argument("--strict", action="store_true", help="fail on checklist warnings too (like mkdocs build --strict)")
    p.add_argument("--no-checklist", action="store_true", help="check the format only, not the quality checklist")
    p.add_argument("--no-similar", action="store_true",
                   help="list no similar published incidents for the files named, and keep no cache of the knowledge base")

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
                   "opsgenie: ALERT.json [LOGS.json, NOTES.json, RECIPIENTS.json ...]; slack: EXPORT_DIR (or its .zip); csv: FILE")
    p.add_argument("--from", dest="source", required=True, choices=SOURCES)
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
    from pmsite.frontends.cli.tickets import add_parser as add_tickets  # tickets plan | apply | sync (issue 23)

    add_tickets(sub, [common])
    return parser



def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)  # usage errors exit 2 here
    try:
        return int(args.func(args))
    except BuildFailed:  # the build printed its problems as it found them
        return EXIT_PROBLEMS
    except PmsiteError as exc:  # a usage error (exit 2) or a command that could not do its work (exit 1)
        error_lines(exc)
        return exc.exit_status
    except BrokenPipeError:  # `pmsite actions | head`
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        return EXIT_PROBLEMS
    except KeyboardInterrupt:
        return 130



if __name__ == "__main__":
    sys.exit(main())
