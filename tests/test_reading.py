"""Every kind of page read as a person would: at 1280 and 390 px, light and dark, on screen and on paper.

The measurements run in Debian's chromium on the real pages (tests/layout.js): no sideways scrolling,
no text clipped by a box, no word broken inside a table cell, no crushed long cell, chart text of a
readable size, charts at least half the column wide, and on a phone no text starting off-screen.
Screenshots of every page at both widths and in both palettes land in tests/artifacts/screenshots/.
"""

from __future__ import annotations

import re
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest

from browser import SCREENSHOTS, chromium, serve, watch
from conftest import Build

pytestmark = pytest.mark.browser

LAYOUT_JS = (Path(__file__).parent / "layout.js").read_text(encoding="utf-8")
LONG_INCIDENT = "incidents/github-2018-1021/"  # 24 timeline events, 10 action items
PAGES = {
    "home": "",
    "incident": LONG_INCIDENT,
    "catalog": "incidents/",
    "actions": "actions/",
    "patterns": "patterns/",
    "history": "history/",
    "review": "review/",
    "category": "categories/configuration-error/",
    "service": "services/kafka/",
    "guide": "guide/",
    "tags": "tags/",
    "not-found": "404.html",
}
WIDTHS = {"laptop": (1280, 900), "phone": (390, 844)}
# axe's impacts: "minor" findings are advice; everything from "moderate" up is a defect here.
REPORTED = {"critical", "serious", "moderate"}


@pytest.fixture(scope="module")
def base_url(reader_build: Build) -> Iterator[str]:
    with serve(reader_build.site) as url:
        yield url


@pytest.fixture(scope="module")
def browser() -> Iterator[object]:
    with chromium() as instance:
        yield instance


def block_other_hosts(page, base_url: str) -> None:  # type: ignore[no-untyped-def]
    page.route("**/*", lambda route: route.continue_() if route.request.url.startswith(base_url) or route.request.url.startswith("data:") else route.abort())


@pytest.mark.parametrize("scheme", ["light", "dark"])
@pytest.mark.parametrize("width", list(WIDTHS))
def test_every_kind_of_page_reads_well(browser, base_url, width: str, scheme: str) -> None:  # type: ignore[no-untyped-def]
    from axe_playwright_python.sync_playwright import Axe

    w, h = WIDTHS[width]
    context = browser.new_context(viewport={"width": w, "height": h}, color_scheme=scheme, service_workers="block")
    page = context.new_page()
    visit = watch(page, base_url)
    block_other_hosts(page, base_url)
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    axe = Axe()
    problems: dict[str, dict[str, list[str]]] = {}
    try:
        for kind, url in PAGES.items():
            page.goto(base_url + url, wait_until="networkidle")
            assert page.get_attribute("body", "data-md-color-scheme") == ("slate" if scheme == "dark" else "default")
            page.screenshot(path=str(SCREENSHOTS / f"{kind}-{w}-{scheme}.png"), full_page=True)
            found = {rule: items for rule, items in page.evaluate(LAYOUT_JS, width == "laptop").items() if items}
            results = axe.run(page, options={"resultTypes": ["violations"]})
            axe_found = [f"{v['id']} ({v['impact']}): {[n['target'] for n in v['nodes']][:3]}" for v in results.response["violations"] if v["impact"] in REPORTED]
            if axe_found:
                found["axe"] = axe_found
            if found:
                problems[kind] = found
    finally:
        context.close()
    assert problems == {}
    assert visit.foreign == [] and visit.page_errors == [] and visit.console_errors == []


def test_layout_rules_catch_what_they_describe(browser, base_url) -> None:  # type: ignore[no-untyped-def]
    """The measurements can fail: a page broken on purpose is reported by every rule."""
    context = browser.new_context(viewport={"width": 390, "height": 844})
    page = context.new_page()
    page.goto(base_url + LONG_INCIDENT, wait_until="networkidle")
    page.evaluate(
        """() => {
          const article = document.querySelector("article.md-content__inner");
          article.insertAdjacentHTML("beforeend",
            '<div style="width:900px">wide</div><p style="position:relative;left:600px;white-space:nowrap">starts beyond the edge</p>' +
            '<div style="overflow:hidden;width:60px;height:20px;white-space:nowrap">text cut off by its box</div>' +
            '<table><tr><td style="width:40px;word-break:break-all">Unbreakablewordsplitinside</td></tr></table>' +
            '<figure class="pm-chart"><svg viewBox="0 0 1000 100" style="width:100px"><text x="0" y="50" font-size="10">tiny</text></svg></figure>');
        }"""
    )
    found = page.evaluate(LAYOUT_JS, False)
    context.close()
    assert found["sideways"] and any("starts beyond the edge" in o for o in found["offscreen"])
    assert any("text cut off by its box" in c for c in found["clipped"])
    assert any("Unbreakablewordsplitinside" in b for b in found["brokenWords"])
    assert any('"tiny"' in t for t in found["smallSvgText"]) and found["narrowCharts"]


def test_an_incident_prints_completely(browser, base_url, reader_build: Build, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.goto(base_url + LONG_INCIDENT, wait_until="networkidle")
    page.emulate_media(media="print")
    # the print layout at the width of an A4 page's text: nothing wider than the paper, nothing clipped
    page.set_viewport_size({"width": 718, "height": 1000})
    printed = page.evaluate(LAYOUT_JS, True)
    hidden_chrome = page.evaluate(
        "() => ['.md-header', '.md-tabs', '.md-sidebar--primary', '.md-sidebar--secondary', '.md-footer']"
        ".map(s => document.querySelector(s)).filter(Boolean).map(e => getComputedStyle(e).display)"
    )
    pdf = tmp_path / "incident.pdf"
    page.pdf(path=str(pdf), format="A4", print_background=True, margin={"top": "15mm", "bottom": "15mm", "left": "15mm", "right": "15mm"})
    sections = page.eval_on_selector_all("article h2", "hs => hs.map(h => h.textContent.trim())")
    cards = page.eval_on_selector_all("ol.pm-acards > li .pm-acard__text", "ps => ps.map(p => p.textContent.trim())")
    events = page.eval_on_selector_all("ol.pm-tl > li", "ls => ls.map(l => [l.querySelector('time').textContent.trim(), l.querySelector('.pm-tl__text').textContent.trim()])")
    context.close()
    assert {rule: items for rule, items in printed.items() if items} == {}
    assert set(hidden_chrome) == {"none"}  # no navigation, sidebars or footer on paper

    text = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    pages = [_flat(p) for p in text.split("\f")]
    everything = "".join(pages)
    assert len(sections) == 12 and all(_flat(s) in everything for s in sections), sections
    assert _flat("(https://github.blog/news-insights/company-news/oct21-post-incident-analysis/)") in everything  # link targets are printed
    # an action item and a timeline entry are never split across two sheets
    for text_of_card in cards:
        assert any(_flat(text_of_card) in p for p in pages), text_of_card
    for when, what in events:
        assert any(_flat(when) in p and _flat(what[:60]) in p for p in pages), when


def _flat(text: str) -> str:
    """Text as pdftotext gives it back, whitespace and soft hyphenation aside."""
    return re.sub(r"\s+", "", text.replace("\u00ad", ""))
