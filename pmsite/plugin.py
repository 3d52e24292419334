"""Where the ``mkdocs.plugins`` entry point ``pmsite`` used to point: the plugin lives in :mod:`pmsite.frontends.mkdocs`."""

from pmsite.frontends.mkdocs.plugin import PmsitePlugin

__all__ = ["PmsitePlugin"]
