"""Ids: of incidents (the page's URL) and of action items (the anchor on that page)."""

from __future__ import annotations

import re

# \Z, not $: "$" also matches before a trailing newline, and "INC-1\n" is not "INC-1".
ID_PATTERN = re.compile(r"^[A-Za-z0-9_-]{3,64}\Z")

ACTION_ID_PATTERN = re.compile(r"^[A-Za-z0-9_-]{1,64}\Z")


# Ids the site already uses for its own pages, compared ignoring letter case: an incident
# is published at incidents/<id>/, and incidents/index is the catalog.
RESERVED_IDS = frozenset({"index", "page"})  # incidents/index.md is the catalog; incidents/page/N/ its pages

# Action ids whose anchor (action-<id>) is already a heading of the incident page.
RESERVED_ACTION_IDS = frozenset({"items"})
