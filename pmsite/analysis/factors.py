"""Contributing factors by fishbone branch: what recurs, not every sentence."""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field

from pmsite.analysis.incidents import Incident
from pmsite.analysis.knowledge_base import KnowledgeBase
from pmsite.analysis.patterns import normalise_factor

# --- contributing factors: what recurs, not every sentence --------------------

_WORD = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*")

_STOPWORDS = frozenset(
    ["about", "above", "after", "again", "against", "also", "because", "been", "before", "being", "below", "between", "both", "cannot", "could", "did", "does", "doing", "down", "during", "each", "every", "from", "further", "had", "has", "have", "having", "here", "into", "itself", "just", "more", "most", "much", "must", "only", "other", "over", "same", "should", "some", "such", "than", "that", "their", "them", "then", "there", "these", "they", "this", "those", "through", "under", "until", "very", "were", "what", "when", "where", "which", "while", "with", "within", "without", "would", "your", "once", "still", "never", "always", "already", "again", "often", "since", "every", "many", "less", "like", "made", "make", "using", "used"]
)



def key_terms(text: str, ignore: frozenset[str] = frozenset()) -> frozenset[str]:
    """The words that carry a factor's meaning: four letters or more, no stop words, plurals folded.

    ``ignore`` holds words that are patterns of their own (service and team names), so a
    theme is about the kind of condition, not about where it happened.
    """
    terms = set()
    for word in _WORD.findall(text.lower()):
        if len(word) < 4 or word in _STOPWORDS or word.isdigit():
            continue
        word = _singular(word)
        if word not in ignore:
            terms.add(word)
    return frozenset(terms)



def _singular(word: str) -> str:
    """Plurals folded, so "runbooks" and "runbook" are one term."""
    if word.endswith("ies") and len(word) > 5:
        return word[:-3] + "y"
    if word.endswith("s") and not word.endswith("ss") and len(word) > 4:
        return word[:-1]
    return word



@dataclass
class FactorTheme:
    """Contributing factors of one branch that recur across incidents.

    ``kind`` is ``"wording"`` when the factors say the same thing in the same words (case,
    punctuation and spacing aside), ``"terms"`` when they share key terms.
    """

    kind: str
    label: str  # the shared wording as first written, or the shared terms
    terms: tuple[str, ...]
    examples: list[str]  # distinct wordings, first written first
    incidents: list[Incident]  # newest first



@dataclass
class FactorBranch:
    """One fishbone branch (factor category) across the corpus."""

    category: str
    count: int  # factors in this branch
    incident_count: int  # incidents with at least one
    themes: list[FactorTheme] = field(default_factory=list)  # recurring first: most incidents first
    single: int = 0  # factors that recur nowhere: counted, not listed



def _newest_first(incidents: set[Incident] | list[Incident]) -> list[Incident]:
    return sorted(incidents, key=lambda i: (-i.timestamp, i.id))



def _name_mask(names: set[str]) -> Callable[[str, str], str]:
    """Replace service and team names in a factor with a placeholder, so "no runbook for billing" and
    "no runbook for search" read as the one condition they are."""
    words = sorted((n for n in names if len(n) >= 3), key=lambda n: (-len(n), n))
    if not words:
        return lambda text, placeholder: text
    pattern = re.compile(r"(?<![\w-])(?:" + "|".join(re.escape(w) for w in words) + r")(?![\w-])", re.IGNORECASE)
    return lambda text, placeholder: pattern.sub(placeholder, text)



NAME_PLACEHOLDER = "‹name›"  # what a reader sees where a name was folded

_NAME_KEY = "_name_"  # what the comparison sees: survives folding and is no English word

THEMES_SHOWN = 8  # recurring themes listed per branch; the rest are counted



def factor_branches(kb: KnowledgeBase) -> list[FactorBranch]:
    """Contributing factors by branch: recurring wordings first, then factors sharing a key term.

    Wordings match when equal after case, punctuation, spacing and the names of services and
    teams are folded. A theme needs two or more incidents. Terms are chosen greedily, the one
    naming the most incidents first (ties: alphabetical), so every factor lands in one theme at most.
    """
    names = set(kb.by_service) | {t for inc in kb.incidents for t in inc.doc.teams}
    mask = _name_mask(names)
    ignore = frozenset(f(w) for name in names for w in _WORD.findall(name.lower()) for f in (str, _singular))
    by_category: dict[str, list[tuple[Incident, str]]] = defaultdict(list)  # one pass, not one per branch
    for inc in kb.incidents:
        for f in inc.doc.contributing_factors:
            by_category[f.category].append((inc, f.description.strip()))
    branches = []
    for cat in _factor_categories(kb):
        rows = by_category.get(cat, [])
        by_wording: dict[str, list[tuple[Incident, str]]] = defaultdict(list)
        for inc, text in reversed(rows):  # oldest first, so a theme is labelled as first written
            by_wording[normalise_factor(mask(text, _NAME_KEY))].append((inc, text))
        themes: list[FactorTheme] = []
        rest: list[tuple[Incident, str]] = []
        for group in by_wording.values():
            incidents = {inc for inc, _ in group}
            if len(incidents) >= 2:
                examples = list(dict.fromkeys(text for _, text in group))
                label = mask(group[0][1], NAME_PLACEHOLDER) if len(examples) > 1 else group[0][1]
                themes.append(FactorTheme("wording", label, (), examples, _newest_first(incidents)))
            else:
                rest.extend(group)
        terms = [key_terms(text, ignore) for _, text in rest]
        left = set(range(len(rest)))
        while True:
            holders: dict[str, set[int]] = defaultdict(set)
            for i in left:
                for term in terms[i]:
                    holders[term].add(i)
            scored = [(len({rest[i][0] for i in held}), term) for term, held in holders.items()]
            best = min(scored, key=lambda s: (-s[0], s[1]), default=(0, ""))
            if best[0] < 2:
                break
            members = sorted(holders[best[1]])
            # a second term shared by most of the group names the theme more precisely
            shared = Counter(t for i in members for t in terms[i] if t != best[1])
            second = [t for t, n in sorted(shared.items(), key=lambda kv: (-kv[1], kv[0])) if 3 * n >= 2 * len(members)][:1]
            words = (best[1], *second)
            examples = list(dict.fromkeys(rest[i][1] for i in members))
            themes.append(FactorTheme("terms", " · ".join(words), words, examples, _newest_first({rest[i][0] for i in members})))
            left -= set(members)
        themes.sort(key=lambda t: (-len(t.incidents), t.kind != "wording", t.label.lower(), t.label))
        branches.append(FactorBranch(cat, len(rows), len({inc for inc, _ in rows}), themes, len(left)))
    return branches



def _factor_categories(kb: KnowledgeBase) -> list[str]:
    """The configured branches in order, then any other category found (none, once validated)."""
    found = {f.category for inc in kb.incidents for f in inc.doc.contributing_factors}
    configured = list(kb.settings.factor_categories)
    return configured + sorted(found - set(configured))
