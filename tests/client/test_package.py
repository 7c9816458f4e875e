"""The SDK's public names, and that it imports without the server's dependencies."""

from __future__ import annotations

import subprocess
import sys

import frameloom.client
from frameloom.client import errors

HEAVY = ("fastapi", "sqlalchemy", "numpy", "PIL", "av", "skia")


def test_the_public_names_are_pinned() -> None:
    assert frameloom.client.__all__ == [
        "AsyncClient", "Attribution", "Balance", "Client", "ClientError", "ClientSettings", "DraftChange",
        "EngineInfo", "Event", "Job", "MediaInfo", "Render", "SessionState", "TokenInfo", "WebhookInfo",
        "errors",
    ]
    assert frameloom.client.__all__ == sorted(frameloom.client.__all__)


def test_the_error_names_are_pinned_and_all_are_client_errors() -> None:
    assert errors.__all__ == [
        "AuthRequired", "BadRequest", "ClientError", "Conflict", "ConnectionFailed", "ContentRefused",
        "FileTooLarge", "InsufficientCredits", "NotFound", "PlanRequired", "Problem", "RateLimited",
        "ServerError", "UnsupportedFile", "error_for",
    ]
    assert errors.__all__ == sorted(errors.__all__)
    classes = [getattr(errors, name) for name in errors.__all__ if name not in {"Problem", "error_for"}]
    assert all(issubclass(cls, errors.ClientError) for cls in classes)


def test_importing_the_client_loads_none_of_the_servers_dependencies() -> None:
    code = ("import frameloom.client, sys; "
            f"loaded = [m for m in {HEAVY!r} if m in sys.modules]; assert not loaded, loaded")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60, check=False)
    assert result.returncode == 0, result.stderr
