"""The post-mortem quality checklist: warnings with stable codes, and a pass/fail panel.

Each check has a code (``PM101``...) that never changes meaning, a message
that says how to fix it, and can be silenced for one document by listing
the code under ``checklist_ignore``.
"""

from __future__ import annotations

import datetime as dt
import functools
import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from pmsite.analysis.actions import TrackedState
from pmsite.format.document import Document, Loc, action_ids
from pmsite.problems import Problem, field_path
from pmsite.settings import Settings
from pmsite.statuses import CLOSED, LABELS

if TYPE_CHECKING:
    from pmsite.reading.documents import Loaded

CHECKS: dict[str, str] = {
    "PM101": "Blameless language",
    "PM102": "Timeline has a detection event",
    "PM103": "Timeline has a resolution event",
    "PM104": "Root causes reach systemic depth (enough whys)",
    "PM105": "Contributing factors listed",
    "PM106": "Action items have success criteria",
    "PM107": "Open action items are due after publication",
    "PM108": "Action items are specific",
    "PM109": "A focused number of action items",
    "PM110": "Published within the deadline",
    "PM111": "Action due dates within the priority's target window",
    "PM112": "Timeline events link evidence",
    "PM113": "Review meeting within the deadline",
    "PM114": "Action statuses agree with their tickets",
}
MIN_EVIDENCE_SHARE = 0.25


@dataclass
class Finding:
    code: str
    loc: Loc
    message: str


@dataclass
class Check:
    code: str
    title: str
    passed: bool
    detail: str = ""
    ignored: bool = False
    findings: list[Finding] = field(default_factory=list)


def _strings(value: Any, loc: Loc) -> Iterator[tuple[Loc, str]]:
    if isinstance(value, str):
        yield loc, value
    elif isinstance(value, dict):
        for key, item in value.items():
            yield from _strings(item, loc + (key,))
    elif isinstance(value, list):
        for i, item in enumerate(value):
            yield from _strings(item, loc + (i,))


def _phrase_pattern(phrase: str) -> re.Pattern[str]:
    return re.compile(r"(?<![\w])" + r"\s+".join(re.escape(w) for w in phrase.split()) + r"(?![\w])", re.IGNORECASE)


@functools.lru_cache(maxsize=16)
def _blaming_pattern(phrases: tuple[str, ...]) -> re.Pattern[str]:
    """One alternation for every phrase: each string is scanned once, not once per phrase."""
    words = sorted(phrases, key=len, reverse=True)
    body = "|".join(r"\s+".join(re.escape(w) for w in phrase.split()) for phrase in words)
    return re.compile(rf"(?<![\w])(?:{body})(?![\w])", re.IGNORECASE)


def _canonical(found: str, settings: Settings) -> str:
    """The configured phrase a match came from, matched by the same rule as the search: Python's
    case-insensitive matching and ``str.lower`` disagree on some letters (Turkish İ, long ſ)."""
    return next(p for p in settings.blaming_phrases if _phrase_pattern(p).fullmatch(found))


def findings(doc: Document, settings: Settings, tickets: Mapping[str, TrackedState] | None = None) -> list[Finding]:
    """Every checklist finding for one document, whether or not it is silenced; ``tickets``: the tracker's
    states by ticket URL, as the last sync recorded them (PM114)."""
    out: list[Finding] = []
    blaming = _blaming_pattern(tuple(settings.blaming_phrases))
    for loc, text in _strings(doc.model_dump(mode="python", exclude={"checklist_ignore"}), ()):
        for match in blaming.finditer(text):
            phrase = _canonical(match.group(0), settings)
            out.append(Finding("PM101", loc, f"blaming phrase {phrase!r}: {settings.blaming_phrases[phrase]}"))
    kinds = {e.kind for e in doc.timeline}
    if "detection" not in kinds:
        out.append(Finding("PM102", ("timeline",), "no event of kind 'detection': add when and how the problem was detected"))
    if "resolution" not in kinds:
        out.append(Finding("PM103", ("timeline",), "no event of kind 'resolution': add when the incident was resolved"))
    for i, rc in enumerate(doc.root_causes):
        if len(rc.five_whys) < settings.min_whys:
            out.append(
                Finding(
                    "PM104",
                    ("root_causes", i, "five_whys") if rc.five_whys else ("root_causes", i),
                    f"{len(rc.five_whys)} whys: ask at least {settings.min_whys} to reach a systemic cause",
                )
            )
    if not doc.contributing_factors:
        out.append(Finding("PM105", (), "no contributing factors: list the conditions that made the incident likelier or worse"))
    vague = [(v, _phrase_pattern(v)) for v in settings.vague_actions]
    resolved = doc.resolved_at.date() if doc.resolved_at else None
    for i, (item, item_id) in enumerate(zip(doc.action_items, action_ids(doc))):
        is_open = item.status not in settings.closed_statuses
        if not item.success_criteria:
            out.append(Finding("PM106", ("action_items", i), f"action {item_id} has no success_criteria: say how you will know it worked"))
        if is_open and doc.published_on and item.due <= doc.published_on:
            out.append(
                Finding("PM107", ("action_items", i, "due"), f"open action {item_id} was due {item.due} on or before publication ({doc.published_on}): set a realistic future date")
            )
        for phrase, pattern in vague:
            stripped = re.sub(r"[^\w\s]", "", item.description).strip()
            if pattern.search(item.description) and len(stripped.split()) <= len(phrase.split()) + 3:
                out.append(
                    Finding("PM108", ("action_items", i, "description"), f"action {item_id} is vague ({phrase!r}): name the concrete change, the system and the expected result")
                )
                break
        window = settings.priority_windows.get(item.priority)
        if window is not None and resolved is not None and (item.due - resolved).days > window:
            out.append(
                Finding("PM111", ("action_items", i, "due"), f"action {item_id} ({item.priority}) is due {(item.due - resolved).days} days after resolution; the target window is {window} days")
            )
    if len(doc.action_items) > settings.max_action_items:
        out.append(
            Finding("PM109", ("action_items",), f"{len(doc.action_items)} action items: keep at most {settings.max_action_items} and move the rest to the team's backlog")
        )
    # The format's deadline holds for every severity; only the review meeting (PM113) follows the policy.
    policy = doc.severity in settings.severities_requiring_postmortem
    if doc.published_on and resolved is not None:
        delay = (doc.published_on - resolved).days
        if delay > settings.publication_deadline_days:
            out.append(
                Finding("PM110", ("published_on",), f"published {delay} days after resolution; the deadline is {settings.publication_deadline_days} days")
            )
    if doc.timeline:
        with_evidence = sum(1 for e in doc.timeline if e.evidence)
        if with_evidence / len(doc.timeline) < MIN_EVIDENCE_SHARE:
            out.append(
                Finding("PM112", ("timeline",), f"{with_evidence} of {len(doc.timeline)} events link evidence: add dashboards, logs or tickets")
            )
    if policy and doc.review_meeting_on and doc.resolved_at:
        deadline = (doc.resolved_at + dt.timedelta(hours=settings.review_deadline_hours)).date()
        if doc.review_meeting_on > deadline:
            out.append(
                Finding("PM113", ("review_meeting_on",), f"review meeting on {doc.review_meeting_on}, after the {settings.review_deadline_hours}-hour deadline ({deadline})")
            )
    out.extend(_drift(doc, settings, tickets or {}))
    return out


def _drift(doc: Document, settings: Settings, tickets: Mapping[str, TrackedState]) -> Iterator[Finding]:
    """PM114: an action whose ticket the tracker reports in another state than its status says, with the fix."""
    for i, (item, item_id) in enumerate(zip(doc.action_items, action_ids(doc))):
        tracked = tickets.get(item.ticket) if item.ticket else None
        if tracked is None or tracked.meaning == settings.status_meaning(item.status):
            continue
        fix = f"status: {settings.status_word(tracked.meaning)}"
        if tracked.meaning in CLOSED and tracked.closed_on and item.completed_on != tracked.closed_on:
            fix += f" and completed_on: {tracked.closed_on.isoformat()}"
        said = f", {tracked.said}" if tracked.said else ""
        yield Finding("PM114", ("action_items", i, "status"),
                      f"action {item_id} is {LABELS[tracked.meaning]} in the tracker ({tracked.source}{said}) but "
                      f"{item.status} here: set {fix}")


def active_checks(settings: Settings) -> dict[str, str]:
    """The checks this site applies, by code: PM114 only where a tracker is configured."""
    return {code: title for code, title in CHECKS.items() if code != "PM114" or settings.tracker is not None}


def checks(doc: Document, settings: Settings, found: list[Finding] | None = None) -> list[Check]:
    """The checklist for one document, one entry per code."""
    ignored = set(doc.checklist_ignore)
    found = findings(doc, settings) if found is None else found
    out = []
    for code, title in active_checks(settings).items():
        mine = [f for f in found if f.code == code]
        detail = "; ".join(f.message for f in mine[:3]) + (f" (+{len(mine) - 3} more)" if len(mine) > 3 else "")
        out.append(Check(code, title, not mine or code in ignored, detail, code in ignored, mine))
    return out


def warnings_for(item: Loaded, settings: Settings, found: list[Finding] | None = None,
                 tickets: Mapping[str, TrackedState] | None = None) -> list[Problem]:
    """Checklist warnings for one loaded, valid document (drafts are not checked yet)."""
    doc = item.document
    if doc is None or doc.status == "draft":
        return []
    problems = []
    ignored = set(doc.checklist_ignore)
    for f in findings(doc, settings, tickets) if found is None else found:
        if f.code in ignored:
            continue
        line, col = item.where(f.loc)
        problems.append(Problem(item.display, line, col, field_path(f.loc), f.message, "warning", f.code))
    return problems
