"""Cheaper pieces that can replace one in a look: same role, similar formality, a colour that still
works, in the shopper's size where the look is fulfilled."""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal
from typing import Literal

import numpy as np
from sqlalchemy import select

from tools.catalog.hits import variant_id_of
from tools.catalog.index import catalog_index
from tools.catalog.search import SearchError, search_products
from tools.db.engine import session_scope
from tools.db.models import Product
from tools.db.shop import Shop
from tools.outfits.harmony import HARD_LIMIT, colour_score
from tools.outfits.places import NEAR_KM
from tools.outfits.slot_search import pim_of
from tools.shapes import AlternativesCard, OutfitItem, Price, SearchFilters
from tools.stock.availability import availability_for_variants
from tools.stock.stores import resolve_origin, store_map, stores_by_distance
from tools.taxonomy import CATEGORIES, DEPARTMENTS, GOALS, LOCATION_ONLINE, size_system_for

MAX_LIMIT = 10
_POOL = 40


class AlternativesResult(AlternativesCard):
    status: Literal["ok", "no_alternatives", "not_found", "invalid"] = "ok"
    detail: str | None = None
    sku: str = ""
    original_price: Decimal | None = None
    place: str | None = None


def slot_categories(category: str, department: str) -> tuple[str, tuple[str, ...]]:
    """The slot a category fills and every category that fills that slot in some goal's look."""
    slot = CATEGORIES[category].slot
    found: dict[str, None] = {category: None}
    for goal in GOALS.values():
        required, optional = goal.slots.get(department, ((), ()))
        for s in (*required, *optional):
            if category in s.categories:
                slot = s.key
                found.update(dict.fromkeys(s.categories))
    return slot, tuple(found)


def _near_formality(level: int | None, original: int | None) -> bool:
    """Within one step of the piece replaced. An unknown level is never near; when the original's
    is unknown there is no band to keep."""
    if level is None:
        return False
    return original is None or abs(level - original) <= 1


def _place(shop: Shop, place: str) -> str | None:
    """"online", a store code, or a city (its nearest store offering pickup, within 60 km)."""
    wanted = (place or "").strip()
    if wanted.lower() == LOCATION_ONLINE:
        return LOCATION_ONLINE
    if wanted.upper() in store_map(shop):
        return wanted.upper()
    point = resolve_origin(shop, city=wanted)
    if point is None:
        return None
    for distance, store in stores_by_distance(shop, point):
        if distance <= NEAR_KM and "pickup" in store.services:
            return store.code
    return None


CHEAPER_SHARE, CHEAPER_EUR = Decimal("0.15"), Decimal("30")


def find_budget_alternatives(shop: Shop, sku: str, size: str | None, place: str,
                             max_price: Decimal | None = None, department: str | None = None,
                             limit: int = 3, language: str = "it",
                             look_colours: Sequence[str] = ()) -> AlternativesResult:
    """Cheaper replacements for one piece of a look.

    Args:
        sku: the piece to replace, e.g. "SRT-FSH-000123". size: the shopper's size for it ("43");
            None to accept any size in stock. place: "online", a store code ("NA01") or a city —
            where the look is collected; every alternative is in stock there in the size.
        max_price: the most an alternative may cost (default: anything cheaper than the piece).
        department: defaults to the piece's own. limit: how many (1-10).
        look_colours: main colours of the other pieces of the look; alternatives must go with them
            (by default they must go with the piece they replace).
    Returns AlternativesResult (an AlternativesCard): items cheapest first, each with its price,
    size and availability; `saves` is the biggest saving. status "no_alternatives" when nothing
    cheaper fits, "not_found" for an unknown sku or place, "invalid" for bad arguments.
    """
    if not 1 <= limit <= MAX_LIMIT:
        return AlternativesResult(status="invalid", detail=f"limit must be 1-{MAX_LIMIT}", items=[])
    if max_price is not None and max_price <= 0:
        return AlternativesResult(status="invalid", detail="max_price must be positive", items=[])
    with session_scope(shop.engine) as session:
        product = session.scalars(select(Product).where(Product.sku == (sku or "").strip().upper())).first()
        if product is None:
            return AlternativesResult(status="not_found", detail=f"no product with sku {sku!r}", items=[],
                                      sku=sku)
        original = {"sku": product.sku, "category": product.category, "department": product.department,
                    "price": Decimal(product.price), "formality": product.formality,
                    "colour": (product.colours or [""])[0], "title": product.title_it}
    at = _place(shop, place)
    if at is None:
        return AlternativesResult(status="not_found", detail=f"unknown place {place!r}: use 'online', a "
                                  "store code or a city with a store", items=[], sku=original["sku"])
    dept = department or original["department"]
    if original["category"] not in CATEGORIES or dept not in DEPARTMENTS:
        # what role the piece plays in a look is unknown (a thin feed): nothing can stand in for it
        return AlternativesResult(status="no_alternatives", items=[], sku=original["sku"], place=at,
                                  detail="the piece's category or department is not known")
    slot, categories = slot_categories(original["category"], dept)
    label = size.strip().upper() if size else None
    system = size_system_for(original["category"], dept)
    # A size label only carries over to categories measured in the same size system.
    categories = tuple(c for c in categories if dept in CATEGORIES[c].departments
                       and (label is None or size_system_for(c, dept) == system))
    # "cheaper" means a saving the shopper notices: at least 15% or EUR 30 (EUR 249.90 for 250 is not)
    cap = original["price"] - min(original["price"] * CHEAPER_SHARE, CHEAPER_EUR)
    if max_price is not None:
        cap = min(cap, Decimal(max_price))
    result = AlternativesResult(slot=slot, items=[], sku=original["sku"], original_price=original["price"],
                                place=at)
    if cap <= 0:
        return result.model_copy(update={"status": "no_alternatives", "detail": "nothing costs less"})
    snap = catalog_index(shop).snapshot
    vector = None
    if snap is not None:
        row = pim_of(shop, snap.catalog).row_of_sku.get(original["sku"])
        if row is not None and bool(snap.embedded[row]):
            vector = np.asarray(snap.vectors[row])  # "more like this one"
    filters = SearchFilters(department=dept, categories=list(categories), size=label, location=at,
                            in_stock_only=True, max_price=cap)
    try:
        found = search_products(shop, str(original["title"]), filters, limit=_POOL, query_vector=vector)
    except SearchError as exc:
        return result.model_copy(update={"status": "invalid", "detail": str(exc)})
    others = list(look_colours) or [str(original["colour"])]
    hits = [h for h in found.hits if h.sku != original["sku"]
            and _near_formality(h.formality, original["formality"])
            and all(colour_score(c, h.colours[0] if h.colours else "") > HARD_LIMIT for c in others)]
    picked = sorted(hits[:max(limit * 3, limit)], key=lambda h: (-h.score, h.sku))[:limit]
    picked.sort(key=lambda h: (h.price.amount, h.sku))
    if not picked:
        return result.model_copy(update={"status": "no_alternatives",
                                         "detail": "nothing cheaper in that size and place"})
    ids = {h.sku: [variant_id_of(h, label)] if label else [variant_id_of(h, s) for s in h.sizes_in_stock]
           for h in picked}
    stock = availability_for_variants(shop, [v for vs in ids.values() for v in vs], None)
    items = []
    for hit in picked:
        saves = original["price"] - Decimal(hit.price.amount)
        why = (f"Saves €{saves:.2f}, {hit.fabric}" if language == "en"
               else f"Risparmi {saves:.2f} €, {hit.fabric}")
        items.append(OutfitItem(
            sku=hit.sku, variant_id=ids[hit.sku][0] if label else "",
            title=hit.title_en if language == "en" else hit.title_it, category=hit.category or "", slot=slot,
            size=label or "", price=Price(amount=hit.price.amount), image=hit.image, url=hit.url,
            availability=[s for v in ids[hit.sku] for s in stock.get(v, [])], why=why, fabric=hit.fabric,
            fit=hit.fit or "", colour=hit.colours[0] if hit.colours else "",
            sizes_in_stock=hit.sizes_in_stock))
    return result.model_copy(update={
        "items": items, "saves": original["price"] - min(Decimal(i.price.amount) for i in items)})
