"""Real builds of tiny sites: every value on its page, drafts, overrides, escaping, search and tags."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from bs4 import BeautifulSoup

from conftest import Build, build_in_process, dump, mkdocs_build, shared, valid_doc, write_site
from values import expected_texts, normalise

MAXIMAL = valid_doc(
    near_miss=True,
    teams=["platform", "dba"],
    tags=["deployment", "database-migration", "schema"],
    authors=["Platform team", "Database reliability team"],
    checklist_ignore=["PM112"],
    related=["INC-2024-0101"],
)
MAXIMAL["timeline"].insert(
    2,
    {
        "at": "2024-03-15T16:45:00+02:00",
        "event": "Incident commander decided to roll back",
        "actor": "Incident commander",
        "kind": "decision",
        "evidence": ["https://chat.example.com/p/1", "Decision log entry 7"],
    },
)
MAXIMAL["root_causes"].append(
    {
        "description": "Staging had no production-like data, so the migration passed there.",
        "category": "process-gap",
        "five_whys": ["Why did staging pass? It had no rows.", "Why no rows? The refresh copies schema only.", "Why schema only? Data copies were never automated."],
    }
)
MAXIMAL["contributing_factors"] += [
    {"description": "Deploy ran during peak traffic", "category": "environment"},
    {"description": "The rollback runbook predates the new pipeline", "category": "process"},
    {"description": "A single reviewer approved a schema change", "category": "people"},
    {"description": "Migration tooling allows NOT NULL without defaults", "category": "technology"},
]
MAXIMAL["went_well"].append("Customer support had a macro ready within ten minutes.")
MAXIMAL["went_poorly"].append("The status page update came 15 minutes after detection.")
MAXIMAL["action_items"] += [
    {
        "description": "Alert on migration failures in the deployment pipeline",
        "owner": "Release engineering",
        "priority": "high",
        "due": "2024-04-10",
        "status": "open",
        "success_criteria": "A failed migration pages the release rotation within one minute",
        "improves_detection": True,
        "improves_response": True,
    },
    {
        "id": "A9",
        "description": "Copy anonymised production rows into staging weekly",
        "owner": "Database reliability team",
        "priority": "medium",
        "due": "2024-05-01",
        "status": "wont-do",
        "completed_on": "2024-04-02",
        "success_criteria": "Staging tables hold at least one million rows",
    },
]
MAXIMAL["links"].append({"title": "Status page history", "url": "https://status.example.com/incidents/812"})
OTHER = valid_doc(id="INC-2024-0101", title="Orders database failover during maintenance", started_at="2024-01-01T10:00:00Z",
                  detected_at="2024-01-01T10:05:00Z", mitigated_at="2024-01-01T10:20:00Z", resolved_at="2024-01-01T10:30:00Z",
                  review_meeting_on="2024-01-02", published_on="2024-01-03")
OTHER["action_items"][0].update(due="2024-01-05", completed_on="2024-01-04")


def article(build: Build, url: str) -> BeautifulSoup:
    soup = BeautifulSoup(build.page(url), "lxml")
    found = soup.select_one("article.md-content__inner")
    assert found is not None
    return found


@pytest.fixture(scope=shared("module"))
def maximal(tmp_path_factory: pytest.TempPathFactory) -> Build:
    root = write_site(tmp_path_factory.mktemp("maximal") / "kb", {"max.yaml": MAXIMAL, "other.yaml": OTHER})
    result = mkdocs_build(root)
    assert result.ok, result.log
    return result


def test_every_value_of_a_maximal_document_is_on_its_page(maximal: Build) -> None:
    text = normalise(article(maximal, "incidents/inc-2024-0315/").get_text(" "))
    missing = [(path, want) for path, want in expected_texts(MAXIMAL) if want not in text]
    assert missing == []


def test_incident_page_structure(maximal: Build) -> None:
    page = article(maximal, "incidents/inc-2024-0315/")
    # the page leads with the title, then the summary card, then the summary
    first = [el.name + "." + ".".join(el.get("class", [])) for el in page.select("div.pm-incident > *")][:5]
    assert first[:2] == ["h1.", "p.pm-kicker"] and first[2].startswith("section.pm-card")
    glance = {i.select_one(".pm-glance__label").get_text(): i.select_one(".pm-glance__value").get_text(" ", strip=True) for i in page.select(".pm-glance__item")}
    assert glance == {
        "Severity": "SEV1 · Critical level 1",
        "Status": "published",
        "Near miss": "Near miss: no user impact",
        "Duration": "21m 15s",
        "Users affected": "100% of users, 1,200,000 users",
        "Action items": "3 in all, 1 open, 1 overdue",
    }
    # the timeline is a vertical list: time and offset beside the event, sorted by time, offsets honoured
    events = page.select("ol.pm-tl > li")
    assert [e.select_one(".pm-tl__offset").get_text() for e in events] == ["T+0s", "T+1m45s", "T+8m", "T+23m"]
    assert [e.select_one(".pm-tl__when time").get_text() for e in events] == [
        "2024-03-15 14:37:00 UTC", "2024-03-15 14:38:45 UTC", "2024-03-15 16:45:00 +02:00", "2024-03-15 15:00:00 UTC"]
    assert [e.select_one(".pm-kind").get_text() for e in events] == ["trigger", "detection", "decision", "resolution"]
    # the phase bar: to scale (105 s, 795 s and 480 s of a 1,380 s impact window)
    bar = [(s["class"][1], s["style"]) for s in page.select(".pm-phases__bar .pm-phase")]
    assert bar == [("pm-phase--detect", "width: 7.61%"), ("pm-phase--mitigate", "width: 57.61%"), ("pm-phase--recover", "width: 34.78%")]
    assert [li.get_text(" ", strip=True) for li in page.select(".pm-phases__legend li")] == [
        "Time to detect 1m 45s 14:37 → 14:38", "Time to mitigate 13m 15s 14:38 → 14:52", "Mitigated to resolved 8m 14:52 → 15:00"]
    whys = [li.get_text(" ", strip=True) for li in page.select("#root-cause-1 ~ ol.pm-whys")[0].select("li")]
    assert whys[0].startswith("Why did the service crash?") and len(whys) == 3
    branches = [(h.contents[0].strip(), h.select_one(".pm-count").get_text()) for h in page.select(".pm-branch h3")]
    assert branches == [("people", "1"), ("process", "2"), ("technology", "1"), ("environment", "1")]
    cards = page.select("ol.pm-acards > li")
    assert [c.get("id") for c in cards] == ["action-a1", "action-a2", "action-a9"]
    overdue = page.select("li.pm-acard--overdue")
    assert [c.get("id") for c in overdue] == ["action-a2"]  # open, due 2024-04-10, reference date 2024-07-01
    assert overdue[0].select_one(".pm-badge--overdue").get_text() == "overdue by 82 days"
    assert [f.get_text() for f in cards[1].select(".pm-flag")] == ["prevents recurrence: no", "improves detection: yes", "improves response: yes"]
    assert [f.get_text() for f in cards[1].select(".pm-flag--yes")] == ["improves detection: yes", "improves response: yes"]
    links = {a["href"] for a in page.select("a[href^=http]")}
    assert {"https://chat.example.com/p/1", "https://github.com/example/platform/issues/812"} <= links
    assert page.find(string="Decision log entry 7").parent.name == "span"  # text evidence is not a link
    edit = page.select_one(".pm-edit a")
    assert edit["href"] == "https://git.example.com/org/kb/edit/main/content/incidents/max.yaml"
    metrics = [dd.get_text() for dd in page.select("dl.pm-metrics dd")]
    assert metrics[:5] == ["1m 45s", "13m 15s", "21m 15s", "23m", "3 days"]
    assert metrics[5] == "1 open, 0 in-progress, 1 done, 1 wont-do; 1 overdue"


def test_related_incidents_are_linked_in_both_directions(maximal: Build) -> None:
    forward = article(maximal, "incidents/inc-2024-0315/").select("ul.pm-related a")
    backward = article(maximal, "incidents/inc-2024-0101/").select("ul.pm-related a")
    assert [a["href"] for a in forward] == ["../inc-2024-0101/"]
    assert [a["href"] for a in backward] == ["../inc-2024-0315/"]
    assert "names this post-mortem" in article(maximal, "incidents/inc-2024-0101/").select_one("ul.pm-related").get_text()


def test_yaml_sources_are_not_copied_and_nav_lists_no_incident(maximal: Build) -> None:
    assert not list(maximal.site.rglob("*.yaml"))
    html = maximal.page("incidents/inc-2024-0315/")
    nav = BeautifulSoup(html, "lxml").select_one("nav.md-nav--primary")
    assert "inc-2024-0101" not in str(nav)


def test_search_index_holds_incidents_and_hand_written_pages_only(maximal: Build) -> None:
    entry = json.loads((maximal.site / "search" / "pagefind-entry.json").read_text())
    # two incidents and the one hand-written page (index.md); no listing, pattern or history page
    assert entry["languages"]["en"]["page_count"] == 3
    assert (maximal.site / "search" / "pagefind.js").is_file()
    assert not (maximal.site / "search" / "pagefind-ui.js").exists()  # the site has its own search dialog
    assert not (maximal.site / "search" / "search_index.json").exists()  # no Material search index either
    head = BeautifulSoup(maximal.page("incidents/"), "lxml").select_one('meta[name="pmsite:search"]')
    assert head is not None and head["content"] == "../search/"


def test_a_site_that_keeps_materials_search_is_told_to_choose_one(tmp_path: Path) -> None:
    root = write_site(tmp_path / "kb", {"a.yaml": valid_doc()})
    text = (root / "mkdocs.yml").read_text().replace("plugins:\n", "plugins:\n  - search\n")
    (root / "mkdocs.yml").write_text(text)
    result = mkdocs_build(root)
    assert not result.ok
    assert "the site would have two search boxes that disagree: remove 'search' from 'plugins'" in result.log
    assert "Traceback" not in result.log


def test_tags_reach_materials_tags_plugin(maximal: Build) -> None:
    page = BeautifulSoup(maximal.page("incidents/inc-2024-0315/"), "lxml")
    assert {t.get_text(strip=True) for t in page.select(".md-tags .md-tag")} == {"deployment", "database-migration", "schema"}


def test_drafts_leave_no_trace_unless_previewed(tmp_path: Path) -> None:
    draft = valid_doc(id="INC-2024-0999", title="Draft about the cache", status="draft", related=["INC-2024-0315"])
    root = write_site(tmp_path / "kb", {"a.yaml": valid_doc(), "draft.yaml": draft})
    result = mkdocs_build(root)
    assert result.ok, result.log
    assert not (result.site / "incidents" / "inc-2024-0999").exists()
    everything = "".join(p.read_text(errors="ignore") for p in result.site.rglob("*") if p.is_file() and p.suffix in {".html", ".json", ".xml", ".ics"})
    assert "INC-2024-0999" not in everything and "Draft about the cache" not in everything
    preview = mkdocs_build(root, env={"PMSITE_PUBLISH_DRAFTS": "1"})
    assert preview.ok, preview.log
    banner = article(preview, "incidents/inc-2024-0999/").select_one(".pm-banner")
    assert banner is not None and "draft" in banner.get_text()


def test_template_override_wins(tmp_path: Path) -> None:
    root = write_site(tmp_path / "kb", {"a.yaml": valid_doc()})
    (root / "overrides" / "pmsite").mkdir(parents=True)
    (root / "overrides" / "pmsite" / "incident.html").write_text(
        '{% extends "default/pmsite/incident.html" %}{% block summary %}<p class="site-summary">Our own summary block</p>{{ super() }}{% endblock %}'
    )
    result = mkdocs_build(root)
    assert result.ok, result.log
    page = article(result, "incidents/inc-2024-0315/")
    assert page.select_one("p.site-summary").get_text() == "Our own summary block"
    assert page.select_one("#timeline") is not None  # the rest of the packaged template is kept


def test_author_text_is_escaped_and_never_a_template(tmp_path: Path) -> None:
    doc = valid_doc(title="{{ 7*7 }} <b>bold</b>", summary="Hello {{ 7*7 }} {% if true %}x{% endif %} <script>alert(1)</script> [x](javascript:alert(1))")
    root = write_site(tmp_path / "kb", {"a.yaml": doc})
    result = mkdocs_build(root)
    assert result.ok, result.log
    html = result.page("incidents/inc-2024-0315/")
    soup = BeautifulSoup(html, "lxml")
    assert soup.title.get_text().startswith("INC-2024-0315: {{ 7*7 }} <b>bold</b>")
    summary = soup.select_one(".pm-summary")
    assert "{{ 7*7 }}" in summary.get_text() and "{% if true %}" in summary.get_text()
    assert "49" not in summary.get_text()
    assert not soup.select("article script") and "alert(1)</script>" not in html
    assert not [a for a in soup.select("article a") if a.get("href", "").startswith("javascript")]


def test_build_fails_once_with_every_error(tmp_path: Path) -> None:
    root = write_site(tmp_path / "kb", {"a.yaml": valid_doc(severity=9), "b.yaml": valid_doc(id="INC-2", detection="psychic")})
    result = mkdocs_build(root)
    assert not result.ok
    errors = [line for line in result.log.splitlines() if line.startswith("ERROR")]
    assert errors == [
        "ERROR   -  pmsite: content/incidents/a.yaml:4:11: severity: expected a severity level (1, 2, 3, 4), got 9",
        "ERROR   -  pmsite: content/incidents/b.yaml:13:12: detection: expected a detection method (automated-alert, customer-report, internal-report, manual-check, third-party, unknown), got 'psychic'",
        "ERROR   -  pmsite: 2 errors in 2 files: fix them and build again (nothing was published)",
    ]
    assert "Traceback" not in result.log


def test_page_size_does_not_grow_with_the_corpus(tmp_path: Path) -> None:
    def incident_page_size(count: int) -> int:
        docs = {}
        for n in range(count):
            docs[f"d{n}.yaml"] = valid_doc(id=f"INC-X-{n:03d}", related=[])
        root = write_site(tmp_path / f"kb{count}", docs)
        result = mkdocs_build(root)
        assert result.ok, result.log
        return len(result.page("incidents/inc-x-000/"))

    small, large = incident_page_size(2), incident_page_size(30)
    # the related list is capped, so only ids in it may differ; the navigation does not grow
    assert abs(large - small) < 2000, (small, large)


def test_the_build_logs_each_checklist_warning_once_at_its_place(tmp_path: Path) -> None:
    no_end = valid_doc(id="INC-A")
    no_end["timeline"] = no_end["timeline"][:2]  # no event of kind 'resolution'
    root = write_site(tmp_path / "kb", {"a.yaml": no_end, "b.yaml": valid_doc(id="INC-B")})
    line = dump(no_end).splitlines().index("timeline:") + 2  # where the value starts: its first item, below the key
    built = build_in_process(root, strict=False)
    assert built.ok
    assert [entry for entry in built.log.splitlines() if "pmsite: content/" in entry] == [
        f"WARNING -  pmsite: content/incidents/a.yaml:{line}:1: PM103 timeline: no event of kind 'resolution': "
        "add when the incident was resolved"
    ]


def test_markdown_conversions_are_shared_through_the_cache_and_bounded(monkeypatch: pytest.MonkeyPatch) -> None:
    from pmsite.site import markdown as render

    cache: dict[str, str] = {}
    first = render.MarkdownRenderer(["tables"], cache=cache)
    assert str(first.block("Run **the** check")) == "<p>Run <strong>the</strong> check</p>"
    second = render.MarkdownRenderer(["tables"], cache=cache)
    assert str(second.block("Run **the** check")) == "<p>Run <strong>the</strong> check</p>"
    assert (first.conversions, second.conversions) == (1, 0)
    monkeypatch.setattr(render, "CACHE_LIMIT", 2)
    second.block("*a*")
    assert sorted(cache) == ["*a*", "Run **the** check"]
    second.block("*b*")  # the limit reached: the cache starts again
    assert sorted(cache) == ["*b*"]
