"""What a command reads: the site's configuration, and the files asked for, checked against the rest of the knowledge base."""

from __future__ import annotations

import os
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from pmsite.errors import UsageError
from pmsite.frontends.cli.reporting import emit
from pmsite.frontends.siteconfig import SiteConfig, read_site_config
from pmsite.problems import printable
from pmsite.settings import Settings

if TYPE_CHECKING:
    import argparse

    from pmsite.reading.corpus import Corpus


def site_config(args: argparse.Namespace) -> SiteConfig:
    """The site's configuration (``-f``, else ./mkdocs.yml), its warnings printed as MkDocs prints them."""
    config = read_site_config(args.config_file)
    for warning in config.warnings:
        emit(f"pmsite: warning: {printable(warning)}", err=True)
    return config



def is_inside(path: Path, folder: Path) -> bool:
    from pmsite.reading.files import relative_path

    return relative_path(path, folder) is not None



def files_to_check(args_paths: Sequence[str], config: SiteConfig) -> tuple[list[Path], list[Path]]:
    """The files asked for, and the rest of the knowledge base they are checked against.

    Files inside the configured incidents folder (pre-commit passes only the
    changed ones) are checked together with every other file of that folder,
    so a ``related`` id or a duplicate id in an unchanged file is seen.
    """
    roots = [Path(p) for p in args_paths] or [config.incidents_path]
    for root in roots:  # before importing the model: a usage error answers at once
        if not root.exists():
            raise UsageError(f"no such file or folder: {root}")
    from pmsite.reading.files import discover

    files: list[Path] = []
    skipped: list[Path] = []
    for root in roots:
        if root.is_dir():
            files.extend(discover(root, skipped))
        elif root.is_file():
            files.append(root)
        else:
            raise UsageError(f"no such file or folder: {root}")
    if skipped:
        from pmsite.reading.files import display_path
        from pmsite.site.publishing import ignored_note

        emit(f"note: {printable(ignored_note(sorted(display_path(p, Path.cwd()) for p in skipped)))}", err=True)
    unique: dict[str, Path] = {}
    for f in files:  # each file once, however it is written (a link is a file of its own)
        unique.setdefault(os.path.abspath(f), f)
    files = list(unique.values())
    incidents = config.incidents_path
    context: list[Path] = []
    if args_paths and incidents.is_dir() and all(is_inside(f, incidents) for f in files):
        asked = set(unique)
        context = [f for f in discover(incidents) if os.path.abspath(f) not in asked]
    return sorted(files), context



def load_checked(files: list[Path], context: list[Path], settings: Settings, config: SiteConfig, folders: Sequence[str] = ()) -> Corpus:
    """Load the files asked for, checked against the ids of the context; names below the incidents folder (or a folder asked for) are checked."""
    from pmsite.reading.corpus import load_corpus

    roots = [config.incidents_path, *(Path(p) for p in folders if Path(p).is_dir())]
    return load_corpus(files, settings, base=Path.cwd(), docs_dir=config.docs_dir, roots=roots, consulted=context)
