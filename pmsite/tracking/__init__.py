"""Action items tracked in the team's tracker: tickets created by ``pmsite tickets apply``, their
states read back by ``pmsite tickets sync`` into the state file the build reads offline.

The modules each own one idea: :mod:`.config` (the ``tracker`` option), :mod:`.http` (requests,
waits and retries), one module per tracker (:mod:`.github`, :mod:`.jira`, :mod:`.gitlab`),
:mod:`.state_file`, :mod:`.yaml_edit`, :mod:`.corpus` (the one bridge to the knowledge base),
:mod:`.content` (what a ticket says), :mod:`.plan`, :mod:`.apply`, :mod:`.sync` and :mod:`.cli`.
"""
