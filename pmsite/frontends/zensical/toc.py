"""A Markdown extension that gives every generated page its table of contents from its HTML headings."""

from __future__ import annotations

from typing import Any

from markdown import Extension, Markdown
from markdown.postprocessors import Postprocessor
from markupsafe import escape

from pmsite.site.toc import headings, toc_tokens

# --- the table of contents of generated pages ----------------------------------------------------


class _TocFromHtml(Postprocessor):
    """A page without Markdown headings (every generated page) gets its TOC from the h2/h3 with an id in its HTML.

    The plugin gives MkDocs the same TOC (:func:`pmsite.site.toc.headings`); a builder without
    plugins reads ``md.toc_tokens``, which Python-Markdown fills only from Markdown headings.
    """

    def run(self, text: str) -> str:
        md: Any = self.md
        if not getattr(md, "toc_tokens", None) and "<h2 id=" in text:
            md.toc_tokens = _with_html(toc_tokens(headings(text)))
        return text



def _with_html(tokens: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Python-Markdown's token shape, names escaped as the plugin escapes them."""
    for token in tokens:
        token["name"] = token["html"] = str(escape(token["name"]))
        token["data-toc-label"] = ""
        _with_html(token["children"])
    return tokens



class TocExtension(Extension):
    def extendMarkdown(self, md: Markdown) -> None:  # noqa: N802 - Python-Markdown's name
        md.postprocessors.register(_TocFromHtml(md), "pmsite_toc", 0)



def makeExtension(**kwargs: Any) -> TocExtension:  # noqa: N802 - Python-Markdown's entry point
    return TocExtension(**kwargs)
