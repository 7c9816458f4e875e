"""Usage and plans: one usage row per hold, and suspended accounts.

``usage`` is written by the ledger itself: inserted when a hold is frozen
(``outcome`` ``open``) and closed in the same transaction that settles or
refunds it, so every paid action is recorded whatever door it came through.
It keeps the caller's attribution (the ``X-Skill-*`` headers of the request
that asked for the work). ``accounts.suspended_at`` set: the account's tokens
answer 1001 everywhere.

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-01
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0007"
down_revision: str | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.add_column("accounts", sa.Column("suspended_at", sa.DateTime(), nullable=True))
    op.create_table(
        "usage",
        sa.Column("hold_id", sa.String(length=32), nullable=False),
        sa.Column("account_id", sa.String(length=32), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("source", sa.String(length=64), nullable=True),
        sa.Column("version", sa.String(length=64), nullable=True),
        sa.Column("platform", sa.String(length=64), nullable=True),
        sa.Column("price", sa.BigInteger(), nullable=False),
        sa.Column("credits", sa.BigInteger(), nullable=False),
        sa.Column("outcome", sa.String(length=16), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("finished_at", sa.DateTime(), nullable=True),
        sa.Column("duration_ms", sa.BigInteger(), nullable=True),
        sa.ForeignKeyConstraint(["account_id"], ["accounts.id"]),
        sa.PrimaryKeyConstraint("hold_id"),
    )
    op.create_index("ix_usage_account_id", "usage", ["account_id"])
    op.create_index("ix_usage_created_at", "usage", ["created_at"])


def downgrade() -> None:
    op.drop_index("ix_usage_created_at", table_name="usage")
    op.drop_index("ix_usage_account_id", table_name="usage")
    op.drop_table("usage")
    with op.batch_alter_table("accounts") as batch:
        batch.drop_column("suspended_at")
