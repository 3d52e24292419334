"""What the search index holds: one lean record per incident, and the hand-written pages.

Each incident enters as one lean record (what happened and why: title, summary,
root causes and their whys, contributing factors, id, services, tags) with the
facets readers narrow by (severity, root-cause category, service, year). The
hand-written pages enter as HTML, so one search box covers both.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from html import escape

from pmsite.analysis.incidents import Incident
from pmsite.analysis.knowledge_base import KnowledgeBase
from pmsite.settings import Settings

_MARKUP = re.compile(r"\[([^\]]*)\]\([^)]*\)|[*_`#>]+")



@dataclass
class Record:
    """One search result: where it leads, what finds it, and how readers narrow to it."""

    url: str  # site-relative, e.g. incidents/inc-1/
    title: str
    content: str
    meta: dict[str, str] = field(default_factory=dict)
    filters: dict[str, list[str]] = field(default_factory=dict)
    sort: dict[str, str] = field(default_factory=dict)



def _text(markdown: str) -> str:
    """Author Markdown as plain words: link texts kept, markup dropped."""
    return " ".join(_MARKUP.sub(lambda m: m.group(1) or " ", markdown).split())



def incident_record(inc: Incident, settings: Settings) -> Record:
    doc = inc.doc
    parts = [_text(doc.summary)]  # the title is indexed as the record's heading
    for rc in doc.root_causes:
        parts.append(f"Root cause ({rc.category}): {_text(rc.description)}")
        parts.extend(rc.five_whys)
    parts.extend(f"Contributing factor ({f.category}): {_text(f.description)}" for f in doc.contributing_factors)
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



def incident_records(kb: KnowledgeBase) -> list[Record]:
    return [incident_record(inc, kb.settings) for inc in kb.incidents]



def record_html(r: Record) -> str:
    """A record as the small HTML page Pagefind reads: the text to index, and its meta, filters and sort."""
    hidden = [f'<span data-pagefind-meta="{escape(k)}">{escape(v)}</span>' for k, v in r.meta.items()]
    hidden += [f'<span data-pagefind-filter="{escape(k)}">{escape(v)}</span>' for k, vs in r.filters.items() for v in vs]
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
