"""Checking a webhook delivery from a frameloom server (docs/CLIENT.md).

A delivery is a POST whose body is the job's poll body (JSON) and whose
``Frameloom-Signature`` header is ``t=<unix seconds>,v1=<hex HMAC-SHA256>``, the
MAC keyed with the account's webhook secret (``whsec_...``, from
``GET /api/account/webhook``) over ``"<t>." + body``. :func:`verify` checks it
the way Stripe's libraries do: the raw body as received, any ``v1`` that
matches (several appear while a secret is rotated), a constant-time compare,
and a timestamp within ``tolerance_s`` of now (a replayed old delivery fails).
"""

from __future__ import annotations

import hashlib
import hmac
import json
import time
from typing import Any

__all__ = ["SIGNATURE_HEADER", "WebhookVerificationError", "verify"]

SIGNATURE_HEADER = "Frameloom-Signature"


class WebhookVerificationError(ValueError):
    """The delivery is not from the server holding this secret, is too old, or is not JSON."""


def verify(body: bytes | str, header: str | None, secret: str, tolerance_s: float = 300,
           now: float | None = None) -> dict[str, Any]:
    """The delivery's event (the parsed body) when ``header`` signs ``body`` with ``secret``.

    ``body`` must be the bytes as received (re-serialised JSON will not match).
    ``tolerance_s``: how far the signature's time may be from ``now`` (Unix
    seconds, default the clock's), either way. Raises
    :class:`WebhookVerificationError` saying what is wrong.
    """
    raw = body.encode() if isinstance(body, str) else body
    timestamp, signatures = _parse(header)
    expected = hmac.new(secret.encode(), str(timestamp).encode() + b"." + raw, hashlib.sha256).hexdigest()
    if not any(hmac.compare_digest(expected, candidate) for candidate in signatures):
        raise WebhookVerificationError("no signature matches this body and secret")
    current = time.time() if now is None else now
    if abs(current - timestamp) > tolerance_s:
        raise WebhookVerificationError(f"signed at {timestamp}, more than {tolerance_s:g} s from now")
    try:
        event = json.loads(raw)
    except ValueError as exc:
        raise WebhookVerificationError(f"the body is not JSON: {exc}") from None
    if not isinstance(event, dict):
        raise WebhookVerificationError("the body is not a JSON object")
    return event


def _parse(header: str | None) -> tuple[int, list[str]]:
    if not header:
        raise WebhookVerificationError(f"no {SIGNATURE_HEADER} header")
    timestamp: int | None = None
    signatures: list[str] = []
    for part in header.split(","):
        key, _, value = part.strip().partition("=")
        if key == "t" and value.isdigit():
            timestamp = int(value)
        elif key == "v1" and value:
            signatures.append(value)
    if timestamp is None or not signatures:
        raise WebhookVerificationError(f"{SIGNATURE_HEADER} needs t=<unix seconds> and v1=<signature>")
    return timestamp, signatures
