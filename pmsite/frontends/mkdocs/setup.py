"""What the plugin takes from ``mkdocs.yml`` before a build: one search box, a reproducible date, the engine."""

from __future__ import annotations

import datetime as dt
import functools
import os
from pathlib import Path

from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import PluginError
from mkdocs.structure.files import File

from pmsite.engine import BuildCache, Engine
from pmsite.frontends.mkdocs.config import PmsiteConfig
from pmsite.settings import Settings
from pmsite.site.datafiles import ASSET_PREFIX


def engine_for(config: MkDocsConfig, options: PmsiteConfig, cache: BuildCache, *, dirty: bool) -> Engine:
    """The engine for this build, with MkDocs' answers to where each page is published."""
    if options.search and any(name in config.plugins for name in ("search", "material/search")):
        raise PluginError(
            "pmsite: the site would have two search boxes that disagree: remove 'search' from 'plugins' in "
            "mkdocs.yml (pmsite indexes incidents and pages with Pagefind), or set the pmsite option 'search: false'"
        )
    settings = Settings.from_mapping(dict(options.items()))
    if settings.reference_date is not None and "SOURCE_DATE_EPOCH" not in os.environ:
        # MkDocs dates the sitemap from this: a fixed reference date makes the whole site reproducible
        midnight = dt.datetime.combine(settings.reference_date, dt.time(), tzinfo=dt.UTC)
        os.environ["SOURCE_DATE_EPOCH"] = str(int(midnight.timestamp()))
    directory_urls = config.use_directory_urls

    @functools.cache  # one File per source path and build: pages link the same incidents many times
    def url_for(src_uri: str) -> str:
        return File(src_uri, None, config.site_dir, directory_urls).url

    engine = Engine(
        settings,
        docs_dir=Path(config.docs_dir),
        incidents_dir=options.incidents_dir,
        override_dirs=[Path(config.theme.custom_dir)] if config.theme.custom_dir else [],
        markdown_extensions=list(config.markdown_extensions),
        markdown_configs=dict(config.mdx_configs),
        cache=cache,
        base=Path(config.config_file_path).parent if config.config_file_path else Path.cwd(),
        site_url=config.site_url or "",
        site_name=config.site_name,
        url_for=url_for,
        search=options.search,
        keep_entries=dirty,
    )
    config.extra_css.append(f"{ASSET_PREFIX}/pmsite.css")
    config.extra_javascript.append(f"{ASSET_PREFIX}/pmsite.js")
    return engine
