"""Fabric compositions and patterns as feeds write them, read into the shop's keys."""

from __future__ import annotations

import re
from typing import Any

from tools.lexicon import FIBRE_WORDS, normalise
from tools.taxonomy import PATTERNS

_FIBRE_PCT = re.compile(r"(\d{1,3})\s*%\s*([a-zà-ü]+)", re.IGNORECASE)


def fabric_of(material: str | None) -> list[dict[str, Any]] | None:
    """'70% lana, 30% cashmere' → [{"fibre": "wool", "pct": 70}, ...] when every fibre is known."""
    if not material:
        return None
    parts = _FIBRE_PCT.findall(material)
    if not parts:
        words = normalise(material).split()
        fibres = [FIBRE_WORDS[w] for w in words if w in FIBRE_WORDS]
        return [{"fibre": fibres[0], "pct": 100}] if len(fibres) == 1 else None
    fabric = []
    for pct, word in parts:
        fibre = FIBRE_WORDS.get(normalise(word))
        if fibre is None:
            return None
        fabric.append({"fibre": fibre, "pct": int(pct)})
    return fabric


_PATTERN_WORDS = {"tinta unita": "solid", "unito": "solid", "plain": "solid", "gessato": "pinstripe",
                  "quadri": "check", "a quadri": "check", "checked": "check", "plaid": "check",
                  "tartan": "check", "righe": "stripes", "a righe": "stripes", "striped": "stripes",
                  "spigato": "herringbone", "floreale": "floral", "fiori": "floral", "a fiori": "floral",
                  "pois": "polka_dots", "a pois": "polka_dots", "polka dot": "polka_dots",
                  "polka dots": "polka_dots"}


def pattern_of(pattern: str | None) -> str | None:
    """The taxonomy's pattern key the feed's pattern names; unknown (None) when it names none."""
    if not pattern:
        return None
    word = normalise(pattern)
    key = word.replace(" ", "_")
    if key in PATTERNS:
        return key
    return _PATTERN_WORDS.get(word)


