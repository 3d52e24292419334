"""The sample site in a real browser: offline and error free; catalog and actions filters with their state in
the URL; complete without JavaScript; one search box with facets that finds incidents and pages.

Drives Debian's /usr/bin/chromium through Playwright (never a downloaded browser). How pages look at
both widths is tests/test_reading.py; this file is about what they do.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest

from browser import SCREENSHOTS, chromium, serve, watch
from conftest import Build, mkdocs_build, valid_doc, write_site

pytestmark = pytest.mark.browser

ROWS = "table[data-pm-rows] tbody tr"


@pytest.fixture(scope="module")
def base_url(sample_build: Build) -> Iterator[str]:
    with serve(sample_build.site) as url:
        yield url


@pytest.fixture(scope="module")
def reader_url(reader_build: Build) -> Iterator[str]:
    with serve(reader_build.site) as url:
        yield url


@pytest.fixture(scope="module")
def browser() -> Iterator[object]:
    with chromium() as instance:
        yield instance


def new_page(browser, base: str, **options):  # type: ignore[no-untyped-def]
    context = browser.new_context(viewport={"width": 1280, "height": 900}, service_workers="block", **options)
    pg = context.new_page()
    pg.visit = watch(pg, base)
    # Anything addressed to another host is recorded by watch() and never leaves the machine.
    pg.route("**/*", lambda route: route.continue_() if route.request.url.startswith((base, "data:")) else route.abort())
    return pg


@pytest.fixture
def page(browser, base_url):  # type: ignore[no-untyped-def]
    pg = new_page(browser, base_url)
    yield pg
    pg.context.close()


def ids_shown(pg) -> list[str]:  # type: ignore[no-untyped-def]
    return pg.eval_on_selector_all(f"{ROWS} .pm-col-incident .pm-id", "cs => cs.map(c => c.textContent)")


def query(pg) -> dict[str, list[str]]:  # type: ignore[no-untyped-def]
    return parse_qs(urlsplit(pg.url).query)


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
        "review": "review/",
        "category": f"categories/{first['categories'][0]}/",
        "service": next(p.relative_to(build.site).as_posix() + "/" for p in sorted((build.site / "services").iterdir())),
        "guide": "guide/",
        "tags": "tags/",
        "not-found": "404.html",
    }


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_every_kind_of_page_is_offline_and_error_free(page, base_url, sample_build, scheme) -> None:  # type: ignore[no-untyped-def]
    page.emulate_media(color_scheme=scheme)
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    for kind, url in page_kinds(sample_build).items():
        page.goto(base_url + url, wait_until="networkidle")
        assert page.get_attribute("body", "data-md-color-scheme") == ("slate" if scheme == "dark" else "default")
        assert page.locator(".pm-search-button").count() == 1, kind  # one search box on every page
        page.screenshot(path=str(SCREENSHOTS / f"sample-{kind}-{scheme}.png"))
    visit = page.visit
    assert visit.foreign == []
    assert visit.page_errors == [] and visit.console_errors == []


def test_catalog_filters_live_in_the_url_and_the_back_button_restores_them(page, base_url) -> None:  # type: ignore[no-untyped-def]
    page.goto(base_url + "incidents/", wait_until="networkidle")
    assert ids_shown(page) == ["INC-2024-0620", "INC-2024-0512", "INC-2024-0403", "INC-2024-0315"]
    assert page.locator("form[data-pm-filters], form[data-pm-list]").first.is_visible()
    page.select_option("select[name=severity]", "2")
    page.wait_for_function("document.querySelector('[data-pm-status]').textContent.startsWith('1 incident')")
    assert ids_shown(page) == ["INC-2024-0403"]
    assert query(page) == {"severity": ["2"]}
    assert page.locator("[data-pm-status]").inner_text() == "1 incident of 4 matches."
    page.select_option("select[name=category]", "code-defect")
    page.wait_for_function("document.querySelector('[data-pm-status]').textContent.startsWith('No incidents')")
    assert ids_shown(page) == [] and query(page) == {"severity": ["2"], "category": ["code-defect"]}
    page.go_back()
    page.wait_for_function("document.querySelector('select[name=category]').value === ''")
    assert ids_shown(page) == ["INC-2024-0403"] and query(page) == {"severity": ["2"]}
    page.go_back()
    page.wait_for_function("document.querySelector('select[name=severity]').value === ''")
    assert ids_shown(page) == ["INC-2024-0620", "INC-2024-0512", "INC-2024-0403", "INC-2024-0315"] and query(page) == {}
    page.go_forward()
    page.wait_for_function("document.querySelector('select[name=severity]').value === '2'")
    assert ids_shown(page) == ["INC-2024-0403"]
    page.screenshot(path=str(SCREENSHOTS / "catalog-filtered.png"))
    assert page.visit.console_errors == [] and page.visit.foreign == []


def test_a_shared_catalog_link_opens_filtered_and_sorted(page, base_url) -> None:  # type: ignore[no-untyped-def]
    page.goto(base_url + "incidents/?service=checkout", wait_until="networkidle")
    page.wait_for_function("document.querySelector('[data-pm-status]').textContent.includes('match')")
    assert ids_shown(page) == ["INC-2024-0512"]
    assert page.input_value("select[name=service]") == "checkout"
    page.goto(base_url + "incidents/?sort=oldest&near_miss=no", wait_until="networkidle")
    page.wait_for_function("document.querySelector('[data-pm-status]').textContent.includes('match')")
    assert ids_shown(page) == ["INC-2024-0315", "INC-2024-0403", "INC-2024-0512", "INC-2024-0620"]
    page.fill("input[name=q]", "payment gateway")  # free text over id, title and services
    page.wait_for_function("document.querySelectorAll('table[data-pm-rows] tbody tr').length === 1")
    assert ids_shown(page) == ["INC-2024-0512"] and query(page)["q"] == ["payment gateway"]
    page.click("button[type=reset]")
    page.wait_for_function("location.search === ''")
    assert len(ids_shown(page)) == 4
    # the row a script fills is the row the build wrote: same cells, same links
    row = page.eval_on_selector(ROWS, "r => r.outerHTML")
    assert 'href="../incidents/inc-2024-0620/"' in row or 'href="inc-2024-0620/"' in row


def test_the_data_file_is_loaded_only_when_a_reader_filters(page, base_url) -> None:  # type: ignore[no-untyped-def]
    seen: list[str] = []
    page.on("request", lambda r: seen.append(urlsplit(r.url).path))
    page.goto(base_url + "incidents/", wait_until="networkidle")
    assert "/incidents/catalog.json" not in seen
    assert not any(p.startswith("/sitemap") for p in seen)  # megabytes at 10,000 incidents
    # the search engine loads once the page has loaded and the browser is idle, never before
    page.wait_for_function("performance.getEntriesByType('resource').some(e => e.name.endsWith('/search/pagefind.js'))",
                           timeout=15_000)
    late = page.evaluate("""() => {
      const loaded = performance.getEntriesByType('navigation')[0].loadEventEnd;
      return performance.getEntriesByType('resource').filter(e => new URL(e.name).pathname.startsWith('/search/'))
        .map(e => e.startTime >= loaded);
    }""")
    assert late and all(late)
    page.focus("select[name=severity]")
    page.wait_for_timeout(300)
    assert "/incidents/catalog.json" in seen


def test_open_actions_filter_by_owner_and_when(page, base_url, sample_build) -> None:  # type: ignore[no-untyped-def]
    actions = [a for a in json.loads((sample_build.site / "actions.json").read_text())["actions"] if a["status"] in ("open", "in-progress")]
    owner = actions[0]["owner"]
    mine = sorted(a["id"] + "@" + a["incident"] for a in actions if a["owner"] == owner)
    page.goto(base_url + "actions/", wait_until="networkidle")
    assert page.locator(".pm-stat").count() == 5  # the figures at the top
    page.select_option("select[name=owner]", owner)
    page.wait_for_function("document.querySelector('[data-pm-status]').textContent.includes('match')")
    shown = page.eval_on_selector_all(ROWS, "rs => rs.map(r => r.querySelector('.pm-col-action .pm-id').textContent + '@' + r.querySelector('[data-slot=incident_id]').textContent)")
    assert sorted(shown) == mine and query(page) == {"owner": [owner]}
    page.select_option("select[name=when]", "overdue")
    page.wait_for_function("new URLSearchParams(location.search).get('when') === 'overdue'")
    overdue = sorted(a["id"] + "@" + a["incident"] for a in actions if a["owner"] == owner and a["overdue"])
    shown = page.eval_on_selector_all(ROWS, "rs => rs.map(r => r.querySelector('.pm-col-action .pm-id').textContent + '@' + r.querySelector('[data-slot=incident_id]').textContent)")
    assert sorted(shown) == overdue
    assert all(c == "pm-action--overdue" for c in page.eval_on_selector_all(ROWS, "rs => rs.map(r => r.className)"))
    page.screenshot(path=str(SCREENSHOTS / "actions-filtered.png"), full_page=True)
    assert page.visit.console_errors == []


def test_the_catalog_is_complete_without_javascript(browser, reader_url, reader_build) -> None:  # type: ignore[no-untyped-def]
    total = len(json.loads((reader_build.site / "incidents.json").read_text())["incidents"])
    pg = new_page(browser, reader_url, java_script_enabled=False)
    pg.goto(reader_url + "incidents/")
    assert not pg.locator("form[data-pm-list]").is_visible()  # no filters that could not work
    found: list[str] = []
    pages = pg.eval_on_selector_all(".pm-pager__list a", "as => as.map(a => a.href)")
    assert len(pages) == -(-total // 100) >= 2
    for href in pages:
        pg.goto(href)
        found += ids_shown(pg)
    pg.context.close()
    assert len(found) == total and len(set(found)) == total


def test_the_catalog_pages_through_filtered_results_with_the_page_in_the_url(browser, reader_url, reader_build) -> None:  # type: ignore[no-untyped-def]
    incidents = json.loads((reader_build.site / "incidents.json").read_text())["incidents"]
    pg = new_page(browser, reader_url)
    pg.goto(reader_url + "incidents/", wait_until="networkidle")
    pg.select_option("select[name=sort]", "oldest")
    pg.wait_for_function("document.querySelector('[data-pm-status]').textContent.includes('showing 1 to 100')")
    oldest = sorted(incidents, key=lambda i: (i["started_at"][:10], ))  # by date; the catalog breaks ties newest-first order
    assert ids_shown(pg)[0] == oldest[0]["id"]
    pg.click(".pm-pager a[rel=next]")
    pg.wait_for_function("new URLSearchParams(location.search).get('page') === '2'")
    assert query(pg) == {"sort": ["oldest"], "page": ["2"]}
    assert len(ids_shown(pg)) == len(incidents) - 100
    pg.go_back()
    pg.wait_for_function("!new URLSearchParams(location.search).get('page')")
    assert len(ids_shown(pg)) == 100
    pg.context.close()


def test_search_finds_an_incident_by_a_root_cause_phrase_and_narrows_by_facets(page, base_url, sample_build) -> None:  # type: ignore[no-untyped-def]
    incidents = json.loads((sample_build.site / "incidents.json").read_text())["incidents"]
    target = next(i for i in incidents if i["id"] == "INC-2024-0403")
    words = " ".join(re.findall(r"[A-Za-z]{5,}", target["root_causes"][0]["description"])[:3])
    page.goto(base_url, wait_until="networkidle")
    page.keyboard.press("/")  # the keyboard opens the one search box
    page.wait_for_selector("dialog.pm-search[open]")
    assert page.evaluate("document.activeElement.id") == "pm-search-input"
    page.keyboard.type(words, delay=20)
    # typing runs a search per keystroke: read the list that answers the whole phrase
    page.wait_for_selector(f'.pm-search__results[aria-busy="false"][data-query="{words}"] .pm-search__result a')
    hrefs = page.eval_on_selector_all(".pm-search__result a", "as => as.map(a => a.getAttribute('href'))")
    assert hrefs[0].endswith("/" + target["url"]), (words, hrefs)
    legends = page.eval_on_selector_all(".pm-facet legend", "ls => ls.map(l => l.textContent)")
    assert legends and set(legends) <= {"Severity", "Root cause", "Service", "Year"} and "Severity" in legends
    page.screenshot(path=str(SCREENSHOTS / "search.png"))
    page.keyboard.press("Escape")
    assert not page.locator("dialog.pm-search[open]").count()


def test_search_facets_narrow_to_one_severity(page, base_url) -> None:  # type: ignore[no-untyped-def]
    page.goto(base_url, wait_until="networkidle")
    page.click(".pm-search-button")
    page.fill("#pm-search-input", "customers")
    page.wait_for_selector('.pm-search__results[aria-busy="false"][data-query="customers"] .pm-search__result')
    first_answer = page.get_attribute(".pm-search__results", "data-answer")
    before = len(page.locator(".pm-search__result").all())
    page.locator(".pm-facet", has_text="Severity").locator("label", has_text="SEV2 · Major").click()
    page.wait_for_selector(f'.pm-search__results[aria-busy="false"]:not([data-answer="{first_answer}"])')
    after = page.eval_on_selector_all(".pm-search__facts", "ps => ps.map(p => p.textContent)")
    assert after and len(after) <= before and all(f.endswith("SEV2 · Major") for f in after)


def test_one_search_box_covers_the_hand_written_pages(page, base_url) -> None:  # type: ignore[no-untyped-def]
    page.goto(base_url + "incidents/", wait_until="networkidle")
    page.click(".pm-search-button")
    page.fill("#pm-search-input", "pull request")
    page.wait_for_selector('.pm-search__results[aria-busy="false"][data-query="pull request"] .pm-search__result a')
    hrefs = page.eval_on_selector_all(".pm-search__result a", "as => as.map(a => a.getAttribute('href'))")
    assert any(h.rstrip("/").endswith("/guide") for h in hrefs), hrefs


def test_search_shows_author_text_as_text(browser, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    payload = 'Zebracause <img src=x onerror="window.pmHacked=1"> <script>window.pmHacked=2</script>'
    root = write_site(tmp_path / "kb", {"a.yaml": valid_doc(summary=f"Summary with {payload} inside.")})
    built = mkdocs_build(root)
    assert built.ok, built.log
    with serve(built.site) as url:
        pg = new_page(browser, url)
        pg.goto(url, wait_until="networkidle")
        pg.click(".pm-search-button")
        pg.fill("#pm-search-input", "zebracause")
        pg.wait_for_selector(".pm-search__result")
        pg.wait_for_timeout(300)
        assert pg.evaluate("window.pmHacked === undefined")
        assert pg.locator(".pm-search__result img, .pm-search__result script").count() == 0
        assert pg.visit.dialogs == []
        pg.context.close()
