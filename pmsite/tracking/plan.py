"""What ``apply`` would create and what ``sync`` would read: worked out offline, no request, no token."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

from pmsite.problems import printable
from pmsite.text import markdown_cell
from pmsite.tracker_config import project_key
from pmsite.tracking.content import new_ticket
from pmsite.tracking.corpus import Action, Site
from pmsite.tracking.records import NewTicket, TicketRef
from pmsite.tracking.tracker import Tracker


@dataclass(frozen=True)
class Creation:
    action: Action
    ticket: NewTicket


@dataclass(frozen=True)
class Named:
    """A ticket URL and the actions that name it; ``ref`` when sync reads it, else ``skipped`` says why."""

    url: str
    actions: tuple[Action, ...]
    ref: TicketRef | None = None
    skipped: str = ""


@dataclass
class Plan:
    create: list[Creation] = field(default_factory=list)
    read: list[Named] = field(default_factory=list)
    skipped: list[Named] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)


def make_plan(site: Site, tracker: Tracker) -> Plan:
    """Tickets to create: open actions of published post-mortems without a ticket. Tickets to read: every
    URL an action of a published post-mortem names that is a ticket of the configured projects."""
    config = tracker.config
    plan = Plan(errors=list(site.errors))
    projects = {project_key(config.kind, p) for p in config.projects}
    named: dict[str, list[Action]] = {}
    for action in site.visible:
        if action.item.ticket:
            named.setdefault(action.item.ticket, []).append(action)
        elif action.published and action.is_open:
            plan.create.append(Creation(action, new_ticket(action, config, site.site_url, site.directory_urls)))
    for url in sorted(named):
        actions = tuple(named[url])
        ref = tracker.parse_url(url)
        if ref is None:
            plan.skipped.append(Named(url, actions, skipped=f"not a {tracker.name} ticket on {config.web}"))
        elif project_key(config.kind, ref.project) not in projects:
            plan.skipped.append(Named(url, actions, skipped=f"project {ref.project} is not configured (tracker.also_read)"))
        else:
            plan.read.append(Named(url, actions, ref))
    return plan


def as_json(plan: Plan) -> dict[str, Any]:
    return {
        "create": [
            {"incident": c.action.incident_id, "action": c.action.action_id, "file": c.action.display,
             "project": c.ticket.project, "title": c.ticket.title, "labels": list(c.ticket.labels),
             "priority": c.ticket.priority, "due": c.ticket.due.isoformat(), "assignee_mapped": c.ticket.assignee is not None}
            for c in plan.create
        ],
        "read": [{"ticket": n.url, "project": n.ref.project if n.ref else "", "actions": [a.name for a in n.actions]}
                 for n in plan.read],
        "skipped": [{"ticket": n.url, "why": n.skipped, "actions": [a.name for a in n.actions]} for n in plan.skipped],
        "errors": plan.errors,
    }


def _count(n: int, word: str) -> str:
    return f"{n} {word}{'' if n == 1 else 's'}"


def summary(plan: Plan) -> str:
    return (f"apply would create {_count(len(plan.create), 'ticket')}; sync would read {_count(len(plan.read), 'ticket')}"
            + (f" ({len(plan.skipped)} other links not read)" if plan.skipped else ""))


def as_table(plan: Plan) -> str:
    lines: list[str] = []
    if plan.create:
        rows = [["action", "project", "priority", "due", "title"]]
        rows += [[c.action.name, c.ticket.project, c.ticket.priority, c.ticket.due.isoformat(), c.ticket.title[:60]]
                 for c in plan.create]
        lines += ["To create:", *_columns(rows), ""]
    if plan.read:
        lines += ["To read:", *_columns([["ticket", "named by"], *[[n.url, ", ".join(a.name for a in n.actions)] for n in plan.read]]), ""]
    if plan.skipped:
        lines += ["Not read:", *_columns([["ticket", "why"], *[[n.url, n.skipped] for n in plan.skipped]]), ""]
    lines.append(summary(plan))
    return "\n".join(printable(line) for line in lines)


def _columns(rows: list[list[str]]) -> list[str]:
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]))]
    return ["  " + "  ".join(cell.ljust(w) for cell, w in zip(row, widths)).rstrip() for row in rows]


def as_markdown(plan: Plan) -> str:
    """For a job summary: headings and tables, every value escaped."""
    out = ["### Tickets", "", markdown_cell(summary(plan)), ""]
    if plan.create:
        out += ["#### To create", "", "| action | project | priority | due | title | labels |", "|---|---|---|---|---|---|"]
        out += [f"| {markdown_cell(c.action.name)} | {markdown_cell(c.ticket.project)} | {markdown_cell(c.ticket.priority)} | "
                f"{c.ticket.due.isoformat()} | {markdown_cell(c.ticket.title)} | {markdown_cell(', '.join(c.ticket.labels))} |"
                for c in plan.create]
        out.append("")
    if plan.read:
        out += ["#### To read", "", f"{len(plan.read)} tickets: " + markdown_cell(", ".join(n.url for n in plan.read[:50]))
                + (" …" if len(plan.read) > 50 else ""), ""]
    if plan.skipped:
        out += ["#### Not read", "", "| ticket | why | named by |", "|---|---|---|"]
        out += [f"| {markdown_cell(n.url)} | {markdown_cell(n.skipped)} | {markdown_cell(', '.join(a.name for a in n.actions))} |"
                for n in plan.skipped]
        out.append("")
    if plan.errors:
        out += ["#### Files with errors (left out)", "", *[f"- {markdown_cell(e)}" for e in plan.errors], ""]
    return "\n".join(out)


def dumps_json(plan: Plan) -> str:
    return json.dumps(as_json(plan), indent=2, ensure_ascii=False)
