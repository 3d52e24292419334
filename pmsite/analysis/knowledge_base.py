"""The analysed knowledge base: every published incident, indexed by category, service and tag.

Runs after every file is loaded (relations need every document) and before
anything is written. Only published documents (or drafts, when previewing)
enter here, so an unpublished document leaves no trace anywhere.
"""

from __future__ import annotations

import bisect
from collections import defaultdict

from pmsite.analysis.incidents import Incident, Related, make_incident
from pmsite.format.document import Document
from pmsite.settings import Settings


class KnowledgeBase:
    """Every published incident, with indexes by category, service and tag."""

    def __init__(self, incidents: list[Incident], settings: Settings, previous: KnowledgeBase | None = None) -> None:
        """``previous``: the knowledge base of the last build with the same settings and date, whose
        unchanged incidents ``incidents`` reuses (same objects); only the related lists an edit
        can change are computed again (see :meth:`_stale`)."""
        self.settings = settings
        self.today = settings.today
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
        self._bucket_keys: dict[int, list[float]] = {}  # per bucket (by id), its members' sort keys; see _keys
        self._pair_index: dict[tuple[str, str], list[Incident]] = defaultdict(list)  # (category, "s:"/"t:" name)
        for inc in self.incidents:
            for cat in inc.categories:
                for svc in sorted(inc.service_set):
                    self._pair_index[(cat, "s:" + svc)].append(inc)
                for tag in sorted(inc.tag_set):
                    self._pair_index[(cat, "t:" + tag)].append(inc)
        self._compute_related(self._stale(previous) if previous is not None else None)

    # --- related incidents --------------------------------------------------

    def _nearest(self, bucket: list[Incident], inc: Incident, n: int) -> list[Incident]:
        """The ``n`` incidents of a bucket closest in time to ``inc`` on each side (bucket is newest first)."""
        if len(bucket) <= 2 * n + 1:
            return bucket
        keys = self._keys(bucket)
        pos = bisect.bisect_left(keys, -inc.timestamp)
        return bucket[max(0, pos - n) : pos + n + 1]

    def _keys(self, bucket: list[Incident]) -> list[float]:
        keys = self._bucket_keys.get(id(bucket))
        if keys is None:  # once per bucket, not once per incident: this keeps the whole pass linear
            keys = self._bucket_keys[id(bucket)] = [-b.timestamp for b in bucket]
        return keys

    def _bucket_names(self, inc: Incident) -> list[tuple[str, ...]]:
        """The lists an incident's related candidates come from: one per category, service, tag,
        and category with service or tag (so a rare pair is not drowned by a common category)."""
        cats, svcs, tags = sorted(inc.category_set), sorted(inc.service_set), sorted(inc.tag_set)
        names: list[tuple[str, ...]] = []
        for cat in cats:
            names.append(("category", cat))
            names.extend(("pair", cat, "s:" + s) for s in svcs)
            names.extend(("pair", cat, "t:" + t) for t in tags)
        names.extend(("service", s) for s in svcs)
        names.extend(("tag", t) for t in tags)
        return names

    def _bucket(self, name: tuple[str, ...]) -> list[Incident]:
        if name[0] == "pair":
            return self._pair_index.get((name[1], name[2]), [])
        index = {"category": self.by_category, "service": self.by_service, "tag": self.by_tag}[name[0]]
        return index.get(name[1], [])

    def _holding(self, bucket: list[Incident], inc: Incident, n: int) -> list[Incident]:
        """The members of a bucket whose :meth:`_nearest` window holds ``inc`` (a member), for a bucket
        larger than one window (:meth:`_stale` takes a smaller one whole)."""
        keys = self._keys(bucket)
        at = bisect.bisect_left(keys, -inc.timestamp)
        while bucket[at] is not inc:  # past the incidents that started at the same moment
            at += 1
        holding = []
        for j in range(max(0, at - n), len(bucket)):
            start = bisect.bisect_left(keys, keys[j])  # where member j's window is centred
            if start > at + n:
                break
            if start >= at - n:
                holding.append(bucket[j])
        return holding

    def _stale(self, previous: KnowledgeBase) -> set[int]:
        """Which incidents (by ``id()``) need their related list computed again after an edit.

        An incident reused from ``previous`` keeps its list unless an incident that changed
        (edited, added or removed) was or is in one of its candidate windows, or names it or is
        named by it. Any other incident's windows hold the same members as before: the change lies
        outside them, and members only shift position. A bucket small enough to be taken whole
        (at most 2n+1 members, before or after the change) is every member's window, so all of
        its members are stale.
        """
        now_ids = {id(inc) for inc in self.incidents}
        before_ids = {id(inc) for inc in previous.incidents}
        removed = [inc for inc in previous.incidents if id(inc) not in now_ids]
        added = [inc for inc in self.incidents if id(inc) not in before_ids]
        stale = {id(inc) for inc in added}
        width = self.settings.related_limit + 1
        whole = 2 * width + 1  # a bucket this small is every member's window
        for kb, changed in ((previous, removed), (self, added)):
            for inc in changed:
                for name in kb._bucket_names(inc):
                    before, after = previous._bucket(name), self._bucket(name)
                    if len(before) <= whole or len(after) <= whole:
                        # every member now; one that was in it before and is not now is removed or added
                        stale.update(id(m) for m in after)
                    else:
                        stale.update(id(m) for m in kb._holding(before if kb is previous else after, inc, width))
                stale.update(id(other) for other in kb.referenced_by.get(inc.id, []))  # they name it...
                stale.update(id(kb.by_id[ref]) for ref in inc.doc.related if ref in kb.by_id)  # ...it names them
        previous._bucket_keys.clear()  # this analysis keeps its own keys for _compute_related
        return stale

    def _compute_related(self, stale: set[int] | None = None) -> None:
        """Each incident's related list; with ``stale`` given, only those incidents' lists."""
        limit = self.settings.related_limit
        width = limit + 1
        for inc in self.incidents:
            if stale is not None and id(inc) not in stale:
                continue
            explicit: list[Incident] = []
            for ref in dict.fromkeys(inc.doc.related):
                if ref in self.by_id and ref != inc.id:
                    explicit.append(self.by_id[ref])
            for back in self.referenced_by.get(inc.id, []):
                if back not in explicit:
                    explicit.append(back)
            cats, svcs, tags = inc.category_set, inc.service_set, inc.tag_set
            skip = {inc.id, *(e.id for e in explicit)}
            seen: set[str] = set()
            scored = []
            for name in self._bucket_names(inc):
                for other in self._nearest(self._bucket(name), inc, width):
                    oid = other.id
                    if oid in seen or oid in skip:
                        continue
                    seen.add(oid)
                    # The format's order, compared field by field (never a weighted sum, where three shared
                    # services would outweigh a shared root cause): shared root-cause categories first,
                    # then shared services, then shared tags, then closeness in time, then the id.
                    shared = (len(cats & other.category_set), len(svcs & other.service_set), len(tags & other.tag_set))
                    if any(shared):
                        scored.append(((-shared[0], -shared[1], -shared[2], abs(other.timestamp - inc.timestamp), oid), other))
            scored.sort(key=lambda row: row[0])
            related = [Related(e, self._reasons(inc, e), True) for e in explicit]
            for _, other in scored[: max(0, limit - len(related))]:
                related.append(
                    Related(
                        other,
                        _reason_words(sorted(cats & other.category_set), sorted(svcs & other.service_set), sorted(tags & other.tag_set)),
                        False,
                    )
                )
            inc.related = related
        self._bucket_keys.clear()

    def _reasons(self, inc: Incident, other: Incident) -> list[str]:
        words = []
        if other.id in inc.doc.related:
            words.append("named in this post-mortem")
        if inc.id in other.doc.related:
            words.append("names this post-mortem")
        words += _reason_words(
            sorted(set(inc.categories) & set(other.categories)),
            sorted(set(inc.doc.services) & set(other.doc.services)),
            sorted(set(inc.doc.tags) & set(other.doc.tags)),
        )
        return words



def _reason_words(cats: list[str], svcs: list[str], tags: list[str]) -> list[str]:
    out = []
    if cats:
        out.append("same root cause: " + ", ".join(cats))
    if svcs:
        out.append("same service: " + ", ".join(svcs))
    if tags:
        out.append("same tag: " + ", ".join(tags))
    return out



def build_knowledge_base(
    documents: list[tuple[Document, str]], settings: Settings, previous: KnowledgeBase | None = None
) -> KnowledgeBase:
    """Turn (document, source path) pairs into the analysed knowledge base.

    Only published documents enter, unless the settings preview drafts. ``previous`` (the last
    build's, as a live preview keeps it) lets an unchanged document (the same object) keep its
    incident and, unless an edit reaches it, its related list; the result is the same as without.
    """
    today = settings.today
    chosen = [(d, s) for d, s in documents if d.published or settings.publish_drafts]
    if previous is None or previous.settings != settings or previous.today != today:
        return KnowledgeBase([make_incident(d, s, settings, today) for d, s in chosen], settings)
    kept = {id(inc.doc): inc for inc in previous.incidents}  # previous keeps the documents alive: ids are unique
    incidents = []
    for doc, source_uri in chosen:
        inc = kept.get(id(doc))
        if inc is None or inc.source_uri != source_uri:
            inc = make_incident(doc, source_uri, settings, today)
        incidents.append(inc)
    return KnowledgeBase(incidents, settings, previous)
