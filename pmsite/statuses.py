"""What an action item's status means: the one rule every count, rate, order and output is built on.

A site names its statuses as it likes (``action_statuses`` in ``mkdocs.yml``), and each
word authors write carries one of four meanings. Everything that asks whether an action
is open, closed, done or decided against asks here, with the site's words::

    action_statuses: {todo: open, doing: in-progress, closed: done, dropped: wont-do}

The list form (``[open, in-progress, done, wont-do]``) names the four meanings themselves.
A ticket's state synced from a tracker is one of the same four meanings.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Literal

Meaning = Literal["open", "in-progress", "done", "wont-do"]
OPEN: Meaning = "open"
IN_PROGRESS: Meaning = "in-progress"
DONE: Meaning = "done"
WONT_DO: Meaning = "wont-do"
MEANINGS: tuple[Meaning, ...] = (OPEN, IN_PROGRESS, DONE, WONT_DO)
CLOSED: frozenset[Meaning] = frozenset({DONE, WONT_DO})  # done, or decided against: no work is left
LABELS: dict[Meaning, str] = {OPEN: "open", IN_PROGRESS: "in progress", DONE: "done", WONT_DO: "won't do"}  # as pages say them

DEFAULT_ACTION_STATUSES: dict[str, Meaning] = {meaning: meaning for meaning in MEANINGS}


def parse_action_statuses(raw: object) -> dict[str, Meaning]:
    """The ``action_statuses`` option as {word: meaning}; ValueError says what is wrong.

    A mapping gives each word its meaning; a list keeps working for the four words that are
    meanings themselves (the default list). ``open`` and ``done`` each need a word: without
    one, no action could be started or completed.
    """
    shown = ", ".join(MEANINGS)
    if isinstance(raw, Mapping):
        pairs = list(raw.items())
    elif isinstance(raw, (list, tuple)):
        unknown = [w for w in raw if w not in MEANINGS]
        if unknown:
            raise ValueError(
                f"expected the list form to name only the meanings {shown}, got {unknown[0]!r}: "
                f"to use other words, map each to its meaning, e.g. {{todo: open, closed: done}}"
            )
        pairs = [(w, w) for w in raw]
    else:
        raise ValueError(f"expected a mapping of status words to their meanings ({shown}), got {_shown(raw)}")
    out: dict[str, Meaning] = {}
    for word, meaning in pairs:
        if not isinstance(word, str) or not word.strip() or word != word.strip() or not word.isprintable():
            raise ValueError(f"expected each status as one line of text without control characters, got {_shown(word)}")
        if meaning not in MEANINGS:
            raise ValueError(f"expected the meaning of {word!r} to be one of {shown}, got {_shown(meaning)}")
        if word in out:
            raise ValueError(f"expected distinct statuses, got {word!r} twice")
        out[word] = meaning
    missing = [m for m in (OPEN, DONE) if m not in out.values()]
    if missing:
        raise ValueError(f"expected a status meaning {missing[0]}, got none (every site needs one)")
    return out


def _shown(value: object) -> str:
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "..."
