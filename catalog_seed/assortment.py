"""What the seed shop stocks: the mix per department, the occasion profiles per category and the
subcategories with their Italian and English names (data/assortment.json), colour palettes and brands.

The profiles are chosen so every goal's required slots (tools.taxonomy.GOALS) have plenty of
products that match the goal's occasions, formality and seasons.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

# fmt: off
SKU_CODES: dict[str, str] = {
    "suit": "SUI", "blazer": "BLZ", "trousers": "TRS", "jeans": "JNS", "shorts": "BRM", "skirt": "SKT",
    "dress": "DRS", "shirt": "SHT", "blouse": "BLS", "tshirt": "TSH", "polo": "POL", "knitwear": "KNT",
    "coat": "COA", "puffer": "PUF", "raincoat": "RNC", "outdoor_jacket": "OJK", "activewear_top": "ATP",
    "activewear_bottom": "ABT", "swimwear": "SWM", "formal_shoes": "FSH", "casual_shoes": "CSH",
    "boots": "BOT", "hiking_boots": "HKB", "running_shoes": "RUN", "sandals": "SND", "tie": "TIE",
    "belt": "BLT", "bag": "BAG", "scarf": "SCF", "hat": "HAT",
}
DEPARTMENT_SHARE = {"menswear": 0.45, "womenswear": 0.45, "kids": 0.10}

# Colour palettes (colour key -> weight). Formal wardrobes lean on neutrals, casual and kids on colour.
PALETTE_FORMAL = {"navy": 5, "charcoal": 4, "grey": 4, "black": 4, "blue": 2, "beige": 1, "brown": 1,
                  "burgundy": 1, "cream": 1}
PALETTE_SMART = {"navy": 4, "grey": 3, "beige": 3, "camel": 2, "brown": 2, "olive": 2, "blue": 2, "black": 2,
                 "green": 1, "burgundy": 1, "white": 1}
PALETTE_CASUAL = {"white": 3, "black": 3, "navy": 3, "grey": 2, "beige": 2, "blue": 2, "light_blue": 2,
                  "olive": 2, "red": 2, "green": 1, "yellow": 1, "pink": 1, "burgundy": 1, "cream": 1}
PALETTE_SHIRT = {"white": 5, "light_blue": 4, "pink": 1, "cream": 1, "navy": 1, "black": 1, "grey": 1}
PALETTE_SHOES = {"black": 5, "brown": 4, "burgundy": 2, "navy": 1, "beige": 1}
PALETTE_BOOTS = {"black": 4, "brown": 4, "camel": 1, "burgundy": 1, "grey": 1, "olive": 1}
PALETTE_EVENING = {"black": 3, "navy": 2, "burgundy": 2, "green": 2, "pink": 2, "blue": 2, "red": 2,
                   "light_blue": 1, "cream": 1, "beige": 1}
PALETTE_TIE = {"navy": 3, "burgundy": 3, "blue": 2, "grey": 2, "black": 2, "green": 1, "light_blue": 1,
               "yellow": 1}
PALETTE_BRIGHT = {"red": 2, "yellow": 2, "blue": 2, "light_blue": 2, "pink": 2, "green": 2, "white": 2,
                  "navy": 2, "black": 1, "grey": 1}

BRANDS_FORMAL = ("Brera Sartoriale", "Corso Magenta", "Atelier Ortensia", "Dorsoduro 1923", "Monteverde")
BRANDS_CASUAL = ("Navigli Studio", "Lungomare", "Terra di Siena", "Ago e Filo", "Monteverde")
BRANDS_SPORT = ("Valtellina Outdoor", "Passo Sportivo")
BRANDS_SHOES = ("Calzoleria Brenta", "Dorsoduro 1923", "Corso Magenta")
BRANDS_KIDS = ("Piccolo Sarto", "Lungomare", "Ago e Filo")
SPORT_CATEGORIES = frozenset({"outdoor_jacket", "activewear_top", "activewear_bottom", "hiking_boots",
                              "running_shoes", "swimwear"})
GARMENT_FITS = {"tailored": ("slim", "regular", "tailored"),
                "casual": ("regular", "slim", "relaxed", "oversize")}
# Categories whose titles name a fit; shoes, swimwear and accessories are "regular" and say nothing.
TAILORED_CATEGORIES = frozenset({"suit", "blazer", "trousers", "shirt", "coat", "skirt", "dress", "blouse"})
CASUAL_FIT_CATEGORIES = frozenset({"jeans", "shorts", "tshirt", "polo", "knitwear", "puffer", "raincoat",
                                   "outdoor_jacket", "activewear_top", "activewear_bottom"})
# fmt: on


@dataclass(frozen=True)
class Profile:
    """One kind of product inside a category: how formal, for which occasions, which seasons."""

    weight: float
    formality: tuple[int, ...]
    occasions: tuple[str, ...]
    season: str = "any"  # any | warm | cold | wet: filters the fabrics, which set the seasons
    departments: str = "mw"  # m menswear, w womenswear, k kids


@dataclass(frozen=True)
class Subcategory:
    key: str
    it: str  # the Italian noun phrase that opens the title
    en: str  # the English noun phrase that closes the title
    gender: str  # m, f, mp, fp: Italian agreement of colour adjectives
    departments: str = "mwk"
    formality: tuple[int, int] = (1, 5)


def _load() -> tuple[dict[str, dict[str, float]], dict[str, tuple[Profile, ...]],
                     dict[str, tuple[Subcategory, ...]]]:  # fmt: skip
    data = json.loads((Path(__file__).parent / "data" / "assortment.json").read_text(encoding="utf-8"))
    profiles = {
        cat: tuple(Profile(float(p["weight"]), tuple(p["formality"]), tuple(p["occasions"]), p["season"],
                           p["departments"]) for p in rows)
        for cat, rows in data["profiles"].items()
    }  # fmt: skip
    subcategories = {
        cat: tuple(Subcategory(s["key"], s["it"], s["en"], s["gender"], s["departments"],
                               (s["formality"][0], s["formality"][1])) for s in rows)
        for cat, rows in data["subcategories"].items()
    }  # fmt: skip
    return data["category_mix"], profiles, subcategories


# Relative weight of each category inside a department (every listed category gets at least one product).
CATEGORY_MIX, PROFILES, SUBCATEGORIES = _load()


def palette_for(category: str, department: str, formality: int) -> dict[str, int]:
    if category == "tie":
        return PALETTE_TIE
    if category in ("shirt", "blouse") and formality >= 3:
        return PALETTE_SHIRT
    if category == "formal_shoes" or (category in ("belt", "bag") and formality >= 3):
        return PALETTE_SHOES
    if category == "boots":
        return PALETTE_BOOTS
    if category == "dress" and formality >= 3:
        return PALETTE_EVENING
    if department == "kids" or category in ("swimwear", "activewear_top", "running_shoes"):
        return PALETTE_BRIGHT
    if formality >= 4:
        return PALETTE_FORMAL
    return PALETTE_SMART if formality == 3 else PALETTE_CASUAL


def brands_for(category: str, department: str, formality: int) -> tuple[str, ...]:
    if department == "kids":
        return BRANDS_KIDS
    if category in SPORT_CATEGORIES or category == "puffer":
        return BRANDS_SPORT
    if category in ("formal_shoes", "boots", "belt", "casual_shoes", "sandals"):
        return BRANDS_SHOES
    return BRANDS_FORMAL if formality >= 3 else BRANDS_CASUAL
