"""The MkDocs plugin: thin hooks that hand the work to the engine.

Pipeline (as in Pelican): ``on_files`` reads and checks every YAML file,
analyses the corpus and registers one generated page per incident and per
index; ``on_page_content`` swaps each generated page's body for the engine's
HTML, so Python-Markdown never sees the bulk of the content. The search index is
built beside the build on the other core: incidents go to Pagefind in ``on_files``,
hand-written pages and the write in ``on_env``, and ``on_post_build`` collects it.
MkDocs owns URLs: the engine asks it where each page is published, so
``use_directory_urls`` holds for every link. The live preview's state and background
work are :mod:`pmsite.frontends.mkdocs.preview`'s.
"""

from __future__ import annotations

import gc
from pathlib import Path
from typing import Any

from markupsafe import escape
from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import PluginError
from mkdocs.plugins import BasePlugin, event_priority, get_plugin_logger
from mkdocs.structure.files import Files
from mkdocs.structure.pages import Page
from mkdocs.structure.toc import get_toc
from mkdocs.utils import clean_directory

from pmsite.engine import BuildCache, Engine
from pmsite.errors import PmsiteError
from pmsite.frontends.mkdocs.config import PmsiteConfig
from pmsite.frontends.mkdocs.files import GeneratedPage, add_generated
from pmsite.frontends.mkdocs.preview import BackgroundJob, Previews, carry_over, environment
from pmsite.frontends.mkdocs.setup import engine_for
from pmsite.problems import summarise
from pmsite.site import publishing
from pmsite.site.toc import toc_tokens

log = get_plugin_logger(__name__)


class PmsitePlugin(BasePlugin[PmsiteConfig]):
    """Turns ``content/incidents/**/*.yaml`` into incident pages and organisation-wide views."""

    def __init__(self) -> None:
        self.engine: Engine | None = None
        self.is_serve = False
        self.dirty = False
        self._cache = BuildCache()  # kept between the builds of one process
        self._previews = Previews()  # by site_dir: kept between the builds of one process
        self._incremental = False  # this build re-renders only what changed
        self._job = BackgroundJob()

    def on_startup(self, *, command: str, dirty: bool) -> None:
        self.is_serve = command == "serve"
        self.dirty = dirty

    def on_shutdown(self) -> None:
        self._job.wait()

    def on_config(self, config: MkDocsConfig) -> MkDocsConfig | None:
        self._job.cancel()  # the last preview's data files and search index are out of date now
        if not self.config.enabled:
            return config
        self.engine = engine_for(config, self.config, self._cache, dirty=self.dirty)
        return config

    # Early, so the tags plugin and the navigation see the generated pages.
    @event_priority(50)
    def on_files(self, files: Files, *, config: MkDocsConfig) -> Files | None:
        if not self.config.enabled or self.engine is None:
            return files
        engine = self.engine
        rebuild = self.dirty and self._previews.has(config.site_dir)
        if rebuild:
            # A preview's rebuild allocates little next to the corpus it keeps: a full collection
            # over that heap would cost more than the rebuild itself (freed at on_post_build).
            gc.disable()
        self._load(engine)
        if not rebuild:
            # The corpus just read lives until the build ends: out of the cyclic collector's way before the
            # analysis allocates, or each automatic full collection rescans it (seconds at 10,000 incidents).
            gc.collect()
            gc.freeze()
        for problem in engine.checklist_warnings() if self.config.checklist else []:
            log.warning(problem.format())
        for warning in engine.tracker_warnings():
            log.warning(warning)
        if engine.ignored_files:
            log.info(publishing.ignored_note(engine.ignored_files))
        allowed = list(self.config.publish_incident_files)
        for file in list(files):
            if not publishing.publishes_incident_file(file.src_uri, engine.incidents_dir, allowed):
                files.remove(file)
        try:
            plan = engine.plan()
        except PmsiteError as exc:  # two pages at one place
            raise PluginError(f"{publishing.LOG_PREFIX}{exc}") from None
        self._incremental = self._plan_incremental(config, engine)
        add_generated(files, config, engine, plan, incremental=self._incremental, changed=self._previews.changed)
        if self.config.search and not self._incremental:
            self._step(engine.search_index.start)
        if not rebuild:  # the analysis lives until the build ends too (collected: what came since the freeze)
            gc.collect()
        gc.freeze()
        gc.enable()
        return files

    def _load(self, engine: Engine) -> None:
        """Read every file; errors stop the build, except in a preview that has a last good version to serve."""
        result = engine.load()
        if not result.errors:
            self._cache.last_good = result
            return
        last_good = self._cache.last_good
        if self.is_serve and last_good is not None:
            # MkDocs' server stops answering after a failed build; keep the last good
            # corpus instead. The lines bypass the logger so strict mode does not abort.
            for problem in result.errors:
                publishing.say("ERROR", problem.format())
            publishing.say("ERROR", f"{summarise(result.errors)}: still serving the last good version until they are fixed")
            engine.corpus = last_good
            return
        for problem in result.errors:
            log.error(problem.format())
        raise PluginError(f"{publishing.LOG_PREFIX}{publishing.failure(result.errors)}")

    def on_page_markdown(self, markdown: str, *, page: Page, config: MkDocsConfig, files: Files) -> str | None:
        if self.engine is None or self.engine.generates(page.file.src_uri):
            return markdown
        return self.engine.expand_markers(markdown)

    # Early, so other plugins see the engine's HTML, not the placeholder.
    @event_priority(50)
    def on_page_content(self, html: str, *, page: Page, config: MkDocsConfig, files: Files) -> str | None:
        engine = self.engine
        if engine is None or not engine.generates(page.file.src_uri):
            return html
        rendered = self._step(lambda: engine.render(page.file.src_uri, edit_url=page.edit_url))
        tokens = toc_tokens([(level, ident, str(escape(title))) for level, ident, title in rendered.toc])
        page.toc = get_toc(tokens)  # type: ignore[arg-type]  # plain dicts of Python-Markdown's token shape
        return rendered.html

    def on_post_page(self, output: str, *, page: Page, config: MkDocsConfig) -> str | None:
        if self.engine is None:
            return output
        return self.engine.decorate_head(output, page.url)

    def on_post_template(self, output_content: str, *, template_name: str, config: MkDocsConfig) -> str | None:
        """Theme-only pages (404.html) get the same head as the rest."""
        if self.engine is None or not template_name.endswith(".html"):
            return output_content
        return self.engine.decorate_head(output_content, "")

    # Late, after other plugins' on_env: every page's content is final by now.
    @event_priority(-50)
    def on_env(self, env: Any, *, config: MkDocsConfig, files: Files) -> Any:
        """Every page is rendered to HTML before the theme runs: index the hand-written ones now, and let
        Pagefind write the index on the other core while the theme's templates fill the pages."""
        if self.engine is None:
            return env
        handwritten = [f.page for f in files.documentation_pages() if f.page is not None and not self.engine.generates(f.src_uri)]
        if self.dirty:
            kept = self._previews.current.pages if self._previews.current else {}
            self._previews.pages, titles = carry_over([(p.url, p.title, p.content) for p in handwritten], kept)
            for page in handwritten:  # a page not read again keeps the title the build that read it found
                page.title = titles.get(page.url, page.title)
            for f in files.documentation_pages():
                if isinstance(f, GeneratedPage) and f.page is not None and f.page.title is None:
                    f.page.title = f.title
            if self._incremental:
                return env  # the search index follows in the background (on_post_build)
        if not self.config.search:
            return env
        pages = sorted((p.url, p.title or "", p.content or "") for p in handwritten)
        engine = self.engine
        self._step(lambda: engine.search_index.start_writing(Path(config.site_dir), pages))
        return env

    def on_post_build(self, *, config: MkDocsConfig) -> None:
        if self.engine is not None and self._incremental:
            pages = sorted(self._previews.pages.values()) if self.config.search else None
            self._remember(config)
            site_dir = config.site_dir

            def failed(exc: Exception) -> None:
                log.error(f"the data files or the search index of the preview could not be written: {exc}")
                self._previews.forget(site_dir)

            self._job.start(self.engine, Path(site_dir), pages, failed)  # it unfreezes the heap when done
            return
        gc.unfreeze()
        if self.engine is None:
            return
        if self.config.search:
            stats = self._step(self.engine.search_index.finish)
            log.info(publishing.search_summary(stats.records, stats.pages, stats.files, stats.bytes))
        self._remember(config)

    def on_build_error(self, *, error: Exception) -> None:
        gc.unfreeze()
        gc.enable()
        self._previews.forget()  # what is in the folder is unknown now: the next build renders everything
        if self.engine is not None:
            self.engine.search_index.stop()

    def _step(self, step: Any) -> Any:
        """One step of the engine that can fail (the search index, rendering a page): its failure is the build's,
        as one located line, never a traceback."""
        try:
            return step()
        except PmsiteError as exc:
            raise PluginError(f"{publishing.LOG_PREFIX}{exc}") from None

    # --- dirty builds: render only what an edit changed ------------------------

    def _plan_incremental(self, config: MkDocsConfig, engine: Engine) -> bool:
        """Whether this build may re-render only what changed since the last dirty build into the same folder."""
        if not self.dirty:
            return False
        if self._previews.plan(config.site_dir, environment(config.config_file_path, engine), engine.fingerprints()):
            return True
        self._job.wait()  # this build writes the data files itself: no older job may follow it
        if self._previews.stale(config.site_dir):
            log.info("The templates, the configuration or the reference date changed: building every page again")
            clean_directory(config.site_dir)
        return False

    def _remember(self, config: MkDocsConfig) -> None:
        if self.dirty and self.engine is not None:
            self._previews.remember(config.site_dir)

    def wait_for_preview(self) -> None:
        """Until the last dirty build's data files and search index are written (for tests and tools)."""
        self._job.wait(cancel=False)

    def on_serve(self, server: Any, *, config: MkDocsConfig, builder: Any) -> Any:
        # MkDocs already watches docs_dir (and so the incidents folder inside it); watching it
        # again made one save trigger two rebuilds. Only a folder outside docs_dir needs a watch.
        if self.engine is not None and not _inside(self.engine.incidents_path, Path(config.docs_dir)):
            server.watch(str(self.engine.incidents_path))
        if config.theme.custom_dir and not _inside(Path(config.theme.custom_dir), Path(config.docs_dir)):
            server.watch(config.theme.custom_dir)
        return server


def _inside(path: Path, folder: Path) -> bool:
    try:
        path.resolve().relative_to(folder.resolve())
        return True
    except ValueError:
        return False
