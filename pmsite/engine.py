"""The engine's front door: load, analyse, plan and render a knowledge base.

Both the MkDocs plugin and the CLI drive this class; it imports nothing from
MkDocs, so another front end can drive it the same way.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .analyse import KnowledgeBase, build_knowledge_base
from .load import Corpus, FileCache, discover, load_corpus
from .render import MarkdownRenderer, Templates
from .settings import Settings
from .site import RenderedPage, SiteBuilder


@dataclass
class DataFile:
    """A non-page output such as ``incidents.json`` or ``feed.xml``."""

    path: str
    content: str


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
    ) -> None:
        self.settings = settings
        self.docs_dir = docs_dir
        self.incidents_dir = incidents_dir.strip("/")
        self.base = base or Path.cwd()
        self.templates = Templates(override_dirs or [])
        self.markdown = MarkdownRenderer(markdown_extensions or [], markdown_configs or {})
        store = cache if cache is not None else {}
        self.file_cache: FileCache = store.setdefault("files", FileCache())
        self.corpus: Corpus | None = None
        self.kb: KnowledgeBase | None = None
        self.builder: SiteBuilder | None = None

    @property
    def incidents_path(self) -> Path:
        return self.docs_dir / self.incidents_dir

    def load(self) -> Corpus:
        """Read and check every file under the incidents folder (cached between rebuilds)."""
        paths = discover(self.incidents_path) if self.incidents_path.is_dir() else []
        self.corpus = load_corpus(paths, self.settings, base=self.base, docs_dir=self.docs_dir, cache=self.file_cache)
        return self.corpus

    def owns_source(self, src_uri: str) -> bool:
        """True for YAML sources, which are never copied into the site."""
        return src_uri.startswith(self.incidents_dir + "/") and src_uri.endswith((".yaml", ".yml"))

    def plan(self) -> SiteBuilder:
        assert self.corpus is not None, "load() first"
        from .checklist import checklist_panel

        docs = [(item.document, item.source_uri) for item in self.corpus.documents if item.document is not None]
        self.kb = build_knowledge_base(docs, self.settings)
        loaded_by_id = {item.document.id: item for item in self.corpus.documents if item.document is not None}
        self.builder = SiteBuilder(
            self.kb,
            self.settings,
            self.templates,
            self.markdown,
            checklist=lambda inc: checklist_panel(inc.doc, loaded_by_id[inc.id], self.settings),
        )
        return self.builder

    def generates(self, src_uri: str) -> bool:
        return self.builder is not None and src_uri in self.builder.specs

    def render(self, src_uri: str, *, edit_url: str | None = None) -> RenderedPage:
        assert self.builder is not None, "plan() first"
        return self.builder.render(src_uri, edit_url=edit_url)

    def data_files(self) -> list[DataFile]:
        return []

    def decorate_head(self, html: str, page_url: str) -> str:
        return html
