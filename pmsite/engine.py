"""The engine's front door: read, analyse, plan and render a knowledge base, for any front end.

The MkDocs plugin and ``pmsite generate`` drive this class the same way, in the same order
(Pelican's: read the whole corpus, analyse it, then write): :meth:`Engine.load`,
:meth:`Engine.plan`, then :meth:`Engine.render` for each page and :meth:`Engine.data_files`.
It imports nothing from MkDocs; the front end hands in its rule from a page's source path to
its URL (``url_for``). A live preview passes the same :class:`BuildCache` to every rebuild's
engine, so an edit recomputes only what it changed.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from types import MappingProxyType
from typing import Any

from markupsafe import escape

from pmsite.analysis.actions import TrackedState
from pmsite.analysis.checklist import Finding, checks, findings, warnings_for
from pmsite.analysis.knowledge_base import KnowledgeBase, build_knowledge_base
from pmsite.analysis.tickets import TicketStates, read_ticket_states
from pmsite.errors import PmsiteError
from pmsite.format.document import Document
from pmsite.problems import Problem
from pmsite.reading.corpus import Corpus, load_corpus
from pmsite.reading.documents import FileCache
from pmsite.reading.files import discover, display_path, folder_stamp
from pmsite.settings import Settings
from pmsite.site.builder import SiteBuilder, SiteMemo
from pmsite.site.datafiles import DataFile, DataFiles, KeptEntries
from pmsite.site.guide import expand_markers
from pmsite.site.markdown import MarkdownRenderer
from pmsite.site.pages import RenderedPage
from pmsite.site.search.build import SEARCH_DIR, SiteSearch
from pmsite.site.search.records import incident_records
from pmsite.site.templates import PACKAGE_TEMPLATES, Templates
from pmsite.site.urls import directory_url, relative_url

# A site without a tracker has no states: always this one object, so that what was computed with it
# (each document's checklist findings) is reused by the next rebuild of a live preview.
NO_TICKETS: Mapping[str, TrackedState] = MappingProxyType({})


@dataclass
class BuildCache:
    """What a live preview keeps between rebuilds; each piece is reused only for the very same inputs."""

    files: FileCache = field(default_factory=FileCache)  # parsed files, by path and stat
    findings: dict[int, tuple[Document, Settings, Mapping[str, TrackedState], list[Finding]]] = field(default_factory=dict)  # by id() of the document
    knowledge_base: KnowledgeBase | None = None  # the last analysis: unchanged documents keep their incidents
    last_good: Corpus | None = None  # what a preview keeps serving while a file has errors
    site: SiteMemo = field(default_factory=SiteMemo)
    entries: KeptEntries = field(default_factory=KeptEntries)
    markdown: tuple[str, dict[str, str]] | None = None  # (extensions and their configuration, text -> HTML)
    ticket_states: tuple[tuple[object, ...], TicketStates] | None = None  # (the state file's stamp, what it says)
    templates: tuple[str, Templates] | None = None  # (stamp of the template files, compiled templates)


class Engine:
    """One build of one knowledge base."""

    def __init__(
        self,
        settings: Settings,
        *,
        docs_dir: Path,
        incidents_dir: str = "incidents",
        override_dirs: list[Path] | None = None,
        markdown_extensions: list[Any] | None = None,
        markdown_configs: dict[str, Any] | None = None,
        cache: BuildCache | None = None,
        base: Path | None = None,
        site_url: str = "",
        site_name: str = "pmsite",
        url_for: Callable[[str], str] = directory_url,
        search: bool = True,
        keep_entries: bool = False,
    ) -> None:
        """``keep_entries``: keep each incident's entries of the data files in the cache (a live preview)."""
        self.search = search  # pmsite's Pagefind search; off when the site keeps its builder's own
        self.url_for = url_for  # the front end's rule from a page's source path to its URL
        self.site_url = site_url or ""
        self.site_name = site_name
        self.settings = settings
        self.docs_dir = docs_dir
        self.incidents_dir = incidents_dir.strip("/")
        self.base = base or Path.cwd()
        self.cache = cache if cache is not None else BuildCache()
        self.keep_entries = keep_entries
        self.markdown = self._markdown(markdown_extensions or [], markdown_configs or {})
        # Kept between rebuilds while no template file is added, removed or changed: compiling the
        # templates costs more than rendering the few pages a preview's rebuild renders.
        self.templates_stamp = folder_stamp([*(override_dirs or []), PACKAGE_TEMPLATES])
        if self.cache.templates is None or self.cache.templates[0] != self.templates_stamp:
            self.cache.templates = (self.templates_stamp, Templates(override_dirs or []))
        self.templates = self.cache.templates[1]
        self.corpus: Corpus | None = None
        self.tickets: Mapping[str, TrackedState] = NO_TICKETS  # the tracker's states by ticket URL, from the state file
        self.tickets_warning = ""
        self.ignored_files: list[str] = []  # dot files beside the post-mortems, never read (see reading.files.discover)
        self.kb: KnowledgeBase | None = None
        self.builder: SiteBuilder | None = None
        self.search_index = SiteSearch(lambda: incident_records(self._analysed(), self.markdown))

    def _markdown(self, extensions: list[Any], configs: dict[str, Any]) -> MarkdownRenderer:
        """A renderer with the site's extensions. Conversions are kept between rebuilds for extensions
        named by string (an extension object is new in every configuration load: its results are not shared)."""
        key = repr((extensions, configs))
        conversions: dict[str, str] | None = None
        if all(isinstance(e, str) for e in extensions):
            if self.cache.markdown is None or self.cache.markdown[0] != key:  # one configuration's at a time
                self.cache.markdown = (key, {})
            conversions = self.cache.markdown[1]
        return MarkdownRenderer(extensions, configs, cache=conversions)

    @property
    def incidents_path(self) -> Path:
        return self.docs_dir / self.incidents_dir

    def load(self) -> Corpus:
        """Read and check every file under the incidents folder (cached between rebuilds), and the tracker's
        state file when the site has a tracker: a file that cannot be used is an error like a post-mortem's."""
        skipped: list[Path] = []
        paths = discover(self.incidents_path, skipped) if self.incidents_path.is_dir() else []
        self.ignored_files = sorted(display_path(path, self.base) for path in skipped)
        self.corpus = load_corpus(
            paths, self.settings, base=self.base, docs_dir=self.docs_dir, cache=self.cache.files, roots=[self.incidents_path]
        )
        problem = self._load_ticket_states()
        if problem is not None:
            self.corpus.problems.append(problem)
        return self.corpus

    def _load_ticket_states(self) -> Problem | None:
        """The tracker's states from the state file, kept between rebuilds while the file stays the same."""
        tracker = self.settings.tracker
        self.tickets, self.tickets_warning = NO_TICKETS, ""
        if tracker is None:
            return None
        try:
            path = tracker.state_path(self.base, self.docs_dir)
            info = path.stat()
            stamp: tuple[object, ...] = (str(path), info.st_mtime_ns, info.st_size, tracker)
        except (ValueError, OSError):
            stamp = (None, tracker)  # no file yet, or a state_file the option refuses: read_ticket_states says which
        kept = self.cache.ticket_states
        if kept is None or kept[0] != stamp:
            kept = self.cache.ticket_states = (stamp, read_ticket_states(tracker, self.base, self.docs_dir))
        found = kept[1]
        shown = display_path(found.path, self.base) if found.path else "mkdocs.yml"
        if found.error:
            return Problem(shown, 1, 1, "", found.error)
        self.tickets, self.tickets_warning = found.states, found.warning and f"{shown}: {found.warning}"
        return None

    def tracker_warnings(self) -> list[str]:
        """What the front ends warn of besides the checklist: a state file read from another tracker."""
        return [self.tickets_warning] if self.tickets_warning else []

    def checklist_warnings(self) -> list[Problem]:
        """The quality checklist's warnings for every valid document of the corpus."""
        assert self.corpus is not None, "load() first"
        return [p for item in self.corpus.documents if item.document is not None
                for p in warnings_for(item, self.settings, self.findings(item.document))]

    def plan(self) -> SiteBuilder:
        """Analyse the corpus and plan every page (raises PageCollision when two would share a place)."""
        assert self.corpus is not None, "load() first"
        documents = self.corpus.documents
        docs = [(item.document, item.source_uri) for item in documents if item.document is not None]
        kept = {id(doc) for doc, _ in docs}
        for key in [k for k in self.cache.findings if k not in kept]:  # files edited or removed since
            del self.cache.findings[key]
        # The last build's analysis, kept between rebuilds: an edit recomputes only the related lists it reaches.
        self.kb = self.cache.knowledge_base = build_knowledge_base(docs, self.settings, self.cache.knowledge_base, self.tickets)
        self.builder = SiteBuilder(
            self.kb,
            self.templates,
            self.markdown,
            checklist=lambda inc: checks(inc.doc, self.settings, self.findings(inc.doc)),
            url_for=self.url_for,
            digests={item.source_uri: item.digest for item in documents},
            memo=self.cache.site,
        )
        return self.builder

    def findings(self, doc: Document) -> list[Finding]:
        """Checklist findings, computed once per document and build (warnings and the page panel share them)."""
        key = id(doc)
        entry = self.cache.findings.get(key)
        # the entry keeps its document alive (same id, same document); the states are the same object while the file is
        if entry is None or entry[1] != self.settings or entry[2] is not self.tickets:
            entry = self.cache.findings[key] = (doc, self.settings, self.tickets, findings(doc, self.settings, self.tickets))
        return entry[3]

    def fingerprints(self) -> dict[str, str]:
        """Per generated page, a digest of what it is made of (see :mod:`pmsite.site.fingerprints`)."""
        return self._planned().fingerprints()

    def generates(self, src_uri: str) -> bool:
        return self.builder is not None and src_uri in self.builder.specs

    def render(self, src_uri: str, *, edit_url: str | None = None) -> RenderedPage:
        """A page's HTML. Validation keeps Markdown far from any recursion limit; should a renderer still reach
        one (an extension of the site's, a thread with a small stack), the error names the page's source."""
        builder = self._planned()
        try:
            return builder.render(src_uri, edit_url=edit_url)
        except RecursionError:
            spec = builder.specs[src_uri]
            raise PmsiteError(f"{spec.source_uri or src_uri}: the page could not be rendered: its Markdown nests deeper "
                              "than Python-Markdown can follow; shorten the nesting of emphasis, links or lists") from None

    def data(self) -> DataFiles:
        """The data files of this build (incidents.json, the calendar, the feed, the listings' data, assets)."""
        kept = self.cache.entries if self.keep_entries else None
        return DataFiles(self._planned(), self.markdown, self.site_url, self.site_name, kept)

    def data_files(self) -> list[DataFile]:
        return self.data().files()

    def expand_markers(self, markdown: str) -> str:
        """Fill ``<!-- pmsite:field-reference -->`` and ``<!-- pmsite:checklist -->`` in hand-written pages."""
        return expand_markers(markdown, self.settings)

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

    def _planned(self) -> SiteBuilder:
        assert self.builder is not None, "plan() first"
        return self.builder

    def _analysed(self) -> KnowledgeBase:
        assert self.kb is not None, "plan() first"
        return self.kb
