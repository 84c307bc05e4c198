"""Fabric compositions and patterns as feeds write them, read into the shop's keys."""

from __future__ import annotations

import re
from typing import Any

from tools.lexicon import FIBRE_WORDS, normalise
from tools.taxonomy import PATTERNS

_FIBRE_PCT = re.compile(r"(\d{1,3})\s*%\s*([^,;/|%\d]+)")


def _fibre(phrase: str) -> str | None:
    """The fibre a phrase names, its longest known words first ("poliestere riciclato" before
    "poliestere"; "membrana Gore-Tex" is Gore-Tex)."""
    words = normalise(phrase).split()
    for n in range(min(3, len(words)), 0, -1):
        for i in range(len(words) - n + 1):
            fibre = FIBRE_WORDS.get(" ".join(words[i:i + n]))
            if fibre is not None:
                return fibre
    return None


def fabric_of(material: str | None) -> list[dict[str, Any]] | None:
    """'70% lana, 30% cashmere' → [{"fibre": "wool", "pct": 70}, ...] when every fibre is known."""
    if not material:
        return None
    parts = _FIBRE_PCT.findall(material)
    if not parts:
        # without percentages only a single fibre can be told ("cotone e lino" is a blend of unknown mix)
        fibres = {f for part in re.split(r"\b(?:e|and|con|with)\b|[,;/&+]", material, flags=re.IGNORECASE)
                  if (f := _fibre(part)) is not None}
        return [{"fibre": fibres.pop(), "pct": 100}] if len(fibres) == 1 else None
    fabric = []
    for pct, words in parts:
        fibre = _fibre(words)
        if fibre is None:
            return None
        fabric.append({"fibre": fibre, "pct": int(pct)})
    return fabric


_PATTERN_WORDS = {
    "tinta unita": "solid", "unito": "solid", "plain": "solid", "gessato": "pinstripe",
    "gessata": "pinstripe", "pinstriped": "pinstripe", "quadri": "check", "a quadri": "check",
    "checked": "check", "plaid": "check", "tartan": "check", "righe": "stripes", "a righe": "stripes",
    "striped": "stripes", "stripe": "stripes", "spigato": "herringbone", "spina di pesce": "herringbone",
    "a spina di pesce": "herringbone", "floreale": "floral", "fiori": "floral", "a fiori": "floral",
    "floral print": "floral", "pois": "polka_dots", "a pois": "polka_dots", "polka dot": "polka_dots",
    "polka dots": "polka_dots", "melange": "melange", "mouline": "melange",
}


def pattern_of(pattern: str | None) -> str | None:
    """The taxonomy's pattern key the feed's pattern names; unknown (None) when it names none."""
    if not pattern:
        return None
    word = normalise(pattern)
    key = word.replace(" ", "_")
    if key in PATTERNS:
        return key
    return _PATTERN_WORDS.get(word)


