"""Reference tables for the author guide, generated from the model and the checklist.

Generating them means the guide cannot drift from what the build enforces.
"""

from __future__ import annotations

from .checklist import CHECKS, HOW_TO_PASS
from .model import field_reference
from .settings import DOCUMENT_STATUSES, TIMELINE_KINDS, Settings


def allowed_values(settings: Settings) -> dict[str, str]:
    """Fields whose values come from a fixed or configured set, by field path."""
    severities = ", ".join(f"`{k}` ({v})" for k, v in settings.severities.items())
    return {
        "status": ", ".join(f"`{s}`" for s in DOCUMENT_STATUSES),
        "severity": severities,
        "detection": ", ".join(f"`{d}`" for d in settings.detection_methods),
        "timeline[].kind": ", ".join(f"`{k}`" for k in TIMELINE_KINDS),
        "root_causes[].category": ", ".join(f"`{c}`" for c in settings.root_cause_categories),
        "contributing_factors[].category": ", ".join(f"`{c}`" for c in settings.factor_categories),
        "action_items[].priority": ", ".join(
            f"`{p}` ({settings.priority_windows.get(p, '—')} days)" for p in settings.priorities
        ),
        "action_items[].status": ", ".join(f"`{s}`" for s in settings.action_statuses),
    }


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def field_table(settings: Settings) -> str:
    allowed = allowed_values(settings)
    lines = ["| Field | Type | Required | Allowed values | Meaning |", "|---|---|---|---|---|"]
    for path, type_name, required, description in field_reference():
        lines.append(
            f"| `{path}` | {type_name} | {'**required**' if required else 'optional'} | "
            f"{allowed.get(path, '')} | {_cell(description)} |"
        )
    return "\n".join(lines) + "\n"


def checklist_table(settings: Settings) -> str:
    lines = ["| Code | Check | How to pass |", "|---|---|---|"]
    for code, title in CHECKS.items():
        how = HOW_TO_PASS[code]
        if code == "PM111":  # the windows are this site's, not the defaults
            windows = ", ".join(f"{p} {d} days" for p, d in settings.priority_windows.items())
            how = f"Due dates within the priority's target window from resolution: {windows}."
        lines.append(f"| `{code}` | {_cell(title)} | {_cell(how)} |")
    return "\n".join(lines) + "\n"
