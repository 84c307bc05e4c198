"""Slips of the fingers in the words the rules key on ("bugdet 500", "38 di sacrpe", "tagila 52"):
one edit away from a cue word, same first letter, and not itself a word the shop knows."""

from __future__ import annotations

import re
from functools import lru_cache

from tools.lexicon import match_terms, normalise

# The words budgets and sizes are read by; each misspelling costs the shopper a constraint.
CUE_WORDS = frozenset({"budget", "massimo", "massima", "spendere", "scarpe", "taglia", "numero", "euro",
                       "shoes", "size", "under", "sotto", "prezzo", "price", "totale", "total",
                       "nessun", "nessuno", "sopra", "oltre"})
_MIN_LENGTH = 5
# Real words one edit from a cue: never "corrected" ("max 80 a pezzo" is per piece, not a price).
_REAL_WORDS = frozenset({"pezzo", "pezzi", "pezza", "taglio", "tagli", "prize", "massa", "masse", "sizes",
                         "sotti", "unders"})
_WORD = re.compile(r"[^\W\d_]+")


def edit_distance(a: str, b: str, limit: int) -> int:
    """Optimal string alignment distance (a swap of neighbours is one edit), stopped past `limit`."""
    if abs(len(a) - len(b)) > limit:
        return limit + 1
    previous2: list[int] = []
    previous = list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        current = [i] + [0] * len(b)
        for j, cb in enumerate(b, 1):
            current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (ca != cb))
            if i > 1 and j > 1 and ca == b[j - 2] and a[i - 2] == cb:
                current[j] = min(current[j], previous2[j - 2] + 1)
        if min(current) > limit:
            return limit + 1
        previous2, previous = previous, current
    return previous[-1]


@lru_cache(maxsize=4096)
def _cue(word: str) -> str:
    if len(word) < _MIN_LENGTH or word in CUE_WORDS or word in _REAL_WORDS or match_terms(word).phrases:
        return word
    near = [cue for cue in CUE_WORDS if cue[0] == word[0] and edit_distance(word, cue, 1) <= 1]
    return near[0] if len(near) == 1 else word


def respell_cues(text: str) -> str:
    """The text with misspelt budget and size words respelt; everything else as written."""
    def fix(match: re.Match[str]) -> str:
        word = normalise(match.group())
        fixed = _cue(word)
        return match.group() if fixed == word else fixed
    return _WORD.sub(fix, text)
