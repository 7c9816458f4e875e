"""Alembic environment: runs on the connection :meth:`Database.migrate` hands over.

There is no alembic.ini: the configuration is built in code, and nothing here
configures logging (the application owns it).
"""

from __future__ import annotations

from alembic import context
from sqlalchemy.engine import Connection

from frameloom.store.models import Base


def run_migrations_online() -> None:
    connection = context.config.attributes.get("connection")
    if not isinstance(connection, Connection):
        raise RuntimeError("run migrations through frameloom.store.db.Database.migrate()")
    context.configure(
        connection=connection,
        target_metadata=Base.metadata,
        render_as_batch=connection.dialect.name == "sqlite",
        compare_type=True,
    )
    with context.begin_transaction():
        context.run_migrations()


run_migrations_online()
