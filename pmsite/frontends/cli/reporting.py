"""What the CLI prints: problems for a terminal or GitHub, and tables as text, CSV or Markdown."""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import Any

from pmsite.problems import Problem, printable

# --- output formats ---------------------------------------------------------------------------


def use_colour() -> bool:
    return sys.stdout.isatty() and not os.environ.get("NO_COLOR")



COLOURS = {"error": "\033[1;31m", "warning": "\033[1;33m"}

RESET = "\033[0m"



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



def github_notice(file: str, line: int, title: str, message: str) -> str:
    """``::notice file=...,line=...,title=...::message``: a note on the pull request's diff, escaped as
    :func:`github_line` escapes a problem (author text can neither end the command nor start another)."""
    props = ",".join(f"{key}={github_escape_property(str(value))}"
                     for key, value in (("file", printable(file)), ("line", line), ("title", printable(title))))
    body = "\n".join(printable(part) for part in message.split("\n"))
    return f"::notice {props}::{github_escape_data(body)}"



def emit(text: str = "", *, err: bool = False) -> None:
    print(text, file=sys.stderr if err else sys.stdout)



def shown_path(path: Path) -> str:
    try:
        return path.resolve().relative_to(Path.cwd().resolve()).as_posix()
    except ValueError:
        return str(path)


def cell(row: dict[str, Any], column: str) -> str:
    """One cell as a single line of text (a table row never spans lines, whatever a value holds)."""
    value = row[column]
    text = ", ".join(value) if isinstance(value, list) else str(value)
    return " ".join(text.splitlines()) if any(ch in text for ch in "\r\n\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029") else text



# A spreadsheet runs a cell starting with one of these as a formula (CSV injection).
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")



def csv_cell(text: str) -> str:
    """A cell that a spreadsheet shows as text: a leading ``'`` before a formula start (also after spaces)."""
    return "'" + text if text.startswith(FORMULA_STARTS) or text.lstrip(" ").startswith(FORMULA_STARTS) else text




def error_lines(exc: Exception) -> None:
    """``pmsite: error: ...``, one line per problem, escaped: paths and values may come from anywhere."""
    for line in str(exc).split("\n"):
        print(f"pmsite: error: {printable(line)}", file=sys.stderr)
