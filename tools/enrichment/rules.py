"""What a stylist reads in a thin feed row: the garment's kind, fabric, cut and colour say how formal
it is, which seasons it is for and which occasions it serves. Lexicons in Italian and English.

Each rule returns a value and a confidence; it returns nothing when the words say nothing.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from functools import lru_cache

from tools.enrichment.garments import KINDS, Kind
from tools.lexicon import normalise
from tools.taxonomy import CATEGORIES, GOALS

ALL_SEASONS = ("spring", "summer", "autumn", "winter")
_WARM = ("spring", "summer")
_COLD = ("autumn", "winter")
_NOT_SUMMER = ("spring", "autumn", "winter")
_SEASONS = {"all": ALL_SEASONS, "warm": _WARM, "cold": _COLD, "wet": _NOT_SUMMER}

# Fabric names (not fibres) and what they say: (seasons, formality range or None).
# fmt: off
_FABRIC_WORDS: dict[str, tuple[str | None, tuple[int, int] | None]] = {
    "flanella": ("cold", None), "flannel": ("cold", None), "tweed": ("cold", None),
    "velluto a coste": ("cold", (1, 3)), "corduroy": ("cold", (1, 3)), "velluto": ("cold", None),
    "lana cotta": ("cold", (1, 4)), "boiled wool": ("cold", (1, 4)), "loden": ("cold", None),
    "panno": ("cold", None), "wool cloth": ("cold", None), "feltro": ("cold", (2, 3)),
    "felt": ("cold", (2, 3)), "crepe di lana": ("cold", (2, 5)), "wool crepe": ("cold", (2, 5)),
    "fresco lana": ("all", None), "tropical wool": ("all", None), "lana vergine": ("all", None),
    "virgin wool": ("all", None), "misto lana": (None, None), "wool blend": (None, None),
    "lino": ("warm", (1, 4)), "linen": ("warm", (1, 4)), "chiffon": ("warm", (3, 5)),
    "seersucker": ("warm", (1, 3)), "pique": ("warm", None), "filo di cotone": ("warm", None),
    "cotton yarn": ("warm", None), "tela": ("warm", (1, 3)), "canvas": ("warm", (1, 3)),
    "raso": (None, (4, 5)), "satin": (None, (4, 5)), "vernice": (None, (4, 5)),
    "patent": (None, (4, 5)), "pelle spazzolata": (None, (3, 5)), "polished leather": (None, (3, 5)),
    "saffiano": (None, (3, 5)), "denim leggero": ("warm", None), "lightweight denim": ("warm", None),
    "imbottitura": ("cold", None), "imbottito": ("cold", None), "padded": ("cold", None),
    "down filled": ("cold", None), "piuma": ("cold", None), "merino": ("wet", None),
    "gabardine": ("wet", (2, 5)), "gomma": ("wet", (1, 3)), "rubber": ("wet", (1, 3)),
    "idrorepellente": ("wet", None), "water repellent": ("wet", None), "spalmato": ("wet", None),
    "coated": ("wet", None), "sintetico": (None, (1, 2)), "synthetic": (None, (1, 2)),
    "cashmere": ("cold", None), "cachemire": ("cold", None), "jersey": (None, (1, 3)),
    "denim": (None, (1, 2)), "nylon": (None, (1, 3)), "mesh": (None, (1, 1)),
}
# How formal a category usually is when nothing else is said (a stylist's prior).
_TYPICAL: dict[str, float] = {
    "suit": 4.2, "blazer": 3.7, "trousers": 3.1, "jeans": 1.8, "shorts": 1.4, "skirt": 3.0,
    "dress": 3.2, "shirt": 3.3, "blouse": 3.0, "tshirt": 1.5, "polo": 2.0, "knitwear": 2.5,
    "coat": 3.6, "puffer": 1.5, "raincoat": 2.3, "outdoor_jacket": 1, "activewear_top": 1,
    "activewear_bottom": 1, "swimwear": 1, "formal_shoes": 4.0, "casual_shoes": 1.9, "boots": 2.8,
    "hiking_boots": 1, "running_shoes": 1, "sandals": 1.5, "tie": 4.5, "belt": 3.4, "bag": 3.0,
    "scarf": 2.8, "hat": 1.8,
}
_FORMAL_COLOURS = {"black": 0.4, "navy": 0.4, "charcoal": 0.5, "grey": 0.3, "white": 0.0, "cream": 0.0,
                   "blue": 0.0, "burgundy": 0.0, "beige": -0.3, "camel": -0.2, "brown": -0.2,
                   "olive": -0.4, "green": -0.4, "light_blue": -0.3, "red": -0.5, "pink": -0.4,
                   "yellow": -0.6}
_PATTERN_NUDGE = {"pinstripe": 0.6, "herringbone": 0.4, "solid": 0.1, "check": -0.2, "stripes": -0.2,
                  "melange": -0.3, "floral": -0.4, "polka_dots": -0.3}
_FIBRE_NUDGE = {"cashmere": 0.3, "silk": 0.5, "wool": 0.2, "linen": -0.3, "polyamide": -0.4,
                "polyester": -0.3, "recycled_polyester": -0.5, "elastane": -0.2, "down": -0.5,
                "gore-tex": -0.5}
_FIT_NUDGE = {"tailored": 0.3, "slim": 0.0, "regular": 0.0, "relaxed": -0.6, "oversize": -0.8}
_WORD_NUDGE = {"elegante": 0.8, "elegant": 0.8, "formale": 1.0, "formal": 1.0, "cerimonia": 1.0,
               "ceremony": 1.0, "sera": 0.8, "evening": 0.8, "black tie": 1.5, "business": 0.6,
               "casual": -0.8, "weekend": -0.6, "sportivo": -0.8, "sporty": -0.8, "relaxed": -0.5,
               "street": -0.8, "streetwear": -0.8, "everyday": -0.5, "tailoring": 0.4,
               "sartoria": 0.4, "dress": 0.3}
_FITS = {"slim": "slim", "skinny": "slim", "regular": "regular", "regolare": "regular",
         "classic fit": "regular", "comoda": "relaxed", "morbida": "relaxed", "relaxed": "relaxed",
         "loose": "relaxed", "sartoriale": "tailored", "tailored": "tailored", "oversize": "oversize",
         "oversized": "oversize", "boxy": "oversize"}
# fmt: on
SPORT_CATEGORIES = frozenset({"outdoor_jacket", "activewear_top", "activewear_bottom", "hiking_boots",
                              "running_shoes"})
_TAILORED = frozenset({"suit", "blazer", "trousers", "shirt", "coat", "skirt", "dress", "blouse"})
_CUT = _TAILORED | {"jeans", "shorts", "tshirt", "polo", "knitwear", "puffer", "raincoat",
                    "outdoor_jacket", "activewear_top", "activewear_bottom"}


def _phrases(text: str) -> str:
    return f" {normalise(text)} "


def _has(text: str, phrase: str) -> bool:
    return f" {phrase} " in text


@lru_cache(maxsize=1)
def _kinds_by_length() -> list[tuple[str, Kind]]:
    pairs = [(normalise(w), k) for k in KINDS for w in k.words]
    return sorted(pairs, key=lambda p: -len(p[0]))


def kind_of(texts: Sequence[str], category: str | None,
            department: str | None = None) -> tuple[Kind, int] | None:
    """The garment kind the most specific text names (the path's leaf before the title), and the
    index of that text; only kinds of `category` when it is known, and sold in `department`."""
    for index, text in enumerate(texts):
        norm = _phrases(text)
        for phrase, kind in _kinds_by_length():
            if category is not None and kind.category != category:
                continue
            if department is not None and department not in CATEGORIES[kind.category].departments:
                continue
            if _has(norm, phrase):
                return kind, index
    return None


def fabric_hints(texts: Iterable[str]) -> tuple[tuple[str, ...] | None, tuple[int, int] | None]:
    """Seasons and a formality range the fabric's own name gives ("flanella" is for the cold)."""
    seasons: tuple[str, ...] | None = None
    formality: tuple[int, int] | None = None
    norm = _phrases(" ".join(texts))
    for phrase, (season, band) in sorted(_FABRIC_WORDS.items(), key=lambda p: -len(p[0])):
        if _has(norm, phrase):
            seasons = seasons or (_SEASONS[season] if season else None)
            formality = formality or band
            norm = norm.replace(f" {phrase} ", " ")
    return seasons, formality


def fit_of(texts: Iterable[str], category: str | None) -> tuple[str, float] | None:
    norm = _phrases(" ".join(texts))
    for phrase, fit in sorted(_FITS.items(), key=lambda p: -len(p[0])):
        if _has(norm, phrase):
            return fit, 0.9
    if category and category not in _CUT:  # shoes, swimwear, accessories have no cut to name
        return "regular", 0.6
    return None


def seasons_of(category: str, fibres: Sequence[str], named: tuple[str, ...] | None,
               texts: Iterable[str]) -> tuple[list[str], float]:
    """The fabric's own name first, then the category's nature, then its fibres."""
    words = _phrases(" ".join(texts))
    said = [s for s, ws in (("summer", ("estivo", "estiva", "summer", "ss")),
                            ("winter", ("invernale", "winter", "aw", "fw")))
            if any(_has(words, w) for w in ws)]
    if category in ("swimwear", "sandals"):
        return list(_WARM), 0.9
    if category in ("puffer", "coat"):
        return list(_COLD), 0.85
    if named is not None:
        if category == "boots" or category == "raincoat":
            return [s for s in named if s != "summer"] or list(_NOT_SUMMER), 0.8
        return list(named), 0.8
    if category in ("boots", "raincoat"):
        return list(_NOT_SUMMER), 0.75
    main = fibres[0] if fibres else None
    if category in ("knitwear", "scarf", "hat", "tie"):
        if main in ("wool", "cashmere", "down"):
            return list(_COLD), 0.75
        if main in ("cotton", "linen", "viscose"):
            return list(_WARM), 0.7
    if main == "viscose" and category in ("shirt", "blouse"):
        return list(_WARM), 0.6
    if main in ("linen",):
        return list(_WARM), 0.8
    if main in ("down",):
        return list(_COLD), 0.8
    if said == ["summer"]:
        return list(_WARM), 0.7
    if said == ["winter"]:
        return list(_COLD), 0.7
    if category == "dress" and main == "cotton":
        return list(_WARM), 0.6
    if main is None:
        return list(ALL_SEASONS), 0.4
    return list(ALL_SEASONS), 0.6


def formality_of(category: str, kind: Kind | None, fabric_band: tuple[int, int] | None,
                 fibres: Sequence[str], pattern: str | None, colours: Sequence[str], fit: str | None,
                 texts: Iterable[str], house_lean: float = 0.0) -> tuple[int, float, float]:
    """1 sporty .. 5 black tie: the ranges the category, the kind and the fabric allow, and a point
    inside them the colour, pattern, fibre, cut, the copy's own words and the brand's house style
    (`house_lean`) lean towards. Also returns how far this piece leans from its category's norm."""
    lo, hi = CATEGORIES[category].formality
    for band in (kind.formality if kind else None, fabric_band):
        if band and max(lo, band[0]) <= min(hi, band[1]):
            lo, hi = max(lo, band[0]), min(hi, band[1])
    guess = _TYPICAL[category]
    if colours:
        guess += _FORMAL_COLOURS.get(colours[0], 0.0)
    guess += _PATTERN_NUDGE.get(pattern or "", 0.0)
    if fibres:
        guess += _FIBRE_NUDGE.get(fibres[0], 0.0)
    guess += _FIT_NUDGE.get(fit or "", 0.0)
    words = _phrases(" ".join(texts))
    guess += sum(n for w, n in _WORD_NUDGE.items() if _has(words, w))
    lean = min(hi, max(lo, guess)) - _TYPICAL[category]
    value = int(min(hi, max(lo, round(guess + house_lean))))
    width = hi - lo
    return value, (0.9, 0.7, 0.55, 0.45, 0.4)[min(width, 4)], lean


# Occasions by formality for garments with no nature of their own; a stylist's reading of the scale.
_BY_FORMALITY: dict[int, tuple[str, ...]] = {
    5: ("ceremony", "evening", "business"),
    4: ("business", "office", "ceremony"),
    3: ("office", "travel", "date"),
    2: ("casual", "date"),
    1: ("casual",),
}


def occasions_of(category: str, department: str | None, formality: int,
                 seasons: Sequence[str]) -> list[str]:
    """Where a piece is worn: sport and beach pieces by nature, the rest by how formal they are."""
    summer_only = "summer" in seasons and "winter" not in seasons
    if category in ("activewear_top", "activewear_bottom"):
        return ["sport", "outdoor"]
    if category == "running_shoes":
        return ["sport"]
    if category == "hiking_boots":
        return ["outdoor"]
    if category == "outdoor_jacket":
        return ["outdoor", "sport", "travel"]
    if category == "swimwear":
        return ["beach"]
    if category == "puffer":
        return ["casual", "outdoor", "travel"]
    if department == "kids":
        if formality >= 3:
            return ["casual", "ceremony"]
        beachy = summer_only and category in ("tshirt", "shorts", "sandals")
        return ["beach", "casual"] if beachy else ["casual"]
    if category in ("dress", "sandals") and formality >= 3:
        return ["ceremony", "evening"] if formality >= 4 else ["date", "evening"]
    if summer_only and formality <= 2 and category in ("dress", "shorts", "sandals", "tshirt", "polo",
                                                        "shirt", "hat"):
        return ["beach", "casual"]
    if category == "raincoat":
        return ["casual", "outdoor"] if formality <= 1 else ["office", "casual", "travel"]
    if category in ("boots",):
        return ["office", "casual", "date"] if formality >= 3 else ["casual", "date", "outdoor"]
    if category == "coat":
        return ["ceremony", "evening", "business"] if formality >= 5 else ["office", "casual", "business"]
    if category == "bag" and formality <= 1:
        return ["beach", "sport"]
    if category == "bag" and formality <= 3:
        return ["casual", "travel"]
    if category == "casual_shoes":
        return {1: ["casual", "sport"], 2: ["casual", "date", "travel"]}.get(
            formality, ["travel", "date", "office"])
    if category in ("scarf", "hat") and formality >= 3:
        return ["office", "evening", "casual"]
    if category in ("knitwear",) and formality <= 2 and not summer_only:
        return ["casual", "office"] if formality == 1 else ["casual", "date"]
    return list(_BY_FORMALITY[formality])


def style_of(category: str, formality: int, texts: Iterable[str]) -> tuple[str, float]:
    words = _phrases(" ".join(texts))
    for phrase, style in (("streetwear", "streetwear"), ("romantic", "romantic"), ("romantico", "romantic"),
                          ("minimal", "minimal"), ("minimale", "minimal"), ("tecnico", "technical"),
                          ("technical", "technical")):
        if _has(words, phrase):
            return style, 0.8
    if category in SPORT_CATEGORIES or category == "swimwear":
        return ("technical" if category == "outdoor_jacket" else "sporty"), 0.6
    if formality >= 4:
        return "elegant", 0.45
    if formality == 3:
        return "classic", 0.4
    return "casual", 0.5


_FEELINGS = {"elegant": ["elegant", "refined"], "classic": ["timeless", "versatile"],
             "casual": ["relaxed", "comfortable"], "sporty": ["practical", "comfortable"],
             "technical": ["practical", "confident"], "minimal": ["versatile", "timeless"],
             "romantic": ["romantic", "playful"], "streetwear": ["bold", "relaxed"],
             "modern": ["confident", "versatile"]}


def emotional_of(style: str, seasons: Sequence[str]) -> list[str]:
    feelings = list(_FEELINGS.get(style, []))
    if "winter" in seasons and "summer" not in seasons:
        feelings.append("warm")
    return feelings


def compatible_of(department: str | None, category: str, occasions: Sequence[str], formality: int,
                  seasons: Sequence[str]) -> list[str]:
    """The categories this piece goes with: the other slots of every look (tools.taxonomy.GOALS) it
    can fill at its formality, occasion and season."""
    if department is None:
        return []
    pairs: list[str] = []
    for goal in GOALS.values():
        slots = goal.slots.get(department)
        if not slots or not any(category in s.categories for s in (*slots[0], *slots[1])):
            continue
        lo, hi = goal.formality
        if not (lo <= formality <= hi and set(occasions) & set(goal.occasions)):
            continue
        if goal.seasons and not set(seasons) & set(goal.seasons):
            continue
        for slot in (*slots[0], *slots[1]):
            if category not in slot.categories:
                pairs += [c for c in slot.categories if c not in pairs
                          and department in CATEGORIES[c].departments]
    return pairs


def words_of(*texts: str | None) -> list[str]:
    """The non-empty texts, with product-type paths split into their steps."""
    out: list[str] = []
    for text in texts:
        if text:
            out += [p.strip() for p in re.split(r">|/|\|", text) if p.strip()]
    return out
