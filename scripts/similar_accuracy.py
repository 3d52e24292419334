#!/usr/bin/env python3
"""How often the incident an author would link comes first: the review's ranking and the site's related
lists measured against the ``related`` fields of a knowledge base (README: "Similar past incidents").

For a folder of post-mortems (the real ones of tests/fixtures/real, or ``pmsite demo-corpus``):

review    for every published post-mortem that names others in ``related``, the ranking ``pmsite validate``
          shows (candidates from the site's windows, as the site draws them; ``--all``: every other published
          incident compared): is a named incident first, and where does the first one named come (median,
          looked for among the first 100); both with the wording (now) and without (ties by time, as before)
site      every explicit ``related`` removed, the knowledge base analysed as the site does (candidate
          windows, ``related_limit`` per page): how many of the named pairs the site still links (either
          page lists the other), and how many are first on the page of the one that named them

    .venv/bin/python scripts/similar_accuracy.py tests/fixtures/real
    .venv/bin/pmsite demo-corpus --count 1000 --seed 1 /tmp/demo && .venv/bin/python scripts/similar_accuracy.py /tmp/demo
"""

from __future__ import annotations

import argparse
import dataclasses
import statistics
import sys
from pathlib import Path

from pmsite.analysis import related
from pmsite.analysis.knowledge_base import build_knowledge_base
from pmsite.analysis.related import Profile, similar_to, weights_of
from pmsite.reading.corpus import load_corpus
from pmsite.reading.files import discover
from pmsite.settings import Settings

DEPTH = 100  # how far down the review's ranking a named incident is looked for (further down counts as 101)


def measure(folder: Path, weight: float, limits: list[int], window: int | None = Settings().related_limit + 1) -> dict[str, object]:
    settings = Settings()
    docs = [i.document for i in load_corpus(discover(folder), settings).documents if i.document is not None and i.document.published]
    ids = {d.id for d in docs}
    named = [(d.id, ref) for d in docs for ref in dict.fromkeys(d.related) if ref in ids and ref != d.id]
    saved = related.WORDING_WEIGHT
    related.WORDING_WEIGHT = weight  # type: ignore[assignment]
    try:
        profiles = {d.id: Profile.of(d) for d in docs}
        kb = list(profiles.values())
        idfs = weights_of(kb)
        first, positions = 0, []
        for source in sorted({a for a, _ in named}):
            order = [m.profile.id for m in similar_to(profiles[source], kb, DEPTH, idfs=idfs, window=window)]
            targets = [b for a, b in named if a == source]
            for target in targets:
                first += bool(order) and order[0] == target
            positions.append(min((order.index(t) + 1 for t in targets if t in order), default=DEPTH + 1))
        stripped = [(d.model_copy(update={"related": []}), d.id) for d in docs]
        site = {}
        for limit in limits:
            lists = {i.id: [r.incident.id for r in i.related]
                     for i in build_knowledge_base(stripped, dataclasses.replace(settings, related_limit=limit)).incidents}
            pairs = {frozenset(p) for p in named}
            linked = sum(1 for p in pairs if any(b in lists[a] for a in p for b in p if a != b))
            on_top = sum(1 for a, b in named if lists[a][:1] == [b])
            site[limit] = (linked, len(pairs), on_top)
    finally:
        related.WORDING_WEIGHT = saved  # type: ignore[assignment]
    return {"documents": len(docs), "named": len(named), "first": first, "median_position": statistics.median(positions) if positions else 0,
            "site": site}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("folders", nargs="+", type=Path)
    parser.add_argument("--limits", type=int, nargs="+", default=[1, 3, 5], help="related_limit values for the site's lists")
    parser.add_argument("--all", action="store_true", help="the review compares every published incident, not the site's windows")
    args = parser.parse_args()
    print("| corpus | published | named pairs | ranking | review: named first | first named at (median) | "
          + " | ".join(f"site, {n} per page: pairs linked (named first)" for n in args.limits) + " |")
    print("|---|---:|---:|---|---:|---:|" + "---:|" * len(args.limits))
    for folder in args.folders:
        for label, weight in (("before: ties by time", 0), ("with the wording", related.WORDING_WEIGHT)):
            r = measure(folder, weight, args.limits, None if args.all else Settings().related_limit + 1)
            site = r["site"]
            assert isinstance(site, dict)
            cells = " | ".join(f"{site[n][0]}/{site[n][1]} ({site[n][2]})" for n in args.limits)
            print(f"| {folder} | {r['documents']:,} | {r['named']:,} | {label} | {r['first']}/{r['named']} | {r['median_position']} | {cells} |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
