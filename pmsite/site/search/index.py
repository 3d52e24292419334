"""Search: a prebuilt, chunked Pagefind index of the whole knowledge base.

Why Pagefind: Material's search downloads the whole index on every page view and
builds it in the browser on the first query (seconds at thousands of incidents).
Pagefind writes the index at build time in small chunks; a query downloads only
the chunks of its words, so the first result comes at once at any size, offline.
Nothing here knows about MkDocs: a front end hands over the page HTML it rendered.
"""

from __future__ import annotations

import gzip
import hashlib
import json
import shutil
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import cbor2

from pmsite.errors import PmsiteError
from pmsite.site.search.pagefind import PagefindError, PagefindService
from pmsite.site.search.records import Record, page_html, record_html

_UNUSED = ("pagefind-ui.js", "pagefind-ui.css", "pagefind-modular-ui.js", "pagefind-modular-ui.css",
           "pagefind-component-ui.js", "pagefind-component-ui.css", "pagefind-highlight.js")

BACKGROUND_NICE = 10  # CFS weight about a tenth of the build's: the preview's indexer takes only idle time



class SearchError(PmsiteError):
    """The search index could not be written (the Pagefind binary is missing or failed)."""



@dataclass
class IndexStats:
    records: int
    pages: int
    files: int
    bytes: int



class SearchIndex:
    """The site's Pagefind index, filled while the build goes on.

    Incidents are sent as soon as they are analysed; the Pagefind process indexes them on
    another core while the pages render. Hand-written pages follow once rendered; then
    ``start_writing`` lets Pagefind assemble the bundle while the theme's templates run, and
    ``finish`` writes it. ``close`` stops the process after a failed build.
    """

    def __init__(self, *, background: bool = False) -> None:
        """``background``: the index is written after the pages are served (a live preview), so the
        indexer runs at a lower priority: the next save's change detection and rebuild come first."""
        try:
            self._service: PagefindService | None = PagefindService({"force_language": "en"}, nice=BACKGROUND_NICE if background else 0)
        except PagefindError as exc:
            raise SearchError(str(exc)) from None
        self.records = 0
        self.pages = 0
        self._out_dir: Path | None = None
        self._writing = 0
        self._aborted = False

    def _add(self, url: str, html: str) -> None:
        assert self._service is not None, "the index was finished"
        self._service.add_html("/" + url.lstrip("/"), html)  # the URL as published, from the site's root

    def add_records(self, records: Iterable[Record]) -> None:
        for r in records:
            self._add(r.url, record_html(r))
            self.records += 1

    def add_pages(self, pages: Iterable[tuple[str, str, str]]) -> None:
        """Hand-written pages as (url, title, content HTML)."""
        for url, title, content in pages:
            self._add(url, page_html(title, content))
            self.pages += 1

    def start_writing(self, out_dir: Path) -> None:
        """Ask Pagefind for the bundle while the build goes on; ``finish`` writes it to ``out_dir``."""
        assert self._service is not None, "the index was finished"
        self._out_dir = out_dir
        try:
            self._writing = self._service.request_files()
        except PagefindError as exc:
            self.close()
            raise SearchError(str(exc)) from None

    def finish(self) -> IndexStats:
        """Write the bundle (replacing the folder), make it reproducible and stop the process."""
        assert self._service is not None and self._out_dir is not None, "start_writing() first"
        out_dir = self._out_dir
        try:
            files = self._service.files(self._writing)
        except PagefindError as exc:
            raise SearchError(str(exc)) from None
        finally:
            self.close()
        if self._aborted:  # the reply came before the kill: writing 10,000 files would still hold up the next build
            raise SearchError("the search index was stopped")
        if out_dir.exists():
            shutil.rmtree(out_dir)
        for path, content in files:
            if path.name in _UNUSED:  # the site has its own search dialog; Pagefind's UIs would only be dead weight
                continue
            target = out_dir / path
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(content)
        stabilise(out_dir)
        written = [p for p in out_dir.rglob("*") if p.is_file()]
        return IndexStats(self.records, self.pages, len(written), sum(p.stat().st_size for p in written))

    def abort(self) -> None:
        """Stop the indexer at once from another thread: the owner's next step fails with SearchError."""
        self._aborted = True
        service = self._service
        if service is not None:
            service.kill()

    def close(self) -> None:
        if self._service is not None:
            self._service.close()
            self._service = None



_SIGNATURE = b"pagefind_dcd"



def _read_cbor(path: Path) -> Any:
    raw = gzip.decompress(path.read_bytes())
    if not raw.startswith(_SIGNATURE):
        raise SearchError(f"unexpected Pagefind file {path.name}")
    return cbor2.loads(raw[len(_SIGNATURE) :])



def _write_cbor(folder: Path, stem: str, suffix: tuple[str, str], value: Any, digits: int) -> str:
    """Write a value as Pagefind does (signature, CBOR, gzip), named by a digest of its content."""
    raw = _SIGNATURE + cbor2.dumps(value)
    name = f"{stem}_{hashlib.sha256(raw).hexdigest()[:digits]}"
    (folder / f"{suffix[0]}{name}{suffix[1]}").write_bytes(gzip.compress(raw, compresslevel=9, mtime=0))
    return name



def stabilise(out_dir: Path) -> None:
    """Make Pagefind's filter index byte-identical from one build to the next.

    Pagefind 1.5 writes each facet's values in hash-map order, which changes from run to
    run (its issue #638: "other files will still change, such as the filter/metadata
    indexes"), and names files by their content, so the metadata and entry files change
    too. Sorting each facet's values, and the facets by name, gives one order; the files
    are then renamed by their new content. Everything else Pagefind writes is stable.
    """
    entry_path = out_dir / "pagefind-entry.json"
    entry = json.loads(entry_path.read_text(encoding="utf-8"))
    for lang, info in entry["languages"].items():
        meta_path = out_dir / f"pagefind.{info['hash']}.pf_meta"
        meta = _read_cbor(meta_path)
        filters = []
        for name, digest in meta[3]:
            path = out_dir / "filter" / f"{digest}.pf_filter"
            facet, values = _read_cbor(path)
            path.unlink()
            values = sorted(values, key=lambda v: v[0])
            filters.append([name, _write_cbor(out_dir / "filter", lang, ("", ".pf_filter"), [facet, values], 7)])
        meta[3] = sorted(filters)
        meta_path.unlink()
        info["hash"] = _write_cbor(out_dir, lang, ("pagefind.", ".pf_meta"), meta, 10)
    entry_path.write_text(json.dumps(entry, ensure_ascii=False, separators=(",", ":")), encoding="utf-8")
