"""One call to ``POST {base_url}/images/generations``, retried, with errors in the domain tree.

    401, 403        -> EngineUnavailable (the key is refused: an operator must act)
    404             -> EngineUnavailable (wrong base URL or model)
    400, 422        -> InvalidRequest on the server's ``param`` (else ``prompt``), its message
    408, 409, 429,
    5xx, network    -> retried (RetryPolicy); when out of attempts or time: EngineFailed
                       with ``retry_after`` from the last ``Retry-After``
    anything else   -> EngineFailed with the status and the server's message
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import NotRequired, TypedDict

import httpx

from frameloom.domain.errors import EngineFailed, EngineUnavailable, FrameloomError, InvalidRequest
from frameloom.engines.base import Hooks
from frameloom.engines.openai_images.config import OpenAIConfig
from frameloom.engines.openai_images.retry import RETRY_STATUSES, parse_retry_after

MAX_MESSAGE = 300
WAIT_SLICE_S = 0.5


class ImagesBody(TypedDict):
    """The JSON body of ``POST /images/generations`` (``size`` as ``"WxH"``)."""

    model: str
    prompt: str
    n: int
    size: str
    response_format: NotRequired[str]
    seed: NotRequired[int]


class ImagesClient:
    """Thread-safe (one pooled :class:`httpx.Client`). ``transport`` and ``sleep`` are for tests."""

    def __init__(
        self,
        config: OpenAIConfig,
        transport: httpx.BaseTransport | None = None,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        self.config = config
        self._sleep = sleep
        headers = {"Authorization": f"Bearer {config.api_key}"} if config.api_key else {}
        self._http = httpx.Client(base_url=config.base_url, headers=headers, timeout=config.timeout_s,
                                  transport=transport)
        self._downloads = httpx.Client(timeout=config.timeout_s, transport=transport, follow_redirects=True)

    def close(self) -> None:
        self._http.close()
        self._downloads.close()

    def generate(self, body: ImagesBody, hooks: Hooks) -> dict[str, object]:
        """The JSON answer to ``body``, after retries; ``hooks`` is polled before each attempt.

        Raises what the module docstring lists, or ``Cancelled``.
        """
        policy = self.config.retry
        waited = 0.0
        for attempt in range(1, policy.max_attempts + 1):
            hooks.check()
            retry_after: float | None = None
            try:
                response = self._http.post("/images/generations", json=body)
            except httpx.TransportError as exc:
                error: FrameloomError = EngineFailed(
                    f"openai engine: cannot reach {self.config.base_url}: {type(exc).__name__}"
                )
            else:
                if response.is_success:
                    return _json(response)
                error = error_for(response)
                if not retryable(response.status_code):
                    raise error
                retry_after = parse_retry_after(response.headers.get("Retry-After"))
            wait = policy.delay(attempt, retry_after)
            if attempt == policy.max_attempts or waited + wait > policy.max_total_wait_s:
                raise EngineFailed(f"{error} (after {attempt} attempts)", retry_after=retry_after)
            self._wait(wait, hooks)
            waited += wait
        raise AssertionError("unreachable: the last attempt returns or raises")  # pragma: no cover

    def _wait(self, seconds: float, hooks: Hooks) -> None:
        """Sleep ``seconds`` in slices, so that a cancel is seen within ``WAIT_SLICE_S``."""
        while seconds > 0:
            hooks.check()
            step = min(seconds, WAIT_SLICE_S)
            self._sleep(step)
            seconds -= step

    def fetch(self, url: str) -> bytes:
        """The bytes at ``url`` (a result given as a link; fetched without the key). Raises EngineFailed."""
        try:
            response = self._downloads.get(url)
        except httpx.TransportError as exc:
            raise EngineFailed(f"openai engine: cannot download the result: {type(exc).__name__}") from None
        if not response.is_success:
            raise EngineFailed(f"openai engine: downloading the result answered {response.status_code}")
        return response.content


def retryable(status: int) -> bool:
    """Worth another attempt: throttled, timed out, conflicting, or a server error."""
    return status in RETRY_STATUSES or status >= 500


def error_for(response: httpx.Response) -> FrameloomError:
    """The domain error for a failed answer (see the module docstring)."""
    status = response.status_code
    message, param = _server_message(response)
    if status in (401, 403):
        return EngineUnavailable(
            f"openai engine: the server refused the key ({status}: {message}); check FRAMELOOM_OPENAI_API_KEY"
        )
    if status == 404:
        return EngineUnavailable(
            f"openai engine: not found (404: {message}); check FRAMELOOM_OPENAI_BASE_URL and FRAMELOOM_OPENAI_MODEL"
        )
    if status in (400, 422):
        return InvalidRequest.of(param or "prompt", message)
    return EngineFailed(f"openai engine: the server answered {status}: {message}")


def _json(response: httpx.Response) -> dict[str, object]:
    try:
        data: object = response.json()
    except ValueError:
        raise EngineFailed(f"openai engine: the server answered {response.status_code} with no JSON") from None
    if not isinstance(data, dict):
        raise EngineFailed("openai engine: the answer is not a JSON object")
    return data


def _server_message(response: httpx.Response) -> tuple[str, str | None]:
    """The server's error message (OpenAI's ``{"error": {"message", "param"}}`` or plain text) and param."""
    try:
        data = response.json()
    except ValueError:
        return (response.text.strip()[:MAX_MESSAGE] or response.reason_phrase), None
    error = data.get("error") if isinstance(data, dict) else None
    if isinstance(error, dict):
        param = error.get("param")
        return str(error.get("message") or response.reason_phrase)[:MAX_MESSAGE], param if isinstance(param, str) else None
    if isinstance(error, str):
        return error[:MAX_MESSAGE], None
    detail = data.get("detail") if isinstance(data, dict) else None
    return str(detail or response.reason_phrase)[:MAX_MESSAGE], None
