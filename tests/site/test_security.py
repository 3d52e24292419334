"""Hostile authors: payloads in every text field never become script, handlers or dangerous links."""

from __future__ import annotations

import json
from pathlib import Path

import feedparser
import icalendar
import pytest
from bs4 import BeautifulSoup

from conftest import Build, mkdocs_build, valid_doc, write_site

SCRIPT = "<script>window.__pwned=1</script>"
IMG = '<img src=x onerror="window.__pwned=2">'
ATTR = '" onmouseover="window.__pwned=3" x="'
JS_LINK = "[click](javascript:window.__pwned=4)"
DATA_LINK = "[data](data:text/html,<script>window.__pwned=5</script>)"
RAW_A = '<a href="javascript:window.__pwned=6">raw anchor</a>'
SVG = "<svg onload=window.__pwned=7></svg>"
TEMPLATE = "{{ 7*7 }}{% raw %}"
ALL = " ".join([SCRIPT, IMG, ATTR, JS_LINK, DATA_LINK, RAW_A, SVG, TEMPLATE])


def hostile_doc() -> dict:
    doc = valid_doc(
        id="INC-XSS-1",
        title=f"Title {SCRIPT} {ATTR}",
        summary=f"Summary {ALL}",
        services=[f"svc{SCRIPT}", 'svc" onclick="x'],
        teams=[f"team {IMG}"],
        tags=[f"tag{SCRIPT}", "tag' onfocus='x"],
        authors=[f"author {SCRIPT}"],
        checklist_ignore=["PM112"],
    )
    doc["impact"]["description"] = f"Impact {ALL}"
    doc["impact"]["slo_violations"] = [f"slo {SCRIPT}"]
    doc["impact"]["business_metrics"] = [f"metric {IMG}"]
    for event in doc["timeline"]:
        event["event"] = f"Event {ALL}"
        event["actor"] = f"actor {SCRIPT}"
        event["evidence"] = [f"evidence {SCRIPT}", 'https://ok.example.com/"><script>window.__pwned=8</script>']
    rc = doc["root_causes"][0]
    rc["description"] = f"Cause {ALL}"
    rc["five_whys"] = [f"why {SCRIPT}", f"why {IMG}", f"why {JS_LINK}"]
    doc["contributing_factors"][0]["description"] = f"Factor {ALL}"
    doc["went_well"] = [f"well {ALL}"]
    doc["went_poorly"] = [f"poorly {ALL}"]
    item = doc["action_items"][0]
    item.update(description=f"Action {ALL}", owner=f"owner {SCRIPT}", success_criteria=f"criteria {IMG}",
                ticket='https://tracker.example.com/"><script>window.__pwned=9</script>', id="A1")
    doc["links"] = [{"title": f"link {SCRIPT}", "url": "https://x.example.com/?q=<script>window.__pwned=10</script>"}]
    return doc


@pytest.fixture(scope="module")
def hostile(tmp_path_factory: pytest.TempPathFactory) -> Build:
    root = write_site(tmp_path_factory.mktemp("xss") / "kb", {"x.yaml": hostile_doc()})
    result = mkdocs_build(root)
    assert result.ok, result.log
    return result


def html_pages(build: Build) -> list[Path]:
    return sorted(build.site.rglob("*.html"))


def test_no_payload_becomes_script_handler_or_dangerous_link(hostile: Build) -> None:
    problems = []
    for path in html_pages(hostile):
        soup = BeautifulSoup(path.read_text(), "lxml")
        for script in soup.find_all("script"):
            if "__pwned" in (script.string or "") or "__pwned" in (script.get("src") or ""):
                problems.append((path.name, "script", str(script)[:80]))
        for el in soup.find_all(True):
            for attr, value in el.attrs.items():
                text = " ".join(value) if isinstance(value, list) else str(value)
                if attr.lower().startswith("on") and "__pwned" in text:
                    problems.append((path.name, "handler", el.name, attr))
                if attr.lower() in ("href", "src", "action", "formaction", "xlink:href") and text.strip().lower().startswith(("javascript:", "data:", "vbscript:")):
                    problems.append((path.name, "url", el.name, text[:60]))
            if el.name in ("iframe", "object", "embed", "img") and el.find_parent("article") is not None:
                problems.append((path.name, "element", el.name))
    assert problems == []


def test_payload_text_is_shown_literally(hostile: Build) -> None:
    soup = BeautifulSoup(hostile.page("incidents/inc-xss-1/"), "lxml")
    assert soup.title.get_text().startswith(f"INC-XSS-1: Title {SCRIPT}")
    assert soup.select_one("article h1").get_text() == f"Title {SCRIPT} {ATTR}"
    text = soup.select_one("article").get_text(" ")
    assert "{{ 7*7 }}" in text and "{% raw %}" in text and "49" not in text.replace("2024", "")
    assert f"owner {SCRIPT}" in text  # plain fields are escaped, not stripped


def test_css_classes_and_urls_from_author_values_are_slugs(hostile: Build) -> None:
    soup = BeautifulSoup(hostile.page("incidents/inc-xss-1/"), "lxml")
    for el in soup.select("article [class]"):
        for cls in el["class"]:
            assert all(c.isalnum() or c in "-_" for c in cls), cls
    services = [p.name for p in (hostile.site / "services").iterdir()]
    assert all(all(c.isalnum() or c == "-" for c in name) for name in services), services


def test_feeds_and_json_carry_payloads_as_data(hostile: Build) -> None:
    feed = feedparser.parse((hostile.site / "feed.xml").read_bytes())
    assert not feed.bozo and feed.entries[0].title.startswith("INC-XSS-1: Title <script>")
    summary = BeautifulSoup(feed.entries[0].summary, "lxml")  # sanitised HTML, escaped into the XML
    assert not summary.find_all("script")
    assert not [a for el in summary.find_all(True) for a in el.attrs if a.startswith("on")]
    assert not [a for a in summary.find_all("a") if a.get("href", "").startswith(("javascript:", "data:"))]
    data = json.loads((hostile.site / "incidents.json").read_text())
    assert data["incidents"][0]["title"] == f"Title {SCRIPT} {ATTR}"
    icalendar.Calendar.from_ical((hostile.site / "actions.ics").read_bytes())


@pytest.mark.browser
def test_a_real_browser_runs_none_of_the_payloads(hostile: Build) -> None:
    from browser import CHROMIUM, CHROMIUM_ARGS, serve, watch

    playwright = pytest.importorskip("playwright.sync_api")
    with serve(hostile.site) as base, playwright.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        page = browser.new_page()
        visit = watch(page, base)
        page.route("**/*", lambda route: route.continue_() if route.request.url.startswith(base) else route.abort())
        for url in ("incidents/inc-xss-1/", "incidents/", "actions/", "patterns/", "history/", "services/", "tags/"):
            if url == "services/":
                url = next(p.relative_to(hostile.site).as_posix() + "/" for p in (hostile.site / "services").iterdir())
            page.goto(base + url, wait_until="networkidle")
            # fire the events hostile handlers would wait for, on every element of the page
            page.eval_on_selector_all(
                "body *",
                "els => els.forEach(e => ['mouseover', 'focus', 'click', 'load', 'error'].forEach("
                "t => { if (t !== 'click' || e.tagName !== 'A') e.dispatchEvent(new Event(t, {bubbles: true})); }))",
            )
            assert page.evaluate("window.__pwned") is None, url
        browser.close()
    assert visit.dialogs == [] and visit.foreign == []
