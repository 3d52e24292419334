"""A published post-mortem with what the build derives from it."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from pmsite.analysis.actions import Action, TrackedState, make_action
from pmsite.format.document import Document, action_ids
from pmsite.settings import Settings


@dataclass
class Related:
    """An incident listed as related to another, and why."""

    incident: Incident
    reasons: list[str]
    explicit: bool  # named in ``related`` by either post-mortem



@dataclass(eq=False)  # identity: two incidents are never "equal" field by field
class Incident:
    """A published document with what the build derives from it."""

    doc: Document
    source_uri: str
    url: str = ""  # relative to the site root, with a trailing slash: set by the site's page plan, the one rule
    actions: list[Action] = field(default_factory=list)
    related: list[Related] = field(default_factory=list)
    # computed once: relations compare these sets over a million times at 10,000 incidents
    categories: list[str] = field(init=False)
    category_set: frozenset[str] = field(init=False)
    service_set: frozenset[str] = field(init=False)
    tag_set: frozenset[str] = field(init=False)
    timestamp: float = field(init=False)
    id: str = field(init=False)  # an attribute, not a property: read millions of times at 10,000 incidents

    def __post_init__(self) -> None:
        self.id = self.doc.id
        self.category_set = frozenset(rc.category for rc in self.doc.root_causes)
        self.categories = sorted(self.category_set)
        self.service_set = frozenset(self.doc.services)
        self.tag_set = frozenset(self.doc.tags)
        self.timestamp = self.doc.started_at.timestamp()

    @property
    def slug(self) -> str:
        return self.doc.slug

    @property
    def date(self) -> dt.date:
        return self.doc.started_at.date()

    @property
    def time_to_detect(self) -> dt.timedelta:
        return self.doc.detected_at - self.doc.started_at

    @property
    def time_to_mitigate(self) -> dt.timedelta | None:
        return self.doc.mitigated_at - self.doc.detected_at if self.doc.mitigated_at else None

    @property
    def duration(self) -> dt.timedelta | None:
        return self.doc.resolved_at - self.doc.detected_at if self.doc.resolved_at else None

    @property
    def impact_window(self) -> dt.timedelta | None:
        return self.doc.resolved_at - self.doc.started_at if self.doc.resolved_at else None

    @property
    def publication_delay(self) -> dt.timedelta | None:
        if self.doc.published_on is None or self.doc.resolved_at is None:
            return None
        return dt.timedelta(days=(self.doc.published_on - self.doc.resolved_at.date()).days)

    @property
    def open_actions(self) -> list[Action]:
        return [a for a in self.actions if a.open]

    def status_counts(self, statuses: Iterable[str]) -> dict[str, int]:
        """How many action items carry each status word, in the configured order."""
        counts = Counter(a.status for a in self.actions)
        return {s: counts.get(s, 0) for s in statuses}



def make_incident(doc: Document, source_uri: str, settings: Settings, today: dt.date,
                  tickets: Mapping[str, TrackedState] | None = None) -> Incident:
    """An incident and its action items' derived state on the reference date ``today``; ``tickets``
    are the tracker's states by ticket URL, where a sync read them."""
    incident = Incident(doc=doc, source_uri=source_uri)
    for item, item_id in zip(doc.action_items, action_ids(doc)):
        tracked = tickets.get(item.ticket) if tickets and item.ticket else None
        incident.actions.append(make_action(incident, item, item_id, settings, today, tracked))
    return incident
