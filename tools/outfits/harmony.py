"""How well two pieces go together: colour harmony and the PIM's compatible categories.

A stylist's rules of thumb, kept as numbers the outfit solver adds up: neutrals go with anything,
one statement colour per look, no clashing pairs, and pieces the catalog says pair well.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from functools import cached_property

import numpy as np

from tools.shapes import ProductHit
from tools.taxonomy import CATEGORIES, COLOUR_FAMILY, COLOURS, NEUTRAL_COLOURS

# Pairs a stylist would not put in one look.
CLASHES: frozenset[frozenset[str]] = frozenset(frozenset(p) for p in (
    ("red", "pink"), ("green", "burgundy"), ("red", "burgundy"), ("yellow", "pink"),
    ("red", "green"), ("olive", "pink"), ("red", "olive"), ("yellow", "burgundy"),
))

# A pattern that speaks as loudly as a colour: one statement per look, on a neutral base.
STATEMENT_PATTERNS = frozenset({"floral", "polka_dots", "check"})
# Leathers worn together (shoes, belt, bag) stay in one family: black with black, brown with brown.
LEATHER_CATEGORIES = frozenset({"formal_shoes", "casual_shoes", "boots", "belt", "bag"})
LEATHER_FAMILY = {"black": 1, "charcoal": 1, "brown": 2, "camel": 2, "burgundy": 2, "beige": 2}
LEATHER_CLASH_PENALTY = -1.0
CLASH_PENALTY = -2.0
SECOND_STATEMENT_PENALTY = -1.0  # two different non-neutral colours in one look
INCOMPATIBLE_PENALTY = -0.25  # per direction: the PIM does not list the other category
SAME_COLOUR_BONUS = 0.03
HARD_LIMIT = -0.9  # a pair scoring below this is never put together by choice


@dataclass(frozen=True)
class Candidate:
    """A piece that can fill a slot at the fulfilment place, in the shopper's size."""

    slot: str
    hit: ProductHit
    size: str  # "" when the shopper's size is not known yet
    variant_id: str  # "" when the size is not known
    compatible: frozenset[str]
    unary: float  # search relevance + goal fit + preferences
    optional: bool = False
    colour_match: bool = False
    reasons: tuple[str, ...] = field(default=())

    @property
    def sku(self) -> str:
        return self.hit.sku

    @cached_property
    def price(self) -> Decimal:
        return Decimal(self.hit.price.amount)

    @cached_property
    def colour(self) -> str:
        return self.hit.colours[0] if self.hit.colours else ""

    @property
    def category(self) -> str:
        return self.hit.category or ""  # "" unknown: paired without the PIM's opinion

    @cached_property
    def loud_pattern(self) -> bool:
        return (self.hit.pattern or "") in STATEMENT_PATTERNS

    @cached_property
    def leather(self) -> int:
        """The leather family (1 black, 2 brown) of shoes, belts and bags; 0 for anything else."""
        return LEATHER_FAMILY.get(self.colour, 0) if self.category in LEATHER_CATEGORIES else 0


def colour_score(a: str, b: str) -> float:
    if not a or not b or a in NEUTRAL_COLOURS or b in NEUTRAL_COLOURS:
        return 0.0
    if a == b or COLOUR_FAMILY.get(a, a) == COLOUR_FAMILY.get(b, b):
        return SAME_COLOUR_BONUS  # one colour, or tones of it (blue with light blue): one statement
    if frozenset((a, b)) in CLASHES:
        return CLASH_PENALTY
    return SECOND_STATEMENT_PENALTY


def statement_of(c: Candidate) -> str:
    """What makes this piece a statement: its loud pattern, or its colour's family; "" for a quiet
    piece (tones of one colour are one statement, as in `colour_score`)."""
    if c.loud_pattern:
        return f"{c.hit.pattern} {c.sku}"
    return COLOUR_FAMILY.get(c.colour, c.colour) if _loud(c) else ""


def _loud(c: Candidate) -> bool:
    return bool(c.colour) and c.colour not in NEUTRAL_COLOURS


def pair_score(a: Candidate, b: Candidate) -> float:
    """Colour harmony, one statement, one leather family, plus compatibility; symmetric."""
    score = colour_score(a.colour, b.colour)
    if (a.loud_pattern and (b.loud_pattern or _loud(b))) or (b.loud_pattern and _loud(a)):
        score += SECOND_STATEMENT_PENALTY
    if a.leather and b.leather and a.leather != b.leather:
        score += LEATHER_CLASH_PENALTY
    if a.compatible and b.category not in a.compatible:
        score += INCOMPATIBLE_PENALTY
    if b.compatible and a.category not in b.compatible:
        score += INCOMPATIBLE_PENALTY
    return score


class PairCache:
    """pair_score memoised by sku pair (the solver asks for the same pairs many times)."""

    def __init__(self) -> None:
        self._scores: dict[tuple[str, str], float] = {}

    def __call__(self, a: Candidate, b: Candidate) -> float:
        key = (a.sku, b.sku) if a.sku <= b.sku else (b.sku, a.sku)
        found = self._scores.get(key)
        if found is None:
            found = self._scores[key] = pair_score(a, b)
        return found

    def table(self, candidates: Sequence[Candidate]) -> list[list[float]]:
        """Dense pair scores for the given candidates, by position (vectorised: same numbers as
        pair_score)."""
        n = len(candidates)
        colour = np.array([_COLOUR_INDEX.get(c.colour, 0) for c in candidates], dtype=np.int64)
        category = np.array([_CATEGORY_INDEX.get(c.category, len(_CATEGORY_INDEX)) for c in candidates],
                            dtype=np.int64)
        lists = np.ones((n, len(_CATEGORY_INDEX) + 1), dtype=bool)  # unknown category: never penalised
        for i, c in enumerate(candidates):
            if c.compatible:
                lists[i, :len(_CATEGORY_INDEX)] = False
                lists[i, [_CATEGORY_INDEX[k] for k in c.compatible if k in _CATEGORY_INDEX]] = True
        misses = ~lists[:, category]  # [i, j]: i's PIM does not list j's category
        scores = _COLOUR_TABLE[colour[:, None], colour[None, :]] + INCOMPATIBLE_PENALTY * (
            misses.astype(np.float64) + misses.T.astype(np.float64))
        pattern = np.array([c.loud_pattern for c in candidates], dtype=bool)
        loud = np.array([_loud(c) for c in candidates], dtype=bool)
        two = (pattern[:, None] & (pattern[None, :] | loud[None, :])) | (pattern[None, :] & loud[:, None])
        leather = np.array([c.leather for c in candidates], dtype=np.int64)
        clash = (leather[:, None] > 0) & (leather[None, :] > 0) & (leather[:, None] != leather[None, :])
        scores = scores + SECOND_STATEMENT_PENALTY * two + LEATHER_CLASH_PENALTY * clash
        np.fill_diagonal(scores, 0.0)
        return scores.tolist()  # type: ignore[no-any-return]


_COLOUR_KEYS = ("", *COLOURS)
_COLOUR_INDEX = {c: i for i, c in enumerate(_COLOUR_KEYS)}
_COLOUR_TABLE = np.array([[colour_score(a, b) for b in _COLOUR_KEYS] for a in _COLOUR_KEYS])
_CATEGORY_INDEX = {c: i for i, c in enumerate(CATEGORIES)}
