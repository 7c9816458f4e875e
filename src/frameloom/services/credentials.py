"""Token and password primitives. Tokens are random and stored as SHA-256; passwords as Argon2id,
hashed through a :class:`PasswordPool` that bounds how many hashes (64 MiB each) run at once."""

from __future__ import annotations

import hashlib
import re
import secrets as _random
import threading
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


class PasswordPool:
    """Argon2 hashing and checking, at most ``concurrency`` at once in this process.

    Each hash takes its 64 MiB at once; a flood of logins waits here for a slot
    instead of taking memory without bound. :attr:`peak` is the most that ran at once.
    """

    def __init__(self, concurrency: int) -> None:
        self._slots = threading.BoundedSemaphore(concurrency)
        self._lock = threading.Lock()
        self._running = 0
        self.peak = 0

    def hash(self, password: str) -> str:
        with self._slot():
            return hash_password(password)

    def verify(self, password_hash: str | None, password: str) -> bool:
        """As :func:`verify_password`, in a slot."""
        with self._slot():
            return verify_password(password_hash, password)

    def _slot(self) -> _Slot:
        return _Slot(self)


class _Slot:
    def __init__(self, pool: PasswordPool) -> None:
        self.pool = pool

    def __enter__(self) -> None:
        pool = self.pool
        pool._slots.acquire()
        with pool._lock:
            pool._running += 1
            pool.peak = max(pool.peak, pool._running)

    def __exit__(self, *exc: object) -> None:
        pool = self.pool
        with pool._lock:
            pool._running -= 1
        pool._slots.release()
