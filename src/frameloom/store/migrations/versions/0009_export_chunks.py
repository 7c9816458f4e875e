"""Parallel exports: a long export's chunks are jobs of their own, children of the export.

- ``jobs.parent_id``: the export job a chunk belongs to (None for every other
  job); indexed, since progress, cancel and the join read a parent's children;
- ``jobs.piece_key``: where a chunk's rendered piece lies in storage once it is
  done; the export is joined when every child has one.

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-01
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0009"
down_revision: str | None = "0008"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.add_column("jobs", sa.Column("parent_id", sa.String(length=32), nullable=True))
    op.add_column("jobs", sa.Column("piece_key", sa.String(length=300), nullable=True))
    op.create_index("ix_jobs_parent_id", "jobs", ["parent_id"])


def downgrade() -> None:
    op.drop_index("ix_jobs_parent_id", table_name="jobs")
    with op.batch_alter_table("jobs") as batch:
        batch.drop_column("piece_key")
        batch.drop_column("parent_id")
