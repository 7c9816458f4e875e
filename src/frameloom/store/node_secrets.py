"""Secrets every node of a deployment shares through the database (``node_secrets``).

The first node to ask for a secret makes it; a second one asking at the same
moment loses the insert on the primary key and reads the winner's, so every
node ends up with the same value.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from sqlalchemy.exc import IntegrityError

from frameloom.store.db import Database
from frameloom.store.models import NodeSecret


def shared_secret(db: Database, name: str, make: Callable[[], str], now: datetime) -> str:
    """The secret ``name``; made with ``make()`` and stored when no node has made it yet."""
    with db.read() as session:
        row = session.get(NodeSecret, name)
        if row is not None:
            return row.value
    try:
        with db.write() as session:
            session.add(NodeSecret(name=name, value=make(), created_at=now))
    except IntegrityError:  # another node made it first: theirs is the one
        pass
    with db.read() as session:
        row = session.get(NodeSecret, name)
        assert row is not None
        return row.value
