"""What the tracker side knows of a knowledge base: its action items, read from the post-mortems.

The front end reads mkdocs.yml and hands the folders and settings over (:func:`site_from`);
every read of the post-mortems for the tracker goes through here."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from pmsite.errors import UsageError
from pmsite.format.document import ActionItem, action_ids
from pmsite.reading.corpus import load_corpus
from pmsite.reading.files import discover
from pmsite.settings import Settings
from pmsite.site.plan import incident_source
from pmsite.site.urls import page_url
from pmsite.statuses import CLOSED
from pmsite.tracker_config import TrackerConfig


@dataclass(frozen=True)
class Action:
    """One action item of a valid post-mortem, with what a ticket needs to say of its incident."""

    incident_id: str
    incident_title: str
    slug: str  # the incident page is incidents/<slug>/
    published: bool
    teams: tuple[str, ...]
    path: Path
    display: str  # the file as messages name it
    index: int  # position in action_items
    action_id: str
    item: ActionItem
    is_open: bool  # its status means open or in progress (the site's status rule, pmsite.statuses)

    @property
    def name(self) -> str:
        return f"{self.incident_id}/{self.action_id}"


@dataclass
class Site:
    """What the tracker side needs of a knowledge base."""

    base: Path  # the folder of mkdocs.yml
    docs_dir: Path
    site_url: str
    settings: Settings
    tracker: TrackerConfig | None
    actions: list[Action] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)  # files that did not load, as the build words them
    directory_urls: bool = True

    @property
    def visible(self) -> list[Action]:
        """The actions the site shows: those of published post-mortems (of all, when drafts are published)."""
        return [a for a in self.actions if a.published or self.settings.publish_drafts]

    @property
    def state_path(self) -> Path:
        """Where the state file lives (the tracker option's rule)."""
        try:
            return self.require_tracker().state_path(self.base, self.docs_dir)
        except ValueError as exc:
            raise UsageError(f"pmsite option {exc}") from None

    def require_tracker(self) -> TrackerConfig:
        if self.tracker is None:
            raise UsageError("no tracker configured: add a tracker (kind, url, project) to the pmsite plugin's "
                             "options in mkdocs.yml")
        return self.tracker


def site_from(*, base: Path, docs_dir: Path, incidents_path: Path, site_url: str, directory_urls: bool,
              settings: Settings, tracker: TrackerConfig | None) -> Site:
    """Every action item of every valid post-mortem of the incidents folder, with the site's rules."""
    site = Site(base, docs_dir, site_url, settings, tracker, directory_urls=directory_urls)
    if not incidents_path.is_dir():
        return site
    corpus = load_corpus(discover(incidents_path), settings, base=Path.cwd(), docs_dir=docs_dir, roots=[incidents_path])
    site.errors = [p.format() for p in corpus.errors]
    for loaded in corpus.documents:
        doc = loaded.document
        assert doc is not None
        for index, (item, action_id) in enumerate(zip(doc.action_items, action_ids(doc))):
            site.actions.append(Action(doc.id, doc.title, doc.slug, doc.published, tuple(doc.teams), loaded.path,
                                       loaded.display, index, action_id, item, is_open(item, settings)))
    site.actions.sort(key=lambda a: (a.display, a.index))
    return site


def is_open(item: ActionItem, settings: Settings) -> bool:
    """Whether apply creates a ticket for the item: its status means open or in progress on this site."""
    return settings.status_meaning(item.status) not in CLOSED


def incident_page(site_url: str, slug: str, directory_urls: bool = True) -> str:
    """The incident's page on the published site (the site's own URL rule), or "" when mkdocs.yml has no site_url."""
    return f"{site_url.rstrip('/')}/{page_url(incident_source(slug), directory_urls)}" if site_url else ""
