"""The repository's sample knowledge base and real public post-mortems: complete pages, strict builds."""

from __future__ import annotations

from pathlib import Path

import pytest
from bs4 import BeautifulSoup

from pmsite.format.reference import field_reference

from conftest import ROOT, Build, mkdocs_build, write_site
from values import expected_texts, load_yaml, normalise

SAMPLES = sorted((ROOT / "content" / "incidents").rglob("*.yaml"))
REAL = sorted((ROOT / "tests" / "fixtures" / "real").glob("*.yaml"))


def article_text(build: Build, doc: dict) -> str:
    html = build.page(f"incidents/{doc['id'].lower()}/")
    return normalise(BeautifulSoup(html, "lxml").select_one("article").get_text(" "))


def test_sample_has_the_four_seed_incidents() -> None:
    ids = sorted(load_yaml(p)["id"] for p in SAMPLES)
    assert ids == ["INC-2024-0315", "INC-2024-0403", "INC-2024-0512", "INC-2024-0620"]


@pytest.mark.parametrize("path", SAMPLES, ids=[p.stem for p in SAMPLES])
def test_every_field_of_every_sample_document_is_on_its_page(sample_build: Build, path: Path) -> None:
    doc = load_yaml(path)
    text = article_text(sample_build, doc)
    assert [(field, want) for field, want in expected_texts(doc) if want not in text] == []


def test_sample_site_pages_and_links(sample_build: Build) -> None:
    home = BeautifulSoup(sample_build.page(""), "lxml")
    hrefs = {a.get("href") for a in home.select("article a")}
    assert {"incidents/", "actions/", "review/", "patterns/", "history/", "feed.xml", "actions.ics"} <= hrefs
    nav = [a.get_text(strip=True) for a in home.select("nav.md-tabs a")]
    assert nav == ["Home", "Incidents", "Open actions", "Action review", "Patterns", "History", "Author guide", "Tags"]
    for doc in map(load_yaml, SAMPLES):
        assert (sample_build.site / "incidents" / doc["id"].lower() / "index.html").exists()


def test_no_page_loads_anything_from_another_host(sample_build: Build) -> None:
    offenders = []
    for page in sample_build.site.rglob("*.html"):
        soup = BeautifulSoup(page.read_text(), "lxml")
        for tag, attr in (("script", "src"), ("link", "href"), ("img", "src"), ("iframe", "src"), ("source", "src")):
            for el in soup.find_all(tag):
                url = el.get(attr) or ""
                if tag == "link" and "stylesheet" not in (el.get("rel") or []) and "preconnect" not in (el.get("rel") or []) and "icon" not in (el.get("rel") or []):
                    continue
                if url.startswith(("http:", "https:", "//")):
                    offenders.append((page.name, tag, url))
    assert offenders == []


def test_author_guide_and_model_never_disagree(sample_build: Build) -> None:
    guide = BeautifulSoup(sample_build.page("guide/"), "lxml").select_one("article")
    table_paths = [row.select_one("td code").get_text() for row in guide.select("table tbody tr") if row.select_one("td code")]
    model_paths = [path for path, *_ in field_reference()]
    assert [p for p in model_paths if p not in table_paths] == []
    # every field named anywhere in the hand-written prose exists in the model
    named = {c.get_text() for c in guide.select("p code, li code")}
    fieldish = {n.split(":")[0] for n in named if n.replace("_", "").replace("[]", "").replace(".", "").isalpha() and n.islower()}
    unknown = {n for n in fieldish if n not in model_paths and n.split(".")[-1] not in {p.split(".")[-1].replace("[]", "") for p in model_paths}}
    assert unknown <= {"draft", "published", "in-review"}, unknown
    codes = [row.select("td")[0].get_text() for row in guide.select("table tbody tr") if row.select("td") and row.select("td")[0].get_text().startswith("PM")]
    from pmsite.analysis.checklist import CHECKS

    assert codes == [c for c in CHECKS if c != "PM114"]  # the sample site has no tracker: its tickets' states are never checked


def test_real_public_postmortems_build_strictly_and_render_completely(tmp_path: Path) -> None:
    root = write_site(tmp_path / "kb", {p.name: p.read_text() for p in REAL})
    result = mkdocs_build(root)
    assert result.ok, result.log
    for path in REAL:
        doc = load_yaml(path)
        text = article_text(result, doc)
        assert [(f, w) for f, w in expected_texts(doc) if w not in text] == [], path.name
    # incidents that really share causes link each other
    gitlab = BeautifulSoup(result.page("incidents/gitlab-2017-0131/"), "lxml")
    related = [c.get_text() for c in gitlab.select("ul.pm-related code")]
    assert "ATLASSIAN-2022-0405" in related and "AWS-S3-2017-0228" in related


def test_the_field_reference_names_each_type_in_words() -> None:
    """The type column of the guide's field table, written out from the format document."""
    types = {path: (kind, required) for path, kind, required, _ in field_reference()}
    assert types == {
        "id": ("string", True), "title": ("string", True), "status": ("string", True),
        "severity": ("level", True), "near_miss": ("boolean", False), "summary": ("string", True),
        "started_at": ("timestamp", True), "detected_at": ("timestamp", True),
        "mitigated_at": ("timestamp", False), "resolved_at": ("timestamp", False),
        "detection": ("string", True), "services": ("list of strings", True),
        "teams": ("list of strings", False), "tags": ("list of strings", False),
        "authors": ("list of strings", True), "review_meeting_on": ("date", False),
        "published_on": ("date", False), "impact": ("mapping", True),
        "impact.users_affected_pct": ("number", False), "impact.users_affected": ("integer", False),
        "impact.description": ("string", True), "impact.slo_violations": ("list of strings", False),
        "impact.business_metrics": ("list of strings", False),
        "timeline": ("list of TimelineEvent", True), "timeline[].at": ("timestamp", True),
        "timeline[].event": ("string", True), "timeline[].actor": ("string", False),
        "timeline[].kind": ("string", False), "timeline[].evidence": ("list of strings", False),
        "root_causes": ("list of RootCause", True), "root_causes[].description": ("string", True),
        "root_causes[].category": ("string", True), "root_causes[].five_whys": ("list of strings", False),
        "contributing_factors": ("list of ContributingFactor", False),
        "contributing_factors[].description": ("string", True), "contributing_factors[].category": ("string", True),
        "went_well": ("list of strings", False), "went_poorly": ("list of strings", False),
        "action_items": ("list of ActionItem", True), "action_items[].id": ("string", False),
        "action_items[].description": ("string", True), "action_items[].owner": ("string", True),
        "action_items[].priority": ("string", True), "action_items[].due": ("date", True),
        "action_items[].status": ("string", True), "action_items[].completed_on": ("date", False),
        "action_items[].success_criteria": ("string", False),
        "action_items[].prevents_recurrence": ("boolean", False),
        "action_items[].improves_detection": ("boolean", False),
        "action_items[].improves_response": ("boolean", False), "action_items[].ticket": ("string", False),
        "related": ("list of strings", False), "links": ("list of Link", False),
        "links[].title": ("string", True), "links[].url": ("string", True),
        "checklist_ignore": ("list of strings", False),
    }
