"""Problems found in post-mortem files, located like a compiler's diagnostics."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal


@dataclass(frozen=True, order=True)
class Problem:
    """One error or warning, pointing at a file, a line, a column and a field path."""

    file: str
    line: int
    column: int
    field: str
    message: str
    level: Literal["error", "warning"] = "error"
    code: str = ""

    def format(self) -> str:
        """``file:line:col: field: message`` -- the shape editors and CI logs understand."""
        where = f"{self.file}:{self.line}:{self.column}"
        code = f"{self.code} " if self.code else ""
        field = f"{self.field}: " if self.field else ""
        return f"{where}: {code}{field}{self.message}"

    def as_dict(self) -> dict[str, object]:
        return {
            "file": self.file,
            "line": self.line,
            "column": self.column,
            "field": self.field,
            "message": self.message,
            "level": self.level,
            "code": self.code,
        }


def field_path(loc: tuple[str | int, ...]) -> str:
    """Render a location tuple as ``action_items[2].due``."""
    out = ""
    for part in loc:
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            out += f".{part}" if out else str(part)
    return out


def summarise(problems: list[Problem]) -> str:
    """``3 errors in 2 files`` -- the one line that ends a failed build."""
    errors = [p for p in problems if p.level == "error"]
    files = {p.file for p in errors}
    e, f = len(errors), len(files)
    return f"{e} error{'s' if e != 1 else ''} in {f} file{'s' if f != 1 else ''}"
