"""Generate the product catalog and its size variants as plain rows, deterministically from a seed."""

from __future__ import annotations

import hashlib
import json
import math
import random
from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from functools import lru_cache
from typing import Any

from catalog_seed.assortment import (
    CASUAL_FIT_CATEGORIES,
    CATEGORY_MIX,
    DEPARTMENT_SHARE,
    GARMENT_FITS,
    PROFILES,
    SKU_CODES,
    SPORT_CATEGORIES,
    SUBCATEGORIES,
    TAILORED_CATEGORIES,
    Profile,
    brands_for,
    palette_for,
)
from catalog_seed.fabrics import FABRICS_BY_CATEGORY, Fabric
from catalog_seed.wording import descriptions, titles
from tools.taxonomy import CATEGORIES, GOALS, size_run, size_system_for

_DEPT_LETTER = {"menswear": "m", "womenswear": "w", "kids": "k"}
_SEASON_NEED = {"any": None, "warm": "summer", "cold": "winter", "wet": "autumn"}
_TIERS = (("budget", 0.38, 0.0, 0.32), ("mid", 0.42, 0.3, 0.66), ("premium", 0.20, 0.62, 1.0))
_EMOTIONS_BY_STYLE = {
    "classic": ("timeless", "versatile", "refined", "confident"),
    "elegant": ("elegant", "refined", "confident", "timeless"),
    "modern": ("confident", "versatile", "bold", "refined"),
    "minimal": ("versatile", "timeless", "refined", "practical"),
    "casual": ("relaxed", "comfortable", "versatile", "playful"),
    "streetwear": ("bold", "relaxed", "playful", "confident"),
    "romantic": ("romantic", "elegant", "playful", "refined"),
    "sporty": ("practical", "comfortable", "bold", "confident"),
    "technical": ("practical", "comfortable", "confident", "versatile"),
}
_PATTERNS_BY_FAMILY = {
    "tailoring": {"solid": 7, "pinstripe": 1, "check": 2, "herringbone": 1},
    "shirt": {"solid": 6, "stripes": 3, "check": 2},
    "feminine": {"solid": 6, "floral": 2, "polka_dots": 1, "stripes": 1},
    "knit": {"solid": 5, "melange": 3, "stripes": 1},
    "jersey": {"solid": 6, "stripes": 2, "melange": 1},
    "tie": {"solid": 3, "stripes": 3, "polka_dots": 2, "check": 1},
    "scarf": {"solid": 3, "check": 2, "stripes": 1, "melange": 1},
}
_FAMILY = {
    "suit": "tailoring",
    "blazer": "tailoring",
    "trousers": "tailoring",
    "coat": "tailoring",
    "shirt": "shirt",
    "blouse": "feminine",
    "dress": "feminine",
    "skirt": "feminine",
    "knitwear": "knit",
    "tshirt": "jersey",
    "polo": "jersey",
    "tie": "tie",
    "scarf": "scarf",
}
# Pairings for products no goal slot uses (kids' skirts, dresses, ...), by the product's slot.
_FALLBACK_PAIRS = {
    "dress": ("knitwear", "casual_shoes", "sandals"),
    "skirt": ("tshirt", "knitwear", "casual_shoes"),
    "shirt": ("trousers", "jeans", "knitwear", "casual_shoes"),
    "trousers": ("tshirt", "polo", "casual_shoes"),
    "top": ("trousers", "jeans", "casual_shoes"),
    "scarf": ("coat", "knitwear", "puffer"),
    "hat": ("puffer", "coat", "tshirt"),
    "coat": ("knitwear", "trousers", "boots"),
}


@dataclass
class SeedCatalog:
    products: list[dict[str, Any]] = field(default_factory=list)  # rows for tools.models.Product
    variants: list[dict[str, Any]] = field(default_factory=list)  # rows for tools.models.Variant
    sizes: list[tuple[str, ...]] = field(default_factory=list)  # per product (same order as products)
    full_runs: list[tuple[str, ...]] = field(default_factory=list)  # the category's whole run, per product
    systems: list[str] = field(default_factory=list)  # size system, per product


def allocate(total: int, weights: dict[str, float], minimum: int = 0) -> dict[str, int]:
    """Split `total` by weight (largest remainder), giving each key at least `minimum`."""
    keys = list(weights)
    counts = dict.fromkeys(keys, minimum)
    rest = max(0, total - minimum * len(keys))
    wsum = sum(weights.values()) or 1.0
    shares = {k: rest * weights[k] / wsum for k in keys}
    for k in keys:
        counts[k] += int(shares[k])
    left = rest - sum(int(s) for s in shares.values())
    for k in sorted(keys, key=lambda k: (-(shares[k] - int(shares[k])), keys.index(k)))[:left]:
        counts[k] += 1
    return counts


def serves_goal(
    goal_key: str, department: str, category: str, occasions: list[str], formality: int, seasons: list[str]
) -> bool:
    goal = GOALS[goal_key]
    slots = goal.slots.get(department)
    if not slots or not any(category in s.categories for s in (*slots[0], *slots[1])):
        return False
    lo, hi = goal.formality
    return (
        bool(set(occasions) & set(goal.occasions))
        and lo <= formality <= hi
        and (not goal.seasons or bool(set(seasons) & set(goal.seasons)))
    )


@lru_cache(maxsize=4096)
def _compatible(
    department: str, category: str, occasions: tuple[str, ...], formality: int, seasons: tuple[str, ...]
) -> tuple[str, ...]:
    pairs: list[str] = []
    for key, goal in GOALS.items():
        if not serves_goal(key, department, category, list(occasions), formality, list(seasons)):
            continue
        required, optional = goal.slots[department]
        for slot in (*required, *optional):
            if category in slot.categories:
                continue
            pairs.extend(
                c for c in slot.categories if c not in pairs and department in CATEGORIES[c].departments
            )
    if not pairs:
        pairs = [
            c
            for c in _FALLBACK_PAIRS.get(CATEGORIES[category].slot, ("casual_shoes", "tshirt"))
            if department in CATEGORIES[c].departments and c != category
        ]
    return tuple(pairs)


def _weighted(rng: random.Random, weights: Mapping[str, float]) -> str:
    keys = list(weights)
    return rng.choices(keys, weights=[weights[k] for k in keys])[0]


def shop_price(raw: float, lo: int, hi: int, rng: random.Random) -> Decimal:
    """A price that ends like a shop's: 49.90, 129.00, 64.50."""
    ending = rng.random()
    if raw < 100:
        base = math.floor(raw)
        if ending < 0.5:
            value = Decimal(base // 10 * 10 + 9) + Decimal("0.90")
        elif ending < 0.75:
            value = Decimal(base) + Decimal("0.50")
        else:
            value = Decimal(round(raw / 5) * 5)
    elif ending < 0.6:
        value = Decimal(round(raw / 10) * 10) - Decimal("0.10")
    else:
        value = Decimal(round(raw / 10) * 10)
    value = min(max(value, Decimal(lo)), Decimal(hi) - Decimal("0.10"))
    return value.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


def _pick_fabric(rng: random.Random, category: str, profile: Profile, formality: int, tier: str) -> Fabric:
    pool = FABRICS_BY_CATEGORY[category]
    need = _SEASON_NEED[profile.season]
    fitting = [
        f
        for f in pool
        if (need is None or need in f.seasons) and f.formality[0] <= formality <= f.formality[1]
    ]
    fitting = fitting or [f for f in pool if need is None or need in f.seasons] or list(pool)
    lean = {"budget": -3.0, "mid": 0.0, "premium": 3.0}[tier]  # dear fabrics in the premium tier
    return rng.choices(fitting, weights=[math.exp(lean * f.price_bump) for f in fitting])[0]


def _style(rng: random.Random, category: str, formality: int) -> str:
    if category in SPORT_CATEGORIES:
        return "sporty" if category != "outdoor_jacket" and rng.random() < 0.6 else "technical"
    if formality >= 4:
        return rng.choice(("classic", "elegant", "elegant", "minimal", "modern"))
    if formality == 3:
        options = ["classic", "modern", "minimal", "elegant", "casual"]
    else:
        options = ["casual", "casual", "modern", "minimal", "streetwear"]
    if category in ("dress", "blouse", "skirt"):
        options.append("romantic")
    return rng.choice(options)


def _sizes(rng: random.Random, category: str, department: str, target_age: str) -> tuple[str, ...]:
    run = size_run(category, department)
    if size_system_for(category, department) == "AGE":
        return run[:4] if target_age == "kids_2_6" else run[2:]
    if len(run) >= 6 and rng.random() < 0.3:  # shorter runs drop an end size, never the middle
        return run[1:] if rng.random() < 0.5 else run[:-1]
    return run


def _content_hash(row: dict[str, Any]) -> str:
    content = {
        k: (str(v) if isinstance(v, Decimal) else v)
        for k, v in row.items()
        if k not in ("id", "image", "content_hash")
    }
    return hashlib.sha256(json.dumps(content, sort_keys=True, ensure_ascii=False).encode()).hexdigest()


def _product(rng: random.Random, department: str, category: str, profile: Profile) -> dict[str, Any]:
    cat = CATEGORIES[category]
    letter = _DEPT_LETTER[department]
    formality = min(max(rng.choice(profile.formality), cat.formality[0]), cat.formality[1])
    subs = [s for s in SUBCATEGORIES[category] if letter in s.departments]
    sub = rng.choice([s for s in subs if s.formality[0] <= formality <= s.formality[1]] or subs)
    roll, tier = rng.random(), "mid"
    for name, share, _, _ in _TIERS:
        if roll < share:
            tier = name
            break
        roll -= share
    fabric = _pick_fabric(rng, category, profile, formality, tier)
    lo_pos, hi_pos = next((a, b) for name, _, a, b in _TIERS if name == tier)
    position = min(1.0, max(0.0, rng.uniform(lo_pos, hi_pos) + fabric.price_bump * 0.5))
    lo, hi = cat.price_eur
    if department == "kids":  # children's clothes sit in the lower part of the range
        hi = max(int(lo * 2.4), int(lo + (hi - lo) * 0.4))
    price = shop_price(lo * (hi / lo) ** position, lo, hi, rng)
    pattern = _weighted(rng, _PATTERNS_BY_FAMILY.get(_FAMILY.get(category, ""), {"solid": 1}))
    if pattern in ("pinstripe", "herringbone") and formality < 3:
        pattern = "solid"
    palette = palette_for(category, department, formality)
    colours = [_weighted(rng, palette)]
    if pattern != "solid" or rng.random() < 0.15:
        second = _weighted(rng, {k: v for k, v in palette.items() if k != colours[0]})
        colours.append(second)
    if category in TAILORED_CATEGORIES:
        fit = rng.choice(
            GARMENT_FITS["tailored"] if formality >= 3 else (*GARMENT_FITS["tailored"], "relaxed")
        )
    elif category in CASUAL_FIT_CATEGORIES:
        fit = rng.choice(GARMENT_FITS["casual"])
    else:
        fit = "regular"
    style = _style(rng, category, formality)
    seasons = [s for s in ("spring", "summer", "autumn", "winter") if s in fabric.seasons]
    emotional = rng.sample(_EMOTIONS_BY_STYLE[style], rng.choice((2, 2, 3)))
    if "winter" in seasons and "summer" not in seasons and rng.random() < 0.4:
        emotional[-1] = "warm"
    eco = list(fabric.eco)
    sustainability = sorted(rng.sample(eco, min(len(eco), rng.choice((0, 0, 1, 1, 2)))))
    if department == "kids":
        target_age = rng.choice(("kids_2_6", "kids_7_14"))
    else:
        target_age = "teen" if style == "streetwear" and rng.random() < 0.5 else "adult"
    occasions = list(profile.occasions)
    compatible = list(_compatible(department, category, tuple(occasions), formality, tuple(seasons)))
    brand = rng.choice(brands_for(category, department, formality))
    title_it, title_en = titles(sub, category, department, fabric, colours[0], pattern, fit)
    sized = category in TAILORED_CATEGORIES or category in CASUAL_FIT_CATEGORIES
    desc_it, desc_en = descriptions(
        rng, sub, category, fabric, colours, fit, style, occasions, compatible, brand, sized
    )
    return {
        "department": department,
        "category": category,
        "subcategory": sub.key,
        "brand": brand,
        "title_it": title_it,
        "title_en": title_en,
        "description_it": desc_it,
        "description_en": desc_en,
        "price": price,
        "currency": "EUR",
        "occasions": occasions,
        "seasons": seasons,
        "colours": colours,
        "pattern": pattern,
        "fit": fit,
        "style": style,
        "formality": formality,
        "fabric": [{"fibre": f, "pct": p} for f, p in fabric.composition],
        "compatible_categories": compatible,
        "target_age": target_age,
        "emotional": emotional,
        "sustainability": sustainability,
    }


def generate_catalog(products: int, seed: int) -> SeedCatalog:
    """At least `products` products (every department's categories get one), with their variants."""
    rng = random.Random(f"sarto-catalog-{seed}")
    plan: list[tuple[str, str, Profile]] = []
    for department, n_dept in allocate(products, DEPARTMENT_SHARE).items():
        mix = CATEGORY_MIX[department]
        for category, n_cat in allocate(n_dept, mix, minimum=1).items():
            letter = _DEPT_LETTER[department]
            profiles = [p for p in PROFILES[category] if letter in p.departments]
            counts = allocate(n_cat, {str(i): p.weight for i, p in enumerate(profiles)})
            for i, profile in enumerate(profiles):
                plan.extend((department, category, profile) for _ in range(counts[str(i)]))
    rng.shuffle(plan)
    catalog = SeedCatalog()
    for number, (department, category, profile) in enumerate(plan, start=1):
        row = _product(rng, department, category, profile)
        sku = f"SRT-{SKU_CODES[category]}-{number:06d}"
        row = {"id": number, "sku": sku, **row, "image": f"/images/{sku}.svg"}
        row["content_hash"] = _content_hash(row)
        sizes = _sizes(rng, category, department, row["target_age"])
        system = size_system_for(category, department)
        catalog.products.append(row)
        catalog.sizes.append(sizes)
        catalog.full_runs.append(size_run(category, department))
        catalog.systems.append(system)
        catalog.variants.extend(
            {"id": f"{sku}-{size}", "product_id": number, "size": size, "size_system": system}
            for size in sizes
        )
    return catalog
