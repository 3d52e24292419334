"""Fixes that did not hold: an incident sharing a root-cause category and a service with an earlier one whose
prevents-recurrence action was done on or before the day it started (pmsite.analysis.recurrence).

Every case is worked by hand. INC-E, the earlier incident, starts on 1 March 2024 (code-defect, service api)
and its action A2 prevents recurrence; the later incident INC-N shares what each case says.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pytest
from bs4 import BeautifulSoup
from test_figures import SETTINGS, incident, knowledge_base

from pmsite.analysis.actions import TrackedState
from pmsite.analysis.incidents import make_incident
from pmsite.analysis.knowledge_base import KnowledgeBase
from pmsite.format.document import Document
from pmsite.statuses import DONE

from conftest import dump, mkdocs_build


def earlier(ident: str = "INC-E", started: str = "2024-03-01", *, completed: str | None = "2024-03-21", status: str = "done",
            prevents: bool = True, category: str = "code-defect", services: tuple[str, ...] = ("api",)) -> dict[str, Any]:
    """An incident whose action A2 (prevents recurrence unless ``prevents`` is false) has ``status``."""
    doc = incident(ident, started, services=services)
    doc["root_causes"][0]["category"] = category
    item = {"id": "A2", "description": "Add a timeout to the payment call", "owner": "Platform team", "priority": "high",
            "due": "2024-04-30", "status": status, "prevents_recurrence": prevents, "success_criteria": "No payment call waits over 2 s",
            "ticket": f"https://tracker.example.com/{ident}-A2"}
    if completed is not None:
        item["completed_on"] = completed
    doc["action_items"] = [dict(doc["action_items"][0], prevents_recurrence=False), item]
    return doc


def later(ident: str = "INC-N", started: str = "2024-03-21T08:00:00", *, category: str = "code-defect",
          services: tuple[str, ...] = ("api",)) -> dict[str, Any]:
    doc = incident(ident, started, services=services)
    doc["root_causes"][0]["category"] = category
    return doc


def came_back(kb: KnowledgeBase) -> list[tuple[str, str, list[tuple[str, dt.date | None]], list[str], list[str]]]:
    return [(r.incident.id, r.earlier.id, [(a.id, a.completed_on) for a in r.actions], r.categories, r.services) for r in kb.recurrences.items]


def test_a_recurrence_on_the_very_day_the_fix_was_done_counts() -> None:
    # A2 done on 21 March; INC-N started on 21 March at 08:00: the fix was in place that day, the incident came anyway
    kb = knowledge_base(earlier(), later())
    assert came_back(kb) == [("INC-N", "INC-E", [("A2", dt.date(2024, 3, 21))], ["code-defect"], ["api"])]
    assert kb.recurrences.after["INC-N"] == kb.recurrences.before["INC-E"]
    assert (kb.recurrences.by_category, kb.recurrences.by_service) == ([("code-defect", 1)], [("api", 1)])


@pytest.mark.parametrize(("started", "recurred"), [
    ("2024-03-20T23:59:59", False),  # the day before the fix was done
    ("2024-03-21T00:00:00", True),  # the day it was done, at the first second
    ("2024-03-22T10:00:00", True),
])
def test_the_boundary_is_the_day_the_fix_was_done(started: str, recurred: bool) -> None:
    assert bool(came_back(knowledge_base(earlier(), later(started=started)))) is recurred


def test_the_start_day_is_the_one_started_at_writes() -> None:
    # 23:30 on 21 March at UTC-5 is 04:30 on 22 March in UTC: the incident's day is 21 March, as its page says,
    # so a fix completed on 22 March came after it started
    doc = later()
    doc["started_at"] = doc["detected_at"] = "2024-03-21T23:30:00-05:00"
    doc["mitigated_at"], doc["resolved_at"] = "2024-03-21T23:45:00-05:00", "2024-03-22T00:10:00-05:00"
    doc["timeline"] = [{"at": "2024-03-21T23:30:00-05:00", "event": "Started", "kind": "trigger"}]
    assert came_back(knowledge_base(earlier(completed="2024-03-22"), doc)) == []
    assert came_back(knowledge_base(earlier(completed="2024-03-21"), doc))[0][:2] == ("INC-N", "INC-E")


def test_a_fix_marked_done_after_the_recurrence_is_not_a_failed_fix() -> None:
    # INC-N started on 21 March; A2 was done on 22 March, too late to have prevented it
    assert came_back(knowledge_base(earlier(completed="2024-03-22"), later())) == []


@pytest.mark.parametrize(("fix", "other"), [
    ({"prevents": False}, {}),  # not meant to prevent recurrence
    ({"status": "open", "completed": None}, {}),  # not done
    ({"status": "in-progress", "completed": None}, {}),
    ({"status": "wont-do"}, {}),  # closed, but not done
    ({}, {"category": "configuration-error"}),  # the service only
    ({}, {"services": ("web",)}),  # the category only
], ids=["not-preventive", "open", "in-progress", "wont-do", "other-category", "other-service"])
def test_only_a_done_preventive_fix_with_the_same_category_and_service(fix: dict[str, Any], other: dict[str, Any]) -> None:
    assert came_back(knowledge_base(earlier(**fix), later(**other))) == []


def test_an_incident_that_started_first_is_never_the_recurrence() -> None:
    # INC-N started before INC-E: INC-E cannot have come back after INC-N's fix, nor INC-N after INC-E's
    early = earlier(ident="INC-N", started="2024-02-01", completed="2024-02-05")
    assert came_back(knowledge_base(early, earlier())) == [("INC-E", "INC-N", [("A2", dt.date(2024, 2, 5))], ["code-defect"], ["api"])]


def test_the_latest_fix_of_each_category_and_service_counts() -> None:
    # INC-E1's fix (done 10 January) failed first at INC-E2 (started 1 February); INC-E2's own fix (done 10 February)
    # is the one in place when INC-N starts on 1 March: INC-N recurred after INC-E2 only
    e1 = earlier(ident="INC-E1", started="2024-01-01", completed="2024-01-10")
    e2 = earlier(ident="INC-E2", started="2024-02-01", completed="2024-02-10")
    kb = knowledge_base(e1, e2, later(started="2024-03-01T10:00:00"))
    assert came_back(kb) == [
        ("INC-N", "INC-E2", [("A2", dt.date(2024, 2, 10))], ["code-defect"], ["api"]),
        ("INC-E2", "INC-E1", [("A2", dt.date(2024, 1, 10))], ["code-defect"], ["api"]),
    ]
    # two categories and two services shared through one fix: one recurrence that names them all
    kb = knowledge_base(earlier(services=("api", "db")), later(services=("api", "db")))
    assert came_back(kb) == [("INC-N", "INC-E", [("A2", dt.date(2024, 3, 21))], ["code-defect"], ["api", "db"])]


def test_the_tracker_state_decides_when_it_was_synced() -> None:
    # the YAML still says open; the tracker closed the ticket as done on 20 March (Action.done and completed_on)
    e, n = earlier(status="open", completed=None), later()
    docs = [Document.model_validate(d, context={"settings": SETTINGS}) for d in (e, n)]
    tickets = {"https://tracker.example.com/INC-E-A2": TrackedState(DONE, dt.date(2024, 3, 20), "Tracker, read 2024-03-25")}
    incidents = [make_incident(d, f"{d.id}.yaml", SETTINGS, SETTINGS.today, tickets) for d in docs]
    assert came_back(KnowledgeBase(incidents, SETTINGS)) == [("INC-N", "INC-E", [("A2", dt.date(2024, 3, 20))], ["code-defect"], ["api"])]


# --- the pages, built with MkDocs ---------------------------------------------------------------------


def test_pages_show_the_recurrence_both_ways_and_the_patterns_count_them(tmp_path: Path) -> None:
    folder = tmp_path / "content" / "incidents"
    folder.mkdir(parents=True)
    (tmp_path / "content" / "index.md").write_text("# Home\n")
    for doc in (earlier(), later(), later(ident="INC-W", started="2024-03-25T10:00:00", services=("web",))):
        (folder / f"{doc['id'].lower()}.yaml").write_text(dump(doc))
    (tmp_path / "mkdocs.yml").write_text("site_name: t\ndocs_dir: content\ntheme:\n  name: material\n  font: false\n"
                                         "plugins:\n  - pmsite:\n      reference_date: 2024-07-01\n")
    build = mkdocs_build(tmp_path, strict=False)
    assert build.ok, build.log

    def text(url: str, selector: str) -> list[str]:
        soup = BeautifulSoup(build.page(url), "lxml")
        return [" ".join(el.get_text().split()) for el in soup.select(selector)]

    assert text("incidents/inc-n/", ".pm-recurrence li") == [
        "Recurred after INC-E A2, done 2024-03-21 (same root cause: code-defect; same service: api)"]
    page = BeautifulSoup(build.page("incidents/inc-n/"), "lxml")
    assert [a["href"] for a in page.select(".pm-recurrence li a")] == ["../inc-e/", "../inc-e/#action-a2"]
    assert text("incidents/inc-e/", ".pm-recurrence li") == [
        "INC-N (2024-03-21) came back after A2, done 2024-03-21 (same root cause: code-defect; same service: api)"]
    assert text("incidents/inc-w/", ".pm-recurrence") == []  # another service
    assert text("patterns/", "#fixes-by-root-cause + ul li") == ["code-defect: 1"]
    assert text("patterns/", "#fixes-by-service + ul li") == ["api: 1"]
    assert text("patterns/", "ol.pm-failed-fixes > li") == [
        "INC-E A2, done 2024-03-21: Add a timeout to the payment call Came back: INC-N (2024-03-21)"]
    assert len(text("services/api/", "ol.pm-failed-fixes > li")) == 1
    assert text("services/web/", "#fixes-that-did-not-hold + p") == ["No incident came back after an action meant to prevent it was done."]


def test_a_preview_shows_a_fix_that_stopped_holding_as_a_full_build_does(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """``mkdocs serve --dirty``: marking the earlier fix done rewrites both incident pages (their fingerprints
    hold the recurrence), and the site is byte for byte what a full build makes, feeds included."""
    from test_preview import differences, preview_build, stamps

    from conftest import write_site

    monkeypatch.delenv("SOURCE_DATE_EPOCH", raising=False)
    site = write_site(tmp_path / "kb", {"e.yaml": earlier(status="open", completed=None), "n.yaml": later(),
                                        "w.yaml": later(ident="INC-W", started="2024-03-25T10:00:00", services=("web",))})
    preview = tmp_path / "preview"
    preview_build(site, preview)
    assert "pm-recurrence" not in (preview / "incidents/inc-n/index.html").read_text()
    before = stamps(preview)
    (site / "content/incidents/e.yaml").write_text(dump(earlier()))  # A2 done on 21 March: INC-N came back that day
    preview_build(site, preview)
    after = stamps(preview)
    rewritten = {page for page in after if after[page] != before.get(page)}
    assert {"incidents/inc-n/index.html", "incidents/inc-e/index.html"} <= rewritten
    assert "Recurred after" in (preview / "incidents/inc-n/index.html").read_text()
    full = mkdocs_build(site, strict=False)  # the checklist warns of these short documents: not --strict
    assert full.ok, full.log
    assert differences(preview, full.site, left_out={"tags.json"}) == []
