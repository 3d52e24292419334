"""Reference tables for the author guide, generated from the model and the checklist.

Generating them means the guide cannot drift from what the build enforces.
Configured names (severity labels, categories, priorities) come from
``mkdocs.yml`` and land in a Markdown page that allows raw HTML, so every one
goes through :func:`text` or :func:`code`: shown as written, never markup.
"""

from __future__ import annotations

import html

from .checklist import CHECKS, HOW_TO_PASS
from .model import field_reference
from .settings import DOCUMENT_STATUSES, TIMELINE_KINDS, Settings

# Markdown punctuation that could start emphasis, links, code or a table cell, as character references.
_MARKDOWN = {ord(ch): f"&#{ord(ch)};" for ch in "\\`*_[]|~#!{}"}


def text(value: object) -> str:
    """A configured value as literal text in a Markdown table cell: HTML and Markdown neutralised, one line."""
    flat = " ".join(str(value).split())
    return html.escape(flat, quote=True).translate(_MARKDOWN)


def code(value: object) -> str:
    """A configured value as inline code, safe for any characters (a backtick cannot close it)."""
    return f"<code>{text(value)}</code>"


def allowed_values(settings: Settings) -> dict[str, str]:
    """Fields whose values come from a fixed or configured set, by field path."""
    severities = ", ".join(f"{code(k)} ({text(v)})" for k, v in settings.severities.items())
    return {
        "status": ", ".join(code(s) for s in DOCUMENT_STATUSES),
        "severity": severities,
        "detection": ", ".join(code(d) for d in settings.detection_methods),
        "timeline[].kind": ", ".join(code(k) for k in TIMELINE_KINDS),
        "root_causes[].category": ", ".join(code(c) for c in settings.root_cause_categories),
        "contributing_factors[].category": ", ".join(code(c) for c in settings.factor_categories),
        "action_items[].priority": ", ".join(
            f"{code(p)} ({text(settings.priority_windows.get(p, '—'))} days)" for p in settings.priorities
        ),
        "action_items[].status": ", ".join(code(s) for s in settings.action_statuses),
    }


def _cell(value: str) -> str:
    """Text written in this package (may use Markdown): only the table's own syntax is escaped."""
    return value.replace("|", "\\|").replace("\n", " ")


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
    for code_, title in CHECKS.items():
        how = _cell(HOW_TO_PASS[code_])
        if code_ == "PM111":  # the windows are this site's, not the defaults
            windows = ", ".join(f"{text(p)} {text(d)} days" for p, d in settings.priority_windows.items())
            how = f"Due dates within the priority's target window from resolution: {windows}."
        elif code_ == "PM110":
            how = f"Published within {settings.publication_deadline_days} days of resolution, whatever the severity."
        lines.append(f"| `{code_}` | {_cell(title)} | {how} |")
    return "\n".join(lines) + "\n"
