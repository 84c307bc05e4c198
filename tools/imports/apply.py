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

from sqlalchemy import insert, select, update
from sqlalchemy.orm import Session

from tools.catalog.feeds.rows import FeedProblem, FeedStock, FeedStore
from tools.db.models import Inventory, Product, Store, Variant
from tools.enrichment.batch import enrich_many
from tools.enrichment.values import Enrichment
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
    enrich_s: float = 0.0  # seconds spent deriving attributes (rules, and the LLM when configured)


def _fits(value: str | None, limit: int) -> str | None:
    """A value the column can hold whole, or None: a cut title or link would be a wrong one."""
    return value if value is None or len(value) <= limit else None


def _cut(value: str | None, limit: int) -> str | None:
    """Free text may be shortened (a path, a material list), ending in an ellipsis."""
    return value if value is None or len(value) <= limit else value[:limit - 1] + "…"


def _product_values(draft: ProductDraft, now: datetime, enriched: Enrichment) -> dict[str, Any]:
    raw = draft.raw_attributes | ({"tags": ", ".join(draft.tags)} if draft.tags else {})
    return {
        "sku": draft.sku,
        "title_it": _cut(draft.title, 200), "title_en": _cut(draft.title, 200),
        "description_it": draft.description, "description_en": draft.description,
        "brand": _cut(draft.brand, 48), "price": draft.price, "list_price": draft.list_price,
        "currency": draft.currency, "image": _fits(draft.image, 1000) or "", "link": _fits(draft.link, 1000),
        "product_type": _cut(draft.product_type, 500),
        "google_product_category": _cut(draft.google_product_category, 500),
        "gender": _fits(draft.gender, 16), "age_group": _fits(draft.age_group, 16),
        "material": _cut(draft.material, 200),
        "raw_attributes": raw or None, "origin": "feed", "retired": False,
        "content_hash": draft.fingerprint(), "updated_at": now, "sustainability": None,
        # department, category, colours, pattern, fabric, occasions, ... with their sources
        **enriched.columns(),
    }


def apply_products(session: Session, drafts: list[ProductDraft], mode: Mode, now: datetime,
                   progress: Progress | None = None,
                   enrichments: list[Enrichment] | None = None) -> Applied:
    """Upsert products, their variants and their online stock in bulk (Core executemany: an
    ORM object per row would be ~10x slower on a 50,000-variant feed)."""
    applied = Applied(Counts(read=len(drafts)))
    counts = applied.counts
    existing = {sku: (pid, digest, retired) for sku, pid, digest, retired in session.execute(
        select(Product.sku, Product.id, Product.content_hash, Product.retired)).tuples()}
    owner = dict(session.execute(select(Variant.id, Variant.product_id)).tuples().all())
    online = {vid: qty for vid, qty in session.execute(
        select(Inventory.variant_id, Inventory.quantity)
        .where(Inventory.location == LOCATION_ONLINE)).tuples()}
    new_rows: list[dict[str, Any]] = []
    changed_rows: list[dict[str, Any]] = []
    touched: list[ProductDraft] = []  # products whose variants are (re)written
    if enrichments is None:  # callers that did not enrich first (run_import does, before the transaction)
        enrichments = enrich_many([d.described() for d in drafts])
    for draft, enriched in zip(drafts, enrichments, strict=True):
        values = _product_values(draft, now, enriched)
        found = existing.get(draft.sku)
        if found is None:
            new_rows.append(values)
            touched.append(draft)
        elif found[1] != values["content_hash"] or found[2]:
            changed_rows.append({"id": found[0], **values})
            touched.append(draft)
        else:
            counts.unchanged += 1
    counts.created, counts.updated = len(new_rows), len(changed_rows)
    applied.changed_skus = [d.sku for d in touched]
    _bulk(session, insert(Product), new_rows, progress, 0.0, 0.3)
    _bulk(session, update(Product), changed_rows, progress, 0.3, 0.4)
    ids = {sku: pid for sku, (pid, _, _) in existing.items()}
    new_skus = [r["sku"] for r in new_rows]
    for start in range(0, len(new_skus), _BATCH):
        ids.update(session.execute(select(Product.sku, Product.id)
                                   .where(Product.sku.in_(new_skus[start:start + _BATCH]))).tuples().all())
    variant_new: list[dict[str, Any]] = []
    variant_changed: list[dict[str, Any]] = []
    for draft in touched:
        for v in draft.variants:
            pid = ids[draft.sku]
            row = {"id": v.id, "product_id": pid, "size": v.size[:24],
                   "size_system": v.size_system or "", "gtin": v.gtin, "colour": v.colour}
            (variant_changed if v.id in owner else variant_new).append(row)
            owner[v.id] = pid
    counts.variants = len(variant_new) + len(variant_changed)
    _bulk(session, insert(Variant), variant_new, progress, 0.4, 0.7)
    _bulk(session, update(Variant), variant_changed, progress, 0.7, 0.8)
    stock_new: list[dict[str, Any]] = []
    stock_changed: list[dict[str, Any]] = []
    for draft in drafts:
        for v in draft.variants:
            if online.get(v.id) == v.online:
                continue
            row = {"variant_id": v.id, "location": LOCATION_ONLINE, "quantity": v.online, "updated_at": now}
            # `reserved` is the shop's own (held pickups): an import sets what the retailer counts, never it
            (stock_changed if v.id in online else stock_new).append(row if v.id in online else
                                                                   {**row, "reserved": 0})
            online[v.id] = v.online
    counts.stock_rows = len(stock_new) + len(stock_changed)
    _bulk(session, insert(Inventory), stock_new, progress, 0.8, 0.9)
    _bulk(session, update(Inventory), stock_changed, progress, 0.9, 1.0)
    if mode == "full":
        listed = {d.sku for d in drafts}
        gone = [sku for sku, (_, _, retired) in existing.items() if sku not in listed and not retired]
        for start in range(0, len(gone), _BATCH):
            session.execute(update(Product).where(Product.sku.in_(gone[start:start + _BATCH]))
                            .values(retired=True, updated_at=now))
        counts.retired = len(gone)
        applied.changed_skus += gone
    return applied


_BATCH = 1000


def _bulk(session: Session, statement: Any, rows: list[dict[str, Any]], progress: Progress | None,
          low: float, high: float) -> None:
    """executemany in batches; UPDATE statements match each row by its primary key."""
    for start in range(0, len(rows), _BATCH):
        session.execute(statement, rows[start:start + _BATCH])
        if progress is not None:
            progress(low + (high - low) * min(1.0, (start + _BATCH) / len(rows)))


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
    """Store stock from the local inventory feed; rows for unknown variants or stores are rejected.
    `reserved` (held pickups) is the shop's own: the feed sets what is on the shelf, never it."""
    applied = Applied(Counts())
    counts = applied.counts
    stores = set(session.scalars(select(Store.code)))
    variants = set(session.scalars(select(Variant.id)))
    current = {(v, loc): qty for v, loc, qty in session.execute(
        select(Inventory.variant_id, Inventory.location, Inventory.quantity)
        .where(Inventory.location != LOCATION_ONLINE)).tuples()}
    seen: set[tuple[str, str]] = set()
    fresh: list[dict[str, Any]] = []
    changed: list[dict[str, Any]] = []
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
        if key not in current:
            fresh.append({"variant_id": row.id, "location": row.store_code, "quantity": row.quantity,
                          "reserved": 0, "updated_at": now})
            current[key] = row.quantity
        elif current[key] != row.quantity:
            changed.append({"variant_id": row.id, "location": row.store_code, "quantity": row.quantity,
                            "updated_at": now})
            current[key] = row.quantity
        else:
            counts.unchanged += 1
    if mode == "full":  # what the feed no longer lists is not on the shelf
        feed_stores = {store for _, store in seen}
        emptied = [{"variant_id": v, "location": loc, "quantity": 0, "updated_at": now}
                   for (v, loc), qty in current.items()
                   if loc in feed_stores and (v, loc) not in seen and qty]
        changed += emptied
        counts.retired = len(emptied)
    _bulk(session, insert(Inventory), fresh, None, 0, 1)
    _bulk(session, update(Inventory), changed, None, 0, 1)
    counts.created, counts.updated = len(fresh), len(changed) - counts.retired
    counts.stock_rows = len(fresh) + len(changed)
    return applied


def stamp() -> datetime:
    return datetime.now(UTC)
