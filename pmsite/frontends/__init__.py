"""The front ends: the MkDocs plugin, ``pmsite generate`` for Zensical, the builders and the ``pmsite`` command.

Only this package knows MkDocs, ProperDocs or Zensical; everything below it is plain Python.
"""
