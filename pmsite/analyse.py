"""Analysis of the whole corpus: derived metrics, relations and organisation-wide figures.

Runs after every file is loaded (relations need every document) and before
anything is written. Only published documents (or drafts, when previewing)
enter here, so an unpublished document leaves no trace anywhere.
"""

from __future__ import annotations

import bisect
import datetime as dt
from collections import Counter, defaultdict
from dataclasses import dataclass, field

from .model import ActionItem, Document, action_ids
from .settings import CLOSED_STATUSES, Settings


def slugify(value: str) -> str:
    """A URL- and class-safe slug: lower-case letters, digits and '-' only."""
    out = []
    for ch in value.lower():
        if ch.isascii() and ch.isalnum():
            out.append(ch)
        elif out and out[-1] != "-":
            out.append("-")
    slug = "".join(out).strip("-")
    return slug or "x" + "".join(f"{ord(c):x}" for c in value)[:40]


def human_duration(delta: dt.timedelta | None) -> str:
    """``1h 05m``, ``23m``, ``2d 4h``: short and exact to the minute (seconds under an hour)."""
    if delta is None:
        return "—"
    seconds = int(delta.total_seconds())
    sign = "-" if seconds < 0 else ""
    seconds = abs(seconds)
    days, rem = divmod(seconds, 86400)
    hours, rem = divmod(rem, 3600)
    minutes, secs = divmod(rem, 60)
    if days:
        return f"{sign}{days}d {hours}h" if not minutes else f"{sign}{days}d {hours}h {minutes:02d}m"
    if hours:
        return f"{sign}{hours}h {minutes:02d}m"
    if minutes:
        return f"{sign}{minutes}m" if not secs else f"{sign}{minutes}m {secs:02d}s"
    return f"{sign}{secs}s"


def offset_label(delta: dt.timedelta) -> str:
    """``T+1m45s`` style offset from the start of the incident."""
    seconds = int(delta.total_seconds())
    sign = "+" if seconds >= 0 else "-"
    seconds = abs(seconds)
    days, rem = divmod(seconds, 86400)
    hours, rem = divmod(rem, 3600)
    minutes, secs = divmod(rem, 60)
    parts = ""
    if days:
        parts += f"{days}d"
    if hours:
        parts += f"{hours}h"
    if minutes:
        parts += f"{minutes}m"
    if secs or not parts:
        parts += f"{secs}s"
    return f"T{sign}{parts}"


@dataclass(eq=False)
class Action:
    """An action item with its incident and derived state."""

    incident: Incident
    item: ActionItem
    id: str
    overdue: bool
    days_late: int
    days_to_close: int | None

    @property
    def open(self) -> bool:
        return self.item.status not in CLOSED_STATUSES

    @property
    def anchor(self) -> str:
        """Where the item is on its incident page (``action-a1``): the one rule for the page, the JSON and the calendar.

        Action ids are letters, digits, '-' and '_' and unique regardless of case, so the
        lower-cased id is a valid, unique fragment.
        """
        return "action-" + self.id.lower()


@dataclass
class Related:
    incident: Incident
    reasons: list[str]
    explicit: bool


@dataclass(eq=False)  # identity: two incidents are never "equal" field by field
class Incident:
    """A published document with what the build derives from it."""

    doc: Document
    source_uri: str
    url: str  # relative to the site root, with trailing slash
    actions: list[Action] = field(default_factory=list)
    related: list[Related] = field(default_factory=list)
    # computed once: relations compare these sets over a million times at 10,000 incidents
    categories: list[str] = field(init=False)
    category_set: frozenset[str] = field(init=False)
    service_set: frozenset[str] = field(init=False)
    tag_set: frozenset[str] = field(init=False)
    timestamp: float = field(init=False)

    def __post_init__(self) -> None:
        self.category_set = frozenset(rc.category for rc in self.doc.root_causes)
        self.categories = sorted(self.category_set)
        self.service_set = frozenset(self.doc.services)
        self.tag_set = frozenset(self.doc.tags)
        self.timestamp = self.doc.started_at.timestamp()

    @property
    def id(self) -> str:
        return self.doc.id

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

    def status_counts(self, statuses: tuple[str, ...]) -> dict[str, int]:
        counts = Counter(a.item.status for a in self.actions)
        return {s: counts.get(s, 0) for s in statuses}


def make_incident(doc: Document, source_uri: str, today: dt.date) -> Incident:
    incident = Incident(doc=doc, source_uri=source_uri, url=f"incidents/{doc.slug}/")
    for item, item_id in zip(doc.action_items, action_ids(doc)):
        is_open = item.status not in CLOSED_STATUSES
        overdue = is_open and item.due < today
        closed_days = (item.completed_on - doc.resolved_at.date()).days if (item.completed_on and doc.resolved_at) else None
        incident.actions.append(
            Action(incident, item, item_id, overdue, (today - item.due).days if overdue else 0, closed_days)
        )
    return incident


class KnowledgeBase:
    """Every published incident, with indexes by category, service and tag."""

    def __init__(self, incidents: list[Incident], settings: Settings) -> None:
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
        self._compute_related()

    # --- related incidents --------------------------------------------------

    def _nearest(self, bucket: list[Incident], inc: Incident, n: int) -> list[Incident]:
        """The ``n`` incidents of a bucket closest in time to ``inc`` on each side (bucket is newest first)."""
        if len(bucket) <= 2 * n + 1:
            return bucket
        keys = self._bucket_keys.get(id(bucket))
        if keys is None:  # once per bucket, not once per incident: this keeps the whole pass linear
            keys = self._bucket_keys[id(bucket)] = [-b.timestamp for b in bucket]
        pos = bisect.bisect_left(keys, -inc.timestamp)
        return bucket[max(0, pos - n) : pos + n + 1]

    def _compute_related(self) -> None:
        self._bucket_keys: dict[int, list[float]] = {}
        limit = self.settings.related_limit
        pair_index: dict[tuple[str, str], list[Incident]] = defaultdict(list)
        for inc in self.incidents:
            for cat in inc.categories:
                for svc in sorted(set(inc.doc.services)):
                    pair_index[(cat, "s:" + svc)].append(inc)
                for tag in sorted(set(inc.doc.tags)):
                    pair_index[(cat, "t:" + tag)].append(inc)
        width = limit + 1
        for inc in self.incidents:
            explicit: list[Incident] = []
            for ref in dict.fromkeys(inc.doc.related):
                if ref in self.by_id and ref != inc.id:
                    explicit.append(self.by_id[ref])
            for back in self.referenced_by.get(inc.id, []):
                if back not in explicit:
                    explicit.append(back)
            cats, svcs, tags = inc.category_set, inc.service_set, inc.tag_set
            buckets: list[list[Incident]] = []
            for cat in sorted(cats):
                buckets.append(self.by_category[cat])
                buckets.extend(pair_index[(cat, "s:" + s)] for s in sorted(svcs))
                buckets.extend(pair_index[(cat, "t:" + t)] for t in sorted(tags))
            buckets.extend(self.by_service[s] for s in sorted(svcs))
            buckets.extend(self.by_tag[t] for t in sorted(tags))
            skip = {inc.id, *(e.id for e in explicit)}
            seen: set[str] = set()
            scored = []
            for bucket in buckets:
                for other in self._nearest(bucket, inc, width):
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
            related = [Related(e, self._reasons(inc, e, explicit=True), True) for e in explicit]
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

    def _reasons(self, inc: Incident, other: Incident, *, explicit: bool) -> list[str]:
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


def build_knowledge_base(documents: list[tuple[Document, str]], settings: Settings) -> KnowledgeBase:
    """Turn (document, source path) pairs into the analysed knowledge base.

    Only published documents enter, unless the settings preview drafts.
    """
    today = settings.today
    chosen = [(d, s) for d, s in documents if d.published or settings.publish_drafts]
    return KnowledgeBase([make_incident(d, s, today) for d, s in chosen], settings)
