"""The live preview (``mkdocs serve --dirty``): a rebuild after an edit rewrites only the pages the
edit changed, and the folder it leaves is byte for byte the site a full build makes."""

from __future__ import annotations

import hashlib
import logging
import os
import signal
import subprocess
import sys
import threading
from collections.abc import Set as AbstractSet
from pathlib import Path

import pytest
from mkdocs.commands.build import build
from mkdocs.config import load_config

from conftest import ROOT, dump, valid_doc, write_site

WHYS = ["Why did it stop? It waited on a lock.", "Why the lock? A job held it.", "Why held? No timeout was set."]
A = valid_doc()  # INC-2024-0315: mobile-api and orders-db, code-defect
B = valid_doc(
    id="INC-2024-0401",
    title="Orders database failover during maintenance",
    services=["orders-db"],
    tags=[],
    root_causes=[{"description": "The replica had too little disk for the failover.\n", "category": "capacity-insufficient", "five_whys": WHYS}],
)
C = valid_doc(
    id="INC-2024-0501",
    title="Search index rebuild stalled",
    services=["search"],
    teams=["search"],
    tags=["indexing"],
    root_causes=[{"description": "A schema change reset the indexer's cursor.\n", "category": "configuration-error", "five_whys": WHYS}],
)


@pytest.fixture
def kb(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.delenv("SOURCE_DATE_EPOCH", raising=False)  # the plugin sets it from the reference date
    # navigation titles from a page's heading (Home), and from mkdocs.yml rather than the page's own title
    # (Capacity: a page no edit below changes, so a rebuild does not read it again)
    nav = "nav:\n  - index.md\n  - Incidents: incidents/index.md\n  - Capacity: categories/capacity-insufficient/index.md\n"
    return write_site(tmp_path / "kb", {"a.yaml": A, "b.yaml": B, "c.yaml": C}, extra=nav)


def preview_build(root: Path, site_dir: Path) -> None:
    """One rebuild of ``mkdocs serve --dirty``, in this process (the plugin keeps its state between
    rebuilds, as in the server), then the data files and search index it writes in the background."""
    config = load_config(str(root / "mkdocs.yml"), site_dir=str(site_dir))
    config.plugins.on_startup(command="serve", dirty=True)
    build(config, dirty=True)
    config.plugins["pmsite"].wait_for_preview()


def full_build(root: Path, site_dir: Path) -> None:
    subprocess.run(
        [str(Path(sys.executable).parent / "mkdocs"), "build", "--clean", "--strict", "-d", str(site_dir)],
        cwd=root, check=True, capture_output=True, env=dict(os.environ, NO_MKDOCS_2_WARNING="1"),
    )


def tree(site: Path) -> dict[str, str]:
    return {p.relative_to(site).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest() for p in sorted(site.rglob("*")) if p.is_file()}


def differences(preview: Path, full: Path, *, left_out: AbstractSet[str] = frozenset()) -> list[str]:
    """Files that differ between the two sites, or exist in one only, except those ``left_out``."""
    ours = {k: v for k, v in tree(preview).items() if k not in left_out}
    theirs = {k: v for k, v in tree(full).items() if k not in left_out}
    return [k for k in sorted(set(ours) | set(theirs)) if ours.get(k) != theirs.get(k)]


def stamps(site: Path) -> dict[str, int]:
    return {p.relative_to(site).as_posix(): p.stat().st_mtime_ns for p in site.rglob("*.html") if "search/" not in p.as_posix()}


def test_an_edit_rewrites_only_the_pages_it_changes_and_the_result_is_the_full_build(kb: Path, tmp_path: Path) -> None:
    preview = tmp_path / "preview"
    preview_build(kb, preview)
    before = stamps(preview)

    (kb / "content" / "incidents" / "a.yaml").write_text(dump(valid_doc(title="Mobile API outage during the v2.8.0 migration")))
    preview_build(kb, preview)
    after = stamps(preview)
    rewritten = sorted(page for page in after if after[page] != before.get(page))
    assert rewritten == [
        "404.html",  # MkDocs renders the theme's own pages on every build
        "actions/index.html",  # its figures count every incident's actions
        "categories/code-defect/index.html",  # lists the edited incident
        "history/index.html",
        "incidents/inc-2024-0315/index.html",  # the edited incident
        "incidents/inc-2024-0401/index.html",  # shares orders-db: lists the edited title as related
        "incidents/index.html",  # the catalog row
        "patterns/index.html",
        "review/index.html",  # the monthly review: corpus-wide figures, fingerprinted with the whole corpus
        "services/mobile-api/index.html",
        "services/orders-db/index.html",
    ]
    assert "Mobile API outage during the v2.8.0 migration" in (preview / "incidents/inc-2024-0401/index.html").read_text()
    full_build(kb, tmp_path / "full-1")
    # Material's tags plugin lists only the pages a build reads (a limit the README states)
    assert differences(preview, tmp_path / "full-1", left_out={"tags.json"}) == []

    # a new incident with a new service: its page, the service's page and every listing appear
    (kb / "content" / "incidents" / "d.yaml").write_text(
        dump(valid_doc(id="INC-2024-0610", title="Ledger export delayed by a stuck batch", services=["ledger-export"], tags=[]))
    )
    (kb / "content" / "incidents" / "c.yaml").unlink()  # and a removed one
    preview_build(kb, preview)
    full = tmp_path / "full"
    full_build(kb, full)
    assert "incidents/inc-2024-0610/index.html" in tree(preview)
    assert "services/ledger-export/index.html" in tree(preview)
    assert "incidents/inc-2024-0501/index.html" not in tree(full)
    # what a dirty build leaves of a removed page stays (MkDocs' --dirty keeps stale files): not linked from anywhere
    assert "incidents/inc-2024-0501/index.html" in tree(preview)
    stale = {"incidents/inc-2024-0501/index.html", "services/search/index.html", "categories/configuration-error/index.html",
             # and so do the feeds of the groups no incident has any more (unlinked too)
             "services/search/feed.xml", "categories/configuration-error/feed.xml", "teams/search/feed.xml"}
    assert differences(preview, full, left_out=stale) == []


def test_an_edit_serialises_again_only_the_data_file_entries_of_the_incidents_it_changed(
    kb: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from pmsite.site import outputs

    made: dict[str, list[str]] = {"incidents.json": [], "actions.json": [], "actions.ics": []}
    incident_json, action_entries, action_events = outputs.incident_json, outputs.action_entries, outputs.action_events
    monkeypatch.setattr(outputs, "incident_json", lambda inc, *a: made["incidents.json"].append(inc.id) or incident_json(inc, *a))
    monkeypatch.setattr(outputs, "action_entries", lambda inc, *a: made["actions.json"].append(inc.id) or action_entries(inc, *a))
    monkeypatch.setattr(outputs, "action_events", lambda inc, *a: made["actions.ics"].append(inc.id) or action_events(inc, *a))
    preview = tmp_path / "preview"
    preview_build(kb, preview)
    every = ["INC-2024-0315", "INC-2024-0401", "INC-2024-0501"]  # the first build makes every entry, oldest first
    assert made == {"incidents.json": every, "actions.json": every, "actions.ics": every}
    for entries in made.values():
        entries.clear()
    (kb / "content" / "incidents" / "a.yaml").write_text(dump(valid_doc(title="Mobile API outage during the v2.8.0 migration")))
    preview_build(kb, preview)
    # the edited incident, and the one that lists it as related (they share orders-db); not INC-2024-0501
    two = ["INC-2024-0315", "INC-2024-0401"]
    assert made == {"incidents.json": two, "actions.json": two, "actions.ics": two}
    full_build(kb, tmp_path / "full")
    assert differences(preview, tmp_path / "full", left_out={"tags.json"}) == []


def test_a_changed_template_rebuilds_every_page(kb: Path, tmp_path: Path) -> None:
    preview = tmp_path / "preview"
    preview_build(kb, preview)
    before = stamps(preview)
    override = kb / "overrides" / "pmsite" / "incident.html"
    override.parent.mkdir(parents=True)
    override.write_text('{% extends "default/pmsite/incident.html" %}\n{% block related %}<p>Related: see the catalog.</p>{% endblock %}\n')
    preview_build(kb, preview)
    after = stamps(preview)
    assert sorted(page for page in after if after[page] == before.get(page)) == []
    assert "Related: see the catalog." in (preview / "incidents/inc-2024-0501/index.html").read_text()


def test_serve_watches_the_theme_overrides_and_not_the_incidents_twice(kb: Path) -> None:
    """MkDocs watches docs_dir (incidents included) itself; the overrides folder beside it needs a watch."""

    class Server:
        def __init__(self) -> None:
            self.watched: list[str] = []

        def watch(self, path: str) -> None:
            self.watched.append(path)

    config = load_config(str(kb / "mkdocs.yml"))
    config.plugins.on_startup(command="serve", dirty=True)
    config = config.plugins.on_config(config)
    server = config.plugins["pmsite"].on_serve(Server(), config=config, builder=None)
    assert server.watched == [str(kb / "overrides")]


def test_a_save_while_the_search_index_is_written_stops_the_indexer_at_once(
    kb: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    """At 10,000 incidents Pagefind takes both cores for about ten seconds after each save; the next
    save kills it instead of rendering its pages beside it. The job ends quietly, the rebuild stays
    incremental, and the folder is still the full build once the new job has written everything."""
    from pmsite.site.search.index import SearchIndex
    from pmsite.site.search.pagefind import PagefindService

    preview = tmp_path / "preview"
    preview_build(kb, preview)
    services: list[PagefindService] = []
    indexing = threading.Event()
    start_writing, service_init = SearchIndex.start_writing, PagefindService.__init__

    def recorded(self: PagefindService, config: dict[str, object], **options: int) -> None:
        service_init(self, config, **options)
        services.append(self)

    def held(self: SearchIndex, out_dir: Path) -> None:
        if len(services) == 1:  # the first job's indexer: hold it until the next save stops it
            indexing.set()
            services[0]._proc.wait(timeout=60)
        start_writing(self, out_dir)

    monkeypatch.setattr(PagefindService, "__init__", recorded)
    monkeypatch.setattr(SearchIndex, "start_writing", held)
    (kb / "content" / "incidents" / "c.yaml").write_text(dump(dict(C, title="Search index rebuild stalled overnight")))
    config = load_config(str(kb / "mkdocs.yml"), site_dir=str(preview))
    config.plugins.on_startup(command="serve", dirty=True)
    build(config, dirty=True)  # its data files and index follow in the background
    assert indexing.wait(timeout=60)
    before = stamps(preview)
    (kb / "content" / "incidents" / "b.yaml").write_text(dump(dict(B, title="Orders database failover during planned maintenance")))
    caplog.clear()
    preview_build(kb, preview)
    assert services[0]._proc.returncode == -signal.SIGKILL
    assert [r.getMessage() for r in caplog.records if r.levelno >= logging.ERROR] == []
    after = stamps(preview)
    assert "incidents/inc-2024-0501/index.html" not in [page for page in after if after[page] != before.get(page)]  # not a full rebuild
    full_build(kb, tmp_path / "full")
    assert differences(preview, tmp_path / "full", left_out={"tags.json"}) == []


def test_an_edit_computes_again_only_the_patterns_of_its_categories_and_services(
    kb: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from pmsite.analysis import patterns

    made: list[str] = []
    pattern_for = patterns.pattern_for
    monkeypatch.setattr(patterns, "pattern_for", lambda kb_, key, incidents: made.append(key) or pattern_for(kb_, key, incidents))  # type: ignore[func-returns-value]
    preview = tmp_path / "preview"
    preview_build(kb, preview)
    assert sorted(made) == ["capacity-insufficient", "code-defect", "configuration-error", "mobile-api", "orders-db", "search"]
    made.clear()
    (kb / "content" / "incidents" / "a.yaml").write_text(dump(valid_doc(title="Mobile API outage during the v2.8.0 migration")))
    preview_build(kb, preview)
    # INC-2024-0315 is code-defect, on mobile-api and orders-db; orders-db also holds INC-2024-0401
    assert sorted(made) == ["code-defect", "mobile-api", "orders-db"]
    full_build(kb, tmp_path / "full")
    assert differences(preview, tmp_path / "full", left_out={"tags.json"}) == []


def test_a_page_a_rebuild_renders_again_shows_its_tags_without_links(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """One of the preview's stated exceptions (README, "Live preview"): Material links a page's tags only to a tags
    page the same build read, and a dirty rebuild does not read the unchanged tags page. A full build links them."""
    monkeypatch.delenv("SOURCE_DATE_EPOCH", raising=False)
    tagged = valid_doc(tags=["database", "deploy"])
    root = write_site(tmp_path / "kb", {"a.yaml": tagged}, extra="nav:\n  - index.md\n  - Tags: tags.md\n",
                      pages={"tags.md": "# Tags\n\n<!-- material/tags -->\n"})
    preview = tmp_path / "preview"
    page = preview / "incidents" / "inc-2024-0315" / "index.html"
    preview_build(root, preview)
    linked = '<a href="../../tags/#tag:database" class="md-tag">database</a>'
    assert linked in page.read_text()
    (root / "content" / "incidents" / "a.yaml").write_text(dump(dict(tagged, title="Mobile API outage, the title edited")))
    preview_build(root, preview)
    assert linked not in page.read_text() and '<span class="md-tag">database</span>' in page.read_text()
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert "shows its tags as plain text" in " ".join(readme.split())
    full_build(root, tmp_path / "full")
    assert linked in (tmp_path / "full" / "incidents" / "inc-2024-0315" / "index.html").read_text()
