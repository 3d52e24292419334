"""The live preview (``mkdocs serve --dirty``): what a rebuild keeps from the last one, and the work it
leaves for after the page is served. Plain Python: the plugin's hooks hand MkDocs' objects over.

An edit re-renders only the pages whose fingerprint changed; the data files and the search
index, which depend on every incident, follow on another thread once the pages are served,
and the next save stops that work at once. When the templates, the configuration or the
reference date change, the folder is emptied and everything is built again.
"""

from __future__ import annotations

import gc
import hashlib
import os
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from pmsite import __version__
from pmsite.engine import Engine
from pmsite.reading.files import folder_stamp
from pmsite.site.datafiles import ASSET_DIR

SearchEntry = tuple[str, str, str]  # (url, title, content HTML) of a hand-written page


@dataclass
class Preview:
    """What the last successful dirty build into one folder left there, so the next one can do less."""

    environment: str = ""
    fingerprints: dict[str, str] = field(default_factory=dict)
    pages: dict[str, SearchEntry] = field(default_factory=dict)  # url -> search entry of a hand-written page


class Previews:
    """What the last dirty build into each folder left there (one process serves one or more folders)."""

    def __init__(self) -> None:
        self._by_folder: dict[str, Preview] = {}
        self.current: Preview | None = None  # this build's predecessor, when it re-renders only what changed
        self._environment = ""
        self._fingerprints: dict[str, str] = {}
        self.pages: dict[str, SearchEntry] = {}  # this build's search entries of hand-written pages

    def has(self, site_dir: str) -> bool:
        return site_dir in self._by_folder

    def plan(self, site_dir: str, environment: str, fingerprints: dict[str, str]) -> bool:
        """Whether this build may re-render only the pages whose fingerprint changed since the last one into
        ``site_dir``: the same environment (configuration, templates, date). False also when the folder
        must be emptied first, which :meth:`stale` says."""
        self._environment, self._fingerprints = environment, fingerprints
        previous = self._by_folder.get(site_dir)
        self.current = previous if previous is not None and previous.environment == environment else None
        return self.current is not None

    def stale(self, site_dir: str) -> bool:
        """The folder holds an earlier build made with another environment: forget it (the caller empties it)."""
        return self._by_folder.pop(site_dir, None) is not None

    def changed(self, src_uri: str) -> bool:
        """Whether a generated page must be rendered again in this build."""
        return self.current is None or self.current.fingerprints.get(src_uri) != self._fingerprints[src_uri]

    def remember(self, site_dir: str) -> None:
        self._by_folder[site_dir] = Preview(self._environment, self._fingerprints, self.pages)

    def forget(self, site_dir: str | None = None) -> None:
        """What is in one folder (or every folder) is unknown now: the next build there renders everything."""
        if site_dir is None:
            self._by_folder.clear()
        else:
            self._by_folder.pop(site_dir, None)


def environment(config_file: str | None, engine: Engine) -> str:
    """A digest of what every page depends on besides its own inputs: the configuration file, the
    templates (the theme's overrides and pmsite's own), pmsite's version and the reference date."""
    digest = hashlib.blake2b(digest_size=16)
    digest.update(f"{__version__}\0{engine.settings.today.isoformat()}\0".encode())
    if config_file and os.path.isfile(config_file):
        digest.update(Path(config_file).read_bytes())
    digest.update(f"{engine.templates_stamp}\0{folder_stamp([ASSET_DIR])}".encode())  # the overrides are the engine's
    return digest.hexdigest()


class BackgroundJob:
    """Writes a preview's data files and search index on another thread, after its pages are served.

    The next build cancels it without waiting: that build renders its pages meanwhile, and its
    own job starts once this one has stopped (one job at a time). The job's last step collects
    the garbage of earlier builds, which a rebuild skips.
    """

    def __init__(self) -> None:
        self._thread: threading.Thread | None = None
        self._cancel = threading.Event()
        self._engine: Engine | None = None  # the engine whose data files and index it writes
        self._writing = threading.Lock()

    def start(self, engine: Engine, site_dir: Path, pages: list[SearchEntry] | None, failed: Callable[[Exception], None]) -> None:
        """Write ``engine``'s data files, then (``pages`` given) its search index into ``site_dir``;
        ``failed`` hears of an error that was not a cancellation."""
        cancelled = self._cancel = threading.Event()

        def work() -> None:
            with self._writing:
                try:
                    for step in engine.data().writers(site_dir):
                        if cancelled.is_set():
                            return
                        step()
                    if pages is not None and not cancelled.is_set():
                        engine.search_index.write(site_dir, pages, background=True)
                except Exception as exc:  # a thread's exception would only reach stderr as a traceback
                    if not cancelled.is_set():  # stopped on purpose (the indexer is killed): the next build writes them
                        failed(exc)
                finally:
                    gc.unfreeze()
                    if not cancelled.is_set():
                        gc.collect()

        self._engine = engine
        self._thread = threading.Thread(target=work, name="pmsite-preview", daemon=True)
        self._thread.start()

    def cancel(self) -> None:
        """Stop the job without waiting: it checks the flag between its steps, and the search indexer,
        which takes seconds on both cores at 10,000 incidents, is killed now rather than left to slow
        the next build down."""
        self._cancel.set()
        if self._engine is not None:
            self._engine.search_index.abort()

    def wait(self, *, cancel: bool = True) -> None:
        """Until the job has stopped (cancelled, or with ``cancel=False`` done)."""
        if self._thread is not None:
            if cancel:
                self.cancel()
            self._thread.join()
            self._thread = None


def carry_over(pages: list[tuple[str, str | None, str | None]], kept: dict[str, SearchEntry]) -> tuple[dict[str, SearchEntry], dict[str, str]]:
    """A dirty build reads only modified pages: of each hand-written page as (url, title, content or None
    when not read), the search entry, and the title a page not read again keeps (unless the nav names one)."""
    entries: dict[str, SearchEntry] = {}
    titles: dict[str, str] = {}
    for url, title, content in pages:
        if content is not None:
            entries[url] = (url, title or "", content)
        elif url in kept:
            entries[url] = kept[url]
            if title is None:
                titles[url] = kept[url][1]
    return entries, titles
