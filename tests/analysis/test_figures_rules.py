"""Rules of the figures and of related incidents that the rest of the suite let slip (mutation survivors).

Each test pins one rule at its boundary: month ends and century leap years, the edges of the densest
window, tie-breaks that alphabetical order alone would not reveal, the longest name masked first, the
length cut of a fallback slug, and which incidents a related list may draw from. Every expected value
is worked out by hand in the comments beside it.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Sequence
from typing import Any

import pytest
from test_figures import SETTINGS, incident, knowledge_base

from pmsite.analysis import factors, patterns
from pmsite.analysis.knowledge_base import KnowledgeBase
from pmsite.text import slugify

D = dt.date


# --- months and windows -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("day", "months", "expected"),
    [
        (D(1900, 1, 31), 1, D(1900, 2, 28)),  # divisible by 100, not by 400: not a leap year
        (D(1904, 1, 31), 1, D(1904, 2, 29)),  # divisible by 4 only: a leap year
        (D(1999, 12, 31), 2, D(2000, 2, 29)),  # divisible by 400: a leap year, reached across the year
        (D(2024, 2, 29), 48, D(2028, 2, 29)),  # leap day to leap day
        (D(2096, 2, 29), 48, D(2100, 2, 28)),  # leap day to a century that is not a leap year
        (D(2024, 1, 31), 13, D(2025, 2, 28)),
        (D(2024, 1, 30), 1, D(2024, 2, 29)),
        (D(2024, 1, 29), 1, D(2024, 2, 29)),  # the day itself: February 2024 has a 29th
    ],
)
def test_add_months_at_century_leap_years_and_month_ends(day: dt.date, months: int, expected: dt.date) -> None:
    assert patterns._add_months(day, months) == expected


@pytest.mark.parametrize(
    ("dates", "months", "expected"),
    [
        # 31 Jan 2024 + 1 month is 29 Feb (excluded): 28 Feb is the window's last day, so the second window holds two
        ([D(2023, 12, 1), D(2024, 1, 31), D(2024, 2, 28)], 1, (2, D(2024, 1, 31), D(2024, 2, 28))),
        # 31 Jan 2023 + 1 month is 28 Feb (excluded): every window holds one date, the first found is kept
        ([D(2022, 12, 1), D(2023, 1, 31), D(2023, 2, 28)], 1, (1, D(2022, 12, 1), D(2022, 12, 1))),
        # the century rule: 1900 has no 29 February, 2000 has
        ([D(1899, 12, 1), D(1900, 1, 31), D(1900, 2, 28)], 1, (1, D(1899, 12, 1), D(1899, 12, 1))),
        ([D(1999, 12, 1), D(2000, 1, 31), D(2000, 2, 28)], 1, (2, D(2000, 1, 31), D(2000, 2, 28))),
        # 31 Mar + 1 month is 30 Apr (excluded): 29 Apr is in; the window from 29 Apr also holds two, but is not larger
        ([D(2023, 12, 1), D(2024, 3, 31), D(2024, 4, 29), D(2024, 4, 30)], 1, (2, D(2024, 3, 31), D(2024, 4, 29))),
        # the densest window starts at the third date: three dates, not a count that depends on where it starts
        ([D(2020, 1, 1), D(2020, 1, 2), D(2022, 5, 1), D(2022, 5, 2), D(2022, 5, 3)], 12, (3, D(2022, 5, 1), D(2022, 5, 3))),
        # a window of no months is empty: it holds no date, not even the one it starts on
        ([D(2024, 1, 1), D(2024, 1, 1)], 0, (0, None, None)),
    ],
)
def test_densest_window_edges(dates: list[dt.date], months: int, expected: tuple[int, dt.date | None, dt.date | None]) -> None:
    assert patterns.densest_window(dates, months) == expected


# --- patterns and factor themes -----------------------------------------------------------------


def with_causes(doc: dict[str, Any], *categories: str) -> dict[str, Any]:
    cause = doc["root_causes"][0]
    doc["root_causes"] = [dict(cause, category=c) for c in categories]
    return doc


def test_a_pattern_lists_categories_by_count_then_name_not_by_first_seen() -> None:
    # newest first, INC-3 is counted first: code-defect is seen before capacity-insufficient, yet both
    # have one incident, so the name decides; process-gap has three and leads though it sorts last by name
    kb = knowledge_base(
        with_causes(incident("INC-1", "2024-01-10"), "capacity-insufficient", "process-gap"),
        with_causes(incident("INC-2", "2024-02-10"), "process-gap"),
        with_causes(incident("INC-3", "2024-03-10"), "code-defect", "process-gap"),
    )
    pattern = patterns.pattern_for(kb, "process-gap", kb.incidents)
    assert pattern.categories == [("process-gap", 3), ("capacity-insufficient", 1), ("code-defect", 1)]


def test_a_longer_name_is_masked_before_a_name_it_begins_with() -> None:
    mask = factors._name_mask({"mobile", "mobile api"})
    assert mask("mobile api errors after mobile release", "‹n›") == "‹n› errors after ‹n› release"


def test_themes_with_as_many_incidents_are_ordered_by_label_without_case() -> None:
    # '_' sorts before 'b' in lower case but after 'B' in upper case: "Data_sync" comes first
    kb = knowledge_base(
        incident("INC-1", "2024-01-10", factors=[("Database failover untested", "process"), ("Data_sync lag not alerted", "process")]),
        incident("INC-2", "2024-02-10", factors=[("Database failover untested", "process"), ("Data_sync lag not alerted", "process")]),
    )
    (found,) = [b for b in factors.factor_branches(kb) if b.category == "process"]
    assert [(t.kind, t.label, t.examples, [i.id for i in t.incidents]) for t in found.themes] == [
        ("wording", "Data_sync lag not alerted", ["Data_sync lag not alerted"], ["INC-2", "INC-1"]),
        ("wording", "Database failover untested", ["Database failover untested"], ["INC-2", "INC-1"]),
    ]
    assert (found.count, found.incident_count, found.single) == (4, 2, 0)


# --- slugs --------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "slug"),
    [
        ("!" * 20, "x2121212121212121212121212121212121212121"),  # 40 hexadecimal digits: all kept
        ("!" * 21, "x2121212121212121212121212121212121212121"),  # 42: cut to 40
        ("Ω" * 14, "x3a93a93a93a93a93a93a93a93a93a93a93a93a93"),  # 42: the cut falls inside the last code point
    ],
)
def test_a_fallback_slug_keeps_40_hexadecimal_digits(value: str, slug: str) -> None:
    assert (slugify(value), len(slug)) == (slug, 41)


# --- related incidents --------------------------------------------------------------------------


def case(ident: str, day: int, categories: list[str], services: list[str], tags: Sequence[str] = ()) -> dict[str, Any]:
    """An incident of January 2024 (10:00 UTC on ``day``) with these root-cause categories, services and tags."""
    doc = with_causes(incident(ident, f"2024-01-{day:02d}", services=services), *categories)
    doc["tags"] = list(tags)
    return doc


def related(kb: KnowledgeBase, ident: str) -> list[tuple[str, list[str], bool]]:
    return [(r.incident.id, r.reasons, r.explicit) for r in kb.by_id[ident].related]


ONE = dataclasses.replace(SETTINGS, related_limit=1)  # candidates: 2 each side in a bucket of more than 5

# Every incident of these tests explains its cause in the same words (the base document's), so each
# pair is also alike in wording: the weightiest shared words are "column" and "migration" (three uses
# each), then "added" and "default" (two each; ties by stem).
WORDING = "similar wording: column, migration, added, default"


@pytest.mark.parametrize(
    ("x_tags", "y_services", "y_tags", "g_services", "g_tags", "reasons"),
    [
        # INC-Y shares the root cause and the service api with INC-X; INC-G* share only the service
        ([], ["api"], [], ["api"], [], ["same root cause: code-defect", "same service: api", WORDING]),
        # INC-Y shares the root cause and the tag deployment with INC-X; INC-G* share only the tag
        (["deployment"], ["db"], ["deployment"], ["web"], ["deployment"], ["same root cause: code-defect", "same tag: deployment", WORDING]),
    ],
    ids=["service", "tag"],
)
def test_a_rare_pair_is_found_beyond_a_crowded_category(
    x_tags: list[str], y_services: list[str], y_tags: list[str], g_services: list[str], g_tags: list[str], reasons: list[str]
) -> None:
    # INC-X is the newest (day 20); INC-Y the oldest (day 5). Four closer incidents share only the root cause
    # (INC-F1..F4, days 19..16) and four only the service or tag (INC-G1..G4, days 19..16): each of those buckets
    # holds six, so INC-X sees only the two nearest of each. Only the bucket of the pair holds INC-Y, which shares
    # two things and so ranks first.
    docs = [case("INC-X", 20, ["code-defect"], ["api"], x_tags), case("INC-Y", 5, ["code-defect"], y_services, y_tags)]
    docs += [case(f"INC-F{n}", 20 - n, ["code-defect"], ["web"]) for n in range(1, 5)]
    docs += [case(f"INC-G{n}", 20 - n, ["capacity-insufficient"], g_services, g_tags) for n in range(1, 5)]
    kb = knowledge_base(*docs, settings=ONE)
    assert related(kb, "INC-X") == [("INC-Y", reasons, False)]


@pytest.mark.parametrize(
    ("z_day", "expected"),
    [
        (17, [("INC-Z", ["same root cause: code-defect, configuration-error", WORDING], False)]),  # second of each bucket: inside
        (15, [("INC-F1", ["same root cause: code-defect", WORDING], False)]),  # third of each bucket: outside both windows
    ],
)
def test_candidates_are_the_limit_plus_one_nearest_of_each_bucket_on_each_side(z_day: int, expected: list[Any]) -> None:
    # related_limit 1: the two nearest each side. INC-X (day 20, the newest) and INC-Z share two root-cause
    # categories; INC-F* share only code-defect, INC-H* only configuration-error. Both buckets hold six, newest first:
    #   day 17  code-defect: X F1(19) Z(17) F2(16) F3 F4       configuration-error: X H1(18) Z(17) H2(16) H3 H4
    #   day 15  code-defect: X F1(19) F2(16) Z(15) F3 F4       configuration-error: X H1(18) H2(16) Z(15) H3 H4
    # At day 15 the candidates are F1, F2, H1 and H2, one category each: the nearest in time, INC-F1, is first.
    f_days, h_days = [19, 16, 14, 12], [18, 16, 13, 11]
    docs = [case("INC-X", 20, ["code-defect", "configuration-error"], ["api"]),
            case("INC-Z", z_day, ["code-defect", "configuration-error"], ["db"])]
    docs += [case(f"INC-F{n}", d, ["code-defect"], ["web"]) for n, d in enumerate(f_days, 1)]
    docs += [case(f"INC-H{n}", d, ["configuration-error"], ["web"]) for n, d in enumerate(h_days, 1)]
    kb = knowledge_base(*docs, settings=ONE)
    assert related(kb, "INC-X") == expected


def test_an_incident_that_names_itself_is_not_its_own_related_incident() -> None:
    a = incident("INC-A", "2024-03-01")
    a["related"] = ["INC-A", "INC-B"]
    b = incident("INC-B", "2024-03-02")
    kb = knowledge_base(a, b)
    shared = ["same root cause: code-defect", "same service: api", "same tag: database-migration, deployment", WORDING]
    assert related(kb, "INC-A") == [("INC-B", ["named in this post-mortem", *shared], True)]
    assert related(kb, "INC-B") == [("INC-A", ["names this post-mortem", *shared], True)]


def test_a_bucket_s_time_keys_are_computed_once_and_reused() -> None:
    # the cache keeps the related pass linear: every incident of a bucket bisects the same list
    kb = knowledge_base(incident("INC-1", "2024-01-01"), incident("INC-2", "2024-01-02"))
    bucket = kb.by_category["code-defect"]  # newest first: INC-2, INC-1
    kb.related_index.bucket_keys = {}
    keys = kb.related_index.keys(bucket)
    # 10:00 UTC on 2 and on 1 January 2024, negated: 1,704,067,200 (midnight, 1 January) + 86,400 + 36,000 and + 36,000
    assert keys == [-1704189600.0, -1704103200.0]
    assert kb.related_index.keys(bucket) is keys
