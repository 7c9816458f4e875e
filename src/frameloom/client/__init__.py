"""frameloom's typed client: :class:`Client` (sync) and :class:`AsyncClient`, for every endpoint.

Importable with only httpx and pydantic installed (no server dependencies).
Chat events are the server's own :class:`~frameloom.domain.events.Event`;
errors are the tree in :mod:`frameloom.client.errors`. See docs/CLIENT.md.

    with Client(token=...) as client:
        session_id = client.create_session()
        for event in client.chat(session_id, "make a 5 second video of a fox"):
            print(event.text)
"""

from frameloom.client import errors
from frameloom.client.aio import AsyncClient
from frameloom.client.errors import ClientError
from frameloom.client.models import (
    Balance,
    DraftChange,
    EngineInfo,
    Job,
    MediaInfo,
    Render,
    SessionState,
    TokenInfo,
    WebhookInfo,
)
from frameloom.client.settings import Attribution, ClientSettings
from frameloom.client.sync import Client
from frameloom.domain.events import Event

__all__ = [
    "AsyncClient",
    "Attribution",
    "Balance",
    "Client",
    "ClientError",
    "ClientSettings",
    "DraftChange",
    "EngineInfo",
    "Event",
    "Job",
    "MediaInfo",
    "Render",
    "SessionState",
    "TokenInfo",
    "WebhookInfo",
    "errors",
]
