"""``pmsite draft``: a post-mortem draft started from the incident record.

The incident-management tool already knows the severity, the times, the services and
what happened when; the author should start from that and spend their time on the
analysis. Each tool's module reads its export into a :class:`~.record.Record`;
:func:`.draft.make_draft` maps it into this site's values, masks every person it names
and writes a draft that validates. :mod:`.registry` lists the tools. Free of MkDocs.
"""
