"""The pages and files of one build, independent of any front end: the plan, the renderer, the
listings' data and the fingerprints, made from one analysed knowledge base.

A front end registers every page of :attr:`SiteBuilder.specs` and asks for each page's HTML
with :meth:`SiteBuilder.render`; nothing is rendered before it is asked for.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from pmsite.analysis.incidents import Incident
from pmsite.analysis.knowledge_base import KnowledgeBase
from pmsite.site.fingerprints import FingerprintMemo, Fingerprints
from pmsite.site.listings import Listings
from pmsite.site.markdown import MarkdownRenderer
from pmsite.site.pages import PageSpec, RenderedPage
from pmsite.site.plan import SitePlan
from pmsite.site.render import PageRenderer, PatternMemo
from pmsite.site.templates import Templates
from pmsite.site.urls import directory_url


@dataclass
class SiteMemo:
    """What a live preview keeps of the site between rebuilds: patterns and fingerprints, each reused
    only for the very same inputs (the same incident objects, settings and date)."""

    patterns: PatternMemo = field(default_factory=PatternMemo)
    fingerprints: FingerprintMemo = field(default_factory=FingerprintMemo)


class SiteBuilder:
    """Every generated page of a knowledge base: where it is, its HTML when asked, and its digest."""

    def __init__(
        self,
        kb: KnowledgeBase,
        templates: Templates,
        markdown: MarkdownRenderer,
        *,
        checklist: Callable[[Incident], list[Any]] | None = None,
        url_for: Callable[[str], str] = directory_url,
        digests: Mapping[str, str] | None = None,
        memo: SiteMemo | None = None,
    ) -> None:
        """``digests``: source path -> digest of its bytes, for fingerprints; ``memo``: what the last
        build of a live preview kept."""
        memo = memo if memo is not None else SiteMemo()
        self.kb = kb
        self.plan = SitePlan(kb, url_for)
        self.listings = Listings(self.plan, markdown)
        self.renderer = PageRenderer(self.plan, self.listings, templates, markdown, checklist=checklist, memo=memo.patterns)
        self.fingerprinter = Fingerprints(self.plan, self.listings, digests or {}, memo.fingerprints)

    @property
    def specs(self) -> dict[str, PageSpec]:
        return self.plan.specs

    def render(self, src_uri: str, *, edit_url: str | None = None) -> RenderedPage:
        return self.renderer.render(self.plan.specs[src_uri], edit_url=edit_url)

    def catalog_data(self) -> str:
        """Every incident in a compact form the catalog's filters read."""
        return self.listings.data("catalog")

    def actions_data(self) -> str:
        """Every open action item in review order, compactly, for the open-actions page's filters."""
        return self.listings.data("actions")

    def fingerprints(self) -> dict[str, str]:
        """Per generated page, a digest of what it is made of (see :mod:`pmsite.site.fingerprints`)."""
        return self.fingerprinter.pages()

    def incident_fingerprint(self, inc: Incident) -> str:
        return self.fingerprinter.incident(inc)
