"""Related incidents: each incident's list, ranked by what it shares with the others.

Candidates are drawn from each list an incident shares with others (a root-cause category,
a service, a tag, a category with a service or tag): the ``related_limit + 1`` nearest in
time on each side. That keeps the analysis linear; the price is that an older incident
sharing more (two categories, say) can be left out when every list it shares holds that
many nearer incidents sharing less. Incidents named in ``related`` (either way) come first.

The order (:func:`top`): shared root-cause categories, then shared services, then shared
tags and similar wording together (:mod:`pmsite.analysis.similarity`: each shared tag counts 1,
the wording's cosine similarity counts up to :data:`WORDING_WEIGHT`), then closeness in time.
"""

from __future__ import annotations

import bisect
import heapq
from collections import defaultdict
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, NamedTuple, TypeVar

from pmsite.analysis.incidents import Incident, Related
from pmsite.analysis.similarity import SHOWN_WORDS, Vector, Wording, document_frequencies, idf, terms_of, vector
from pmsite.format.document import Document

if TYPE_CHECKING:
    from pmsite.analysis.knowledge_base import KnowledgeBase


class RelatedIndex:
    """The lists related candidates come from, and the pass that gives every incident its related list."""

    def __init__(self, kb: KnowledgeBase) -> None:
        self.kb = kb
        self.wording: Wording | None = None  # made by stale() from the last analysis's, else by compute()
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
        # An incident whose wording weighs differently now (a term of it became more or less common across
        # the knowledge base) compares differently with everyone: it is stale, and so is every incident
        # whose candidate windows hold it or that names it or is named by it.
        self.wording = self._wording(previous.wording)
        for inc in self.kb.incidents:
            if id(inc) not in self.wording.changed or id(inc) not in before_ids:  # an added one is done above
                continue
            stale.add(id(inc))
            for name in self.bucket_names(inc):
                after = self.bucket(name)
                stale.update(id(m) for m in (after if len(after) <= whole else self.holding(after, inc, width)))
            stale.update(id(other) for other in self.kb.referenced_by.get(inc.id, []))
            stale.update(id(self.kb.by_id[ref]) for ref in inc.doc.related if ref in self.kb.by_id)
        previous.bucket_keys.clear()  # this analysis keeps its own keys for compute
        return stale

    def _wording(self, previous: Wording | None = None) -> Wording:
        return Wording([(id(inc), inc.doc) for inc in self.kb.incidents], previous)

    def compute(self, stale: set[int] | None = None) -> None:
        """Each incident's related list; with ``stale`` given, only those incidents' lists."""
        kb = self.kb
        limit = kb.settings.related_limit
        width = limit + 1
        if self.wording is None:
            self.wording = self._wording()
        wording = self.wording
        vectors = wording.vectors
        similar: dict[tuple[int, int], float] = {}  # each pair's similarity, computed once in this pass
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
            scored: list[Candidate[Incident]] = []
            for name in self.bucket_names(inc):
                for other in self.nearest(self.bucket(name), inc, width):
                    oid = other.id
                    if oid in seen or oid in skip:
                        continue
                    seen.add(oid)
                    c, s, t = len(cats & other.category_set), len(svcs & other.service_set), len(tags & other.tag_set)
                    if c or s or t:
                        scored.append((-c, -s, -t, abs(other.timestamp - inc.timestamp), oid, other))
            related = [Related(e, self.reasons(inc, e), True) for e in explicit]
            for similarity, other in top(scored, max(0, limit - len(related)), vectors[id(inc)], lambda o: vectors[id(o)], similar):
                words = wording.shared_words(id(inc), id(other)) if similarity >= SHOWN_SIMILARITY else []
                related.append(Related(
                    other,
                    reason_words(sorted(cats & other.category_set), sorted(svcs & other.service_set), sorted(tags & other.tag_set), words),
                    False,
                ))
            inc.related = related
        self.bucket_keys.clear()
        wording.forget()

    def reasons(self, inc: Incident, other: Incident) -> list[str]:
        words = []
        if other.id in inc.doc.related:
            words.append("named in this post-mortem")
        if inc.id in other.doc.related:
            words.append("names this post-mortem")
        assert self.wording is not None
        words += reason_words(
            sorted(set(inc.categories) & set(other.categories)),
            sorted(set(inc.doc.services) & set(other.doc.services)),
            sorted(set(inc.doc.tags) & set(other.doc.tags)),
            self.wording.shared_words(id(inc), id(other)) if self.wording.similarity(id(inc), id(other)) >= SHOWN_SIMILARITY else [],
        )
        return words


WORDING_WEIGHT = 4  # what a wording similarity of 1 counts against shared tags (0.25: as much as one tag)
SHOWN_SIMILARITY = 0.125  # similar wording is named as a reason from here (it then weighs half a shared tag)

T = TypeVar("T")

# A candidate: minus the shared root-cause categories, services and tags, the seconds between the two
# starts, the other's id, and the other (never compared: ids are unique).
Candidate = tuple[int, int, int, float, str, T]


def top(candidates: list[Candidate[T]], n: int, mine: Vector, vector_of: Callable[[T], Vector],
        cache: dict[tuple[int, int], float] | None = None) -> list[tuple[float, T]]:
    """The first ``n`` candidates in the related order, each with its wording's similarity.

    The order, compared field by field: shared root-cause categories first, then shared services (never
    a weighted sum of the two, where three shared services would outweigh a shared root cause), then
    shared tags and similar wording together (``tags + WORDING_WEIGHT x cosine``), then closeness in
    time, then the id. The wording is compared only for the candidates that share as many categories
    and services as the ``n``-th: no other can get that far. ``cache``: similarities already computed,
    by the pair of vectors' ``id()`` (the similarity is symmetric)."""
    if n <= 0 or not candidates:
        return []
    candidates.sort()  # the ids are unique: two rows never reach the incidents they end with
    end = min(n, len(candidates))
    last = candidates[end - 1][:2]
    while end < len(candidates) and candidates[end][:2] == last:
        end += 1
    ranked = []
    me = id(mine)
    for c, s, t, distance, oid, other in candidates[:end]:
        theirs = vector_of(other)
        pair = (me, id(theirs)) if me < id(theirs) else (id(theirs), me)
        similarity = cache.get(pair) if cache is not None else None
        if similarity is None:
            similarity = mine.cosine(theirs)
            if cache is not None:
                cache[pair] = similarity
        ranked.append((c, s, t - WORDING_WEIGHT * similarity, distance, oid, similarity, other))
    ranked.sort()
    return [(row[5], row[6]) for row in ranked[:n]]


class Profile(NamedTuple):
    """What the related order reads of one post-mortem: for a review that compares a file with the
    knowledge base without analysing it (``pmsite validate``; a tuple: made 10,000 times per run)."""

    id: str
    categories: frozenset[str]
    services: frozenset[str]
    tags: frozenset[str]
    timestamp: float
    terms: Mapping[str, int]

    @classmethod
    def of(cls, doc: Document, terms: Mapping[str, int] | None = None) -> Profile:
        """A document's profile (``terms``: when already counted)."""
        return cls(doc.id, frozenset(rc.category for rc in doc.root_causes), frozenset(doc.services), frozenset(doc.tags),
                   doc.started_at.timestamp(), terms if terms is not None else terms_of(doc))


@dataclass
class Match:
    """A post-mortem similar to another, and why."""

    profile: Profile
    similarity: float  # of the wording, 0 to 1
    categories: list[str]
    services: list[str]
    tags: list[str]
    words: list[str]  # the shared words that weigh most, as the other post-mortem writes them

    @property
    def reasons(self) -> list[str]:
        return reason_words(self.categories, self.services, self.tags, self.words)


def similar_to(target: Profile, knowledge_base: Sequence[Profile], n: int, shown: Mapping[str, str] | None = None,
               idfs: Mapping[str, int] | None = None, window: int | None = None) -> list[Match]:
    """The ``n`` post-mortems of the knowledge base most similar to ``target``, in the related order (:func:`top`).

    ``window``: candidates are drawn as the site draws them (:meth:`RelatedIndex.nearest`): from each list
    the target shares with others (a category, a service, a tag, a category with a service or tag), the
    ``window`` nearest in time on each side; without it, every post-mortem sharing something is compared.
    The weights of the wording come from ``knowledge_base`` (the target counts only when it is one of
    them); the target itself (its id) is never its own match. ``shown``: the word the target writes for
    each of its terms, for :attr:`Match.words`. ``idfs``: the weights of the knowledge base's terms
    (:func:`weights_of`), when already computed.
    """
    if idfs is None:
        idfs = weights_of(knowledge_base)
    mine = vector(target.terms, idfs)
    cats, svcs, tags = target.categories, target.services, target.tags
    candidates: list[Candidate[Profile]] = []
    lists: dict[tuple[str, ...], list[Candidate[Profile]]] = defaultdict(list)
    for other in knowledge_base:
        if other.id == target.id:
            continue
        sc, ss, st = cats & other.categories, svcs & other.services, tags & other.tags
        if sc or ss or st:
            row = (-len(sc), -len(ss), -len(st), abs(other.timestamp - target.timestamp), other.id, other)
            if window is None:
                candidates.append(row)
                continue
            for name in (*(("category", c) for c in sc), *(("service", s) for s in ss), *(("tag", t) for t in st),
                         *(("pair", c, "s:" + s) for c in sc for s in ss), *(("pair", c, "t:" + t) for c in sc for t in st)):
                lists[name].append(row)
    if window is not None:
        chosen: dict[str, Candidate[Profile]] = {}
        for rows in lists.values():
            newer = heapq.nsmallest(window, (r for r in rows if r[5].timestamp > target.timestamp), key=lambda r: (r[3], r[4]))
            older = heapq.nsmallest(window, (r for r in rows if r[5].timestamp <= target.timestamp), key=lambda r: (r[3], r[4]))
            chosen.update((r[4], r) for r in (*newer, *older))
        candidates = list(chosen.values())
    matches = []
    for similarity, other in top(candidates, n, mine, lambda p: vector(p.terms, idfs)):
        theirs = vector(other.terms, idfs)
        words = [(shown or {}).get(term, term) for term in mine.shared(theirs, SHOWN_WORDS)]
        matches.append(Match(other, similarity, sorted(cats & other.categories), sorted(svcs & other.services),
                             sorted(tags & other.tags), words))
    return matches


def weights_of(knowledge_base: Sequence[Profile]) -> dict[str, int]:
    """Each term's weight (idf) across a knowledge base of profiles."""
    return {t: idf(df, len(knowledge_base)) for t, df in document_frequencies(p.terms for p in knowledge_base).items()}


def reason_words(cats: Sequence[str], svcs: Sequence[str], tags: Sequence[str], words: Sequence[str] = ()) -> list[str]:
    """The reasons an incident is listed as related: what it shares with the other."""
    out = []
    if cats:
        out.append("same root cause: " + ", ".join(cats))
    if svcs:
        out.append("same service: " + ", ".join(svcs))
    if tags:
        out.append("same tag: " + ", ".join(tags))
    if words:
        out.append("similar wording: " + ", ".join(words))
    return out
