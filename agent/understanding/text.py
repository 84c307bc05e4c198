"""What a piece of shopper text (a search, a content title, a chat message) says about the goal:
goals it names, goals it rejects ("forget the running stuff"), product categories and people.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from functools import lru_cache

from agent.understanding.words import (
    DEPARTMENT_WORDS,
    FOR_WORDS,
    GOAL_HINTS,
    GOAL_PHRASE_MAX_WORDS,
    GOAL_PHRASES,
    NEGATION_CUES,
    PAST_CUES,
    RELATION_WORDS,
    SHORT_NEGATIONS,
)
from tools.lexicon import match_terms, normalise
from tools.taxonomy import CATEGORIES, GOALS

# A clause ends at punctuation or at "but": "forget the running stuff, I have a wedding".
_CLAUSES = re.compile(r"[,.;:!?()\n]+|\b(?:ma|but|pero|però)\b", re.IGNORECASE)
_NEGATIONS = {normalise(c): c for c in NEGATION_CUES}
_NEGATION_MAX_WORDS = max(len(c.split()) for c in _NEGATIONS)
_SHORT_REACH = 2  # "no gym", "niente sport", "non la palestra"
_LONG_REACH = 5  # "forget about all the running stuff"
CATEGORY_ONLY_MASS = 0.5  # a bare category ("giacca") hints at goals; it does not name one
_PAST = re.compile(r"\b(?:" + "|".join(sorted(map(re.escape, PAST_CUES), key=len, reverse=True)) + r")\b")


@dataclass(frozen=True)
class TextCues:
    goals: tuple[tuple[str, float], ...]  # goal -> share of this text's evidence (sums to <= 1)
    names_goal: bool  # a phrase names an occasion or activity, not only a product category
    rejected: frozenset[str]  # goals the text says no to
    departments: tuple[str, ...]  # in order of appearance


@lru_cache(maxsize=1)
def category_goal_shares() -> dict[str, dict[str, float]]:
    """How strongly each category points at each goal, from the goals' outfit slots."""
    raw: dict[str, dict[str, float]] = {}
    for goal in GOALS.values():
        for required, optional in goal.slots.values():
            for slots, weight in ((required, 1.0), (optional, 0.4)):
                for slot in slots:
                    for category in slot.categories:
                        shares = raw.setdefault(category, {})
                        shares[goal.key] = max(shares.get(goal.key, 0.0), weight)
    return {cat: _normalised(shares) for cat, shares in raw.items() if cat in CATEGORIES}


def _normalised(scores: dict[str, float]) -> dict[str, float]:
    total = sum(scores.values())
    return {k: v / total for k, v in scores.items()} if total > 0 else {}


_GOAL_FIRST_WORDS = frozenset(p.split()[0] for p in GOAL_PHRASES)
_HINT_FIRST_WORDS = frozenset(p.split()[0] for p in GOAL_HINTS)
_NEGATION_FIRST_WORDS = frozenset(p.split()[0] for p in _NEGATIONS)


def _match_at(words: list[str], i: int, table: object, max_words: int,
              first_words: frozenset[str]) -> tuple[str, int] | None:
    if words[i] not in first_words:  # most words start no phrase: skip the joins
        return None
    for n in range(min(max_words, len(words) - i), 0, -1):
        phrase = " ".join(words[i:i + n])
        if phrase in table:  # type: ignore[operator]
            return phrase, n
    return None


def _departments(words: list[str]) -> list[str]:
    found: list[str] = []
    for i, word in enumerate(words):
        dept = DEPARTMENT_WORDS.get(word)
        if dept is None and word in RELATION_WORDS and FOR_WORDS & set(words[max(0, i - 3):i]):
            dept = RELATION_WORDS[word]
        if dept and dept not in found:
            found.append(dept)
    return found


@lru_cache(maxsize=8192)
def read_text(text: str) -> TextCues:
    """Goals a text names (longest phrase first), minus the ones it negates; categories as hints.

    A negation covers the goal phrases right after it ("not everyday office"); a goal is rejected
    only when nothing else in the text asks for it ("(not skiing)" beside "warm stuff" is still
    cold weather); goals named in a clause about the past ("l'anno scorso", "I bought") count only
    when no other clause names one.
    """
    named: dict[str, float] = {}
    named_before: dict[str, float] = {}  # from clauses about the past
    hinted: dict[str, float] = {}
    rejected: set[str] = set()
    kept_words: list[str] = []
    all_words: list[str] = []
    for clause in _CLAUSES.split(text):
        words = normalise(clause or "").split()
        all_words.extend(words)
        past = bool(_PAST.search(" ".join(words)))
        negation_until = -1
        i = 0
        while i < len(words):
            neg = _match_at(words, i, _NEGATIONS, _NEGATION_MAX_WORDS, _NEGATION_FIRST_WORDS)
            goal = _match_at(words, i, GOAL_PHRASES, GOAL_PHRASE_MAX_WORDS, _GOAL_FIRST_WORDS)
            table: Mapping[str, Mapping[str, float]] = GOAL_PHRASES
            bucket = named_before if past else named
            if goal is None:
                goal = _match_at(words, i, GOAL_HINTS, GOAL_PHRASE_MAX_WORDS, _HINT_FIRST_WORDS)
                table, bucket = GOAL_HINTS, hinted
            if goal is not None and (neg is None or goal[1] >= neg[1]):
                phrase, n = goal
                if i <= negation_until:
                    if table is GOAL_PHRASES:  # "niente lino" is about fabric, not the holiday
                        rejected.update(table[phrase])
                    negation_until = i + n  # "not everyday office": the next phrase is negated too
                else:
                    for key, strength in table[phrase].items():
                        bucket[key] = bucket.get(key, 0.0) + strength
                    kept_words.extend(words[i:i + n])
                i += n
                continue
            if neg is not None:
                phrase, n = neg
                reach = _SHORT_REACH if phrase in SHORT_NEGATIONS else _LONG_REACH
                negation_until = i + n + reach - 1
                i += n
                continue
            kept_words.append(words[i])
            i += 1
    if not named:
        named = named_before
    rejected -= {k for k, v in {**named, **hinted}.items() if v >= 0.5}
    for key in rejected:
        named.pop(key, None)
        hinted.pop(key, None)
    shares = _normalised(named)
    # Categories and hint words only lean: they share one vote between them.
    leaning: dict[str, float] = dict(_normalised(hinted))
    categories = match_terms(" ".join(kept_words)).categories
    if categories:
        by_category = category_goal_shares()
        for cat in categories:
            for key, share in by_category.get(cat, {}).items():
                if key not in rejected:
                    leaning[key] = leaning.get(key, 0.0) + share / len(categories)
    leaning = _normalised(leaning)
    if shares and leaning:
        shares = {k: 0.8 * shares.get(k, 0.0) + 0.2 * leaning.get(k, 0.0) for k in {*shares, *leaning}}
    elif leaning:
        shares = {k: CATEGORY_ONLY_MASS * v for k, v in leaning.items()}
    return TextCues(
        goals=tuple(sorted(shares.items(), key=lambda kv: -kv[1])),
        names_goal=bool(named),
        rejected=frozenset(rejected),
        departments=tuple(_departments(all_words)),
    )
