"""The MkDocs plugin: thin hooks that hand the work to the engine.

Pipeline (as in Pelican): ``on_files`` reads and checks every YAML file,
analyses the corpus and registers one generated page per incident and per
index; ``on_page_content`` swaps each generated page's body for the engine's
HTML, so Python-Markdown never sees the bulk of the content. The search index is
built beside the build on the other core: incidents go to Pagefind in ``on_files``,
hand-written pages and the write in ``on_env``, and ``on_post_build`` collects it.
MkDocs owns URLs: the engine asks it where each page
is published, so ``use_directory_urls`` holds for every link.
"""

from __future__ import annotations

import datetime as dt
import fnmatch
import functools
import gc
import hashlib
import json
import os
import sys
import threading
from dataclasses import dataclass, field
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

from pmsite import __version__
from pmsite.analysis.checklist import run_checklist
from pmsite.engine import ASSET_DIR, ASSET_PREFIX, Engine, files_stamp
from pmsite.errors import PageCollision
from pmsite.frontends.mkdocs.config import PmsiteConfig
from pmsite.problems import summarise
from pmsite.settings import Settings
from pmsite.site.search.index import SearchError
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
    """A data file that a dirty rebuild writes after the pages, in the background (see ``Preview``)."""

    def is_modified(self) -> bool:
        return False


@dataclass
class Preview:
    """What the last successful dirty build into one folder left there, so the next one can do less.

    An edit then re-renders only the pages whose fingerprint changed; the data files and the
    search index, which depend on every incident, follow in the background once the pages are
    served. When the templates, the configuration or the reference date change, the folder is
    emptied and everything is built again.
    """

    environment: str = ""
    fingerprints: dict[str, str] = field(default_factory=dict)
    pages: dict[str, tuple[str, str, str]] = field(default_factory=dict)  # url -> search entry of a hand-written page


class PmsitePlugin(BasePlugin[PmsiteConfig]):
    """Turns ``content/incidents/**/*.yaml`` into incident pages and organisation-wide views."""

    def __init__(self) -> None:
        self.engine: Engine | None = None
        self.is_serve = False
        self.dirty = False
        self._engine_cache: dict[str, Any] = {}
        self._previews: dict[str, Preview] = {}  # by site_dir: kept between the builds of one process
        self._incremental: Preview | None = None  # this build's, when it re-renders only what changed
        self._fingerprints: dict[str, str] = {}
        self._environment = ""
        self._page_entries: dict[str, tuple[str, str, str]] = {}
        self._background: threading.Thread | None = None
        self._cancel = threading.Event()
        self._background_engine: Engine | None = None  # the engine whose data files and index it writes
        self._writing = threading.Lock()  # one background job at a time

    def on_startup(self, *, command: str, dirty: bool) -> None:
        self.is_serve = command == "serve"
        self.dirty = dirty

    def on_shutdown(self) -> None:
        self._wait_for_background()

    def on_config(self, config: MkDocsConfig) -> MkDocsConfig | None:
        self._cancel_background()  # the last preview's data files and search index are out of date now
        if not self.config.enabled:
            return config
        if self.config.search and any(name in config.plugins for name in ("search", "material/search")):
            raise PluginError(
                "pmsite: the site would have two search boxes that disagree: remove 'search' from 'plugins' in "
                "mkdocs.yml (pmsite indexes incidents and pages with Pagefind), or set the pmsite option 'search: false'"
            )
        raw = {k: v for k, v in self.config.items()}
        settings = Settings.from_mapping(raw)
        if settings.reference_date is not None and "SOURCE_DATE_EPOCH" not in os.environ:
            # MkDocs dates the sitemap from this: a fixed reference date makes the whole site reproducible
            midnight = dt.datetime.combine(settings.reference_date, dt.time(), tzinfo=dt.UTC)
            os.environ["SOURCE_DATE_EPOCH"] = str(int(midnight.timestamp()))
        overrides = [Path(config.theme.custom_dir)] if config.theme.custom_dir else []
        directory_urls = config.use_directory_urls

        @functools.cache  # one File per source path and build: pages link the same incidents many times
        def url_for(src_uri: str) -> str:
            return File(src_uri, None, config.site_dir, directory_urls).url

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
        rebuild = self.dirty and config.site_dir in self._previews
        if rebuild:
            # A preview's rebuild allocates little next to the corpus it keeps: a full collection
            # over that heap would cost more than the rebuild itself (freed at on_post_build).
            gc.disable()
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
        allowed = list(self.config.publish_incident_files)
        for file in list(files):
            # Nothing else from the incidents folder is published unless the site allows it by name.
            if engine.owns_source(file.src_uri) or (
                file.src_uri.startswith(engine.incidents_dir + "/")
                and not any(fnmatch.fnmatch(file.src_uri.rsplit("/", 1)[-1], pattern) for pattern in allowed)
            ):
                files.remove(file)
        try:
            builder = engine.plan()
        except PageCollision as exc:
            raise PluginError(f"pmsite: {exc}") from None
        self._incremental, self._fingerprints = self._plan_incremental(config, engine)
        previous = self._incremental.fingerprints if self._incremental else {}
        for spec in builder.specs.values():
            front: dict[str, Any] = {"title": str(escape(spec.title)), "tags": [str(escape(t)) for t in spec.tags], "hide": list(spec.hide)}
            if spec.description:  # Material writes it into an attribute without escaping
                front["description"] = str(escape(spec.description))
            # Pages that grow with the corpus never enter the navigation, even when MkDocs builds it itself.
            inclusion = InclusionLevel.UNDEFINED if spec.in_nav else InclusionLevel.NOT_IN_NAV
            # JSON is YAML; raw (not \\u-escaped) text keeps characters outside the BMP, such as emoji, valid.
            file = cast(GeneratedPage, GeneratedPage.generated(config, spec.src_uri, content=f"---\n{json.dumps(front, ensure_ascii=False)}\n---\n", inclusion=inclusion))
            if spec.source_uri:
                file.edit_uri = quote(spec.source_uri)
            file.title = front["title"]
            if self._incremental is not None:
                file.changed = previous.get(spec.src_uri) != self._fingerprints[spec.src_uri]
            files.append(file)
        if self._incremental is not None:
            for path in engine.data_paths():  # written after the pages: see on_post_build
                files.append(DeferredFile.generated(config, path, content=""))
        else:
            for data in engine.data_files():
                files.append(File.generated(config, data.path, content=data.content))
        published: dict[str, File] = {}
        for file in files:
            other = published.get(file.dest_uri)
            if other is not None:
                raise PluginError(f"pmsite: {_source(other)} and {_source(file)} would both be published as {file.dest_uri}")
            published[file.dest_uri] = file
        if self.config.search and self._incremental is None:
            try:
                engine.start_search_index()
            except SearchError as exc:
                raise PluginError(f"pmsite: {exc}") from None
        # The corpus lives until the build ends: move it out of the cyclic collector's way,
        # or every later collection rescans it (superlinear at 10,000 incidents).
        if not rebuild:
            gc.collect()
        gc.freeze()
        gc.enable()
        return files

    def on_page_markdown(self, markdown: str, *, page: Page, config: MkDocsConfig, files: Files) -> str | None:
        if self.engine is None or self.engine.generates(page.file.src_uri):
            return markdown
        return self.engine.expand_markers(markdown)

    # Early, so other plugins see the engine's HTML, not the placeholder.
    @event_priority(50)
    def on_page_content(self, html: str, *, page: Page, config: MkDocsConfig, files: Files) -> str | None:
        if self.engine is None or not self.engine.generates(page.file.src_uri):
            return html
        rendered = self.engine.render(page.file.src_uri, edit_url=page.edit_url)
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
        handwritten = [f for f in files.documentation_pages() if f.page is not None and not self.engine.generates(f.src_uri)]
        if self.dirty:
            self._carry_over(files, handwritten)
            if self._incremental is not None:
                return env  # the search index follows in the background (on_post_build)
        if not self.config.search:
            return env
        pages = sorted(
            (f.page.url, f.page.title or "", f.page.content or "")
            for f in handwritten
            if f.page is not None
        )
        try:
            self.engine.start_writing_search_index(Path(config.site_dir), pages)
        except SearchError as exc:
            raise PluginError(f"pmsite: {exc}") from None
        return env

    def _carry_over(self, files: Files, handwritten: list[File]) -> None:
        """A dirty build reads only modified pages; the others keep the search entry, and the title
        for the navigation (unless mkdocs.yml's nav names one), that the build which read them found."""
        kept = self._incremental.pages if self._incremental else {}
        entries = {}
        for f in handwritten:
            page = f.page
            assert page is not None
            if page.content is not None:
                entries[page.url] = (page.url, page.title or "", page.content)
            elif page.url in kept:
                entries[page.url] = kept[page.url]
                if page.title is None:
                    page.title = kept[page.url][1]
        self._page_entries = entries
        for f in files.documentation_pages():
            if isinstance(f, GeneratedPage) and f.page is not None and f.page.title is None:
                f.page.title = f.title

    def on_post_build(self, *, config: MkDocsConfig) -> None:
        if self.engine is not None and self._incremental is not None:
            pages = sorted(self._page_entries.values()) if self.config.search else None
            self._remember(config)
            self._start_background(self.engine, Path(config.site_dir), pages)  # it unfreezes the heap when done
            return
        gc.unfreeze()
        if self.engine is None:
            return
        if self.config.search:
            try:
                stats = self.engine.finish_search_index()
            except SearchError as exc:
                raise PluginError(f"pmsite: {exc}") from None
            log.info(f"Search index: {stats.records} incidents and {stats.pages} pages, {stats.files} files, {stats.bytes / 1e6:.1f} MB")
        self._remember(config)

    def on_build_error(self, *, error: Exception) -> None:
        gc.unfreeze()
        gc.enable()
        self._previews.clear()  # what is in the folder is unknown now: the next build renders everything
        if self.engine is not None:
            self.engine.stop_search_index()

    # --- dirty builds: render only what an edit changed ------------------------

    def _plan_incremental(self, config: MkDocsConfig, engine: Engine) -> tuple[Preview | None, dict[str, str]]:
        """This build's fingerprints, and the last build's state when this one may re-render only what changed."""
        if not self.dirty:
            return None, {}
        fingerprints = engine.fingerprints()
        self._environment = _environment(config, engine)
        previous = self._previews.get(config.site_dir)
        if previous is not None and previous.environment == self._environment:
            return previous, fingerprints
        self._wait_for_background()  # this build writes the data files itself: no older job may follow it
        if previous is not None:
            log.info("The templates, the configuration or the reference date changed: building every page again")
            del self._previews[config.site_dir]
            clean_directory(config.site_dir)
        return None, fingerprints

    def _remember(self, config: MkDocsConfig) -> None:
        if not self.dirty or self.engine is None:
            return
        self._previews[config.site_dir] = Preview(self._environment, self._fingerprints, self._page_entries)

    def _start_background(self, engine: Engine, site_dir: Path, pages: list[tuple[str, str, str]] | None) -> None:
        """Write the data files and the search index after a preview's pages, on another thread.

        The next build cancels it (``on_config``) without waiting: that build renders its pages
        meanwhile, and its own job starts once this one has stopped. The job's last step collects
        the garbage of earlier builds, which a rebuild skips.
        """
        cancelled = self._cancel = threading.Event()

        def work() -> None:
            with self._writing:
                try:
                    for step in engine.data_writers(site_dir):
                        if cancelled.is_set():
                            return
                        step()
                    if pages is not None and not cancelled.is_set():
                        engine.write_search_index(site_dir, pages, background=True)
                except Exception as exc:  # a thread's exception would only reach stderr as a traceback
                    if cancelled.is_set():
                        return  # stopped on purpose (the search indexer is killed): the next build writes them
                    log.error(f"the data files or the search index of the preview could not be written: {exc}")
                    self._previews.pop(str(site_dir), None)
                finally:
                    gc.unfreeze()
                    if not cancelled.is_set():
                        gc.collect()

        self._background_engine = engine
        self._background = threading.Thread(target=work, name="pmsite-preview", daemon=True)
        self._background.start()

    def _wait_for_background(self, *, cancel: bool = True) -> None:
        """Until the last preview's background job has stopped (cancelled, or with ``cancel=False`` done)."""
        if self._background is not None:
            if cancel:
                self._cancel_background()
            self._background.join()
            self._background = None

    def _cancel_background(self) -> None:
        """Stop the last preview's background job without waiting: it checks the flag between its
        steps, and the search indexer, which takes seconds on both cores at 10,000 incidents,
        is killed now rather than left to slow the next build down."""
        self._cancel.set()
        if self._background_engine is not None:
            self._background_engine.abort_search_index()

    def wait_for_preview(self) -> None:
        """Until the last dirty build's data files and search index are written (for tests and tools)."""
        self._wait_for_background(cancel=False)

    def on_serve(self, server: Any, *, config: MkDocsConfig, builder: Any) -> Any:
        # MkDocs already watches docs_dir (and so the incidents folder inside it); watching it
        # again made one save trigger two rebuilds. Only a folder outside docs_dir needs a watch.
        if self.engine is not None and not _inside(self.engine.incidents_path, Path(config.docs_dir)):
            server.watch(str(self.engine.incidents_path))
        if config.theme.custom_dir and not _inside(Path(config.theme.custom_dir), Path(config.docs_dir)):
            server.watch(config.theme.custom_dir)
        return server


def _environment(config: MkDocsConfig, engine: Engine) -> str:
    """A digest of what every page depends on besides its own inputs: the configuration file, the
    templates (the theme's overrides and pmsite's own), pmsite's version and the reference date."""
    digest = hashlib.blake2b(digest_size=16)
    digest.update(f"{__version__}\0{engine.settings.today.isoformat()}\0".encode())
    if config.config_file_path and os.path.isfile(config.config_file_path):
        digest.update(Path(config.config_file_path).read_bytes())
    digest.update(f"{engine.templates_stamp}\0{files_stamp([ASSET_DIR])}".encode())  # the overrides are the engine's
    return digest.hexdigest()


def _inside(path: Path, folder: Path) -> bool:
    try:
        path.resolve().relative_to(folder.resolve())
        return True
    except ValueError:
        return False


def _source(file: File) -> str:
    return f"{file.src_uri} (generated by pmsite)" if file.generated_by else file.src_uri
