"""How sure each derived attribute is (issue 12): enrichment writes a confidence beside the source
of every value it derives from a thin feed. NULL, as for every product already here, means every
known value is certain (the seed's own, or the retailer's)."""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0003_attribute_confidence"
down_revision = "0002_catalog_import"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("products") as batch:
        batch.add_column(sa.Column("attribute_confidence", sa.JSON(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("products") as batch:
        batch.drop_column("attribute_confidence")
