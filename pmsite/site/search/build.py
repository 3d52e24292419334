"""The search index of one build: filled with the incidents as soon as they are analysed, written once the
hand-written pages are rendered, on the second core while the build goes on."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from pmsite.site.search.index import IndexStats, SearchIndex
from pmsite.site.search.records import Record

SEARCH_DIR = "search"  # where the search index is written, beside the site


class SiteSearch:
    """One build's index: started, written and finished by a front end; stopped when the build fails
    or a live preview's next save makes it useless."""

    def __init__(self, records: Callable[[], list[Record]]) -> None:
        self._records = records
        self._index: SearchIndex | None = None  # being filled while the build goes on

    def start(self, *, background: bool = False) -> None:
        """Send every incident to the indexer now: it works on another core while pages render
        (``background``: at a lower priority, for an index written after the pages are served)."""
        self.stop()
        index = self._index = SearchIndex(background=background)  # before the records go in: abort() may stop it meanwhile
        try:
            index.add_records(self._records())
        except BaseException:
            self.stop()
            raise

    def start_writing(self, site_dir: Path, pages: list[tuple[str, str, str]], *, background: bool = False) -> None:
        """Add the (url, title, content HTML) hand-written pages and start writing the index (on another core)."""
        if self._index is None:
            self.start(background=background)
        assert self._index is not None
        try:
            self._index.add_pages(pages)
            self._index.start_writing(site_dir / SEARCH_DIR)
        except BaseException:
            self.stop()
            raise

    def finish(self) -> IndexStats:
        """Wait for the index that :meth:`start_writing` began."""
        index, self._index = self._index, None
        assert index is not None, "start_writing() first"
        try:
            return index.finish()
        finally:
            index.close()

    def write(self, site_dir: Path, pages: list[tuple[str, str, str]], *, background: bool = False) -> IndexStats:
        """The search index of every incident and of the given hand-written pages, in one go."""
        self.start_writing(site_dir, pages, background=background)
        return self.finish()

    def abort(self) -> None:
        """Stop the index being written, from another thread, without waiting (a preview's next save
        no longer needs it); the thread writing it gets a SearchError."""
        index = self._index
        if index is not None:
            index.abort()

    def stop(self) -> None:
        """Stop an index that will not be written (the build failed)."""
        if self._index is not None:
            self._index.close()
            self._index = None
