"""The plugin's options in ``mkdocs.yml`` (``plugins: - pmsite: {...}``), typed and validated by MkDocs."""

from __future__ import annotations

import datetime as dt
from typing import Any

from mkdocs.config import config_options as c
from mkdocs.config.base import Config

from . import settings as s


class _DateOrString(c.BaseConfigOption[Any]):
    """A date, written as a YAML date or an ISO string."""

    def run_validation(self, value: object) -> dt.date | None:
        if value is None or isinstance(value, dt.date):
            return value
        if isinstance(value, str):
            try:
                return dt.date.fromisoformat(value)
            except ValueError:
                pass
        raise c.ValidationError(f"expected a date (YYYY-MM-DD), got {value!r}")


class PmsiteConfig(Config):
    enabled = c.Type(bool, default=True)
    incidents_dir = c.Type(str, default="incidents")
    publish_drafts = c.Type(bool, default=False)
    reference_date = c.Optional(_DateOrString())
    checklist = c.Type(bool, default=True)
    search = c.Type(bool, default=True)  # pmsite's Pagefind search replaces Material's search plugin
    # Files under the incidents folder other than post-mortems are not published unless they match one of these
    # glob patterns (e.g. "*.png" for diagrams a post-mortem links to).
    publish_incident_files = c.ListOfItems(c.Type(str), default=[])

    severities = c.Type(dict, default=dict(s.DEFAULT_SEVERITIES))
    detection_methods = c.ListOfItems(c.Type(str), default=list(s.DEFAULT_DETECTION_METHODS))
    root_cause_categories = c.ListOfItems(c.Type(str), default=list(s.DEFAULT_ROOT_CAUSE_CATEGORIES))
    factor_categories = c.ListOfItems(c.Type(str), default=list(s.DEFAULT_FACTOR_CATEGORIES))
    priorities = c.ListOfItems(c.Type(str), default=list(s.DEFAULT_PRIORITIES))
    action_statuses = c.ListOfItems(c.Type(str), default=list(s.DEFAULT_ACTION_STATUSES))
    priority_windows = c.Type(dict, default=dict(s.DEFAULT_PRIORITY_WINDOWS))

    related_limit = c.Type(int, default=5)
    pattern_window_months = c.Type(int, default=12)
    pattern_threshold = c.Type(int, default=3)
    due_soon_days = c.Type(int, default=14)

    publication_deadline_days = c.Type(int, default=7)
    review_deadline_hours = c.Type(int, default=48)
    max_action_items = c.Type(int, default=8)
    min_whys = c.Type(int, default=3)
    severities_requiring_postmortem = c.ListOfItems(c.Type((int, str)), default=[1, 2])
    blaming_phrases = c.Type(dict, default=dict(s.DEFAULT_BLAMING_PHRASES))
    vague_actions = c.ListOfItems(c.Type(str), default=list(s.DEFAULT_VAGUE_ACTIONS))
    max_file_bytes = c.Type(int, default=1024 * 1024)
