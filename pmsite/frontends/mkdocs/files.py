"""The generated pages and data files as MkDocs ``File`` objects, and the rule that no two share a place."""

from __future__ import annotations

import os
from collections.abc import Callable
from typing import cast
from urllib.parse import quote

from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import PluginError
from mkdocs.structure.files import File, Files, InclusionLevel

from pmsite.engine import Engine
from pmsite.site import publishing
from pmsite.site.builder import SiteBuilder


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


def add_generated(
    files: Files,
    config: MkDocsConfig,
    engine: Engine,
    plan: SiteBuilder,
    *,
    incremental: bool,
    changed: Callable[[str], bool],
) -> None:
    """One file per generated page and data file; an incremental build marks only ``changed`` pages for writing
    and leaves the data files to the background job."""
    for spec in plan.specs.values():
        front = publishing.front_matter(spec)
        # Pages that grow with the corpus never enter the navigation, even when MkDocs builds it itself.
        inclusion = InclusionLevel.UNDEFINED if spec.in_nav else InclusionLevel.NOT_IN_NAV
        file = cast(
            GeneratedPage,
            GeneratedPage.generated(
                config, spec.src_uri, content=publishing.front_matter_text(front), inclusion=inclusion
            ),
        )
        if spec.source_uri:
            file.edit_uri = quote(spec.source_uri)
        file.title = front["title"]
        file.changed = not incremental or changed(spec.src_uri)
        files.append(file)
    if incremental:
        for path in engine.data().paths():  # written after the pages: see the plugin's on_post_build
            files.append(DeferredFile.generated(config, path, content=""))
    else:
        for data in engine.data_files():
            files.append(File.generated(config, data.path, content=data.content))
    refuse_collisions(files)


def refuse_collisions(files: Files) -> None:
    """Two files published at one place stop the build, naming both."""
    published: dict[str, File] = {}
    for file in files:
        other = published.get(file.dest_uri)
        if other is not None:
            message = publishing.collision(_origin(other), _origin(file), file.dest_uri)
            raise PluginError(f"{publishing.LOG_PREFIX}{message}")
        published[file.dest_uri] = file


def _origin(file: File) -> str:
    return publishing.origin(file.src_uri, bool(file.generated_by))
