"""The words the feeds and store pages print for the shop's keys, in Italian and English, and the
values Google expects (gender, age group, size systems, product categories)."""

from __future__ import annotations

from typing import Literal

from tools.taxonomy import COLOURS, DEPARTMENTS

Language = Literal["it", "en"]

# department -> Google gender and age_group
GENDERS = {"menswear": "male", "womenswear": "female", "kids": "unisex"}
AGE_GROUPS = {"menswear": "adult", "womenswear": "adult", "kids": "kids"}

# Google's size_system values; ours outside it (INT letters, AGE, ONE) are printed without one.
GOOGLE_SIZE_SYSTEMS = frozenset({"IT", "EU", "US", "UK", "FR", "DE", "JP", "CN", "MEX", "BR", "AU"})

# Category plurals as the storefront's menus print them (web/storefront/storefront.js).
CATEGORY_PLURALS: dict[str, tuple[str, str]] = {
    "suit": ("Abiti", "Suits"), "blazer": ("Giacche", "Blazers"), "trousers": ("Pantaloni", "Trousers"),
    "jeans": ("Jeans", "Jeans"), "shorts": ("Bermuda", "Shorts"), "skirt": ("Gonne", "Skirts"),
    "dress": ("Vestiti", "Dresses"), "shirt": ("Camicie", "Shirts"), "blouse": ("Bluse", "Blouses"),
    "tshirt": ("T-shirt", "T-shirts"), "polo": ("Polo", "Polo shirts"), "knitwear": ("Maglieria", "Knitwear"),
    "coat": ("Cappotti", "Coats"), "puffer": ("Piumini", "Puffer jackets"),
    "raincoat": ("Impermeabili", "Raincoats"), "outdoor_jacket": ("Giacche tecniche", "Technical jackets"),
    "activewear_top": ("Maglie tecniche", "Training tops"),
    "activewear_bottom": ("Pantaloni sportivi", "Training bottoms"), "swimwear": ("Costumi", "Swimwear"),
    "formal_shoes": ("Scarpe eleganti", "Formal shoes"), "casual_shoes": ("Scarpe casual", "Casual shoes"),
    "boots": ("Stivali", "Boots"), "hiking_boots": ("Scarponi da trekking", "Hiking boots"),
    "running_shoes": ("Scarpe da running", "Running shoes"), "sandals": ("Sandali", "Sandals"),
    "tie": ("Cravatte", "Ties"), "belt": ("Cinture", "Belts"), "bag": ("Borse", "Bags"),
    "scarf": ("Sciarpe", "Scarves"), "hat": ("Cappelli", "Hats"),
}

_APPAREL = "Apparel & Accessories"
_CLOTHING = f"{_APPAREL} > Clothing"
_JACKETS = f"{_CLOTHING} > Outerwear > Coats & Jackets"
_TOPS = f"{_CLOTHING} > Shirts & Tops"
_SHOES = f"{_APPAREL} > Shoes"
# Google product taxonomy paths (English names are accepted in any feed language).
GOOGLE_CATEGORIES: dict[str, str] = {
    "suit": f"{_CLOTHING} > Suits", "blazer": _JACKETS, "trousers": f"{_CLOTHING} > Pants",
    "jeans": f"{_CLOTHING} > Pants", "shorts": f"{_CLOTHING} > Shorts", "skirt": f"{_CLOTHING} > Skirts",
    "dress": f"{_CLOTHING} > Dresses", "shirt": _TOPS, "blouse": _TOPS, "tshirt": _TOPS, "polo": _TOPS,
    "knitwear": _TOPS, "coat": _JACKETS, "puffer": _JACKETS, "raincoat": _JACKETS, "outdoor_jacket": _JACKETS,
    "activewear_top": f"{_CLOTHING} > Activewear", "activewear_bottom": f"{_CLOTHING} > Activewear",
    "swimwear": f"{_CLOTHING} > Swimwear", "formal_shoes": _SHOES, "casual_shoes": _SHOES, "boots": _SHOES,
    "hiking_boots": _SHOES, "running_shoes": _SHOES, "sandals": _SHOES,
    "tie": f"{_APPAREL} > Clothing Accessories > Neckties",
    "belt": f"{_APPAREL} > Clothing Accessories > Belts",
    "bag": f"{_APPAREL} > Handbags, Wallets & Cases > Handbags",
    "scarf": f"{_APPAREL} > Clothing Accessories > Scarves & Shawls",
    "hat": f"{_APPAREL} > Clothing Accessories > Hats",
}

PATTERNS: dict[str, tuple[str, str]] = {
    "solid": ("tinta unita", "solid"), "pinstripe": ("gessato", "pinstripe"), "check": ("quadri", "check"),
    "stripes": ("righe", "stripes"), "herringbone": ("spina di pesce", "herringbone"),
    "floral": ("floreale", "floral"), "polka_dots": ("pois", "polka dots"), "melange": ("mélange", "melange"),
}
# Italian fibre names the import reads back through tools.lexicon.FIBRE_WORDS.
FIBRES_IT = {"wool": "lana", "cotton": "cotone", "linen": "lino", "silk": "seta", "cashmere": "cashmere",
             "polyester": "poliestere", "polyamide": "poliammide", "elastane": "elastan",
             "viscose": "viscosa", "leather": "pelle", "suede": "camoscio", "down": "piuma"}


def _pick(pair: tuple[str, str], language: Language) -> str:
    return pair[0] if language == "it" else pair[1]


def department_label(department: str | None, language: Language) -> str | None:
    if department not in DEPARTMENTS:
        return None
    return _pick(DEPARTMENTS[department], language).capitalize()


def category_label(category: str | None, language: Language) -> str | None:
    return _pick(CATEGORY_PLURALS[category], language) if category in CATEGORY_PLURALS else None


def product_type(department: str | None, category: str | None, language: Language) -> str | None:
    """The shop's own path, "Uomo > Giacche"."""
    parts = [p for p in (department_label(department, language), category_label(category, language)) if p]
    return " > ".join(parts) or None


def colour_label(colour: str | None, language: Language) -> str | None:
    if not colour:
        return None
    known = COLOURS.get(colour)
    return _pick((known[0], known[1]), language) if known else colour


def pattern_label(pattern: str | None, language: Language) -> str | None:
    if not pattern:
        return None
    return _pick(PATTERNS[pattern], language) if pattern in PATTERNS else pattern.replace("_", " ")


def material(fabric: list[dict[str, object]] | None, language: Language) -> str | None:
    """Google's material: up to three fibres, most first, joined with "/" ("lana/cashmere")."""
    fibres = sorted((f for f in fabric or [] if isinstance(f, dict) and f.get("fibre")),
                    key=lambda f: -float(f.get("pct") or 0))  # type: ignore[arg-type]
    names = []
    for f in fibres[:3]:
        key = str(f["fibre"])
        names.append(FIBRES_IT.get(key, key) if language == "it" else key)
    return "/".join(n.replace("_", " ") for n in names) or None
