"""Persistence: the database (SQLAlchemy 2 + Alembic), its tables and repositories, and media storage.

Used by ``api`` (and later ``jobs``); knows no HTTP.
"""
