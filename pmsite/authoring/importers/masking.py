"""Masking: no person a record names reaches a draft's texts or links.

Every spelling of every person (:mod:`.people`) is found in one pass over a text, with every
e-mail address and every link: a person becomes their role from the ``actors`` mapping or
"a responder" (an @mention too), an unknown address "[e-mail address removed]", and a link
whose address names anyone, percent-encoded or not, "[link removed]". Whole names, handles
and addresses match in any case; a single word (a first name) as written, Capitalised or in
CAPITALS, so "Will" is masked but "will" is not.
"""

from __future__ import annotations

import functools
import itertools
import re
import unicodedata
from collections.abc import Iterable
from typing import TYPE_CHECKING
from urllib.parse import unquote_plus

from pmsite.authoring.importers.people import PREFIXED, SPACED, UNSPACED, Person, Spelling, spellings
from pmsite.authoring.importers.untrusted import clean

if TYPE_CHECKING:
    from pmsite.authoring.importers.mapping import Mapping

ANONYMOUS = "a responder"
EMAIL_REMOVED = "[e-mail address removed]"
LINK_REMOVED = "[link removed]"
_URL = r"(?P<url>https?://[^\s<>\"]+)"
_SCHEME = re.compile(r"https?://", re.IGNORECASE)
_EMAIL = r"(?P<email>(?<![\w.%+-])[\w.%+-]+@[\w-]+(?:\.[\w-]+)+)"
_LONGEST_IN_TRIE = 100  # longer spellings (hardly names) are listed as they are: the trie recurses per character
_Trie = dict[str, "_Trie"]


class Redactor:
    """Masks the people a record names, and every e-mail address, in its texts and links.

    ``texts``, when given, are all the texts it will be asked to mask: a spelling none of them
    could hold is left out of the pattern, so a workspace of thousands stays quick.
    """

    def __init__(self, people: Iterable[Person], mapping: Mapping, texts: Iterable[str] | None = None) -> None:
        seen = _Seen(texts) if texts is not None else None
        self._roles: dict[str, str] = {}  # casefolded spelling -> what replaces it
        self._any_case: set[str] = set()  # casefolded spellings that match in any case
        self._cases: dict[str, set[str]] = {}  # casefolded word -> the forms it matches in
        groups: dict[str, set[str]] = {SPACED: set(), UNSPACED: set(), PREFIXED: set()}
        for one in people:
            replacement = mapping.actor(*one.keys) or ANONYMOUS
            for spelling in spellings(one.names):
                if seen is not None and not seen.may_hold(spelling):
                    continue
                text = spelling.text
                forms = {text, text.upper(), text[:1].upper() + text[1:]} if spelling.word else {text}
                for form in forms:
                    self._roles.setdefault(_key(form), replacement)
                    if spelling.word:
                        self._cases.setdefault(_key(form), set()).update(forms)
                    else:
                        self._any_case.add(_key(form))
                groups[spelling.script].update(forms)
        self.spellings = sum(map(len, groups.values()))  # in the pattern: the work each text costs
        self._all = re.compile("|".join(p for p in (_URL, _EMAIL, _names_pattern(groups)) if p), re.IGNORECASE)

    def mask(self, value: object, *, one_line: bool = False) -> tuple[str, bool]:
        """A text from the record, cleaned and masked; and whether a link that named someone was removed."""
        removed = False

        def replace(match: re.Match[str]) -> str:
            nonlocal removed
            found = match.group(0)
            if match.lastgroup == "url":
                url, tail = _trailing(found)
                if not self.names_in_link(url):
                    return found
                removed = True
                return LINK_REMOVED + tail
            return self._replacement(match) or found

        text = unicodedata.normalize("NFC", clean(value, one_line=one_line))
        return self._all.sub(replace, text), removed

    def text(self, value: object, *, one_line: bool = False) -> str:
        """A text from the record, cleaned and masked."""
        return self.mask(value, one_line=one_line)[0]

    def names_in(self, text: str) -> bool:
        """Whether ``text`` (a link's address, say) holds an e-mail address or a spelling of someone the record names."""
        text = _SCHEME.sub(" ", unicodedata.normalize("NFC", text))  # no link left to match as one
        return any(self._replacement(m) for m in self._all.finditer(text))

    def names_in_link(self, url: str) -> bool:
        """Whether a link's address names anyone, written plainly or percent-encoded."""
        return self.names_in(unquote_plus(url))

    def _replacement(self, match: re.Match[str]) -> str:
        """What replaces this match, or "" when it is a word in a case that is not a name ("will")."""
        found = match.group(0)
        if match.lastgroup == "email":
            return self._roles.get(_key(found), EMAIL_REMOVED)
        name = found.removeprefix("@")
        key = _key(name)
        if name == found and key not in self._any_case and name not in self._cases.get(key, ()):
            return ""
        return self._roles.get(key, ANONYMOUS)


class _Seen:
    """What the texts to mask could hold: their words, and each pair of characters around a non-ASCII one."""

    def __init__(self, texts: Iterable[str]) -> None:
        keyed = _key("\n".join(unicodedata.normalize("NFC", clean(t)) for t in texts))
        self.words = set(re.findall(r"\w+", keyed))
        starts = (m.start() + d for m in re.finditer(r"[^\x00-\x7f]", keyed) for d in (-1, 0))
        self.pairs = {keyed[i: i + 2] for i in starts if i >= 0}

    def may_hold(self, spelling: Spelling) -> bool:
        """False only when no text can hold this spelling where the pattern would find it."""
        key = _key(spelling.text)
        if spelling.script == SPACED:  # found only at the start of a word: its first word must be a word of a text
            first = re.match(r"\w+", key)
            return first is None or first.group() in self.words
        return key[:2] in self.pairs  # found anywhere: its first two characters must be next to each other somewhere


def _key(text: str) -> str:
    """Spellings the pattern matches as one (in any case) share a key: Turkish ı and İ are an i to it."""
    return text.casefold().replace("i\u0307", "i").replace("ı", "i")


def _trailing(url: str) -> tuple[str, str]:
    """A link and the punctuation after it that belongs to the sentence (a closing bracket it did not open)."""
    end = len(url)
    while end and url[end - 1] in ".,;:!?'\")]}":
        if url[end - 1] == ")" and url.count("(", 0, end) >= url.count(")", 0, end):
            break
        end -= 1
    return url[:end], url[end:]


def _names_pattern(groups: dict[str, set[str]]) -> str:
    word = f"[{_word_chars()}@]"
    parts = []
    if groups[SPACED]:
        parts.append(rf"(?<![{_word_chars()}.@])@?(?:{_alternatives(groups[SPACED])})(?!{word})")
    if groups[PREFIXED]:
        parts.append(rf"@?(?:{_alternatives(groups[PREFIXED])})(?!{word})")
    if groups[UNSPACED]:
        parts.append(rf"@?(?:{_alternatives(groups[UNSPACED])})")
    return f"(?P<name>{'|'.join(parts)})" if parts else ""


def _alternatives(spellings: set[str]) -> str:
    """One pattern for many literal spellings: a trie, so a thousand names cost about what one does.

    The pattern is matched in any case, so the trie holds lower-case spellings: two branches that
    differ only in case would hide each other's longer continuations.
    """
    trie: _Trie = {}
    long: list[str] = []
    for text in {"".join(c.lower() if len(c.lower()) == 1 else c for c in s) for s in spellings}:
        if len(text) > _LONGEST_IN_TRIE:
            long.append(re.escape(text))
            continue
        node = trie
        for ch in text:
            node = node.setdefault(ch, {})
        node[""] = {}
    return "|".join([p for p in (_branch(trie),) if p] + sorted(long, key=len, reverse=True))


def _branch(node: _Trie) -> str:
    """A trie node as a pattern: longer spellings first, so the longest name wins."""
    options = [re.escape(ch) + _branch(child) for ch, child in sorted(node.items()) if ch]
    if not options:
        return ""
    body = options[0] if len(options) == 1 else f"(?:{'|'.join(options)})"
    return f"(?:{body})?" if "" in node else body


@functools.cache
def _word_chars() -> str:
    """``\\w`` and the combining marks (which ``\\w`` leaves out: the vowel signs of Devanagari, Arabic's harakat)."""
    ranges: list[tuple[int, int]] = []
    for code in itertools.chain(range(0x300, 0x20000), range(0xE0100, 0xE01F0)):
        if unicodedata.category(chr(code))[0] == "M":
            if ranges and ranges[-1][1] == code - 1:
                ranges[-1] = (ranges[-1][0], code)
            else:
                ranges.append((code, code))
    return r"\w" + "".join(chr(a) if a == b else f"{chr(a)}-{chr(b)}" for a, b in ranges)
