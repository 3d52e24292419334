"""The MkDocs plugin: thin hooks that hand the work to the engine.

Pipeline (as in Pelican): ``on_files`` reads and checks every YAML file,
analyses the corpus and registers one generated page per incident and per
index; ``on_page_content`` swaps each generated page's body for the engine's
HTML, so Python-Markdown never sees the bulk of the content.
"""

from __future__ import annotations

import datetime as dt
import gc
import json
import os
import sys
from pathlib import Path
from typing import Any

from markupsafe import escape
from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import PluginError
from mkdocs.plugins import BasePlugin, CombinedEvent, event_priority, get_plugin_logger
from mkdocs.structure.files import File, Files, InclusionLevel
from mkdocs.structure.pages import Page
from mkdocs.structure.toc import get_toc

from .checklist import run_checklist
from .config import PmsiteConfig
from .engine import ASSET_PREFIX, Engine
from .problems import summarise
from .settings import Settings
from .site import toc_tokens

log = get_plugin_logger(__name__)


class PmsitePlugin(BasePlugin[PmsiteConfig]):
    """Turns ``content/incidents/**/*.yaml`` into incident pages and organisation-wide views."""

    def __init__(self) -> None:
        self.engine: Engine | None = None
        self.is_serve = False
        self._engine_cache: dict[str, Any] = {}
        self._full_content: dict[str, str] = {}

    def on_startup(self, *, command: str, dirty: bool) -> None:
        self.is_serve = command == "serve"

    def on_config(self, config: MkDocsConfig) -> MkDocsConfig | None:
        if not self.config.enabled:
            return config
        raw = {k: v for k, v in self.config.items()}
        settings = Settings.from_mapping(raw)
        if settings.reference_date is not None and "SOURCE_DATE_EPOCH" not in os.environ:
            # MkDocs dates the sitemap from this: a fixed reference date makes the whole site reproducible
            midnight = dt.datetime.combine(settings.reference_date, dt.time(), tzinfo=dt.UTC)
            os.environ["SOURCE_DATE_EPOCH"] = str(int(midnight.timestamp()))
        overrides = [Path(config.theme.custom_dir)] if config.theme.custom_dir else []
        self.engine = Engine(
            settings,
            docs_dir=Path(config.docs_dir),
            incidents_dir=self.config.incidents_dir,
            override_dirs=overrides,
            markdown_extensions=list(config.markdown_extensions),
            markdown_configs=dict(config.mdx_configs),
            cache=self._engine_cache,
            base=Path(config.config_file_path).parent if config.config_file_path else Path.cwd(),
            site_url=config.site_url or "",
            site_name=config.site_name,
        )
        config.extra_css.append(f"{ASSET_PREFIX}/pmsite.css")
        config.extra_javascript.append(f"{ASSET_PREFIX}/catalog.js")
        return config

    # Early, so the tags and search plugins and the navigation see the generated pages.
    @event_priority(50)
    def on_files(self, files: Files, *, config: MkDocsConfig) -> Files | None:
        if not self.config.enabled or self.engine is None:
            return files
        engine = self.engine
        result = engine.load()
        if result.errors:
            last_good = self._engine_cache.get("last_good")
            if self.is_serve and last_good is not None:
                # MkDocs' server stops answering after a failed build; keep the last good
                # corpus instead. The lines bypass the logger so strict mode does not abort.
                for problem in result.errors:
                    print(f"ERROR   -  pmsite: {problem.format()}", file=sys.stderr, flush=True)
                print(
                    f"ERROR   -  pmsite: {summarise(result.errors)}: still serving the last good version until they are fixed",
                    file=sys.stderr,
                    flush=True,
                )
                engine.corpus = last_good
            else:
                for problem in result.errors:
                    log.error(problem.format())
                raise PluginError(f"pmsite: {summarise(result.errors)}: fix them and build again (nothing was published)")
        else:
            self._engine_cache["last_good"] = result
        for problem in run_checklist(engine) if self.config.checklist else []:
            log.warning(problem.format())
        for file in list(files):
            if engine.owns_source(file.src_uri):
                files.remove(file)
        builder = engine.plan()
        for spec in builder.specs.values():
            if files.get_file_from_path(spec.src_uri) is not None:
                raise PluginError(f"{spec.src_uri}: pmsite generates this page; remove or rename the file")
            front: dict[str, Any] = {"title": str(escape(spec.title)), "tags": [str(escape(t)) for t in spec.tags]}
            if spec.description:
                front["description"] = str(escape(spec.description))
            if not spec.search:
                front["search"] = {"exclude": True}
            # Pages that grow with the corpus never enter the navigation, even when MkDocs builds it itself.
            inclusion = InclusionLevel.NOT_IN_NAV if spec.kind in ("incident", "category", "service") else InclusionLevel.UNDEFINED
            file = File.generated(config, spec.src_uri, content=f"---\n{json.dumps(front)}\n---\n", inclusion=inclusion)
            if spec.source_uri:
                file.edit_uri = spec.source_uri
            files.append(file)
        for data in engine.data_files():
            files.append(File.generated(config, data.path, content=data.content))
        # The corpus lives until the build ends: move it out of the cyclic collector's way,
        # or every later collection rescans it (superlinear at 10,000 incidents).
        gc.collect()
        gc.freeze()
        return files

    def on_page_markdown(self, markdown: str, *, page: Page, config: MkDocsConfig, files: Files) -> str | None:
        if self.engine is None or self.engine.generates(page.file.src_uri):
            return markdown
        return self.engine.expand_markers(markdown)

    # Early, so the search plugin indexes the engine's HTML, not the placeholder.
    @event_priority(50)
    def on_page_content(self, html: str, *, page: Page, config: MkDocsConfig, files: Files) -> str | None:
        if self.engine is None or not self.engine.generates(page.file.src_uri):
            return html
        rendered = self.engine.render(page.file.src_uri, edit_url=page.edit_url)
        tokens = toc_tokens([(level, ident, str(escape(title))) for level, ident, title in rendered.toc])
        page.toc = get_toc(tokens)  # type: ignore[arg-type]  # plain dicts of Python-Markdown's token shape
        return rendered.html

    # Before the search plugin (priority 0): it indexes a lean copy of each incident page...
    @event_priority(50)
    def _swap_in_search_copy(self, context: Any, *, page: Page, config: MkDocsConfig, nav: Any) -> Any:
        if self.engine is not None and self.engine.generates(page.file.src_uri):
            lean = self.engine.search_html(page.file.src_uri)
            if lean is not None:
                self._full_content[page.file.src_uri] = page.content or ""
                page.content = lean
        return context

    # ...and after it, the page gets its full content back before the theme renders it.
    @event_priority(-50)
    def _restore_full_content(self, context: Any, *, page: Page, config: MkDocsConfig, nav: Any) -> Any:
        full = self._full_content.pop(page.file.src_uri, None)
        if full is not None:
            page.content = full
        return context

    on_page_context = CombinedEvent(_swap_in_search_copy, _restore_full_content)

    def on_post_build(self, *, config: MkDocsConfig) -> None:
        gc.unfreeze()

    def on_build_error(self, *, error: Exception) -> None:
        gc.unfreeze()

    def on_post_page(self, output: str, *, page: Page, config: MkDocsConfig) -> str | None:
        if self.engine is None:
            return output
        return self.engine.decorate_head(output, page.url)

    def on_post_template(self, output_content: str, *, template_name: str, config: MkDocsConfig) -> str | None:
        """Theme-only pages (404.html) get the same head and accessibility fixes as the rest."""
        if self.engine is None or not template_name.endswith(".html"):
            return output_content
        return self.engine.decorate_head(output_content, "")

    def on_serve(self, server: Any, *, config: MkDocsConfig, builder: Any) -> Any:
        if self.engine is not None:
            server.watch(str(self.engine.incidents_path))
        if config.theme.custom_dir:
            server.watch(config.theme.custom_dir)
        return server
