"""Similar wording: how alike two post-mortems explain why their incident happened.

The measure is TF-IDF cosine similarity over the words of the root causes (descriptions and
five whys) and the contributing factors:

- words are lower-cased runs of letters and digits; English stop words, numbers and
  one-letter words are dropped, and each word is reduced to its Snowball (Porter2) English
  stem, so "deleted", "deleting" and "deletion" are one term;
- a term weighs ``(1 + ln tf) x idf`` in a document, where ``tf`` is how often the document
  uses it and ``idf = 1 + floor(log2((N + 1) / (df + 1)))`` in whole bits: ``N`` documents in
  the knowledge base, ``df`` of them using the term. Whole bits keep the weights unchanged by
  most edits, so a live preview recomputes only the related lists an edit reaches;
- the similarity of two documents is the cosine of their weight vectors, from 0 (no term
  in common) to 1 (the same terms in the same proportions).

:class:`Wording` holds every incident's vector; the related ranking
(:mod:`pmsite.analysis.related`) and the review of a pull request both read it.
"""

from __future__ import annotations

import functools
import math
import operator
import re
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

import snowballstemmer

from pmsite.format.document import Document
from pmsite.text import plain_text

# The English stop words of the Snowball project (snowballstem.org/algorithms/english/stop.txt),
# with the contractions split as the tokeniser splits them (one-letter words are dropped anyway).
_STOP = """i me my myself we our ours ourselves you your yours yourself yourselves he him his himself she her hers
    herself it its itself they them their theirs themselves what which who whom this that these those am is are
    was were be been being have has had having do does did doing would should could ought a an the and but if or
    because as until while of at by for with about against between into through during before after above below
    to from up down in out on off over under again further then once here there when where why how all any both
    each few more most other some such no nor not only own same so than too very s t can will just don
    should now d ll m o re ve y ain aren couldn didn doesn hadn hasn haven isn ma mightn mustn needn shan
    shouldn wasn weren won wouldn"""
STOP_WORDS = frozenset(_STOP.split())

_WORD = re.compile(r"[^\W_]+")  # letters and digits of any script; apostrophes, hyphens and the rest split words

SHOWN_WORDS = 4  # shared words named as a reason

TERM_VERSION = "1"  # changes when the rule from text to terms changes (a cache of terms is then out of date)


@functools.lru_cache(maxsize=1 << 17)
def _term(word: str) -> str:
    """The term a written word counts as ("" for a word that counts for nothing)."""
    if len(word) < 2 or word in STOP_WORDS or word.isdigit():
        return ""
    return _STEMMER.stemWord(word)


_STEMMER = snowballstemmer.stemmer("english")


def words_of(doc: Document) -> list[str]:
    """The texts the measure reads, in the document's order: root causes with their whys, then factors.
    A Markdown link counts by its text, not its address."""
    texts: list[str] = []
    for cause in doc.root_causes:
        texts.append(_prose(cause.description))
        texts.extend(cause.five_whys)
    texts.extend(_prose(factor.description) for factor in doc.contributing_factors)
    return texts


def _prose(markdown: str) -> str:
    return plain_text(markdown) if "](" in markdown else markdown  # the tokeniser drops every other mark


def terms_and_words(texts: Iterable[str]) -> tuple[dict[str, int], dict[str, str]]:
    """Each term's count, and the word a reader sees for it: the form written most often (ties: first)."""
    written: Counter[str] = Counter()
    for text in texts:
        written.update(_WORD.findall(text.lower()))
    counts: dict[str, int] = {}
    shown: dict[str, str] = {}
    most: dict[str, int] = {}
    for word, n in written.items():  # in the order first written
        term = _term(word)
        if not term:
            continue
        counts[term] = counts.get(term, 0) + n
        if n > most.get(term, 0):
            most[term], shown[term] = n, word
    return counts, shown


def terms_of(doc: Document) -> dict[str, int]:
    """A document's terms and how often it uses each."""
    return terms_and_words(words_of(doc))[0]


def idf(df: int, n: int) -> int:
    """A term's weight across the knowledge base, in whole bits: rarer terms weigh more."""
    return 1 + int(math.log2((n + 1) / (df + 1)))


@dataclass(frozen=True)
class Vector:
    """A document's term weights, scaled to a Euclidean length of 1 (none without terms)."""

    weights: dict[str, float]

    def cosine(self, other: Vector) -> float:
        """The cosine similarity of two vectors: 0 with no term in common, 1 for the same proportions.
        ``math.fsum`` is exact whatever the order of the terms, so the result is the same in every run."""
        a, b = self.weights, other.weights
        shared = a.keys() & b.keys()  # one set, iterated twice in one order: the products pair up
        return math.fsum(map(operator.mul, map(a.__getitem__, shared), map(b.__getitem__, shared)))

    def shared(self, other: Vector, limit: int) -> list[str]:
        """The terms that make two vectors alike, the largest contribution first (ties: alphabetical)."""
        a, b = self.weights, other.weights
        return [t for _, t in sorted([(-a[t] * b[t], t) for t in a.keys() & b.keys()])[:limit]]


def vector(terms: Mapping[str, int], idfs: Mapping[str, int]) -> Vector:
    weights = {t: _LOG[n] * idfs.get(t, 1) if n < len(_LOG) else (1.0 + math.log(n)) * idfs.get(t, 1) for t, n in terms.items()}
    norm = math.sqrt(math.fsum([w * w for w in weights.values()]))
    return Vector({t: w / norm for t, w in weights.items()} if norm else {})


_LOG = [0.0] + [1.0 + math.log(n) for n in range(1, 64)]  # 1 + ln tf for the counts most terms have


def document_frequencies(term_lists: Iterable[Mapping[str, int]]) -> Counter[str]:
    df: Counter[str] = Counter()
    for terms in term_lists:
        df.update(terms.keys())
    return df


class Wording:
    """Every incident's vector, by ``id()`` of the incident (incidents are compared by identity).

    Built from the last analysis (``previous``) when a live preview has one: an incident that is the
    very same object keeps its vector unless the weight of one of its terms changed. :attr:`changed`
    holds the incidents (by ``id()``) whose vector is new or different: their similarity to every
    other incident may have changed. Only the vectors are kept (at 10,000 incidents the terms and the
    words as written would cost as much again): a document's terms are counted again when needed, and
    the words made while building are kept until :meth:`forget`.
    """

    def __init__(self, incidents: list[tuple[int, Document]], previous: Wording | None = None) -> None:
        self.docs = dict(incidents)
        self._made: dict[int, tuple[dict[str, int], dict[str, str]]] = {}  # terms and words counted in this pass
        kept = previous.vectors if previous is not None else {}
        self.df: Counter[str]
        if previous is not None:
            df: Counter[str] = Counter(previous.df)
            for key in previous.docs.keys() - self.docs.keys():
                df.subtract(terms_of(previous.docs[key]).keys())
            for key in self.docs.keys() - previous.docs.keys():
                df.update(self._terms(key).keys())
            self.df = Counter({t: n for t, n in df.items() if n > 0})
        else:
            self.df = document_frequencies(self._terms(key) for key in self.docs)
        n = len(self.docs)
        self.idf = {t: idf(d, n) for t, d in self.df.items()}
        reweighted = {t for t, w in self.idf.items() if previous.idf.get(t) != w} if previous is not None else set()
        self.vectors: dict[int, Vector] = {}
        self.changed: set[int] = set()
        for key in self.docs:
            old = kept.get(key)
            if old is not None and reweighted.isdisjoint(old.weights):  # the same document: the same terms
                self.vectors[key] = old
            else:
                self.vectors[key] = vector(self._terms(key), self.idf)
                self.changed.add(key)

    def _counted(self, key: int) -> tuple[dict[str, int], dict[str, str]]:
        made = self._made.get(key)
        if made is None:
            made = self._made[key] = terms_and_words(words_of(self.docs[key]))
        return made

    def _terms(self, key: int) -> dict[str, int]:
        return self._counted(key)[0]

    def forget(self) -> None:
        """Drop the terms and words counted so far (the vectors stay)."""
        self._made = {}

    def similarity(self, a: int, b: int) -> float:
        return self.vectors[a].cosine(self.vectors[b])

    def shared_words(self, a: int, b: int, limit: int = SHOWN_WORDS) -> list[str]:
        """The words two incidents share that weigh most, as ``a`` writes them."""
        shown = self._counted(a)[1]
        return [shown[t] for t in self.vectors[a].shared(self.vectors[b], limit)]
