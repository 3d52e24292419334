"""The minimal edit: one ticket line per action, every other byte as the author left it."""

from __future__ import annotations

import pytest

from pmsite.tracking.yaml_edit import YamlEditError, set_ticket

URL = "https://github.com/acme/platform/issues/812"


def test_a_block_item_gains_one_line_after_its_last_line_before_the_next_comment() -> None:
    before = """\
id: INC-1  # the id
action_items:
  # first, the cache
  - id: A1
    description: Rate-limit evictions   # short
    status: open

    # about A2, kept above it
  - id: A2
    description: 'quoted: kept'
"""
    assert set_ticket(before, 0, URL) == """\
id: INC-1  # the id
action_items:
  # first, the cache
  - id: A1
    description: Rate-limit evictions   # short
    status: open
    ticket: https://github.com/acme/platform/issues/812

    # about A2, kept above it
  - id: A2
    description: 'quoted: kept'
"""
    assert set_ticket(before, 1, URL) == before + "    ticket: https://github.com/acme/platform/issues/812\n"


def test_after_a_block_scalar_the_line_goes_after_its_text() -> None:
    before = """\
action_items:
  - description: |
      Two lines

      with a blank one.

    status: open
    success_criteria: >
      folded
      text
  - description: x
"""
    assert set_ticket(before, 0, URL) == """\
action_items:
  - description: |
      Two lines

      with a blank one.

    status: open
    success_criteria: >
      folded
      text
    ticket: https://github.com/acme/platform/issues/812
  - description: x
"""


def test_a_kept_block_scalar_keeps_its_trailing_blank_lines() -> None:
    before = "action_items:\n  - status: open\n    description: |+\n      kept\n\n\n  - id: A2\n"
    assert set_ticket(before, 0, URL) == (
        "action_items:\n  - status: open\n    description: |+\n      kept\n\n\n"
        "    ticket: https://github.com/acme/platform/issues/812\n  - id: A2\n")


def test_crlf_endings_indentation_and_a_missing_final_newline() -> None:
    before = "action_items:\r\n-   id: A1\r\n    status: open\r\n-   id: A2\r\n    status: open"
    assert set_ticket(before, 0, URL) == (
        "action_items:\r\n-   id: A1\r\n    status: open\r\n    ticket: https://github.com/acme/platform/issues/812\r\n"
        "-   id: A2\r\n    status: open")
    assert set_ticket(before, 1, URL) == before + "\r\n    ticket: https://github.com/acme/platform/issues/812"


def test_a_byte_order_mark_and_a_dash_on_its_own_line() -> None:
    before = "\ufeffaction_items:\n  -\n      id: A1\n      status: open\n"
    assert set_ticket(before, 0, URL) == "\ufeffaction_items:\n  -\n      id: A1\n      status: open\n      ticket: " + URL + "\n"


def test_flow_items_gain_the_key_after_their_last_value() -> None:
    before = "action_items:\n  - {id: A1, status: open}   # flow\n  - {id: A2,\n     status: open }\n"
    assert set_ticket(before, 0, URL) == (
        "action_items:\n  - {id: A1, status: open, ticket: https://github.com/acme/platform/issues/812}   # flow\n"
        "  - {id: A2,\n     status: open }\n")
    assert set_ticket(before, 1, URL) == (
        "action_items:\n  - {id: A1, status: open}   # flow\n"
        "  - {id: A2,\n     status: open, ticket: https://github.com/acme/platform/issues/812 }\n")
    inline = "action_items: [{id: A1, status: open}]\n"
    assert set_ticket(inline, 0, URL) == "action_items: [{id: A1, status: open, ticket: https://github.com/acme/platform/issues/812}]\n"


@pytest.mark.parametrize("empty", ["ticket: null", "ticket: ~", "ticket:", "ticket:   # to do", "ticket: NULL"])
def test_an_empty_ticket_has_its_value_written_in_place(empty: str) -> None:
    before = f"action_items:\n  - id: A1\n    {empty}\n    status: open\n"
    expected_line = {"ticket:": f"ticket: {URL}", "ticket:   # to do": f"ticket: {URL}   # to do"}.get(empty, f"ticket: {URL}")
    assert set_ticket(before, 0, URL) == f"action_items:\n  - id: A1\n    {expected_line}\n    status: open\n"


def test_a_url_that_would_not_stay_plain_is_quoted() -> None:
    before = "action_items:\n  - {id: A1}\n"
    assert set_ticket(before, 0, "https://x.example/a,b#c") == 'action_items:\n  - {id: A1, ticket: "https://x.example/a,b#c"}\n'


@pytest.mark.parametrize(("text", "index", "message"), [
    ("action_items:\n  - id: A1\n    ticket: https://x.example/1\n", 0, "action_items[0].ticket is already set"),
    ("action_items:\n  - id: A1\n", 3, "expected action_items[3] to be a mapping"),
    ("title: x\n", 0, "expected a mapping with an action_items list"),
    ("action_items: [\n", 0, "not valid YAML"),
    ("action_items:\n  - id: A1\n    ticket: ''\n", 0, "action_items[0].ticket is already set"),
])
def test_what_cannot_be_edited_safely_is_refused(text: str, index: int, message: str) -> None:
    with pytest.raises(YamlEditError, match=message.replace("[", r"\[").replace("]", r"\]")):
        set_ticket(text, index, URL)


def test_an_edit_that_would_change_anything_else_is_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    from pmsite.tracking import yaml_edit

    monkeypatch.setattr(yaml_edit, "_scalar", lambda url: url + "\n    status: done")  # a broken writer
    with pytest.raises(YamlEditError, match="would change more than action_items"):
        set_ticket("action_items:\n  - id: A1\n    status: open\n", 0, URL)
