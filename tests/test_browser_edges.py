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
from urllib.parse import parse_qs, urlencode, urlsplit

import pytest

from browser import SCREENSHOTS, chromium, serve, watch
from conftest import ROOT, Build, dump, mkdocs_build, valid_doc

pytestmark = pytest.mark.browser

REPORTED = {"critical", "serious", "moderate"}  # as tests/test_reading.py: "minor" is advice
ROWS = "table[data-pm-rows] tbody tr"
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


PROTO = ["constructor", "__proto__", "toString", "valueOf", "hasOwnProperty", "isPrototypeOf", "__defineGetter__"]
QUOTED = ['say "hi"', "back\\slash", "100% done", "a\\\"b"]
TEN = ["payments-gateway-eu", "checkout", "ledger", "fraud-scoring", "card-vault", "notifications", "search-api",
       "pricing", "inventory-sync", "mobile-bff"]
CAUSES = [dict(valid_doc()["root_causes"][0], category=c)
          for c in ("code-defect", "configuration-error", "capacity-insufficient", "dependency-failure", "monitoring-gap")]
TEXT = ("Error rate > 5% for `card_payments_enabled` and card_payments_enabled; see "
        "https://status.example.com/?a=1&region=eu&timestamp=now (issue #42, 3 * 4 = 12). "
        "The page showed &lt;mark&gt; and &amp;lt; as text.\n")


def _open_actions(owner: str) -> list[dict[str, Any]]:
    item = dict(valid_doc()["action_items"][0], status="open", owner=owner, due="2024-09-30")
    del item["completed_on"]
    return [item]


ODD_DOCS: dict[str, dict[str, Any]] = {
    "proto.yaml": valid_doc(
        id="INC-O-PROTO", title="Prototype names everywhere", services=PROTO[:4], teams=PROTO[:3], tags=PROTO[1:],
        action_items=_open_actions("toString"), started_at="2024-05-01T10:00:00Z", detected_at="2024-05-01T10:01:00Z",
        mitigated_at="2024-05-01T10:20:00Z", resolved_at="2024-05-01T10:30:00Z", published_on="2024-05-03",
        review_meeting_on="2024-05-02", checklist_ignore=["PM107", "PM111"],
    ),
    "quoted.yaml": valid_doc(id="INC-O-QUOTED", title="Quotes & backslashes <b>in</b> names", services=QUOTED, teams=["ops"], tags=["quotes"],
                             action_items=[dict(_open_actions("Payments on-call")[0], due="2024-04-01", priority="medium")]),
    "crowded.yaml": valid_doc(id="INC-O-CROWDED", title="Ten services down after a shared config rollout", services=TEN,
                              root_causes=CAUSES, teams=["payments"], tags=["rollout"]),
    "text.yaml": valid_doc(id="INC-O-TEXT", title="Card payments disabled by a flag", summary=TEXT, services=["cards"],
                           teams=["cards"], tags=["flags"]),
}


@pytest.fixture(scope="module")
def odd_build(tmp_path_factory: pytest.TempPathFactory) -> Build:
    return build_corpus(tmp_path_factory.mktemp("odd"), ODD_DOCS)


@pytest.fixture(scope="module")
def odd_url(odd_build: Build) -> Iterator[str]:
    with serve(odd_build.site) as url:
        yield url


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    with chromium() as instance:
        yield instance


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
            if url == "patterns/":  # a heading capitalised at its start only (was "People: 0 Factors In 0 Incidents")
                assert pg.eval_on_selector_all(".pm-factor-branch h3", "hs => hs.map(h => h.innerText)") == [
                    "People: 0 factors in 0 incidents", "Process: 1 factor in 1 incident",
                    "Technology: 0 factors in 0 incidents", "Environment: 0 factors in 0 incidents"]
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


# --- item 5 of issue 24: a row of ten services stays a row ------------------------------------------------

LAYOUT_JS = (Path(__file__).parent / "layout.js").read_text(encoding="utf-8")


def crowded_cells(pg: Any) -> dict[str, Any]:
    """The causes and services cells of INC-O-CROWDED's row: names shown, the "+N more" link, lines of text."""
    return pg.evaluate(
        """() => {
          const row = Array.from(document.querySelectorAll("table.pm-catalog tbody tr"))
            .find(r => r.querySelector(".pm-id").textContent === "INC-O-CROWDED");
          const lines = (cell) => {
            const range = document.createRange();
            const tops = new Set();
            const walker = document.createTreeWalker(cell, NodeFilter.SHOW_TEXT);
            for (let n = walker.nextNode(); n; n = walker.nextNode()) {
              if (n.parentElement.closest(".pm-visually-hidden")) continue;
              range.selectNodeContents(n);
              for (const r of range.getClientRects()) if (r.width > 0) tops.add(Math.round(r.top));
            }
            return tops.size;
          };
          const cell = (name) => {
            const c = row.querySelector(".pm-col-" + name);
            const more = c.querySelector("a.pm-more");
            return { names: Array.from(c.querySelectorAll("a:not(.pm-more)")).map(a => [a.textContent, new URL(a.href).pathname]),
                     more: more && [more.textContent, new URL(more.href).pathname + new URL(more.href).hash], lines: lines(c) };
          };
          return { causes: cell("causes"), services: cell("services"), title: lines(row.querySelector(".pm-col-incident")),
                   box: [document.querySelector(".pm-listing-box").scrollWidth, document.querySelector(".pm-listing-box").clientWidth] };
        }"""
    )


CROWDED_PAGES = ["incidents/", "categories/code-defect/", "services/checkout/", "incidents/?q=ten+services"]


@pytest.mark.parametrize(("width", "scheme"), [("laptop", "light"), ("phone", "dark")])
def test_a_row_of_ten_services_stays_a_row(browser, odd_url, width: str, scheme: str) -> None:  # type: ignore[no-untyped-def]
    """Static rows (catalog, category, service page) and rows the filter script renders from the catalog's JSON
    alike: the first two names and "+N more" to the incident page, at most four lines at 1280 px, two at 390;
    nothing for axe to report."""
    pg = open_page(browser, odd_url, width, scheme)
    most = {"laptop": 4, "phone": 2}[width]
    try:
        for url in CROWDED_PAGES:
            pg.goto(odd_url + url, wait_until="networkidle")
            if "?" in url:
                pg.wait_for_function("document.querySelector('[data-pm-status]').textContent === '1 incident of 4 matches.'")
            found = crowded_cells(pg)
            assert found["services"]["names"] == [["payments-gateway-eu", "/services/payments-gateway-eu/"], ["checkout", "/services/checkout/"]]
            assert found["services"]["more"] == ["+8 more services", "/incidents/inc-o-crowded/#details"]
            assert found["causes"]["names"] == [["capacity-insufficient", "/categories/capacity-insufficient/"], ["code-defect", "/categories/code-defect/"]]
            assert found["causes"]["more"] == ["+3 more root causes", "/incidents/inc-o-crowded/#root-causes"]
            assert found["services"]["lines"] <= most and found["causes"]["lines"] <= most, (url, found)
            assert found["box"][0] <= found["box"][1], (url, found)  # the table stays in its column
            assert {k: v for k, v in pg.evaluate(LAYOUT_JS, width == "laptop").items() if v} == {}, url
            assert axe_findings(pg) == [], url
            # ids in a run of ids are never split at a hyphen (the recurring factors of a category or service page)
            assert pg.eval_on_selector_all(".pm-recurring a", "as => as.filter(a => a.getClientRects().length > 1).map(a => a.textContent)") == []
            pg.screenshot(path=str(SCREENSHOTS / f"crowded-{url.strip('/').split('/')[0].split('?')[0]}-{WIDTHS[width][0]}-{scheme}.png"), full_page=True)
        # three names are shown whole; the incident page and the filters name all ten
        pg.goto(odd_url + "incidents/", wait_until="networkidle")
        quoted = pg.eval_on_selector_all(f"{ROWS} .pm-col-services", "cs => cs.map(c => c.textContent)")
        assert quoted == ["constructor, __proto__ +2 more services", "payments-gateway-eu, checkout +8 more services",
                          'say "hi", back\\slash +2 more services', "cards"]
        options = pg.eval_on_selector_all("select[name=service] option", "os => os.map(o => o.value)")
        assert set(TEN) <= set(options)
        pg.goto(odd_url + "incidents/inc-o-crowded/", wait_until="networkidle")
        assert pg.eval_on_selector_all(".pm-facts a.pm-chip", "as => as.map(a => a.textContent)") == TEN
        assert pg.visit.page_errors == [] and pg.visit.console_errors == []
    finally:
        pg.context.close()


@pytest.mark.parametrize("width", [800, 920, 1160])
def test_listings_fit_a_window_between_phone_and_laptop(browser, odd_url, width: int) -> None:  # type: ignore[no-untyped-def]
    """A laptop at 125 % zoom (1024 px) or a half-screen window: the seven columns wrap or become cards, the
    page never scrolls sideways and no table runs under the table of contents."""
    context = browser.new_context(viewport={"width": width, "height": 900})
    pg = context.new_page()
    try:
        for url in ["incidents/", "actions/", "categories/code-defect/", "services/checkout/"]:
            pg.goto(odd_url + url, wait_until="networkidle")
            box = pg.eval_on_selector(".pm-listing-box", "b => [b.scrollWidth, b.clientWidth]")
            assert box[0] <= box[1], (url, box)
            assert {k: v for k, v in pg.evaluate(LAYOUT_JS, True).items() if v} == {}, url
    finally:
        context.close()


# --- item 7 of issue 24: values named like Object.prototype's properties; a link to a value gone ----------


def wait_status(pg: Any, text: str) -> None:
    pg.wait_for_function("t => document.querySelector('[data-pm-status]').textContent === t", arg=text)


def ids_shown(pg: Any) -> list[str]:
    return pg.eval_on_selector_all(f"{ROWS} .pm-col-incident .pm-id, {ROWS} [data-slot=incident_id]", "cs => cs.map(c => c.textContent)")


def test_prototype_names_filter_like_any_other_name(browser, odd_url) -> None:  # type: ignore[no-untyped-def]
    pg = open_page(browser, odd_url)
    try:
        # catalog: services, teams and tags named like Object.prototype's properties, from a shared link
        for field, value in [("service", "constructor"), ("service", "__proto__"), ("service", "toString"), ("service", "valueOf"),
                             ("team", "constructor"), ("team", "__proto__"), ("tag", "hasOwnProperty"), ("tag", "__defineGetter__"),
                             ("tag", "isPrototypeOf"), ("service", 'say "hi"'), ("service", "back\\slash")]:
            pg.goto(odd_url + "incidents/?" + urlencode({field: value}), wait_until="networkidle")
            wait_status(pg, "1 incident of 4 matches.")
            assert ids_shown(pg) == (["INC-O-QUOTED"] if field == "service" and value in QUOTED else ["INC-O-PROTO"]), (field, value)
            assert pg.input_value(f"select[name={field}]") == value
        # a sort value that is a property name: the list in its first order, never "could not load their data"
        for value in ["__proto__", "constructor", "toString", "valueOf", "hasOwnProperty"]:
            pg.goto(odd_url + "incidents/?" + urlencode({"sort": value}), wait_until="networkidle")
            wait_status(pg, f"4 incidents of 4 match. Not found in this list: Sort by \u201c{value}\u201d.")
            assert ids_shown(pg) == ["INC-O-PROTO", "INC-O-CROWDED", "INC-O-QUOTED", "INC-O-TEXT"]
        # chosen in the form
        pg.goto(odd_url + "incidents/", wait_until="networkidle")
        pg.select_option("select[name=tag]", "__proto__")
        wait_status(pg, "1 incident of 4 matches.")
        assert ids_shown(pg) == ["INC-O-PROTO"] and parse_qs(urlsplit(pg.url).query) == {"tag": ["__proto__"]}
        # open actions: owner and team
        for field, value in [("owner", "toString"), ("team", "__proto__"), ("team", "constructor")]:
            pg.goto(odd_url + "actions/?" + urlencode({field: value}), wait_until="networkidle")
            wait_status(pg, "1 open action item of 2 matches.")
            assert ids_shown(pg) == ["INC-O-PROTO"]
        assert pg.visit.page_errors == [] and pg.visit.console_errors == []
    finally:
        pg.context.close()


def open_search(pg: Any, url: str, term: str) -> None:
    pg.goto(url, wait_until="networkidle")
    pg.click(".pm-search-button")
    pg.fill("#pm-search-input", term)
    pg.wait_for_selector(f'.pm-search__results[aria-busy="false"][data-query="{term}"] .pm-search__result')


def facet(pg: Any, legend: str) -> list[tuple[str, bool]]:
    """A facet's values as shown (label text without the count) and whether each is checked."""
    return [tuple(v) for v in pg.evaluate(
        """legend => Array.from(document.querySelectorAll(".pm-facet")).filter(f => f.querySelector("legend").textContent === legend)
             .flatMap(f => Array.from(f.querySelectorAll("li"))).map(li => [li.querySelector("label").firstChild.nodeValue.trim(), li.querySelector("input").checked])""",
        legend)]


def choose(pg: Any, legend: str, value: str) -> None:
    """Tick a facet's value as a reader does (a click on its label), and wait for the search that answers."""
    answer = pg.get_attribute(".pm-search__results", "data-answer")
    labels = pg.locator(".pm-facet", has=pg.locator("legend", has_text=legend)).locator("label")
    index = [t.rsplit(" ", 1)[0] for t in labels.all_text_contents()].index(value)
    labels.nth(index).click()
    pg.wait_for_selector(f'.pm-search__results[aria-busy="false"]:not([data-answer="{answer}"])', state="attached")


def results(pg: Any) -> list[str]:
    return pg.eval_on_selector_all(".pm-search__result a", "as => as.map(a => a.textContent)")


def test_search_facets_take_any_author_value(browser, odd_url) -> None:  # type: ignore[no-untyped-def]
    """Prototype names are not pre-checked and filter; quotes, backslashes and '%' filter and read as written."""
    pg = open_page(browser, odd_url)
    try:
        open_search(pg, odd_url, "everywhere")
        assert "Prototype names everywhere" in results(pg)  # and the tags page, which lists its title
        assert sorted(facet(pg, "Service")) == [("__proto__", False), ("constructor", False), ("toString", False), ("valueOf", False)]
        for value in ["__proto__", "constructor", "toString", "valueOf"]:  # each alone: ticked, then unticked
            choose(pg, "Service", value)
            assert results(pg) == ["Prototype names everywhere"], value
            assert [v for v, ticked in facet(pg, "Service") if ticked] == [value]
            choose(pg, "Service", value)
            assert not any(ticked for _, ticked in facet(pg, "Service"))
        open_search(pg, odd_url, "backslashes")
        assert "Quotes & backslashes <b>in</b> names" in results(pg)
        assert sorted(facet(pg, "Service")) == [("100% done", False), ('a\\"b', False), ("back\\slash", False), ('say "hi"', False)]
        assert axe_findings(pg) == []
        for value in QUOTED:
            choose(pg, "Service", value)
            assert results(pg) == ["Quotes & backslashes <b>in</b> names"], value
            assert pg.inner_text(".pm-search__status") == "1 result", value
            choose(pg, "Service", value)
        # a facet alone, without words
        choose(pg, "Service", 'a\\"b')
        pg.fill("#pm-search-input", "")
        pg.wait_for_selector('.pm-search__results[aria-busy="false"][data-query=""] .pm-search__result')
        assert results(pg) == ["Quotes & backslashes <b>in</b> names"]
        assert pg.visit.page_errors == [] and pg.visit.console_errors == []
    finally:
        pg.context.close()


def test_a_shared_link_to_a_value_that_is_gone_says_so(browser, odd_url) -> None:  # type: ignore[no-untyped-def]
    """A renamed service in a shared link: the select shows it, marked not found, and the list is empty, as
    the status says; choosing another value drops it. An unknown sort keeps the first order."""
    pg = open_page(browser, odd_url)
    try:
        pg.goto(odd_url + "incidents/?service=old-name", wait_until="networkidle")
        wait_status(pg, "No incidents match these filters. Not found in this list: Service \u201cold-name\u201d.")
        assert ids_shown(pg) == []
        assert pg.input_value("select[name=service]") == "old-name"
        assert pg.eval_on_selector("select[name=service]", "s => s.selectedOptions[0].textContent") == "old-name (not found)"
        assert axe_findings(pg) == []
        pg.select_option("select[name=service]", "checkout")
        wait_status(pg, "1 incident of 4 matches.")
        assert pg.locator("select[name=service] option[data-pm-missing]").count() == 0
        assert parse_qs(urlsplit(pg.url).query) == {"service": ["checkout"]}
        pg.go_back()
        wait_status(pg, "No incidents match these filters. Not found in this list: Service \u201cold-name\u201d.")
        assert pg.input_value("select[name=service]") == "old-name" and ids_shown(pg) == []
        # values that no select offers, whatever the field; with a known one beside them
        for query, status in [
            ({"near_miss": "maybe"}, "No incidents match these filters. Not found in this list: Near miss \u201cmaybe\u201d."),
            ({"actions": "some"}, "No incidents match these filters. Not found in this list: Action items \u201csome\u201d."),
            ({"service": "checkout", "year": "1999"}, "No incidents match these filters. Not found in this list: Year \u201c1999\u201d."),
            ({"severity": "9", "sort": "newest"}, "No incidents match these filters. Not found in this list: Severity \u201c9\u201d, Sort by \u201cnewest\u201d."),
        ]:
            pg.goto(odd_url + "incidents/?" + urlencode(query), wait_until="networkidle")
            wait_status(pg, status)
            assert ids_shown(pg) == [], query
            assert {name: pg.input_value(f"select[name={name}]") for name in query} == query
        pg.click("button[type=reset]")
        pg.wait_for_function("location.search === ''")
        assert pg.locator("option[data-pm-missing]").count() == 0 and len(ids_shown(pg)) == 4
        pg.goto(odd_url + "actions/?owner=Former+owner", wait_until="networkidle")
        wait_status(pg, "No open action items match these filters. Not found in this list: Owner \u201cFormer owner\u201d.")
        assert pg.input_value("select[name=owner]") == "Former owner" and ids_shown(pg) == []
        assert pg.visit.page_errors == [] and pg.visit.console_errors == []
    finally:
        pg.context.close()


def test_search_indexes_and_shows_the_text_the_page_shows(browser, odd_url) -> None:  # type: ignore[no-untyped-def]
    """'>', '_', '#', '*' and backticks are words of the index as on the page, and an excerpt shows author text
    as written: '&region' is not the entity '®', an author's '&lt;' is not '<', and only matches are marked."""
    pg = open_page(browser, odd_url)
    try:
        page_text = pg.goto(odd_url + "incidents/inc-o-text/", wait_until="networkidle") and pg.inner_text(".pm-summary")
        assert page_text == ("Error rate > 5% for card_payments_enabled and card_payments_enabled; see "
                             "https://status.example.com/?a=1&region=eu&timestamp=now (issue #42, 3 * 4 = 12). "
                             "The page showed <mark> and &lt; as text.")
        head = "Card payments disabled by a flag. Error rate > 5% for card_payments_enabled and card_payments_enabled; see "
        url = "https://status.example.com/?a=1&region=eu&timestamp=now"
        for term, excerpt, marked in [
            ("card_payments_enabled", head + url + " (issue #42, 3 * 4 = 12). The", ["card_payments_enabled", "card_payments_enabled;"]),
            ("region", head + url + " (issue #42, 3 * 4 = 12). The", [url]),
            ("rate > 5%", head + url + " (issue #42, 3 * 4 = 12). The", ["rate", "5%"]),
            ("mark", "see " + url + " (issue #42, 3 * 4 = 12). The page showed <mark> and &lt; as text. Root cause (code-defect): "
                     "The migration added a", ["<mark>"]),
        ]:
            open_search(pg, odd_url, term)
            item = pg.locator(".pm-search__result", has=pg.locator("a", has_text="Card payments disabled by a flag"))
            assert item.locator(".pm-search__excerpt").text_content() == excerpt, term
            assert item.locator(".pm-search__excerpt mark").all_text_contents() == marked, term
            pg.keyboard.press("Escape")
        assert pg.visit.page_errors == [] and pg.visit.console_errors == []
    finally:
        pg.context.close()


def test_the_overflowing_cell_rule_catches_what_it_describes(browser, odd_url) -> None:  # type: ignore[no-untyped-def]
    """tests/layout.js's rule for content wider than its cell (an "overdue by N days" badge that could not wrap
    ran under the next column of open actions at 1280 px) reports a cell broken on purpose, and only it."""
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    pg = context.new_page()
    try:
        pg.goto(odd_url + "actions/", wait_until="networkidle")
        assert pg.evaluate(LAYOUT_JS, True)["overflowingCells"] == []
        pg.evaluate("""() => document.querySelector("article.md-content__inner").insertAdjacentHTML("beforeend",
            '<table><tr><td style="width:40px;max-width:40px"><span style="white-space:nowrap">badge too wide</span></td></tr></table>')""")
        found = pg.evaluate(LAYOUT_JS, True)["overflowingCells"]
        assert len(found) == 1 and found[0].endswith('td "badge too wide"'), found
    finally:
        context.close()
