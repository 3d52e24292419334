"""``pmsite generate``: the knowledge base as a folder of plain pages for Zensical, which runs no plugins."""
