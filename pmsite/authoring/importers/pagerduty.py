"""PagerDuty: an incident (``GET /incidents/{id}``) and its log (``GET /incidents/{id}/log_entries``).

Each log entry becomes a timeline event by its type (:data:`ENTRY_KINDS`, also in the
author guide). Notification entries are left out: there is one per person and channel,
and the escalation entries already tell that story. Without log entries, the incident's
own times (triggered, acknowledged, resolved) make the timeline.

Every ``user`` and ``user_reference`` in the record (agents, assignees, acknowledgers ...) is
a person, and so is every address a contact method or a notification names: never written,
an actor only through the ``actors`` mapping (by user id, name or e-mail), masked in texts.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from pmsite.authoring.importers.errors import DraftError, DraftUsage
from pmsite.authoring.importers.inputs import read_json
from pmsite.authoring.importers.mapping import Mapping
from pmsite.authoring.importers.people import Person, person
from pmsite.authoring.importers.record import Event, Record, Request, Source, Stamp
from pmsite.authoring.importers.times import optional_time, parse_time
from pmsite.authoring.importers.untrusted import clean, dig, shown
from pmsite.text import is_http_url

TOOL = "PagerDuty"
SYSTEM = "PagerDuty"  # actor for what PagerDuty itself did (escalation by timeout); mappable
INTEGRATION = "Alerting integration"  # actor for a service or integration agent, unless mapped

# type -> (kind, event text). None as kind: guessed from the note's text.
ENTRY_KINDS: dict[str, tuple[str | None, str]] = {
    "trigger_log_entry": ("detection", "Incident triggered"),
    "acknowledge_log_entry": ("escalation", "Incident acknowledged"),
    "acknowledgement_log_entry": ("escalation", "Incident acknowledged"),
    "unacknowledge_log_entry": ("escalation", "Acknowledgement timed out; the incident is unacknowledged again"),
    "assign_log_entry": ("escalation", "Incident assigned"),
    "delegate_log_entry": ("escalation", "Incident reassigned to another escalation policy"),
    "escalate_log_entry": ("escalation", "Incident escalated"),
    "exhaust_escalation_path_log_entry": ("escalation", "Escalation policy exhausted: no further level to notify"),
    "repeat_escalation_path_log_entry": ("escalation", "Escalation policy repeated from its first level"),
    "resolve_log_entry": ("resolution", "Incident resolved"),
    "snooze_log_entry": ("other", "Incident snoozed"),
    "urgency_change_log_entry": ("other", "Incident urgency changed"),
    "reach_trigger_limit_log_entry": ("other", "Trigger limit reached: later alerts were not added"),
    "reach_ack_limit_log_entry": ("other", "Acknowledgement limit reached"),
    "field_value_change_log_entry": ("other", "Incident fields changed"),
    "custom_field_value_change_log_entry": ("other", "Incident custom fields changed"),
    "annotate_log_entry": (None, "Note added"),
}
SKIPPED = frozenset({"notify_log_entry"})
AUTOMATED_CHANNELS = frozenset({"api", "auto", "email", "nagios", "integration", "timeout"})


def _people(*values: Any) -> list[Person]:
    """Every user, user reference and contact address anywhere in the record (walked without recursion)."""
    found: dict[Person, None] = {}
    stack = list(values)
    while stack:
        value = stack.pop()
        if isinstance(value, list):
            stack.extend(value)
        elif isinstance(value, dict):
            kind = str(value.get("type") or "")
            if kind in ("user", "user_reference"):
                found[person([value.get(k) for k in ("summary", "name", "email")], [value.get("id")])] = None
            elif "contact_method" in kind or kind.endswith("notification"):
                found[person([value.get("address")])] = None
            stack.extend(value.values())
    return list(found)


def _actor(agent: Any, mapping: Mapping) -> str | None:
    """A role for a person (or nothing), a system for a service, integration or PagerDuty itself."""
    if not isinstance(agent, dict):
        return mapping.actor(SYSTEM, default=SYSTEM)
    kind = str(agent.get("type") or "")
    keys = (agent.get("id"), agent.get("summary"), agent.get("name"), agent.get("email"))
    if kind.startswith("user"):
        return mapping.actor(*keys)
    if "service" in kind or "integration" in kind:
        return mapping.actor(*keys, default=mapping.actor(INTEGRATION, default=INTEGRATION))
    return mapping.actor(*keys)


def _pages(paths: list[Path]) -> tuple[list[tuple[dict[str, Any], str]], list[str]]:
    """Log entries from one or more pages, each with where it was read; and a note when pages are missing."""
    entries: list[tuple[dict[str, Any], str]] = []
    seen: set[str] = set()
    offsets: dict[int, int] = {}  # offset -> entries on that page
    wanted: list[int] = []  # offsets that a page with more: true points to
    for path in paths:
        data = read_json(path)
        pages = data if isinstance(data, list) else [data]
        if isinstance(data, list) and data and all(isinstance(p, dict) and "log_entries" not in p for p in data):
            pages = [{"log_entries": data}]  # a bare list of entries
        for p, page in enumerate(pages):
            at = f"{path}" + (f": [{p}]" if isinstance(data, list) and len(pages) > 1 else "")
            items = page.get("log_entries") if isinstance(page, dict) else None
            if not isinstance(items, list):
                raise DraftError(f"{at}: expected the JSON of PagerDuty's GET /incidents/{{id}}/log_entries: an object "
                                 f"with a \"log_entries\" list (or a list of such pages), got {shown(page)}")
            offset, more = page.get("offset"), page.get("more")
            if isinstance(offset, int) and not isinstance(offset, bool):
                offsets[offset] = len(items)
                if more is True:
                    wanted.append(offset + len(items))
            for i, entry in enumerate(items):
                where = f"{at}: log_entries[{i}]"
                if not isinstance(entry, dict):
                    raise DraftError(f"{where}: expected a log entry object, got {shown(entry)}")
                ident = entry.get("id")
                if isinstance(ident, str) and ident:
                    if ident in seen:
                        continue  # pages fetched twice overlap
                    seen.add(ident)
                entries.append((entry, where))
    notes = [f"the PagerDuty log entries from offset {n} on were not given (a page says more: true); "
             f"fetch ?offset={n} and pass that page too" for n in sorted(set(wanted)) if n not in offsets]
    return entries, notes


def _event(entry: dict[str, Any], where: str, mapping: Mapping, title: str) -> Event | None:
    kind_name = clean(entry.get("type"), one_line=True, limit=60)
    if kind_name in SKIPPED:
        return None
    at = parse_time(entry.get("created_at"), f"{where}.created_at")
    readable = kind_name.removesuffix("_log_entry").replace("_", " ") or "unknown"
    kind, text = ENTRY_KINDS.get(kind_name, ("other", f"PagerDuty log entry: {readable}"))
    channel = entry.get("channel")
    note = clean(entry.get("note"))
    if kind_name == "annotate_log_entry":
        note = note or clean(dig(channel, "content")) or clean(dig(channel, "summary"))
        if not note:
            return None
        text, kind = note, mapping.kind_of(note)
    elif kind_name == "trigger_log_entry":
        description = (clean(dig(entry, "event_details", "description"), one_line=True, limit=300)
                       or clean(dig(channel, "summary"), one_line=True, limit=300) or title)
        text = f"{text}: {description}" if description else text
    elif note:
        text = f"{text}. Note: {note}"
    url = entry.get("html_url")
    evidence = [url] if isinstance(url, str) and is_http_url(url) else []
    return Event(at, text, kind, _actor(entry.get("agent"), mapping), evidence)


def read(request: Request, mapping: Mapping) -> Record:
    if request.channel is not None:
        raise DraftUsage("--channel is only for --from slack")
    first, *rest = request.inputs
    top = read_json(first)
    incident = top.get("incident") if isinstance(top, dict) else None
    if not isinstance(incident, dict) and isinstance(top, dict) and top.get("type") == "incident":
        incident = top
    if not isinstance(incident, dict):
        raise DraftError(f"{first}: expected the JSON of PagerDuty's GET /incidents/{{id}}: an object with an "
                         f"\"incident\" object, got {shown(top)}")
    entries, notes = _pages(rest)
    where = f"{first}: incident"
    title = clean(incident.get("title") or incident.get("summary"), one_line=True)
    created = parse_time(incident.get("created_at"), f"{where}.created_at")
    resolved = optional_time(incident.get("resolved_at"), f"{where}.resolved_at")
    events = [e for e in (_event(entry, at, mapping, title) for entry, at in entries) if e is not None]

    trigger = next((entry for entry, _ in entries if entry.get("type") == "trigger_log_entry"), None)
    if trigger is not None:
        agent_type = str(dig(trigger, "agent", "type") or "")
        automated = not agent_type.startswith("user") and (
            "service" in agent_type or "integration" in agent_type
            or dig(trigger, "channel", "type") in AUTOMATED_CHANNELS)
    else:
        all_alerts = dig(incident, "alert_counts", "all")
        automated = isinstance(all_alerts, int) and all_alerts > 0  # alerts come from integrations

    if not events:  # no log given, or an empty one: the incident's own times
        events.append(Event(created, f"Incident triggered: {title}" if title else "Incident triggered", "detection"))
        for i, ack in enumerate(incident.get("acknowledgements") or []):
            at = optional_time(dig(ack, "at"), f"{where}.acknowledgements[{i}].at")
            if at is not None:
                events.append(Event(at, "Incident acknowledged", "escalation", _actor(dig(ack, "acknowledger"), mapping)))
        if resolved is not None:
            events.append(Event(resolved, "Incident resolved", "resolution",
                                _actor(incident.get("last_status_change_by"), mapping)))

    severity: tuple[str, Source] | None = None
    priority = dig(incident, "priority", "summary") or dig(incident, "priority", "name")
    urgency = incident.get("urgency")
    if isinstance(priority, str) and priority.strip():
        severity = ("pagerduty_priority", Source(priority, f"{where}.priority.summary"))
    elif isinstance(urgency, str) and urgency.strip():
        severity = ("pagerduty_urgency", Source(urgency, f"{where}.urgency"))
    services = []
    service = incident.get("service")
    name = dig(service, "summary") or dig(service, "name")
    if isinstance(name, str) and name.strip():
        ident = dig(service, "id")
        services.append(Source(name, f"{where}.service.summary", (ident,) if isinstance(ident, str) else ()))
    teams = [Source(t, f"{where}.teams[{i}].summary") for i, t in
             enumerate(dig(team, "summary") for team in (incident.get("teams") or [])) if isinstance(t, str) and t.strip()]
    number = incident.get("incident_number")
    reference = f"incident #{number}" if isinstance(number, int) else f"incident {clean(incident.get('id'), one_line=True, limit=40)}"
    links = []
    url = incident.get("html_url")
    if isinstance(url, str) and is_http_url(url):
        links.append((f"PagerDuty {reference}", url))
    return Record(
        tool=TOOL,
        reference=reference,
        name_hint=f"pagerduty {reference}",
        events=events,
        people=_people(incident, [e for e, _ in entries]),
        title=title,
        title_note="the PagerDuty incident's title",
        severity=severity,
        services=services,
        service_label="PagerDuty service",
        teams=teams,
        detected=Stamp(created, "when PagerDuty triggered the incident"),
        resolved=Stamp(resolved, "when PagerDuty resolved the incident") if resolved else None,
        automated=automated,
        detection_note="an integration triggered the PagerDuty incident",
        links=links,
        notes=notes,
    )
