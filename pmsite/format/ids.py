"""Ids: of incidents (the page's URL) and of action items (the anchor on that page), each with its one message."""

from __future__ import annotations

import re

ID_CHARS = "A-Za-z0-9_-"  # letters, digits, '-' and '_': safe in a URL, a file name and an HTML id
ID_RULE = "3-64 letters, digits, '-' or '_'"
ACTION_ID_RULE = "1-64 letters, digits, '-' or '_'"
# \Z, not $: "$" also matches before a trailing newline, and "INC-1\n" is not "INC-1".
ID_PATTERN = re.compile(rf"^[{ID_CHARS}]{{3,64}}\Z")
ACTION_ID_PATTERN = re.compile(rf"^[{ID_CHARS}]{{1,64}}\Z")
# The same rules for the JSON Schema, whose "$" never allows a trailing newline.
ID_SCHEMA_PATTERN = rf"^[{ID_CHARS}]{{3,64}}$"
ACTION_ID_SCHEMA_PATTERN = rf"^[{ID_CHARS}]{{1,64}}$"

# Ids the site already uses for its own pages, compared ignoring letter case: an incident
# is published at incidents/<id>/, and incidents/index is the catalog.
RESERVED_IDS = frozenset({"index", "page"})  # incidents/index.md is the catalog; incidents/page/N/ its pages

# Action ids whose anchor (action-<id>) is already a heading of the incident page.
RESERVED_ACTION_IDS = frozenset({"items"})
