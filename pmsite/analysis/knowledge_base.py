"""The analysed knowledge base: every published incident, indexed by category, service and tag.

Runs after every file is loaded (relations need every document) and before
anything is written. Only published documents (or drafts, when previewing)
enter here, so an unpublished document leaves no trace anywhere.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping
from functools import cached_property

from pmsite.analysis.actions import TrackedState
from pmsite.analysis.incidents import Incident, make_incident
from pmsite.analysis.recurrence import Recurrences, find_recurrences
from pmsite.analysis.related import RelatedIndex
from pmsite.format.document import Document
from pmsite.settings import Settings


class KnowledgeBase:
    """Every published incident, with indexes by category, service and tag."""

    def __init__(self, incidents: list[Incident], settings: Settings, previous: KnowledgeBase | None = None,
                 tickets: Mapping[str, TrackedState] | None = None) -> None:
        """``previous``: the knowledge base of the last build with the same settings and date, whose
        unchanged incidents ``incidents`` reuses (same objects); only the related lists an edit
        can change are computed again (see :meth:`RelatedIndex.stale`)."""
        self.settings = settings
        self.today = settings.today
        self.tickets = tickets or {}  # the tracker's states the actions were derived with
        # newest first, ties by id: the order every list of incidents uses
        self.incidents = sorted(incidents, key=lambda i: (-i.doc.started_at.timestamp(), i.id))
        self.by_id = {i.id: i for i in self.incidents}
        self.by_category: dict[str, list[Incident]] = defaultdict(list)
        self.by_service: dict[str, list[Incident]] = defaultdict(list)
        self.by_tag: dict[str, list[Incident]] = defaultdict(list)
        for inc in self.incidents:
            for cat in inc.categories:
                self.by_category[cat].append(inc)
            for svc in sorted(set(inc.doc.services)):
                self.by_service[svc].append(inc)
            for tag in sorted(set(inc.doc.tags)):
                self.by_tag[tag].append(inc)
        self.referenced_by: dict[str, list[Incident]] = defaultdict(list)
        for inc in self.incidents:
            for ref in dict.fromkeys(inc.doc.related):
                if ref in self.by_id and ref != inc.id:
                    self.referenced_by[ref].append(inc)
        self.related_index = RelatedIndex(self)
        self.related_index.compute(self.related_index.stale(previous.related_index) if previous is not None else None)

    @cached_property
    def recurrences(self) -> Recurrences:
        """Fixes that did not hold (:mod:`pmsite.analysis.recurrence`), found once per analysis."""
        return find_recurrences(self)


def build_knowledge_base(
    documents: list[tuple[Document, str]], settings: Settings, previous: KnowledgeBase | None = None,
    tickets: Mapping[str, TrackedState] | None = None,
) -> KnowledgeBase:
    """Turn (document, source path) pairs into the analysed knowledge base.

    Only published documents enter, unless the settings preview drafts. ``tickets``: the tracker's
    states by ticket URL, as the last sync recorded them. ``previous`` (the last build's, as a live
    preview keeps it) lets an unchanged document (the same object) keep its incident and, unless an
    edit reaches it, its related list; the result is the same as without.
    """
    today = settings.today
    states = tickets or {}
    chosen = [(d, s) for d, s in documents if d.published or settings.publish_drafts]
    if previous is None or previous.settings != settings or previous.today != today or previous.tickets != states:
        return KnowledgeBase([make_incident(d, s, settings, today, states) for d, s in chosen], settings, tickets=states)
    kept = {id(inc.doc): inc for inc in previous.incidents}  # previous keeps the documents alive: ids are unique
    incidents = []
    for doc, source_uri in chosen:
        inc = kept.get(id(doc))
        if inc is None or inc.source_uri != source_uri:
            inc = make_incident(doc, source_uri, settings, today, states)
        incidents.append(inc)
    return KnowledgeBase(incidents, settings, previous, tickets=states)
