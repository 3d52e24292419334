"""Author Markdown made safe: the site's own extensions, then nh3 with an allow-list.

Author text is untrusted. Markdown goes through the site's own extensions,
then through nh3 (the Rust ``ammonia`` sanitiser) with an allow-list; links
survive only with an http(s) target or an in-page fragment.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any

import markdown
import nh3
from markupsafe import Markup

from pmsite.text import is_http_url

# Extensions that read files or run code at conversion time must never see author text.
UNSAFE_EXTENSIONS = ("pymdownx.snippets", "markdown_include", "mkdocs_macros")


ALLOWED_TAGS = {
    "a", "abbr", "b", "blockquote", "br", "code", "dd", "del", "details", "div", "dl", "dt", "em",
    "h3", "h4", "h5", "h6", "hr", "i", "ins", "kbd", "li", "mark", "ol", "p", "pre", "s", "small",
    "span", "strong", "sub", "summary", "sup", "table", "tbody", "td", "tfoot", "th", "thead", "tr", "u", "ul",
}

ALLOWED_ATTRIBUTES = {
    "a": {"href", "title"},
    "abbr": {"title"},
    "code": {"class"},
    "div": {"class"},
    "span": {"class"},
    "pre": {"class"},
    "td": {"align"},
    "th": {"align"},
    "ol": {"start"},
}

# Prose that Python-Markdown would turn into one plain paragraph: no inline syntax,
# no block starts, no URLs (autolinking extensions), no blank lines.
_SPECIAL = re.compile(r"[\t*_`\[\]<>&\\|~^{}=#!]|https?:|www\.|--|\.\.\.|  \n|\n\s*\n|(^|\n)\s*([-+:>]|\d+[.)]|\s{3})")

_QUOTES = re.compile("[\"']")

_FRAGMENT = re.compile(r"#[A-Za-z0-9_:.-]*\Z")  # a link within the page



def _filter_attribute(tag: str, attr: str, value: str) -> str | None:
    if attr == "href":
        return value if is_http_url(value) or _FRAGMENT.match(value.strip()) else None
    if attr == "class":
        # only classes the syntax highlighter emits; author-chosen classes could restyle the page
        kept = [c for c in value.split() if re.fullmatch(r"(highlight|language-[a-z0-9+-]+|[a-z]{1,3}|codehilite|linenos)", c)]
        return " ".join(kept) or None
    return value



def sanitise(html: str) -> str:
    return nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        clean_content_tags={"script", "style", "iframe", "object", "embed", "template", "noscript", "svg", "math"},
        attributes=ALLOWED_ATTRIBUTES,
        attribute_filter=_filter_attribute,
        url_schemes={"http", "https"},
        link_rel="noopener noreferrer nofollow",
        strip_comments=True,
    )



CACHE_LIMIT = 100_000  # converted texts kept, so a long preview session does not grow without bound



class MarkdownRenderer:
    """Converts author Markdown with the site's extensions, then sanitises it."""

    def __init__(self, extensions: Iterable[Any] = (), configs: dict[str, Any] | None = None, cache: dict[str, str] | None = None) -> None:
        """``cache``: text -> sanitised HTML, which a live preview shares between the renderers of its
        rebuilds (same extensions and configuration); each renderer keeps its own Markdown instance,
        which is not safe to share between threads."""
        self._cache = cache if cache is not None else {}
        safe = [e for e in extensions if not (isinstance(e, str) and e.startswith(UNSAFE_EXTENSIONS))]
        names = " ".join(e if isinstance(e, str) else type(e).__module__ for e in safe)
        # typographic extensions rewrite quotes, so quoted prose must go through Markdown
        self._typographic = "smarty" in names or "smartsymbols" in names
        cfg = {k: v for k, v in (configs or {}).items() if not k.startswith(UNSAFE_EXTENSIONS)}
        self._md = markdown.Markdown(extensions=safe, extension_configs=cfg)
        self.conversions = 0

    def block(self, text: str) -> Markup:
        """Block Markdown (paragraphs, lists, code) as safe HTML."""
        text = text.strip()
        if not _SPECIAL.search(text) and not (self._typographic and _QUOTES.search(text)):
            return Markup("<p>%s</p>") % text  # plain prose: the paragraph Markdown would give, without its cost
        html = self._cache.get(text)
        if html is None:
            self.conversions += 1
            html = sanitise(self._md.reset().convert(text))
            if len(self._cache) >= CACHE_LIMIT:
                self._cache.clear()
            self._cache[text] = html
        return Markup(html)

    def inline(self, text: str) -> Markup:
        """Markdown for a single line (a why, a list item): without the wrapping paragraph."""
        html = str(self.block(text))
        if html.startswith("<p>") and html.endswith("</p>") and html.count("<p>") == 1:
            html = html[3:-4]
        return Markup(html)
