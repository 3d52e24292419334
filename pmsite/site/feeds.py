"""Atom feeds per root-cause category, service and team, so a team subscribes to what concerns it.

Each holds the newest :data:`FEED_ENTRIES` post-mortems of its group by publication date, written by
the same library and rules as ``feed.xml`` (:func:`pmsite.site.outputs.incident_feed`): parse-valid,
and byte for byte the same for the same content and reference date. A category's or service's feed
sits beside its page and follows it; a team has no page, so its feed follows the catalog filtered to
the team. Where each is published is the site plan's rule (:meth:`SitePlan.feed_path`).
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from urllib.parse import quote

from pmsite.analysis.incidents import Incident
from pmsite.site.markdown import MarkdownRenderer
from pmsite.site.outputs import incident_feed
from pmsite.site.plan import SitePlan

FEED_ENTRIES = 50
WHAT = {"category": "root cause", "service": "service", "team": "team"}  # how a feed's title names its group


def group_feeds(plan: SitePlan, markdown: MarkdownRenderer, site_url: str, site_name: str) -> list[tuple[str, Callable[[], str]]]:
    """(path, maker) of every group's feed: categories, then services, then teams, each by name."""
    kb = plan.kb
    teams: dict[str, list[Incident]] = {}
    for inc in kb.incidents:
        for team in dict.fromkeys(inc.doc.teams):
            teams.setdefault(team, []).append(inc)
    groups = [("category", name, kb.by_category[name]) for name in sorted(kb.by_category)]
    groups += [("service", name, kb.by_service[name]) for name in sorted(kb.by_service)]
    groups += [("team", name, teams[name]) for name in sorted(teams)]
    out: list[tuple[str, Callable[[], str]]] = []
    for kind, name, incidents in groups:
        path = plan.feed_path(kind, name)
        if kind == "category":
            page = plan.category_url(name)
        elif kind == "service":
            page = plan.service_url(name)
        else:
            page = f"{plan.listing_url('catalog', 1)}?team={quote(name, safe='')}"
        make = functools.partial(incident_feed, incidents, markdown, today=kb.today, site_url=site_url,
                                 title=f"{site_name}: post-mortems, {WHAT[kind]} {name}", path=path, link=page,
                                 guid=f"urn:pmsite:feed:{path}", limit=FEED_ENTRIES)
        out.append((path, make))
    return out
