"""Sessions and their state (SPEC sections 3 and 5): create one, read everything it holds."""

from __future__ import annotations

import copy
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from frameloom.domain.accounts import Principal
from frameloom.domain.errors import InvalidRequest, Problem
from frameloom.services.clock import Clock
from frameloom.services.jobs import RenderView
from frameloom.services.links import LinkSigner
from frameloom.store import sessions as repo
from frameloom.store.db import Database
from frameloom.store.ids import new_id
from frameloom.store.models import Generation, Media
from frameloom.timeline import draft_to_json, empty_draft, parse_draft, summary

# A new session's draft (SPEC section 5): version 1, no tracks, 1080p at 30 fps.
# no "d": an empty draft's length follows its content (none yet), as the timeline model reads it
EMPTY_DRAFT: dict[str, Any] = draft_to_json(empty_draft())
MAX_TASK_NAME = 200
MAX_LANGUAGE = 16


@dataclass(frozen=True)
class MediaView:
    """A stored file as the API shows it: kind (video, image, audio), px, ms, a fresh signed ``url``."""

    media_id: str
    kind: str
    format: str
    filename: str
    bytes: int
    width: int | None
    height: int | None
    duration_ms: int | None
    url: str


@dataclass(frozen=True)
class GenerationView:
    """One image generation of the session: what was asked and the media it made, in seed order."""

    generation_id: str
    prompt: str
    engine: str
    seed: int
    width: int
    height: int
    n: int
    style: str | None
    status: str
    media_ids: list[str]
    created_at: str


@dataclass(frozen=True)
class SessionState:
    """The state route's data: the draft (timeline JSON), its one-line summary,
    the session's media, generations and renders."""

    session_id: str
    draft: dict[str, Any]
    summary: str
    media: list[MediaView]
    generations: list[GenerationView]
    renders: list[RenderView]
    version: int
    updated_at: str
    bind_id: str | None


def summarize(draft: dict[str, Any]) -> str:
    """The one-line timeline text (``frameloom.timeline.summary``); an empty
    draft reads ``Timeline (0 tracks): empty``."""
    return summary(parse_draft(draft))


def media_view(media: Media, signer: LinkSigner, base_url: str) -> MediaView:
    """A media row as the API shows it, with a fresh signed ``url``."""
    return MediaView(media_id=media.id, kind=media.kind, format=media.format, filename=media.filename,
                     bytes=media.bytes, width=media.width, height=media.height, duration_ms=media.duration_ms,
                     url=signer.url(base_url, media.storage_key))


def generation_view(gen: Generation) -> GenerationView:
    return GenerationView(generation_id=gen.id, prompt=gen.prompt, engine=gen.engine, seed=gen.seed,
                          width=gen.width, height=gen.height, n=gen.n, style=gen.style, status=gen.status,
                          media_ids=list(gen.media_ids), created_at=gen.created_at.isoformat())


class SessionService:
    def __init__(self, db: Database, signer: LinkSigner, clock: Clock,
                 renders: Callable[[str, str], list[RenderView]] | None = None) -> None:
        self.db = db
        self.signer = signer
        self.clock = clock
        self.renders = renders  # (session id, base url) -> the session's exports, as polls show them

    def create_session(self, who: Principal, task_name: str, language: str) -> str:
        """A new session with an empty draft; returns its id."""
        problems = []
        if not 1 <= len(task_name.strip()) <= MAX_TASK_NAME:
            problems.append(Problem("task_name", f"must be 1 to {MAX_TASK_NAME} characters"))
        if not 1 <= len(language.strip()) <= MAX_LANGUAGE:
            problems.append(Problem("language", f"must be 1 to {MAX_LANGUAGE} characters"))
        if problems:
            raise InvalidRequest(problems)
        session_id = new_id("ses")
        with self.db.write() as session:
            repo.add_session(session, session_id, who.account_id, task_name.strip(), language.strip(),
                             copy.deepcopy(EMPTY_DRAFT), self.clock())
        return session_id

    def language(self, who: Principal, session_id: str) -> str:
        """The language the session was created with ("en", "zh"...); ``NotFound`` as :meth:`state`."""
        with self.db.read() as session:
            return repo.owned_session(session, who.account_id, session_id).language

    def state(self, who: Principal, session_id: str, base_url: str) -> SessionState:
        """Everything the session holds; ``NotFound`` for a missing or another account's session."""
        with self.db.read() as session:
            row = repo.owned_session(session, who.account_id, session_id)
            media = repo.session_media(session, session_id)
            generations = repo.session_generations(session, session_id)
        return SessionState(
            session_id=row.id,
            draft=row.draft,
            summary=summarize(row.draft),
            media=[media_view(m, self.signer, base_url) for m in media],
            generations=[generation_view(g) for g in generations],
            renders=self.renders(row.id, base_url) if self.renders is not None else [],
            version=row.version,
            updated_at=row.updated_at.isoformat(),
            bind_id=who.bind_id if who.anonymous else None,
        )
