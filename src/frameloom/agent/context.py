"""What a turn knows of its session before it acts: the draft, the uploads, the last generation,
the language to answer in, and the planner's :class:`PlanContext` built from them.

Everything is read through the studio services (sessions, jobs), never the store.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import TYPE_CHECKING, Literal

from frameloom.agent.clause import PlanContext
from frameloom.agent.lexicon import is_chinese
from frameloom.domain.accounts import Principal
from frameloom.domain.jobs import ImageJob, JobStatus
from frameloom.domain.video import VideoRequest
from frameloom.services.jobs import GenerationRecord
from frameloom.services.sessions import MediaView
from frameloom.timeline import Draft, TrackKind, parse_draft
from frameloom.timeline.ops import music_track

if TYPE_CHECKING:
    from frameloom.services.container import Services

Language = Literal["en", "zh"]
_LATIN = re.compile(r"[A-Za-z]")


@dataclass(frozen=True)
class LastGeneration:
    """The session's latest completed generation, as "try again" and "a video from it" read it.

    Sizes in px; ``seconds`` for a video (None for images); ``media_ids`` the files it made.
    """

    kind: Literal["image", "video"]
    prompt: str
    seed: int
    n: int
    width: int
    height: int
    style: str | None
    seconds: float | None
    media_ids: tuple[str, ...]


@dataclass(frozen=True)
class SessionFacts:
    """The session as a turn starts (or resumes after an action): the current ``draft``,
    the session's media by id, the ``uploads`` (ids, oldest first), the last generation
    and the ``language`` replies are written in."""

    session_id: str
    language: Language
    draft: Draft
    media: dict[str, MediaView]
    uploads: tuple[str, ...]
    last: LastGeneration | None

    def plan_context(self) -> PlanContext:
        return PlanContext(
            last_kind=self.last.kind if self.last else None,
            uploads=self.uploads,
            has_title=any(t.kind == TrackKind.TEXT and t.segments for t in self.draft.tracks),
            has_music=music_track(self.draft) is not None,
            has_video=any(t.kind == TrackKind.VIDEO and t.segments for t in self.draft.tracks),
            language=self.language,
        )

    def upload(self, ref: str) -> MediaView:
        """The upload a reference names: "last" (the newest), a 1-based index as text ("2"), or a
        media id of the session. ``LookupError`` with a sentence for the user when it names none."""
        if ref.startswith("med_"):
            if ref in self.media:
                return self.media[ref]
            raise LookupError(ref)
        if not self.uploads:
            raise LookupError(ref)
        if ref in ("last", "it", ""):
            return self.media[self.uploads[-1]]
        if ref.isdigit() and 1 <= int(ref) <= len(self.uploads):
            return self.media[self.uploads[int(ref) - 1]]
        raise LookupError(ref)


def reply_language(message: str, session_language: str) -> Language:
    """The message's own language when it shows one (any Chinese character: zh; Latin letters: en),
    else the session's ("zh..." is zh, anything else en)."""
    if is_chinese(message):
        return "zh"
    if _LATIN.search(message):
        return "en"
    return "zh" if session_language.lower().startswith("zh") else "en"


def last_generation(records: list[GenerationRecord]) -> LastGeneration | None:
    """The newest completed image or video job of ``records`` (oldest first)."""
    for record in reversed(records):
        if record.view.status is not JobStatus.COMPLETED or record.view.result is None:
            continue
        media_ids = tuple(f.media_id for f in record.view.result.files)
        spec = record.spec
        if isinstance(spec, ImageJob):
            return LastGeneration("image", spec.prompt, spec.seed, spec.n, spec.width, spec.height, spec.style,
                                  None, media_ids)
        assert isinstance(spec, VideoRequest)
        return LastGeneration("video", spec.prompt, spec.seed, 1, spec.width, spec.height, spec.style,
                              spec.seconds, media_ids)
    return None


def read_session(services: Services, who: Principal, session_id: str, message: str, base_url: str) -> SessionFacts:
    """The session's facts for a turn on ``message``; ``NotFound`` for a missing or another account's session."""
    language = reply_language(message, services.sessions.language(who, session_id))
    state = services.sessions.state(who, session_id, base_url)
    records = services.job_service.session_generations(who, session_id, base_url)
    made = {f.media_id for r in records if r.view.result for f in r.view.result.files}
    made |= {r.media_id for r in state.renders if r.media_id}
    media = {m.media_id: m for m in state.media}
    uploads = tuple(m.media_id for m in state.media if m.media_id not in made)
    return SessionFacts(session_id, language, parse_draft(state.draft), media, uploads, last_generation(records))
