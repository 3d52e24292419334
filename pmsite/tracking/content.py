"""What a ticket for an action item says: title, body, labels, project and assignee, and its marker."""

from __future__ import annotations

import hashlib

from pmsite.text import markdown_cell, plain_text
from pmsite.tracker_config import TrackerConfig
from pmsite.tracking.corpus import Action, incident_page
from pmsite.tracking.records import NewTicket
from pmsite.tracking.tracker import html_marker

TITLE_CHARS = 200  # within GitHub's 256 and Jira's 255
BASE_LABELS = ("post-mortem",)
FLAG_LABELS = (("prevents_recurrence", "prevents-recurrence"), ("improves_detection", "improves-detection"),
               ("improves_response", "improves-response"))


def marker(action: Action) -> str:
    """The text that identifies the action in its ticket, found again before creating another."""
    return f"pmsite:action {action.name}"


def title(action: Action) -> str:
    return plain_text(action.item.description, TITLE_CHARS, first_line=True) or action.name


GITHUB_LABEL_CHARS = 50  # GitHub refuses longer label names


def incident_label(incident_id: str, kind: str) -> str:
    """``incident-<id>``; on GitHub an id too long for a label keeps its start and gains a digest of the whole."""
    label = f"incident-{incident_id}"
    if kind != "github" or len(label) <= GITHUB_LABEL_CHARS:
        return label
    digest = hashlib.blake2b(incident_id.encode(), digest_size=4).hexdigest()
    return f"{label[: GITHUB_LABEL_CHARS - 9]}-{digest}"


def labels(action: Action, config: TrackerConfig) -> tuple[str, ...]:
    """post-mortem, incident-<id>, the priority, the flags set, then the configured labels; each once."""
    item = action.item
    found = [*BASE_LABELS, incident_label(action.incident_id, config.kind), item.priority]
    found += [label for name, label in FLAG_LABELS if getattr(item, name)]
    found += list(config.labels)
    unique: dict[str, str] = {}
    for label in found:
        unique.setdefault(label.casefold(), label if config.kind != "jira" else "-".join(label.split()))
    return tuple(unique.values())


def _lookup(mapping: dict[str, str] | object, *names: str) -> str | None:
    if not isinstance(mapping, dict):
        return None
    folded = {str(k).casefold(): v for k, v in mapping.items()}
    return next((folded[n.casefold()] for n in names if n.casefold() in folded), None)


def project(action: Action, config: TrackerConfig) -> str:
    """``tracker.routes`` by the action's owner, then by the incident's teams; else the default project."""
    return _lookup(dict(config.routes), action.item.owner, *action.teams) or config.project


def new_ticket(action: Action, config: TrackerConfig, site_url: str, directory_urls: bool = True) -> NewTicket:
    item = action.item
    link = incident_page(site_url, action.slug, directory_urls)
    sections: list[tuple[str, str]] = [("Action", " ".join(item.description.split()))]
    if item.success_criteria:
        sections.append(("Success criteria", " ".join(item.success_criteria.split())))
    sections += [("Priority", item.priority), ("Due", item.due.isoformat()), ("Owner", item.owner),
                 ("Incident", f"{action.incident_id}: {action.incident_title}")]
    mark = marker(action)
    lines = [item.description.strip(), ""]
    if item.success_criteria:
        lines += ["**Success criteria:** " + " ".join(item.success_criteria.split()), ""]
    lines += [f"**Priority:** {item.priority} · **Due:** {item.due.isoformat()} · **Owner:** {item.owner}", ""]
    incident = f"{action.incident_id}: {action.incident_title}"
    shown = markdown_cell(incident)
    lines += [f"**Post-mortem:** [{shown}]({link})" if link else f"**Post-mortem:** {shown}", ""]
    lines += ["_Created by pmsite from the post-mortem's action item " + action.action_id + "._", "", html_marker(mark)]
    return NewTicket(
        project=project(action, config), marker=mark, incident_id=action.incident_id,
        incident_label=incident_label(action.incident_id, config.kind), title=title(action),
        body="\n".join(lines) + "\n", sections=tuple(sections), link=link, labels=labels(action, config),
        due=item.due, priority=item.priority, assignee=_lookup(dict(config.assignees), item.owner),
    )
