"""What ``pmsite draft --from`` accepts: each source and the module that reads it.

The CLI takes its choices from :data:`SOURCES` without importing the readers, so the command
line starts as fast as ever; :func:`reader` imports the one asked for.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from pmsite.authoring.importers.mapping import Mapping
    from pmsite.authoring.importers.record import Record, Request

_MODULES = {
    "pagerduty": "pmsite.authoring.importers.pagerduty",
    "opsgenie": "pmsite.authoring.importers.opsgenie",
    "slack": "pmsite.authoring.importers.slack",
    "csv": "pmsite.authoring.importers.csvfile",
}
SOURCES = tuple(_MODULES)


def reader(source: str) -> Callable[[Request, Mapping], Record]:
    """The function that reads ``source``'s export into a record (``source`` is one of :data:`SOURCES`)."""
    read: Callable[[Request, Mapping], Record] = importlib.import_module(_MODULES[source]).read
    return read
