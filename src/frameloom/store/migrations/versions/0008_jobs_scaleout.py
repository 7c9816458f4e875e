"""Scale-out: what stateless API nodes and workers by kind share through the database.

- ``ix_jobs_kind_status``: ``/metrics`` counts jobs by kind and status at every
  scrape, and ``frameloom admin jobs`` filters on both;
- ``node_secrets``: the link-signing key, made once by the first node and read
  by every other one (nodes with separate data folders sign alike);
- ``login_failures``: wrong passwords per account and per address, so the login
  throttle counts the callers of every node, not of one.

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-01
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0008"
down_revision: str | None = "0007"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_index("ix_jobs_kind_status", "jobs", ["kind", "status"])
    op.create_table(
        "node_secrets",
        sa.Column("name", sa.String(length=64), nullable=False),
        sa.Column("value", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("name"),
    )
    op.create_table(
        "login_failures",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("scope", sa.String(length=16), nullable=False),
        sa.Column("subject", sa.String(length=320), nullable=False),
        sa.Column("at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_login_failures_scope_subject_at", "login_failures", ["scope", "subject", "at"])


def downgrade() -> None:
    op.drop_table("login_failures")
    op.drop_table("node_secrets")
    op.drop_index("ix_jobs_kind_status", table_name="jobs")
