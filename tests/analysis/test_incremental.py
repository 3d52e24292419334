"""A live preview's analysis after an edit: reusing the last build's knowledge base gives exactly
the related lists a full analysis gives, and recomputes only the lists the edit can reach."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from hypothesis import Phase, given, settings
from hypothesis import strategies as st

from pmsite.analysis.knowledge_base import KnowledgeBase, build_knowledge_base
from pmsite.analysis.related import RelatedIndex
from pmsite.format.document import Document
from pmsite.settings import Settings

from conftest import valid_doc

CATEGORIES = ("code-defect", "configuration-error", "capacity-insufficient")
SERVICES = ("api", "db", "queue")
TAGS = ("deploy", "dns")
WORDS = ("cache", "eviction", "timeout", "retry", "certificate", "quota")  # few: an edit often moves a word's weight
START = dt.datetime(2024, 3, 1, 10, 0, tzinfo=dt.UTC)


def document(ident: str, day: int, categories: list[str], services: list[str], tags: list[str], related: list[str],
             words: tuple[str, ...] = ()) -> Document:
    """A valid document that starts ``day`` days after 1 March 2024 (days repeat, so start times tie); its
    root causes say ``words`` (else the base document's sentence)."""
    started = START + dt.timedelta(days=day)
    data = valid_doc(
        id=ident, started_at=started.isoformat(), detected_at=(started + dt.timedelta(minutes=5)).isoformat(),
        resolved_at=(started + dt.timedelta(hours=1)).isoformat(), services=services, tags=tags, related=related,
        review_meeting_on=(started + dt.timedelta(days=2)).date().isoformat(), published_on=(started + dt.timedelta(days=3)).date().isoformat(),
        timeline=[{"at": started.isoformat(), "event": "Change rolled out", "kind": "trigger", "evidence": "deploy log"}],
        action_items=[],
    )
    del data["mitigated_at"]
    data["root_causes"] = [dict(data["root_causes"][0], category=c) for c in categories]
    if words:
        data["root_causes"] = [{"description": " ".join(words) + ".", "category": c} for c in categories]
        data["contributing_factors"] = []
    return Document.model_validate(data, context={"settings": Settings()})


def related_lists(kb: KnowledgeBase) -> dict[str, list[tuple[str, list[str], bool]]]:
    return {inc.id: [(r.incident.id, r.reasons, r.explicit) for r in inc.related] for inc in kb.incidents}


FEATURES = st.tuples(
    st.integers(0, 9),
    st.lists(st.sampled_from(CATEGORIES), min_size=1, max_size=2, unique=True),
    st.lists(st.sampled_from(SERVICES), min_size=1, max_size=2, unique=True),
    st.lists(st.sampled_from(TAGS), max_size=2, unique=True),
    st.lists(st.integers(0, 39), max_size=2, unique=True),  # related, as numbers of other incidents
    st.lists(st.sampled_from(WORDS), min_size=1, max_size=4),  # the wording of the root causes (words may repeat)
)
EDIT = st.one_of(
    st.tuples(st.just("change"), st.integers(0, 39), FEATURES),
    st.tuples(st.just("remove"), st.integers(0, 39), st.none()),
    st.tuples(st.just("add"), st.integers(40, 49), FEATURES),
)


def make(number: int, features: tuple[int, list[str], list[str], list[str], list[int], list[str]]) -> Document:
    day, categories, services, tags, related, words = features
    return document(f"INC-{number}", day, categories, services, tags, [f"INC-{n}" for n in related], tuple(words))


# No shrinking: a failure is reported at once with the example found (mutation testing runs this
# test against hundreds of broken analyses, and shrinking each failure took minutes).
@settings(max_examples=120, deadline=None, derandomize=True, phases=[Phase.explicit, Phase.reuse, Phase.generate])
@given(corpus=st.lists(FEATURES, min_size=12, max_size=40), rounds=st.lists(st.lists(EDIT, min_size=1, max_size=3), min_size=1, max_size=3),
       limit=st.integers(0, 3))
def test_reusing_the_last_analysis_gives_the_full_analysis(corpus: list[Any], rounds: list[Any], limit: int) -> None:
    config = Settings(reference_date=dt.date(2024, 7, 1), related_limit=limit)
    docs = {n: make(n, features) for n, features in enumerate(corpus)}
    kb = build_knowledge_base([(d, f"{n}.yaml") for n, d in docs.items()], config)
    for edits in rounds:
        for kind, number, features in edits:
            if kind == "remove":
                docs.pop(number, None)
            else:
                docs[number] = make(number, features)
        pairs = [(d, f"{n}.yaml") for n, d in docs.items()]
        reused = build_knowledge_base(pairs, config, kb)
        full = build_knowledge_base(pairs, config)
        assert related_lists(reused) == related_lists(full)
        kb = reused


@pytest.fixture
def computed(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The ids whose related lists each analysis computes from now on (sorted per analysis)."""
    ids: list[str] = []
    real = RelatedIndex.compute

    def spy(self: RelatedIndex, stale: set[int] | None = None) -> None:
        ids.extend(sorted(inc.id for inc in self.kb.incidents if stale is None or id(inc) in stale))
        real(self, stale)

    monkeypatch.setattr(RelatedIndex, "compute", spy)
    return ids


def test_an_edit_recomputes_only_the_lists_it_reaches(computed: list[str]) -> None:
    # Ten incidents a day apart in one category and service (a bucket larger than 2 x (limit + 1) + 1 = 5,
    # so windows are taken), and one more elsewhere; limit 1 means a window of 2 on each side.
    config = Settings(reference_date=dt.date(2024, 7, 1), related_limit=1)
    docs = [document(f"INC-{n}", n, ["code-defect"], ["api"], [], []) for n in range(10)]
    docs.append(document("INC-X", 0, ["configuration-error"], ["db"], [], ["INC-9"]))
    kb = build_knowledge_base([(d, f"{d.id}.yaml") for d in docs], config)
    computed.clear()  # the first analysis computes every list
    # INC-4 gets a new title only: its windows in the category and service buckets reach INC-2..INC-6.
    docs[4] = document("INC-4", 4, ["code-defect"], ["api"], [], [])
    after = build_knowledge_base([(d, f"{d.id}.yaml") for d in docs], config, kb)
    assert computed == ["INC-2", "INC-3", "INC-4", "INC-5", "INC-6"]
    assert after.by_id["INC-0"] is kb.by_id["INC-0"]  # unchanged documents keep their incident
    # INC-9 is named by INC-X: an edit of INC-9 reaches INC-7, INC-8 (window) and INC-X (named).
    computed.clear()
    docs[9] = document("INC-9", 9, ["code-defect"], ["api"], [], [])
    build_knowledge_base([(d, f"{d.id}.yaml") for d in docs], config, after)
    assert computed == ["INC-7", "INC-8", "INC-9", "INC-X"]


@pytest.mark.parametrize(("size", "expected"), [
    (5, ["INC-0", "INC-1", "INC-2", "INC-3", "INC-4"]),  # 2 x (1 + 1) + 1 = 5: one window holds the whole bucket
    (6, ["INC-3", "INC-4", "INC-5"]),  # one more: windows of 2 on each side, the newest one's reach INC-3
])
def test_a_bucket_the_size_of_one_window_is_stale_whole(computed: list[str], size: int, expected: list[str]) -> None:
    config = Settings(reference_date=dt.date(2024, 7, 1), related_limit=1)
    docs = [document(f"INC-{n}", n, ["code-defect"], ["api"], [], []) for n in range(size)]
    kb = build_knowledge_base([(d, f"{d.id}.yaml") for d in docs], config)
    computed.clear()  # the first analysis computes every list
    docs[-1] = document(f"INC-{size - 1}", size - 1, ["code-defect"], ["api"], [], [])  # the newest, edited
    build_knowledge_base([(d, f"{d.id}.yaml") for d in docs], config, kb)
    assert computed == expected


def test_a_document_read_from_another_path_is_a_new_incident() -> None:
    config = Settings(reference_date=dt.date(2024, 7, 1))
    doc = document("INC-1", 0, ["code-defect"], ["api"], [], [])
    kb = build_knowledge_base([(doc, "incidents/a.yaml")], config)
    moved = build_knowledge_base([(doc, "incidents/2024/a.yaml")], config, kb)
    assert (moved.by_id["INC-1"].source_uri, kb.by_id["INC-1"].source_uri) == ("incidents/2024/a.yaml", "incidents/a.yaml")


def test_other_settings_or_another_day_analyse_everything_again() -> None:
    config = Settings(reference_date=dt.date(2024, 7, 1), related_limit=1)
    docs = [document(f"INC-{n}", n, ["code-defect"], ["api"], [], []) for n in range(3)]
    pairs = [(d, f"{d.id}.yaml") for d in docs]
    kb = build_knowledge_base(pairs, config)
    assert build_knowledge_base(pairs, config, kb).by_id["INC-0"] is kb.by_id["INC-0"]
    for other in (Settings(reference_date=dt.date(2024, 7, 2), related_limit=1), Settings(reference_date=dt.date(2024, 7, 1), related_limit=2)):
        assert build_knowledge_base(pairs, other, kb).by_id["INC-0"] is not kb.by_id["INC-0"]
