"""The plugin's options in ``mkdocs.yml`` (``plugins: - pmsite: {...}``), typed and validated by MkDocs.

This class is the one definition of the options: the plugin gets it from
MkDocs, and the ``pmsite`` CLI validates the same ``mkdocs.yml`` entry through
it (:func:`validate_options`), so both refuse ``related_limit: "5"`` with the
same message. The environment overrides (``PMSITE_REFERENCE_DATE``,
``PMSITE_PUBLISH_DRAFTS``) are read and checked here too, by
:func:`pmsite.settings.environment_overrides`.
"""

from __future__ import annotations

import datetime as dt
import os
from typing import Any

from mkdocs.config import config_options as c
from mkdocs.config.base import Config

import pmsite.settings as s
from pmsite.statuses import parse_action_statuses
from pmsite.text import FORBIDDEN_IN_LINE  # a configured name reaches pages, the guide and the terminal

DEFAULTS = s.Settings()  # the one home of every option's default: the engine's own settings



def _shown(value: object) -> str:
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "..."


def _name(value: object, what: str) -> str:
    if not isinstance(value, str) or not value.strip() or value != value.strip() or FORBIDDEN_IN_LINE.search(value):
        raise c.ValidationError(f"expected {what} as one line of text without control characters, got {_shown(value)}")
    return value


class _Count(c.BaseConfigOption[int]):
    """A whole number within a range (``"5"`` and ``true`` are not numbers)."""

    def __init__(self, default: int, minimum: int, maximum: int) -> None:
        super().__init__()
        self.default, self.minimum, self.maximum = default, minimum, maximum

    def run_validation(self, value: object) -> int:
        if isinstance(value, bool) or not isinstance(value, int) or not self.minimum <= value <= self.maximum:
            raise c.ValidationError(f"expected a whole number from {self.minimum:,} to {self.maximum:,}, got {_shown(value)}")
        return value


class _Names(c.BaseConfigOption[list[str]]):
    """A non-empty list of distinct one-line names."""

    def __init__(self, default: tuple[str, ...], what: str, *, may_be_empty: bool = False) -> None:
        super().__init__()
        self.default, self.what, self.may_be_empty = list(default), what, may_be_empty

    def run_validation(self, value: object) -> list[str]:
        if not isinstance(value, list) or not (value or self.may_be_empty):
            raise c.ValidationError(f"expected a non-empty list of {self.what}, got {_shown(value)}")
        names = [_name(v, f"each of the {self.what}") for v in value]
        if len(set(names)) != len(names):
            raise c.ValidationError(f"expected distinct {self.what}, got {_shown(value)}")
        return names


class _Levels(c.BaseConfigOption[list[Any]]):
    """Severity levels: whole numbers or names."""

    def __init__(self, default: list[Any]) -> None:
        super().__init__()
        self.default = default

    def run_validation(self, value: object) -> list[Any]:
        if not isinstance(value, list) or not all(_is_level(v) for v in value):
            raise c.ValidationError(f"expected a list of severity levels, got {_shown(value)}")
        return value


def _is_level(value: object) -> bool:
    return (isinstance(value, int) and not isinstance(value, bool)) or (isinstance(value, str) and bool(_name(value, "a level")))


class _Severities(c.BaseConfigOption[dict[Any, str]]):
    """Severity levels (whole numbers or names) and their labels."""

    def __init__(self) -> None:
        super().__init__()
        self.default = dict(s.DEFAULT_SEVERITIES)

    def run_validation(self, value: object) -> dict[Any, str]:
        if not isinstance(value, dict) or not value:
            raise c.ValidationError(f"expected a mapping of severity levels to labels, got {_shown(value)}")
        for level, label in value.items():
            if not _is_level(level):
                raise c.ValidationError(f"expected severity levels that are whole numbers or names, got {_shown(level)}")
            _name(label, f"the label of severity {level}")
        return value


class _Mapping(c.BaseConfigOption[dict[str, Any]]):
    """A mapping of names to whole numbers (``priority_windows``) or to text (``blaming_phrases``)."""

    def __init__(self, default: dict[str, Any], what: str, numbers: bool) -> None:
        super().__init__()
        self.default, self.what, self.numbers = dict(default), what, numbers

    def run_validation(self, value: object) -> dict[str, Any]:
        if not isinstance(value, dict):
            raise c.ValidationError(f"expected a mapping of {self.what}, got {_shown(value)}")
        for key, item in value.items():
            _name(key, "each name")
            if self.numbers:
                if isinstance(item, bool) or not isinstance(item, int) or not 0 <= item <= 36_500:
                    raise c.ValidationError(f"expected a number of days from 0 to 36,500 for {key!r}, got {_shown(item)}")
            else:
                _name(item, f"the text for {key!r}")
        return value


class _ActionStatuses(c.BaseConfigOption[Any]):
    """The status words authors write, each with its meaning (:mod:`pmsite.statuses`): a mapping, or the
    list of the four meanings themselves."""

    def __init__(self) -> None:
        super().__init__()
        self.default = list(DEFAULTS.action_statuses)

    def run_validation(self, value: object) -> Any:
        try:
            parse_action_statuses(value)
        except ValueError as exc:
            raise c.ValidationError(str(exc)) from None
        return value


class _ReferenceDate(c.BaseConfigOption[Any]):
    """A date, written as a YAML date or an ISO string; ``PMSITE_REFERENCE_DATE`` overrides it."""

    def run_validation(self, value: object) -> dt.date | None:
        if value is None:
            return None
        try:
            return s.parse_configured_date(value)
        except ValueError as exc:
            raise c.ValidationError(str(exc)) from None

    def post_validation(self, config: Config, key_name: str) -> None:
        _apply_environment(config, key_name)


class _PublishDrafts(c.Type[bool]):
    """``true``/``false``; ``PMSITE_PUBLISH_DRAFTS=1`` turns it on for a pull-request preview."""

    def __init__(self) -> None:
        super().__init__(bool, default=False)

    def post_validation(self, config: Config, key_name: str) -> None:
        _apply_environment(config, key_name)


def _apply_environment(config: Config, key_name: str) -> None:
    variable = s.ENV_VARIABLES[key_name]
    try:
        overrides = s.environment_overrides({variable: os.environ.get(variable, "")})
    except ValueError as exc:
        raise c.ValidationError(f"environment variable {exc}") from None
    if key_name in overrides:
        config[key_name] = overrides[key_name]


class _Tracker(c.BaseConfigOption[Any]):
    """The ``tracker`` option (see :mod:`pmsite.tracker_config`): validated into a TrackerConfig, or None."""

    def run_validation(self, value: object) -> Any:
        from pmsite.tracker_config import parse_tracker_config

        try:
            return parse_tracker_config(value)
        except ValueError as exc:
            raise c.ValidationError(str(exc)) from None


class PmsiteConfig(Config):
    enabled = c.Type(bool, default=True)
    incidents_dir = c.Type(str, default="incidents")
    publish_drafts = _PublishDrafts()
    reference_date = _ReferenceDate()
    checklist = c.Type(bool, default=True)
    search = c.Type(bool, default=True)  # pmsite's Pagefind search replaces Material's search plugin
    # Files under the incidents folder other than post-mortems are not published unless they match one of these
    # glob patterns (e.g. "*.png" for diagrams a post-mortem links to).
    publish_incident_files = c.ListOfItems(c.Type(str), default=[])

    severities = _Severities()
    detection_methods = _Names(s.DEFAULT_DETECTION_METHODS, "detection methods")
    root_cause_categories = _Names(s.DEFAULT_ROOT_CAUSE_CATEGORIES, "root-cause categories")
    factor_categories = _Names(s.DEFAULT_FACTOR_CATEGORIES, "factor categories")
    priorities = _Names(s.DEFAULT_PRIORITIES, "priorities")
    action_statuses = _ActionStatuses()
    priority_windows = _Mapping(s.DEFAULT_PRIORITY_WINDOWS, "priorities to days", numbers=True)

    related_limit = _Count(DEFAULTS.related_limit, 0, 100)
    pattern_window_months = _Count(DEFAULTS.pattern_window_months, 1, 1200)
    pattern_threshold = _Count(DEFAULTS.pattern_threshold, 1, 1000)
    due_soon_days = _Count(DEFAULTS.due_soon_days, 0, 36_500)

    publication_deadline_days = _Count(DEFAULTS.publication_deadline_days, 0, 36_500)
    review_deadline_hours = _Count(DEFAULTS.review_deadline_hours, 0, 876_000)
    max_action_items = _Count(DEFAULTS.max_action_items, 1, 1000)
    min_whys = _Count(DEFAULTS.min_whys, 0, 100)
    severities_requiring_postmortem = _Levels(list(DEFAULTS.severities_requiring_postmortem))
    blaming_phrases = _Mapping(s.DEFAULT_BLAMING_PHRASES, "phrases to suggested rewordings", numbers=False)
    vague_actions = _Names(s.DEFAULT_VAGUE_ACTIONS, "vague actions", may_be_empty=True)
    max_file_bytes = _Count(DEFAULTS.max_file_bytes, 1024, 64 * 1024 * 1024)
    tracker = _Tracker()  # issue 23: the tracker that `pmsite tickets` creates tickets in and reads back


def validate_options(options: dict[str, Any], config_file_path: str | None = None) -> tuple[PmsiteConfig, list[str], list[str]]:
    """The ``pmsite`` entry of ``mkdocs.yml`` validated exactly as MkDocs validates it for the plugin.

    Returns the configuration, the errors and the warnings (unknown options), each as ``option: message``.
    """
    config = PmsiteConfig(config_file_path=config_file_path)
    config.load_dict(dict(options))
    failed, warned = config.validate()
    errors = [f"{key}: {exc}" for key, exc in failed]
    warnings = [f"{key}: {message}" for key, message in warned]
    return config, errors, warnings
