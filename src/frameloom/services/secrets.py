"""Which key signs download links, so that every API node signs and checks them alike.

1. ``FRAMELOOM_SECRET_KEY`` when set;
2. the embedded default (no ``FRAMELOOM_DATABASE_URL``): the key generated once and kept in
   the data folder (SPEC section 1), as one node has only one folder;
3. a shared database: the key kept in it (``node_secrets``), made by the first node that
   starts, from its data folder's key when it has one (links it signed stay good), so
   nodes with separate data folders still agree.
"""

from __future__ import annotations

import secrets

from frameloom.services.clock import Clock
from frameloom.settings import SECRET_KEY_FILE, Settings
from frameloom.store.db import Database
from frameloom.store.node_secrets import shared_secret

LINK_KEY = "link_signing_key"


def signing_key(settings: Settings, db: Database, clock: Clock) -> str:
    """The link-signing key of this deployment (see the module docstring)."""
    if settings.secret_key is not None or settings.database_url is None:
        return settings.ensure_secret_key()

    def make() -> str:
        kept = settings.data_dir / SECRET_KEY_FILE
        return kept.read_text(encoding="utf-8").strip() if kept.is_file() else secrets.token_urlsafe(48)

    return shared_secret(db, LINK_KEY, make, clock())
