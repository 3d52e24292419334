"""The files a site holds besides its pages: the data files, the listings' data and pmsite's own CSS and script.

A live preview writes them after the pages are served, one step at a time (it may stop
between two), and keeps each incident's entries of the data files between rebuilds, so the
data files after one edit cost a join, not a serialisation of every incident.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar

from pmsite.analysis.incidents import Incident
from pmsite.site import outputs
from pmsite.site.builder import SiteBuilder
from pmsite.site.feeds import group_feeds
from pmsite.site.listings import ACTIONS_DATA, CATALOG_DATA
from pmsite.site.markdown import MarkdownRenderer

ASSET_DIR = Path(__file__).parent.parent / "assets"  # pmsite/assets: package data beside the code
ASSET_PREFIX = "assets/pmsite"
ASSETS = ("pmsite.css", "pmsite.js")

T = TypeVar("T")


@dataclass
class DataFile:
    """A non-page output such as ``incidents.json`` or ``feed.xml``."""

    path: str
    content: str

    def write_to(self, folder: Path) -> None:
        target = folder / self.path
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(self.content, encoding="utf-8")


@dataclass
class KeptEntries:
    """Each incident's entries of the data files, by file and incident id, with the key they were made for."""

    files: dict[str, dict[str, tuple[Any, Any]]] = field(default_factory=dict)


class DataFiles:
    """The data files of one build, made on demand."""

    def __init__(self, builder: SiteBuilder, markdown: MarkdownRenderer, site_url: str, site_name: str,
                 kept: KeptEntries | None = None) -> None:
        self.builder = builder
        self.kb = builder.kb
        self.markdown = markdown
        self.site_url = site_url
        self.site_name = site_name
        self._kept = kept

    def makers(self) -> list[tuple[str, Callable[[], str]]]:
        kb, builder, site_url = self.kb, self.builder, self.site_url
        entry = self._entry(outputs.INCIDENTS_JSON, lambda inc: outputs.incident_json(inc, kb, site_url))
        actions = self._entry(outputs.ACTIONS_JSON, lambda inc: outputs.action_entries(inc, site_url))
        events = self._entry(outputs.ACTIONS_ICS, lambda inc: outputs.action_events(inc, kb.today, site_url))
        makers: list[tuple[str, Callable[[], str]]] = [
            (outputs.INCIDENTS_JSON, lambda: outputs.incidents_json(kb, site_url, entry)),
            (outputs.ACTIONS_JSON, lambda: outputs.actions_json(kb, site_url, actions)),
            (outputs.ACTIONS_ICS, lambda: outputs.actions_ics(kb, site_url, self.site_name, events)),
            (outputs.FEED_PATH, lambda: outputs.atom_feed(kb, self.markdown, site_url, self.site_name)),
            (CATALOG_DATA, builder.catalog_data),
            (ACTIONS_DATA, builder.actions_data),
            *group_feeds(builder.plan, self.markdown, site_url, self.site_name),
        ]
        makers.extend((f"{ASSET_PREFIX}/{name}", functools.partial(_asset, name)) for name in ASSETS)
        return makers

    def paths(self) -> list[str]:
        """Where the data files go, without making them."""
        return [path for path, _ in self.makers()]

    def files(self) -> list[DataFile]:
        return [DataFile(path, make()) for path, make in self.makers()]

    def writers(self, site_dir: Path) -> list[Callable[[], None]]:
        """One step per data file that makes it and writes it into a built site."""
        return [functools.partial(_make_and_write, path, make, site_dir) for path, make in self.makers()]

    def _entry(self, name: str, make: Callable[[Incident], T]) -> Callable[[Incident], T]:
        """``make`` for one incident's entry of a data file, kept while the incident's fingerprint,
        the settings, the site's URL and name and the reference date stay the same."""
        if self._kept is None:
            return make
        builder, kb = self.builder, self.kb
        environment = (repr(kb.settings), self.site_url, self.site_name, kb.today)
        kept = self._kept.files.setdefault(name, {})
        for gone in [key for key in list(kept) if key not in kb.by_id]:  # list(): another thread may add
            kept.pop(gone, None)

        def get(inc: Incident) -> T:
            key = (builder.incident_fingerprint(inc), environment)
            hit = kept.get(inc.id)
            if hit is None or hit[0] != key:
                hit = kept[inc.id] = (key, make(inc))
            result: T = hit[1]
            return result

        return get


def _asset(name: str) -> str:
    return (ASSET_DIR / name).read_text(encoding="utf-8")


def _make_and_write(path: str, make: Callable[[], str], folder: Path) -> None:
    DataFile(path, make()).write_to(folder)
