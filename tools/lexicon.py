"""Words shoppers type (Italian and English) mapped to taxonomy keys.

Search boosts exact attribute matches with it and the agent reads colours, categories and
departments out of messages with it, so both understand "giacca blu" the same way.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from functools import lru_cache

from tools.taxonomy import CATEGORIES, COLOURS, DEPARTMENTS, OCCASIONS, SEASONS

# Words that are not labels in the taxonomy but clearly point at a key.
_EXTRA: dict[str, dict[str, tuple[str, ...]]] = {
    "department": {
        "menswear": ("uomo", "uomini", "men", "mens", "man", "maschile", "da uomo", "for men"),
        "womenswear": ("donna", "donne", "women", "womens", "woman", "femminile", "da donna",
                       "for women", "ladies", "lady"),
        "kids": ("bambino", "bambina", "bambini", "bimbo", "bimba", "bimbi", "kids", "kid", "child",
                 "children", "boy", "girl", "neonato", "figlio", "figlia", "junior"),
    },
    "occasion": {
        "business": ("colloquio", "colloquio di lavoro", "interview", "job interview", "business",
                     "riunione", "meeting", "presentazione"),
        "office": ("ufficio", "office", "lavoro", "work", "workwear"),
        "ceremony": ("matrimonio", "cerimonia", "wedding", "ceremony", "battesimo", "comunione",
                     "sposi", "nozze"),
        "evening": ("sera", "serata", "evening", "gala", "cena elegante", "black tie", "teatro",
                    "opera", "cocktail"),
        "date": ("appuntamento", "date", "date night", "cena romantica", "romantic dinner"),
        "casual": ("casual", "tempo libero", "weekend", "fine settimana", "relax", "everyday"),
        "travel": ("viaggio", "trasferta", "travel", "trip", "business trip", "volo", "flight"),
        "sport": ("sport", "palestra", "gym", "allenamento", "training", "corsa", "running",
                  "workout", "fitness", "jogging"),
        "outdoor": ("outdoor", "trekking", "escursione", "escursionismo", "hiking", "hike",
                    "montagna", "mountain", "camminata"),
        "beach": ("mare", "spiaggia", "beach", "seaside", "vacanza al mare", "piscina", "pool"),
    },
    "season": {
        "summer": ("estivo", "estiva", "estivi", "summer", "caldo"),
        "winter": ("invernale", "invernali", "winter", "freddo", "cold", "neve", "snow"),
        "spring": ("primaverile", "spring"),
        "autumn": ("autunnale", "autumn", "fall"),
    },
    "style": {
        "elegant": ("elegante", "eleganti", "elegant", "formale", "formal", "chic", "raffinato"),
        "casual": ("casual", "informale", "comodo", "comfy", "relaxed"),
        "sporty": ("sportivo", "sportiva", "sporty", "athletic"),
        "classic": ("classico", "classica", "classic", "tradizionale"),
        "modern": ("moderno", "moderna", "modern", "contemporaneo"),
    },
}


# Fibre words shoppers use in "niente lana" / "no wool", both languages -> FIBRES keys.
FIBRE_WORDS: dict[str, str] = {
    "lana": "wool", "wool": "wool", "woollen": "wool", "cotone": "cotton", "cotton": "cotton",
    "lino": "linen", "linen": "linen", "seta": "silk", "silk": "silk", "cashmere": "cashmere",
    "cachemire": "cashmere", "poliestere": "polyester", "polyester": "polyester",
    "sintetico": "polyester", "sintetici": "polyester", "synthetic": "polyester",
    "poliammide": "polyamide", "nylon": "polyamide", "elastan": "elastane", "elastane": "elastane",
    "spandex": "elastane", "viscosa": "viscose", "viscose": "viscose", "pelle": "leather",
    "leather": "leather", "cuoio": "leather", "scamosciato": "suede", "camoscio": "suede",
    "suede": "suede", "piuma": "down", "piume": "down", "down": "down",
    "polyamide": "polyamide", "lycra": "elastane", "modal": "viscose",
    "rayon": "viscose", "merino": "wool", "alpaca": "wool", "mohair": "wool", "lambswool": "wool",
    "denim": "cotton", "gore tex": "gore-tex", "goretex": "gore-tex",
    "poliestere riciclato": "recycled_polyester", "recycled polyester": "recycled_polyester",
    "poliammide riciclata": "recycled_polyester", "nylon riciclato": "recycled_polyester",
    "recycled nylon": "recycled_polyester",
}


# Pattern words, both languages -> PATTERNS keys.
PATTERN_WORDS: dict[str, str] = {
    "tinta unita": "solid", "plain": "solid", "gessato": "pinstripe", "pinstripe": "pinstripe",
    "pinstriped": "pinstripe", "quadri": "check", "a quadri": "check", "check": "check",
    "checked": "check", "plaid": "check", "tartan": "check", "righe": "stripes", "a righe": "stripes",
    "rigato": "stripes", "rigata": "stripes", "stripes": "stripes", "striped": "stripes",
    "stripe": "stripes", "spina di pesce": "herringbone", "spigato": "herringbone",
    "herringbone": "herringbone", "floreale": "floral", "a fiori": "floral", "fiori": "floral",
    "floral": "floral", "pois": "polka_dots", "a pois": "polka_dots", "polka dots": "polka_dots",
    "polka dot": "polka_dots", "melange": "melange",
}
# (Italian, English) labels of the keys the taxonomy keeps without words of their own.
FIBRE_LABELS: dict[str, tuple[str, str]] = {
    "wool": ("lana", "wool"), "cotton": ("cotone", "cotton"), "linen": ("lino", "linen"),
    "silk": ("seta", "silk"), "cashmere": ("cashmere", "cashmere"),
    "polyester": ("poliestere", "polyester"), "polyamide": ("poliammide", "nylon"),
    "elastane": ("elastan", "elastane"), "viscose": ("viscosa", "viscose"),
    "leather": ("pelle", "leather"), "suede": ("camoscio", "suede"), "down": ("piuma", "down"),
}
PATTERN_LABELS: dict[str, tuple[str, str]] = {
    "solid": ("tinta unita", "plain"), "pinstripe": ("gessato", "pinstripe"),
    "check": ("a quadri", "check"), "stripes": ("a righe", "striped"),
    "herringbone": ("spina di pesce", "herringbone"), "floral": ("a fiori", "floral"),
    "polka_dots": ("a pois", "polka dots"), "melange": ("melange", "melange"),
}
STYLE_LABELS: dict[str, tuple[str, str]] = {
    "elegant": ("elegante", "elegant"), "casual": ("casual", "casual"),
    "sporty": ("sportivo", "sporty"), "classic": ("classico", "classic"),
    "modern": ("moderno", "modern"),
}


@dataclass
class TermMatches:
    """What a text names, by kind; `phrases` keeps the matched words (for 'why' and evals)."""

    categories: list[str] = field(default_factory=list)
    colours: list[str] = field(default_factory=list)
    departments: list[str] = field(default_factory=list)
    occasions: list[str] = field(default_factory=list)
    seasons: list[str] = field(default_factory=list)
    styles: list[str] = field(default_factory=list)
    # filled by tools.catalog.bilingual.match_materials, not by match_terms (the agent's reading
    # of a message knows fibres only as exclusions)
    fibres: list[str] = field(default_factory=list)
    patterns: list[str] = field(default_factory=list)
    phrases: list[tuple[str, str, str]] = field(default_factory=list)  # (kind, key, phrase)

    def keys(self, kind: str) -> list[str]:
        return {"category": self.categories, "colour": self.colours,
                "department": self.departments, "occasion": self.occasions,
                "season": self.seasons, "style": self.styles}[kind]


def strip_accents(text: str) -> str:
    """'Forlì' -> 'Forli': the accents shoppers may or may not type, taken off."""
    return "".join(c for c in unicodedata.normalize("NFKD", text) if not unicodedata.combining(c))


def normalise(text: str) -> str:
    """Lower case, no accents, punctuation as spaces: 'Décolleté!' -> 'decollete'."""
    return re.sub(r"[^a-z0-9€]+", " ", strip_accents(text.lower())).strip()


@lru_cache(maxsize=1)
def _phrase_table() -> dict[str, tuple[str, str]]:
    table: dict[str, tuple[str, str]] = {}

    def add(phrase: str, kind: str, key: str) -> None:
        norm = normalise(phrase)
        if norm:
            table.setdefault(norm, (kind, key))

    for key, colour in COLOURS.items():
        for word in (colour[0], colour[1], *colour[2]):
            add(word, "colour", key)
    for key, cat in CATEGORIES.items():
        for word in (cat.it, cat.en, *cat.synonyms):
            add(word, "category", key)
        add(key.replace("_", " "), "category", key)
    for kind, words in _EXTRA.items():
        for key, phrases in words.items():
            for phrase in phrases:
                add(phrase, kind, key)
    for key, (it, en) in OCCASIONS.items():
        add(it, "occasion", key)
        add(en, "occasion", key)
    for key, (it, en) in SEASONS.items():
        add(it, "season", key)
        add(en, "season", key)
    for key, (it, en) in DEPARTMENTS.items():
        add(it, "department", key)
        add(en, "department", key)
    return table


_MAX_WORDS = 4


def match_terms(text: str) -> TermMatches:
    """Find taxonomy words in free text, longest phrase first, each word used once."""
    words = normalise(text).split()
    table = _phrase_table()
    found = TermMatches()
    i = 0
    while i < len(words):
        for n in range(min(_MAX_WORDS, len(words) - i), 0, -1):
            phrase = " ".join(words[i:i + n])
            hit = table.get(phrase)
            if hit is None and len(phrase) > 3 and phrase.endswith("s"):
                hit = table.get(phrase[:-1])  # English plurals: "blazers", "loafers", "t shirts"
            if hit is not None:
                kind, key = hit
                bucket = found.keys(kind)
                if key not in bucket:
                    bucket.append(key)
                found.phrases.append((kind, key, phrase))
                i += n
                break
        else:
            i += 1
    return found
