"""Draft version groups: the edits of one chat turn are one step for undo.

``grp`` names the group an edit was made in (a turn's invocation id); older
versions have none, so each of them stays a step of its own.

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-01
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0005"
down_revision: str | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.add_column("draft_versions", sa.Column("grp", sa.String(length=64), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("draft_versions") as batch:
        batch.drop_column("grp")
