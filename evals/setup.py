"""Puts a case's world in the commerce store: a fresh shopper with the case's attributes, their
browsing events and past purchases, with products picked by attributes from whatever catalog is loaded
(or, for a replay, picked on a reference shop and found by SKU in the loaded one)."""

from __future__ import annotations

import logging
import zlib
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import Protocol

from sqlalchemy import Engine, delete, select

from evals.cases import EvalCase, ProductPick
from tools.db.engine import session_scope
from tools.db.models import Event, Order, OrderLine, Product, Reservation, Shopper, Thread, Variant

log = logging.getLogger(__name__)
# sku, formality (None: unknown), colours, occasions, price
_Candidate = tuple[str, int | None, list[str], list[str], Decimal]
EVAL_NOW = datetime(2026, 11, 1, 12, 0, tzinfo=UTC)  # the seed's REFERENCE_NOW; every case runs at it


def reference_now() -> datetime:
    try:
        from catalog_seed.load import REFERENCE_NOW
    except ImportError:
        return EVAL_NOW
    return REFERENCE_NOW


def shopper_id_for(case: EvalCase) -> str:
    return f"EV-{case.id}"


def _stable(text: str) -> int:
    return zlib.crc32(text.encode())  # not hash(): PYTHONHASHSEED varies between runs


class Picker(Protocol):
    """Chooses the products a case's events and history name: (sku, price), (sku, price, variant)."""

    engine: Engine

    def pick(self, pick: ProductPick, salt: str) -> tuple[str, Decimal] | None: ...

    def pick_in_size(self, pick: ProductPick, size: str | None,
                     salt: str) -> tuple[str, Decimal, str] | None: ...


class ProductPicker:
    """Deterministic choice of a real product (and variant) matching a pick."""

    def __init__(self, engine: Engine):
        self.engine = engine
        self._pool: dict[tuple[str, str], list[_Candidate]] = {}

    def _candidates(self, department: str, category: str) -> list[_Candidate]:
        key = (department, category)
        if key not in self._pool:
            with session_scope(self.engine) as s:
                rows = s.execute(select(Product.sku, Product.formality, Product.colours, Product.occasions,
                                        Product.price)
                                 .where(Product.department == department, Product.category == category,
                                        Product.retired.is_(False))
                                 .order_by(Product.sku)).all()
            self._pool[key] = [(r[0], r[1], list(r[2] or []), list(r[3] or []), Decimal(r[4])) for r in rows]
        return self._pool[key]

    def pick(self, pick: ProductPick, salt: str) -> tuple[str, Decimal] | None:
        pool = self._candidates(pick.department, pick.category)
        narrowed = [p for p in pool
                    if (pick.colour is None or pick.colour in p[2])
                    and (pick.formality_min is None or (p[1] is not None and p[1] >= pick.formality_min))
                    and (pick.formality_max is None or (p[1] is not None and p[1] <= pick.formality_max))
                    and (pick.occasion is None or pick.occasion in p[3])]
        chosen = narrowed or pool
        if not chosen:
            return None
        sku, _f, _c, _o, price = chosen[_stable(salt) % len(chosen)]
        return sku, price

    def pick_in_size(self, pick: ProductPick, size: str | None, salt: str) -> tuple[str, Decimal, str] | None:
        """A product and its variant in the size bought (the first product, in a stable order, that
        comes in it); without a size, the middle of the run."""
        first = self.pick(pick, salt)
        if first is None:
            return None
        everything = self._candidates(pick.department, pick.category)
        pool = [first[0]] + [p[0] for p in everything if p[0] != first[0]]
        prices = {p[0]: p[4] for p in everything}
        for sku in pool[:50]:
            variant_id = self._variant(sku, size)
            if variant_id is not None:
                return sku, prices[sku], variant_id
        return None

    def _variant(self, sku: str, size: str | None) -> str | None:
        with session_scope(self.engine) as s:
            rows = s.execute(select(Variant.id, Variant.size).join(Product, Product.id == Variant.product_id)
                             .where(Product.sku == sku).order_by(Variant.id)).all()
        if size is None:
            return str(rows[len(rows) // 2][0]) if rows else None
        return next((str(v) for v, label in rows if label == size), None)


class ReplayPicker:
    """Picks resolved on a reference shop (the rich seed, whose attributes are the truth) and replayed
    by SKU, and variant by size, in the loaded shop: a thin shop's enrichment errors then show in the
    suite instead of steering the picks. A SKU the loaded shop lacks falls back to its own pick."""

    def __init__(self, engine: Engine, resolve_on: Engine):
        self.engine = engine
        self.reference = ProductPicker(resolve_on)
        self.own = ProductPicker(engine)

    def pick(self, pick: ProductPick, salt: str) -> tuple[str, Decimal] | None:
        chosen = self.reference.pick(pick, salt)
        price = self._price(chosen[0]) if chosen else None
        if chosen and price is not None:
            return chosen[0], price
        log.warning("replay: %s picked on the reference shop is not in this one; picking here for %s",
                    chosen and chosen[0], pick)
        return self.own.pick(pick, salt)

    def pick_in_size(self, pick: ProductPick, size: str | None, salt: str) -> tuple[str, Decimal, str] | None:
        chosen = self.reference.pick_in_size(pick, size, salt)
        if chosen:
            sku, _price, reference_variant = chosen
            price = self._price(sku)
            variant_id = self.own._variant(sku, size or _size_of(self.reference.engine, reference_variant))
            if price is not None and variant_id is not None:
                return sku, price, variant_id
        log.warning("replay: %s in size %s picked on the reference shop is not in this one; picking here "
                    "for %s", chosen and chosen[0], size, pick)
        return self.own.pick_in_size(pick, size, salt)

    def _price(self, sku: str) -> Decimal | None:
        with session_scope(self.engine) as s:
            price = s.scalar(select(Product.price).where(Product.sku == sku, Product.retired.is_(False)))
        return None if price is None else Decimal(price)


def _size_of(engine: Engine, variant_id: str) -> str | None:
    with session_scope(engine) as s:
        return s.scalar(select(Variant.size).where(Variant.id == variant_id))


def reset_shopper(engine: Engine, shopper_id: str) -> None:
    """Remove an earlier run's copy of the case shopper and everything hanging off it."""
    with session_scope(engine) as s:
        order_ids = list(s.scalars(select(Order.id).where(Order.shopper_id == shopper_id)))
        if order_ids:
            s.execute(delete(OrderLine).where(OrderLine.order_id.in_(order_ids)))
            s.execute(delete(Order).where(Order.id.in_(order_ids)))
        for reservation in s.scalars(select(Reservation).where(Reservation.shopper_id == shopper_id)):
            s.delete(reservation)
        s.execute(delete(Event).where(Event.shopper_id == shopper_id))
        s.execute(delete(Thread).where(Thread.shopper_id == shopper_id))
        s.execute(delete(Shopper).where(Shopper.id == shopper_id))


def prepare_case(engine: Engine, case: EvalCase, picker: Picker, now: datetime) -> str:
    """Create the case's shopper, events and history; returns the shopper id."""
    shopper_id = shopper_id_for(case)
    reset_shopper(engine, shopper_id)
    spec = case.shopper
    loyal = spec.kind == "loyal"
    with session_scope(engine) as s:
        s.add(Shopper(
            id=shopper_id, email=spec.email, name=spec.name,
            loyalty_id=f"EVL{_stable(case.id):010d}" if loyal else None, tier=spec.tier,
            consent_personalisation=spec.consent, consent_marketing=False, language=spec.language,
            city=spec.city, department=spec.department, known_sizes=dict(spec.known_sizes),
            is_guest=not loyal, created_at=now - timedelta(days=500 if loyal else 1)))
        s.flush()
        for n, ev in enumerate(case.events):
            sku = None
            if ev.pick is not None:
                picked = picker.pick(ev.pick, f"{case.id}/event/{n}")
                if picked is None:
                    log.warning("case %s: no product for %s", case.id, ev.pick)
                    continue
                sku = picked[0]
            s.add(Event(shopper_id=shopper_id, type=ev.type, sku=sku, text=ev.text,
                        at=now - timedelta(days=ev.days_ago), channel="web"))
        for n, past in enumerate(case.shopper.history):
            bought = picker.pick_in_size(past.pick, past.size, f"{case.id}/history/{n}")
            if bought is None:
                log.warning("case %s: no product in size %s for %s", case.id, past.size, past.pick)
                continue
            sku, price, variant_id = bought
            order = Order(id=f"EVO-{case.id}-{n}"[:40], shopper_id=shopper_id, channel=past.channel,
                          store_code=past.store_code if past.channel == "store" else None,
                          placed_at=now - timedelta(days=past.days_ago), total=price)
            order.lines.append(OrderLine(variant_id=variant_id, sku=sku, quantity=1, unit_price=price))
            s.add(order)
    return shopper_id


def resolve_messages(case: EvalCase, picker: Picker) -> EvalCase:
    """A turn that names a product ("Avete la giacca {sku} ...") gets a real one of the loaded
    catalog, chosen by its pick; the case never holds a seeded SKU."""
    if not any(t.pick for t in case.turns):
        return case
    turns = []
    for i, turn in enumerate(case.turns):
        found = picker.pick(turn.pick, f"{case.id}-{i}") if turn.pick else None
        if found is None:
            turns.append(turn)
            continue
        sku = found[0]
        with session_scope(picker.engine) as s:
            title = s.scalar(select(Product.title_it if case.language == "it" else Product.title_en)
                             .where(Product.sku == sku)) or sku
        message = turn.message.replace("{sku}", sku).replace("{title}", title)
        turns.append(turn.model_copy(update={"message": message}))
    return case.model_copy(update={"turns": turns})
