"""The organisation-wide views on a small hand-made corpus whose figures are worked out by hand below."""

from __future__ import annotations

import json
from typing import Any

import feedparser
import icalendar
import pytest
from bs4 import BeautifulSoup

from conftest import Build, mkdocs_build, shared, valid_doc, write_site


def incident(ident: str, start: str, detected: str, resolved: str, *, mitigated: str | None = None, **extra: Any) -> dict[str, Any]:
    doc = valid_doc(id=ident, title=f"Incident {ident}", started_at=start, detected_at=detected, resolved_at=resolved)
    doc.pop("mitigated_at")
    if mitigated:
        doc["mitigated_at"] = mitigated
    day = resolved[:10]
    doc["review_meeting_on"] = day
    doc["published_on"] = day
    doc["timeline"] = [
        {"at": start, "event": "Change rolled out", "kind": "trigger", "evidence": "deploy log"},
        {"at": detected, "event": "Alert fired", "kind": "detection"},
        {"at": resolved, "event": "Recovered", "kind": "resolution"},
    ]
    doc.update(extra)
    return doc


def cause(category: str) -> dict[str, Any]:
    return {"description": f"Cause in {category}", "category": category, "five_whys": ["Why one?", "Why two?", "Why three?"]}


def action(ident: str, owner: str, priority: str, due: str, status: str, completed: str | None = None) -> dict[str, Any]:
    item = {"id": ident, "description": f"Action {ident} with a concrete change", "owner": owner, "priority": priority,
            "due": due, "status": status, "success_criteria": "Measured by a game day"}
    if completed:
        item["completed_on"] = completed
    return item


CORPUS = {
    "a.yaml": incident(
        "INC-A", "2024-01-10T10:00:00Z", "2024-01-10T10:10:00Z", "2024-01-10T11:00:00Z", mitigated="2024-01-10T10:30:00Z",
        severity=1, services=["dns"], tags=["dns-change"], root_causes=[cause("configuration-error")],
        contributing_factors=[{"description": "Config changes skip review", "category": "process"}, {"description": "No canary", "category": "technology"}],
        action_items=[action("A1", "SRE", "critical", "2024-01-15", "done", "2024-01-14"), action("A2", "SRE", "high", "2024-02-01", "open")],
    ),
    "b.yaml": incident(
        "INC-B", "2024-03-05T08:00:00Z", "2024-03-05T08:05:00Z", "2024-03-05T09:05:00Z",
        severity=2, services=["dns", "api"], tags=[], checklist_ignore=["PM111"], root_causes=[cause("configuration-error"), cause("monitoring-gap")],
        contributing_factors=[{"description": "Config changes skip review.", "category": "process"}, {"description": "Holiday traffic", "category": "environment"}],
        action_items=[action("B1", "Network", "high", "2024-03-20", "done", "2024-04-10"), action("B2", "SRE", "medium", "2024-07-10", "open")],
    ),
    "c.yaml": incident(
        "INC-C", "2024-06-20T12:00:00Z", "2024-06-20T12:30:00Z", "2024-06-20T13:30:00Z", mitigated="2024-06-20T12:40:00Z",
        severity=2, near_miss=True, services=["api"], tags=[], related=["INC-A"], root_causes=[cause("configuration-error")],
        contributing_factors=[{"description": "Unclear ownership", "category": "people"}],
        action_items=[action("C1", "Network", "low", "2024-09-01", "open"), action("C2", "Network", "medium", "2024-06-25", "wont-do", "2024-06-24")],
    ),
    "d.yaml": incident(
        "INC-D", "2023-05-01T00:00:00Z", "2023-05-01T00:20:00Z", "2023-05-01T02:20:00Z",
        severity=3, services=["queue"], tags=[], root_causes=[cause("capacity-insufficient")],
        contributing_factors=[{"description": "Static worker pool", "category": "technology"}],
        action_items=[action("D1", "Queue team", "medium", "2023-06-01", "done", "2023-05-20")],
    ),
    "e-draft.yaml": incident(
        "INC-E", "2024-06-01T00:00:00Z", "2024-06-01T00:10:00Z", "2024-06-01T01:00:00Z", status="draft",
        services=["dns"], root_causes=[cause("configuration-error")], related=["INC-A"],
        action_items=[action("E1", "SRE", "high", "2024-06-10", "open")],
    ),
}


@pytest.fixture(scope=shared("module"))
def kb(tmp_path_factory: pytest.TempPathFactory) -> Build:
    root = write_site(tmp_path_factory.mktemp("kb") / "kb", CORPUS)
    result = mkdocs_build(root)
    assert result.ok, result.log
    return result


def soup(build: Build, url: str) -> BeautifulSoup:
    return BeautifulSoup(build.page(url), "lxml").select_one("article")


def test_actions_page_figures(kb: Build) -> None:
    page = soup(kb, "actions/")
    stats = {s.select_one(".pm-stat__label").get_text(): s.select_one(".pm-stat__value").get_text() for s in page.select(".pm-stat")}
    # done / (all - wont-do) = 3 / 6; last 90 days (since 2024-04-02): only INC-C: C1 open, C2 wont-do -> 0 / 1
    assert stats["completion rate, all time"] == "50%"
    assert stats["completion rate, incidents of the last 90 days (2 items)"] == "0%"
    assert stats["overdue"] == "1"
    # days to close from resolution: A1 4, B1 36, D1 19 -> 19.67
    assert stats["average time to close (done items, from resolution)"] == "19.7 days"
    # on time: A1 4 <= 7 yes, B1 36 > 28 no, D1 19 <= 60 yes
    assert stats["closed within the priority's target window"] == "66.7%"
    on_time = [[c.get_text() for c in r.select("th, td")] for r in page.select("table.pm-on-time tbody tr")]
    assert on_time == [
        ["critical", "7 days", "1", "1", "100%"],
        ["high", "28 days", "1", "0", "0%"],
        ["medium", "60 days", "1", "1", "100%"],
        ["low", "90 days", "0", "0", "—"],
    ]
    owners = [[c.get_text() for c in r.select("th, td")] for r in page.select("table.pm-owners tbody tr")]
    assert owners == [["SRE", "2", "1", "1", "3"], ["Network", "1", "0", "1", "3"], ["Queue team", "0", "0", "1", "1"]]
    # the weekly review: overdue first, then by due date
    rows = page.select("table.pm-open-actions tbody tr")
    assert [r.select_one(".pm-col-action .pm-id").get_text() for r in rows] == ["A2", "B2", "C1"]
    assert [r.get("class") for r in rows] == [["pm-action--overdue"], ["pm-action--soon"], None]
    assert rows[0].select_one('[data-slot="late"]').get_text() == "151 days late"  # 2024-02-01 -> 2024-07-01
    assert rows[1].select_one('[data-slot="soon"]').get_text() == "due in 9 days"  # 2024-07-10
    assert rows[0].select_one('a[data-slot="incident"]')["href"] == "../incidents/inc-a/#action-a2"
    assert page.select_one("[data-pm-status]").get_text() == "Items 1 to 3 of 3, 1 overdue."
    assert "E1" not in page.get_text()  # drafts leave no trace


def test_related_ranking_and_reasons(kb: Build) -> None:
    items = soup(kb, "incidents/inc-a/").select("ul.pm-related > li")
    assert [li.select_one("code").get_text() for li in items] == ["INC-C", "INC-B"]
    assert "names this post-mortem" in items[0].get_text()
    # every cause here is worded alike ("Cause in ...", "Why one?", "Why two?", "Why three?")
    assert items[1].select_one("small").get_text() == "same root cause: configuration-error; same service: dns; similar wording: cause, one, three, two"
    c_items = soup(kb, "incidents/inc-c/").select("ul.pm-related > li")
    assert [li.select_one("code").get_text() for li in c_items] == ["INC-A", "INC-B"]
    assert c_items[1].select_one("small").get_text() == "same root cause: configuration-error; same service: api; similar wording: cause, one, three, two"
    assert [li.select_one("code").get_text() for li in soup(kb, "incidents/inc-d/").select("ul.pm-related > li")] == []


def test_category_and_service_pages(kb: Build) -> None:
    page = soup(kb, "categories/configuration-error/")
    assert [c.get_text() for c in page.select("table.pm-catalog tbody tr .pm-id")] == ["INC-C", "INC-B", "INC-A"]
    assert [li.get_text() for li in page.select("ul.pm-counts li")] == ["api: 2", "dns: 2"]
    assert page.select_one(".pm-systemic") is not None  # 3 within 12 months
    recurring = page.select("ul.pm-recurring li")
    assert len(recurring) == 1 and recurring[0].get_text().startswith("Config changes skip review")
    assert soup(kb, "categories/monitoring-gap/").select_one(".pm-systemic") is None
    svc = soup(kb, "services/dns/")
    assert [c.get_text() for c in svc.select("table.pm-catalog tbody tr .pm-id")] == ["INC-B", "INC-A"]
    assert [li.get_text() for li in svc.select("ul.pm-counts li")] == ["configuration-error: 2", "monitoring-gap: 1"]
    # every category and service shown on an incident page links to its page
    inc = soup(kb, "incidents/inc-b/")
    assert {a["href"] for a in inc.select(".pm-facts a.pm-chip")} == {"../../services/dns/", "../../services/api/"}


def test_patterns_page(kb: Build) -> None:
    page = soup(kb, "patterns/")
    sections = {s.select_one("h3").get("id"): s for s in page.select("section.pm-pattern")}
    assert "pm-pattern--systemic" in sections["category-configuration-error"]["class"]
    assert "pm-pattern--systemic" not in sections["category-capacity-insufficient"]["class"]
    cards = [(c.select_one(".pm-branch__title a").get_text(), c.select_one(".pm-count").get_text(), c.select_one("p.pm-muted").get_text())
             for c in page.select(".pm-branches-figure .pm-branch")]
    assert cards == [
        ("people", "1", "1 factor in 1 incident; 0 recurring"),
        ("process", "2", "2 factors in 2 incidents; 1 recurring"),
        ("technology", "2", "2 factors in 2 incidents; 0 recurring"),
        ("environment", "1", "1 factor in 1 incident; 0 recurring"),
    ]
    # "Config changes skip review" and "...review." are one condition in INC-A and INC-B, labelled as first written
    process = page.select_one("#factors-process").find_parent("section")
    themes = [t.select_one(".pm-theme__label").get_text(" ", strip=True) for t in process.select("li.pm-theme")]
    assert themes == ["“Config changes skip review” · 2 incidents"]
    assert [a.get_text() for a in process.select(".pm-theme__incidents a")] == ["INC-B", "INC-A"]
    technology = page.select_one("#factors-technology").find_parent("section")
    assert technology.select("li.pm-theme") == []
    assert technology.select_one("p.pm-muted").get_text() == "2 other factors of this branch appear in one incident only."
    assert page.select("svg") == []  # the fishbone is a figure of four cards, not a picture of text


def test_history_page(kb: Build) -> None:
    page = soup(kb, "history/")

    def table(section_id: str) -> list[list[str]]:
        found = page.select_one(f"#{section_id}").find_parent("section").select_one("details table")
        return [[c.get_text() for c in r.select("th, td")] for r in found.select("tbody tr")]

    # 2023-05 to 2024-06 is 14 months: shown by month
    months = {r[0]: r[1:] for r in table("incidents-per-period")}
    assert len(months) == 14 and list(months)[0] == "2023-05" and list(months)[-1] == "2024-06"
    assert months["2024-03"] == ["0", "1", "0", "0", "1"] and months["2023-05"] == ["0", "0", "1", "0", "1"]
    # time to mitigate exists for INC-A (20 min) and INC-C (10 min) only: empty months at either end are trimmed
    assert table("time-to-mitigate") == [
        ["2024-01", "1", "20.0", "20.0", "20.0", "20.0"],
        ["2024-02", "0", "—", "—", "—", "—"],
        ["2024-03", "0", "—", "—", "—", "—"],
        ["2024-04", "0", "—", "—", "—", "—"],
        ["2024-05", "0", "—", "—", "—", "—"],
        ["2024-06", "1", "10.0", "10.0", "10.0", "10.0"],
    ]
    resolve = {r[0]: r[1:] for r in table("time-to-resolve")}
    assert resolve["2023-05"] == ["1", "120.0", "120.0", "120.0", "120.0"] and resolve["2024-01"] == ["1", "50.0", "50.0", "50.0", "50.0"]
    assert table("near-misses") == [["2024-06", "1", "1"]]  # one near miss; no row of empty months before it
    bins = {r[0]: r[1] for r in table("duration-distribution")}
    assert bins == {"< 15m": "0", "15–30m": "0", "30m–1h": "1", "1–2h": "2", "2–4h": "1", "4–8h": "0", "8–24h": "0", "> 1d": "0"}
    charts = page.select("figure.pm-chart")
    assert len(charts) == 6
    for figure in charts:
        svgs = figure.select("svg")
        assert [s["class"] for s in svgs] == [["pm-svg", "pm-svg--wide"], ["pm-svg", "pm-svg--narrow"]]
        for svg in svgs:
            assert svg.get("role") == "img" and svg.select_one("title") and svg.select_one("desc")


def test_catalog_is_complete_without_javascript(kb: Build) -> None:
    page = soup(kb, "incidents/")
    rows = page.select("table.pm-catalog tbody tr")
    assert [r.select_one(".pm-id").get_text() for r in rows] == ["INC-C", "INC-B", "INC-A", "INC-D"]
    assert [r.select_one(".pm-chip--near-miss").has_attr("hidden") for r in rows] == [False, True, True, True]
    assert [r.select_one(".pm-col-open").get_text() for r in rows] == ["1 open", "1 open", "1 open, 1 overdue", "—"]
    assert [r.select_one(".pm-col-duration").get_text() for r in rows] == ["1h 00m", "1h 00m", "50m", "2h 00m"]
    assert page.select_one("[data-pm-status]").get_text() == "Incidents 1 to 4 of 4, newest first."
    assert page.select("nav.pm-pager") == []  # one page: nothing to page through
    data = json.loads((kb.site / "incidents" / "catalog.json").read_text())
    assert [r[0] for r in data["rows"]] == ["INC-C", "INC-B", "INC-A", "INC-D"]
    assert data["rows"][2][9:14] == ["1 open", "1 overdue", 3000, "50m", "incidents/inc-a/"]


def test_machine_readable_outputs_agree_with_pages(kb: Build) -> None:
    incidents = json.loads((kb.site / "incidents.json").read_text())
    assert [i["id"] for i in incidents["incidents"]] == ["INC-C", "INC-B", "INC-A", "INC-D"]
    a = next(i for i in incidents["incidents"] if i["id"] == "INC-A")
    assert a["metrics"]["time_to_detect_seconds"] == 600 and a["metrics"]["duration_seconds"] == 3000
    assert a["metrics"]["overdue_action_items"] == ["A2"] and a["url"] == "incidents/inc-a/"
    actions = json.loads((kb.site / "actions.json").read_text())["actions"]
    assert len(actions) == 7 and [x["id"] for x in actions if x["overdue"]] == ["A2"]
    assert next(x for x in actions if x["id"] == "A2")["days_overdue"] == 151

    calendar = icalendar.Calendar.from_ical((kb.site / "actions.ics").read_bytes())
    events = sorted((str(e["UID"]), e["DTSTART"].dt.isoformat()) for e in calendar.walk("VEVENT"))
    assert events == [("INC-A-A2@pmsite", "2024-02-01"), ("INC-B-B2@pmsite", "2024-07-10"), ("INC-C-C1@pmsite", "2024-09-01")]

    feed = feedparser.parse((kb.site / "feed.xml").read_bytes())
    assert not feed.bozo, feed.bozo_exception
    assert [e.title for e in feed.entries] == ["INC-C: Incident INC-C", "INC-B: Incident INC-B", "INC-A: Incident INC-A", "INC-D: Incident INC-D"]
    assert feed.entries[0].link == "https://kb.example.com/incidents/inc-c/"
    # linked in the text, not in the head: Material fetches sitemap.xml for every <link rel="alternate">
    assert BeautifulSoup(kb.page("incidents/inc-a/"), "lxml").select('head link[rel="alternate"]') == []
    assert BeautifulSoup(kb.page("incidents/"), "lxml").select_one('main a[href="../feed.xml"]').text == "Atom feed"
    everything = "".join((kb.site / n).read_text() for n in ("incidents.json", "actions.json", "actions.ics", "feed.xml"))
    assert "INC-E" not in everything


def test_calendar_lines_are_folded_at_75_octets(kb: Build) -> None:
    raw = (kb.site / "actions.ics").read_bytes()
    assert raw.endswith(b"\r\n") and b"\n" not in raw.replace(b"\r\n", b"")
    assert max(len(line) for line in raw.split(b"\r\n")) <= 75
