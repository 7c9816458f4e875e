"""Chat events: every event of every chat turn, stored as streamed, for replay, re-attach and ``/run``.

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-02
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0004"
down_revision: str | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "chat_events",
        # INTEGER PRIMARY KEY on SQLite (its rowid), a 64-bit identity on PostgreSQL
        sa.Column("seq", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), autoincrement=True, nullable=False),
        sa.Column("event_id", sa.String(length=64), nullable=False),
        sa.Column("session_id", sa.String(length=32), nullable=False),
        sa.Column("invocation_id", sa.String(length=64), nullable=False),
        sa.Column("author", sa.String(length=64), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("ends_turn", sa.Boolean(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(["session_id"], ["studio_sessions.id"]),
        sa.PrimaryKeyConstraint("seq"),
        sa.UniqueConstraint("event_id"),
    )
    op.create_index("ix_chat_events_invocation_seq", "chat_events", ["invocation_id", "seq"])
    op.create_index("ix_chat_events_session_seq", "chat_events", ["session_id", "seq"])


def downgrade() -> None:
    op.drop_index("ix_chat_events_session_seq", table_name="chat_events")
    op.drop_index("ix_chat_events_invocation_seq", table_name="chat_events")
    op.drop_table("chat_events")
