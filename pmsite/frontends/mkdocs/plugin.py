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

import datetime as dt
import functools
import gc
import os
from pathlib import Path
from typing import Any, cast
from urllib.parse import quote

from markupsafe import escape
from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import PluginError
from mkdocs.plugins import BasePlugin, event_priority, get_plugin_logger
from mkdocs.structure.files import File, Files, InclusionLevel
from mkdocs.structure.pages import Page
from mkdocs.structure.toc import get_toc
from mkdocs.utils import clean_directory

from pmsite.engine import BuildCache, Engine
from pmsite.errors import PmsiteError
from pmsite.frontends.mkdocs.config import PmsiteConfig
from pmsite.frontends.mkdocs.preview import BackgroundJob, Previews, carry_over, environment
from pmsite.problems import summarise
from pmsite.settings import Settings
from pmsite.site import publishing
from pmsite.site.datafiles import ASSET_PREFIX
from pmsite.site.toc import toc_tokens

log = get_plugin_logger(__name__)


class GeneratedPage(File):
    """A page pmsite generates. A dirty build (``mkdocs serve --dirty``) rewrites it only when
    what it is made of changed since the last build into the same folder."""

    changed = True
    title = ""  # as its front matter gives it, for the navigation when the page is not read again

    def is_modified(self) -> bool:
        return self.changed or not os.path.isfile(self.abs_dest_path)


class DeferredFile(File):
    """A data file that a dirty rebuild writes after the pages, in the background."""

    def is_modified(self) -> bool:
        return False


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
        if self.config.search and any(name in config.plugins for name in ("search", "material/search")):
            raise PluginError(
                "pmsite: the site would have two search boxes that disagree: remove 'search' from 'plugins' in "
                "mkdocs.yml (pmsite indexes incidents and pages with Pagefind), or set the pmsite option 'search: false'"
            )
        settings = Settings.from_mapping(dict(self.config.items()))
        if settings.reference_date is not None and "SOURCE_DATE_EPOCH" not in os.environ:
            # MkDocs dates the sitemap from this: a fixed reference date makes the whole site reproducible
            midnight = dt.datetime.combine(settings.reference_date, dt.time(), tzinfo=dt.UTC)
            os.environ["SOURCE_DATE_EPOCH"] = str(int(midnight.timestamp()))
        directory_urls = config.use_directory_urls

        @functools.cache  # one File per source path and build: pages link the same incidents many times
        def url_for(src_uri: str) -> str:
            return File(src_uri, None, config.site_dir, directory_urls).url

        self.engine = Engine(
            settings,
            docs_dir=Path(config.docs_dir),
            incidents_dir=self.config.incidents_dir,
            override_dirs=[Path(config.theme.custom_dir)] if config.theme.custom_dir else [],
            markdown_extensions=list(config.markdown_extensions),
            markdown_configs=dict(config.mdx_configs),
            cache=self._cache,
            base=Path(config.config_file_path).parent if config.config_file_path else Path.cwd(),
            site_url=config.site_url or "",
            site_name=config.site_name,
            url_for=url_for,
            search=self.config.search,
            keep_entries=self.dirty,
        )
        config.extra_css.append(f"{ASSET_PREFIX}/pmsite.css")
        config.extra_javascript.append(f"{ASSET_PREFIX}/pmsite.js")
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
            builder = engine.plan()
        except PmsiteError as exc:  # two pages at one place
            raise PluginError(f"{publishing.LOG_PREFIX}{exc}") from None
        self._incremental = self._plan_incremental(config, engine)
        for spec in builder.specs.values():
            front = publishing.front_matter(spec)
            # Pages that grow with the corpus never enter the navigation, even when MkDocs builds it itself.
            inclusion = InclusionLevel.UNDEFINED if spec.in_nav else InclusionLevel.NOT_IN_NAV
            page = GeneratedPage.generated(config, spec.src_uri, content=publishing.front_matter_text(front), inclusion=inclusion)
            file = cast(GeneratedPage, page)
            if spec.source_uri:
                file.edit_uri = quote(spec.source_uri)
            file.title = front["title"]
            file.changed = not self._incremental or self._previews.changed(spec.src_uri)
            files.append(file)
        if self._incremental:
            for path in engine.data().paths():  # written after the pages: see on_post_build
                files.append(DeferredFile.generated(config, path, content=""))
        else:
            for data in engine.data_files():
                files.append(File.generated(config, data.path, content=data.content))
        _refuse_collisions(files)
        if self.config.search and not self._incremental:
            self._step(engine.search_index.start)
        # The corpus lives until the build ends: move it out of the cyclic collector's way,
        # or every later collection rescans it (superlinear at 10,000 incidents).
        if not rebuild:
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


def _refuse_collisions(files: Files) -> None:
    published: dict[str, File] = {}
    for file in files:
        other = published.get(file.dest_uri)
        if other is not None:
            message = publishing.collision(_origin(other), _origin(file), file.dest_uri)
            raise PluginError(f"{publishing.LOG_PREFIX}{message}")
        published[file.dest_uri] = file


def _origin(file: File) -> str:
    return publishing.origin(file.src_uri, bool(file.generated_by))


def _inside(path: Path, folder: Path) -> bool:
    try:
        path.resolve().relative_to(folder.resolve())
        return True
    except ValueError:
        return False
