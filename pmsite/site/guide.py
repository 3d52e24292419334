"""Reference tables for the author guide, generated from the model and the checklist.

Generating them means the guide cannot drift from what the build enforces.
Configured names (severity labels, categories, priorities) come from
``mkdocs.yml`` and land in a Markdown page that allows raw HTML, so every one
goes through :func:`text` or :func:`code`: shown as written, never markup.
"""

from __future__ import annotations

import html
import re

from pmsite.analysis.checklist import MIN_EVIDENCE_SHARE, active_checks
from pmsite.format.reference import field_reference
from pmsite.settings import DOCUMENT_STATUSES, TIMELINE_KINDS, Settings
from pmsite.text import plural

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


def _prose(value: str) -> str:
    """Text written in this package: escaped, with its `code spans` kept as code."""
    return re.sub(r"`([^`]+)`", r"<code>\1</code>", html.escape(value))


def _path(path: str) -> str:
    """A field path as code that may wrap after a dot, never inside a name."""
    return "<code class=\"pm-path\">" + html.escape(path).replace(".", ".<wbr>") + "</code>"


def field_table(settings: Settings) -> str:
    """Every field as a row: the field with its type, then what it means and the values it takes.

    HTML rather than a Markdown table, so the page can lay it out as a card per field on a phone.
    """
    allowed = allowed_values(settings)
    rows = []
    for path, type_name, required, description in field_reference():
        values = f'<br><span class="pm-muted">Allowed:</span> {allowed[path]}' if path in allowed else ""
        need = "<strong>required</strong>" if required else "optional"
        rows.append(
            f"<tr><td>{_path(path)}<br><span class=\"pm-muted\">{html.escape(type_name)}, {need}</span></td>"
            f"<td>{_prose(description)}{values}</td></tr>"
        )
    return (
        '<table class="pm-compact pm-reference">\n<thead><tr><th scope="col">Field</th><th scope="col">Meaning</th></tr></thead>\n'
        "<tbody>\n" + "\n".join(rows) + "\n</tbody>\n</table>\n"
    )


def how_to_pass(settings: Settings) -> dict[str, str]:
    """How to pass each check, with this site's numbers and words (each configured value shown as text)."""
    phrases = ", ".join(f"'{text(p)}'" for p in list(settings.blaming_phrases)[:3])
    more = ", ..." if len(settings.blaming_phrases) > 3 else ""
    vague = " or ".join(f"'{text(v)}'" for v in list(settings.vague_actions)[:2])
    windows = ", ".join(f"{text(p)} {text(d)} days" for p, d in settings.priority_windows.items())
    return {
        "PM101": f"No blaming phrases ({phrases}{more}). Describe the gap in the system or process instead; the warning "
                 "suggests a rewording." if phrases else "No blaming phrases are configured.",
        "PM102": "At least one timeline event of kind <code>detection</code>: when and how the problem was noticed.",
        "PM103": "At least one timeline event of kind <code>resolution</code>: when the incident ended.",
        "PM104": f"Every root cause asks at least {plural(settings.min_whys, 'why', 'whys')}, down to a systemic cause.",
        "PM105": f"At least one contributing factor ({', '.join(text(c) for c in settings.factor_categories)}).",
        "PM106": "Every action item says how you will know it worked (<code>success_criteria</code>).",
        "PM107": "Open action items are due after the publication date.",
        "PM108": "Action items name a concrete change" + (f"; vague ones such as {vague} are flagged." if vague else "."),
        "PM109": f"At most {plural(settings.max_action_items, 'action item')}: focus on the ones that prevent recurrence.",
        "PM110": f"Published within {plural(settings.publication_deadline_days, 'day')} of resolution, whatever the severity.",
        "PM111": f"Due dates within the priority's target window from resolution: {windows}." if windows
                 else "Due dates within the priority's target window from resolution (no windows are configured).",
        "PM112": f"At least {MIN_EVIDENCE_SHARE:.0%} of timeline events link evidence: dashboards, logs, tickets.",
        "PM113": f"The review meeting is held within {plural(settings.review_deadline_hours, 'hour')} of resolution.",
        "PM114": "An action's status says what its ticket's state in the tracker means, as the last "
                 "<code>pmsite tickets sync</code> read it (the warning names the status and date to write).",
    }


def checklist_table(settings: Settings) -> str:
    """Every check with how to pass it on this site: its configured numbers, phrases and windows."""
    how = how_to_pass(settings)
    rows = [f"<tr><td><code>{code_}</code></td><td>{_prose(title)}</td><td>{how[code_]}</td></tr>"
            for code_, title in active_checks(settings).items()]
    return (
        '<table class="pm-compact pm-reference pm-reference--checks">\n<thead><tr><th scope="col">Code</th><th scope="col">Check</th>'
        '<th scope="col">How to pass</th></tr></thead>\n<tbody>\n' + "\n".join(rows) + "\n</tbody>\n</table>\n"
    )


FIELD_MARKER = "<!-- pmsite:field-reference -->"
CHECKLIST_MARKER = "<!-- pmsite:checklist -->"


def expand_markers(markdown: str, settings: Settings) -> str:
    """A hand-written page with its markers filled: the field reference and the checklist, as this site configures them."""
    if "<!-- pmsite:" not in markdown:
        return markdown
    return markdown.replace(FIELD_MARKER, field_table(settings)).replace(CHECKLIST_MARKER, checklist_table(settings))
