"""The sample site in a real browser: offline, no console errors, accessible, filters and search work.

Drives Debian's /usr/bin/chromium through Playwright (never a downloaded browser).
Screenshots land in tests/artifacts/screenshots/ for a person to look at.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from pathlib import Path

import pytest

from browser import CHROMIUM, CHROMIUM_ARGS, SCREENSHOTS, serve, watch
from conftest import Build

pytestmark = pytest.mark.browser
playwright_api = pytest.importorskip("playwright.sync_api")


@pytest.fixture(scope="module")
def base_url(sample_build: Build) -> Iterator[str]:
    with serve(sample_build.site) as url:
        yield url


@pytest.fixture(scope="module")
def browser() -> Iterator[object]:
    if not Path(CHROMIUM).exists():
        pytest.fail(f"Debian's chromium is required at {CHROMIUM}: run ./scripts/test, which installs it")
    with playwright_api.sync_playwright() as p:
        instance = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        yield instance
        instance.close()


@pytest.fixture
def page(browser, base_url):  # type: ignore[no-untyped-def]
    context = browser.new_context(viewport={"width": 1280, "height": 900}, service_workers="block")
    pg = context.new_page()
    visit = watch(pg, base_url)
    # Anything addressed to another host is recorded by watch() and never leaves the machine.
    pg.route("**/*", lambda route: route.abort() if not route.request.url.startswith(base_url) and not route.request.url.startswith("data:") else route.continue_())
    pg.visit = visit
    yield pg
    context.close()


def page_kinds(build: Build) -> dict[str, str]:
    """One URL of every kind of page the site has."""
    incidents = json.loads((build.site / "incidents.json").read_text())["incidents"]
    first = incidents[0]
    return {
        "home": "",
        "incident": first["url"],
        "catalog": "incidents/",
        "actions": "actions/",
        "patterns": "patterns/",
        "history": "history/",
        "category": f"categories/{first['categories'][0]}/",
        "service": next(p.relative_to(build.site).as_posix() + "/" for p in sorted((build.site / "services").iterdir())),
        "guide": "guide/",
        "tags": "tags/",
        "not-found": "404.html",
    }


SERIOUS = {"critical", "serious"}


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_every_kind_of_page_is_offline_error_free_and_accessible(page, base_url, sample_build, scheme) -> None:  # type: ignore[no-untyped-def]
    from axe_playwright_python.sync_playwright import Axe

    axe = Axe()
    page.emulate_media(color_scheme=scheme)
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    report: dict[str, object] = {}
    for kind, url in page_kinds(sample_build).items():
        page.goto(base_url + url, wait_until="networkidle")
        expected = "slate" if scheme == "dark" else "default"
        assert page.get_attribute("body", "data-md-color-scheme") == expected
        page.screenshot(path=str(SCREENSHOTS / f"{kind}-{scheme}.png"), full_page=False)
        results = axe.run(page, options={"resultTypes": ["violations"]})
        bad = [(v["id"], v["impact"], [n["target"] for n in v["nodes"]][:3]) for v in results.response["violations"] if v["impact"] in SERIOUS]
        report[kind] = bad
    visit = page.visit
    assert visit.foreign == []
    assert visit.page_errors == [] and visit.console_errors == []
    assert {k: v for k, v in report.items() if v} == {}


def test_catalog_filters_and_sorting(page, base_url) -> None:  # type: ignore[no-untyped-def]
    page.goto(base_url + "incidents/", wait_until="networkidle")
    rows = page.locator("table.pm-catalog tbody tr")
    total = rows.count()
    assert total >= 4
    form = page.locator("form[data-pm-filters]")
    assert form.is_visible()
    severities = page.eval_on_selector_all("table.pm-catalog tbody tr", "rs => rs.map(r => r.dataset.severity)")
    wanted = severities[0]
    page.select_option("select[name=severity]", wanted)
    visible = page.eval_on_selector_all("table.pm-catalog tbody tr:not([hidden])", "rs => rs.map(r => r.dataset.severity)")
    assert visible and set(visible) == {wanted} and len(visible) == severities.count(wanted)
    assert page.locator(".pm-filter-count").inner_text() == f"{len(visible)} of {total} incidents"
    page.click("form[data-pm-filters] button[type=reset]")
    page.wait_for_function(f"document.querySelectorAll('table.pm-catalog tbody tr:not([hidden])').length === {total}")
    page.select_option("select[name=near_miss]", "yes")
    near = page.eval_on_selector_all("table.pm-catalog tbody tr:not([hidden])", "rs => rs.map(r => r.dataset.nearMiss)")
    assert set(near) <= {"yes"}
    page.click("form[data-pm-filters] button[type=reset]")
    page.click("th:nth-child(1) button")  # sort by id, ascending
    ids = page.eval_on_selector_all("table.pm-catalog tbody tr td:first-child", "cs => cs.map(c => c.textContent.trim())")
    assert ids == sorted(ids, key=str.lower)
    page.click("th:nth-child(1) button")
    ids_desc = page.eval_on_selector_all("table.pm-catalog tbody tr td:first-child", "cs => cs.map(c => c.textContent.trim())")
    assert ids_desc == list(reversed(ids))
    page.screenshot(path=str(SCREENSHOTS / "catalog-sorted.png"))
    assert page.visit.console_errors == [] and page.visit.foreign == []


def test_search_finds_an_incident_by_a_root_cause_phrase(page, base_url, sample_build) -> None:  # type: ignore[no-untyped-def]
    incidents = json.loads((sample_build.site / "incidents.json").read_text())["incidents"]
    target = incidents[-1]
    words = " ".join(re.findall(r"[A-Za-z]{5,}", target["root_causes"][0]["description"])[:3])
    page.goto(base_url, wait_until="networkidle")
    page.locator(".md-search__input").click()
    page.keyboard.type(words, delay=20)  # Material listens to key events, not to programmatic fills
    page.wait_for_selector(".md-search-result__item", timeout=10000)
    links = page.eval_on_selector_all(".md-search-result__item a", "as => as.map(a => a.getAttribute('href'))")
    assert any(target["url"] in (href or "") for href in links), (words, links)
    page.screenshot(path=str(SCREENSHOTS / "search.png"))


def test_charts_render_with_text_alternatives(page, base_url) -> None:  # type: ignore[no-untyped-def]
    page.goto(base_url + "history/", wait_until="networkidle")
    charts = page.locator("svg.pm-svg")
    assert charts.count() == 4
    for i in range(charts.count()):
        box = charts.nth(i).bounding_box()
        assert box and box["width"] > 200 and box["height"] > 100
    assert page.locator("svg.pm-svg desc").first.text_content()


def test_actions_page_highlights_overdue_items(page, base_url) -> None:  # type: ignore[no-untyped-def]
    page.goto(base_url + "actions/", wait_until="networkidle")
    assert page.locator(".pm-stat").count() == 5
    page.screenshot(path=str(SCREENSHOTS / "actions-full.png"), full_page=True)
