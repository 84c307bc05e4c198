"""Merchant variant rows → Sarto products: grouped, and read only for what the feed says.

One Sarto product is one `item_group_id` in one colour at one price: Sarto keeps one price per
product, and splitting a group whose sizes are priced differently keeps every shown price true.
Department, category and colour come from the feed's own fields (gender, age group, product type,
Google category, title); whatever they do not say stays unknown (None), never guessed.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from tools.catalog.feeds.rows import FeedProblem, FeedVariant
from tools.enrichment.batch import Described
from tools.enrichment.materials import fabric_of, pattern_of
from tools.lexicon import match_terms, normalise
from tools.taxonomy import CATEGORIES, SIZE_RUNS, size_system_for

SKU_MAX = 64
SHOP_CURRENCY = "EUR"
_KIDS_AGE_GROUPS = {"kids", "toddler", "infant", "newborn"}
_GENDER_DEPARTMENT = {"male": "menswear", "female": "womenswear"}
# Google's size systems that are the same run as ours.
_SIZE_SYSTEMS = {"IT": "IT", "EU": "EU", "INT": "INT"}
_LETTER_SIZES = {"XXS", "XS", "S", "M", "L", "XL", "XXL", "XXXL", "2XL", "3XL"}
_ONE_SIZE = {"TU", "OS", "ONE SIZE", "TAGLIA UNICA", "UNICA"}


@dataclass
class DraftVariant:
    id: str
    size: str
    size_system: str | None
    gtin: str | None
    colour: str | None
    online: int  # units the feed says can be bought online now (1 for "in stock" without a count)
    line: int


@dataclass
class ProductDraft:
    """One product as the feed describes it; None is unknown."""

    sku: str
    title: str
    description: str | None
    department: str | None
    category: str | None
    colours: list[str]
    price: Decimal
    list_price: Decimal | None
    currency: str
    brand: str | None
    link: str | None
    image: str | None
    product_type: str | None
    google_product_category: str | None
    gender: str | None
    age_group: str | None
    material: str | None
    pattern: str | None
    fabric: list[dict[str, Any]] | None
    raw_attributes: dict[str, Any]
    tags: list[str] = field(default_factory=list)
    variants: list[DraftVariant] = field(default_factory=list)

    def described(self) -> Described:
        """What enrichment reads of this product."""
        return Described(self.brand, {
            "title": self.title, "description": self.description, "product_type": self.product_type,
            "google_product_category": self.google_product_category, "tags": self.tags,
            "department": self.department, "category": self.category, "colours": self.colours,
            "pattern": self.pattern, "fabric": self.fabric, "material": self.material,
            "raw_attributes": self.raw_attributes})

    def fingerprint(self) -> str:
        """Changes when anything the import writes for this product changes."""
        body = {k: v for k, v in self.__dict__.items() if k != "variants"}
        # stock is not the product's content: it is compared row by row when it is written
        body["variants"] = [{k: v for k, v in d.__dict__.items() if k not in ("line", "online")}
                            for d in self.variants]
        text = json.dumps(body, sort_keys=True, default=str)
        return hashlib.sha256(text.encode()).hexdigest()[:32]


def department_of(row: FeedVariant) -> str | None:
    if row.age_group and row.age_group.lower() in _KIDS_AGE_GROUPS:
        return "kids"
    if row.gender in _GENDER_DEPARTMENT:
        return _GENDER_DEPARTMENT[row.gender]
    # the retailer's own path often says it: "Uomo > Giacche", "Women > Dresses"
    for text in (row.product_type, row.google_product_category):
        departments = match_terms(text or "").departments
        if len(departments) == 1:
            return departments[0]
    return None


def category_of(row: FeedVariant, department: str | None) -> str | None:
    """The most specific words first: the last step of the retailer's path, then the title."""
    path = [p.strip() for p in re.split(r">|/|\|", row.product_type or "") if p.strip()]
    google = [p.strip() for p in (row.google_product_category or "").split(">") if p.strip()]
    for text in (*reversed(path), row.title, *reversed(google)):
        for key in match_terms(text).categories:
            if department is None or department in CATEGORIES[key].departments:
                return key
    return None


def colours_of(color: str | None, title: str) -> list[str]:
    """Colour keys the feed's colour says ("Blu navy/Bianco" → navy, white); the title if it is silent."""
    found: list[str] = []
    for part in re.split(r"[/,;|]", color or ""):
        found += [c for c in match_terms(part).colours if c not in found]
    if not found and not color:
        found = [c for c in match_terms(title).colours[:1]]
    return found


def size_system_of(size: str, declared: str | None, category: str | None,
                   department: str | None) -> str | None:
    """The run a size belongs to: the feed's own system when it is one of ours, else its shape."""
    label = size.strip().upper()
    if declared and declared.upper() in _SIZE_SYSTEMS:
        return _SIZE_SYSTEMS[declared.upper()]
    if label in _ONE_SIZE:
        return "ONE"
    if label in _LETTER_SIZES:
        return "INT"
    if category and department and department in CATEGORIES[category].departments:
        expected = size_system_for(category, department)
        if label in SIZE_RUNS.get(expected, {}).get(department, ()):
            return expected
    return None


def _units(row: FeedVariant) -> int:
    if row.quantity is not None:
        return max(0, row.quantity) if row.availability != "out_of_stock" else 0
    return 1 if row.availability in (None, "in_stock") else 0


def _slug(text: str) -> str:
    return re.sub(r"[^A-Z0-9]+", "-", normalise(text).upper()).strip("-")[:12] or "X"


def in_shop_currency(rows: list[FeedVariant]) -> tuple[list[FeedVariant], list[FeedProblem]]:
    """Rows priced in the shop's currency, and a problem for each other one: every price a shopper
    reads (answers, budgets, cards) is in the shop's currency, so a dollar price cannot pass as euros."""
    kept, problems = [], []
    for row in rows:
        if row.currency == SHOP_CURRENCY:
            kept.append(row)
        else:
            problems.append(FeedProblem(line=row.line, id=row.id, field="price",
                                        reason=f"price in {row.currency}: this shop sells in "
                                               f"{SHOP_CURRENCY}; export the feed in {SHOP_CURRENCY}"))
    return kept, problems


def build_drafts(rows: Iterable[FeedVariant]) -> tuple[list[ProductDraft], list[FeedProblem]]:
    """Group variant rows into products (group, colour, price); the problems of grouping."""
    groups: dict[tuple[str, str, Decimal], list[FeedVariant]] = {}
    problems: list[FeedProblem] = []
    for row in rows:
        price = row.sale_price if row.sale_price is not None and row.sale_price < row.price else row.price
        groups.setdefault((row.item_group_id or row.id, normalise(row.color or ""), price), []).append(row)
    splits: dict[str, int] = {}
    for group, _, _ in groups:
        splits[group] = splits.get(group, 0) + 1
    drafts: list[ProductDraft] = []
    for (group, colour_key, price), members in groups.items():
        first = members[0]
        sku = group if splits[group] == 1 else f"{group}-{_slug(colour_key or str(price))}-{price:.0f}"
        if len(sku) > SKU_MAX:
            problems.append(FeedProblem(line=first.line, id=first.id, field="item_group_id",
                                        reason=f"product code {sku!r} is longer than {SKU_MAX} characters"))
            continue
        department = department_of(first)
        category = category_of(first, department)
        drafts.append(ProductDraft(
            sku=sku, title=first.title, description=first.description, department=department,
            category=category, colours=colours_of(first.color, first.title), price=price,
            list_price=first.price if price < first.price else None, currency=first.currency,
            brand=first.brand, link=first.link, image=first.image_link, product_type=first.product_type,
            google_product_category=first.google_product_category, gender=first.gender,
            age_group=first.age_group, material=first.material, pattern=pattern_of(first.pattern),
            fabric=fabric_of(first.material),
            raw_attributes=dict(first.extra) | ({"pattern": first.pattern}
                                                if first.pattern and not pattern_of(first.pattern) else {}),
            tags=list(first.tags),
            variants=[DraftVariant(id=m.id, size=(m.size or "TU").strip(), gtin=m.gtin, colour=m.color,
                                   size_system=size_system_of(m.size or "TU", m.size_system, category,
                                                              department),
                                   online=_units(m), line=m.line) for m in members]))
    return drafts, problems
