"""A small knowledge base for the tracker tests: mkdocs.yml with a tracker, and post-mortems written by hand."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

# A published post-mortem as an author writes it: comments, a block scalar, quoting, blank lines.
# A1 and A3 are open without a ticket (apply creates them); A2 is done with a pasted ticket.
INCIDENT = """\
# Checkout incident of March
id: INC-2024-0315
title: Checkout errors after the cache eviction
status: published
severity: 2
summary: |
  Checkout returned errors for 12 minutes after a cache eviction.
started_at: 2024-03-15T14:37:00Z
detected_at: 2024-03-15T14:38:45Z
resolved_at: 2024-03-15T14:50:00Z
detection: automated-alert
services: [checkout]
teams: [payments]
authors: [Payments team]
published_on: 2024-03-18
impact:
  description: Some checkouts failed.
timeline:
  - at: 2024-03-15T14:37:00Z
    event: Cache eviction started
    kind: trigger
root_causes:
  - description: The eviction ran at peak traffic.
    category: capacity-insufficient
    five_whys: [a, b, c]

action_items:
  - id: A1
    description: |
      Rate-limit cache evictions during peak hours

      See the runbook for the limits.
    owner: Platform team   # routed nowhere: the default project
    priority: high
    due: 2024-04-15
    status: open
    success_criteria: "An eviction at peak leaves the error rate under 0.1 %"
    prevents_recurrence: true

  - id: A2
    description: Alert on eviction rate
    owner: Observability team
    priority: medium
    due: 2024-04-01
    status: done
    completed_on: 2024-03-30
    ticket: {pasted}
  - id: A3
    description: Document the eviction runbook
    owner: Payments team
    priority: low
    due: 2024-05-01
    status: in-progress
    improves_response: true
"""

DRAFT = """\
id: INC-2024-0401
title: A draft
status: draft
severity: 3
summary: Not yet.
started_at: 2024-04-01T10:00:00Z
detected_at: 2024-04-01T10:05:00Z
detection: unknown
services: [search]
authors: [Search team]
impact:
  description: None yet.
timeline:
  - at: 2024-04-01T10:00:00Z
    event: Started
root_causes: []
action_items:
  - description: Not planned yet
    owner: Search team
    priority: low
    due: 2024-06-01
    status: open
"""


def write_kb(root: Path, tracker: dict[str, Any], *, pasted: str = "https://github.com/acme/platform/issues/1",
             incident: str | None = None, extra_docs: dict[str, str] | None = None) -> Path:
    """A knowledge base in ``root``: mkdocs.yml with ``tracker``, the incident above and a draft."""
    config = {
        "site_name": "KB", "site_url": "https://kb.example.com/", "docs_dir": "content",
        "plugins": [{"pmsite": {"reference_date": "2024-04-01", "tracker": tracker}}],
    }
    root.mkdir(parents=True, exist_ok=True)
    (root / "mkdocs.yml").write_text(yaml.safe_dump(config, sort_keys=False), encoding="utf-8")
    folder = root / "content" / "incidents"
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "2024-03-15-checkout.yaml").write_text(incident or INCIDENT.format(pasted=pasted), encoding="utf-8")
    (folder / "2024-04-01-draft.yaml").write_text(DRAFT, encoding="utf-8")
    for name, text in (extra_docs or {}).items():
        (folder / name).write_text(text, encoding="utf-8")
    return root


FAST = {"create_interval": 0, "max_wait": 5, "backoff": 0.01, "timeout": 5}  # tests wait for (almost) nothing
