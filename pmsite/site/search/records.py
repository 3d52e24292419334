"""What the search index holds: one lean record per incident, and the hand-written pages.

Each incident enters as one lean record (what happened and why: title, summary,
root causes and their whys, contributing factors, id, services, tags) with the
facets readers narrow by (severity, root-cause category, service, year). The
hand-written pages enter as HTML, so one search box covers both.

A record holds the text its page shows: author Markdown is rendered and sanitised
as on the page, then read as text (``Error rate > 5%``, ``card_payments_enabled``
and ``&region=eu`` stay as written; emphasis and link targets are not words).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from html import escape, unescape
from html.parser import HTMLParser

from pmsite.analysis.incidents import Incident
from pmsite.analysis.knowledge_base import KnowledgeBase
from pmsite.settings import Settings
from pmsite.site.markdown import MarkdownRenderer

# Pagefind 1.5 matches no facet value that holds a double quote or a backslash (nor when called directly):
# every value goes to it with those and '%' percent-encoded, and the search dialog shows it decoded
# (decodeURIComponent, the exact inverse).
_FACET_ESCAPES = re.compile(r'[%"\\]')

# Elements that end a run of text on the page: their text is not glued to the next.
_BLOCKS = frozenset({
    "address", "blockquote", "br", "dd", "details", "div", "dl", "dt", "h1", "h2", "h3", "h4", "h5", "h6", "hr",
    "li", "ol", "p", "pre", "summary", "table", "tbody", "td", "tfoot", "th", "thead", "tr", "ul",
})



@dataclass
class Record:
    """One search result: where it leads, what finds it, and how readers narrow to it."""

    url: str  # site-relative, e.g. incidents/inc-1/
    title: str
    content: str
    meta: dict[str, str] = field(default_factory=dict)
    filters: dict[str, list[str]] = field(default_factory=dict)
    sort: dict[str, str] = field(default_factory=dict)



class _TextOf(HTMLParser):
    """The text of sanitised HTML as a reader sees it: entities decoded, blocks apart."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in _BLOCKS:
            self.parts.append(" ")

    def handle_endtag(self, tag: str) -> None:
        if tag in _BLOCKS:
            self.parts.append(" ")

    def handle_data(self, data: str) -> None:
        self.parts.append(data)



def html_text(html: str) -> str:
    """The words of sanitised HTML, on one line."""
    if html.startswith("<p>") and html.endswith("</p>") and html.count("<") == 2:  # plain prose: most texts
        return " ".join(unescape(html[3:-4]).split())
    parser = _TextOf()
    parser.feed(html)
    parser.close()
    return " ".join("".join(parser.parts).split())



def facet_value(value: str) -> str:
    """A facet value as Pagefind can match it (the dialog decodes it for display)."""
    return _FACET_ESCAPES.sub(lambda m: f"%{ord(m.group()):02X}", value)



def incident_record(inc: Incident, settings: Settings, markdown: MarkdownRenderer) -> Record:
    """``markdown``: the renderer of the pages, so the record's words are the page's."""
    doc = inc.doc

    def shown(text: str) -> str:
        return html_text(str(markdown.block(text)))

    parts = [shown(doc.summary)]  # the title is indexed as the record's heading
    for rc in doc.root_causes:
        parts.append(f"Root cause ({rc.category}): {shown(rc.description)}")
        parts.extend(rc.five_whys)  # shown as written (not Markdown)
    parts.extend(f"Contributing factor ({f.category}): {shown(f.description)}" for f in doc.contributing_factors)
    parts.append(f"Id {doc.id}. Services: {', '.join(doc.services)}.")
    if doc.tags:
        parts.append(f"Tags: {', '.join(doc.tags)}.")
    label = settings.severity_label(doc.severity)
    return Record(
        url=inc.url,
        title=doc.title,
        content=" ".join(parts),
        meta={"title": doc.title, "id": doc.id, "date": inc.date.isoformat(), "severity": label},
        filters={"severity": [label], "category": list(inc.categories), "service": list(doc.services), "year": [str(inc.date.year)]},
        sort={"date": inc.date.isoformat()},
    )



def incident_records(kb: KnowledgeBase, markdown: MarkdownRenderer) -> list[Record]:
    """``markdown``: the renderer of the pages (its conversions are kept for them)."""
    return [incident_record(inc, kb.settings, markdown) for inc in kb.incidents]



def record_html(r: Record) -> str:
    """A record as the small HTML page Pagefind reads: the text to index, and its meta, filters and sort."""
    hidden = [f'<span data-pagefind-meta="{escape(k)}">{escape(v)}</span>' for k, v in r.meta.items()]
    hidden += [f'<span data-pagefind-filter="{escape(k)}">{escape(facet_value(v))}</span>' for k, vs in r.filters.items() for v in vs]
    hidden += [f'<span data-pagefind-sort="{escape(k)}">{escape(v)}</span>' for k, v in r.sort.items()]
    return (
        f'<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>{escape(r.title)}</title></head><body>'
        f'<main data-pagefind-body><h1>{escape(r.title)}</h1><p>{escape(r.content)}</p></main>'
        f'<div hidden>{"".join(hidden)}</div></body></html>'
    )



def page_html(title: str, content: str) -> str:
    """A hand-written page as Pagefind reads it: its rendered content, without the theme around it."""
    return (
        f'<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>{escape(title)}</title></head><body>'
        f'<main data-pagefind-body><span data-pagefind-meta="title" hidden>{escape(title)}</span>{content}</main></body></html>'
    )
