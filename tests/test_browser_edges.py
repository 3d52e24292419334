"""The pages and scripts on knowledge bases the sample site is not: every empty state, and author values
that trip a script (names of Object.prototype's properties, quotes and backslashes, ten services).

Two corpora, each built once with --strict and the sample's mkdocs.yml (both palettes, tabs):
``empty``: every state with nothing to show (a fishbone branch without factors, no factors at all, nothing
that went well or poorly, no action items, no root cause, no related incident or link, no open action in
the whole knowledge base) and ``odd``: the names and texts that broke the filters, the search and the rows.
Driven in Debian's chromium through Playwright, like tests/test_browser.py.
"""

from __future__ import annotations

import json
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from browser import CHROMIUM, CHROMIUM_ARGS, SCREENSHOTS, serve, watch
from conftest import ROOT, Build, dump, mkdocs_build, valid_doc

pytestmark = pytest.mark.browser
playwright_api = pytest.importorskip("playwright.sync_api")

REPORTED = {"critical", "serious", "moderate"}  # as tests/test_reading.py: "minor" is advice
WIDTHS = {"laptop": (1280, 900), "phone": (390, 844)}
DONE = {"status": "done", "completed_on": "2024-03-21"}


def build_corpus(root: Path, docs: dict[str, dict[str, Any]], *, drafts: bool = False) -> Build:
    """The sample's configuration and hand-written pages with these incidents instead of its own."""
    shutil.copytree(ROOT / "content", root / "content", ignore=shutil.ignore_patterns("incidents"))
    shutil.copytree(ROOT / "theme_overrides", root / "theme_overrides")
    shutil.copy(ROOT / "mkdocs.yml", root / "mkdocs.yml")
    folder = root / "content" / "incidents"
    folder.mkdir()
    for name, doc in docs.items():
        (folder / name).write_text(dump(doc), encoding="utf-8")
    env = {"PMSITE_REFERENCE_DATE": "2024-07-01", **({"PMSITE_PUBLISH_DRAFTS": "1"} if drafts else {})}
    built = mkdocs_build(root, strict=True, env=env)
    assert built.ok, built.log
    return built


def _done_actions() -> list[dict[str, Any]]:
    return [dict(valid_doc()["action_items"][0], **DONE)]


EMPTY_DOCS: dict[str, dict[str, Any]] = {
    # factors in one branch of four; nothing went well or poorly; no teams, tags, links, related, review
    "one-branch.yaml": valid_doc(
        id="INC-E-ONE-BRANCH", title="Queue stalled after a config push", services=["queue"], teams=[], tags=[], links=[],
        went_well=[], went_poorly=[], mitigated_at=None, review_meeting_on=None, action_items=_done_actions(),
        contributing_factors=[{"description": "The config push skipped the canary stage", "category": "process"}],
        root_causes=[dict(valid_doc()["root_causes"][0], category="configuration-error")], checklist_ignore=["PM113"],
    ),
    # no contributing factor at all (the checklist item silenced, so the panel shows a silenced check)
    "no-factors.yaml": valid_doc(
        id="INC-E-NO-FACTORS", title="Cache cold start after a failover", services=["cache"], contributing_factors=[],
        went_well=[], went_poorly=[], action_items=_done_actions(), tags=["failover"], checklist_ignore=["PM105"],
        root_causes=[dict(valid_doc()["root_causes"][0], category="capacity-insufficient")],
    ),
    # a draft, published for a preview: no root cause, no factors, no action items, not resolved
    "draft.yaml": valid_doc(
        id="INC-E-DRAFT", title="Draft: login errors for some users", status="draft", services=["login"], root_causes=[],
        contributing_factors=[], went_well=[], went_poorly=[], action_items=[], resolved_at=None, mitigated_at=None,
        published_on=None, review_meeting_on=None, links=[], tags=["login"],
    ),
}


@pytest.fixture(scope="module")
def empty_build(tmp_path_factory: pytest.TempPathFactory) -> Build:
    return build_corpus(tmp_path_factory.mktemp("empty"), EMPTY_DOCS, drafts=True)


@pytest.fixture(scope="module")
def empty_url(empty_build: Build) -> Iterator[str]:
    with serve(empty_build.site) as url:
        yield url


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    if not Path(CHROMIUM).exists():
        pytest.fail(f"Debian's chromium is required at {CHROMIUM}: run ./scripts/test, which installs it")
    with playwright_api.sync_playwright() as p:
        instance = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        yield instance
        instance.close()


def open_page(browser: Any, base: str, width: str = "laptop", scheme: str = "light") -> Any:
    w, h = WIDTHS[width]
    context = browser.new_context(viewport={"width": w, "height": h}, color_scheme=scheme, service_workers="block")
    pg = context.new_page()
    pg.visit = watch(pg, base)
    pg.route("**/*", lambda route: route.continue_() if route.request.url.startswith((base, "data:")) else route.abort())
    return pg


def axe_findings(pg: Any) -> list[str]:
    from axe_playwright_python.sync_playwright import Axe

    violations = Axe().run(pg, options={"resultTypes": ["violations"]}).response["violations"]
    return [f"{v['id']} ({v['impact']}): {[n['target'] for n in v['nodes']][:3]}" for v in violations if v["impact"] in REPORTED]


# What each page of the empty corpus shows with nothing to show (the texts prove the state is on the page).
EMPTY_PAGES = {
    "incidents/inc-e-one-branch/": ["None recorded.", "No related incidents found."],
    "incidents/inc-e-no-factors/": ["None recorded.", "silenced for this document"],
    "incidents/inc-e-draft/": ["Preview: this post-mortem is draft", "No root cause recorded yet.", "No action items yet."],
    "actions/": ["No open action items."],
    "patterns/": ["None recorded."],
    "services/login/": ["None recorded.", "No contributing factor appears in two or more"],
    "incidents/": [],
    "history/": [],
    "": [],
}


@pytest.mark.parametrize("scheme", ["light", "dark"])
@pytest.mark.parametrize("width", list(WIDTHS))
def test_every_empty_state_passes_axe_in_both_palettes(browser, empty_url, width: str, scheme: str) -> None:  # type: ignore[no-untyped-def]
    pg = open_page(browser, empty_url, width, scheme)
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    found: dict[str, list[str]] = {}
    try:
        for url, texts in EMPTY_PAGES.items():
            pg.goto(empty_url + url, wait_until="networkidle")
            text = pg.inner_text("article")
            assert all(t in text for t in texts), (url, texts)
            pg.screenshot(path=str(SCREENSHOTS / f"empty-{url.strip('/').replace('/', '-') or 'home'}-{WIDTHS[width][0]}-{scheme}.png"), full_page=True)
            if bad := axe_findings(pg):
                found[url] = bad
        # a listing filtered to nothing, and a search that finds nothing (the dialog open)
        pg.goto(empty_url + "incidents/?q=nothing-matches-this", wait_until="networkidle")
        pg.wait_for_function("document.querySelector('[data-pm-status]').textContent.startsWith('No incidents match')")
        if bad := axe_findings(pg):
            found["catalog filtered to nothing"] = bad
        pg.click(".pm-search-button")
        pg.fill("#pm-search-input", "zzyzzyva")
        pg.wait_for_selector('.pm-search__results[aria-busy="false"][data-query="zzyzzyva"]', state="attached")
        assert pg.inner_text(".pm-search__status") == "No results. Try fewer or other words."
        if bad := axe_findings(pg):
            found["search without results"] = bad
        assert pg.visit.foreign == [] and pg.visit.page_errors == [] and pg.visit.console_errors == []
    finally:
        pg.context.close()
    assert found == {}, json.dumps(found, indent=1)
