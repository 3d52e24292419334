"""The pages a knowledge base produces, known up front so a front end can register them."""

from __future__ import annotations

from dataclasses import dataclass, field

PAGE_SIZE = 100  # incidents (or open actions) per listing page


@dataclass
class PageSpec:
    """A page to generate: where it lives, what it is called, and how to render it."""

    src_uri: str  # a Markdown path the front end can pretend exists, always <folder>/index.md
    url: str  # site-relative URL, as the front end publishes it
    title: str
    kind: str
    key: str = ""
    tags: list[str] = field(default_factory=list)
    source_uri: str = ""  # the YAML this page comes from, for edit links
    description: str = ""
    number: int = 1  # the page number of a paginated listing
    hide: tuple[str, ...] = ("navigation",)  # Material's sidebars this page does without

    @property
    def in_nav(self) -> bool:
        """Only first pages of index views may be in the navigation: nothing that grows with the corpus."""
        return self.kind in ("catalog", "actions", "patterns", "history", "review") and self.number == 1


@dataclass
class RenderedPage:
    """A page's HTML and the headings of its table of contents."""

    html: str
    toc: list[tuple[int, str, str]]  # (level, anchor id, title) of each h2/h3


def page_origin(spec: PageSpec) -> str:
    """Where a page comes from, for a message: its YAML and incident, or the kind of view."""
    if spec.source_uri:
        return f"{spec.source_uri} (incident {spec.key})"
    return f"the {spec.kind} page{' ' + repr(spec.key) if spec.key else ''}"
