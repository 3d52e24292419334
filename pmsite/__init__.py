"""pmsite: a post-mortem knowledge base built with MkDocs and Material for MkDocs."""

__version__ = "0.1.0"
