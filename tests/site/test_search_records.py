"""What the search index is given for each incident: the text its page shows, and facet values Pagefind can match.

Issue 24, item 7: the indexed text dropped every '>', '_', '#', '*' and backtick (regex-stripped Markdown),
and facet values holding '"' or '\\' matched nothing. The browser half (query and excerpt) is in
tests/in_browser/test_browser_edges.py.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from pmsite.analysis.knowledge_base import build_knowledge_base
from pmsite.reading.documents import load_file
from pmsite.settings import Settings
from pmsite.site.markdown import MarkdownRenderer
from pmsite.site.search.records import facet_value, html_text, incident_records, record_html

from conftest import dump, valid_doc

SETTINGS = Settings(reference_date=dt.date(2024, 7, 1))
MARKDOWN = MarkdownRenderer(["admonition", "attr_list", "tables"])


def shown(markdown: str) -> str:
    return html_text(str(MARKDOWN.block(markdown)))


def test_the_text_of_markdown_is_what_the_page_shows() -> None:
    assert shown("Error rate > 5% while `card_payments_enabled` was off (see issue #42, 3 * 4 = 12).") == (
        "Error rate > 5% while card_payments_enabled was off (see issue #42, 3 * 4 = 12)."
    )
    assert shown("card_payments_enabled and snake_case_names stay whole") == "card_payments_enabled and snake_case_names stay whole"
    assert shown("See [the runbook](https://runbooks.example.com/a_b) and **bold** *emphasis*.") == "See the runbook and bold emphasis."
    assert shown("https://status.example.com/?a=1&region=eu&timestamp=now") == "https://status.example.com/?a=1&region=eu&timestamp=now"
    # entities are decoded once, as a browser shows them: an author's &lt; reads "<", &amp;lt; reads "&lt;"
    assert shown("&lt;mark&gt; and &amp;lt; and A&B") == "<mark> and &lt; and A&B"
    # blocks do not run together; markup the sanitiser removes leaves its text, a script leaves nothing
    assert shown("- first item\n- second item\n\n> quoted\n\nlast<script>alert(1)</script>") == "first item second item quoted last"
    assert shown("| a | b |\n|---|---|\n| 1 | 2 |\n") == "a b 1 2"


def test_facet_values_are_percent_encoded_where_pagefind_would_not_match_them() -> None:
    assert facet_value('say "hi"') == "say %22hi%22"
    assert facet_value("back\\slash") == "back%5Cslash"
    assert facet_value("100% done") == "100%25 done"
    assert facet_value("%22") == "%2522"  # a value that looks encoded is encoded again: decoding gives it back
    assert facet_value("__proto__ é 中文") == "__proto__ é 中文"


def test_an_incident_record_holds_the_page_text_and_encoded_facets(tmp_path: Path) -> None:
    doc = valid_doc(
        summary="Error rate > 5% for `card_payments_enabled`; see https://x.example/?a=1&region=eu.\n",
        root_causes=[{"description": "A *flag* named **card_payments_enabled** was off.", "category": "configuration-error",
                      "five_whys": ["Why? The default was <off>.", "Why? Nobody_checked #1.", "Why? 2 * 2."]}],
        contributing_factors=[{"description": "The flag's `_default` was `false`", "category": "process"}],
        services=['say "hi"', "back\\slash"], tags=["flags"],
    )
    path = tmp_path / "a.yaml"
    path.write_text(dump(doc), encoding="utf-8")
    loaded = load_file(path, SETTINGS)
    assert loaded.problems == [] and loaded.document is not None
    kb = build_knowledge_base([(loaded.document, "incidents/a.yaml")], SETTINGS)
    [record] = list(incident_records(kb, MARKDOWN))
    assert record.content == (
        "Error rate > 5% for card_payments_enabled; see https://x.example/?a=1&region=eu. "
        "Root cause (configuration-error): A flag named card_payments_enabled was off. "
        "Why? The default was <off>. Why? Nobody_checked #1. Why? 2 * 2. "
        "Contributing factor (process): The flag's _default was false "
        'Id INC-2024-0315. Services: say "hi", back\\slash. Tags: flags.'
    )
    assert record.filters["service"] == ['say "hi"', "back\\slash"]  # as written; encoded where Pagefind reads them
    html = record_html(record)
    assert '<span data-pagefind-filter="service">say %22hi%22</span><span data-pagefind-filter="service">back%5Cslash</span>' in html
    assert "<p>Error rate &gt; 5% for card_payments_enabled; see https://x.example/?a=1&amp;region=eu. Root cause" in html
