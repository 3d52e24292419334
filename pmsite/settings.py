"""The engine's settings: allowed values and policy, free of any front end.

The MkDocs plugin and the CLI both build a :class:`Settings` from the
``pmsite`` entry of ``mkdocs.yml``; the engine never reads configuration
files itself, so another front end can drive it the same way.
"""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from pmsite.dates import DATE_RULE, DateProblem, in_range, parse_date
from pmsite.statuses import CLOSED, DEFAULT_ACTION_STATUSES, LABELS, OPEN, Meaning, parse_action_statuses
from pmsite.tracker_config import TrackerConfig, parse_tracker_config

DEFAULT_SEVERITIES: dict[int | str, str] = {
    1: "SEV1 · Critical",
    2: "SEV2 · Major",
    3: "SEV3 · Minor",
    4: "SEV4 · Low",
}
DEFAULT_DETECTION_METHODS = (
    "automated-alert",
    "customer-report",
    "internal-report",
    "manual-check",
    "third-party",
    "unknown",
)
DEFAULT_ROOT_CAUSE_CATEGORIES = (
    "code-defect",
    "configuration-error",
    "capacity-insufficient",
    "dependency-failure",
    "process-gap",
    "operational-error",
    "design-flaw",
    "monitoring-gap",
)
DEFAULT_FACTOR_CATEGORIES = ("people", "process", "technology", "environment")
DEFAULT_PRIORITIES = ("critical", "high", "medium", "low")
DOCUMENT_STATUSES = ("draft", "in-review", "published")
TIMELINE_KINDS = (
    "trigger",
    "detection",
    "escalation",
    "decision",
    "mitigation",
    "resolution",
    "communication",
    "other",
)
# Target windows in days, from the incident's resolution: the due date's limit (PM111) and the time-to-close
# target of the figures (critical 1 week, high 4 weeks, medium 60 days, low 90 days).
DEFAULT_PRIORITY_WINDOWS = {"critical": 7, "high": 28, "medium": 60, "low": 90}

# Phrase -> a systemic rewording the warning suggests.
DEFAULT_BLAMING_PHRASES: dict[str, str] = {
    "human error": "describe the gap in the system or process that allowed the action",
    "should have known": "say which signal or documentation was missing",
    "careless": "describe the safeguard that was absent",
    "obviously a mistake": "describe what made the action look safe at the time",
    "failed to notice": "say which alert or signal did not surface the problem",
    "negligence": "describe the process gap instead of a judgement",
    "fault of": "describe the conditions, not who is at fault",
    "sloppy": "describe the missing check or review step",
}
DEFAULT_VAGUE_ACTIONS = (
    "improve monitoring",
    "add more tests",
    "add more monitoring",
    "be more careful",
    "improve testing",
    "improve documentation",
    "better communication",
    "improve alerting",
    "investigate",
)

ENV_PUBLISH_DRAFTS = "PMSITE_PUBLISH_DRAFTS"
ENV_REFERENCE_DATE = "PMSITE_REFERENCE_DATE"
ENV_VARIABLES = {"publish_drafts": ENV_PUBLISH_DRAFTS, "reference_date": ENV_REFERENCE_DATE}  # option -> variable
_TRUE = ("1", "true", "yes", "on")
_FALSE = ("", "0", "false", "no", "off")

def parse_configured_date(value: object) -> dt.date:
    """A configured date (a YAML date or ``YYYY-MM-DD``) by the one rule of :mod:`pmsite.dates`; ValueError says why."""
    try:
        if isinstance(value, dt.date) and not isinstance(value, dt.datetime):
            in_range(value)
            return value
        if isinstance(value, str):
            return parse_date(value)
        raise DateProblem(DATE_RULE)
    except DateProblem as problem:
        shown = value.isoformat() if isinstance(value, dt.date) else repr(value if not isinstance(value, str) or len(value) <= 40 else value[:37] + "...")
        raise ValueError(f"expected {problem.expected}, got {shown}") from None


def environment_overrides(environ: Mapping[str, str]) -> dict[str, Any]:
    """The settings the environment overrides (``PMSITE_REFERENCE_DATE``, ``PMSITE_PUBLISH_DRAFTS``).

    The one reader of these variables, for the MkDocs configuration and the CLI
    alike; a value it cannot read is a ValueError naming the variable, never ignored.
    """
    out: dict[str, Any] = {}
    drafts = environ.get(ENV_PUBLISH_DRAFTS, "").strip().lower()
    if drafts in _TRUE:
        out["publish_drafts"] = True
    elif drafts not in _FALSE:
        shown = repr(drafts[:40])
        raise ValueError(f"{ENV_PUBLISH_DRAFTS}: expected 1, true, yes or on (or 0, false, no, off), got {shown}")
    ref = environ.get(ENV_REFERENCE_DATE, "")
    if ref.strip():
        try:
            out["reference_date"] = parse_configured_date(ref)
        except ValueError as exc:
            raise ValueError(f"{ENV_REFERENCE_DATE}: {exc}") from None
    return out


@dataclass(frozen=True)
class Settings:
    """Everything the engine needs to know about a knowledge base's policy."""

    severities: dict[int | str, str] = field(default_factory=lambda: dict(DEFAULT_SEVERITIES))
    detection_methods: tuple[str, ...] = DEFAULT_DETECTION_METHODS
    root_cause_categories: tuple[str, ...] = DEFAULT_ROOT_CAUSE_CATEGORIES
    factor_categories: tuple[str, ...] = DEFAULT_FACTOR_CATEGORIES
    priorities: tuple[str, ...] = DEFAULT_PRIORITIES
    action_statuses: dict[str, Meaning] = field(default_factory=lambda: dict(DEFAULT_ACTION_STATUSES))  # word -> meaning
    priority_windows: dict[str, int] = field(default_factory=lambda: dict(DEFAULT_PRIORITY_WINDOWS))
    reference_date: dt.date | None = None
    publish_drafts: bool = False
    related_limit: int = 5
    pattern_window_months: int = 12
    pattern_threshold: int = 3
    due_soon_days: int = 14
    publication_deadline_days: int = 7
    review_deadline_hours: int = 48
    max_action_items: int = 8
    min_whys: int = 3
    severities_requiring_postmortem: tuple[int | str, ...] = (1, 2)
    blaming_phrases: dict[str, str] = field(default_factory=lambda: dict(DEFAULT_BLAMING_PHRASES))
    vague_actions: tuple[str, ...] = DEFAULT_VAGUE_ACTIONS
    max_file_bytes: int = 1024 * 1024
    max_depth: int = 20
    tracker: TrackerConfig | None = None  # where action items are tracked; its state file says their state

    @property
    def today(self) -> dt.date:
        """The build's reference date: fixed by configuration, else today (UTC)."""
        if self.reference_date is not None:
            return self.reference_date
        return dt.datetime.now(dt.UTC).date()

    def severity_label(self, level: int | str) -> str:
        return self.severities.get(level, str(level))

    def status_meaning(self, word: str) -> Meaning:
        """What an action status word means on this site (see :mod:`pmsite.statuses`)."""
        return self.action_statuses.get(word, OPEN)

    def status_word(self, meaning: Meaning) -> str:
        """The word this site writes for a meaning (the first configured one), else the meaning's own label."""
        return next((word for word, m in self.action_statuses.items() if m == meaning), LABELS[meaning])

    @property
    def closed_statuses(self) -> frozenset[str]:
        """The words whose meaning is done or won't do: such an action needs ``completed_on``."""
        return frozenset(word for word, meaning in self.action_statuses.items() if meaning in CLOSED)

    @classmethod
    def from_mapping(cls, raw: dict[str, Any], *, environ: dict[str, str] | None = None) -> Settings:
        """Build settings from a plain mapping (the plugin's options), then the environment.

        Unknown keys are ignored here: the MkDocs config layer already rejects them.
        """
        env = os.environ if environ is None else environ
        values: dict[str, Any] = {}
        for name in cls.__dataclass_fields__:
            if name in raw and raw[name] is not None:
                values[name] = raw[name]
        for key in (
            "detection_methods",
            "root_cause_categories",
            "factor_categories",
            "priorities",
            "vague_actions",
            "severities_requiring_postmortem",
        ):
            if key in values:
                values[key] = tuple(values[key])
        if "tracker" in values and not isinstance(values["tracker"], TrackerConfig):
            values["tracker"] = parse_tracker_config(values["tracker"])  # ValueError names the option's path
        if "action_statuses" in values:
            try:
                values["action_statuses"] = parse_action_statuses(values["action_statuses"])
            except ValueError as exc:
                raise ValueError(f"action_statuses: {exc}") from None
        if "severities" in values:
            values["severities"] = {k: str(v) for k, v in dict(values["severities"]).items()}
        if "reference_date" in values:
            try:
                values["reference_date"] = parse_configured_date(values["reference_date"])
            except ValueError as exc:
                raise ValueError(f"reference_date: {exc}") from None
        values.update(environment_overrides(env))
        return cls(**values)
