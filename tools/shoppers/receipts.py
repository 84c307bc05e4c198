"""In-store digital receipts: a till's sale joins the shopper's unified history (online orders and
store purchases in one place), reconciled by loyalty id or email — or, for a shopper with neither,
by a one-time claim code printed on the paper slip as a QR and scanned in the app."""

from __future__ import annotations

import hashlib
import secrets
from collections.abc import Sequence
from datetime import datetime, timedelta
from decimal import Decimal
from typing import Any

from sqlalchemy import func, or_, select

from tools.clock import as_utc
from tools.db.engine import session_scope
from tools.db.models import Order, OrderLine, Product, ReceiptClaim, Shopper, Store, Variant
from tools.db.shop import Shop
from tools.errors import Conflict, Invalid, NotFound

CLAIM_VALID = timedelta(days=30)
# Crockford's base32: no I, L, O or U, so a code typed from the slip is not misread; 16 characters
# carry 80 bits, far beyond guessing under the claim limit of a few tries an hour
CODE_ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
CODE_LENGTH = 16
_MISREAD = str.maketrans({"O": "0", "I": "1", "L": "1"})


def add_receipt(shop: Shop, receipt_id: str, store_code: str, placed_at: datetime,
                lines: Sequence[dict[str, Any]], loyalty_id: str | None, email: str | None,
                now: datetime | None = None) -> dict[str, Any]:
    """Store the receipt as a store order; the same receipt_id twice is stored once.

    Lines are {sku, size, quantity, unit_price}. Returns order_id, the reconciled shopper_id (None
    when nobody matched), whether it was a duplicate, and for a sale nobody matched (and nobody has
    claimed yet) `claim`: a one-time code for the slip, with its expiry. A duplicate gets a new code
    and the previous one stops working: the till only re-sends when the first answer was lost."""
    order_id = f"R-{receipt_id}"
    with session_scope(shop.engine) as session:
        existing = session.get(Order, order_id)
        if existing is not None:
            result: dict[str, Any] = {"order_id": order_id, "shopper_id": existing.shopper_id,
                                      "duplicate": True}
            if existing.shopper_id is None and now is not None:
                result["claim"] = _issue_claim(session, order_id, now)
            return result
        if session.get(Store, store_code) is None:
            raise Invalid("unknown_store", (f"Negozio sconosciuto: {store_code}.",
                                            f"Unknown store: {store_code}."))
        shopper_id = None
        if loyalty_id or email:
            conds = []
            if loyalty_id:
                conds.append(Shopper.loyalty_id == loyalty_id)
            if email:
                conds.append(func.lower(Shopper.email) == email.lower())
            shopper_id = session.scalar(select(Shopper.id).where(or_(*conds)).limit(1))
        order = Order(id=order_id, shopper_id=shopper_id, channel="store", store_code=store_code,
                      placed_at=as_utc(placed_at), total=Decimal("0"))
        total = Decimal("0")
        for line in lines:
            sku, size = line["sku"], line["size"]
            # by sku and size: an imported feed names its variants its own way
            variant_id = session.scalar(select(Variant.id).join(Product, Product.id == Variant.product_id)
                                        .where(Product.sku == sku, Variant.size == size)
                                        .order_by(Variant.id).limit(1))
            if variant_id is None:
                raise Invalid("unknown_variant", (f"Articolo sconosciuto: {sku} taglia {size}.",
                                                  f"Unknown item: {sku} size {size}."))
            total += line["unit_price"] * line["quantity"]
            order.lines.append(OrderLine(variant_id=variant_id, sku=line["sku"], quantity=line["quantity"],
                                         unit_price=line["unit_price"]))
        order.total = total
        session.add(order)
        result = {"order_id": order_id, "shopper_id": shopper_id, "duplicate": False}
        if shopper_id is None and now is not None:
            session.flush()  # the claim row points at the order
            result["claim"] = _issue_claim(session, order_id, now)
    return result


def _issue_claim(session: Any, order_id: str, now: datetime) -> dict[str, Any]:
    code = "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))
    claim = session.get(ReceiptClaim, order_id) or ReceiptClaim(order_id=order_id)
    claim.code_hash, claim.issued_at = _hash(code), as_utc(now)
    claim.expires_at, claim.claimed_at = as_utc(now) + CLAIM_VALID, None
    session.add(claim)
    shown = "-".join(code[i:i + 4] for i in range(0, CODE_LENGTH, 4))  # read aloud or typed in groups
    return {"code": shown, "expires_at": claim.expires_at}


def normalise_code(raw: str) -> str | None:
    """The code as issued, from what a shopper typed or a QR carried (groups, spaces, lower case and
    the letters people mistake for digits are forgiven); None when it cannot be one."""
    code = "".join(raw.split()).replace("-", "").upper().translate(_MISREAD)
    if len(code) != CODE_LENGTH or any(c not in CODE_ALPHABET for c in code):
        return None
    return code


def _hash(code: str) -> str:
    return hashlib.sha256(code.encode()).hexdigest()


def claim_receipt(shop: Shop, shopper_id: str, raw_code: str, now: datetime) -> dict[str, Any]:
    """Attach the receipt whose slip carries this code to the shopper. A code works once and for
    CLAIM_VALID; a receipt that already belongs to a shopper stays theirs.
    Raises NotFound (no such code), Conflict code_used / code_expired / already_claimed."""
    code = normalise_code(raw_code)
    if code is None:
        raise NotFound("receipt_code")
    with session_scope(shop.engine) as session:
        claim = session.scalar(select(ReceiptClaim).where(ReceiptClaim.code_hash == _hash(code))
                               .with_for_update())
        if claim is None:
            raise NotFound("receipt_code")
        if claim.claimed_at is not None:
            raise Conflict("code_used", ("Questo codice è già stato usato.", "This code was already used."))
        if as_utc(claim.expires_at) <= as_utc(now):
            raise Conflict("code_expired", ("Questo codice è scaduto (vale 30 giorni).",
                                            "This code has expired (it is valid for 30 days)."))
        order = session.get(Order, claim.order_id)
        if order is None or order.shopper_id is not None:
            raise Conflict("already_claimed", ("Questo scontrino è già associato a un cliente.",
                                               "This receipt already belongs to a shopper."))
        order.shopper_id, claim.claimed_at = shopper_id, as_utc(now)
        return {"order_id": order.id, "store_code": order.store_code, "placed_at": order.placed_at,
                "total": order.total,
                "lines": [{"sku": line.sku, "quantity": line.quantity, "unit_price": line.unit_price}
                          for line in order.lines]}
