"""Problems found in post-mortem files, located like a compiler's diagnostics.

Everything in a problem may come from an author: the file name, a YAML key in
the field path, a quoted value in the message. So every way a problem leaves
the program (:meth:`Problem.format`, :meth:`Problem.as_dict`, the CLI's GitHub
annotations) goes through :func:`printable`, and quoted values go through
:func:`excerpt`: a key holding an escape sequence or a newline can never forge
an ``ERROR - pmsite:`` line, recolour a terminal or start a workflow command,
and a symlinked ``/etc/passwd`` is never echoed whole.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Literal

EXCERPT_CHARS = 60
_PLAIN_KEY = re.compile(r"[A-Za-z_][A-Za-z0-9_-]{0,63}")


def _escape_char(ch: str) -> str:
    code = ord(ch)
    if code <= 0xFF:
        return f"\\x{code:02x}"
    if code <= 0xFFFF:
        return f"\\u{code:04x}"
    return f"\\U{code:08x}"


def printable(text: str) -> str:
    r"""``text`` with every character a terminal or log could act on written as an escape.

    Control characters (C0, DEL, C1), line and paragraph separators, format
    characters such as bidi overrides, and unassigned or private code points
    become ``\x1b``-style escapes; letters in any script, spaces and emoji stay.
    """
    if text.isprintable():
        return text
    return "".join(ch if ch.isprintable() or ch == " " else _escape_char(ch) for ch in text)


def excerpt(value: str, limit: int = EXCERPT_CHARS) -> str:
    """A quoted, escaped excerpt of an author's value: at most ``limit`` characters of it."""
    short = value if len(value) <= limit else value[: limit - 3] + "..."
    return repr(short)


@dataclass(frozen=True, order=True)
class Problem:
    """One error or warning, pointing at a file, a line, a column and a field path.

    The fields hold what was found (the file's name as on disk); the output
    methods escape it.
    """

    file: str
    line: int
    column: int
    field: str
    message: str
    level: Literal["error", "warning"] = "error"
    code: str = ""

    def format(self) -> str:
        """``file:line:col: field: message`` -- the shape editors and CI logs understand, escaped."""
        where = f"{printable(self.file)}:{self.line}:{self.column}"
        code = f"{self.code} " if self.code else ""
        field = f"{printable(self.field)}: " if self.field else ""
        return f"{where}: {code}{field}{printable(self.message)}"

    def as_dict(self) -> dict[str, object]:
        """The problem as JSON-ready data, escaped like :meth:`format` so every output agrees."""
        return {
            "file": printable(self.file),
            "line": self.line,
            "column": self.column,
            "field": printable(self.field),
            "message": printable(self.message),
            "level": self.level,
            "code": self.code,
        }


def field_path(loc: tuple[str | int, ...]) -> str:
    """Render a location tuple as ``action_items[2].due``.

    A key that is not a plain name (an unknown key an author wrote, with
    spaces, quotes or control characters) is shown as a quoted excerpt,
    ``impact['odd key']``, so the path stays one short, unambiguous line.
    """
    out = ""
    for part in loc:
        if isinstance(part, int):
            out += f"[{part}]"
        elif _PLAIN_KEY.fullmatch(part):
            out += f".{part}" if out else part
        else:
            out += f"[{excerpt(part, 40)}]"
    return out


def summarise(problems: list[Problem]) -> str:
    """``3 errors in 2 files`` -- the one line that ends a failed build."""
    errors = [p for p in problems if p.level == "error"]
    files = {p.file for p in errors}
    e, f = len(errors), len(files)
    return f"{e} error{'s' if e != 1 else ''} in {f} file{'s' if f != 1 else ''}"
