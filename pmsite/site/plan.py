"""The page plan: every page a knowledge base produces, known up front, and where each is published.

A front end registers every page before rendering any, so the plan is made once, from the
analysed knowledge base, and pages are rendered only when asked (memory stays flat however
many incidents there are). Where a page is published is the front end's business: it passes
``url_for``, which turns a page's source path (``incidents/x/index.md``) into its URL, so
MkDocs' ``use_directory_urls`` (or another builder's rule) holds for every link the engine
writes. The plan is the one place that gives an incident its URL.

Listings that grow with the corpus (the catalog, open actions) are split into numbered
pages of :data:`~pmsite.site.pages.PAGE_SIZE`, so no page grows with the corpus.
"""

from __future__ import annotations

from collections.abc import Callable

from pmsite.analysis.actions import Action, open_actions
from pmsite.analysis.incidents import Incident
from pmsite.analysis.knowledge_base import KnowledgeBase
from pmsite.errors import PageCollision
from pmsite.site.pages import PAGE_SIZE, PageSpec, page_origin
from pmsite.site.urls import directory_url, unique_slugs, url_slug
from pmsite.text import plain_text

LISTINGS = {"catalog": ("incidents", "Incident catalog"), "actions": ("actions", "Open action items")}  # kind: folder, title
REVIEW_SOURCE = "review/index.md"  # the monthly action review
VIEWS = (("patterns/index.md", "Recurring patterns", "patterns"), ("history/index.md", "Severity history", "history"),
         (REVIEW_SOURCE, "Monthly action review", "review"))
GROUPS = {"category": ("categories", "Root cause"), "service": ("services", "Service")}  # kind: folder, title prefix
FEED_FOLDERS = {"category": "categories", "service": "services", "team": "teams"}  # a group's feed: <folder>/<slug>/feed.xml
DESCRIPTION_CHARS = 300  # of an incident page's description (its summary as one line of plain text)


def incident_source(slug: str) -> str:
    """The source path of an incident's page: published at ``incidents/<slug>/`` under MkDocs' rule."""
    return f"incidents/{slug}/index.md"


def listing_source(kind: str, number: int) -> str:
    folder = LISTINGS[kind][0]
    return f"{folder}/index.md" if number == 1 else f"{folder}/page/{number}/index.md"


class SitePlan:
    """Every generated page of a knowledge base, by source path and by URL; refuses two at one place."""

    def __init__(self, kb: KnowledgeBase, url_for: Callable[[str], str] = directory_url) -> None:
        self.kb = kb
        self.url_for = url_for
        self.specs: dict[str, PageSpec] = {}
        self._by_url: dict[str, PageSpec] = {}
        self.category_slugs = unique_slugs(sorted(kb.by_category))
        self.service_slugs = unique_slugs(sorted(kb.by_service))
        self.team_slugs = unique_slugs(sorted({t for inc in kb.incidents for t in inc.doc.teams}))  # teams have feeds, no pages
        self.open_actions: list[Action] = open_actions((a for inc in kb.incidents for a in inc.actions), kb.settings.priorities)
        self._plan()

    def category_url(self, name: str) -> str:
        return self._group_url("category", self.category_slugs.get(name) or url_slug(name))

    def service_url(self, name: str) -> str:
        return self._group_url("service", self.service_slugs.get(name) or url_slug(name))

    def feed_path(self, kind: str, name: str) -> str:
        """Where the Atom feed of a root-cause category, a service or a team is, from the site's root: beside
        the group's page (a team has none), a file whatever the front end's rule for pages."""
        slugs = {"category": self.category_slugs, "service": self.service_slugs, "team": self.team_slugs}[kind]
        return f"{FEED_FOLDERS[kind]}/{slugs.get(name) or url_slug(name)}/feed.xml"

    def incident_feeds(self, inc: Incident) -> list[tuple[str, str]]:
        """(label, path) of the feeds an incident's page links: its teams', services' and categories'."""
        return [*((f"team {t}", self.feed_path("team", t)) for t in dict.fromkeys(inc.doc.teams)),
                *((f"service {s}", self.feed_path("service", s)) for s in dict.fromkeys(inc.doc.services)),
                *((f"root cause {c}", self.feed_path("category", c)) for c in inc.categories)]

    def listing_url(self, kind: str, number: int) -> str:
        return self.url_for(listing_source(kind, number))

    def _group_url(self, kind: str, slug: str) -> str:
        return self.url_for(f"{GROUPS[kind][0]}/{slug}/index.md")

    def _plan(self) -> None:
        for kind, count in (("catalog", len(self.kb.incidents)), ("actions", len(self.open_actions))):
            title = LISTINGS[kind][1]
            pages = max(1, -(-count // PAGE_SIZE))
            for number in range(1, pages + 1):
                src = listing_source(kind, number)
                shown = title if number == 1 else f"{title}, page {number} of {pages}"
                self._add(PageSpec(src, self.url_for(src), shown, kind, number=number, hide=("navigation", "toc")))
        for src, title, kind in VIEWS:
            self._add(PageSpec(src, self.url_for(src), title, kind))
        for kind, slugs in (("category", self.category_slugs), ("service", self.service_slugs)):
            folder, prefix = GROUPS[kind]
            for name, slug in slugs.items():
                src = f"{folder}/{slug}/index.md"
                self._add(PageSpec(src, self.url_for(src), f"{prefix}: {name}", kind, name))
        for inc in self.kb.incidents:
            src = incident_source(inc.slug)
            inc.url = self.url_for(src)  # the front end decides where a page lives; every link follows
            self._add(
                PageSpec(
                    src,
                    inc.url,
                    f"{inc.id}: {inc.doc.title}",
                    "incident",
                    inc.id,
                    tags=list(inc.doc.tags),
                    source_uri=inc.source_uri,
                    description=plain_text(inc.doc.summary, DESCRIPTION_CHARS),
                )
            )

    def _add(self, spec: PageSpec) -> None:
        for index, key in ((self.specs, spec.src_uri), (self._by_url, spec.url)):
            other = index.get(key)
            if other is not None:
                raise PageCollision(f"{page_origin(other)} and {page_origin(spec)} would both be published at {spec.url or '/'}")
        self.specs[spec.src_uri] = spec
        self._by_url[spec.url] = spec
