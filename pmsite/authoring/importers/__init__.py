"""``pmsite draft``: a post-mortem draft started from the incident record.

The incident-management tool already knows the severity, the times, the services and
what happened when; the author should start from that and spend their time on the
analysis. Each module reads one tool's export into a :class:`~.common.Record`;
:mod:`.common` maps it into this site's values and writes the draft. Free of MkDocs.
"""

from __future__ import annotations

from collections.abc import Callable

from pmsite.authoring.importers import csvfile, opsgenie, pagerduty, slack
from pmsite.authoring.importers.common import (
    DraftError,
    DraftUsage,
    Mapping,
    Record,
    Request,
    Result,
    load_mapping,
    write_draft,
)
from pmsite.settings import Settings

READERS: dict[str, Callable[[Request, Mapping], Record]] = {
    "pagerduty": pagerduty.read,
    "opsgenie": opsgenie.read,
    "slack": slack.read,
    "csv": csvfile.read,
}
SOURCES = tuple(READERS)

__all__ = ["SOURCES", "DraftError", "DraftUsage", "Request", "Result", "make_draft"]


def make_draft(request: Request, settings: Settings) -> Result:
    """Read the record, map it with the mapping file (or the defaults) and write the draft.

    Raises :class:`DraftUsage` for bad arguments and missing inputs (exit status 2) and
    :class:`DraftError` for a record or mapping that cannot become a draft (exit status 1).
    """
    if request.source not in READERS:
        raise DraftUsage(f"--from must be one of {', '.join(SOURCES)}, got {request.source!r}")
    if not request.inputs:
        raise DraftUsage(f"--from {request.source} needs an input file")
    if request.output is not None and request.output.suffix not in (".yaml", ".yml"):
        raise DraftUsage(f"--output must name a .yaml or .yml file, got {request.output}")
    mapping = load_mapping(request.mapping, settings)
    record = READERS[request.source](request, mapping)
    return write_draft(record, request, mapping, settings)
