"""Machine-readable outputs: incidents.json, actions.json, actions.ics and the Atom feed.

All of them are deterministic: ordering is explicit and the only clock is the
build's reference date, so two builds of the same content are byte-identical.
"""

from __future__ import annotations

import datetime as dt
import json
from typing import Any
from xml.sax.saxutils import escape as xml_escape
from xml.sax.saxutils import quoteattr

from .analyse import Action, Incident, KnowledgeBase
from .render import MarkdownRenderer


def _seconds(delta: dt.timedelta | None) -> int | None:
    return int(delta.total_seconds()) if delta is not None else None


def _absolute(site_url: str, url: str) -> str:
    return (site_url.rstrip("/") + "/" + url) if site_url else url


def incident_record(inc: Incident, kb: KnowledgeBase, site_url: str) -> dict[str, Any]:
    doc = inc.doc
    data = doc.model_dump(mode="json", exclude_none=False)
    data["action_items"] = [dict(item, id=a.id) for item, a in zip(data["action_items"], inc.actions)]
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


def _dump(value: Any) -> str:
    # compact separators keep the C encoder (indent would fall back to the pure-Python one)
    return json.dumps(value, ensure_ascii=False, separators=(",", ":")) + "\n"


def incidents_json(kb: KnowledgeBase, site_url: str = "") -> str:
    return _dump(
        {
            "format_version": 1,
            "reference_date": kb.today.isoformat(),
            "count": len(kb.incidents),
            "incidents": [incident_record(i, kb, site_url) for i in kb.incidents],
        }
    )


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
        "status": item.status,
        "due": item.due.isoformat(),
        "completed_on": item.completed_on.isoformat() if item.completed_on else None,
        "overdue": a.overdue,
        "days_overdue": a.days_late,
        "success_criteria": item.success_criteria,
        "prevents_recurrence": item.prevents_recurrence,
        "improves_detection": item.improves_detection,
        "improves_response": item.improves_response,
        "ticket": item.ticket,
        "services": list(a.incident.doc.services),
        "url": _absolute(site_url, f"{a.incident.url}#action-{a.id.lower()}"),
    }


def actions_json(kb: KnowledgeBase, site_url: str = "") -> str:
    actions = sorted((a for inc in kb.incidents for a in inc.actions), key=lambda a: (a.item.due, a.incident.id, a.id))
    return _dump(
        {
            "reference_date": kb.today.isoformat(),
            "count": len(actions),
            "actions": [action_record(a, site_url) for a in actions],
        }
    )


# --- iCalendar (RFC 5545) ----------------------------------------------------


def _ics_text(value: str) -> str:
    return value.replace("\\", "\\\\").replace(";", "\\;").replace(",", "\\,").replace("\r\n", "\\n").replace("\n", "\\n").replace("\r", "\\n")


def _fold(line: str) -> str:
    """Fold content lines at 75 octets (RFC 5545 3.1), never inside a UTF-8 sequence."""
    data = line.encode("utf-8")
    if len(data) <= 75:
        return line
    parts: list[bytes] = []
    start, limit = 0, 75
    while len(data) - start > limit:
        end = start + limit
        while data[end] & 0xC0 == 0x80:  # a continuation byte: step back to a character boundary
            end -= 1
        parts.append(data[start:end])
        start, limit = end, 74  # continuation lines start with a space, which counts
    parts.append(data[start:])
    return "\r\n ".join(p.decode("utf-8") for p in parts)


def actions_ics(kb: KnowledgeBase, site_url: str = "", site_name: str = "pmsite") -> str:
    """Open action items as all-day events on their due date."""
    stamp = kb.today.strftime("%Y%m%dT000000Z")
    lines = [
        "BEGIN:VCALENDAR",
        "VERSION:2.0",
        "PRODID:-//pmsite//post-mortem action items//EN",
        "CALSCALE:GREGORIAN",
        "METHOD:PUBLISH",
        f"X-WR-CALNAME:{_ics_text(site_name + ': open action items')}",
    ]
    actions = sorted(
        (a for inc in kb.incidents for a in inc.actions if a.open), key=lambda a: (a.item.due, a.incident.id, a.id)
    )
    for a in actions:
        item = a.item
        summary = f"[{a.incident.id} {a.id}] {item.description.strip().splitlines()[0]}"
        description = (
            f"Owner: {item.owner}\nPriority: {item.priority}\nStatus: {item.status}\n"
            f"Incident: {a.incident.id} {a.incident.doc.title}"
            + (f"\nSuccess criteria: {item.success_criteria.strip()}" if item.success_criteria else "")
            + (f"\nTicket: {item.ticket}" if item.ticket else "")
            + ("\nOVERDUE" if a.overdue else "")
        )
        lines += [
            "BEGIN:VEVENT",
            f"UID:{_ics_text(a.incident.id + '-' + a.id)}@pmsite",
            f"DTSTAMP:{stamp}",
            f"DTSTART;VALUE=DATE:{item.due.strftime('%Y%m%d')}",
            f"DTEND;VALUE=DATE:{(item.due + dt.timedelta(days=1)).strftime('%Y%m%d')}",
            f"SUMMARY:{_ics_text(summary)}",
            f"DESCRIPTION:{_ics_text(description)}",
            f"CATEGORIES:{_ics_text(item.priority)}",
            "TRANSP:TRANSPARENT",
        ]
        url = _absolute(site_url, a.incident.url)
        if url.startswith(("http://", "https://")):
            lines.append(f"URL:{url}#action-{a.id.lower()}")
        lines.append("END:VEVENT")
    lines.append("END:VCALENDAR")
    return "".join(_fold(line) + "\r\n" for line in lines)


# --- Atom (RFC 4287) ---------------------------------------------------------


def atom_feed(kb: KnowledgeBase, markdown: MarkdownRenderer, site_url: str = "", site_name: str = "pmsite") -> str:
    """Post-mortems by publication date, newest first."""
    entries = sorted(
        (i for i in kb.incidents if i.doc.published_on is not None),
        key=lambda i: (i.doc.published_on, i.id),
        reverse=True,
    )
    base = site_url.rstrip("/") + "/" if site_url else ""
    feed_id = base + "feed.xml" if base else "urn:pmsite:feed"
    updated = max((i.doc.published_on for i in entries if i.doc.published_on is not None), default=kb.today)
    out = [
        '<?xml version="1.0" encoding="utf-8"?>',
        '<feed xmlns="http://www.w3.org/2005/Atom">',
        f"  <title>{xml_escape(site_name)}: post-mortems</title>",
        f"  <id>{xml_escape(feed_id)}</id>",
        f"  <updated>{updated.isoformat()}T00:00:00Z</updated>",
        "  <generator>pmsite</generator>",
    ]
    if base:
        out.append(f"  <link rel=\"self\" type=\"application/atom+xml\" href={quoteattr(base + 'feed.xml')}/>")
        out.append(f"  <link rel=\"alternate\" type=\"text/html\" href={quoteattr(base)}/>")
    for inc in entries:
        doc = inc.doc
        assert doc.published_on is not None
        link = base + inc.url if base else inc.url
        entry_id = link if base else f"urn:pmsite:incident:{doc.id}"
        when = f"{doc.published_on.isoformat()}T00:00:00Z"
        out += [
            "  <entry>",
            f"    <title>{xml_escape(doc.id + ': ' + doc.title)}</title>",
            f"    <id>{xml_escape(entry_id)}</id>",
            f"    <link rel=\"alternate\" type=\"text/html\" href={quoteattr(link)}/>",
            f"    <published>{when}</published>",
            f"    <updated>{when}</updated>",
        ]
        for author in doc.authors:
            out.append(f"    <author><name>{xml_escape(author)}</name></author>")
        for cat in inc.categories:
            out.append(f"    <category term={quoteattr(cat)}/>")
        out.append(f"    <summary type=\"html\">{xml_escape(str(markdown.block(doc.summary)))}</summary>")
        out.append("  </entry>")
    out.append("</feed>")
    return "\n".join(out) + "\n"
