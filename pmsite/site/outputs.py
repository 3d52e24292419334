"""Machine-readable outputs: incidents.json, actions.json, actions.ics and the Atom feed.

All of them are deterministic: ordering is explicit and the only clock is the
build's reference date, so two builds of the same content are byte-identical.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable, Iterable
from typing import Any

import feedgenerator
import icalendar

from pmsite.analysis.actions import Action
from pmsite.analysis.incidents import Incident
from pmsite.analysis.knowledge_base import KnowledgeBase
from pmsite.site.markdown import MarkdownRenderer
from pmsite.site.urls import relative_url
from pmsite.text import is_http_url

# Where each output is published, from the site's root: the one place pages, feed and writers read it.
INCIDENTS_JSON = "incidents.json"
ACTIONS_JSON = "actions.json"
ACTIONS_ICS = "actions.ics"
FEED_PATH = "feed.xml"


def _seconds(delta: dt.timedelta | None) -> int | None:
    return int(delta.total_seconds()) if delta is not None else None


def _absolute(site_url: str, url: str) -> str:
    return (site_url.rstrip("/") + "/" + url) if site_url else url


def incident_record(inc: Incident, kb: KnowledgeBase, site_url: str) -> dict[str, Any]:
    doc = inc.doc
    data = doc.model_dump(mode="json", exclude_none=False)
    data["action_items"] = [dict(item, id=a.id, anchor=a.anchor, state=a.meaning, tracker=tracker_record(a))
                            for item, a in zip(data["action_items"], inc.actions)]
    # an unpublished document leaves no trace: a related id that is not in the knowledge base is left out
    data["related"] = [ref for ref in data["related"] if ref in kb.by_id]
    return {
        **data,
        "url": inc.url,
        "absolute_url": _absolute(site_url, inc.url),
        "severity_label": kb.settings.severity_label(doc.severity),
        "categories": inc.categories,
        "metrics": {
            "time_to_detect_seconds": _seconds(inc.time_to_detect),
            "time_to_mitigate_seconds": _seconds(inc.time_to_mitigate),
            "duration_seconds": _seconds(inc.duration),
            "impact_window_seconds": _seconds(inc.impact_window),
            "publication_delay_days": inc.publication_delay.days if inc.publication_delay is not None else None,
            "action_items_by_status": inc.status_counts(kb.settings.action_statuses),
            "overdue_action_items": [a.id for a in inc.actions if a.overdue],
        },
        "related_incidents": [
            {"id": r.incident.id, "url": r.incident.url, "explicit": r.explicit, "reasons": r.reasons} for r in inc.related
        ],
    }


def tracker_record(a: Action) -> dict[str, Any] | None:
    """What the tracker said of an action's ticket at the last sync, or None when no sync read it."""
    if a.tracked is None:
        return None
    closed = a.tracked.closed_on
    return {"state": a.tracked.meaning, "said": a.tracked.said, "closed_on": closed.isoformat() if closed else None,
            "source": a.tracked.source, "problem": a.tracked.problem or None, "agrees": not a.drifted}


def _dump(value: Any) -> str:
    # compact separators keep the C encoder (indent would fall back to the pure-Python one)
    return json.dumps(value, ensure_ascii=False, separators=(",", ":")) + "\n"


def incident_json(inc: Incident, kb: KnowledgeBase, site_url: str = "") -> str:
    """One incident's entry of ``incidents.json`` (a preview keeps it until the incident changes)."""
    return json.dumps(incident_record(inc, kb, site_url), ensure_ascii=False, separators=(",", ":"))


def incidents_json(kb: KnowledgeBase, site_url: str = "", entry: Callable[[Incident], str] | None = None) -> str:
    """Every published incident. ``entry`` makes one incident's JSON (:func:`incident_json` unless given);
    the envelope is what ``json.dumps`` writes for the same object with the same separators."""
    make = entry or (lambda inc: incident_json(inc, kb, site_url))
    head = _dump({"format_version": 1, "reference_date": kb.today.isoformat(), "count": len(kb.incidents), "incidents": []})
    return head[: -len("]}\n")] + ",".join(make(inc) for inc in kb.incidents) + "]}\n"


def action_record(a: Action, site_url: str) -> dict[str, Any]:
    item = a.item
    return {
        "incident": a.incident.id,
        "incident_title": a.incident.doc.title,
        "incident_url": a.incident.url,
        "id": a.id,
        "description": item.description,
        "owner": item.owner,
        "priority": item.priority,
        "status": a.status,
        "state": a.meaning,  # what the status means: open, in-progress, done or wont-do
        "due": item.due.isoformat(),
        "completed_on": a.completed_on.isoformat() if a.completed_on else None,
        "overdue": a.overdue,
        "days_overdue": a.days_late,
        "success_criteria": item.success_criteria,
        "prevents_recurrence": item.prevents_recurrence,
        "improves_detection": item.improves_detection,
        "improves_response": item.improves_response,
        "ticket": item.ticket,
        "tracker": tracker_record(a),
        "services": list(a.incident.doc.services),
        "url": _absolute(site_url, f"{a.incident.url}#{a.anchor}"),
        "anchor": a.anchor,
    }


def action_entries(inc: Incident, site_url: str = "") -> list[tuple[tuple[dt.date, str, str], str]]:
    """An incident's entries of ``actions.json``, each with the key the file sorts by (a preview
    keeps them until the incident changes)."""
    return [
        ((a.item.due, inc.id, a.id), json.dumps(action_record(a, site_url), ensure_ascii=False, separators=(",", ":")))
        for a in inc.actions
    ]


def actions_json(
    kb: KnowledgeBase, site_url: str = "", entries: Callable[[Incident], list[tuple[tuple[dt.date, str, str], str]]] | None = None
) -> str:
    """Every action item by due date. ``entries`` makes one incident's (:func:`action_entries` unless
    given); the envelope is what ``json.dumps`` writes for the same object with the same separators."""
    make = entries or (lambda inc: action_entries(inc, site_url))
    rows = sorted((row for inc in kb.incidents for row in make(inc)), key=lambda row: row[0])
    head = _dump({"reference_date": kb.today.isoformat(), "count": len(rows), "actions": []})
    return head[: -len("]}\n")] + ",".join(text for _, text in rows) + "]}\n"


# --- iCalendar (RFC 5545), written by the icalendar library ------------------------


def action_events(inc: Incident, today: dt.date, site_url: str = "") -> list[tuple[tuple[dt.date, str, str], bytes]]:
    """An incident's open action items as iCalendar events, each with the key the calendar sorts by
    (a preview keeps them until the incident changes)."""
    stamp = dt.datetime.combine(today, dt.time(), tzinfo=dt.UTC)  # DTSTAMP: the reference date, not a clock
    events = []
    for a in inc.actions:
        if not a.open:
            continue
        item = a.item
        description = (
            f"Owner: {item.owner}\nPriority: {item.priority}\nStatus: {a.status}\n"
            f"Incident: {a.incident.id} {a.incident.doc.title}"
            + (f"\nSuccess criteria: {item.success_criteria.strip()}" if item.success_criteria else "")
            + (f"\nTicket: {item.ticket}" if item.ticket else "")
            + ("\nOVERDUE" if a.overdue else "")
        )
        event = icalendar.Event()
        event.add("uid", f"{a.incident.id}-{a.id}@pmsite")
        event.add("dtstamp", stamp)
        event.add("dtstart", item.due)
        event.add("dtend", item.due + dt.timedelta(days=1))
        event.add("summary", f"[{a.incident.id} {a.id}] {item.description.strip().splitlines()[0]}")
        event.add("description", description)
        event.add("categories", [item.priority])
        event.add("transp", "TRANSPARENT")
        url = _absolute(site_url, f"{a.incident.url}#{a.anchor}")
        if is_http_url(url):
            event.add("url", url)
        events.append(((item.due, a.incident.id, a.id), event.to_ical()))
    return events


def actions_ics(
    kb: KnowledgeBase,
    site_url: str = "",
    site_name: str = "pmsite",
    events: Callable[[Incident], list[tuple[tuple[dt.date, str, str], bytes]]] | None = None,
) -> str:
    """Open action items as all-day events on their due date.

    icalendar escapes the text and folds lines at 75 octets; the output stays
    reproducible because nothing in it comes from a clock or a random source:
    DTSTAMP is the build's reference date and each UID is the incident and item id.
    Each event is serialised on its own (``events``, :func:`action_events` unless
    given) and placed inside the calendar, which is what icalendar writes for a
    calendar holding them.
    """
    make = events or (lambda inc: action_events(inc, kb.today, site_url))
    cal = icalendar.Calendar()
    cal.add("prodid", "-//pmsite//post-mortem action items//EN")
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("method", "PUBLISH")
    cal.add("x-wr-calname", f"{site_name}: open action items")
    end = b"END:VCALENDAR\r\n"
    head = cal.to_ical()
    body = [raw for _, raw in sorted((e for inc in kb.incidents for e in make(inc)), key=lambda e: e[0])]
    return (head[: -len(end)] + b"".join(body) + end).decode("utf-8")


# --- Atom (RFC 4287), written by feedgenerator -----------------------------------


class _AtomFeed(feedgenerator.Atom1Feed):
    """feedgenerator's Atom feed with one ``<author>`` per author and no clock.

    Its own ``updated`` falls back to the current time for an empty feed; the
    build's reference date keeps two builds identical.
    """

    def __init__(self, *args: Any, updated: dt.datetime, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._updated = updated

    def latest_post_date(self) -> dt.datetime:
        return self._updated

    def add_item_elements(self, handler: Any, item: dict[str, Any]) -> None:
        super().add_item_elements(handler, item)
        for name in item.get("authors", ()):
            handler.startElement("author", {})
            handler.addQuickElement("name", name)
            handler.endElement("author")


def _midnight(day: dt.date) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(), tzinfo=dt.UTC)


def atom_feed(kb: KnowledgeBase, markdown: MarkdownRenderer, site_url: str = "", site_name: str = "pmsite") -> str:
    """Post-mortems by publication date, newest first."""
    return incident_feed(kb.incidents, markdown, today=kb.today, site_url=site_url, title=f"{site_name}: post-mortems",
                         path=FEED_PATH, link="", guid="urn:pmsite:feed")


def incident_feed(incidents: Iterable[Incident], markdown: MarkdownRenderer, *, today: dt.date, site_url: str, title: str,
                  path: str, link: str, guid: str, limit: int | None = None) -> str:
    """An Atom feed of post-mortems by publication date, newest first (at most ``limit``), published at
    ``path`` from the site's root. ``link``: the page it follows, from the site's root ("" for the home
    page); ``guid``: its id when the site has no ``site_url`` (else its absolute URL). Without a
    ``site_url`` every link is relative to where the feed is."""
    entries = sorted(
        (i for i in incidents if i.doc.published_on is not None),
        key=lambda i: (i.doc.published_on, i.id),
        reverse=True,
    )[:limit]
    base = site_url.rstrip("/") + "/" if site_url else ""

    def href(url: str) -> str:
        return base + url if base else relative_url(path, url or "./")

    updated = max((i.doc.published_on for i in entries if i.doc.published_on is not None), default=today)
    feed = _AtomFeed(
        title=title,
        link=href(link),
        description="",
        feed_url=base + path if base else None,
        feed_guid=base + path if base else guid,
        updated=_midnight(updated),
    )
    for inc in entries:
        doc = inc.doc
        assert doc.published_on is not None
        when = _midnight(doc.published_on)
        feed.add_item(
            title=f"{doc.id}: {doc.title}",
            link=href(inc.url),
            description=str(markdown.block(doc.summary)),  # sanitised HTML; the library escapes it into the XML
            unique_id=base + inc.url if base else f"urn:pmsite:incident:{doc.id}",
            pubdate=when,
            updateddate=when,
            categories=inc.categories,
            authors=list(doc.authors),
        )
    return feed.writeString("utf-8") + "\n"
