"""Write an import in one transaction: a failed import changes nothing, a finished one is whole.

Products are matched by SKU, variants by id, stores by code, stock by (variant, place). A row the
feed repeats unchanged writes nothing (its `content_hash` is the feed's fingerprint), so a second
import of the same file changes nothing and the index embeds nothing. `full` retires what the
feed no longer lists (hidden from search and outfits, kept for past orders and reservations);
`incremental` touches only the rows present.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any, Literal

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from tools.catalog.feeds.rows import FeedProblem, FeedStock, FeedStore
from tools.db.models import Inventory, Product, Store, Variant
from tools.imports.drafts import ProductDraft
from tools.taxonomy import LOCATION_ONLINE

Mode = Literal["incremental", "full"]
Progress = Callable[[float], None]


@dataclass
class Counts:
    """What one import did, by row kind; the report and the job show these."""

    read: int = 0
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    rejected: int = 0
    retired: int = 0
    variants: int = 0
    stock_rows: int = 0
    embedded: int = 0  # products whose text was (re)embedded for search

    def as_dict(self) -> dict[str, int]:
        return dict(self.__dict__)


@dataclass
class Applied:
    counts: Counts
    problems: list[FeedProblem] = field(default_factory=list)
    changed_skus: list[str] = field(default_factory=list)


def _product_values(draft: ProductDraft, now: datetime) -> dict[str, Any]:
    return {
        "sku": draft.sku, "department": draft.department, "category": draft.category,
        "title_it": draft.title, "title_en": draft.title, "description_it": draft.description,
        "description_en": draft.description, "brand": draft.brand, "price": draft.price,
        "list_price": draft.list_price, "currency": draft.currency, "colours": draft.colours,
        "pattern": draft.pattern, "fabric": draft.fabric, "image": draft.image or "",
        "link": draft.link, "product_type": draft.product_type,
        "google_product_category": draft.google_product_category, "gender": draft.gender,
        "age_group": draft.age_group, "material": draft.material,
        "raw_attributes": draft.raw_attributes or None, "attribute_sources": draft.sources,
        "origin": "feed", "retired": False, "content_hash": draft.fingerprint(), "updated_at": now,
        # the attributes the stylist reasons with are unknown until enrichment derives them
        "subcategory": None, "occasions": None, "seasons": None, "fit": None, "style": None,
        "formality": None, "compatible_categories": None, "target_age": None, "emotional": None,
        "sustainability": None,
    }


def apply_products(session: Session, drafts: list[ProductDraft], mode: Mode, now: datetime,
                   progress: Progress | None = None) -> Applied:
    applied = Applied(Counts(read=len(drafts)))
    counts = applied.counts
    existing = {sku: (pid, digest, retired) for sku, pid, digest, retired in session.execute(
        select(Product.sku, Product.id, Product.content_hash, Product.retired)).tuples()}
    variant_owner = dict(session.execute(select(Variant.id, Variant.product_id)).tuples().all())
    online = {vid: qty for vid, qty in session.execute(
        select(Inventory.variant_id, Inventory.quantity)
        .where(Inventory.location == LOCATION_ONLINE)).tuples()}
    for i, draft in enumerate(drafts):
        values = _product_values(draft, now)
        found = existing.get(draft.sku)
        if found is None:
            product = Product(**values)
            session.add(product)
            session.flush()
            pid = product.id
            counts.created += 1
            applied.changed_skus.append(draft.sku)
        else:
            pid, digest, retired = found
            if digest == values["content_hash"] and not retired:
                counts.unchanged += 1
            else:
                session.execute(update(Product).where(Product.id == pid).values(**values))
                counts.updated += 1
                applied.changed_skus.append(draft.sku)
        _write_variants(session, pid, draft, variant_owner, online, now, counts,
                        changed=found is None or applied.changed_skus[-1:] == [draft.sku])
        if progress is not None and i % 500 == 0:
            progress(i / max(1, len(drafts)))
    if mode == "full":
        listed = {d.sku for d in drafts}
        gone = [sku for sku, (_, _, retired) in existing.items() if sku not in listed and not retired]
        for start in range(0, len(gone), 500):
            session.execute(update(Product).where(Product.sku.in_(gone[start:start + 500]))
                            .values(retired=True, updated_at=now))
        counts.retired = len(gone)
        applied.changed_skus += gone
    return applied


def _write_variants(session: Session, pid: int, draft: ProductDraft, owner: dict[str, int],
                    online: dict[str, int], now: datetime, counts: Counts, changed: bool) -> None:
    for v in draft.variants:
        if changed:
            values = {"product_id": pid, "size": v.size[:24], "size_system": v.size_system or "",
                      "gtin": v.gtin, "colour": v.colour}
            if v.id in owner:
                session.execute(update(Variant).where(Variant.id == v.id).values(**values))
            else:
                session.add(Variant(id=v.id, **values))
                session.flush()
            owner[v.id] = pid
            counts.variants += 1
        if online.get(v.id) != v.online:
            _set_stock(session, v.id, LOCATION_ONLINE, v.online, now, v.id in online)
            online[v.id] = v.online
            counts.stock_rows += 1


def _set_stock(session: Session, variant_id: str, location: str, quantity: int, now: datetime,
               exists: bool) -> None:
    # `reserved` is the shop's own (held pickups): an import sets what the retailer counts, never it.
    if exists:
        session.execute(update(Inventory).where(Inventory.variant_id == variant_id,
                                                Inventory.location == location)
                        .values(quantity=quantity, updated_at=now))
    else:
        session.add(Inventory(variant_id=variant_id, location=location, quantity=quantity, reserved=0,
                              updated_at=now))


def apply_stores(session: Session, stores: Iterable[FeedStore], now: datetime) -> Applied:
    applied = Applied(Counts())
    counts = applied.counts
    existing = {s.code: s for s in session.scalars(select(Store))}
    for row in stores:
        counts.read += 1
        values = {"name": row.name, "address": row.address, "city": row.city, "lat": row.latitude,
                  "lon": row.longitude, "postal_code": row.postal_code, "country": row.country,
                  "phone": row.phone, "hours": row.hours or {}, "services": row.services or ["pickup"]}
        store = existing.get(row.store_code)
        if store is None:
            session.add(Store(code=row.store_code, **values))
            counts.created += 1
        elif any(getattr(store, k) != v for k, v in values.items()):
            for k, v in values.items():
                setattr(store, k, v)
            counts.updated += 1
        else:
            counts.unchanged += 1
    return applied


def apply_stock(session: Session, rows: Iterable[FeedStock], mode: Mode, now: datetime) -> Applied:
    """Store stock from the local inventory feed; rows for unknown variants or stores are rejected."""
    applied = Applied(Counts())
    counts = applied.counts
    stores = set(session.scalars(select(Store.code)))
    variants = set(session.scalars(select(Variant.id)))
    current = {(v, loc): qty for v, loc, qty in session.execute(
        select(Inventory.variant_id, Inventory.location, Inventory.quantity)
        .where(Inventory.location != LOCATION_ONLINE)).tuples()}
    seen: set[tuple[str, str]] = set()
    for row in rows:
        counts.read += 1
        if row.store_code not in stores:
            applied.problems.append(FeedProblem(line=row.line, id=row.id, field="store_code",
                                                reason=f"unknown store {row.store_code!r}: import the "
                                                       "store directory first"))
            counts.rejected += 1
            continue
        if row.id not in variants:
            applied.problems.append(FeedProblem(line=row.line, id=row.id, field="id",
                                                reason=f"no variant with id {row.id!r} in the catalog"))
            counts.rejected += 1
            continue
        key = (row.id, row.store_code)
        seen.add(key)
        if current.get(key) == row.quantity:
            counts.unchanged += 1
            continue
        _set_stock(session, row.id, row.store_code, row.quantity, now, key in current)
        counts.created += key not in current
        counts.updated += key in current
    if mode == "full":  # what the feed no longer lists is not on the shelf
        feed_stores = {store for _, store in seen}
        for key, qty in current.items():
            if key[1] in feed_stores and key not in seen and qty:
                _set_stock(session, key[0], key[1], 0, now, True)
                counts.retired += 1
    counts.stock_rows = counts.created + counts.updated + counts.retired
    return applied


def stamp() -> datetime:
    return datetime.now(UTC)
