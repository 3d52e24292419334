"""Where pages are published: the one rule from a page's source path to its URL, and URL segments."""

from __future__ import annotations

import hashlib
from collections.abc import Callable

from pmsite.text import is_http_url, slugify

SLUG_LIMIT = 60  # characters of a category or service name kept in its URL



def directory_url(src_uri: str) -> str:
    """MkDocs' default rule: ``a/b/index.md`` is published at ``a/b/``, ``index.md`` at the root."""
    path = src_uri[: -len("index.md")] if src_uri.endswith("index.md") else src_uri.rsplit(".", 1)[0] + "/"
    return path



def url_slug(name: str) -> str:
    """A short, safe URL segment for a category or service name.

    Long names keep their first characters and gain a digest of the whole name,
    so two long names that share a beginning still get different URLs and no
    file name exceeds what a file system allows.
    """
    slug = slugify(name)
    if len(slug) > SLUG_LIMIT:
        digest = hashlib.sha256(name.encode("utf-8", "surrogatepass")).hexdigest()[:8]
        slug = slug[: SLUG_LIMIT - 9].rstrip("-") + "-" + digest
    return slug



def unique_slugs(names: list[str]) -> dict[str, str]:
    """One slug per name; names whose slugs collide get -2, -3... in sorted order."""
    slugs: dict[str, str] = {}
    taken: set[str] = set()
    for name in names:
        slug = url_slug(name)
        candidate, n = slug, 1
        while candidate in taken:
            n += 1
            candidate = f"{slug}-{n}"
        taken.add(candidate)
        slugs[name] = candidate
    return slugs


def relative_url(from_url: str, to_url: str) -> str:
    """A link from one site-relative page URL to another (both like ``incidents/x/``).

    Pure string work on '/'-separated segments: this runs tens of thousands of
    times per build, where ``posixpath.relpath`` would touch the file system's rules.
    """
    if to_url.startswith("#") or is_http_url(to_url):
        return to_url
    target, hash_, fragment = to_url.partition("#")
    base = from_url if from_url.endswith("/") else from_url.rsplit("/", 1)[0] + "/" if "/" in from_url else ""
    base_parts = [p for p in base.split("/") if p and p != "."]
    target_parts = target.split("/")
    common = 0
    while common < len(base_parts) and common < len(target_parts) - 1 and base_parts[common] == target_parts[common]:
        common += 1
    rel = "../" * (len(base_parts) - common) + "/".join(target_parts[common:])
    return (rel or "./") + (hash_ + fragment if hash_ else "")



def url_helper(page_url: str) -> Callable[[str], str]:
    """A ``link(to)`` function for templates, bound to the page being rendered."""

    def link(target: str) -> str:
        return relative_url(page_url, target)

    return link


def page_url(src_uri: str, directory_urls: bool = True) -> str:
    """Where a Markdown page is published, by MkDocs' rule (Zensical's too): ``a/b.md`` at ``a/b/``,
    ``a/index.md`` at ``a/``, or ``a/b.html`` without directory URLs."""
    if directory_urls:
        return directory_url(src_uri)
    return src_uri[: -len(".md")] + ".html"


def dest_path(src_uri: str, directory_urls: bool = True) -> str:
    """Where a source file is written in the built site: ``guide.md`` -> ``guide/index.html``; other files as they are."""
    if not src_uri.endswith(".md"):
        return src_uri
    url = page_url(src_uri, directory_urls)
    return url + "index.html" if url == "" or url.endswith("/") else url
