"""Token and password primitives. Tokens are random and stored as SHA-256; passwords as Argon2id."""

from __future__ import annotations

import hashlib
import re
import secrets as _random
from functools import lru_cache

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

TOKEN_PREFIX = "fl_"
TOKEN_RE = re.compile(r"^fl_[A-Za-z0-9_-]{43}$")


def new_token() -> str:
    """``fl_`` and 256 random bits, URL-safe: shown once to its owner, stored only as a hash."""
    return TOKEN_PREFIX + _random.token_urlsafe(32)


def hash_token(token: str) -> str:
    """SHA-256 hex of the token (tokens are random, so a fast hash is enough)."""
    return hashlib.sha256(token.encode("ascii")).hexdigest()


@lru_cache(maxsize=1)
def _hasher() -> PasswordHasher:
    # Argon2id with argon2-cffi's defaults (RFC 9106 low-memory profile: 64 MiB, 3 passes).
    return PasswordHasher()


@lru_cache(maxsize=1)
def _dummy_hash() -> str:
    return _hasher().hash(_random.token_urlsafe(16))


def hash_password(password: str) -> str:
    return _hasher().hash(password)


def verify_password(password_hash: str | None, password: str) -> bool:
    """True when ``password`` matches. With no hash, spends the same time and says False."""
    try:
        return _hasher().verify(password_hash or _dummy_hash(), password) and password_hash is not None
    except (VerificationError, InvalidHashError):
        return False
