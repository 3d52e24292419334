"""Issue 12, class 6 (and the output side of class 4): every machine-readable output parses, whatever the content.

tests/hostile/outputs.yaml is a valid post-mortem whose values are hostile to
each format: quotes, ``<script>``, ``]]>``, ``&``, formula starts (``=``,
``+``, ``-``, ``@``), commas and semicolons, a tab, emoji and non-ASCII
letters. Each output is parsed by an independent reader (icalendar,
feedparser, lxml, ElementTree, json, csv) and compared with values written out here.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import xml.etree.ElementTree as ET
from pathlib import Path

import feedparser
import icalendar
import pytest
from lxml import etree
from test_cli import kb, run

from pmsite.analysis.knowledge_base import KnowledgeBase, build_knowledge_base
from pmsite.format.document import Document
from pmsite.reading.documents import load_file
from pmsite.settings import Settings
from pmsite.site import outputs
from pmsite.site.markdown import MarkdownRenderer
from pmsite.site.plan import SitePlan

from conftest import ROOT, shared, valid_doc

HOSTILE = ROOT / "tests" / "hostile" / "outputs.yaml"
SETTINGS = Settings(reference_date=dt.date(2024, 7, 1))
TITLE = 'Checkout "500s" <script>alert(1)</script> ]]> & 🚀 émigré'
SITE = "https://kb.example.com/"


@pytest.fixture(scope=shared("module"))
def hostile_kb() -> KnowledgeBase:
    loaded = load_file(HOSTILE, SETTINGS)
    assert loaded.problems == [] and loaded.document is not None
    kb = build_knowledge_base([(loaded.document, "incidents/outputs.yaml")], SETTINGS)
    SitePlan(kb)  # the plan gives every incident its URL, as a build does
    return kb


def test_actions_ics_parses_and_round_trips_every_value(hostile_kb: KnowledgeBase) -> None:
    raw = outputs.actions_ics(hostile_kb, SITE, 'KB "x"; y,z')
    assert raw == outputs.actions_ics(hostile_kb, SITE, 'KB "x"; y,z')  # no clock, no random UID
    data = raw.encode("utf-8")
    assert data.endswith(b"\r\n") and b"\n" not in data.replace(b"\r\n", b"")
    assert max(len(line) for line in data.split(b"\r\n")) <= 75  # folded by octets, emoji included
    calendar = icalendar.Calendar.from_ical(data)
    assert str(calendar["X-WR-CALNAME"]) == 'KB "x"; y,z: open action items'
    events = {str(e["UID"]): e for e in calendar.walk("VEVENT")}
    assert sorted(events) == ["INC-OUT-1-A2@pmsite", "INC-OUT-1-Fix_DNS-2@pmsite", "INC-OUT-1-a3@pmsite"]
    fix = events["INC-OUT-1-Fix_DNS-2@pmsite"]
    assert str(fix["SUMMARY"]) == '[INC-OUT-1 Fix_DNS-2] =HYPERLINK("https://evil.example/","click") `code` | pipe <b>bold</b>'
    assert str(fix["DESCRIPTION"]) == (
        f"Owner: +1 555 0100\nPriority: high\nStatus: open\nIncident: INC-OUT-1 {TITLE}\n"
        "Success criteria: Line one; with, punctuation\\\nLine two ]]> 🚀\nOVERDUE"
    )
    assert fix["DTSTART"].dt == dt.date(2024, 6, 1) and fix["DTEND"].dt == dt.date(2024, 6, 2)
    assert fix["DTSTAMP"].dt == dt.datetime(2024, 7, 1, tzinfo=dt.UTC)
    assert str(fix["URL"]) == "https://kb.example.com/incidents/inc-out-1/#action-fix_dns-2"
    assert "DTSTAMP:20240701T000000Z\r\n" in raw and "UID:INC-OUT-1-Fix_DNS-2@pmsite\r\n" in raw


def test_feed_parses_without_bozo_in_three_readers(hostile_kb: KnowledgeBase) -> None:
    raw = outputs.atom_feed(hostile_kb, MarkdownRenderer(), SITE, "KB <&>")
    assert raw == outputs.atom_feed(hostile_kb, MarkdownRenderer(), SITE, "KB <&>")
    feed = feedparser.parse(raw.encode("utf-8"))
    assert not feed.bozo, feed.bozo_exception
    assert feed.feed.title == "KB <&>: post-mortems" and feed.feed.id == "https://kb.example.com/feed.xml"
    assert feed.feed.updated == "2024-03-18T00:00:00+00:00"
    entry = feed.entries[0]
    assert entry.title == f"INC-OUT-1: {TITLE}"
    assert entry.link == "https://kb.example.com/incidents/inc-out-1/" and entry.id == entry.link
    assert entry.published == "2024-03-18T00:00:00+00:00"
    assert [a.name for a in entry.authors] == ["SRE <sre@example.com>", "Payments & Billing"]
    assert [t.term for t in entry.tags] == ["code-defect"]
    ns = {"a": "http://www.w3.org/2005/Atom"}
    root = etree.fromstring(raw.encode("utf-8"))
    assert root.findtext("a:entry/a:title", namespaces=ns) == f"INC-OUT-1: {TITLE}"
    assert ET.fromstring(raw.encode("utf-8")).find("{http://www.w3.org/2005/Atom}entry/{http://www.w3.org/2005/Atom}summary").text == (  # type: ignore[union-attr]
        "<p>A schema migration in v2.8.0 failed on production data and every mobile API request failed for 23 minutes.</p>"
    )


def test_an_empty_feed_is_dated_by_the_reference_date(hostile_kb: KnowledgeBase) -> None:
    empty = KnowledgeBase([], SETTINGS)
    raw = outputs.atom_feed(empty, MarkdownRenderer(), "", "KB")
    feed = feedparser.parse(raw.encode("utf-8"))
    assert not feed.bozo and feed.entries == [] and feed.feed.updated == "2024-07-01T00:00:00+00:00"
    assert feed.feed.id == "urn:pmsite:feed"


def test_json_outputs_keep_values_and_one_anchor(hostile_kb: KnowledgeBase) -> None:
    actions = json.loads(outputs.actions_json(hostile_kb, SITE))["actions"]
    fix = next(a for a in actions if a["id"] == "Fix_DNS-2")
    assert fix["owner"] == "+1 555 0100" and fix["incident_title"] == TITLE
    assert fix["anchor"] == "action-fix_dns-2"
    assert fix["url"] == "https://kb.example.com/incidents/inc-out-1/#action-fix_dns-2"
    assert (fix["due"], fix["overdue"], fix["days_overdue"]) == ("2024-06-01", True, 30)
    due_today = next(a for a in actions if a["id"] == "A2")
    assert (due_today["due"], due_today["overdue"], due_today["days_overdue"]) == ("2024-07-01", False, 0)
    incident = json.loads(outputs.incidents_json(hostile_kb, SITE))["incidents"][0]
    assert [i["anchor"] for i in incident["action_items"]] == ["action-fix_dns-2", "action-a2", "action-a3"]
    assert (incident["started_at"], incident["detected_at"], incident["resolved_at"]) == (
        "2024-03-15T14:37:00Z", "2024-03-15T14:38:45Z", "2024-03-15T15:00:00Z")
    assert incident["metrics"]["time_to_detect_seconds"] == 105 and incident["metrics"]["duration_seconds"] == 1275


def test_a_related_draft_leaves_no_trace_in_incidents_json() -> None:
    published = Document.model_validate(valid_doc(id="INC-PUB", related=["INC-DRAFT"]), context={"settings": SETTINGS})
    draft_data = valid_doc(id="INC-DRAFT", status="draft")
    draft = Document.model_validate(draft_data, context={"settings": SETTINGS})
    kb_ = build_knowledge_base([(published, "a.yaml"), (draft, "b.yaml")], SETTINGS)
    text = outputs.incidents_json(kb_) + outputs.actions_json(kb_) + outputs.actions_ics(kb_) + outputs.atom_feed(kb_, MarkdownRenderer())
    assert "INC-DRAFT" not in text
    assert json.loads(outputs.incidents_json(kb_))["incidents"][0]["related"] == []
    preview = build_knowledge_base([(published, "a.yaml"), (draft, "b.yaml")], Settings(reference_date=dt.date(2024, 7, 1), publish_drafts=True))
    assert [i["related"] for i in json.loads(outputs.incidents_json(preview))["incidents"]] == [[], ["INC-DRAFT"]]


# --- the CLI's tables --------------------------------------------------------------------------------


@pytest.fixture(scope=shared("module"))
def hostile_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return kb(tmp_path_factory.mktemp("out"), {"outputs.yaml": HOSTILE.read_text(encoding="utf-8")})


def test_csv_cells_are_neutralised_and_fully_quoted(hostile_site: Path) -> None:
    proc = run("actions", "--format", "csv", cwd=hostile_site)
    assert proc.returncode == 0 and proc.stderr == ""
    lines = proc.stdout.splitlines()
    assert all(line.startswith('"') and line.endswith('"') for line in lines)  # csv.QUOTE_ALL
    assert lines[1] == (  # the review's order: the overdue item first
        '"INC-OUT-1","Fix_DNS-2","high","2024-06-01","30","open","\'+1 555 0100",'
        '"\'=HYPERLINK(""https://evil.example/"",""click"") code | pipe <b>bold</b>","checkout, @sum(1+1)"'
    )
    rows = list(csv.reader(io.StringIO(proc.stdout)))
    assert [(r[1], r[6], r[7]) for r in rows[1:]] == [
        ("Fix_DNS-2", "'+1 555 0100", "'=HYPERLINK(\"https://evil.example/\",\"click\") code | pipe <b>bold</b>"),
        ("A2", "'@oncall team", "'-2 rollback drill & review"),
        ("a3", "Platform team", "Tab inside the description"),
    ]


@pytest.mark.parametrize(
    ("value", "cell"),
    [("=1+1", "'=1+1"), ("+1", "'+1"), ("-1", "'-1"), ("@x", "'@x"), ("\t=1", "'\t=1"), ("\r=1", "'\r=1"),
     ("  =1", "'  =1"), ("a=1", "a=1"), ("1-2", "1-2"), ("", "")],
)
def test_csv_cell_rule(value: str, cell: str) -> None:
    from pmsite.frontends.cli.reporting import csv_cell

    assert csv_cell(value) == cell


def test_a_carriage_return_never_splits_a_row() -> None:
    from pmsite.frontends.cli.reporting import cell as _cell

    assert _cell({"owner": "SRE\rforged,row"}, "owner") == "SRE forged,row"
    assert _cell({"owner": "a\r\nb\nc\u2028d"}, "owner") == "a b c d"


def test_markdown_cells_are_escaped(hostile_site: Path) -> None:
    lines = run("actions", "--format", "markdown", cwd=hostile_site).stdout.splitlines()
    assert lines[2] == (
        "| INC-OUT-1 | Fix\\_DNS-2 | high | 2024-06-01 | 30 | open | +1 555 0100 | "
        '=HYPERLINK("https://evil.example/","click") code \\| pipe &lt;b&gt;bold&lt;/b&gt; | checkout, @sum(1+1) |'
    )
    assert all(line.count(" | ") == 8 for line in lines[2:])


@pytest.mark.parametrize(
    ("value", "cell"),
    [("<img src=x onerror=alert(1)>", "&lt;img src=x onerror=alert(1)&gt;"), ("a|b", "a\\|b"), ("`x`", "\\`x\\`"),
     ("**b**", "\\*\\*b\\*\\*"), ("[l](javascript:x)", "\\[l\\](javascript:x)"), ("a\nb", "a b"), ("\\|", "\\\\\\|"),
     ("&amp;", "&amp;amp;"), ("~~s~~", "\\~\\~s\\~\\~")],
)
def test_markdown_cell_rule(value: str, cell: str) -> None:
    from pmsite.text import markdown_cell

    assert markdown_cell(value) == cell


def test_terminal_table_escapes_what_a_terminal_would_act_on() -> None:
    from pmsite.problems import printable

    assert printable("SRE\x1b[2J\x07") == "SRE\\x1b[2J\\x07"
    assert printable("a\u202eb\u2028c\x85") == "a\\u202eb\\u2028c\\x85"
    assert printable("Zahlung 決済 🚀 émigré") == "Zahlung 決済 🚀 émigré"
