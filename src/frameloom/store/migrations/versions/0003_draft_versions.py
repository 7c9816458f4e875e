"""Draft versions: every change to a session's draft, for the history, undo and redo.

Each existing session gets its current draft as its first recorded version,
numbered as the session's version (at least 1), so a version number a client
already holds is never handed out again.

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-25
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "draft_versions",
        sa.Column("session_id", sa.String(length=32), nullable=False),
        sa.Column("number", sa.Integer(), nullable=False),
        sa.Column("draft", sa.JSON(), nullable=False),
        sa.Column("label", sa.String(length=200), nullable=False),
        sa.Column("action", sa.String(length=16), nullable=False),
        sa.Column("undo_to", sa.Integer(), nullable=True),
        sa.Column("redo_to", sa.Integer(), nullable=True),
        sa.Column("restores", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(["session_id"], ["studio_sessions.id"]),
        sa.PrimaryKeyConstraint("session_id", "number"),
    )
    op.execute("UPDATE studio_sessions SET version = 1 WHERE version < 1")
    op.execute(
        "INSERT INTO draft_versions (session_id, number, draft, label, action, created_at) "
        "SELECT id, version, draft, 'history starts', 'new', updated_at FROM studio_sessions"
    )


def downgrade() -> None:
    op.drop_table("draft_versions")
