"""Reserve-in-store: hold pieces for pickup without ever promising a unit twice.

Stock is held with a conditional UPDATE (`reserved = reserved + q WHERE quantity - reserved >= q`)
whose row count says whether the unit was still free; all items of a reservation are held in one
transaction, so two shoppers racing for the last unit cannot both get it (SQLite and PostgreSQL).
"""

from __future__ import annotations

import hashlib
import logging
import secrets
import uuid
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal
from typing import Any, Literal

from pydantic import Field
from sqlalchemy import case, literal, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from tools.budget import outfit_total
from tools.clock import as_utc
from tools.db.engine import session_scope
from tools.db.models import Inventory, Product, Reservation, ReservationItem, Shopper, Variant
from tools.db.shop import Shop
from tools.shapes import Amount, Record
from tools.stock.stores import StoreInfo, store_map

log = logging.getLogger(__name__)

PICKUP_ALPHABET = "ACDEFGHJKMNPQRTUVWXY34679"  # no 0/O, 1/I/L, 2/Z, 5/S, 8/B: read aloud at a till
PICKUP_CODE_LENGTH = 6
MAX_ITEMS = 20
MAX_UNITS_PER_ITEM = 10
MAX_HOLD_MINUTES = 7 * 24 * 60

Status = Literal["held", "cancelled", "expired", "collected", "out_of_stock", "price_changed",
                 "not_found", "pickup_unavailable", "invalid"]


class ReservedItem(Record):
    variant_id: str
    sku: str
    title_it: str
    title_en: str
    size: str
    quantity: int
    unit_price: Amount
    line_total: Amount


class Shortage(Record):
    variant_id: str
    wanted: int
    available: int


class PriceChange(Record):
    variant_id: str
    sku: str
    expected: Amount
    current: Amount


class ReservationResult(Record):
    """A reservation (status held/cancelled/expired/collected) or why none was made."""

    status: Status
    detail: str | None = None
    reservation_id: str | None = None
    pickup_code: str | None = None
    shopper_id: str | None = None
    store_code: str | None = None
    store_name: str | None = None
    store_address: str | None = None
    store_city: str | None = None
    store_phone: str | None = None
    store_hours: dict[str, Any] = Field(default_factory=dict)
    created_at: datetime | None = None
    expires_at: datetime | None = None
    items: list[ReservedItem] = Field(default_factory=list)
    total: Amount | None = None
    currency: str = "EUR"
    out_of_stock: list[Shortage] = Field(default_factory=list)
    price_changes: list[PriceChange] = Field(default_factory=list)
    replayed: bool = False  # the same reservation returned again for the same idempotency key


class _OutOfStock(Exception):
    def __init__(self, variant_ids: list[str]) -> None:
        super().__init__(", ".join(variant_ids))
        self.variant_ids = variant_ids


@dataclass(frozen=True)
class _Line:
    variant_id: str
    sku: str
    title_it: str
    title_en: str
    size: str
    price: Decimal
    retired: bool  # no longer sold: kept readable in past reservations, never held anew


def new_pickup_code() -> str:
    return "".join(secrets.choice(PICKUP_ALPHABET) for _ in range(PICKUP_CODE_LENGTH))


def derive_idempotency_key(shopper_id: str, store_code: str, items: Sequence[tuple[str, int]],
                           thread_id: str | None) -> str:
    """The same conversation asking for the same pieces at the same store is the same reservation."""
    basis = "|".join([thread_id or f"shopper:{shopper_id}", store_code,
                      *(f"{v}x{q}" for v, q in sorted(items))])
    return "auto:" + hashlib.sha256(basis.encode()).hexdigest()[:40]


def _invalid(detail: str, **extra: Any) -> ReservationResult:
    return ReservationResult(status="invalid", detail=detail, **extra)


def _merge_items(items: Sequence[tuple[str, int]]) -> dict[str, int] | str:
    """{variant_id: quantity} or a message saying what is wrong with the items."""
    if not items:
        return "give at least one item (variant_id, quantity)"
    if len(items) > MAX_ITEMS:
        return f"at most {MAX_ITEMS} items per reservation"
    merged: dict[str, int] = {}
    for entry in items:
        try:
            variant_id, quantity = entry
        except (TypeError, ValueError):
            return "each item is a (variant_id, quantity) pair"
        if not isinstance(variant_id, str) or not variant_id.strip():
            return "each item needs a variant_id like 'SRT-BLZ-000123-50'"
        if isinstance(quantity, bool) or not isinstance(quantity, int) or quantity < 1:
            return f"quantity for {variant_id} must be a whole number of at least 1"
        merged[variant_id.strip()] = merged.get(variant_id.strip(), 0) + quantity
        if merged[variant_id.strip()] > MAX_UNITS_PER_ITEM:
            return f"at most {MAX_UNITS_PER_ITEM} units of {variant_id} per reservation"
    return merged


def _lines(session: Session, variant_ids: Sequence[str]) -> dict[str, _Line]:
    rows = session.execute(
        select(Variant.id, Variant.size, Product.sku, Product.title_it, Product.title_en, Product.price,
               Product.retired)
        .join(Product, Product.id == Variant.product_id).where(Variant.id.in_(list(variant_ids))))
    return {vid: _Line(vid, sku, t_it, t_en, size, Decimal(price), bool(retired))
            for vid, size, sku, t_it, t_en, price, retired in rows}


def _store_fields(store: StoreInfo | None) -> dict[str, Any]:
    if store is None:
        return {}
    return {"store_code": store.code, "store_name": store.name, "store_address": store.address,
            "store_city": store.city, "store_phone": store.phone, "store_hours": store.hours}


def _result(shop: Shop, session: Session, reservation: Reservation, replayed: bool = False,
            detail: str | None = None) -> ReservationResult:
    lines = _lines(session, [i.variant_id for i in reservation.items])
    items = []
    for item in sorted(reservation.items, key=lambda i: i.variant_id):
        line = lines.get(item.variant_id)
        items.append(ReservedItem(
            variant_id=item.variant_id, sku=item.sku, title_it=line.title_it if line else item.sku,
            title_en=line.title_en if line else item.sku, size=line.size if line else "",
            quantity=item.quantity, unit_price=item.unit_price,
            line_total=Decimal(item.unit_price) * item.quantity))
    return ReservationResult(
        status=reservation.status,  # type: ignore[arg-type]
        detail=detail, reservation_id=reservation.id, pickup_code=reservation.pickup_code,
        shopper_id=reservation.shopper_id, created_at=as_utc(reservation.created_at),
        expires_at=as_utc(reservation.expires_at), items=items, total=reservation.total, replayed=replayed,
        **_store_fields(store_map(shop).get(reservation.store_code)))


def _existing(shop: Shop, shopper_id: str, key: str) -> ReservationResult | None:
    with session_scope(shop.engine) as session:
        found = session.scalars(select(Reservation).where(
            Reservation.shopper_id == shopper_id, Reservation.idempotency_key == key)).first()
        return None if found is None else _result(shop, session, found, replayed=True)


def _retire_key(shop: Shop, shopper_id: str, key: str) -> None:
    """Free a derived key whose reservation is over, so the same look can be reserved again."""
    with session_scope(shop.engine) as session:
        session.execute(
            update(Reservation)
            .where(Reservation.shopper_id == shopper_id, Reservation.idempotency_key == key,
                   Reservation.status != "held")
            .values(idempotency_key=literal(key[:80] + "#") + Reservation.id)
            .execution_options(synchronize_session=False))


def _shortages(shop: Shop, store_code: str, wanted: Mapping[str, int]) -> list[Shortage]:
    with session_scope(shop.engine) as session:
        free: dict[str, int] = {v: int(q) for v, q in session.execute(
            select(Inventory.variant_id, Inventory.quantity - Inventory.reserved)
            .where(Inventory.location == store_code, Inventory.variant_id.in_(list(wanted))))}
    return [Shortage(variant_id=v, wanted=q, available=max(0, int(free.get(v, 0))))
            for v, q in sorted(wanted.items()) if int(free.get(v, 0)) < q]


def _hold(shop: Shop, shopper_id: str, store_code: str, wanted: Mapping[str, int],
          lines: Mapping[str, _Line], key: str, thread_id: str | None, now: datetime,
          hold_minutes: int) -> str:
    """Hold every item and write the reservation in ONE transaction; returns the reservation id."""
    reservation_id = "R" + uuid.uuid4().hex[:20].upper()
    with session_scope(shop.engine) as session:
        short = []
        # A fixed order (by variant id) so two PostgreSQL transactions lock rows the same way round.
        for variant_id, quantity in sorted(wanted.items()):
            held = session.execute(
                update(Inventory)
                .where(Inventory.variant_id == variant_id, Inventory.location == store_code,
                       Inventory.quantity - Inventory.reserved >= quantity)
                .values(reserved=Inventory.reserved + quantity)
                .execution_options(synchronize_session=False))
            if held.rowcount != 1:  # type: ignore[attr-defined]
                short.append(variant_id)
        if short:
            raise _OutOfStock(short)  # session_scope rolls every hold of this attempt back
        session.add(Reservation(
            id=reservation_id, pickup_code=new_pickup_code(), shopper_id=shopper_id,
            store_code=store_code, status="held", idempotency_key=key, thread_id=thread_id,
            created_at=now, expires_at=now + timedelta(minutes=hold_minutes),
            total=outfit_total([lines[v].price * q for v, q in wanted.items()]),
            items=[ReservationItem(variant_id=v, sku=lines[v].sku, quantity=q, unit_price=lines[v].price)
                   for v, q in sorted(wanted.items())]))
    return reservation_id


def reserve_in_store(shop: Shop, shopper_id: str, store_code: str, items: Sequence[tuple[str, int]],
                     idempotency_key: str | None, thread_id: str | None, now: datetime,
                     hold_minutes: int, expected_prices: Mapping[str, Decimal] | None = None
                     ) -> ReservationResult:
    """Hold pieces in a store for the shopper to collect (call it only after the shopper confirmed).

    Args:
        store_code: the store, e.g. "NA01". items: (variant_id, quantity) pairs, variant ids like
            "SRT-BLZ-000123-50". idempotency_key: the same key returns the same reservation (a
            retried request never holds twice); omitted → derived from thread_id and the items.
        now: the current time; hold_minutes: how long the hold lasts.
        expected_prices: variant_id (or sku) → the price the shopper saw; a different current price
            stops the reservation with status "price_changed".
    Returns ReservationResult: status "held" with pickup_code, expires_at, the store's address and
    hours, items with prices and total (replayed=True when it is the same reservation again);
    "out_of_stock" (out_of_stock lists what is short), "price_changed", "not_found" (unknown
    shopper, store or variant), "pickup_unavailable" or "invalid".
    """
    merged = _merge_items(items)
    if isinstance(merged, str):
        return _invalid(merged, shopper_id=shopper_id, store_code=store_code)
    if not 1 <= hold_minutes <= MAX_HOLD_MINUTES:
        return _invalid(f"hold_minutes must be between 1 and {MAX_HOLD_MINUTES}")
    if idempotency_key is not None and not 1 <= len(idempotency_key) <= 128:
        return _invalid("idempotency_key must be 1-128 characters")
    now = as_utc(now)
    store = store_map(shop).get((store_code or "").strip().upper())
    if store is None:
        return ReservationResult(status="not_found", detail=f"no store {store_code!r}",
                                 shopper_id=shopper_id, store_code=store_code)
    if "pickup" not in store.services:
        return ReservationResult(status="pickup_unavailable", detail=f"{store.name} does not offer pickup",
                                 shopper_id=shopper_id, **_store_fields(store))
    explicit = idempotency_key is not None
    key = idempotency_key or derive_idempotency_key(shopper_id, store.code, list(merged.items()), thread_id)

    expire_reservations(shop, now)
    previous = _existing(shop, shopper_id, key)
    if previous is not None:
        if explicit or previous.status == "held":
            return previous
        _retire_key(shop, shopper_id, key)

    with session_scope(shop.engine) as session:
        if session.get(Shopper, shopper_id) is None:
            return ReservationResult(status="not_found", detail=f"no shopper {shopper_id!r}",
                                     shopper_id=shopper_id, **_store_fields(store))
        lines = _lines(session, list(merged))
    unknown = sorted(set(merged) - set(lines))
    if unknown:
        return ReservationResult(status="not_found", detail=f"unknown variant(s): {', '.join(unknown)}",
                                 shopper_id=shopper_id, **_store_fields(store))
    gone = sorted(v for v, line in lines.items() if line.retired)
    if gone:
        return ReservationResult(status="out_of_stock", shopper_id=shopper_id,
                                 out_of_stock=[Shortage(variant_id=v, wanted=merged[v], available=0)
                                               for v in gone],
                                 detail=f"no longer sold: {', '.join(gone)}", **_store_fields(store))
    changes = []
    for variant_id, line in sorted(lines.items()):
        expected = None if expected_prices is None else (
            expected_prices.get(variant_id, expected_prices.get(line.sku)))
        if expected is not None and Decimal(expected) != line.price:
            changes.append(PriceChange(variant_id=variant_id, sku=line.sku, expected=Decimal(expected),
                                       current=line.price))
    if changes:
        return ReservationResult(status="price_changed", price_changes=changes, shopper_id=shopper_id,
                                 detail="the price changed since the shopper saw it; confirm again",
                                 **_store_fields(store))
    try:
        reservation_id = _hold(shop, shopper_id, store.code, merged, lines, key, thread_id, now,
                               hold_minutes)
    except _OutOfStock:
        return ReservationResult(status="out_of_stock", shopper_id=shopper_id,
                                 out_of_stock=_shortages(shop, store.code, merged),
                                 detail=f"not enough free stock at {store.name}", **_store_fields(store))
    except IntegrityError:
        # The same key won a race a moment ago: answer with that reservation.
        again = _existing(shop, shopper_id, key)
        if again is None:
            raise
        return again
    log.info("reservation %s held at %s for %s", reservation_id, store.code, shopper_id)
    with session_scope(shop.engine) as session:
        made = session.get(Reservation, reservation_id)
        assert made is not None
        return _result(shop, session, made)


def _release(shop: Shop, reservation_id: str, new_status: str, shopper_id: str | None = None) -> bool:
    """Move a held reservation to new_status and give its units back, in one transaction."""
    with session_scope(shop.engine) as session:
        conditions = [Reservation.id == reservation_id, Reservation.status == "held"]
        if shopper_id is not None:
            conditions.append(Reservation.shopper_id == shopper_id)
        moved = session.execute(update(Reservation).where(*conditions).values(status=new_status)
                                .execution_options(synchronize_session=False))
        if moved.rowcount != 1:  # type: ignore[attr-defined]
            return False  # someone else already released it
        store_code = session.scalar(select(Reservation.store_code).where(Reservation.id == reservation_id))
        for variant_id, quantity in session.execute(
                select(ReservationItem.variant_id, ReservationItem.quantity)
                .where(ReservationItem.reservation_id == reservation_id)
                .order_by(ReservationItem.variant_id)):
            session.execute(
                update(Inventory)
                .where(Inventory.variant_id == variant_id, Inventory.location == store_code)
                .values(reserved=case((Inventory.reserved >= quantity, Inventory.reserved - quantity),
                                      else_=0))
                .execution_options(synchronize_session=False))
    return True


def expire_reservations(shop: Shop, now: datetime) -> int:
    """Release the stock of every hold past its expiry; returns how many expired."""
    now = as_utc(now)
    with session_scope(shop.engine) as session:
        due = session.scalars(select(Reservation.id).where(
            Reservation.status == "held", Reservation.expires_at <= now).order_by(Reservation.id)).all()
    expired = sum(_release(shop, rid, "expired") for rid in due)
    if expired:
        log.info("%d reservation(s) expired", expired)
    return expired


def list_reservations(shop: Shop, shopper_id: str, now: datetime) -> list[ReservationResult]:
    """The shopper's reservations, newest first (old holds are expired first)."""
    expire_reservations(shop, now)
    with session_scope(shop.engine) as session:
        found = session.scalars(select(Reservation).where(Reservation.shopper_id == shopper_id)
                                .order_by(Reservation.created_at.desc(), Reservation.id)).all()
        return [_result(shop, session, r) for r in found]


def cancel_reservation(shop: Shop, shopper_id: str, reservation_id: str, now: datetime) -> ReservationResult:
    """Cancel the shopper's own held reservation and give the units back to the store.

    Returns the reservation with status "cancelled" (also when it already was), "expired" when the
    hold ran out first, or status "not_found" (unknown id, or another shopper's reservation).
    """
    expire_reservations(shop, now)
    released = _release(shop, reservation_id, "cancelled", shopper_id=shopper_id)
    with session_scope(shop.engine) as session:
        found = session.get(Reservation, reservation_id)
        if found is None or found.shopper_id != shopper_id:
            return ReservationResult(status="not_found", detail=f"no reservation {reservation_id!r}",
                                     shopper_id=shopper_id)
        detail = None if released else f"the reservation was already {found.status}"
        return _result(shop, session, found, detail=detail)


def store_reservations(shop: Shop, store_code: str, now: datetime) -> list[ReservationResult]:
    """Staff view: the store's reservations, held ones first then newest first.

    An unknown store code gives []: check `tools.stores.store_map` to tell it from a quiet store.
    """
    expire_reservations(shop, now)
    with session_scope(shop.engine) as session:
        found = session.scalars(select(Reservation).where(
            Reservation.store_code == (store_code or "").strip().upper())
            .order_by((Reservation.status != "held"), Reservation.created_at.desc(), Reservation.id)).all()
        return [_result(shop, session, r) for r in found]
