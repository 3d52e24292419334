"""``pmsite draft`` on records real tools produce: a draft that validates, or a located error.

Never "the draft would not validate; please report this". Every text is shaped with the
format's own limits (one line of 200 characters, 20,000 per text, 2,000 per URL, 100,000
per document, Markdown nested at most 16 levels): what does not fit is shortened, trimmed
or left out with a TODO. A Slack export is read within a total size and a message count,
so a zip bomb is a clear error. Expected values are worked out by hand.
"""

from __future__ import annotations

import json
import zipfile
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from drafting import FALLBACK, comment_of, drafted, events, kb, message, pmsite_here, refused, slack_export

SLACK = ("--from", "slack", "export", "--channel", "inc-x")


# --- texts of a Slack channel --------------------------------------------------------------------


def test_a_message_of_only_invisible_characters_is_left_out(tmp_path: Path) -> None:
    invisible = ["\u200b", "\u2060", "\u3164", "\u00a0\u200b", "\ufeff", "\u180e", "\u200d"]
    slack_export(tmp_path, [message(text, i) for i, text in enumerate(invisible)] + [message("Alert fired", 60)])
    _, doc, _ = drafted(kb(tmp_path), *SLACK)
    assert events(doc) == ["Alert fired"]
    slack_export(tmp_path, [message("\u200b", 0)])
    assert refused(tmp_path, *SLACK) == (
        1, "pmsite: error: export/inc-x: no message with text in #inc-x; a draft needs at least one\n")


def test_a_message_longer_than_the_format_allows_is_shortened(tmp_path: Path) -> None:
    slack_export(tmp_path, [message("word " * 8000, 0)])  # Slack allows 40,000 characters
    text, doc, _ = drafted(kb(tmp_path), *SLACK)
    assert events(doc) == ["word " * 3999 + "word…"]
    assert comment_of(text, "  - at: 2024-03-15T10:00:00Z") == (
        "TODO: text shortened to the format's 20,000 characters (it had 39,999)")


def test_terminal_colour_codes_are_removed(tmp_path: Path) -> None:
    ci = "\x1b[31mERROR\x1b[0m build failed\n" * 60
    linked = "\x1b]8;;https://ci.example.com/run/1\x07job 1\x1b]8;;\x07 \x1b[1;32mpassed\x1b[0m \x9b1mbold"
    slack_export(tmp_path, [message(ci, 0), message(linked, 60)])
    _, doc, _ = drafted(kb(tmp_path), *SLACK)
    assert events(doc) == ["\n".join(["ERROR build failed"] * 60), "job 1 passed bold"]


def test_a_day_of_ten_thousand_messages_keeps_what_the_document_holds(tmp_path: Path) -> None:
    # each text is 40 characters; the draft's other texts are 174 (id 13, title 36, status 5, summary 55,
    # detection 7, services 12, authors 9, impact 37): (100,000 - 174) // 40 = 2,495 events fit
    slack_export(tmp_path, [message(f"Step {i:05d} of the data backfill is done.", i) for i in range(10_000)])
    text, doc, stderr = drafted(kb(tmp_path), *SLACK)
    assert len(doc.timeline) == 2495
    assert (doc.timeline[0].event, doc.timeline[-1].event) == (
        "Step 00000 of the data backfill is done.", "Step 02494 of the data backfill is done.")
    note = ("the timeline holds the first 2,495 of the record's 10,000 events (a document holds at most 100,000 "
            "characters of text); add the later ones that matter by hand")
    assert f"# TODO: {note}\n" in text and f"note: {note}\n" in stderr


def test_the_timeline_keeps_within_the_configured_file_size(tmp_path: Path) -> None:
    (kb(tmp_path) / "mkdocs.yml").write_text("site_name: Handbook\ndocs_dir: content\nplugins:\n  - pmsite:\n"
                                             "      max_file_bytes: 20000\n", encoding="utf-8")
    slack_export(tmp_path, [message(f"Step {i:05d} of the data backfill is done.", i) for i in range(10_000)])
    text, doc, stderr = drafted(tmp_path, *SLACK)
    # each event takes 83 bytes ("  - at: 2024-03-15T10:00:00Z" and "    event: " with the quoted text, 2 line breaks)
    assert 20_000 - 83 - 400 < len(text.encode("utf-8")) <= 20_000
    note = (f"the timeline holds the first {len(doc.timeline):,} of the record's 10,000 events (a file holds at most "
            "20,000 bytes); add the later ones that matter by hand")
    assert f"note: {note}\n" in stderr


def test_deep_nesting_in_a_pasted_block_is_flattened(tmp_path: Path) -> None:
    code = "```\n" + "\n".join(" " * (4 * i) + f"level {i}" for i in range(20)) + "\n```"
    quoted = "> " * 20 + "quoted"
    slack_export(tmp_path, [message(code, 0), message(quoted, 60), message("[" * 60 + " ok", 120)])
    text, doc, _ = drafted(kb(tmp_path), *SLACK)
    flat = "```\n" + "\n".join(" " * (4 * min(i, 16)) + f"level {i}" for i in range(20)) + "\n```"
    assert events(doc) == [flat, "\\" + "> " * 20 + "quoted", "\\[" * 60 + " ok"]
    assert [comment_of(text, f"  - at: 2024-03-15T10:0{m}:00Z") for m in range(3)] == [
        "TODO: nesting flattened to the format's 16 levels", "TODO: nesting flattened to the format's 16 levels",
        "TODO: Markdown characters escaped so that the text renders as written"]


# --- titles and URLs -----------------------------------------------------------------------------


def pagerduty(root: Path, title: str, html_url: str, entry_url: str = "") -> tuple[str, ...]:
    incident = {"incident": {"id": "Q1", "type": "incident", "incident_number": 7, "title": title,
                             "created_at": "2024-06-11T16:38:45+02:00", "urgency": "high", "html_url": html_url,
                             "service": {"id": "PS1", "type": "service_reference", "summary": "Checkout API"}}}
    log = {"log_entries": [{"id": "L1", "type": "trigger_log_entry", "created_at": "2024-06-11T16:38:45+02:00",
                            "html_url": entry_url, "agent": {"type": "service_reference", "summary": "Checkout API"}}]}
    (root / "incident.json").write_text(json.dumps(incident), encoding="utf-8")
    (root / "log.json").write_text(json.dumps(log), encoding="utf-8")
    return "--from", "pagerduty", "incident.json", "log.json"


def test_a_title_with_invisible_characters_at_either_end_is_trimmed(tmp_path: Path) -> None:
    text, doc, _ = drafted(kb(tmp_path), *pagerduty(tmp_path, "\u200bCheckout API down\u200b ", ""))
    assert doc.title == "Checkout API down"
    _, doc, _ = drafted(tmp_path, *pagerduty(tmp_path, "\u200b", ""), "--id", "INC-2")
    assert doc.title == "TODO: what happened to which service"
    long_title = "Checkout " * 30  # 269 characters once trimmed
    text, doc, _ = drafted(tmp_path, *pagerduty(tmp_path, long_title, ""), "--id", "INC-3")
    assert doc.title == "Checkout " * 22 + "C…"
    assert comment_of(text, "title:") == "TODO: shortened to the format's 200 characters: the PagerDuty incident's title"


def test_a_link_or_evidence_url_longer_than_the_format_allows_is_left_out(tmp_path: Path) -> None:
    url = "https://example.pagerduty.com/incidents/Q1?" + "a" * 3000
    why = "longer than the format's 2,000 characters"
    text, doc, _ = drafted(kb(tmp_path), *pagerduty(tmp_path, "Checkout API down", url, url))
    assert (doc.links, doc.timeline[0].evidence) == ([], [])
    assert comment_of(text, "links:") == f"TODO: a link of the record was left out: {why}"
    assert comment_of(text, "  - at: 2024-06-11T16:38:45+02:00") == f"TODO: evidence left out: {why}"
    (tmp_path / "t.csv").write_text(f"timestamp,event,evidence\n2024-09-03T04:40:00Z,Alert fired,{url}\n", encoding="utf-8")
    text, doc, _ = drafted(tmp_path, "--from", "csv", "t.csv")
    assert doc.timeline[0].evidence == []
    assert comment_of(text, "  - at: 2024-09-03T04:40:00Z") == f"TODO: evidence left out: {why}"


def test_a_url_that_urlsplit_cannot_parse_is_kept_as_the_format_accepts_it(tmp_path: Path) -> None:
    url = "https://[example.pagerduty.com/incidents/Q1"  # urlsplit: "Invalid IPv6 URL"; pmsite.text.is_http_url: a URL
    text, doc, _ = drafted(kb(tmp_path), *pagerduty(tmp_path, "Checkout API down", url, url))
    assert ([link.url for link in doc.links], doc.timeline[0].evidence) == ([url], [url])


def test_evidence_text_longer_than_the_format_allows_is_shortened(tmp_path: Path) -> None:
    (tmp_path / "t.csv").write_text(f"timestamp,event,evidence\n2024-09-03T04:40:00Z,Alert fired,{'log ' * 6000}\n",
                                    encoding="utf-8")
    text, doc, _ = drafted(kb(tmp_path), "--from", "csv", "t.csv")
    assert doc.timeline[0].evidence == ["log " * 4999 + "log…"]  # 23,999 characters once trimmed: 20,000 kept
    assert comment_of(text, "  - at: 2024-09-03T04:40:00Z") == "TODO: evidence shortened to the format's 20,000 characters"


# --- what the author gives: located errors --------------------------------------------------------


def test_a_mapped_role_or_name_longer_than_a_line_is_a_located_error(tmp_path: Path) -> None:
    slack_export(kb(tmp_path), [message("Alert fired", 0)])
    (tmp_path / "m.yaml").write_text(f"actors:\n  U1: {'r' * 250}\n", encoding="utf-8")
    assert refused(tmp_path, *SLACK, "--mapping", "m.yaml") == (
        2, "pmsite: error: m.yaml: actors.U1: expected at most 200 characters, got 250\n")
    (tmp_path / "m.yaml").write_text(f"services:\n  Checkout API: {'s' * 201}\n", encoding="utf-8")
    assert refused(tmp_path, *SLACK, "--mapping", "m.yaml") == (
        2, "pmsite: error: m.yaml: services.Checkout API: expected at most 200 characters, got 201\n")
    assert refused(tmp_path, *SLACK, "--title", "t" * 201) == (
        2, "pmsite: error: --title: expected at most 200 characters, got 201\n")


# --- a Slack export: bounded ---------------------------------------------------------------------


def test_more_messages_than_a_draft_can_start_from_is_a_clear_error(tmp_path: Path) -> None:
    slack_export(kb(tmp_path), [message("m", i % 3600) for i in range(50_001)])
    assert refused(tmp_path, *SLACK) == (
        1, "pmsite: error: export/inc-x: #inc-x has more than 50,000 messages in the export; expected at most "
           "50,000: export only the days of the incident\n")


def test_a_zip_bomb_is_refused_before_it_is_inflated(tmp_path: Path) -> None:
    # 10 day files of 14,000,000 bytes (whitespace: about 14 KB each once compressed), channels.json 31 bytes and
    # users.json 2 bytes: 140,000,033 bytes, more than the 134,217,728 (128 MiB) an export may inflate to
    day = b"[" + b" " * 13_999_998 + b"]"
    with zipfile.ZipFile(tmp_path / "export.zip", "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("channels.json", json.dumps([{"id": "C1", "name": "inc-x"}]))
        zf.writestr("users.json", "[]")
        for n in range(1, 11):
            zf.writestr(f"inc-x/2024-03-{n:02d}.json", day)
    assert (tmp_path / "export.zip").stat().st_size < 200_000
    message_ = ("the files to read for #inc-x hold 140,000,033 bytes uncompressed; expected at most 134,217,728 "
                "(128 MiB): export only the days of the incident")
    assert refused(kb(tmp_path), "--from", "slack", "export.zip", "--channel", "inc-x") == (
        1, f"pmsite: error: export.zip: {message_}\n")
    folder = slack_export(tmp_path, [])
    for n in range(1, 11):  # sparse files: nothing on disk, 14,000,000 bytes each
        with open(folder / "inc-x" / f"2024-03-{n:02d}.json", "wb") as fh:
            fh.truncate(14_000_000)
    (folder / "inc-x" / "2024-03-15.json").unlink()
    assert refused(tmp_path, *SLACK) == (1, f"pmsite: error: export: {message_}\n")


# --- the class: any text a record holds -------------------------------------------------------------

PIECES = ["\u200b", "\u2060", "\x1b[31m", "\x1b[0m", "\x1b]8;;u\x07", "[", "]", "](", "(", ")", "> ", "- ", "1. ",
          "    ", "\t", "\n", "\n\n", "\r\n", "*", "_", "`", "```", "\\", "#", "<b>", "&amp;", "x", "word ", "字",
          "🔥", "\u202e", "\x00", "\ud800", "\u2028", "https://[", "https://x.example/p?q=", "a" * 100, "é"]


def hostile(max_pieces: int) -> st.SearchStrategy[str]:
    piece = st.tuples(st.sampled_from(PIECES), st.integers(1, 400)).map(lambda p: p[0] * p[1])
    return st.lists(piece, max_size=max_pieces).map("".join)


def draft_or_located_error(root: Path, *args: str) -> None:
    proc = pmsite_here("draft", *args, cwd=root)
    assert FALLBACK not in proc.stderr, proc.stderr
    if proc.returncode == 0:
        checked = pmsite_here("validate", "--strict", proc.stdout.split()[1], cwd=root)
        assert checked.returncode == 0, checked.stdout
    else:
        assert proc.returncode == 1 and proc.stderr.startswith("pmsite: error: "), proc.stderr


@settings(max_examples=40, deadline=None)
@given(texts=st.lists(hostile(12), min_size=1, max_size=4), title=hostile(4), url=hostile(3))
def test_any_slack_or_pagerduty_text_becomes_a_draft_or_a_located_error(
        tmp_path_factory: pytest.TempPathFactory, texts: list[str], title: str, url: str) -> None:
    root = kb(tmp_path_factory.mktemp("hostile"))
    slack_export(root, [message(t, i, attachments=[{"fallback": t}]) for i, t in enumerate(texts)])
    draft_or_located_error(root, *SLACK, "--output", "content/incidents/slack.yaml")
    incident = {"incident": {"id": "Q1", "type": "incident", "title": title, "created_at": "2024-06-11T16:38:45Z",
                             "html_url": "https://x.example/" + url, "service": {"summary": title or "s"}}}
    log = {"log_entries": [{"id": f"L{i}", "type": "annotate_log_entry", "created_at": "2024-06-11T16:40:00Z",
                            "html_url": url, "channel": {"summary": t}} for i, t in enumerate(texts)]}
    (root / "incident.json").write_text(json.dumps(incident), encoding="utf-8")
    (root / "log.json").write_text(json.dumps(log), encoding="utf-8")
    draft_or_located_error(root, "--from", "pagerduty", "incident.json", "log.json", "--output", "content/incidents/pd.yaml")
