"""The same knowledge base with three builders: MkDocs, ProperDocs (the plugin) and Zensical (``pmsite generate``).

The sample site is built once per builder; the checks the MkDocs suites make are run
again on the ProperDocs and Zensical sites (imported from those suites, not copied),
and every generated page, data file, title, tag, table of contents and edit link is
compared with the MkDocs site, which ``sample_build`` (conftest) builds.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest
import test_browser
import test_reading
import test_sample
import test_validity
from bs4 import BeautifulSoup
from test_browser import browser, page  # noqa: F401 - the browser suite's fixtures, on this module's base_url

from browser import serve
from conftest import ROOT, Build, mkdocs_build, valid_doc, write_site
from values import expected_texts, load_yaml

BIN = Path(sys.executable).parent
BUILDERS = ["properdocs", "zensical"]  # MkDocs: conftest's sample_build and the other suites
ENV = {"PMSITE_REFERENCE_DATE": "2024-07-01"}
INCIDENT = "incidents/inc-2024-0315/"
SOURCE = "https://git.example.com/reliability/postmortems/edit/main/content/incidents/2024-03-15-mobile-api-outage.yaml"
# every page the engine generates for the sample: 4 incidents, 6 root-cause categories, 11 services and 4 views
GENERATED = sorted(
    [f"incidents/inc-2024-{n}/" for n in ("0315", "0403", "0512", "0620")]
    + [f"categories/{c}/" for c in ("capacity-insufficient", "code-defect", "dependency-failure", "design-flaw", "monitoring-gap", "process-gap")]
    + [f"services/{s}/" for s in ("background-jobs", "billing", "card-processor", "checkout", "lending-pool", "liquidation-manager",
                                  "mobile-api", "notifications", "oracle-adapter", "orders-db", "payment-gateway")]
    + ["incidents/", "actions/", "patterns/", "history/"]
)
DATA = ["incidents.json", "actions.json", "actions.ics", "feed.xml", "incidents/catalog.json", "actions/open.json",
        "assets/pmsite/pmsite.css", "assets/pmsite/pmsite.js"]


def run(cmd: list[str], cwd: Path, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    full = dict(os.environ, NO_MKDOCS_2_WARNING="1", **(env or {}))
    return subprocess.run(cmd, cwd=cwd, capture_output=True, text=True, env=full, timeout=600)


def builder_build(builder: str, root: Path, *, env: dict[str, str] | None = None) -> Build:
    """A strict build as a user runs it: ``properdocs build --strict``, ``pmsite build --with zensical --strict``."""
    if builder == "mkdocs":
        return mkdocs_build(root, env=env)
    if builder == "properdocs":
        cmd = [str(BIN / "properdocs"), "build", "--clean", "--strict", "-f", "mkdocs.yml"]
    else:
        cmd = [str(BIN / "pmsite"), "build", "--with", builder, "--strict"]
    proc = run(cmd, root, env)
    return Build(proc.returncode == 0, proc.stdout + proc.stderr, root / "site", root)


def copy_sample(root: Path) -> Path:
    shutil.copytree(ROOT / "content", root / "content")
    shutil.copytree(ROOT / "theme_overrides", root / "theme_overrides")
    shutil.copy(ROOT / "mkdocs.yml", root / "mkdocs.yml")
    return root


@pytest.fixture(scope="session")
def properdocs_sample(tmp_path_factory: pytest.TempPathFactory) -> Build:
    result = builder_build("properdocs", copy_sample(tmp_path_factory.mktemp("properdocs")), env=ENV)
    assert result.ok, result.log
    return result


@pytest.fixture(scope="session")
def zensical_sample(tmp_path_factory: pytest.TempPathFactory) -> Build:
    result = builder_build("zensical", copy_sample(tmp_path_factory.mktemp("zensical")), env=ENV)
    assert result.ok, result.log
    return result


@pytest.fixture(params=BUILDERS)
def built(request: pytest.FixtureRequest) -> Build:
    result: Build = request.getfixturevalue(f"{request.param}_sample")
    return result


def soup(build: Build, url: str) -> BeautifulSoup:
    return BeautifulSoup(build.page(url), "lxml")


def engine_html(build: Build, url: str) -> str:
    """The engine's part of a generated page: the first pmsite element of the article."""
    article = soup(build, url).select_one("article")
    assert article is not None, url
    found = article.find(class_=lambda c: bool(c) and c.startswith("pm-"), recursive=False)
    assert found is not None, url
    return str(found)


# --- the builds ------------------------------------------------------------------------------------


def test_each_builder_builds_the_sample_strictly_with_the_search_index(built: Build) -> None:
    assert "pmsite: Search index: 4 incidents and 3 pages" in built.log
    assert "Traceback" not in built.log
    entry = json.loads((built.site / "search" / "pagefind-entry.json").read_text())
    assert entry["languages"]["en"]["page_count"] == 7  # the 4 incidents and the 3 hand-written pages


def test_properdocs_runs_the_pmsite_plugin_and_material(properdocs_sample: Build) -> None:
    generator = soup(properdocs_sample, "").select_one('meta[name="generator"]')
    assert generator is not None and generator["content"] == "mkdocs-ProperDocs 1.6.7, mkdocs-material-9.8.2"


def test_zensical_builds_the_generated_folder(zensical_sample: Build) -> None:
    generator = soup(zensical_sample, "").select_one('meta[name="generator"]')
    assert generator is not None and generator["content"] == "zensical-0.0.73"
    out = zensical_sample.root / "build" / "pmsite"
    assert (out / ".pmsite-generated").is_file() and not (out / "site").exists()  # the site moved to site_dir
    assert not list((out / "docs").rglob("*.yaml"))  # sources never reach the builder
    assert not (zensical_sample.site / "search.json").exists()  # Zensical's own (turned off) search index


# --- what the MkDocs suites check, on every builder -------------------------------------------------


@pytest.mark.parametrize("path", test_sample.SAMPLES, ids=[p.stem for p in test_sample.SAMPLES])
def test_every_field_of_every_sample_document_is_on_its_page(built: Build, path: Path) -> None:
    test_sample.test_every_field_of_every_sample_document_is_on_its_page(built, path)


def test_index_pages_navigation_and_home_links(built: Build) -> None:
    test_sample.test_sample_site_pages_and_links(built)
    headings = {url: soup(built, url).select_one("article h1").get_text(" ", strip=True) for url in ("incidents/", "actions/", "patterns/", "history/")}
    assert headings == {"incidents/": "Incident catalog", "actions/": "Open action items", "patterns/": "Recurring patterns", "history/": "Severity history"}


def test_author_guide_tables_are_generated(built: Build) -> None:
    test_sample.test_author_guide_and_model_never_disagree(built)
    assert "<!-- pmsite:" not in built.page("guide/")


def test_every_internal_link_and_anchor_resolves(built: Build) -> None:
    test_validity.test_every_internal_link_and_anchor_resolves(built)


def test_no_page_loads_anything_from_another_host(built: Build) -> None:
    test_sample.test_no_page_loads_anything_from_another_host(built)


# Outside the content authors wrote, only these hosts appear in any attribute: the site itself
# (canonical links), the repository mkdocs.yml names, and the theme's credit in the footer.
THEME_CREDIT = {"mkdocs": "squidfunk.github.io", "properdocs": "squidfunk.github.io", "zensical": "zensical.org"}


def outside_hosts(build: Build) -> set[str]:
    hosts: set[str] = set()
    for path in build.site.rglob("*.html"):
        page_soup = BeautifulSoup(path.read_text(), "lxml")
        for article in page_soup.select("article"):
            article.decompose()
        for el in page_soup.find_all(True):
            for name, value in el.attrs.items():
                if name.startswith("xmlns"):  # a namespace name, never fetched
                    continue
                for item in value if isinstance(value, list) else [value]:
                    if str(item).startswith(("http:", "https:", "//")):
                        hosts.add(urlsplit(str(item)).netloc)
    return hosts


@pytest.mark.parametrize("builder", ["mkdocs", *BUILDERS])
def test_outside_the_content_no_attribute_names_another_host(builder: str, request: pytest.FixtureRequest) -> None:
    build = request.getfixturevalue("sample_build" if builder == "mkdocs" else f"{builder}_sample")
    assert outside_hosts(build) == {"127.0.0.1:8000", "git.example.com", THEME_CREDIT[builder]}


# --- the same site as MkDocs --------------------------------------------------------------------------


def site_files(build: Build) -> set[str]:
    """Every file of the site but the theme's assets and the search index's hashed chunks."""
    return {
        p.relative_to(build.site).as_posix()
        for p in build.site.rglob("*")
        if p.is_file() and not p.relative_to(build.site).as_posix().startswith(("assets/javascripts/", "assets/stylesheets/", "search/"))
    }


def test_the_same_pages_and_files_as_mkdocs(built: Build, sample_build: Build) -> None:
    mine, theirs = site_files(built), site_files(sample_build)
    if built.root.name.startswith("properdocs"):
        assert (theirs - mine, mine - theirs) == (set(), set())
    else:  # Material's tags plugin exports tags.json and MkDocs gzips the sitemap; Zensical's look needs one fix
        assert (theirs - mine, mine - theirs) == ({"sitemap.xml.gz", "tags.json"}, {"assets/pmsite/zensical.css"})
    assert len([f for f in mine if f.endswith(".html")]) == 30  # 26 generated pages, 3 hand-written, 404


@pytest.mark.parametrize("url", GENERATED)
def test_generated_pages_hold_the_same_engine_html(built: Build, sample_build: Build, url: str) -> None:
    assert engine_html(built, url) == engine_html(sample_build, url)


def test_titles_tags_tables_of_contents_and_sidebars_match_mkdocs(built: Build, sample_build: Build) -> None:
    def facts(build: Build, url: str) -> dict[str, Any]:
        s = soup(build, url)
        return {
            "title": s.title.get_text(),
            "tags": sorted(t.get_text(strip=True) for t in s.select(".md-tags .md-tag")),
            "toc": [a.get_text(" ", strip=True) for a in s.select("nav.md-nav--secondary a")],
            "hidden": [d.get("data-md-type") for d in s.select("div.md-sidebar[hidden]")],
            "description": (s.select_one('meta[name="description"]') or {}).get("content"),
        }

    for url in GENERATED:
        assert facts(built, url) == facts(sample_build, url), url
    incident = facts(built, INCIDENT)
    assert incident["title"] == "INC-2024-0315: Mobile API outage after the v2.8.0 migration - Post-mortem knowledge base"
    assert incident["tags"] == ["database-migration", "deployment", "rollback"]
    assert incident["toc"][:4] == ["Summary", "Details", "Impact", "SLO violations"] and len(incident["toc"]) == 20
    assert incident["hidden"] == ["navigation"]
    assert facts(built, "incidents/")["hidden"] == ["navigation", "toc"]


def test_edit_links_lead_to_the_post_mortem_source(built: Build) -> None:
    page_soup = soup(built, INCIDENT)
    assert page_soup.select_one(".pm-edit a")["href"] == SOURCE
    assert [a["href"] for a in page_soup.select("a.md-content__button")] == [SOURCE]
    assert soup(built, "incidents/").select("a.md-content__button") == []  # a view has no source to edit
    guide = [a["href"] for a in soup(built, "guide/").select("a.md-content__button")]
    assert guide == ["https://git.example.com/reliability/postmortems/edit/main/content/guide.md"]


def test_data_files_are_those_of_mkdocs(built: Build, sample_build: Build) -> None:
    for name in DATA:
        assert (built.site / name).read_bytes() == (sample_build.site / name).read_bytes(), name


def test_every_page_head_names_the_search_and_no_alternate(built: Build) -> None:
    missing = []
    for path in sorted(built.site.rglob("*.html")):
        rel = path.relative_to(built.site).as_posix()
        if rel.startswith("search/"):
            continue
        head = BeautifulSoup(path.read_text(), "lxml").head
        depth = 0 if rel == "404.html" else rel.count("/")
        meta = head.select_one('meta[name="pmsite:search"]')
        alternates = head.select('link[rel="alternate"]')  # Material would download sitemap.xml for each
        if meta is None or meta["content"] != "../" * depth + "search/" or alternates:
            missing.append(rel)
    assert missing == []


# --- in a browser ---------------------------------------------------------------------------------------


@pytest.fixture(scope="module", params=BUILDERS)
def served(request: pytest.FixtureRequest) -> Build:
    build: Build = request.getfixturevalue(f"{request.param}_sample")
    return build


@pytest.fixture(scope="module")
def base_url(served: Build) -> Iterator[str]:
    with serve(served.site) as url:
        yield url


@pytest.fixture
def shots(served: Build, monkeypatch: pytest.MonkeyPatch) -> None:
    """The browser suite's screenshots of these sites in a folder per builder, beside MkDocs' own."""
    monkeypatch.setattr(test_browser, "SCREENSHOTS", test_browser.SCREENSHOTS / served.root.name.rstrip("0123456789"))


@pytest.mark.browser
@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_every_kind_of_page_is_offline_and_error_free(page, base_url, served, shots, scheme) -> None:  # type: ignore[no-untyped-def]  # noqa: F811
    test_browser.test_every_kind_of_page_is_offline_and_error_free(page, base_url, served, scheme)


@pytest.mark.browser
@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_axe_finds_nothing_on_any_kind_of_page(page, base_url, served, scheme) -> None:  # type: ignore[no-untyped-def]  # noqa: F811
    from axe_playwright_python.sync_playwright import Axe

    axe = Axe()
    page.emulate_media(color_scheme=scheme)
    found = {}
    for kind, url in test_browser.page_kinds(served).items():
        page.goto(base_url + url, wait_until="networkidle")
        violations = axe.run(page, options={"resultTypes": ["violations"]}).response["violations"]
        bad = [f"{v['id']} ({v['impact']}): {[n['target'] for n in v['nodes']][:3]}" for v in violations if v["impact"] in test_reading.REPORTED]
        if bad:
            found[kind] = bad
    assert found == {}


@pytest.mark.browser
def test_search_finds_incidents_and_hand_written_pages(page, base_url, served, shots) -> None:  # type: ignore[no-untyped-def]  # noqa: F811
    test_browser.test_search_finds_an_incident_by_a_root_cause_phrase_and_narrows_by_facets(page, base_url, served)
    test_browser.test_one_search_box_covers_the_hand_written_pages(page, base_url)


@pytest.mark.browser
def test_catalog_and_open_actions_filters(page, base_url, served) -> None:  # type: ignore[no-untyped-def]  # noqa: F811
    test_browser.test_catalog_filters_live_in_the_url_and_the_back_button_restores_them(page, base_url)
    test_browser.test_open_actions_filter_by_owner_and_when(page, base_url, served)


# --- generate: the same checks and messages as the plugin -------------------------------------------------


def test_errors_stop_generate_and_build_with_the_plugins_messages(tmp_path: Path) -> None:
    root = write_site(tmp_path / "kb", {"a.yaml": valid_doc(severity=9), "b.yaml": valid_doc(id="INC-2", detection="psychic")})
    expected = [
        "ERROR   -  pmsite: content/incidents/a.yaml:4:11: severity: expected a severity level (1, 2, 3, 4), got 9",
        "ERROR   -  pmsite: content/incidents/b.yaml:13:12: detection: expected a detection method (automated-alert, customer-report, internal-report, manual-check, third-party, unknown), got 'psychic'",
        "ERROR   -  pmsite: 2 errors in 2 files: fix them and build again (nothing was published)",
    ]
    plugin = mkdocs_build(root)
    assert not plugin.ok and [line for line in plugin.log.splitlines() if line.startswith("ERROR")] == expected
    for cmd in (["generate"], ["build", "--with", "zensical"]):
        proc = run([str(BIN / "pmsite"), *cmd], root)
        assert proc.returncode == 1, proc.stderr
        assert proc.stderr.splitlines() == expected and proc.stdout == ""
    assert not (root / "build").exists() and not (root / "site").exists()  # nothing was written


def test_generate_never_empties_a_folder_it_did_not_make(tmp_path: Path) -> None:
    root = write_site(tmp_path / "kb", {"a.yaml": valid_doc()})
    (root / "notes").mkdir()
    (root / "notes" / "keep.txt").write_text("mine")
    before = sorted(p.as_posix() for p in (root / "content").rglob("*"))
    for out, message in (
        ("content", "would replace docs_dir"),
        (".", "would replace the site's folder"),
        ("notes", "is not empty and was not made by pmsite generate"),
    ):
        proc = run([str(BIN / "pmsite"), "generate", "--out", out], root)
        assert proc.returncode == 2 and message in proc.stderr and "Traceback" not in proc.stderr, proc.stderr
    assert sorted(p.as_posix() for p in (root / "content").rglob("*")) == before
    assert (root / "notes" / "keep.txt").read_text() == "mine"
    first = run([str(BIN / "pmsite"), "generate", "--out", "notes2"], root)
    again = run([str(BIN / "pmsite"), "generate", "--out", "notes2"], root)  # its own folder: rewritten
    assert first.returncode == again.returncode == 0, again.stderr
    assert (root / "notes2" / "docs" / "incidents" / "inc-2024-0315" / "index.md").is_file()


def test_pmsite_build_runs_mkdocs_and_properdocs_with_the_plugin(tmp_path: Path) -> None:
    root = write_site(tmp_path / "kb", {"a.yaml": valid_doc()})
    for builder in ("mkdocs", "properdocs"):
        proc = run([str(BIN / "pmsite"), "build", "--with", builder, "--strict"], root)
        assert proc.returncode == 0, proc.stderr
        assert "pmsite: Search index: 1 incidents and 1 pages" in proc.stderr
        assert (root / "site" / "incidents" / "inc-2024-0315" / "index.html").is_file()
    assert not (root / "build").exists()  # the plugin path generates nothing


def test_author_text_stays_text_in_zensicals_head(tmp_path: Path) -> None:
    doc = valid_doc(title='{{ 7*7 }} </title><script>alert(1)</script> "q"', summary='Hello "><script>alert(2)</script>', tags=["<b>x</b>"])
    root = write_site(tmp_path / "kb", {"a.yaml": doc})
    result = builder_build("zensical", root)
    assert result.ok, result.log
    page_soup = soup(result, INCIDENT)
    assert page_soup.title.get_text() == 'INC-2024-0315: {{ 7*7 }} </title><script>alert(1)</script> "q" - Test knowledge base'
    assert page_soup.select_one('meta[name="description"]')["content"] == 'Hello "><script>alert(2)</script>'
    assert [t.get_text(strip=True) for t in page_soup.select(".md-tags .md-tag")] == ["<b>x</b>"]
    assert [s for s in page_soup.find_all("script") if "alert" in s.get_text()] == []


# --- the real post-mortems --------------------------------------------------------------------------------


@pytest.mark.parametrize("builder", ["mkdocs", *BUILDERS])
def test_real_public_postmortems_build_with_every_builder(tmp_path: Path, builder: str) -> None:
    root = write_site(tmp_path / "kb", {p.name: p.read_text() for p in test_sample.REAL})
    result = builder_build(builder, root)
    assert result.ok, result.log
    for path in test_sample.REAL:
        doc = load_yaml(path)
        text = test_sample.article_text(result, doc)
        assert [(f, w) for f, w in expected_texts(doc) if w not in text] == [], path.name
    related = [c.get_text() for c in soup(result, "incidents/gitlab-2017-0131/").select("ul.pm-related code")]
    assert "ATLASSIAN-2022-0405" in related and "AWS-S3-2017-0228" in related
