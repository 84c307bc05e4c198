"""The schema as Sarto made it with `create_all` before migrations: every table, as it was.

A data folder from that time already has these tables and no `alembic_version`: this revision
creates only the tables it lacks (what `create_all` did on every start), so such a folder joins the
history here and an empty database starts from here alike.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0001_baseline"
down_revision = None
branch_labels = None
depends_on = None

Money = sa.Numeric(10, 2)
When = sa.DateTime(timezone=True)


def _tables() -> list[tuple[str, list[sa.schema.SchemaItem], list[tuple[str, list[str]]]]]:
    """(name, columns and constraints, indexes) per table, parents before children."""
    return [
        ("products", [
            sa.Column("id", sa.Integer, primary_key=True),
            sa.Column("sku", sa.String(32), nullable=False),
            sa.Column("department", sa.String(16), nullable=False),
            sa.Column("category", sa.String(32), nullable=False),
            sa.Column("subcategory", sa.String(48), nullable=False),
            sa.Column("brand", sa.String(48), nullable=False),
            sa.Column("title_it", sa.String(200), nullable=False),
            sa.Column("title_en", sa.String(200), nullable=False),
            sa.Column("description_it", sa.Text, nullable=False),
            sa.Column("description_en", sa.Text, nullable=False),
            sa.Column("price", Money, nullable=False),
            sa.Column("currency", sa.String(3), nullable=False),
            sa.Column("occasions", sa.JSON, nullable=False),
            sa.Column("seasons", sa.JSON, nullable=False),
            sa.Column("colours", sa.JSON, nullable=False),
            sa.Column("pattern", sa.String(24), nullable=False),
            sa.Column("fit", sa.String(24), nullable=False),
            sa.Column("style", sa.String(24), nullable=False),
            sa.Column("formality", sa.Integer, nullable=False),
            sa.Column("fabric", sa.JSON, nullable=False),
            sa.Column("compatible_categories", sa.JSON, nullable=False),
            sa.Column("target_age", sa.String(16), nullable=False),
            sa.Column("emotional", sa.JSON, nullable=False),
            sa.Column("sustainability", sa.JSON, nullable=False),
            sa.Column("image", sa.String(200), nullable=False),
            sa.Column("content_hash", sa.String(64), nullable=False),
            sa.UniqueConstraint("sku"),
        ], [("ix_products_category", ["category"]), ("ix_products_department", ["department"])]),
        ("runs", [
            sa.Column("id", sa.String(64), primary_key=True),
            sa.Column("shopper_id", sa.String(64), nullable=False),
            sa.Column("thread_id", sa.String(64), nullable=False),
            sa.Column("message", sa.Text, nullable=False),
            sa.Column("status", sa.String(16), nullable=False),
            sa.Column("created_at", When, nullable=False),
            sa.Column("finished_at", When, nullable=True),
        ], [("ix_runs_thread_id", ["thread_id"]), ("ix_runs_shopper_id", ["shopper_id"])]),
        ("shoppers", [
            sa.Column("id", sa.String(64), primary_key=True),
            sa.Column("email", sa.String(160), nullable=True),
            sa.Column("name", sa.String(120), nullable=True),
            sa.Column("loyalty_id", sa.String(32), nullable=True),
            sa.Column("tier", sa.String(16), nullable=False),
            sa.Column("consent_personalisation", sa.Boolean, nullable=False),
            sa.Column("consent_marketing", sa.Boolean, nullable=False),
            sa.Column("language", sa.String(2), nullable=False),
            sa.Column("city", sa.String(48), nullable=True),
            sa.Column("department", sa.String(16), nullable=True),
            sa.Column("known_sizes", sa.JSON, nullable=False),
            sa.Column("is_guest", sa.Boolean, nullable=False),
            sa.Column("created_at", When, nullable=False),
            sa.UniqueConstraint("email"),
            sa.UniqueConstraint("loyalty_id"),
        ], []),
        ("stores", [
            sa.Column("code", sa.String(8), primary_key=True),
            sa.Column("name", sa.String(80), nullable=False),
            sa.Column("city", sa.String(48), nullable=False),
            sa.Column("address", sa.String(160), nullable=False),
            sa.Column("lat", sa.Float, nullable=False),
            sa.Column("lon", sa.Float, nullable=False),
            sa.Column("hours", sa.JSON, nullable=False),
            sa.Column("services", sa.JSON, nullable=False),
            sa.Column("phone", sa.String(24), nullable=False),
        ], [("ix_stores_city", ["city"])]),
        ("token_versions", [
            sa.Column("shopper_id", sa.String(64), primary_key=True),
            sa.Column("version", sa.Integer, nullable=False),
            sa.Column("changed_at", When, nullable=False),
        ], []),
        ("events", [
            sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
            sa.Column("shopper_id", sa.String(64), sa.ForeignKey("shoppers.id", ondelete="CASCADE"),
                      nullable=False),
            sa.Column("type", sa.String(16), nullable=False),
            sa.Column("sku", sa.String(32), nullable=True),
            sa.Column("text", sa.String(500), nullable=True),
            sa.Column("at", When, nullable=False),
            sa.Column("channel", sa.String(8), nullable=False),
        ], [("ix_events_shopper_at", ["shopper_id", "at"])]),
        ("orders", [
            sa.Column("id", sa.String(40), primary_key=True),
            sa.Column("shopper_id", sa.String(64), sa.ForeignKey("shoppers.id", ondelete="CASCADE"),
                      nullable=True),
            sa.Column("channel", sa.String(8), nullable=False),
            sa.Column("store_code", sa.String(8), nullable=True),
            sa.Column("placed_at", When, nullable=False),
            sa.Column("total", Money, nullable=False),
        ], [("ix_orders_shopper_id", ["shopper_id"])]),
        ("reservations", [
            sa.Column("id", sa.String(40), primary_key=True),
            sa.Column("pickup_code", sa.String(12), nullable=False),
            sa.Column("shopper_id", sa.String(64), sa.ForeignKey("shoppers.id", ondelete="CASCADE"),
                      nullable=False),
            sa.Column("store_code", sa.String(8), sa.ForeignKey("stores.code"), nullable=False),
            sa.Column("status", sa.String(12), nullable=False),
            sa.Column("idempotency_key", sa.String(128), nullable=False),
            sa.Column("thread_id", sa.String(64), nullable=True),
            sa.Column("created_at", When, nullable=False),
            sa.Column("expires_at", When, nullable=False),
            sa.Column("total", Money, nullable=False),
            sa.UniqueConstraint("shopper_id", "idempotency_key"),
        ], [("ix_reservations_shopper_id", ["shopper_id"]),
            ("ix_reservations_store_code", ["store_code"])]),
        ("threads", [
            sa.Column("id", sa.String(64), primary_key=True),
            sa.Column("shopper_id", sa.String(64), sa.ForeignKey("shoppers.id", ondelete="CASCADE"),
                      nullable=False),
            sa.Column("title", sa.String(120), nullable=False),
            sa.Column("created_at", When, nullable=False),
            sa.Column("updated_at", When, nullable=False),
        ], [("ix_threads_shopper_id", ["shopper_id"])]),
        ("variants", [
            sa.Column("id", sa.String(48), primary_key=True),
            sa.Column("product_id", sa.Integer, sa.ForeignKey("products.id", ondelete="CASCADE"),
                      nullable=False),
            sa.Column("size", sa.String(8), nullable=False),
            sa.Column("size_system", sa.String(4), nullable=False),
        ], [("ix_variants_product_id", ["product_id"])]),
        ("inventory", [
            sa.Column("variant_id", sa.String(48), sa.ForeignKey("variants.id", ondelete="CASCADE"),
                      primary_key=True),
            sa.Column("location", sa.String(8), primary_key=True),
            sa.Column("quantity", sa.Integer, nullable=False),
            sa.Column("reserved", sa.Integer, nullable=False),
            sa.Column("updated_at", When, nullable=False),
        ], [("ix_inventory_location", ["location"])]),
        ("order_lines", [
            sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
            sa.Column("order_id", sa.String(40), sa.ForeignKey("orders.id", ondelete="CASCADE"),
                      nullable=False),
            sa.Column("variant_id", sa.String(48), nullable=False),
            sa.Column("sku", sa.String(32), nullable=False),
            sa.Column("quantity", sa.Integer, nullable=False),
            sa.Column("unit_price", Money, nullable=False),
        ], [("ix_order_lines_order_id", ["order_id"])]),
        ("reservation_items", [
            sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
            sa.Column("reservation_id", sa.String(40),
                      sa.ForeignKey("reservations.id", ondelete="CASCADE"), nullable=False),
            sa.Column("variant_id", sa.String(48), sa.ForeignKey("variants.id"), nullable=False),
            sa.Column("sku", sa.String(32), nullable=False),
            sa.Column("quantity", sa.Integer, nullable=False),
            sa.Column("unit_price", Money, nullable=False),
        ], [("ix_reservation_items_reservation_id", ["reservation_id"])]),
    ]


def upgrade() -> None:
    existing = set(sa.inspect(op.get_bind()).get_table_names())
    for name, items, indexes in _tables():
        if name in existing:
            continue
        op.create_table(name, *items)
        for index, columns in indexes:
            op.create_index(index, name, columns)


def downgrade() -> None:
    for name, _items, _indexes in reversed(_tables()):
        op.drop_table(name)
