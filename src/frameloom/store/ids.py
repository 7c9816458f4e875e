"""Random ids with a readable prefix: ``acc_``, ``ses_``, ``med_``, ``gen_``, ``hold_``, ``bind_``."""

from __future__ import annotations

import secrets


def new_id(prefix: str) -> str:
    """``prefix_`` and 24 hex digits (96 random bits): unguessable, so safe to hand out."""
    return f"{prefix}_{secrets.token_hex(12)}"
