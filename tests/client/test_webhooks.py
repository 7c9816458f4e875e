"""The SDK's webhook verifier against the server's signer (one secret, one body, the header both speak)."""

from __future__ import annotations

import json
import time

import pytest

from frameloom.client.errors import ContentRefused, error_for
from frameloom.client.webhooks import WebhookVerificationError, verify
from frameloom.services.webhooks import new_secret, signature_header

BODY = json.dumps({"code": 0, "message": "ok", "data": {"job_id": "job_1", "status": "completed"}}).encode()


def test_a_signed_body_verifies_and_parses() -> None:
    secret = new_secret()
    header = signature_header(secret, BODY, int(time.time()))
    assert verify(BODY, header, secret)["data"]["status"] == "completed"
    assert verify(BODY.decode(), header, secret)["data"]["job_id"] == "job_1"


@pytest.mark.parametrize("case", ["tampered", "other secret", "too old", "from the future", "no header",
                                  "no v1", "no t", "not json"])
def test_anything_else_is_refused(case: str) -> None:
    secret, now = new_secret(), int(time.time())
    body, header, key = BODY, signature_header(secret, BODY, now), secret
    if case == "tampered":
        body = BODY.replace(b"completed", b"failed")
    elif case == "other secret":
        key = new_secret()
    elif case == "too old":
        header = signature_header(secret, BODY, now - 301)
    elif case == "from the future":
        header = signature_header(secret, BODY, now + 301)
    elif case == "no header":
        header = ""
    elif case == "no v1":
        header = f"t={now}"
    elif case == "no t":
        header = header.split(",", 1)[1]
    else:
        body = b"not json"
        header = signature_header(secret, body, now)
    with pytest.raises(WebhookVerificationError):
        verify(body, header, key)


def test_any_matching_v1_passes_and_the_tolerance_is_the_callers() -> None:
    secret, old = new_secret(), int(time.time()) - 3600
    header = signature_header(secret, BODY, old)
    rotated = f"t={old},v1={'0' * 64},{header.split(',', 1)[1]}"
    assert verify(BODY, rotated, secret, tolerance_s=7200)["code"] == 0
    with pytest.raises(WebhookVerificationError, match="more than 300 s"):
        verify(BODY, rotated, secret)


def test_openais_content_policy_code_is_content_refused() -> None:
    refused = error_for("content_policy_violation", "prompt: 'x' is refused", 400,
                        {"reason": "'x' is refused", "field": "prompt"})
    assert isinstance(refused, ContentRefused)
    assert (refused.code, refused.reason, refused.field) == (4003, "'x' is refused", "prompt")
