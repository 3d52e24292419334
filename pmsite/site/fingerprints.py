"""What each page is made of, as a digest: a live preview re-renders only the pages whose digest changed.

When a page's digest is the same in two builds with the same templates, settings and
reference date, its HTML is the same. Conservative by design: an incident page changes with
its own source and the source of any incident it lists as related, and the fixes that did not hold
it shows; a listing page with the rows it shows and its filters; a category or service page with any of its incidents; the
patterns, history and monthly review pages, and the first page of open actions (its figures), with any incident.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from pmsite.analysis.incidents import Incident, Related
from pmsite.site.listings import DATE_COLUMNS, Listings
from pmsite.site.pages import PAGE_SIZE
from pmsite.site.plan import SitePlan


def digest(*parts: Any) -> str:
    return hashlib.blake2b(repr(parts).encode("utf-8", "surrogatepass"), digest_size=16).hexdigest()


@dataclass
class KeptFingerprint:
    """An incident's fingerprint from the last build, valid while the very same incident, related list and inputs hold."""

    incident: Incident
    related: list[Related]
    inputs: tuple[Any, ...]
    fingerprint: str


@dataclass
class FingerprintMemo:
    """Fingerprints kept between the rebuilds of a live preview, by incident id."""

    incidents: dict[str, KeptFingerprint] = field(default_factory=dict)


class Fingerprints:
    """The digests of one build's pages."""

    def __init__(self, plan: SitePlan, listings: Listings, sources: Mapping[str, str], memo: FingerprintMemo | None = None) -> None:
        """``sources``: source path -> digest of its bytes (an incident without one is digested from its model)."""
        self.plan = plan
        self.kb = plan.kb
        self.listings = listings
        self._digests = sources
        self._memo = memo if memo is not None else FingerprintMemo()
        self._sources: tuple[dict[str, str], str] | None = None

    def pages(self) -> dict[str, str]:
        """A digest per page of everything its HTML is made from besides templates, settings and date."""
        kb = self.kb
        source, names = self._source_digests()
        corpus = digest(names, [(inc.url, source[inc.id]) for inc in kb.incidents])
        listings: dict[str, tuple[list[Any], Any]] = {}  # per listing: its rows, and what each of its pages shares
        for kind, column in DATE_COLUMNS.items():
            payload = self.listings.payload(kind)
            rows = payload["rows"]
            head = {k: v for k, v in payload.items() if k != "rows"}
            pager = [rows[i][column] for i in range(0, len(rows), PAGE_SIZE)]
            listings[kind] = (rows, (head, pager, len(rows), self.listings.options(kind)))
        out: dict[str, str] = {}
        for src, spec in self.plan.specs.items():
            parts: Any
            if spec.kind == "incident":
                parts = self.incident(kb.by_id[spec.key])
            elif spec.kind in listings:
                rows, shared = listings[spec.kind]
                start = (spec.number - 1) * PAGE_SIZE
                parts = (shared, rows[start : start + PAGE_SIZE])
                if spec.kind == "actions" and spec.number == 1:
                    parts = (parts, corpus)
            elif spec.kind in ("category", "service"):
                members = kb.by_category[spec.key] if spec.kind == "category" else kb.by_service[spec.key]
                parts = (names, len(kb.incidents), [(m.url, source[m.id]) for m in members])
            else:
                parts = corpus
            out[src] = digest(spec.kind, spec.title, spec.number, parts)
        return out

    def incident(self, inc: Incident) -> str:
        """A digest of what an incident's page and its entries in the data files are made of: its
        source, the slugs of the names it links, and each incident it lists as related. Computed
        once per build (the page and each data file's entry ask for it), and kept for the next
        while the incident, its related list and the URLs stay the very same."""
        source, names = self._source_digests()
        recurrences = self.kb.recurrences
        came_back = tuple((r.key, r.earlier.url, r.incident.url) for r in (*recurrences.after.get(inc.id, ()), *recurrences.before.get(inc.id, ())))
        inputs = (names, inc.url, inc.source_uri, tuple(r.incident.url for r in inc.related), came_back)
        kept = self._memo.incidents.get(inc.id)
        if kept is None or kept.incident is not inc or kept.related is not inc.related or kept.inputs != inputs:
            related = [(r.incident.url, source[r.incident.id], r.reasons, r.explicit) for r in inc.related]
            fingerprint = digest(names, source[inc.id], inc.url, inc.source_uri, related, came_back)
            kept = self._memo.incidents[inc.id] = KeptFingerprint(inc, inc.related, inputs, fingerprint)
        return kept.fingerprint

    def _source_digests(self) -> tuple[dict[str, str], str]:
        """Per incident, a digest of its source; and one digest of every category's, service's and team's slug."""
        if self._sources is None:
            source = {inc.id: _source(inc, self._digests) for inc in self.kb.incidents}
            self._sources = source, digest(sorted(self.plan.category_slugs.items()), sorted(self.plan.service_slugs.items()),
                                           sorted(self.plan.team_slugs.items()))
        return self._sources


def _source(inc: Incident, digests: Mapping[str, str]) -> str:
    """What an incident is made of: its file's bytes, and the tracker's states of the tickets its actions name."""
    made = digests.get(inc.source_uri) or inc.doc.model_dump_json()
    tracked = [a.tracked for a in inc.actions if a.tracked is not None]
    return digest(made, tracked) if tracked else made
