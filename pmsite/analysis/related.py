"""Related incidents: each incident's list, ranked by what it shares with the others.

Candidates are drawn from each list an incident shares with others (a root-cause category,
a service, a tag, a category with a service or tag): the ``related_limit + 1`` nearest in
time on each side. That keeps the analysis linear; the price is that an older incident
sharing more (two categories, say) can be left out when every list it shares holds that
many nearer incidents sharing less. Incidents named in ``related`` (either way) come first.
"""

from __future__ import annotations

import bisect
from collections import defaultdict
from typing import TYPE_CHECKING

from pmsite.analysis.incidents import Incident, Related

if TYPE_CHECKING:
    from pmsite.analysis.knowledge_base import KnowledgeBase


class RelatedIndex:
    """The lists related candidates come from, and the pass that gives every incident its related list."""

    def __init__(self, kb: KnowledgeBase) -> None:
        self.kb = kb
        self.bucket_keys: dict[int, list[float]] = {}  # per bucket (by id), its members' sort keys; see keys()
        self.pair_index: dict[tuple[str, str], list[Incident]] = defaultdict(list)  # (category, "s:"/"t:" name)
        for inc in kb.incidents:
            for cat in inc.categories:
                for svc in sorted(inc.service_set):
                    self.pair_index[(cat, "s:" + svc)].append(inc)
                for tag in sorted(inc.tag_set):
                    self.pair_index[(cat, "t:" + tag)].append(inc)

    def nearest(self, bucket: list[Incident], inc: Incident, n: int) -> list[Incident]:
        """The ``n`` incidents of a bucket closest in time to ``inc`` on each side (bucket is newest first)."""
        if len(bucket) <= 2 * n + 1:
            return bucket
        keys = self.keys(bucket)
        pos = bisect.bisect_left(keys, -inc.timestamp)
        return bucket[max(0, pos - n) : pos + n + 1]

    def keys(self, bucket: list[Incident]) -> list[float]:
        keys = self.bucket_keys.get(id(bucket))
        if keys is None:  # once per bucket, not once per incident: this keeps the whole pass linear
            keys = self.bucket_keys[id(bucket)] = [-b.timestamp for b in bucket]
        return keys

    def bucket_names(self, inc: Incident) -> list[tuple[str, ...]]:
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

    def bucket(self, name: tuple[str, ...]) -> list[Incident]:
        if name[0] == "pair":
            return self.pair_index.get((name[1], name[2]), [])
        index = {"category": self.kb.by_category, "service": self.kb.by_service, "tag": self.kb.by_tag}[name[0]]
        return index.get(name[1], [])

    def holding(self, bucket: list[Incident], inc: Incident, n: int) -> list[Incident]:
        """The members of a bucket whose :meth:`nearest` window holds ``inc`` (a member), for a bucket
        larger than one window (:meth:`stale` takes a smaller one whole)."""
        keys = self.keys(bucket)
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

    def stale(self, previous: RelatedIndex) -> set[int]:
        """Which incidents (by ``id()``) need their related list computed again after an edit.

        An incident reused from ``previous`` keeps its list unless an incident that changed
        (edited, added or removed) was or is in one of its candidate windows, or names it or is
        named by it. Any other incident's windows hold the same members as before: the change lies
        outside them, and members only shift position. A bucket small enough to be taken whole
        (at most 2n+1 members, before or after the change) is every member's window, so all of
        its members are stale.
        """
        now_ids = {id(inc) for inc in self.kb.incidents}
        before_ids = {id(inc) for inc in previous.kb.incidents}
        removed = [inc for inc in previous.kb.incidents if id(inc) not in now_ids]
        added = [inc for inc in self.kb.incidents if id(inc) not in before_ids]
        stale = {id(inc) for inc in added}
        width = self.kb.settings.related_limit + 1
        whole = 2 * width + 1  # a bucket this small is every member's window
        for index, changed in ((previous, removed), (self, added)):
            for inc in changed:
                for name in index.bucket_names(inc):
                    before, after = previous.bucket(name), self.bucket(name)
                    if len(before) <= whole or len(after) <= whole:
                        # every member now; one that was in it before and is not now is removed or added
                        stale.update(id(m) for m in after)
                    else:
                        stale.update(id(m) for m in index.holding(before if index is previous else after, inc, width))
                kb = index.kb
                stale.update(id(other) for other in kb.referenced_by.get(inc.id, []))  # they name it...
                stale.update(id(kb.by_id[ref]) for ref in inc.doc.related if ref in kb.by_id)  # ...it names them
        previous.bucket_keys.clear()  # this analysis keeps its own keys for compute
        return stale

    def compute(self, stale: set[int] | None = None) -> None:
        """Each incident's related list; with ``stale`` given, only those incidents' lists."""
        kb = self.kb
        limit = kb.settings.related_limit
        width = limit + 1
        for inc in kb.incidents:
            if stale is not None and id(inc) not in stale:
                continue
            explicit: list[Incident] = []
            for ref in dict.fromkeys(inc.doc.related):
                if ref in kb.by_id and ref != inc.id:
                    explicit.append(kb.by_id[ref])
            for back in kb.referenced_by.get(inc.id, []):
                if back not in explicit:
                    explicit.append(back)
            cats, svcs, tags = inc.category_set, inc.service_set, inc.tag_set
            skip = {inc.id, *(e.id for e in explicit)}
            seen: set[str] = set()
            scored = []
            for name in self.bucket_names(inc):
                for other in self.nearest(self.bucket(name), inc, width):
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
            related = [Related(e, self.reasons(inc, e), True) for e in explicit]
            for _, other in scored[: max(0, limit - len(related))]:
                related.append(
                    Related(
                        other,
                        reason_words(sorted(cats & other.category_set), sorted(svcs & other.service_set), sorted(tags & other.tag_set)),
                        False,
                    )
                )
            inc.related = related
        self.bucket_keys.clear()

    def reasons(self, inc: Incident, other: Incident) -> list[str]:
        words = []
        if other.id in inc.doc.related:
            words.append("named in this post-mortem")
        if inc.id in other.doc.related:
            words.append("names this post-mortem")
        words += reason_words(
            sorted(set(inc.categories) & set(other.categories)),
            sorted(set(inc.doc.services) & set(other.doc.services)),
            sorted(set(inc.doc.tags) & set(other.doc.tags)),
        )
        return words


def reason_words(cats: list[str], svcs: list[str], tags: list[str]) -> list[str]:
    """The reasons an incident is listed as related: what it shares with the other."""
    out = []
    if cats:
        out.append("same root cause: " + ", ".join(cats))
    if svcs:
        out.append("same service: " + ", ".join(svcs))
    if tags:
        out.append("same tag: " + ", ".join(tags))
    return out
