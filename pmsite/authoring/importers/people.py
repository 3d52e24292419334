"""The people a record names, and every way a text may spell each of them.

A person is never written out: only a role from the mapping can be. To mask them, each name,
handle, e-mail address and phone number the record holds becomes spellings: the whole, its
words, a handle's parts (``jane.doe``: ``jane doe``, ``janedoe``, ``jane``, ``doe``) and the
name run together (``JaneDoe``, as in a link). How a spelling may be matched depends on its
script: Chinese, Japanese, Korean, Thai and the like write no spaces between words (a name is
found inside a longer run of text); Arabic and Hebrew attach prefixes (a name is found after
one); other scripts are matched as whole words.
"""

from __future__ import annotations

import functools
import re
import unicodedata
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from pmsite.authoring.importers.untrusted import clean

SPACED, UNSPACED, PREFIXED = "spaced", "unspaced", "prefixed"
_UNSPACED_NAMES = ("CJK ", "HIRAGANA", "KATAKANA", "HALFWIDTH KATAKANA", "HANGUL", "THAI", "LAO", "KHMER",
                   "MYANMAR", "TIBETAN", "YI ", "IDEOGRAPHIC")
_EMAIL = re.compile(r"[\w.%+-]+@[\w-]+(?:\.[\w-]+)+")
_PHONE = re.compile(r"\+?[\d\s().-]{6,}")
_SEPARATORS = re.compile(r"[._+-]+")


@dataclass(frozen=True)
class Person:
    """Someone the record names. Never written out: only a role from the mapping can be."""

    keys: tuple[str, ...]  # ids, handles, names, e-mails: looked up in the ``actors`` mapping
    names: tuple[str, ...]  # how the record writes this person: masked in every text


@dataclass(frozen=True)
class Spelling:
    """One way a text may write a person."""

    text: str
    word: bool  # a single word: matched as written, Capitalised or in CAPITALS ("Will", not "will")
    script: str  # SPACED, UNSPACED or PREFIXED: where the spelling may start and end


def person(values: Iterable[object], key_only: Iterable[object] = ()) -> Person:
    """A person from the strings a record holds for them (``key_only``: ids, used for the mapping only)."""
    names = tuple(v for v in values if isinstance(v, str) and v.strip())
    ids = tuple(v for v in key_only if isinstance(v, str) and v.strip())
    return Person(ids + names, names)


def spellings(names: Iterable[str]) -> Iterator[Spelling]:
    """Every spelling of these names that a text may contain."""
    for raw in names:
        name = unicodedata.normalize("NFC", clean(raw, one_line=True))
        if len(name) < 2 or not any(ch.isalnum() for ch in name):
            continue
        if _PHONE.fullmatch(name):
            yield _phrase(name)
        elif _EMAIL.fullmatch(name):
            yield _phrase(name)
            yield from _handle(name.split("@", 1)[0])
        elif " " in name:
            parts = name.split(" ")
            yield _phrase(name)
            yield _phrase("".join(parts))
            for part in parts:
                yield from _single(part, whole=False)
        else:
            yield from _handle(name.removeprefix("@"))


def _handle(token: str) -> Iterator[Spelling]:
    parts = [p for p in _SEPARATORS.split(token) if p]
    if len(parts) < 2:
        yield from _single(token, whole=True)
        return
    yield _phrase(token)
    yield _phrase(" ".join(parts))
    yield _phrase("".join(parts))
    for part in parts:
        yield from _single(part, whole=False)


def _single(token: str, *, whole: bool) -> Iterator[Spelling]:
    script = script_of(token)
    if len(token) < (2 if whole or script == UNSPACED else 3) or not any(ch.isalpha() for ch in token):
        return
    word = script != UNSPACED and all(ch.isalpha() or unicodedata.category(ch)[0] == "M" for ch in token)
    yield Spelling(token, word, script)


def _phrase(text: str) -> Spelling:
    return Spelling(text, False, script_of(text))


def script_of(text: str) -> str:
    """UNSPACED when any letter is of a script without spaces, else PREFIXED for Arabic or Hebrew, else SPACED."""
    if text.isascii():
        return SPACED
    found = {_script(ch) for ch in text if ch.isalpha()}
    return UNSPACED if UNSPACED in found else PREFIXED if PREFIXED in found else SPACED


@functools.lru_cache(maxsize=4096)
def _script(ch: str) -> str:
    name = unicodedata.name(ch, "")
    if name.startswith(_UNSPACED_NAMES):
        return UNSPACED
    return PREFIXED if name.startswith(("ARABIC", "HEBREW")) else SPACED
