"""Room for a retailer's own catalog (issue 11): attributes may be unknown, products can retire,
feeds bring longer ids and codes, and imports are jobs kept in the database.

Every column that holds a sku, a variant id or a store code widens with them, so an order or a
reservation of an imported product fits. Products already here came from the seed: they are marked
so, with every attribute's source "seed".
"""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from alembic import op

revision = "0002_catalog_import"
down_revision = "0001_baseline"
branch_labels = None
depends_on = None

When = sa.DateTime(timezone=True)

# the attributes a feed may lack: (column, type before this revision)
_NOW_NULLABLE: tuple[tuple[str, sa.types.TypeEngine[Any]], ...] = (
    ("department", sa.String(16)), ("category", sa.String(32)), ("subcategory", sa.String(48)),
    ("brand", sa.String(48)), ("description_it", sa.Text()), ("description_en", sa.Text()),
    ("occasions", sa.JSON()), ("seasons", sa.JSON()), ("pattern", sa.String(24)),
    ("fit", sa.String(24)), ("style", sa.String(24)), ("formality", sa.Integer()),
    ("fabric", sa.JSON()), ("compatible_categories", sa.JSON()), ("target_age", sa.String(16)),
    ("emotional", sa.JSON()), ("sustainability", sa.JSON()),
)
_SEED_SOURCES = {name: "seed" for name, _type in _NOW_NULLABLE} | {"colours": "seed"}


def _widen(table: str, columns: dict[str, tuple[int, int]], nullable: bool = False) -> None:
    with op.batch_alter_table(table) as batch:
        for column, (old, new) in columns.items():
            batch.alter_column(column, existing_type=sa.String(old), type_=sa.String(new),
                               existing_nullable=nullable)


def upgrade() -> None:
    with op.batch_alter_table("products") as batch:
        batch.alter_column("sku", existing_type=sa.String(32), type_=sa.String(64),
                           existing_nullable=False)
        batch.alter_column("image", existing_type=sa.String(200), type_=sa.String(1000),
                           existing_nullable=False)
        for name, type_ in _NOW_NULLABLE:
            batch.alter_column(name, existing_type=type_, nullable=True)
        batch.add_column(sa.Column("origin", sa.String(16), nullable=False, server_default="seed"))
        batch.add_column(sa.Column("retired", sa.Boolean(), nullable=False, server_default=sa.false()))
        batch.add_column(sa.Column("list_price", sa.Numeric(10, 2), nullable=True))
        batch.add_column(sa.Column("link", sa.String(1000), nullable=True))
        batch.add_column(sa.Column("product_type", sa.String(500), nullable=True))
        batch.add_column(sa.Column("google_product_category", sa.String(500), nullable=True))
        batch.add_column(sa.Column("gender", sa.String(16), nullable=True))
        batch.add_column(sa.Column("age_group", sa.String(16), nullable=True))
        batch.add_column(sa.Column("material", sa.String(200), nullable=True))
        batch.add_column(sa.Column("raw_attributes", sa.JSON(), nullable=True))
        batch.add_column(sa.Column("attribute_sources", sa.JSON(), nullable=True))
        batch.add_column(sa.Column("updated_at", When, nullable=True))
        batch.create_index("ix_products_retired", ["retired"])
    products = sa.table("products", sa.column("attribute_sources", sa.JSON()))
    op.execute(products.update().where(products.c.attribute_sources.is_(None))
               .values(attribute_sources=_SEED_SOURCES))

    with op.batch_alter_table("variants") as batch:
        batch.alter_column("id", existing_type=sa.String(48), type_=sa.String(64),
                           existing_nullable=False)
        batch.alter_column("size", existing_type=sa.String(8), type_=sa.String(24),
                           existing_nullable=False)
        batch.alter_column("size_system", existing_type=sa.String(4), type_=sa.String(8),
                           existing_nullable=False)
        batch.add_column(sa.Column("gtin", sa.String(14), nullable=True))
        batch.add_column(sa.Column("colour", sa.String(48), nullable=True))

    with op.batch_alter_table("stores") as batch:
        batch.alter_column("code", existing_type=sa.String(8), type_=sa.String(32),
                           existing_nullable=False)
        batch.alter_column("name", existing_type=sa.String(80), type_=sa.String(160),
                           existing_nullable=False)
        batch.alter_column("address", existing_type=sa.String(160), type_=sa.String(300),
                           existing_nullable=False)
        batch.alter_column("city", existing_type=sa.String(48), type_=sa.String(80),
                           existing_nullable=False)
        batch.alter_column("phone", existing_type=sa.String(24), nullable=True)
        batch.add_column(sa.Column("postal_code", sa.String(16), nullable=True))
        batch.add_column(sa.Column("country", sa.String(2), nullable=True))

    _widen("inventory", {"variant_id": (48, 64), "location": (8, 32)})
    _widen("reservations", {"store_code": (8, 32)})
    _widen("reservation_items", {"variant_id": (48, 64), "sku": (32, 64)})
    _widen("orders", {"store_code": (8, 32)}, nullable=True)
    _widen("order_lines", {"variant_id": (48, 64), "sku": (32, 64)})
    _widen("events", {"sku": (32, 64)}, nullable=True)

    op.create_table(
        "import_jobs",
        sa.Column("id", sa.String(36), primary_key=True),
        sa.Column("kind", sa.String(16), nullable=False),
        sa.Column("mode", sa.String(16), nullable=False),
        sa.Column("state", sa.String(16), nullable=False),
        sa.Column("filename", sa.String(300), nullable=False),
        sa.Column("dry_run", sa.Boolean(), nullable=False),
        sa.Column("progress", sa.Float(), nullable=False),
        sa.Column("counts", sa.JSON(), nullable=False),
        sa.Column("problems", sa.JSON(), nullable=False),
        sa.Column("error", sa.Text(), nullable=True),
        sa.Column("report_path", sa.String(500), nullable=True),
        sa.Column("created_at", When, nullable=False),
        sa.Column("started_at", When, nullable=True),
        sa.Column("finished_at", When, nullable=True),
    )


def downgrade() -> None:
    raise NotImplementedError("0002 widens columns and makes attributes unknown-able: restore a "
                              "backup of the data folder to go back")
