"""Paper-free receipts without a loyalty card (issue 16): a one-time claim code per unmatched
in-store sale, kept as its SHA-256."""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0004_receipt_claims"
down_revision = "0003_attribute_confidence"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "receipt_claims",
        sa.Column("order_id", sa.String(length=40), nullable=False),
        sa.Column("code_hash", sa.String(length=64), nullable=False),
        sa.Column("issued_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("claimed_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(["order_id"], ["orders.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("order_id"),
        sa.UniqueConstraint("code_hash"),
    )


def downgrade() -> None:
    op.drop_table("receipt_claims")
