"""The monthly action review on a small corpus whose every figure is worked out by hand below, then the page itself.

The corpus (reference date 2024-07-15, a Monday; drafts previewed; windows: critical 7, high 28, medium 60, low 90):

    incident  resolved    published   opened on (the rule)
    INC-A     2024-01-10  2024-01-12  2024-01-12 (published_on)
    INC-B     2024-03-01  2024-03-05  2024-03-05
    INC-C     2023-05-20  2023-05-25  2023-05-25 (before the review's months: 2023-07-01 on)
    INC-D     2024-06-28  (in review) 2024-06-28 (no published_on: the resolution date)
    INC-E     (draft, started 2024-07-02, not resolved)  2024-07-02 (neither: the start date)

    item  owner    priority  due         status       closed      days to close (closed - resolved)
    A1    SRE      critical  2024-01-17  done         2024-01-17   7  = the critical window: within
    A2    SRE      critical  2024-01-17  done         2024-01-18   8  > 7; closed after its due date: became overdue 2024-01
    A3    Network  high      2024-02-07  wont-do      2024-01-20   (won't do: not a time to close)
    A4    Network  high      2024-02-07  open                      overdue, 159 days late; became overdue 2024-02
    B1    SRE      high      2024-03-29  done         2024-03-11  10
    B2    Data     high      2024-03-29  done         2024-03-29  28  = the high window: within; closed on its due date
    B3    Data     high      2024-03-29  done         2024-04-10  40  > 28; became overdue 2024-03, closed 2024-04
    B4    SRE      medium    2024-08-30  in-progress               not due yet
    B5    Network  low       2024-05-30  open                      overdue 46 days; became overdue 2024-05
    C1    SRE      critical  2023-05-27  done         2023-05-23   3
    C2    Network  critical  2023-05-27  done         2023-06-09  20  became overdue 2023-05 (an earlier month)
    C3    Data     low       2023-08-18  open                      overdue; became overdue 2023-08
    D1    Data     medium    2024-07-20  open                      due in 5 days: not overdue
    D2    SRE      low       2024-07-26  done         2024-07-20  22  closed after the reference date: in no month
    E1    Network  medium    2024-07-10  open                      overdue 5 days; became overdue 2024-07

15 items: 8 done (A1 A2 B1 B2 B3 C1 C2 D2), 1 won't do (A3), 6 open (A4 B4 B5 C3 D1 E1).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from bs4 import BeautifulSoup, Tag

from pmsite.analysis import action_review as ar
from pmsite.analysis.actions import TrackedState
from pmsite.analysis.incidents import make_incident
from pmsite.analysis.knowledge_base import KnowledgeBase, build_knowledge_base
from pmsite.format.document import Document, document_rules
from pmsite.settings import Settings
from pmsite.site import review_page
from pmsite.site.builder import SiteBuilder
from pmsite.site.markdown import MarkdownRenderer
from pmsite.site.templates import Templates

from conftest import Build, mkdocs_build, valid_doc, write_site

TODAY = dt.date(2024, 7, 15)
SETTINGS = Settings(reference_date=TODAY, publish_drafts=True)
D = dt.date
IGNORE = ["PM103", "PM106", "PM107", "PM110", "PM111", "PM112", "PM113"]  # the checklist is not under test: a strict build passes


def item(ident: str, owner: str, priority: str, due: str, status: str = "open", completed: str | None = None,
         ticket: str | None = None) -> dict[str, Any]:
    return {"id": ident, "description": f"Action {ident}", "owner": owner, "priority": priority, "due": due, "status": status,
            **({"completed_on": completed} if completed else {}), **({"ticket": ticket} if ticket else {})}


def incident(ident: str, resolved: str | None, published: str | None, items: list[dict[str, Any]], *, status: str = "published",
             started: str | None = None) -> dict[str, Any]:
    start = f"{started or resolved}T09:00:00Z"
    doc = valid_doc(id=ident, title=f"Incident {ident}", status=status, started_at=start, detected_at=start,
                    action_items=items, checklist_ignore=IGNORE)
    doc["timeline"] = [{"at": start, "event": "Alert fired", "kind": "detection"}]
    for key in ("mitigated_at", "resolved_at", "published_on", "review_meeting_on"):
        doc.pop(key)
    if resolved:
        doc["resolved_at"] = f"{resolved}T10:00:00Z"
    if published:
        doc["published_on"] = published
    return doc


CORPUS = [
    incident("INC-A", "2024-01-10", "2024-01-12", [
        item("A1", "SRE", "critical", "2024-01-17", "done", "2024-01-17", ticket="https://github.com/acme/platform/issues/812"),
        item("A2", "SRE", "critical", "2024-01-17", "done", "2024-01-18"),
        item("A3", "Network", "high", "2024-02-07", "wont-do", "2024-01-20"),
        item("A4", "Network", "high", "2024-02-07", ticket="https://acme.atlassian.net/browse/OPS-123"),
    ]),
    incident("INC-B", "2024-03-01", "2024-03-05", [
        item("B1", "SRE", "high", "2024-03-29", "done", "2024-03-11"),
        item("B2", "Data", "high", "2024-03-29", "done", "2024-03-29"),
        item("B3", "Data", "high", "2024-03-29", "done", "2024-04-10"),
        item("B4", "SRE", "medium", "2024-08-30", "in-progress"),
        item("B5", "Network", "low", "2024-05-30"),
    ]),
    incident("INC-C", "2023-05-20", "2023-05-25", [
        item("C1", "SRE", "critical", "2023-05-27", "done", "2023-05-23"),
        item("C2", "Network", "critical", "2023-05-27", "done", "2023-06-09"),
        item("C3", "Data", "low", "2023-08-18"),
    ]),
    incident("INC-D", "2024-06-28", None, [
        item("D1", "Data", "medium", "2024-07-20"),
        item("D2", "SRE", "low", "2024-07-26", "done", "2024-07-20"),
    ], status="in-review"),
    incident("INC-E", None, None, [item("E1", "Network", "medium", "2024-07-10")], status="draft", started="2024-07-02"),
]


def documents(docs: list[dict[str, Any]], settings: Settings = SETTINGS) -> list[tuple[Document, str]]:
    out = []
    for data in docs:
        document = Document.model_validate(data, context={"settings": settings})
        assert document_rules(document, settings) == [], data["id"]
        out.append((document, f"content/incidents/{data['id']}.yaml"))
    return out


def knowledge_base(docs: list[dict[str, Any]] = CORPUS, settings: Settings = SETTINGS) -> KnowledgeBase:
    return build_knowledge_base(documents(docs, settings), settings)


@pytest.fixture(scope="module")
def review() -> ar.ActionReview:
    return ar.action_review(knowledge_base())


def ids(actions: list[Any]) -> list[str]:
    return [a.id for a in actions]


# --- the rules --------------------------------------------------------------------------------


def test_opened_on_is_publication_else_resolution_else_start() -> None:
    kb = knowledge_base()
    first = {inc.id: ar.opened_on(inc.actions[0]) for inc in kb.incidents}
    assert first == {"INC-A": D(2024, 1, 12), "INC-B": D(2024, 3, 5), "INC-C": D(2023, 5, 25), "INC-D": D(2024, 6, 28),
                     "INC-E": D(2024, 7, 2)}


def test_rates_overdue_and_the_median_time_to_close(review: ar.ActionReview) -> None:
    assert (len(review.actions), review.done, review.wont_do, review.open, review.overdue) == (15, 8, 1, 6, 4)
    assert review.completion == 57.1  # done 8 / (15 - 1 won't do) = 57.14 %: won't do is left out
    assert review.closed_rate == 60.0  # (8 done + 1 won't do) / 15 = 60 %: won't do counts as closed
    # overdue: A4, B5, C3, E1 (open, due before 2024-07-15); D1 and B4 are not due yet
    # every done item's days to close: 3 7 8 10 | 20 22 28 40 -> the two middle ones (10 + 20) / 2
    assert review.median_days_to_close == 15.0


def test_time_to_close_per_priority_against_its_window(review: ar.ActionReview) -> None:
    rows = [(p.priority, p.window, p.days, p.median, p.mean, p.within, p.share) for p in review.priorities]
    assert rows == [
        # an even count: the median is the mean of the two middle values (7 + 8) / 2; the mean 38 / 4;
        # within 7 days: C1 (3) and A1 (7, the window's last day)
        ("critical", 7, [3, 7, 8, 20], 7.5, 9.5, 2, 50.0),
        # an odd count: the middle value; mean 78 / 3 = 26; within 28: B1 and B2 (28, the boundary)
        ("high", 28, [10, 28, 40], 28, 26.0, 2, 66.7),
        ("medium", 60, [], None, None, 0, None),  # nothing done: no figure, not zero
        ("low", 90, [22], 22, 22.0, 1, 100.0),  # D2 closed after the reference date still has a time to close
    ]


def test_each_month_newest_first_with_what_opened_closed_and_became_overdue(review: ar.ActionReview) -> None:
    assert review.since == D(2023, 7, 1)  # July 2024 to date and the 12 full months before it
    rows = [(m.key, m.to_date, ids(m.opened), ids(m.closed), m.wont_do, ids(m.became_overdue), m.still_open) for m in review.months]
    assert rows == [
        ("2024-07", True, ["E1"], [], 0, ["E1"], 1),  # E1 opened on the draft's start date, overdue since 07-11
        ("2024-06", False, ["D1", "D2"], [], 0, [], 0),  # D2's close (07-20) is after the reference date
        ("2024-05", False, [], [], 0, ["B5"], 1),
        ("2024-04", False, [], ["B3"], 0, [], 0),
        # opened: the open ones first in the review's order (B5 overdue, then B4), then the closed ones
        ("2024-03", False, ["B5", "B4", "B1", "B2", "B3"], ["B1", "B2"], 0, ["B3"], 0),  # B2 closed on its due date
        ("2024-02", False, [], [], 0, ["A4"], 1),
        ("2024-01", False, ["A4", "A1", "A2", "A3"], ["A1", "A2", "A3"], 1, ["A2"], 0),  # closed by close date
        ("2023-12", False, [], [], 0, [], 0),  # months without any activity are listed too
        ("2023-11", False, [], [], 0, [], 0),
        ("2023-10", False, [], [], 0, [], 0),
        ("2023-09", False, [], [], 0, [], 0),
        ("2023-08", False, [], [], 0, ["C3"], 1),
        ("2023-07", False, [], [], 0, [], 0),
    ]
    assert (review.months[0].first, review.months[0].last) == (D(2024, 7, 1), TODAY)
    assert (review.months[1].first, review.months[1].last) == (D(2024, 6, 1), D(2024, 6, 30))
    assert (review.opened_in_months, review.closed_in_months) == (12, 6)
    assert (review.opened_later, review.closed_later, review.closed_undated) == (0, 1, 0)  # D2


def test_earlier_months_are_summed_per_year(review: ar.ActionReview) -> None:
    # before 2023-07-01: INC-C's three items opened 2023-05-25, C1 and C2 closed, C2 became overdue (due 05-27, closed 06-09)
    rows = [(e.first, e.last, e.opened, e.closed, e.wont_do, e.became_overdue) for e in review.earlier]
    assert rows == [(D(2023, 1, 1), D(2023, 6, 30), 3, 2, 0, 1)]
    # every item is opened in one place, every closed one closed in one place
    assert review.opened_in_months + sum(e.opened for e in review.earlier) + review.opened_later == 15
    assert review.closed_in_months + sum(e.closed for e in review.earlier) + review.closed_later == 9


def test_the_oldest_open_items_ties_in_the_review_order(review: ar.ActionReview) -> None:
    # C3 2023-05-25, A4 2024-01-12, then B5 and B4 both 2024-03-05: B5 is overdue, so first; D1 06-28, E1 07-02
    assert ids(review.oldest) == ["C3", "A4", "B5", "B4", "D1", "E1"]
    assert review.oldest[1].days_late == 159  # 2024-02-07 to 2024-07-15: 22 + 31 + 30 + 31 + 30 + 15


def test_per_team(review: ar.ActionReview) -> None:
    rows = [(t.team, t.total, t.open, t.overdue, t.opened, t.closed, t.completion) for t in review.teams]
    assert rows == [
        # opened in the months: A3 A4 B5 E1; closed in them: A3 (C2 closed 2023-06); done 1 of 4 (A3 won't do)
        ("Network", 5, 3, 3, 4, 1, 25.0),
        # B2 B3 D1 opened, B2 B3 closed; done 2 of 4
        ("Data", 4, 2, 1, 3, 2, 50.0),
        # A1 A2 B1 B4 D2 opened (C1 before the months); A1 A2 B1 closed (C1 before, D2 after); done 5 of 6
        ("SRE", 6, 1, 0, 5, 3, 83.3),
    ]


def test_period_labels() -> None:
    assert review_page.period_label(ar.Earlier(D(2023, 1, 1), D(2023, 6, 30))) == "2023, Jan to Jun"
    assert review_page.period_label(ar.Earlier(D(2022, 1, 1), D(2022, 12, 31))) == "2022"
    assert review_page.period_label(ar.Earlier(D(2024, 1, 1), D(2024, 1, 31))) == "2024, Jan"


def test_a_year_without_activity_between_earlier_ones_is_listed() -> None:
    old = incident("INC-OLD", "2021-03-01", "2021-03-02", [item("O1", "SRE", "low", "2021-05-01", "done", "2021-04-01")])
    review = ar.action_review(knowledge_base([*CORPUS, old]))
    assert [(e.first.year, e.opened, e.closed) for e in review.earlier] == [(2023, 3, 2), (2022, 0, 0), (2021, 1, 1)]


def test_nothing_to_review() -> None:
    review = ar.action_review(knowledge_base([]))
    assert (review.completion, review.closed_rate, review.median_days_to_close, review.oldest, review.earlier) == (None, None, None, [], [])
    assert len(review.months) == 13 and all(not (m.opened or m.closed or m.became_overdue) for m in review.months)
    assert [(p.priority, p.median) for p in review.priorities] == [("critical", None), ("high", None), ("medium", None), ("low", None)]


def test_the_trackers_state_counts_where_a_sync_read_it() -> None:
    """A4 is open in its YAML; the tracker says done on 2024-02-01: it is closed that month, 22 days after resolution."""
    settings = SETTINGS
    docs = documents(CORPUS)
    tickets = {"https://acme.atlassian.net/browse/OPS-123": TrackedState("done", D(2024, 2, 1), "Jira, read 2024-07-14")}
    incidents = [make_incident(doc, src, settings, TODAY, tickets) for doc, src in docs]
    review = ar.action_review(KnowledgeBase(incidents, settings))
    (a4,) = [a for a in review.actions if a.id == "A4"]
    assert (a4.done, a4.completed_on, a4.days_to_close) == (True, D(2024, 2, 1), 22)
    feb = next(m for m in review.months if m.key == "2024-02")
    assert ids(feb.closed) == ["A4"] and feb.became_overdue == []  # closed before its due date (02-07)
    assert (review.done, review.open, review.overdue, review.completion) == (9, 5, 3, 64.3)  # 9 / 14
    assert [p.days for p in review.priorities if p.priority == "high"] == [[10, 22, 28, 40]]
    assert ids(review.oldest) == ["C3", "B5", "B4", "D1", "E1"]
    # the page says where the state comes from
    html = render(KnowledgeBase(incidents, settings))
    soup = BeautifulSoup(html, "lxml")
    (line,) = [li for li in soup.select("li.pm-review-item") if "INC-A/A4" in li.get_text() and "22 days after resolution" in li.get_text()]
    assert " ".join(line.get_text().split()).endswith("· ticket OPS-123 · done in the tracker (Jira, read 2024-07-14); the post-mortem still says open")


# --- how the page shows it --------------------------------------------------------------------


@pytest.mark.parametrize(
    ("ticket", "label", "url"),
    [
        ("https://github.com/acme/platform/issues/812", "platform#812", "https://github.com/acme/platform/issues/812"),
        ("https://gitlab.example.com/group/project/-/issues/12", "project#12", "https://gitlab.example.com/group/project/-/issues/12"),
        ("https://acme.atlassian.net/browse/OPS-123", "OPS-123", "https://acme.atlassian.net/browse/OPS-123"),
        ("https://tracker.example.com/", "tracker.example.com", "https://tracker.example.com/"),
        ("javascript:alert(1)", "javascript:alert(1)", None),  # never a link unless http(s)
    ],
)
def test_a_ticket_reads_short_and_links_only_over_http(ticket: str, label: str, url: str | None) -> None:
    kb = knowledge_base()
    action = kb.incidents[-1].actions[0]
    action.item = action.item.model_copy(update={"ticket": ticket})
    assert review_page.ticket_of(action) == review_page.Ticket(label, url)


TEMPLATES = Templates()
MARKDOWN = MarkdownRenderer(["tables", "attr_list", "admonition"])


def render(kb: KnowledgeBase) -> str:
    return SiteBuilder(kb, TEMPLATES, MARKDOWN).render("review/index.md").html


def texts(soup: Tag, selector: str) -> list[list[str]]:
    return [[c.get_text(" ", strip=True) for c in row.select("th, td")] for row in soup.select(selector)]


def test_the_charts_data_tables() -> None:
    charts = review_page.review_charts(ar.action_review(knowledge_base()))
    months = charts["opened-and-closed"]
    assert months.rows[0] == ["2023-07", 0, 0, 0, 0] and months.rows[-1] == ["2024-07 (to date)", 1, 0, 0, 1]
    assert months.rows[6] == ["2024-01", 4, 3, 1, 1]  # oldest first, as the chart
    assert charts["time-to-close"].rows == [
        ["critical", 7, "7.5", "9.5", "2 of 4 (50%)"],
        ["high", 28, "28", "26", "2 of 3 (66.7%)"],
        ["medium", 60, None, None, "none done"],
        ["low", 90, "22", "22", "1 of 1 (100%)"],
    ]
    # the most active teams first (opened + closed: SRE 8, then Data and Network 5 each, by name)
    assert charts["teams"].rows == [["SRE", 5, 3], ["Data", 3, 2], ["Network", 4, 1]]


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Build:
    root = write_site(tmp_path_factory.mktemp("review") / "kb", {f"{d['id']}.yaml": d for d in CORPUS},
                      extra="      publish_drafts: true")
    result = mkdocs_build(root, env={"PMSITE_REFERENCE_DATE": TODAY.isoformat()})
    assert result.ok, result.log
    return result


def test_the_built_page_shows_the_figures(built: Build) -> None:
    page = BeautifulSoup(built.page("review/"), "lxml")
    assert page.title is not None and page.title.get_text().startswith("Monthly action review")
    article = page.select_one("article")
    assert article is not None
    stats = [s.get_text(" ", strip=True) for s in article.select(".pm-stat")]
    assert stats == [
        "57.1% completion rate: 8 done of 14 (all but won't do)",
        "60% closed rate: 9 done or won't do of 15",
        "4 overdue: open, due before 2024-07-15",
        "15.0 days median time to close (done items, from resolution)",
    ]
    months = [h.get_text(strip=True) for h in article.select(".pm-review-month h3")]
    assert months[:3] == ["July 2024, to 2024-07-15", "June 2024", "May 2024"] and months[-1] == "July 2023" and len(months) == 13
    counts = [p.get_text(" ", strip=True) for p in article.select(".pm-review-month > p:first-of-type")]
    assert counts[0] == "1 opened · 0 closed · 1 became overdue (1 still open)"
    assert counts[6] == "4 opened · 3 closed (1 won't do) · 1 became overdue (0 still open)"
    assert counts[7] == "0 opened · 0 closed · 0 became overdue"
    assert texts(article, "table.pm-review-earlier tbody tr") == [["2023, Jan to Jun", "3", "2", "0", "1"]]
    assert texts(article, "table.pm-review-teams tbody tr") == [
        ["Network", "3", "3", "25%"], ["Data", "2", "1", "50%"], ["SRE", "1", "0", "83.3%"]]
    oldest = [code.get_text() for code in article.select("#oldest-open-items ~ ol li > a > code")]
    assert oldest == ["INC-C/C3", "INC-A/A4", "INC-B/B5", "INC-B/B4", "INC-D/D1", "INC-E/E1"]


def test_the_built_page_links_tickets_and_items(built: Build) -> None:
    article = BeautifulSoup(built.page("review/"), "lxml").select_one("article")
    assert article is not None
    a4 = next(li for li in article.select("#oldest-open-items ~ ol li") if "INC-A/A4" in li.get_text())
    assert " ".join(a4.get_text().split()) == (
        "INC-A/A4 Action A4 Network · high · opened 2024-01-12, 185 days ago · due 2024-02-07 159 days late · ticket OPS-123")
    assert [a["href"] for a in a4.select("a")] == ["../incidents/inc-a/#action-a4", "https://acme.atlassian.net/browse/OPS-123"]
    # the review is linked from the open actions and names itself in the navigation
    actions = BeautifulSoup(built.page("actions/"), "lxml")
    assert "../review/" in [a.get("href") for a in actions.select("article a")]
    # two drawings per chart, each with its data table
    assert len(article.select("figure.pm-chart svg")) == 6 and len(article.select("details.pm-chart-data table")) == 3
