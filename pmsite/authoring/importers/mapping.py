"""The mapping file: the tool's severities, services, teams, people and wording to this site's values.

Every problem in it is reported at once, located (``mapping.yaml: actors.U1: ...``), as a
usage error. A role, service or team it names must be a value the format accepts on one line,
so the draft never fails on what the author wrote here.
"""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from pmsite.authoring.importers.errors import DraftError, DraftUsage
from pmsite.authoring.importers.inputs import decode, read_bytes
from pmsite.authoring.importers.shaping import line_problem
from pmsite.authoring.importers.untrusted import clean, key_of, shown
from pmsite.settings import TIMELINE_KINDS, Settings

# Defaults when the mapping file does not name a value: documented in the author guide.
SEVERITY_TABLES: dict[str, tuple[str, dict[str, int]]] = {
    "pagerduty_priority": ("PagerDuty priority", {"P1": 1, "P2": 2, "P3": 3, "P4": 4, "P5": 4}),
    "pagerduty_urgency": ("PagerDuty urgency", {"high": 2, "low": 4}),
    "opsgenie_priority": ("Opsgenie priority", {"P1": 1, "P2": 2, "P3": 3, "P4": 4, "P5": 4}),
}
SECTIONS = ("severity", "services", "teams", "actors", "kinds")

# Phrases that make a free-text event's kind obvious; the first rule that matches wins.
# A phrase right after "not", "no", "never" or "yet" does not count ("not resolved yet").
DEFAULT_KINDS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("resolution", ("resolved", "all clear", "back to normal", "fully recovered", "alert closed", "incident closed")),
    ("mitigation", ("mitigated", "mitigation", "rolled back", "rolling back", "rollback", "roll back",
                    "failed over", "failover", "restarted", "workaround")),
    ("detection", ("alert fired", "alert triggered", "alert created", "alerted", "firing", "triggered", "detected",
                   "noticed")),
    ("escalation", ("acknowledged", "escalated", "escalating", "paged", "paging", "declared")),
    ("communication", ("status page", "statuspage", "status update", "customers notified", "customer update")),
)


def phrase_pattern(phrase: str) -> re.Pattern[str]:
    """A phrase of the wording, as a whole, in any case and spacing, not right after a negation."""
    words = r"\s+".join(re.escape(w) for w in phrase.split())
    return re.compile(rf"(?<![\w-])(?<!not )(?<!no )(?<!never )(?<!yet )(?<!n't ){words}(?![\w-])", re.IGNORECASE)


_DEFAULT_RULES = [(phrase_pattern(p), kind) for kind, phrases in DEFAULT_KINDS for p in phrases]


@dataclass
class Mapping:
    """The tool's values to this site's: severities, services, teams, actors and kinds."""

    origin: str = "the default mapping"
    severity: dict[str, dict[str, int | str]] = field(default_factory=dict)
    services: dict[str, list[str]] | None = None  # None: no section, names become slugs
    teams: dict[str, list[str]] | None = None
    actors: dict[str, str | None] = field(default_factory=dict)  # None: leave this actor out
    kinds: list[tuple[re.Pattern[str], str]] = field(default_factory=list)

    def actor(self, *keys: Any, default: str | None = None) -> str | None:
        """The role or system for the first key the ``actors`` section names, else ``default``."""
        for key in keys:
            if isinstance(key, str) and key.strip() and key_of(key) in self.actors:
                return self.actors[key_of(key)]
        return default

    def roles(self) -> dict[str, str]:
        return {key_of(role): role for role in self.actors.values() if role}

    def kind_of(self, text: str) -> str | None:
        """The timeline kind a free text makes obvious: the mapping's phrases first, then the defaults."""
        for pattern, kind in (*self.kinds, *_DEFAULT_RULES):
            if pattern.search(text):
                return kind
        return None


def load_mapping(path: Path | None, settings: Settings) -> Mapping:
    """Read a mapping file (YAML). Every problem in it is reported at once, as a usage error."""
    if path is None:
        return Mapping()
    name = str(path)
    raw = _parse(path, name)
    problems: list[str] = []
    out = Mapping(origin=name)

    def section(key: str) -> dict[Any, Any]:
        value = raw.get(key)
        if value is not None and not isinstance(value, dict):
            problems.append(f"{name}: {key}: expected a mapping, got {shown(value)}")
        return value if isinstance(value, dict) else {}

    for key in raw:
        if key not in SECTIONS:
            close = difflib.get_close_matches(str(key), SECTIONS, n=1)
            hint = f"did you mean {close[0]!r}?" if close else f"expected one of {', '.join(SECTIONS)}"
            problems.append(f"{name}: {_key(key)}: unknown section; {hint}")
    _severities(section("severity"), name, settings, out, problems)
    for key in ("services", "teams"):
        if isinstance(raw.get(key), dict):
            names: dict[str, list[str]] = {}
            for tool_name, site in section(key).items():
                mapped = _names(site, f"{name}: {key}.{_key(tool_name)}", problems)
                if mapped is not None:
                    names[key_of(tool_name)] = mapped
            setattr(out, key, names)
        else:
            section(key)
    for who, role in section("actors").items():
        where = f"{name}: actors.{_key(who)}"
        if role is None or role == "":
            out.actors[key_of(who)] = None
        elif not isinstance(role, str) or "\n" in role.strip() or not clean(role, one_line=True):
            problems.append(f"{where}: expected a role or a system on one line (or null to leave it out), got {shown(role)}")
        elif found := line_problem(clean(role, one_line=True)):
            problems.append(f"{where}: {found}")
        else:
            out.actors[key_of(who)] = clean(role, one_line=True)
    for phrase, kind in section("kinds").items():
        if kind not in TIMELINE_KINDS or not str(phrase).strip():
            problems.append(f"{name}: kinds.{_key(phrase)}: expected a timeline kind ({', '.join(TIMELINE_KINDS)}), got {shown(kind)}")
        else:
            out.kinds.append((phrase_pattern(str(phrase)), kind))
    if problems:
        raise DraftUsage("\n".join(problems))
    return out


def _parse(path: Path, name: str) -> dict[Any, Any]:
    try:
        raw = yaml.safe_load(decode(read_bytes(path), name))
    except DraftError as exc:
        raise DraftUsage(str(exc)) from None
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        where = f"{name}:{mark.line + 1}:{mark.column + 1}" if mark else name
        raise DraftUsage(f"{where}: expected a valid YAML mapping file: {exc.problem or exc}") from None
    except (yaml.YAMLError, RecursionError) as exc:
        raise DraftUsage(f"{name}: expected a valid YAML mapping file: {exc}") from None
    if raw is None:
        return {}
    if not isinstance(raw, dict):
        raise DraftUsage(f"{name}: expected a mapping with the sections {', '.join(SECTIONS)}, got {shown(raw)}")
    return raw


def _severities(tables: dict[Any, Any], name: str, settings: Settings, out: Mapping, problems: list[str]) -> None:
    levels = {str(level): level for level in settings.severities}
    for table, values in tables.items():
        where = f"{name}: severity.{_key(table)}"
        if table not in SEVERITY_TABLES:
            problems.append(f"{where}: unknown table; expected one of {', '.join(SEVERITY_TABLES)}")
            continue
        if not isinstance(values, dict):
            problems.append(f"{where}: expected a mapping of the tool's values to severity levels, got {shown(values)}")
            continue
        table_out: dict[str, int | str] = {}
        for tool_value, level in values.items():
            if isinstance(level, bool) or str(level) not in levels:
                problems.append(f"{where}.{_key(tool_value)}: expected a severity level of this site "
                                f"({', '.join(levels)}), got {shown(level)}")
            else:
                table_out[key_of(tool_value)] = levels[str(level)]
        out.severity[table] = table_out


def _key(value: Any) -> str:
    """A key of the mapping file, shown in a message."""
    return clean(str(value), one_line=True, limit=40)


def _names(value: Any, where: str, problems: list[str]) -> list[str] | None:
    """This site's names for a tool's service or team: each a one-line value the format accepts."""
    items = value if isinstance(value, list) else [value]
    out = [clean(v, one_line=True) for v in items]
    if not items or any(not isinstance(v, str) or not name for v, name in zip(items, out)):
        problems.append(f"{where}: expected a name or a list of names, got {shown(value)}")
        return None
    found = [p for p in map(line_problem, out) if p]
    if found:
        problems.append(f"{where}: {found[0]}")
        return None
    return out
