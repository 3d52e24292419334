"""Opsgenie: an alert (``GET /v2/alerts/{id}``), its log, notes and recipients (``.../logs``, ``/notes``, ``/recipients``).

Opsgenie's log is free text ("Alert acknowledged via web"), so an entry's kind comes from
its wording: the mapping's ``kinds`` first, then the defaults; a note is an event too. Without
a log, the alert itself makes the timeline: created, acknowledged and closed
(``report.ackTime`` and ``report.closeTime`` are milliseconds after ``createdAt``).

Opsgenie names users by their e-mail address. Owners, responders, recipients, note authors
and the people of the report (``acknowledgedBy``, ``closedBy``) are never written: actors only
through the ``actors`` mapping, and masked in texts.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

from pmsite.authoring.importers.errors import DraftError, DraftUsage
from pmsite.authoring.importers.inputs import read_json
from pmsite.authoring.importers.mapping import Mapping
from pmsite.authoring.importers.people import Person, person
from pmsite.authoring.importers.record import Event, Record, Request, Source, Stamp
from pmsite.authoring.importers.times import parse_time
from pmsite.authoring.importers.untrusted import clean, dig, key_of, shown

TOOL = "Opsgenie"
SYSTEM = "Opsgenie"  # actor for what Opsgenie itself did; mappable
INTEGRATION = "Alerting integration"  # actor for the integration that created the alert, unless mapped
SYSTEM_OWNERS = frozenset({"system", "opsgenie", "alert api"})
PERSON_CHANNELS = frozenset({"web", "mobile", "iphone", "android"})  # integration types a person acts through


def _alert(top: Any, path: Path) -> dict[str, Any]:
    alert = top.get("data") if isinstance(top, dict) else None
    if not isinstance(alert, dict) and isinstance(top, dict) and "createdAt" in top and "message" in top:
        alert = top
    if not isinstance(alert, dict):
        raise DraftError(f"{path}: expected the JSON of Opsgenie's GET /v2/alerts/{{id}}: an object with a \"data\" "
                         f"object, got {shown(top)}")
    return alert


def _logs(paths: list[Path]) -> tuple[list[tuple[dict[str, Any], str]], list[str]]:
    """Log entries, notes and recipients from one or more pages, each with where it was read; and a note
    when the last page is missing."""
    logs: list[tuple[dict[str, Any], str]] = []
    seen: set[tuple[bool, str]] = set()
    pages_with_next = pages = 0
    for path in paths:
        data = read_json(path)
        if isinstance(data, list):  # several pages, or a bare list of log entries
            found = data if data and all(isinstance(p, dict) and "data" in p for p in data) else [{"data": data}]
        else:
            found = [data]
        for p, page in enumerate(found):
            at = f"{path}" + (f": [{p}]" if len(found) > 1 else "")
            items = page.get("data") if isinstance(page, dict) else None
            if not isinstance(items, list):
                raise DraftError(f"{at}: expected the JSON of Opsgenie's GET /v2/alerts/{{id}}/logs (or /notes, "
                                 f"/recipients): an object with a \"data\" list (or a list of such pages), got {shown(page)}")
            pages += 1
            pages_with_next += bool(dig(page, "paging", "next"))
            for i, entry in enumerate(items):
                where = f"{at}: data[{i}]"
                if not isinstance(entry, dict):
                    raise DraftError(f"{where}: expected a log entry object, got {shown(entry)}")
                offset = entry.get("offset")
                if isinstance(offset, str) and offset:
                    if ("note" in entry, offset) in seen:
                        continue  # pages fetched twice overlap
                    seen.add(("note" in entry, offset))
                logs.append((entry, where))
    notes = []
    if pages and pages_with_next == pages:
        notes.append("every Opsgenie log page given points to a next one (paging.next); fetch the last page and "
                     "pass it too")
    return logs, notes


def _owner_is_person(owner: str, integration: str) -> bool:
    return key_of(owner) not in SYSTEM_OWNERS and key_of(owner) != key_of(integration)


def _actor(owner: Any, integration: str, mapping: Mapping) -> str | None:
    """A role for a user (or nothing), a system for Opsgenie itself or the alert's integration."""
    if not isinstance(owner, str) or not owner.strip():
        return None
    if key_of(owner) in SYSTEM_OWNERS:
        return mapping.actor(owner, default=mapping.actor(SYSTEM, default=SYSTEM))
    if integration and key_of(owner) == key_of(integration):
        return mapping.actor(owner, default=mapping.actor(INTEGRATION, default=INTEGRATION))
    return mapping.actor(owner)


def _people(alert: dict[str, Any], logs: list[tuple[dict[str, Any], str]], integration: str) -> list[Person]:
    """The owners, responders, recipients and note authors: every user the alert, its log and its notes name."""
    users = [alert.get("owner"), dig(alert, "report", "acknowledgedBy"), dig(alert, "report", "closedBy"),
             *(entry.get("owner") for entry, _ in logs)]
    source = alert.get("source")
    users += [source] if isinstance(source, str) and "@" in source else []  # the source is a person only as an address
    for responder in [*(alert.get("responders") or []), *(alert.get("visibleTo") or []),
                      *(entry.get("user") for entry, _ in logs)]:  # recipients: {"user": {"id", "username"}}
        if isinstance(responder, dict) and responder.get("type", "user") == "user":
            users += [responder.get("username"), responder.get("name"), responder.get("fullName")]
    return list(dict.fromkeys(person([u]) for u in users
                              if isinstance(u, str) and u.strip() and _owner_is_person(u, integration)))


def _after(created: dt.datetime, millis: Any) -> dt.datetime | None:
    if isinstance(millis, int) and not isinstance(millis, bool) and 0 <= millis < 10**13:
        return created + dt.timedelta(milliseconds=millis)
    return None


def read(request: Request, mapping: Mapping) -> Record:
    if request.channel is not None:
        raise DraftUsage("--channel is only for --from slack")
    first, *rest = request.inputs
    alert = _alert(read_json(first), first)
    logs, notes = _logs(rest)
    where = f"{first}: data"
    integration = clean(dig(alert, "integration", "name"), one_line=True)
    title = clean(alert.get("message"), one_line=True)
    created = parse_time(alert.get("createdAt"), f"{where}.createdAt")

    events = []
    for entry, at in logs:
        text = clean(entry.get("log")) or clean(entry.get("note"))
        if text:
            moment = parse_time(entry.get("createdAt"), f"{at}.createdAt")
            events.append(Event(moment, text, mapping.kind_of(text), _actor(entry.get("owner"), integration, mapping)))
    acked = _after(created, dig(alert, "report", "ackTime"))
    closed = _after(created, dig(alert, "report", "closeTime")) if alert.get("status") == "closed" else None
    if not events:  # no log given, or an empty one: the alert's own times
        actor = mapping.actor(integration, default=mapping.actor(INTEGRATION, default=INTEGRATION)) if integration else None
        events.append(Event(created, f"Alert created: {title}" if title else "Alert created", "detection", actor))
        if acked is not None:
            events.append(Event(acked, "Alert acknowledged", "escalation",
                                _actor(dig(alert, "report", "acknowledgedBy"), integration, mapping)))
        if closed is not None:
            events.append(Event(closed, "Alert closed", "resolution",
                                _actor(dig(alert, "report", "closedBy"), integration, mapping)))

    priority = alert.get("priority")
    severity = ("opsgenie_priority", Source(priority, f"{where}.priority")) if isinstance(priority, str) and priority.strip() else None
    entity = alert.get("entity")
    services = [Source(entity, f"{where}.entity")] if isinstance(entity, str) and entity.strip() else []
    kind = key_of(dig(alert, "integration", "type") or "")
    source = alert.get("source")
    automated = bool(kind) and kind not in PERSON_CHANNELS and not (isinstance(source, str) and "@" in source)
    tiny = alert.get("tinyId")
    reference = f"alert #{clean(tiny, one_line=True, limit=20)}" if isinstance(tiny, str) and tiny else \
        f"alert {clean(alert.get('id'), one_line=True, limit=40)}"
    return Record(
        tool=TOOL,
        reference=reference,
        name_hint=f"opsgenie {reference}",
        events=events,
        people=_people(alert, logs, integration),
        title=title,
        title_note="the Opsgenie alert's message",
        severity=severity,
        services=services,
        service_label="Opsgenie entity",
        detected=Stamp(created, "when Opsgenie created the alert"),
        resolved=Stamp(closed, "createdAt + report.closeTime of the Opsgenie alert") if closed else None,
        automated=automated,
        detection_note="an integration created the Opsgenie alert",
        notes=notes,
    )
