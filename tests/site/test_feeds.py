"""Atom feeds per team, service and root-cause category (pmsite.site.feeds): where they are, what they
hold, that they parse and are reproducible, that they are bounded, and that their pages link them."""

from __future__ import annotations

import dataclasses
import datetime as dt
from pathlib import Path
from typing import Any
from urllib.parse import urljoin

import feedparser
import pytest
from bs4 import BeautifulSoup
from test_figures import SETTINGS, incident, knowledge_base

from pmsite.site.feeds import FEED_ENTRIES, group_feeds
from pmsite.site.markdown import MarkdownRenderer
from pmsite.site.plan import SitePlan

from conftest import dump, mkdocs_build


def doc(ident: str, day: int, *, teams: list[str], services: list[str], category: str = "code-defect") -> dict[str, Any]:
    d = incident(ident, f"2024-03-{day:02d}", services=services, teams=teams)
    d["root_causes"][0]["category"] = category
    d["published_on"] = f"2024-04-{day:02d}"
    d["review_meeting_on"] = f"2024-03-{day + 1:02d}"
    return d


DOCS = [
    doc("INC-1", 1, teams=["Payments & Risk"], services=["checkout"], category="capacity-insufficient"),
    doc("INC-2", 2, teams=["Payments & Risk", "sre"], services=["checkout", "db"]),
    doc("INC-3", 3, teams=["sre"], services=["db"]),
]


def build(root: Path, site_url: str = "") -> Any:
    folder = root / "content" / "incidents"
    folder.mkdir(parents=True)
    (root / "content" / "index.md").write_text("# Home\n")
    for d in DOCS:
        (folder / f"{d['id'].lower()}.yaml").write_text(dump(d))
    (root / "mkdocs.yml").write_text(f"site_name: KB\n{'site_url: ' + site_url if site_url else ''}\ndocs_dir: content\n"
                                     "theme:\n  name: material\n  font: false\nplugins:\n  - pmsite:\n      reference_date: 2024-07-01\n")
    result = mkdocs_build(root, strict=False)
    assert result.ok, result.log
    return result


def test_every_team_service_and_category_has_a_feed_of_its_post_mortems(tmp_path: Path) -> None:
    site = build(tmp_path, "https://kb.example.com/").site
    expected = {
        "teams/payments-risk/feed.xml": ("KB: post-mortems, team Payments & Risk", "https://kb.example.com/incidents/?team=Payments%20%26%20Risk",
                                         ["INC-2", "INC-1"]),
        "teams/sre/feed.xml": ("KB: post-mortems, team sre", "https://kb.example.com/incidents/?team=sre", ["INC-3", "INC-2"]),
        "services/checkout/feed.xml": ("KB: post-mortems, service checkout", "https://kb.example.com/services/checkout/", ["INC-2", "INC-1"]),
        "services/db/feed.xml": ("KB: post-mortems, service db", "https://kb.example.com/services/db/", ["INC-3", "INC-2"]),
        "categories/code-defect/feed.xml": ("KB: post-mortems, root cause code-defect", "https://kb.example.com/categories/code-defect/",
                                            ["INC-3", "INC-2"]),
        "categories/capacity-insufficient/feed.xml": ("KB: post-mortems, root cause capacity-insufficient",
                                                      "https://kb.example.com/categories/capacity-insufficient/", ["INC-1"]),
    }
    found = {p.relative_to(site).as_posix() for p in site.glob("*/*/feed.xml")}
    assert found == set(expected)
    for path, (title, link, ids) in expected.items():
        feed = feedparser.parse((site / path).read_bytes())
        assert not feed.bozo, (path, feed.bozo_exception)
        assert (feed.feed.title, feed.feed.link, feed.feed.id) == (title, link, f"https://kb.example.com/{path}")
        assert [e.title.split(":")[0] for e in feed.entries] == ids  # newest publication first
        assert [e.link for e in feed.entries] == [f"https://kb.example.com/incidents/{i.lower()}/" for i in ids]
        assert feed.feed.updated == f"2024-04-0{ids[0][-1]}T00:00:00+00:00"  # the newest entry's day: no clock


def test_without_a_site_url_links_resolve_from_where_the_feed_is(tmp_path: Path) -> None:
    site = build(tmp_path).site
    feed = feedparser.parse((site / "services/db/feed.xml").read_bytes())
    assert feed.feed.id == "urn:pmsite:feed:services/db/feed.xml"
    assert [e.id for e in feed.entries] == ["urn:pmsite:incident:INC-3", "urn:pmsite:incident:INC-2"]
    where = "https://anywhere.example/kb/services/db/feed.xml"
    assert [urljoin(where, e.link) for e in feed.entries] == ["https://anywhere.example/kb/incidents/inc-3/",
                                                              "https://anywhere.example/kb/incidents/inc-2/"]
    assert urljoin(where, feed.feed.link) == "https://anywhere.example/kb/services/db/"
    team = feedparser.parse((site / "teams/sre/feed.xml").read_bytes())
    assert urljoin("https://x.example/teams/sre/feed.xml", team.feed.link) == "https://x.example/incidents/?team=sre"


def test_pages_link_their_feeds(tmp_path: Path) -> None:
    result = build(tmp_path)

    def links(url: str, selector: str) -> list[tuple[str, str]]:
        soup = BeautifulSoup(result.page(url), "lxml")
        return [(" ".join(a.get_text().split()), a["href"]) for a in soup.select(selector)]

    assert links("incidents/inc-2/", ".pm-feeds a") == [
        ("team Payments & Risk", "../../teams/payments-risk/feed.xml"), ("team sre", "../../teams/sre/feed.xml"),
        ("service checkout", "../../services/checkout/feed.xml"), ("service db", "../../services/db/feed.xml"),
        ("root cause code-defect", "../../categories/code-defect/feed.xml")]
    assert links("services/db/", ".pm-feed a") == [("Atom feed", "feed.xml")]
    assert links("categories/code-defect/", ".pm-feed a") == [("Atom feed", "feed.xml")]
    for url, href in (("incidents/inc-2/", "../../teams/sre/feed.xml"), ("services/db/", "feed.xml")):
        assert (result.site / url / href).resolve().is_file()


def feeds(settings: Any, docs: list[dict[str, Any]]) -> dict[str, str]:
    kb = knowledge_base(*docs, settings=settings)
    return {path: make() for path, make in group_feeds(SitePlan(kb), MarkdownRenderer([], {}), "", "KB")}


def test_a_feed_holds_the_newest_fifty_and_is_the_same_byte_for_byte() -> None:
    # 52 post-mortems of one team, published on 52 days: the feed holds the 50 published last
    start = dt.date(2024, 1, 1)
    docs = []
    for n in range(52):
        d = incident(f"INC-{n:02d}", (start + dt.timedelta(days=n)).isoformat(), teams=["sre"])
        d["review_meeting_on"] = d["published_on"] = (start + dt.timedelta(days=n + 1)).isoformat()
        docs.append(d)
    settings = dataclasses.replace(SETTINGS, reference_date=dt.date(2024, 7, 1))
    first, again = feeds(settings, docs), feeds(settings, list(reversed(docs)))
    assert first == again  # the same content in another order: the same bytes
    entries = feedparser.parse(first["teams/sre/feed.xml"]).entries
    assert FEED_ENTRIES == 50 and len(entries) == 50
    assert (entries[0].title.split(":")[0], entries[-1].title.split(":")[0]) == ("INC-51", "INC-02")


@pytest.mark.parametrize("name", ["a/b", "..", "<script>", "Ops team"])
def test_any_team_name_gets_a_safe_path(name: str) -> None:
    paths = set(feeds(SETTINGS, [doc("INC-1", 1, teams=[name], services=["db"])]))
    [team] = [p for p in paths if p.startswith("teams/")]
    slug = team.split("/")[1]
    assert team == f"teams/{slug}/feed.xml" and slug.replace("-", "").isalnum()
