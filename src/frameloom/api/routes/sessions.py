"""Sessions: create one (``/api/tasks/...``) and read its state (``/api/state/...``)."""

from __future__ import annotations

from fastapi import APIRouter
from pydantic import BaseModel, Field

from frameloom.api.deps import BaseUrl, CurrentAccount, SessionsDep
from frameloom.api.envelope import Envelope, ok
from frameloom.services.sessions import SessionState

router = APIRouter(tags=["sessions"])


class SessionIn(BaseModel):
    task_name: str = Field(default="project", max_length=200)
    language: str = Field(default="en", max_length=16)


class SessionOut(BaseModel):
    session_id: str
    bind_id: str | None


@router.post("/tasks/me/with-session/nemo_agent", response_model=Envelope[SessionOut])
def create_session(who: CurrentAccount, sessions: SessionsDep, body: SessionIn | None = None) -> Envelope[SessionOut]:
    """A new session with an empty draft."""
    body = body or SessionIn()
    session_id = sessions.create_session(who, body.task_name, body.language)
    return ok(SessionOut(session_id=session_id, bind_id=who.bind_id if who.anonymous else None))


@router.get("/state/nemo_agent/me/{session_id}/latest", response_model=Envelope[SessionState])
def state(session_id: str, who: CurrentAccount, sessions: SessionsDep, base_url: BaseUrl) -> Envelope[SessionState]:
    """Everything the session holds now; 1002 for a missing or another account's session."""
    return ok(sessions.state(who, session_id, base_url))
