"""History and factor themes on small knowledge bases whose figures are worked out by hand below."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

import pytest

from pmsite.analysis import action_figures, factors, history, patterns
from pmsite.analysis.factors import NAME_PLACEHOLDER, FactorBranch, FactorTheme
from pmsite.analysis.history import Spread
from pmsite.analysis.knowledge_base import KnowledgeBase, build_knowledge_base
from pmsite.format.document import Document, document_rules
from pmsite.settings import Settings

from conftest import valid_doc

SETTINGS = Settings(reference_date=dt.date(2024, 7, 1))
D = dt.date


def incident(
    ident: str,
    started: str,
    *,
    detect: float = 5,
    resolve: float | None = 30,
    mitigate: float | None = None,
    severity: int = 1,
    near_miss: bool = False,
    services: Sequence[str] = ("api",),
    teams: Sequence[str] = (),
    factors: Sequence[tuple[str, str]] = (),
    status: str = "published",
) -> dict[str, Any]:
    """A valid document. ``started`` is 'YYYY-MM-DD' or an ISO time in UTC; ``detect`` is minutes after the
    start; ``resolve`` and ``mitigate`` are minutes after detection (to the second)."""
    start = dt.datetime.fromisoformat(started if "T" in started else f"{started}T10:00:00").replace(tzinfo=dt.UTC)
    detected = start + dt.timedelta(seconds=round(detect * 60))
    doc = valid_doc(
        id=ident, title=f"Incident {ident}", status=status, severity=severity, near_miss=near_miss,
        started_at=start.isoformat(), detected_at=detected.isoformat(), services=list(services), teams=list(teams),
        contributing_factors=[{"description": text, "category": category} for text, category in factors],
    )
    events = [{"at": start.isoformat(), "event": "Change rolled out", "kind": "trigger", "evidence": "deploy log"},
              {"at": detected.isoformat(), "event": "Alert fired", "kind": "detection"}]
    doc.pop("mitigated_at")
    if mitigate is not None:
        doc["mitigated_at"] = (detected + dt.timedelta(seconds=round(mitigate * 60))).isoformat()
    if resolve is None:
        doc.pop("resolved_at")
        doc.pop("published_on")
        doc.pop("review_meeting_on")
    else:
        resolved = detected + dt.timedelta(seconds=round(resolve * 60))
        doc["resolved_at"] = resolved.isoformat()
        doc["review_meeting_on"] = doc["published_on"] = resolved.date().isoformat()
        events.append({"at": resolved.isoformat(), "event": "Recovered", "kind": "resolution"})
    doc["timeline"] = events
    return doc


def knowledge_base(*docs: dict[str, Any], settings: Settings = SETTINGS) -> KnowledgeBase:
    documents = []
    for data in docs:
        document = Document.model_validate(data, context={"settings": settings})
        assert document_rules(document, settings) == [], data["id"]  # the corpus is valid, so figures are all that is tested
        documents.append((document, f"content/incidents/{data['id']}.yaml"))
    return build_knowledge_base(documents, settings)


def process(*texts: str) -> list[tuple[str, str]]:
    return [(text, "process") for text in texts]


def branch(kb: KnowledgeBase, category: str) -> FactorBranch:
    (found,) = [b for b in factors.factor_branches(kb) if b.category == category]
    return found


def summary(theme: FactorTheme) -> tuple[str, str, tuple[str, ...], list[str], list[str]]:
    return theme.kind, theme.label, theme.terms, theme.examples, [i.id for i in theme.incidents]


# --- periods ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("first", "last", "step"),
    [
        (D(2024, 1, 1), D(2024, 1, 1), "month"),
        (D(2024, 1, 1), D(2026, 12, 31), "month"),  # 36 months
        (D(2024, 1, 31), D(2027, 1, 1), "quarter"),  # 37 months
        (D(2024, 1, 1), D(2027, 1, 1), "quarter"),
        (D(2020, 4, 1), D(2030, 3, 31), "quarter"),  # 2020-Q2..2030-Q1: 40 quarters
        (D(2020, 1, 1), D(2029, 12, 31), "quarter"),  # 2020-Q1..2029-Q4: 40 quarters
        (D(2020, 1, 1), D(2030, 1, 1), "year"),  # 2020-Q1..2030-Q1: 41 quarters
        (D(2010, 6, 1), D(2024, 2, 1), "year"),
        (D(2020, 7, 1), D(2030, 7, 1), "year"),  # 2020-Q3..2030-Q3: 41 quarters (July is in Q3, not Q2)
    ],
)
def test_period_step_by_span(first: dt.date, last: dt.date, step: str) -> None:
    assert history.period_step(first, last) == step


def test_quarter_step_never_draws_more_than_40_quarters() -> None:
    # 2020-03 .. 2030-01 is 119 months, but its quarters run 2020-Q1 .. 2030-Q1: 41 bars
    first, last = D(2020, 3, 1), D(2030, 1, 31)
    assert len(history.period_span(first, last, "quarter")) == 41
    assert history.period_step(first, last) == "year"


@pytest.mark.parametrize(
    ("first", "last", "step", "keys"),
    [
        (D(2024, 5, 5), D(2024, 5, 6), "month", ["2024-05"]),
        (D(2023, 11, 15), D(2024, 2, 1), "month", ["2023-11", "2023-12", "2024-01", "2024-02"]),
        (D(2024, 12, 31), D(2025, 1, 1), "month", ["2024-12", "2025-01"]),
        (D(2024, 2, 10), D(2024, 2, 20), "quarter", ["2024-Q1"]),
        (D(2024, 3, 31), D(2024, 4, 1), "quarter", ["2024-Q1", "2024-Q2"]),
        (D(2023, 11, 15), D(2024, 4, 1), "quarter", ["2023-Q4", "2024-Q1", "2024-Q2"]),
        (D(2023, 12, 31), D(2025, 1, 1), "quarter", ["2023-Q4", "2024-Q1", "2024-Q2", "2024-Q3", "2024-Q4", "2025-Q1"]),
        (D(2019, 12, 31), D(2022, 1, 1), "year", ["2019", "2020", "2021", "2022"]),
        (D(2024, 6, 1), D(2024, 6, 1), "year", ["2024"]),
    ],
)
def test_period_span_lists_every_period_gaps_included(first: dt.date, last: dt.date, step: str, keys: list[str]) -> None:
    assert history.period_span(first, last, step) == keys


@pytest.mark.parametrize(
    ("day", "month", "quarter", "year"),
    [
        (D(2024, 1, 1), "2024-01", "2024-Q1", "2024"),
        (D(2024, 3, 31), "2024-03", "2024-Q1", "2024"),
        (D(2024, 4, 1), "2024-04", "2024-Q2", "2024"),
        (D(987, 12, 31), "0987-12", "0987-Q4", "0987"),
    ],
)
def test_period_keys(day: dt.date, month: str, quarter: str, year: str) -> None:
    assert (history.month_key(day), history.quarter_key(day), history.year_key(day)) == (month, quarter, year)


# --- quantiles and spreads ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("values", "q", "expected"),
    [
        ([1, 2, 3, 4], 0.25, 1.75),
        ([1, 2, 3, 4], 0.5, 2.5),
        ([1, 2, 3, 4], 0.75, 3.25),
        ([1, 2, 3, 4], 0.0, 1),
        ([1, 2, 3, 4], 1.0, 4),
        ([10, 20, 100], 0.25, 15),
        ([10, 20, 100], 0.5, 20),
        ([10, 20, 100], 0.75, 60),
        ([5], 0.25, 5),
        ([5], 1.0, 5),
    ],
)
def test_quantile_interpolates_between_ranks(values: list[float], q: float, expected: float) -> None:
    assert history.quantile(values, q) == expected


def test_quantile_of_nothing_is_an_error() -> None:
    with pytest.raises(ValueError, match="^no values$"):
        history.quantile([], 0.5)


@pytest.mark.parametrize(
    ("seconds", "expected"),
    [
        ([], None),
        ([600, 1200, 1800, 2400], Spread(4, 17.5, 25, 32.5, 25)),
        ([2400, 600, 1800, 1200], Spread(4, 17.5, 25, 32.5, 25)),  # any order
        ([100, 200], Spread(2, 2.1, 2.5, 2.9, 2.5)),  # 1.667 and 3.333 minutes: 2.083, 2.5, 2.917, rounded
        ([90], Spread(1, 1.5, 1.5, 1.5, 1.5)),
        ([100], Spread(1, 1.7, 1.7, 1.7, 1.7)),  # 1.667 minutes, every figure rounded to one decimal
        ([60, 60, 120, 6000], Spread(4, 1, 1.5, 26.5, 26)),  # one long incident moves the mean, not the median
    ],
)
def test_spread_minutes(seconds: list[float], expected: Spread | None) -> None:
    assert history.spread_minutes(seconds) == expected


@pytest.mark.parametrize(
    ("values", "expected"),
    [
        ([0, 0, 3, 0, 2, 0], slice(2, 5)),
        ([], slice(0, 0)),
        ([0, 0], slice(0, 0)),
        ([None, None], slice(0, 0)),
        ([1], slice(0, 1)),
        ([4, 0, 0], slice(0, 1)),
        ([None, Spread(1, 1, 1, 1, 1), None, Spread(1, 2, 2, 2, 2), None], slice(1, 4)),
    ],
)
def test_trimmed_drops_empty_periods_at_both_ends(values: list[Any], expected: slice) -> None:
    assert history.trimmed(values) == expected


# --- history --------------------------------------------------------------------------------------


def test_history_of_nothing() -> None:
    h = history.history(knowledge_base())
    assert (h.step, h.periods, h.severities, h.counts, h.near_misses) == ("month", [], [1, 2, 3, 4], [], [])
    assert h.per_period == {1: [], 2: [], 3: [], 4: []}
    assert (h.resolve, h.detect, h.mitigate) == ([], [], [])
    assert h.duration_bins == [("< 15m", 0), ("15–30m", 0), ("30m–1h", 0), ("1–2h", 0), ("2–4h", 0), ("4–8h", 0), ("8–24h", 0), ("> 1d", 0)]


HISTORY_CORPUS = [
    incident("INC-A", "2024-01-10", severity=1, detect=4, mitigate=20, resolve=30),
    incident("INC-B", "2024-01-20", severity=2, detect=12, resolve=90),
    incident("INC-C", "2024-03-05", severity=2, detect=1, resolve=10, near_miss=True),
    incident("INC-D", "2024-03-30T23:30:00", severity=3, detect=2, mitigate=5, resolve=20),
    incident("INC-E", "2024-03-15", severity=1, detect=3, resolve=100),
]


def test_history_counts_per_period_and_severity() -> None:
    h = history.history(knowledge_base(*HISTORY_CORPUS))
    assert h.step == "month"
    assert h.periods == ["2024-01", "2024-02", "2024-03"]  # February is empty but shown
    assert h.severities == [1, 2, 3, 4]
    assert h.per_period == {1: [1, 0, 1], 2: [1, 0, 1], 3: [0, 0, 1], 4: [0, 0, 0]}
    assert h.counts == [2, 0, 3]
    assert h.near_misses == [0, 0, 1]


def test_history_spreads_in_minutes() -> None:
    h = history.history(knowledge_base(*HISTORY_CORPUS))
    # January: resolve 30, 90; detect 4, 12; only A mitigated, after 20.
    # March: resolve 10, 20, 100 (p25 halfway 10..20, p75 halfway 20..100, mean 130 / 3); detect 1, 2, 3; D mitigated after 5.
    assert h.resolve == [Spread(2, 45, 60, 75, 60), None, Spread(3, 15, 20, 60, 43.3)]
    assert h.detect == [Spread(2, 6, 8, 10, 8), None, Spread(3, 1.5, 2, 2.5, 2)]
    assert h.mitigate == [Spread(1, 20, 20, 20, 20), None, Spread(1, 5, 5, 5, 5)]
    assert history.trimmed(h.mitigate) == slice(0, 3)


def test_history_duration_bins() -> None:
    h = history.history(knowledge_base(*HISTORY_CORPUS))
    # 30 min is not under 30: it goes to 30m-1h; 90 and 100 to 1-2h; 10 to < 15m; 20 to 15-30m.
    assert h.duration_bins == [("< 15m", 1), ("15–30m", 1), ("30m–1h", 1), ("1–2h", 2), ("2–4h", 0), ("4–8h", 0), ("8–24h", 0), ("> 1d", 0)]


def test_duration_bin_boundaries() -> None:
    minutes = [
        14 + 59 / 60,  # 14m59s: < 15m
        15,  # exactly 15m: 15-30m
        60,  # exactly 1h: 1-2h
        120,  # exactly 2h: 2-4h
        8 * 60 - 1,  # 7h59m: 4-8h
        8 * 60,  # exactly 8h: 8-24h
        24 * 60 - 1 / 60,  # 23h59m59s: 8-24h
        24 * 60,  # exactly a day: > 1d
        3 * 24 * 60,  # > 1d
    ]
    docs = [incident(f"INC-{n}", f"2024-01-{n + 1:02d}", resolve=m) for n, m in enumerate(minutes)]
    h = history.history(knowledge_base(*docs))
    assert h.duration_bins == [("< 15m", 1), ("15–30m", 1), ("30m–1h", 0), ("1–2h", 1), ("2–4h", 1), ("4–8h", 1), ("8–24h", 2), ("> 1d", 2)]
    assert h.periods == ["2024-01"] and h.counts == [9]


def test_history_unresolved_draft_counts_but_has_no_duration() -> None:
    settings = Settings(reference_date=D(2024, 7, 1), publish_drafts=True)
    kb = knowledge_base(
        incident("INC-A", "2024-01-10", detect=4, resolve=30),
        incident("INC-B", "2024-02-10", detect=6, resolve=None, status="draft"),
        settings=settings,
    )
    h = history.history(kb)
    assert h.periods == ["2024-01", "2024-02"] and h.counts == [1, 1]
    assert h.resolve == [Spread(1, 30, 30, 30, 30), None]
    assert h.detect == [Spread(1, 4, 4, 4, 4), Spread(1, 6, 6, 6, 6)]
    assert sum(n for _, n in h.duration_bins) == 1


def test_history_by_month_up_to_36_months() -> None:
    h = history.history(knowledge_base(incident("INC-A", "2024-01-01"), incident("INC-B", "2026-12-31")))
    assert h.step == "month"
    assert len(h.periods) == 36 and (h.periods[0], h.periods[-1]) == ("2024-01", "2026-12")
    assert h.counts == [1] + [0] * 34 + [1]
    assert h.resolve[1:35] == [None] * 34


def test_history_by_quarter_from_37_months() -> None:
    h = history.history(knowledge_base(incident("INC-A", "2024-01-01"), incident("INC-B", "2027-01-01", severity=4)))
    assert h.step == "quarter"
    assert h.periods == [
        "2024-Q1", "2024-Q2", "2024-Q3", "2024-Q4", "2025-Q1", "2025-Q2", "2025-Q3", "2025-Q4",
        "2026-Q1", "2026-Q2", "2026-Q3", "2026-Q4", "2027-Q1",
    ]
    assert h.per_period[1] == [1] + [0] * 12
    assert h.per_period[4] == [0] * 12 + [1]


def test_history_by_year_beyond_40_quarters() -> None:
    h = history.history(
        knowledge_base(incident("INC-A", "2010-06-01"), incident("INC-B", "2012-02-03"), incident("INC-C", "2024-02-01"), incident("INC-D", "2024-12-31"))
    )
    assert h.step == "year"
    assert h.periods == [
        "2010", "2011", "2012", "2013", "2014", "2015", "2016", "2017", "2018", "2019", "2020", "2021", "2022", "2023", "2024",
    ]
    assert h.counts == [1, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 2]


# --- key terms --------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "ignore", "terms"),
    [
        ("The alerts were never routed through the billing pager", {"billing"}, {"alert", "routed", "pager"}),
        ("Dependencies and retries: class runs on-call 2024 disk ttl", set(), {"dependency", "retry", "class", "runs", "on-call", "disk"}),
        ("Runbooks RUNBOOK runbook's", set(), {"runbook"}),
        ("What should have been before that", set(), set()),  # stop words and short words only
        ("orders-db failover took over 10 minutes", {"orders-db"}, {"failover", "took", "minute"}),
    ],
)
def test_key_terms(text: str, ignore: set[str], terms: set[str]) -> None:
    assert factors.key_terms(text, frozenset(ignore)) == frozenset(terms)


# --- factor themes ----------------------------------------------------------------------------------


def test_branches_follow_the_configured_categories() -> None:
    kb = knowledge_base(
        incident("INC-A", "2024-01-10", factors=[("Unclear ownership", "people"), ("Holiday traffic", "environment")]),
        incident("INC-B", "2024-02-10", factors=[("Holiday traffic", "environment"), ("Static worker pool", "technology")]),
    )
    branches = factors.factor_branches(kb)
    assert [(b.category, b.count, b.incident_count, b.single, len(b.themes)) for b in branches] == [
        ("people", 1, 1, 1, 0),
        ("process", 0, 0, 0, 0),
        ("technology", 1, 1, 1, 0),
        ("environment", 2, 2, 0, 1),
    ]
    assert summary(branches[3].themes[0]) == ("wording", "Holiday traffic", (), ["Holiday traffic"], ["INC-B", "INC-A"])


def test_same_wording_with_service_names_masked_is_one_theme() -> None:
    kb = knowledge_base(
        incident("INC-A", "2024-01-10", services=["billing"], factors=process("No runbook for billing")),
        incident("INC-B", "2024-02-10", services=["search"], factors=process("no runbook for search!")),
    )
    assert NAME_PLACEHOLDER == "‹name›"
    b = branch(kb, "process")
    assert (b.count, b.incident_count, b.single) == (2, 2, 0)
    # labelled as first written, the service name replaced; examples oldest first, incidents newest first
    assert [summary(t) for t in b.themes] == [
        ("wording", "No runbook for ‹name›", (), ["No runbook for billing", "no runbook for search!"], ["INC-B", "INC-A"])
    ]


def test_team_names_are_masked_too() -> None:
    kb = knowledge_base(
        incident("INC-A", "2024-01-10", teams=["Storage"], factors=process("Storage on-call was not paged")),
        incident("INC-B", "2024-02-10", teams=["network"], factors=process("Network on-call was not paged")),
    )
    assert [summary(t) for t in branch(kb, "process").themes] == [
        ("wording", "‹name› on-call was not paged", (), ["Storage on-call was not paged", "Network on-call was not paged"], ["INC-B", "INC-A"])
    ]


def test_case_punctuation_and_spacing_are_folded() -> None:
    kb = knowledge_base(
        incident("INC-A", "2024-01-10", factors=process("Config changes skip review")),
        incident("INC-B", "2024-02-10", factors=process("config   changes, skip REVIEW.")),
    )
    b = branch(kb, "process")
    assert [summary(t) for t in b.themes] == [
        ("wording", "Config changes skip review", (), ["Config changes skip review", "config   changes, skip REVIEW."], ["INC-B", "INC-A"])
    ]
    assert b.single == 0


def test_one_wording_is_labelled_as_written() -> None:
    kb = knowledge_base(
        incident("INC-A", "2024-01-10", services=["billing"], factors=process("No runbook for billing")),
        incident("INC-B", "2024-02-10", services=["billing"], factors=process("No runbook for billing")),
    )
    assert [summary(t) for t in branch(kb, "process").themes] == [
        ("wording", "No runbook for billing", (), ["No runbook for billing"], ["INC-B", "INC-A"])
    ]


def test_different_wordings_sharing_a_key_term_are_one_theme() -> None:
    kb = knowledge_base(
        incident("INC-A", "2024-01-10", factors=process("The failover runbook was stale")),
        incident("INC-B", "2024-02-10", factors=process("Runbook steps referenced a removed flag")),
    )
    b = branch(kb, "process")
    assert [summary(t) for t in b.themes] == [
        ("terms", "runbook", ("runbook",), ["The failover runbook was stale", "Runbook steps referenced a removed flag"], ["INC-B", "INC-A"])
    ]
    assert (b.count, b.incident_count, b.single) == (2, 2, 0)


@pytest.mark.parametrize(
    ("texts", "label"),
    [
        # "stale" is in 2 of 3 factors: at least two thirds, so it names the theme too
        (["Runbook was stale for failover", "Stale runbook for the restore", "Runbook missing the rollback step"], "runbook · stale"),
        # 2 of 4 is less than two thirds
        (["Runbook was stale for failover", "Stale runbook for the restore", "Runbook missing the rollback step",
          "Runbook lacked owner contact"], "runbook"),
    ],
)
def test_a_second_term_shared_by_most_of_the_theme_joins_its_label(texts: list[str], label: str) -> None:
    kb = knowledge_base(*(incident(f"INC-{n}", f"2024-0{n + 1}-10", factors=process(t)) for n, t in enumerate(texts)))
    (theme,) = branch(kb, "process").themes
    assert (theme.kind, theme.label, theme.terms, theme.examples) == ("terms", label, tuple(label.split(" · ")), texts)


def test_a_theme_needs_two_incidents() -> None:
    kb = knowledge_base(
        incident("INC-A", "2024-01-10", factors=process("Runbook was stale", "runbook was stale", "Runbook lacked rollback steps")),
        incident("INC-B", "2024-02-10", factors=process("Paging policy unclear")),
    )
    b = branch(kb, "process")
    assert b.themes == []
    assert (b.count, b.incident_count, b.single) == (4, 2, 4)


def test_stop_words_and_names_are_not_key_terms() -> None:
    kb = knowledge_base(
        incident("INC-A", "2024-01-10", services=["billing"], teams=["storage"],
                 factors=process("Billing storage alerts were muted during deploys")),
        incident("INC-B", "2024-02-10", services=["billing"], teams=["storage"],
                 factors=process("Billing storage quota was never reviewed during freeze")),
    )
    b = branch(kb, "process")
    assert b.themes == [] and b.single == 2


def test_plural_of_a_service_name_is_not_a_key_term() -> None:
    # The service is "payments"; "payment" is its name too once plurals are folded, as key terms fold them.
    kb = knowledge_base(
        incident("INC-A", "2024-01-10", services=["payments"], factors=process("Payment retries were unbounded")),
        incident("INC-B", "2024-02-10", services=["payments"], factors=process("The payment worker pool was undersized")),
    )
    b = branch(kb, "process")
    assert [t.label for t in b.themes] == []
    assert b.single == 2


def test_themes_ordered_by_incidents_wordings_first_then_label() -> None:
    kb = knowledge_base(
        incident("INC-1", "2024-01-10", factors=process("Config changes skip review", "Failover runbook was stale")),
        incident("INC-2", "2024-02-10", factors=process("config changes skip review", "Runbook steps referenced a removed flag")),
        incident("INC-3", "2024-03-10", factors=process("Config changes skip review!", "Deploy freeze calendar was ignored")),
        incident("INC-4", "2024-04-10", factors=process("Deploy freeze exceptions had no owner", "Zero alerting on queue depth")),
        incident("INC-5", "2024-05-10", factors=process("Zero alerting on queue depth", "Disk quota unknown")),
    )
    b = branch(kb, "process")
    # "deploy", "freeze" and "runbook" each name 2 incidents: "deploy" is taken first (alphabetical) and
    # "freeze" is in both of its factors, so it joins the label.
    assert [summary(t) for t in b.themes] == [
        ("wording", "Config changes skip review", (),
         ["Config changes skip review", "config changes skip review", "Config changes skip review!"], ["INC-3", "INC-2", "INC-1"]),
        ("wording", "Zero alerting on queue depth", (), ["Zero alerting on queue depth"], ["INC-5", "INC-4"]),
        ("terms", "deploy · freeze", ("deploy", "freeze"),
         ["Deploy freeze calendar was ignored", "Deploy freeze exceptions had no owner"], ["INC-4", "INC-3"]),
        ("terms", "runbook", ("runbook",), ["Failover runbook was stale", "Runbook steps referenced a removed flag"], ["INC-2", "INC-1"]),
    ]
    assert (b.count, b.incident_count, b.single) == (10, 5, 1)  # "Disk quota unknown" recurs nowhere


@pytest.mark.parametrize(
    ("texts", "label", "terms"),
    [
        # "failover" names 3 incidents, "runbook" 2: the greedy pass takes "failover" and every factor with it;
        # "runbook" is in 2 of its 3 factors, so it only sharpens the label.
        (["Stale runbook for failover", "Failover runbook untested", "Failover drill skipped"],
         "failover · runbook", ("failover", "runbook")),
        # all three: outdated, runbook, stale (the first alphabetically leads, then one more, the first of
        # the rest alphabetically); two: alert, missing
        (["Failover runbook outdated and stale, alerts missing", "Runbook outdated and stale; alerts missing",
          "Stale runbook outdated, escalation unclear"], "outdated · runbook", ("outdated", "runbook")),
    ],
)
def test_a_factor_lands_in_one_theme_at_most(texts: list[str], label: str, terms: tuple[str, ...]) -> None:
    kb = knowledge_base(*(incident(ident, started, factors=process(text))
                          for ident, started, text in zip(["INC-A", "INC-B", "INC-C"], ["2024-01-10", "2024-02-10", "2024-03-10"], texts)))
    (theme,) = branch(kb, "process").themes
    assert (theme.label, theme.terms) == (label, terms)
    assert [i.id for i in theme.incidents] == ["INC-C", "INC-B", "INC-A"]
    assert branch(kb, "process").single == 0


@pytest.mark.parametrize(
    ("seconds", "text"),
    [(None, "—"), (0, "0s"), (59, "59s"), (60, "1m"), (61, "1m 01s"), (3599, "59m 59s"), (3600, "1h 00m"),
     (3661, "1h 01m"), (86399, "23h 59m"), (86400, "1d 0h"), (86460, "1d 0h 01m"), (90000, "1d 1h"), (-90, "-1m 30s"),
     (-7200, "-2h 00m")],
)
def test_durations_read_as_written_here(seconds: int | None, text: str) -> None:
    from pmsite.site.formatting import human_duration

    assert human_duration(None if seconds is None else dt.timedelta(seconds=seconds)) == text


@pytest.mark.parametrize(
    ("seconds", "text"),
    [(0, "T+0s"), (45, "T+45s"), (105, "T+1m45s"), (120, "T+2m"), (3600, "T+1h"), (3660, "T+1h1m"),
     (90061, "T+1d1h1m1s"), (86400, "T+1d"), (-30, "T-30s"), (-3600, "T-1h")],
)
def test_timeline_offsets_read_as_written_here(seconds: int, text: str) -> None:
    from pmsite.site.formatting import offset_label

    assert offset_label(dt.timedelta(seconds=seconds)) == text


def test_related_incidents_say_why_in_words() -> None:
    a = incident("INC-A", "2024-03-01", services=("api", "db"))
    a["related"] = ["INC-B"]
    b = incident("INC-B", "2024-03-02", services=("api",))
    b["tags"] = ["deployment"]
    c = incident("INC-C", "2024-03-03", services=("web",))
    c["tags"] = ["database-migration", "deployment"]
    c["root_causes"][0]["category"] = "capacity-insufficient"
    kb = knowledge_base(a, b, c)
    why = {inc.id: [(r.incident.id, r.reasons, r.explicit) for r in inc.related] for inc in kb.incidents}
    words = "similar wording: column, migration, added, default"  # the three explain their cause in the same words
    assert why["INC-A"] == [
        ("INC-B", ["named in this post-mortem", "same root cause: code-defect", "same service: api", "same tag: deployment", words], True),
        ("INC-C", ["same tag: database-migration, deployment", words], False),
    ]
    assert why["INC-B"] == [
        ("INC-A", ["names this post-mortem", "same root cause: code-defect", "same service: api", "same tag: deployment", words], True),
        ("INC-C", ["same tag: deployment", words], False),
    ]
    assert why["INC-C"] == [
        ("INC-A", ["same tag: database-migration, deployment", words], False),
        ("INC-B", ["same tag: deployment", words], False),
    ]


def test_a_named_incident_gives_only_the_reasons_both_share() -> None:
    from pmsite.analysis.related import reason_words as _reason_words

    a = incident("INC-A", "2024-03-01", services=("api", "db"))
    a["related"] = ["INC-B"]
    b = incident("INC-B", "2024-03-02", services=("api", "db", "web"))
    b["tags"] = []
    b["root_causes"][0]["category"] = "capacity-insufficient"  # INC-A's is code-defect
    kb = knowledge_base(a, b)
    why = {inc.id: [(r.incident.id, r.reasons) for r in inc.related] for inc in kb.incidents}
    words = "similar wording: column, migration, added, default"  # both explain their cause in the same words
    assert why == {"INC-A": [("INC-B", ["named in this post-mortem", "same service: api, db", words])],
                   "INC-B": [("INC-A", ["names this post-mortem", "same service: api, db", words])]}
    assert _reason_words(["a", "b"], ["x", "y"], ["t", "u"]) == ["same root cause: a, b", "same service: x, y", "same tag: t, u"]


def test_the_checklist_panel_sums_up_each_code() -> None:
    from pmsite.analysis.checklist import checks

    data = valid_doc()
    data["root_causes"] = [{"description": f"Cause {n}.", "category": "code-defect"} for n in range(4)]
    data.pop("contributing_factors", None)
    data["checklist_ignore"] = ["PM105"]
    doc = Document.model_validate(data, context={"settings": SETTINGS})
    panel = {c.code: (c.title, c.passed, c.ignored, c.detail, len(c.findings)) for c in checks(doc, SETTINGS)}
    assert list(panel) == [f"PM{n}" for n in range(101, 114)]
    why = "0 whys: ask at least 3 to reach a systemic cause"
    assert panel["PM104"] == ("Root causes reach systemic depth (enough whys)", False, False, f"{why}; {why}; {why} (+1 more)", 4)
    assert panel["PM105"] == ("Contributing factors listed", True, True,
                              "no contributing factors: list the conditions that made the incident likelier or worse", 1)
    assert panel["PM102"] == ("Timeline has a detection event", True, False, "", 0)


def test_the_checklist_panel_lists_three_findings_without_a_remainder() -> None:
    from pmsite.analysis.checklist import checks

    data = valid_doc()
    data["root_causes"] = [{"description": f"Cause {n}.", "category": "code-defect"} for n in range(3)]
    doc = Document.model_validate(data, context={"settings": SETTINGS})
    (pm104,) = [c for c in checks(doc, SETTINGS) if c.code == "PM104"]
    why = "0 whys: ask at least 3 to reach a systemic cause"
    assert (pm104.detail, len(pm104.findings)) == (f"{why}; {why}; {why}", 3)


# --- action figures, patterns and services: counts worked out by hand -------------------------------


def with_actions(doc: dict[str, Any], *items: tuple[str, str, str, str]) -> dict[str, Any]:
    """``items`` as (owner, priority, due, status); completed items were closed on their due date."""
    doc["action_items"] = [
        {"id": f"A{n}", "description": f"Action {n}", "owner": owner, "priority": priority, "due": due, "status": status,
         **({"completed_on": due} if status == "done" else {})}
        for n, (owner, priority, due, status) in enumerate(items, 1)
    ]
    return doc


def test_owners_count_every_overdue_and_open_item_and_order_by_open_then_overdue() -> None:
    # reference date 2024-07-01: due 2024-06-30 is overdue, due 2024-07-01 is not (due today)
    kb = knowledge_base(
        with_actions(incident("INC-1", "2024-06-01"),
                     ("SRE", "high", "2024-06-10", "open"), ("SRE", "high", "2024-06-30", "in-progress"),
                     ("SRE", "high", "2024-07-01", "open"), ("SRE", "high", "2024-06-20", "done"),
                     ("Network", "high", "2024-06-01", "open"), ("Network", "high", "2024-08-01", "open"),
                     ("Network", "high", "2024-08-02", "open"), ("Network", "high", "2024-08-03", "open"),
                     ("Queue team", "high", "2024-08-01", "open")),
    )
    owners = [(r.owner, r.total, r.done, r.open, r.overdue) for r in action_figures.action_figures(kb).owners]
    assert owners == [("Network", 4, 0, 4, 1), ("SRE", 4, 1, 3, 2), ("Queue team", 1, 0, 1, 0)]
    assert [a.id for a in action_figures.action_figures(kb).overdue] == ["A5", "A1", "A2"]  # by priority, then due date


@pytest.mark.parametrize(
    ("started", "recent"),
    [("2024-04-03", 1), ("2024-04-02", 1), ("2024-04-01", 0)],  # reference date 2024-07-01 less 90 days is 2024-04-02
)
def test_recent_completion_counts_incidents_of_the_last_90_days(started: str, recent: int) -> None:
    kb = knowledge_base(
        with_actions(incident("INC-1", started), ("SRE", "high", "2024-06-01", "done"), ("SRE", "high", "2024-06-02", "open")),
        with_actions(incident("INC-2", "2024-01-05"), ("SRE", "high", "2024-02-01", "done")),
    )
    found = action_figures.action_figures(kb)
    assert found.completion_all == 66.7  # 2 of 3 done, as a rounded percentage
    assert found.recent_count == 2 * recent
    assert found.completion_recent == (50.0 if recent else None)


@pytest.mark.parametrize(
    ("day", "months", "expected"),
    [
        (D(2023, 12, 31), 1, D(2024, 1, 31)),
        (D(2024, 1, 31), 1, D(2024, 2, 29)),  # leap year
        (D(2023, 1, 31), 1, D(2023, 2, 28)),
        (D(2100, 1, 31), 1, D(2100, 2, 28)),  # divisible by 100: not a leap year
        (D(2000, 1, 31), 1, D(2000, 2, 29)),  # divisible by 400: a leap year
        (D(2024, 1, 31), 2, D(2024, 3, 31)),
        (D(2024, 3, 31), 1, D(2024, 4, 30)),
        (D(2024, 3, 31), 2, D(2024, 5, 31)),
        (D(2024, 5, 31), 1, D(2024, 6, 30)),
        (D(2024, 5, 31), 2, D(2024, 7, 31)),
        (D(2024, 7, 31), 1, D(2024, 8, 31)),
        (D(2024, 8, 31), 1, D(2024, 9, 30)),
        (D(2024, 8, 31), 2, D(2024, 10, 31)),
        (D(2024, 10, 31), 1, D(2024, 11, 30)),
        (D(2024, 10, 31), 2, D(2024, 12, 31)),
        (D(2024, 11, 15), 2, D(2025, 1, 15)),  # across the year
        (D(2024, 12, 31), 12, D(2025, 12, 31)),
        (D(2024, 2, 29), 12, D(2025, 2, 28)),
    ],
)
def test_add_months_keeps_the_day_or_takes_the_last_of_a_shorter_month(day: dt.date, months: int, expected: dt.date) -> None:
    assert patterns._add_months(day, months) == expected


def test_a_pattern_lists_services_and_categories_by_count_then_name() -> None:
    two = incident("INC-2", "2024-02-10", services=["zeta", "mid"])
    three = incident("INC-3", "2024-03-10", services=["zeta", "beta"])
    cause = two["root_causes"][0]
    two["root_causes"] = [cause, dict(cause, category="capacity-insufficient")]
    three["root_causes"] = [dict(cause, category="capacity-insufficient"), dict(cause, category="configuration-error")]
    kb = knowledge_base(incident("INC-1", "2024-01-10", services=["zeta", "mid", "alpha"]), two, three)
    pattern = patterns.pattern_for(kb, "code-defect", kb.incidents)
    assert pattern.services == [("zeta", 3), ("mid", 2), ("alpha", 1), ("beta", 1)]
    assert pattern.categories == [("capacity-insufficient", 2), ("code-defect", 2), ("configuration-error", 1)]
    assert patterns.service_keys(kb) == ["zeta", "mid", "alpha", "beta"]
    assert pattern.per_year == [("2024", 3)]
    assert (pattern.burst, pattern.burst_start, pattern.burst_end) == (3, D(2024, 1, 10), D(2024, 3, 10))


def item(ident: str, owner: str, priority: str, due: str, status: str = "open", completed: str | None = None) -> dict[str, Any]:
    return {"id": ident, "description": f"Action {ident}", "owner": owner, "priority": priority, "due": due, "status": status,
            **({"completed_on": completed} if completed else {})}


# Reference date 2024-07-01; the incident resolved on 2024-06-01. Windows: critical 7 days, high 28, due soon: 14 days.
WEEKLY_REVIEW = [
    item("A1", "Platform team", "low", "2024-06-05"),  # overdue
    item("A2", "Platform team", "critical", "2024-07-20"),
    item("A3", "Data_ops", "high", "2024-07-10"),  # due in 9 days: soon
    item("A4", "Database", "high", "2024-07-15"),  # due in 14 days: soon (the boundary)
    item("A5", "Network", "medium", "2024-07-16"),  # due in 15 days: not soon
    item("A6", "Platform team", "critical", "2024-06-05", "done", "2024-06-08"),  # closed in 7 days: on time (the boundary)
    item("A7", "Platform team", "critical", "2024-06-05", "done", "2024-06-09"),  # closed in 8 days: late
    item("A8", "Data_ops", "high", "2024-06-20", "wont-do", "2024-06-21"),
    item("A9", "Queue", "low", "2024-06-20"),  # overdue
]


def test_the_weekly_review_figures() -> None:
    doc = incident("INC-1", "2024-06-01")
    doc["action_items"] = WEEKLY_REVIEW
    f = action_figures.action_figures(knowledge_base(doc))
    assert len(f.all) == 9
    # the review's order: overdue first, longest late first (A1 26 days, A9 11 days), then by due date
    assert [a.id for a in f.open] == ["A1", "A9", "A3", "A4", "A5", "A2"]
    assert [a.id for a in f.overdue] == ["A1", "A9"]
    assert [a.id for a in f.due_soon] == ["A3", "A4"]  # an overdue item is not 'due soon'
    assert [(r.priority, r.window_days, r.closed, r.on_time) for r in f.on_time] == [
        ("critical", 7, 2, 1), ("high", 28, 0, 0), ("medium", 60, 0, 0), ("low", 90, 0, 0)
    ]
    assert f.on_time_overall == 50.0
    assert f.average_days_to_close == 7.5
    assert f.completion_all == 25.0  # 2 done of 8 (wont-do is left out)
    # by open items, then overdue, then name without case ('_' sorts before letters in lower case, after them in upper)
    assert [(r.owner, r.total, r.done, r.open, r.overdue) for r in f.owners] == [
        ("Platform team", 4, 2, 2, 1),
        ("Queue", 1, 0, 1, 1),
        ("Data_ops", 2, 0, 1, 0),
        ("Database", 1, 0, 1, 0),
        ("Network", 1, 0, 1, 0),
    ]


RENAMED = {"open": "todo", "in-progress": "doing", "done": "closed", "wont-do": "dropped"}


def test_renamed_status_words_give_the_same_figures() -> None:
    """A site that calls its statuses todo, doing, closed and dropped gets the very figures of the default words."""
    settings = Settings(reference_date=dt.date(2024, 7, 1),
                        action_statuses={"todo": "open", "doing": "in-progress", "closed": "done", "dropped": "wont-do"})
    doc = incident("INC-1", "2024-06-01")
    doc["action_items"] = [dict(entry, status=RENAMED[entry["status"]]) for entry in WEEKLY_REVIEW]
    f = action_figures.action_figures(knowledge_base(doc, settings=settings))
    assert [a.id for a in f.open] == ["A1", "A9", "A3", "A4", "A5", "A2"]
    assert [a.id for a in f.overdue] == ["A1", "A9"]
    assert [a.id for a in f.due_soon] == ["A3", "A4"]
    assert [(r.priority, r.closed, r.on_time) for r in f.on_time] == [("critical", 2, 1), ("high", 0, 0), ("medium", 0, 0), ("low", 0, 0)]
    assert (f.completion_all, f.on_time_overall, f.average_days_to_close) == (25.0, 50.0, 7.5)
    assert [(r.owner, r.total, r.done, r.open, r.overdue) for r in f.owners][0] == ("Platform team", 4, 2, 2, 1)


def test_no_closed_item_has_no_average_time_to_close() -> None:
    doc = incident("INC-1", "2024-06-01")
    doc["action_items"] = [item("A1", "SRE", "high", "2024-08-01")]
    f = action_figures.action_figures(knowledge_base(doc))
    assert (f.average_days_to_close, f.on_time_overall, f.completion_all) == (None, None, 0.0)


def test_values_outside_the_configured_sets_sort_last() -> None:
    """A document checked without settings may hold a severity, priority or category the site does not list."""
    doc = incident("INC-1", "2024-06-01", severity=9)
    doc["action_items"] = [item("A1", "SRE", "someday", "2024-06-10"), item("A2", "SRE", "low", "2024-06-20"),
                           item("A3", "SRE", "critical", "2024-06-30")]
    doc["root_causes"] = [{"description": "x", "category": "aaa-unlisted", "five_whys": []},
                          {"description": "y", "category": "process-gap", "five_whys": []}]
    document = Document.model_validate(doc)  # no settings: any value is kept
    kb = build_knowledge_base([(document, "content/incidents/INC-1.yaml")], SETTINGS)
    f = action_figures.action_figures(kb)
    assert [a.id for a in f.open] == ["A1", "A2", "A3"]  # all overdue: 21, 11 and 1 days late
    assert patterns.category_keys(kb) == ["process-gap", "aaa-unlisted"]
    assert history.history(kb).per_period == {1: [0], 2: [0], 3: [0], 4: [0], 9: [1]}


def test_history_counts_two_of_a_kind_in_one_period() -> None:
    h = history.history(knowledge_base(
        incident("INC-A", "2024-01-10", severity=2, near_miss=True),
        incident("INC-B", "2024-01-20", severity=2, near_miss=True),
    ))
    assert (h.periods, h.per_period, h.counts, h.near_misses) == (["2024-01"], {1: [0], 2: [2], 3: [0], 4: [0]}, [2], [2])


@pytest.mark.parametrize(
    ("dates", "expected"),
    [
        ([], (0, None, None)),
        ([D(2024, 1, 1)], (1, D(2024, 1, 1), D(2024, 1, 1))),
        # 12-month windows: 2023-03-01 up to 2024-03-01 (exclusive) holds three; the last date starts a window of one
        ([D(2023, 3, 1), D(2023, 6, 1), D(2024, 2, 29), D(2024, 3, 1)], (3, D(2023, 3, 1), D(2024, 2, 29))),
        ([D(2024, 3, 1), D(2023, 6, 1), D(2023, 3, 1), D(2024, 2, 29)], (3, D(2023, 3, 1), D(2024, 2, 29))),  # any order
        # two windows of two: the first found is kept
        ([D(2020, 1, 1), D(2020, 2, 1), D(2022, 1, 1), D(2022, 2, 1)], (2, D(2020, 1, 1), D(2020, 2, 1))),
        ([D(2020, 1, 1), D(2021, 1, 1)], (1, D(2020, 1, 1), D(2020, 1, 1))),  # a window ends before the same day next year
    ],
)
def test_densest_window(dates: list[dt.date], expected: tuple[int, dt.date | None, dt.date | None]) -> None:
    assert patterns.densest_window(dates, 12) == expected


def test_recurring_factors_group_the_same_wording_and_count_incidents() -> None:
    kb = knowledge_base(
        incident("INC-1", "2024-01-10", factors=[("Missing alert on disk usage", "technology"), ("Data_sync lag", "process")]),
        incident("INC-2", "2024-02-10", factors=[("missing alert on disk usage.", "process"),
                                                 ("Database failover untested", "environment")]),
        incident("INC-3", "2024-03-10", factors=[("Data_sync lag", "process"), ("Database failover untested", "environment"),
                                                 ("Missing  alert on disk usage", "technology"), ("Only here", "people")]),
    )
    found = [(r.text, r.category, [i.id for i in r.incidents]) for r in patterns.recurring_factors(kb.incidents)]
    assert found == [
        ("Missing alert on disk usage", "technology", ["INC-1", "INC-2", "INC-3"]),  # as first written, with its category
        ("Data_sync lag", "process", ["INC-1", "INC-3"]),  # two incidents each: by text without case
        ("Database failover untested", "environment", ["INC-2", "INC-3"]),
    ]


def test_nearest_takes_n_incidents_each_side_by_time_from_each_bucket() -> None:
    days = [1, 2, 3, 5, 8, 13, 21, 22]
    kb = knowledge_base(*(incident(f"INC-{d:02d}", f"2024-01-{d:02d}") for d in days))
    by_day = {inc.date.day: inc for inc in kb.incidents}
    newest_first = [by_day[d] for d in sorted(days, reverse=True)]
    kb.related_index.bucket_keys = {}

    def nearest(bucket_days: list[int], day: int, n: int = 2) -> list[int]:
        bucket = buckets.setdefault(tuple(bucket_days), [by_day[d] for d in bucket_days])
        return [i.date.day for i in kb.related_index.nearest(bucket, by_day[day], n)]

    buckets: dict[tuple[int, ...], list[Any]] = {tuple(sorted(days, reverse=True)): newest_first}
    assert nearest([22, 21, 13, 8, 5, 3, 2, 1], 8) == [21, 13, 8, 5, 3]
    assert nearest([22, 21, 13, 8, 5, 3, 2, 1], 22) == [22, 21, 13]  # the newest: nothing newer
    assert nearest([22, 21, 13, 8, 5, 3, 2, 1], 1) == [3, 2, 1]
    assert nearest([22, 13, 5, 3, 2, 1], 2) == [5, 3, 2, 1]  # another bucket has its own positions
    assert nearest([22, 13, 5, 3, 2], 22) == [22, 13, 5, 3, 2]  # 2n + 1 incidents: all of them


@pytest.mark.parametrize(
    ("word", "singular"),
    [("allies", "ally"), ("policies", "policy"), ("flies", "flie"),  # '-ies' needs more than five letters, then '-s' applies
     ("tests", "test"), ("runs", "runs"), ("class", "class"), ("disks", "disk")],  # '-s' needs more than four
)
def test_singular(word: str, singular: str) -> None:
    assert factors._singular(word) == singular


def test_name_mask_masks_names_of_three_letters_or_more_and_leaves_text_without_names() -> None:
    mask = factors._name_mask({"api", "orders-db", "orders", "db"})
    assert mask("api timeouts on orders-db and orders; db lag", "‹n›") == "‹n› timeouts on ‹n› and ‹n›; db lag"
    assert factors._name_mask({"db"})("db lag", "‹n›") == "db lag"  # no name long enough: the text as it is


@pytest.mark.parametrize(
    ("text", "key"),
    [("Missing  alert, on-disk usage!", "missing alert on disk usage"), ("TTL  too long.", "ttl too long")],
)
def test_normalise_factor(text: str, key: str) -> None:
    assert patterns.normalise_factor(text) == key

