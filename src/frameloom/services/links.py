"""Signed, expiring download links: ``/files/<key>?exp=<unix seconds>&sig=<HMAC-SHA256>``."""

from __future__ import annotations

import base64
import hashlib
import hmac
from urllib.parse import quote

from frameloom.domain.errors import LinkInvalid
from frameloom.services.clock import Clock

FILES_PREFIX = "/files/"


class LinkSigner:
    """Signs storage keys with the server's secret; a link is good for ``ttl_s`` seconds."""

    def __init__(self, secret: str, ttl_s: int, clock: Clock) -> None:
        self._secret = secret.encode("utf-8")
        self.ttl_s = ttl_s
        self.clock = clock

    def _signature(self, key: str, expires: int) -> str:
        mac = hmac.new(self._secret, f"{key}\n{expires}".encode(), hashlib.sha256).digest()
        return base64.urlsafe_b64encode(mac).rstrip(b"=").decode("ascii")

    def url(self, base_url: str, key: str) -> str:
        """The absolute link to ``key`` under ``base_url`` (no trailing slash)."""
        expires = int(self.clock().timestamp()) + self.ttl_s
        return f"{base_url}{FILES_PREFIX}{quote(key)}?exp={expires}&sig={self._signature(key, expires)}"

    def verify(self, key: str, expires: str | None, signature: str | None) -> None:
        """Raise ``LinkInvalid`` unless the signature matches and the time is not over."""
        if not expires or not signature or not (expires.isascii() and expires.isdigit() and len(expires) <= 20):
            raise LinkInvalid("link is not signed")
        if not hmac.compare_digest(self._signature(key, int(expires)), signature):
            raise LinkInvalid("link signature does not match")
        if int(expires) <= self.clock().timestamp():
            raise LinkInvalid("link expired; ask for the media again to get a fresh one")
