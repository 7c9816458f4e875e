"""Where the client connects and with which token, from the environment only when asked."""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, field

__all__ = ["DEFAULT_URL", "Attribution", "ClientSettings"]

DEFAULT_URL = "http://127.0.0.1:8000"


@dataclass(frozen=True)
class ClientSettings:
    """``url``: the server's base URL; ``token``: a Bearer token, or None (get an anonymous one)."""

    url: str = DEFAULT_URL
    token: str | None = field(default=None, repr=False)

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None) -> ClientSettings:
        """``FRAMELOOM_URL`` (default http://127.0.0.1:8000) and ``FRAMELOOM_TOKEN``, else ``NEMO_TOKEN``;
        empty values count as unset. ``environ`` defaults to ``os.environ``."""
        env = os.environ if environ is None else environ
        url = env.get("FRAMELOOM_URL", "").strip() or DEFAULT_URL
        token = env.get("FRAMELOOM_TOKEN", "").strip() or env.get("NEMO_TOKEN", "").strip() or None
        return cls(url=url.rstrip("/"), token=token)


@dataclass(frozen=True)
class Attribution:
    """Who is calling, sent as ``X-Skill-Source``, ``X-Skill-Version``, ``X-Skill-Platform`` on every
    request (the server refuses an export without all three, 402)."""

    source: str
    version: str
    platform: str

    def headers(self) -> dict[str, str]:
        return {"X-Skill-Source": self.source, "X-Skill-Version": self.version, "X-Skill-Platform": self.platform}
