"""The author guide's tables come from the site's configuration: every number and phrase a check uses."""

from __future__ import annotations

import re

from pmsite.settings import Settings
from pmsite.site.guide import checklist_table, how_to_pass


def row(table: str, code: str) -> str:
    found = re.search(rf"<tr><td><code>{code}</code></td><td>[^<]*</td><td>(.*?)</td></tr>", table)
    assert found is not None, code
    return found.group(1)


def test_every_rule_of_the_table_follows_the_configuration() -> None:
    settings = Settings(
        min_whys=5, max_action_items=1, publication_deadline_days=1, review_deadline_hours=24,
        blaming_phrases={"dropped the ball": "say which handover step was missing"}, vague_actions=("tidy up",),
        priority_windows={"p1": 2, "p2": 30}, factor_categories=("tools", "load"),
    )
    table = checklist_table(settings)
    assert row(table, "PM101") == ("No blaming phrases ('dropped the ball'). Describe the gap in the system or process "
                                   "instead; the warning suggests a rewording.")
    assert row(table, "PM104") == "Every root cause asks at least 5 whys, down to a systemic cause."
    assert row(table, "PM105") == "At least one contributing factor (tools, load)."
    assert row(table, "PM108") == "Action items name a concrete change; vague ones such as 'tidy up' are flagged."
    assert row(table, "PM109") == "At most 1 action item: focus on the ones that prevent recurrence."
    assert row(table, "PM110") == "Published within 1 day of resolution, whatever the severity."
    assert row(table, "PM111") == "Due dates within the priority's target window from resolution: p1 2 days, p2 30 days."
    assert row(table, "PM113") == "The review meeting is held within 24 hours of resolution."


def test_a_configured_phrase_is_text_in_the_guide() -> None:
    how = how_to_pass(Settings(blaming_phrases={"<b>*x*</b>": "y"}))
    assert how["PM101"].startswith("No blaming phrases ('&lt;b&gt;&#42;x&#42;&lt;/b&gt;').")


def test_nothing_configured_says_so() -> None:
    how = how_to_pass(Settings(blaming_phrases={}, vague_actions=(), priority_windows={}))
    assert how["PM101"] == "No blaming phrases are configured."
    assert how["PM108"] == "Action items name a concrete change."
    assert how["PM111"] == "Due dates within the priority's target window from resolution (no windows are configured)."
