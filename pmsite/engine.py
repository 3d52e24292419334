"""The engine's front door: load, analyse, plan and render a knowledge base.

Both the MkDocs plugin and the CLI drive this class; it imports nothing from
MkDocs, so another front end can drive it the same way.
"""

from __future__ import annotations

import contextlib
import functools
import hashlib
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar, cast

from markupsafe import escape

from pmsite.analysis.checklist import Finding, checks, findings
from pmsite.analysis.incidents import Incident
from pmsite.analysis.knowledge_base import KnowledgeBase, build_knowledge_base
from pmsite.format.document import Document
from pmsite.reading.corpus import Corpus, load_corpus
from pmsite.reading.documents import FileCache
from pmsite.reading.files import discover
from pmsite.settings import Settings
from pmsite.site import outputs
from pmsite.site.builder import ACTIONS_DATA, CATALOG_DATA, SEARCH_DIR, SiteBuilder
from pmsite.site.markdown import MarkdownRenderer
from pmsite.site.pages import RenderedPage
from pmsite.site.search.index import IndexStats, SearchIndex
from pmsite.site.search.records import incident_records
from pmsite.site.templates import PACKAGE_TEMPLATES, Templates
from pmsite.site.urls import directory_url, relative_url

ASSET_DIR = Path(__file__).parent / "assets"
ASSET_PREFIX = "assets/pmsite"
ASSETS = ("pmsite.css", "pmsite.js")


def files_stamp(folders: list[Path]) -> str:
    """Names, sizes and times of every file in the folders: changes when any file does."""
    parts = []
    for folder in folders:
        parts.append(str(folder))
        for path in sorted(folder.rglob("*")) if folder.is_dir() else ():
            with contextlib.suppress(OSError):
                info = path.stat()
                parts.append(f"{path}\0{info.st_mtime_ns}\0{info.st_size}")
    return hashlib.blake2b("\n".join(parts).encode("utf-8", "surrogateescape"), digest_size=16).hexdigest()


T = TypeVar("T")


def _make_and_write(path: str, make: Callable[[], str], folder: Path) -> None:
    DataFile(path, make()).write_to(folder)


def _asset(name: str) -> str:
    return (ASSET_DIR / name).read_text(encoding="utf-8")


@dataclass
class DataFile:
    """A non-page output such as ``incidents.json`` or ``feed.xml``."""

    path: str
    content: str

    def write_to(self, folder: Path) -> None:
        target = folder / self.path
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(self.content, encoding="utf-8")


class Engine:
    def __init__(
        self,
        settings: Settings,
        *,
        docs_dir: Path,
        incidents_dir: str = "incidents",
        override_dirs: list[Path] | None = None,
        markdown_extensions: list[Any] | None = None,
        markdown_configs: dict[str, Any] | None = None,
        cache: dict[str, Any] | None = None,
        base: Path | None = None,
        site_url: str = "",
        site_name: str = "pmsite",
        url_for: Callable[[str], str] = directory_url,
        search: bool = True,
        keep_entries: bool = False,
    ) -> None:
        self.search = search  # pmsite's Pagefind search; off when the site keeps its builder's own
        self.url_for = url_for  # the front end's rule from a page's source path to its URL
        self.site_url = site_url or ""
        self.site_name = site_name
        self.settings = settings
        self.docs_dir = docs_dir
        self.incidents_dir = incidents_dir.strip("/")
        self.base = base or Path.cwd()
        store = self._store = cache if cache is not None else {}
        extensions, configs = markdown_extensions or [], markdown_configs or {}
        # Conversions are kept between rebuilds for extensions named by string (an extension object is new
        # in every configuration load, so its results are not shared).
        shared = all(isinstance(e, str) for e in extensions)
        key = "markdown:" + repr((extensions, configs))
        for other in [k for k in store if k.startswith("markdown:") and k != key]:  # one configuration's at a time
            del store[other]
        conversions = store.setdefault(key, {}) if shared else None
        self.markdown = MarkdownRenderer(extensions, configs, cache=conversions)
        # Kept between rebuilds while no template file is added, removed or changed: compiling the
        # templates costs more than rendering the few pages a preview's rebuild renders.
        self.templates_stamp = files_stamp([*(override_dirs or []), PACKAGE_TEMPLATES])
        key = "templates:" + self.templates_stamp
        self.templates: Templates = store.get(key) or store.setdefault(key, Templates(override_dirs or []))
        self.file_cache: FileCache = store.setdefault("files", FileCache())
        self.corpus: Corpus | None = None
        self.kb: KnowledgeBase | None = None
        self.builder: SiteBuilder | None = None
        # Checklist findings per document, kept between rebuilds like the parsed files: an unchanged
        # file keeps its Document object, and the entry keeps it alive so ids stay unique.
        self._findings: dict[int, tuple[Document, Settings, list[Finding]]] = store.setdefault("findings", {})
        self._search: SearchIndex | None = None  # being filled while the build goes on
        # A live preview keeps each incident's entries of the data files between rebuilds, so the
        # data files after one edit cost a join, not a serialisation of every incident.
        self._entries: dict[str, dict[str, tuple[Any, Any]]] | None = store.setdefault("entries", {}) if keep_entries else None

    @property
    def incidents_path(self) -> Path:
        return self.docs_dir / self.incidents_dir

    def load(self) -> Corpus:
        """Read and check every file under the incidents folder (cached between rebuilds)."""
        paths = discover(self.incidents_path) if self.incidents_path.is_dir() else []
        self.corpus = load_corpus(
            paths, self.settings, base=self.base, docs_dir=self.docs_dir, cache=self.file_cache, roots=[self.incidents_path]
        )
        return self.corpus

    def owns_source(self, src_uri: str) -> bool:
        """True for YAML sources, which are never copied into the site."""
        return src_uri.startswith(self.incidents_dir + "/") and src_uri.endswith((".yaml", ".yml"))

    def plan(self) -> SiteBuilder:
        assert self.corpus is not None, "load() first"
        documents = self.corpus.documents
        docs = [(item.document, item.source_uri) for item in documents if item.document is not None]
        kept = {id(doc) for doc, _ in docs}
        for key in [k for k in self._findings if k not in kept]:  # files edited or removed since
            del self._findings[key]
        # The last build's analysis, kept between rebuilds: an edit recomputes only the related lists it reaches.
        self.kb = self._store["kb"] = build_knowledge_base(docs, self.settings, self._store.get("kb"))
        self.builder = SiteBuilder(
            self.kb,
            self.settings,
            self.templates,
            self.markdown,
            checklist=lambda inc: checks(inc.doc, self.settings, self.findings(inc.doc)),
            url_for=self.url_for,
            digests={item.source_uri: item.digest for item in documents},
            memo=self._store.setdefault("site", {}),
        )
        return self.builder

    def findings(self, doc: Document) -> list[Finding]:
        """Checklist findings, computed once per document and build (warnings and the page panel share them)."""
        key = id(doc)
        entry = self._findings.get(key)
        if entry is None or entry[1] != self.settings:  # the entry keeps its document alive: same id, same document
            entry = self._findings[key] = (doc, self.settings, findings(doc, self.settings))
        return entry[2]

    def fingerprints(self) -> dict[str, str]:
        """Per generated page, a digest of what it is made of (see :meth:`SiteBuilder.fingerprints`)."""
        assert self.builder is not None, "plan() first"
        return self.builder.fingerprints()

    def generates(self, src_uri: str) -> bool:
        return self.builder is not None and src_uri in self.builder.specs

    def render(self, src_uri: str, *, edit_url: str | None = None) -> RenderedPage:
        assert self.builder is not None, "plan() first"
        return self.builder.render(src_uri, edit_url=edit_url)

    def _data_makers(self) -> list[tuple[str, Callable[[], str]]]:
        assert self.kb is not None and self.builder is not None, "plan() first"
        kb, builder = self.kb, self.builder
        entry = self._kept(outputs.INCIDENTS_JSON, lambda inc: outputs.incident_json(inc, kb, self.site_url))
        actions = self._kept(outputs.ACTIONS_JSON, lambda inc: outputs.action_entries(inc, self.site_url))
        events = self._kept(outputs.ACTIONS_ICS, lambda inc: outputs.action_events(inc, kb.today, self.site_url))
        makers: list[tuple[str, Callable[[], str]]] = [
            (outputs.INCIDENTS_JSON, lambda: outputs.incidents_json(kb, self.site_url, entry)),
            (outputs.ACTIONS_JSON, lambda: outputs.actions_json(kb, self.site_url, actions)),
            (outputs.ACTIONS_ICS, lambda: outputs.actions_ics(kb, self.site_url, self.site_name, events)),
            (outputs.FEED_PATH, lambda: outputs.atom_feed(kb, self.markdown, self.site_url, self.site_name)),
            (CATALOG_DATA, builder.catalog_data),
            (ACTIONS_DATA, builder.actions_data),
        ]
        makers.extend((f"{ASSET_PREFIX}/{name}", functools.partial(_asset, name)) for name in ASSETS)
        return makers

    def _kept(self, name: str, make: Callable[[Incident], T]) -> Callable[[Incident], T]:
        """``make`` for one incident's entry of a data file, kept while the incident's fingerprint,
        the settings, the site's URL and name and the reference date stay the same."""
        if self._entries is None:
            return make
        assert self.kb is not None and self.builder is not None, "plan() first"
        builder = self.builder
        environment = (repr(self.settings), self.site_url, self.site_name, self.kb.today)
        kept = self._entries.setdefault(name, {})
        for gone in [key for key in list(kept) if key not in self.kb.by_id]:  # list(): another thread may add
            kept.pop(gone, None)

        def get(inc: Incident) -> T:
            key = (builder.incident_fingerprint(inc), environment)
            hit = kept.get(inc.id)
            if hit is None or hit[0] != key:
                hit = kept[inc.id] = (key, make(inc))
            return cast(T, hit[1])

        return get

    def data_paths(self) -> list[str]:
        """Where :meth:`data_files` go, without making them."""
        return [path for path, _ in self._data_makers()]

    def data_files(self) -> list[DataFile]:
        """The machine-readable outputs and the site's own CSS and script."""
        return [DataFile(path, make()) for path, make in self._data_makers()]

    def data_writers(self, site_dir: Path) -> list[Callable[[], None]]:
        """One step per data file that makes it and writes it into a built site (a preview writes
        them after its pages, and may stop between two)."""
        return [functools.partial(_make_and_write, path, make, site_dir) for path, make in self._data_makers()]

    def expand_markers(self, markdown: str) -> str:
        """Fill ``<!-- pmsite:field-reference -->`` and ``<!-- pmsite:checklist -->`` in hand-written pages."""
        if "<!-- pmsite:" not in markdown:
            return markdown
        from pmsite.site.guide import checklist_table, field_table

        return markdown.replace("<!-- pmsite:field-reference -->", field_table(self.settings)).replace(
            "<!-- pmsite:checklist -->", checklist_table(self.settings)
        )

    def decorate_head(self, html: str, page_url: str) -> str:
        """Say where the search index lives in every page's head.

        The Atom feed is linked in the text of the home page and the catalog, not
        with ``<link rel="alternate">``: Material reads every such link as a
        language version of the site and downloads the whole ``sitemap.xml`` on
        every page view (megabytes at 10,000 incidents).
        """
        if not self.search:  # the script offers the search box only where this names an index
            return html
        search = escape(relative_url(page_url or "./", SEARCH_DIR + "/"))
        return html.replace("</head>", f'<meta name="pmsite:search" content="{search}"></head>', 1)

    def start_search_index(self, *, background: bool = False) -> None:
        """Send every incident to the search indexer now: it works on another core while pages render
        (``background``: at a lower priority, for an index written after the pages are served)."""
        assert self.kb is not None, "plan() first"
        self.stop_search_index()
        index = self._search = SearchIndex(background=background)  # before the records go in: abort_search_index may stop it meanwhile
        try:
            index.add_records(incident_records(self.kb))
        except BaseException:
            self.stop_search_index()
            raise

    def start_writing_search_index(self, site_dir: Path, pages: list[tuple[str, str, str]], *, background: bool = False) -> None:
        """Add the (url, title, content HTML) hand-written pages and start writing the index (on another core)."""
        if self._search is None:
            self.start_search_index(background=background)
        assert self._search is not None
        try:
            self._search.add_pages(pages)
            self._search.start_writing(site_dir / SEARCH_DIR)
        except BaseException:
            self.stop_search_index()
            raise

    def finish_search_index(self) -> IndexStats:
        """Wait for the index that ``start_writing_search_index`` began."""
        index, self._search = self._search, None
        assert index is not None, "start_writing_search_index() first"
        try:
            return index.finish()
        finally:
            index.close()

    def write_search_index(self, site_dir: Path, pages: list[tuple[str, str, str]], *, background: bool = False) -> IndexStats:
        """The search index of every incident and of the given hand-written pages, in one go."""
        self.start_writing_search_index(site_dir, pages, background=background)
        return self.finish_search_index()

    def abort_search_index(self) -> None:
        """Stop the index being written, from another thread, without waiting (a preview's next save
        no longer needs it); the thread writing it gets a SearchError."""
        index = self._search
        if index is not None:
            index.abort()

    def stop_search_index(self) -> None:
        """Stop an index that will not be written (the build failed)."""
        if self._search is not None:
            self._search.close()
            self._search = None
