"""The commerce store's tables (SQLAlchemy 2): catalog, stores, stock, reservations, shoppers,
import jobs. A change here needs a migration (tools/db/migrations/; `sarto migrate --check` fails
without one).

One schema for the embedded SQLite default and for PostgreSQL. List-valued PIM attributes are
JSON columns: they are read with the product, and filtering at speed is the vector index's job.
"""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import (
    JSON,
    Boolean,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    Numeric,
    String,
    Text,
    UniqueConstraint,
    false,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship


class Base(DeclarativeBase):
    pass


Money = Numeric(10, 2)


class Product(Base):
    """A product as the shopper sees it. The attributes the stylist reasons with may be NULL: a
    retailer's feed rarely carries them, and NULL means unknown (never a match for a hard filter).
    `attribute_sources` says where each known value came from."""

    __tablename__ = "products"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    sku: Mapped[str] = mapped_column(String(64), unique=True)
    origin: Mapped[str] = mapped_column(String(16), default="seed", server_default="seed")  # seed | feed
    # a product a full import no longer lists: hidden from search and outfits, kept for past orders
    retired: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false(), index=True)
    department: Mapped[str | None] = mapped_column(String(16), index=True)
    category: Mapped[str | None] = mapped_column(String(32), index=True)
    subcategory: Mapped[str | None] = mapped_column(String(48))
    brand: Mapped[str | None] = mapped_column(String(48))
    title_it: Mapped[str] = mapped_column(String(200))
    title_en: Mapped[str] = mapped_column(String(200))
    description_it: Mapped[str | None] = mapped_column(Text)
    description_en: Mapped[str | None] = mapped_column(Text)
    price: Mapped[Decimal] = mapped_column(Money)  # what the shopper pays (the sale price on sale)
    list_price: Mapped[Decimal | None] = mapped_column(Money)  # the price before a sale
    currency: Mapped[str] = mapped_column(String(3), default="EUR")
    occasions: Mapped[list[Any] | None] = mapped_column(JSON)
    seasons: Mapped[list[Any] | None] = mapped_column(JSON)
    colours: Mapped[list[Any]] = mapped_column(JSON)  # primary colour first
    pattern: Mapped[str | None] = mapped_column(String(24))
    fit: Mapped[str | None] = mapped_column(String(24))
    style: Mapped[str | None] = mapped_column(String(24))
    formality: Mapped[int | None] = mapped_column(Integer)  # 1 sporty .. 5 black tie
    fabric: Mapped[list[Any] | None] = mapped_column(JSON)  # [{"fibre": "wool", "pct": 70}, ...]
    compatible_categories: Mapped[list[Any] | None] = mapped_column(JSON)
    target_age: Mapped[str | None] = mapped_column(String(16))
    emotional: Mapped[list[Any] | None] = mapped_column(JSON)
    sustainability: Mapped[list[Any] | None] = mapped_column(JSON)
    image: Mapped[str] = mapped_column(String(1000))
    link: Mapped[str | None] = mapped_column(String(1000))  # the product's page on the retailer's site
    # as the feed says them, before they are mapped to the shop's vocabulary
    product_type: Mapped[str | None] = mapped_column(String(500))
    google_product_category: Mapped[str | None] = mapped_column(String(500))
    gender: Mapped[str | None] = mapped_column(String(16))
    age_group: Mapped[str | None] = mapped_column(String(16))
    material: Mapped[str | None] = mapped_column(String(200))
    raw_attributes: Mapped[dict[str, Any] | None] = mapped_column(JSON)  # feed columns Sarto does not map
    # {attribute: "seed" | "feed" | "rules" | "model" | "llm"}
    attribute_sources: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    # {attribute: 0..1}, how sure the source is; an attribute absent here is certain (seed, feed)
    attribute_confidence: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    content_hash: Mapped[str] = mapped_column(String(64))
    updated_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))

    variants: Mapped[list[Variant]] = relationship(back_populates="product", lazy="selectin")


class Variant(Base):
    __tablename__ = "variants"

    id: Mapped[str] = mapped_column(String(64), primary_key=True)  # "<sku>-<size>", or the feed's id
    product_id: Mapped[int] = mapped_column(ForeignKey("products.id", ondelete="CASCADE"),
                                            index=True)
    size: Mapped[str] = mapped_column(String(24))
    size_system: Mapped[str] = mapped_column(String(8))
    gtin: Mapped[str | None] = mapped_column(String(14))
    colour: Mapped[str | None] = mapped_column(String(48))  # when the variant's colour is its own

    product: Mapped[Product] = relationship(back_populates="variants")


class Store(Base):
    __tablename__ = "stores"

    code: Mapped[str] = mapped_column(String(32), primary_key=True)
    name: Mapped[str] = mapped_column(String(160))
    city: Mapped[str] = mapped_column(String(80), index=True)
    address: Mapped[str] = mapped_column(String(300))
    postal_code: Mapped[str | None] = mapped_column(String(16))
    country: Mapped[str | None] = mapped_column(String(2))  # ISO 3166-1 alpha-2
    lat: Mapped[float]
    lon: Mapped[float]
    # {"mon": ["10:00", "19:30"], ..., "sun": null}
    hours: Mapped[dict[str, Any]] = mapped_column(JSON)
    services: Mapped[list[Any]] = mapped_column(JSON)  # pickup, tailoring, styling
    phone: Mapped[str | None] = mapped_column(String(24))


class Inventory(Base):
    """Stock of one variant at one location ("online" or a store code)."""

    __tablename__ = "inventory"

    variant_id: Mapped[str] = mapped_column(ForeignKey("variants.id", ondelete="CASCADE"),
                                            primary_key=True)
    location: Mapped[str] = mapped_column(String(32), primary_key=True)
    quantity: Mapped[int] = mapped_column(Integer)
    reserved: Mapped[int] = mapped_column(Integer, default=0)  # held for pickup, not yet sold
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))

    __table_args__ = (Index("ix_inventory_location", "location"),)


class Shopper(Base):
    __tablename__ = "shoppers"

    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    email: Mapped[str | None] = mapped_column(String(160), unique=True)
    name: Mapped[str | None] = mapped_column(String(120))
    loyalty_id: Mapped[str | None] = mapped_column(String(32), unique=True)
    tier: Mapped[str] = mapped_column(String(16), default="none")  # none/silver/gold/platinum
    consent_personalisation: Mapped[bool] = mapped_column(Boolean, default=False)
    consent_marketing: Mapped[bool] = mapped_column(Boolean, default=False)
    language: Mapped[str] = mapped_column(String(2), default="it")
    city: Mapped[str | None] = mapped_column(String(48))
    department: Mapped[str | None] = mapped_column(String(16))  # the department they shop
    # sizes the shopper told us, by size system: {"IT": "50", "INT": "L", "EU": "43"}
    known_sizes: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    is_guest: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class Event(Base):
    """A browsing event from the storefront or the app."""

    __tablename__ = "events"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    shopper_id: Mapped[str] = mapped_column(ForeignKey("shoppers.id", ondelete="CASCADE"))
    type: Mapped[str] = mapped_column(String(16))  # search, product_view, content_view, ...
    sku: Mapped[str | None] = mapped_column(String(64))
    text: Mapped[str | None] = mapped_column(String(500))
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    channel: Mapped[str] = mapped_column(String(8), default="web")  # web, app

    __table_args__ = (Index("ix_events_shopper_at", "shopper_id", "at"),)


class Order(Base):
    """An online order or an in-store digital receipt: one table, so history is unified."""

    __tablename__ = "orders"

    id: Mapped[str] = mapped_column(String(40), primary_key=True)
    shopper_id: Mapped[str | None] = mapped_column(
        ForeignKey("shoppers.id", ondelete="CASCADE"), index=True)
    channel: Mapped[str] = mapped_column(String(8))  # online | store
    store_code: Mapped[str | None] = mapped_column(String(32))
    placed_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    total: Mapped[Decimal] = mapped_column(Money)

    lines: Mapped[list[OrderLine]] = relationship(back_populates="order", lazy="selectin",
                                                  cascade="all, delete-orphan")


class ReceiptClaim(Base):
    """The one-time code printed on a paper receipt (as a QR) for a sale no loyalty card or email
    matched: the shopper who scans it attaches the sale to their history. Only the code's SHA-256 is
    kept, so the table never holds a code someone could use."""

    __tablename__ = "receipt_claims"

    order_id: Mapped[str] = mapped_column(ForeignKey("orders.id", ondelete="CASCADE"), primary_key=True)
    code_hash: Mapped[str] = mapped_column(String(64), unique=True)
    issued_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    expires_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    claimed_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))


class OrderLine(Base):
    __tablename__ = "order_lines"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    order_id: Mapped[str] = mapped_column(ForeignKey("orders.id", ondelete="CASCADE"), index=True)
    variant_id: Mapped[str] = mapped_column(String(64))
    sku: Mapped[str] = mapped_column(String(64))
    quantity: Mapped[int] = mapped_column(Integer)
    unit_price: Mapped[Decimal] = mapped_column(Money)

    order: Mapped[Order] = relationship(back_populates="lines")


class Reservation(Base):
    __tablename__ = "reservations"

    id: Mapped[str] = mapped_column(String(40), primary_key=True)
    pickup_code: Mapped[str] = mapped_column(String(12))
    shopper_id: Mapped[str] = mapped_column(ForeignKey("shoppers.id", ondelete="CASCADE"),
                                            index=True)
    store_code: Mapped[str] = mapped_column(ForeignKey("stores.code"), index=True)
    status: Mapped[str] = mapped_column(String(12))  # held, cancelled, expired, collected
    idempotency_key: Mapped[str] = mapped_column(String(128))
    thread_id: Mapped[str | None] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    expires_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    total: Mapped[Decimal] = mapped_column(Money)

    items: Mapped[list[ReservationItem]] = relationship(back_populates="reservation",
                                                        lazy="selectin",
                                                        cascade="all, delete-orphan")

    __table_args__ = (UniqueConstraint("shopper_id", "idempotency_key"),)


class ReservationItem(Base):
    __tablename__ = "reservation_items"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    reservation_id: Mapped[str] = mapped_column(ForeignKey("reservations.id", ondelete="CASCADE"),
                                                index=True)
    variant_id: Mapped[str] = mapped_column(ForeignKey("variants.id"))
    sku: Mapped[str] = mapped_column(String(64))
    quantity: Mapped[int] = mapped_column(Integer)
    unit_price: Mapped[Decimal] = mapped_column(Money)

    reservation: Mapped[Reservation] = relationship(back_populates="items")


class Thread(Base):
    """Who owns a conversation; its messages live in the LangGraph checkpointer."""

    __tablename__ = "threads"

    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    shopper_id: Mapped[str] = mapped_column(ForeignKey("shoppers.id", ondelete="CASCADE"),
                                            index=True)
    title: Mapped[str] = mapped_column(String(120))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class TokenVersion(Base):
    """Which generation of a shopper's tokens is valid. Erasure (and a guest's merge) bumps it, so
    tokens issued before stop working at once. Kept apart from the shopper row, which erasure
    deletes: an old token must not come back to life with a new row of the same id."""

    __tablename__ = "token_versions"

    shopper_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    version: Mapped[int] = mapped_column(Integer, default=0)
    changed_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class Run(Base):
    """One turn as the server ran it, written before the turn starts: what the shopper said is kept
    even if the process dies mid-turn, and a client resuming after a restart learns the run ended."""

    __tablename__ = "runs"

    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    shopper_id: Mapped[str] = mapped_column(String(64), index=True)
    thread_id: Mapped[str] = mapped_column(String(64), index=True)
    message: Mapped[str] = mapped_column(Text)
    # running, then finished | interrupted (asked the shopper) | error | cancelled; lost when the
    # process that ran it died
    status: Mapped[str] = mapped_column(String(16))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    finished_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))


class ImportJob(Base):
    """One import of a retailer's feed, as a row: it outlives the process that ran it, and its
    progress and outcome are read by whoever asks (the CLI, `GET /v1/catalog/imports/{id}`)."""

    __tablename__ = "import_jobs"

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    kind: Mapped[str] = mapped_column(String(16))  # products | stores | inventory
    mode: Mapped[str] = mapped_column(String(16))  # incremental | full
    state: Mapped[str] = mapped_column(String(16))  # queued | running | succeeded | failed
    filename: Mapped[str] = mapped_column(String(300))
    dry_run: Mapped[bool] = mapped_column(Boolean, default=False)
    progress: Mapped[float] = mapped_column(Float, default=0.0)  # 0..1
    counts: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)  # read, created, updated, ...
    problems: Mapped[list[Any]] = mapped_column(JSON, default=list)  # the first 500 FeedProblems
    error: Mapped[str | None] = mapped_column(Text)
    report_path: Mapped[str | None] = mapped_column(String(500))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    started_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    finished_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
