"""The Markdown extension name ``pmsite.generate``, which the ``mkdocs.yml`` that ``pmsite generate``
wrote before names: it lives in :mod:`pmsite.frontends.zensical.toc`."""

from pmsite.frontends.zensical.toc import TocExtension, makeExtension

__all__ = ["TocExtension", "makeExtension"]
