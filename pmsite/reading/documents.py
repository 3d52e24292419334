"""One file read and validated: the document when valid, and every problem found in it, located."""

from __future__ import annotations

import difflib
import hashlib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from pmsite.format.document import Document, Loc, document_rules
from pmsite.format.reference import nested_model
from pmsite.problems import Problem, field_path
from pmsite.reading.files import name_problem, read_source
from pmsite.reading.yaml_source import Positions, YamlProblem, parse_yaml
from pmsite.settings import Settings


@dataclass
class Loaded:
    """One file's outcome: the document when valid, and every problem found in it."""

    path: Path
    display: str
    document: Document | None
    _positions: Positions | None
    problems: list[Problem]
    source_uri: str = ""  # path relative to the docs folder, for edit links
    raw_id: str = ""  # the id as written, even when the document is invalid
    max_depth: int = 20
    max_bytes: int = 1024 * 1024
    root: Path | None = None  # the incidents folder: links may point inside it only
    digest: str = ""  # of the bytes read: tells a preview which pages an edit changed
    # Where each action's status is, kept from the first parse of a valid file: a tracker's sync can make every
    # action's status a warning (PM114), and finding its line by parsing each file again cost seconds at 10,000.
    statuses: dict[Loc, tuple[int, int]] = field(default_factory=dict)

    def where(self, loc: Loc) -> tuple[int, int]:
        """The line and column of a value, from what the first parse kept when it can."""
        return self.statuses.get(tuple(loc)) or self.positions.of(loc)

    @property
    def positions(self) -> Positions:
        """Where each value is. Kept only for files with errors; re-read on demand for the rare
        warning or cross-file error in a valid file (at 10,000 files they would cost ~700 MB)."""
        if self._positions is None:
            try:
                self._positions = parse_yaml(read_source(self.path, self.max_bytes, self.root), max_depth=self.max_depth)[1]
            except (OSError, YamlProblem):
                self._positions = Positions()
        return self._positions



def _expectation(err: dict[str, Any], model_fields: list[str]) -> str:
    kind = err["type"]
    if kind == "missing":
        return "required field is missing"
    if kind == "extra_forbidden":
        name = str(err["loc"][-1])
        close = difflib.get_close_matches(name, model_fields, n=1)
        hint = f"; did you mean {close[0]!r}?" if close else f"; expected one of: {', '.join(model_fields)}"
        return f"unknown field{hint}"
    msg = str(err["msg"])
    if kind.startswith("pmsite") or msg.startswith("expected"):
        return msg
    return f"expected a valid value: {msg[0].lower() + msg[1:]}"



def _fields_at(loc: Loc) -> list[str]:
    """The field names allowed at the mapping that contains ``loc``'s last key."""
    model: Any = Document
    for part in loc[:-1]:
        if isinstance(part, int):
            continue
        info = model.model_fields.get(part) if hasattr(model, "model_fields") else None
        if info is None:
            return []
        nxt = nested_model(info.annotation)
        if nxt is None:
            return []
        model = nxt
    return list(model.model_fields)



def validate_data(data: dict[str, Any], positions: Positions, display: str, settings: Settings) -> tuple[Document | None, list[Problem]]:
    """Run the model and the document rules over parsed data."""
    problems: list[Problem] = []
    try:
        doc = Document.model_validate(data, context={"settings": settings})
    except ValidationError as exc:
        for err in exc.errors(include_url=False):
            loc = tuple(err["loc"])
            is_key = err["type"] == "extra_forbidden"
            line, col = positions.of(loc, key=is_key)
            problems.append(Problem(display, line, col, field_path(loc), _expectation(dict(err), _fields_at(loc))))
        return None, sorted(problems)
    for loc, message in document_rules(doc, settings):
        line, col = positions.of(loc)
        problems.append(Problem(display, line, col, field_path(loc), message))
    return (doc if not problems else None), problems



def load_file(
    path: Path, settings: Settings, *, display: str | None = None, root: Path | None = None, link_root: Path | None = None
) -> Loaded:
    """Read and validate one file. Never raises for bad content.

    ``root`` is the incidents folder: every folder and file name below it is
    checked (without it, only the file's own name), and links may point only
    inside it (or inside ``link_root`` when there is no root; else the file's own folder).
    """
    shown = display or str(path)

    raw = b""

    def outcome(doc: Document | None, positions: Positions | None, problems: list[Problem], raw_id: str = "",
                statuses: dict[Loc, tuple[int, int]] | None = None) -> Loaded:
        return Loaded(path, shown, doc, positions, problems, raw_id=raw_id, max_depth=settings.max_depth,
                      max_bytes=settings.max_file_bytes, root=root or link_root,
                      digest=hashlib.blake2b(raw, digest_size=16).hexdigest(), statuses=statuses or {})

    named = name_problem(path, root)
    name_problems = [Problem(shown, 1, 1, "", named)] if named else []
    try:
        raw = read_source(path, settings.max_file_bytes, root or link_root)
        data, positions = parse_yaml(raw, max_depth=settings.max_depth)
    except YamlProblem as exc:
        return outcome(None, Positions(), [*name_problems, Problem(shown, exc.line, exc.column, field_path(exc.loc), exc.message)])
    except OSError as exc:
        reason = f"expected a readable file: {exc.strerror or 'it cannot be read'}"
        return outcome(None, Positions(), [*name_problems, Problem(shown, 1, 1, "", reason)])
    doc, problems = validate_data(data, positions, shown, settings)
    problems = [*name_problems, *problems]
    raw_id = data.get("id")
    statuses: dict[Loc, tuple[int, int]] = {
        loc: at for loc, at in positions.values.items() if len(loc) == 3 and loc[0] == "action_items" and loc[2] == "status"}
    return outcome(doc if not problems else None, positions if problems else None, problems,
                   raw_id if isinstance(raw_id, str) else "", statuses)



class FileCache:
    """Parsed files kept between rebuilds of ``mkdocs serve``: an edit re-reads only that file."""

    def __init__(self) -> None:
        self._entries: dict[Path, tuple[tuple[int, ...], Settings, Loaded]] = {}
        self.misses = 0

    def load(
        self, path: Path, settings: Settings, display: str, *, root: Path | None = None, link_root: Path | None = None
    ) -> Loaded:
        def fresh() -> Loaded:
            return load_file(path, settings, display=display, root=root, link_root=link_root)

        try:
            link, st = path.lstat(), path.stat()  # a link re-pointed at another file is a change too
            stamp = (link.st_mtime_ns, link.st_ino, st.st_mtime_ns, st.st_size, st.st_ino)
        except OSError:
            return fresh()
        cached = self._entries.get(path)
        if cached and cached[0] == stamp and cached[1] == settings and (cached[2].display, cached[2].root) == (display, root or link_root):
            return cached[2]
        self.misses += 1
        loaded = fresh()
        self._entries[path] = (stamp, settings, loaded)
        return loaded
