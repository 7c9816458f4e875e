"""The frameloom exception tree.

    FrameloomError                  base; every error a user can cause derives from it
    ├── InvalidRequest              bad input; carries (field, problem) pairs      -> 400
    │   ├── UnknownEngine           an engine name that is not registered
    │   └── UnknownStyle            a style name the engine does not know
    ├── EngineUnavailable           an engine whose optional extra is not installed
    ├── EngineFailed                an engine could not produce a result                      -> 500
    │                               with retry_after (s): a temporary failure                 -> 503
    ├── Cancelled                   the caller cancelled the work between two steps           -> 409
    ├── JobFailed                   a background job failed for a reason not the caller's     -> 500
    ├── StoreUnavailable            the database cannot be reached or take the work for now   -> 503
    ├── OutputError                 a result could not be written to its path; carries path, reason
    ├── AuthError                   token missing, malformed, unknown or expired; bad login   -> 1001
    ├── NotFound                    session, media or render missing or not the caller's      -> 1002
    ├── InsufficientCredits         carries required, available, bind_id                      -> 2001
    ├── PlanForbids                 the account's plan does not allow the action; reason      -> 402
    ├── ContentRefused              the operator's content policy refuses the text; reason    -> 4003
    ├── PolicyUnavailable           the moderation hook cannot answer (and fails closed)      -> 503
    ├── UnsupportedMedia            a file type frameloom does not take; carries supported    -> 4001
    ├── TooLarge                    a file or body over its limit; carries max_bytes          -> 4002
    ├── RateLimited                 try again later; carries retry_after (seconds)            -> 429
    ├── Conflict                    the request clashes with existing state (email taken)     -> 409
    │   ├── StaleVersion            a draft change made from an old version; carries current  -> 409
    │   └── NothingToUndo           nothing to undo (or redo) now; carries current            -> 409
    └── LinkInvalid                 a download link with a bad signature or past its expiry   -> 403

Edges (HTTP, CLI) map these to codes in one place; nothing below them formats
messages for a transport.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Problem:
    """One thing wrong with a request: the field (a dotted path) and why."""

    field: str
    problem: str


class FrameloomError(Exception):
    """Base of every error frameloom raises on purpose."""


class InvalidRequest(FrameloomError):
    """The request is malformed; ``problems`` names each bad field."""

    def __init__(self, problems: list[Problem] | Problem) -> None:
        self.problems = [problems] if isinstance(problems, Problem) else list(problems)
        super().__init__("; ".join(f"{p.field}: {p.problem}" for p in self.problems))

    @classmethod
    def of(cls, field: str, problem: str) -> InvalidRequest:
        return cls(Problem(field, problem))


class UnknownEngine(InvalidRequest):
    def __init__(self, name: str, known: list[str]) -> None:
        super().__init__(Problem("engine", f"unknown engine {name!r}; known: {', '.join(known)}"))
        self.name = name


class UnknownStyle(InvalidRequest):
    def __init__(self, name: str, known: list[str]) -> None:
        super().__init__(Problem("style", f"unknown style {name!r}; known: {', '.join(known)}"))
        self.name = name


class EngineUnavailable(FrameloomError):
    """The engine exists but cannot run here (e.g. its extra is not installed)."""


class EngineFailed(FrameloomError):
    """The engine ran and failed; the message is safe to show to a user.

    ``retry_after`` (seconds) is set when the failure is temporary and the
    engine knows when to try again (a remote service that answered 429 or 503).
    """

    def __init__(self, message: str, retry_after: float | None = None) -> None:
        self.retry_after = retry_after
        super().__init__(message)


class Cancelled(FrameloomError):
    """The caller asked to stop (see :class:`frameloom.engines.base.Hooks`); raised between steps."""


class JobFailed(FrameloomError):
    """A background job ended ``failed`` for a reason that is not the caller's (an internal
    error, its time limit); the message is for logs, not shown as is."""


class StoreUnavailable(FrameloomError):
    """The database cannot be reached or cannot take the work for now (connection refused or
    lost, locked, out of space); nothing was committed, and the same call may succeed later."""


class OutputError(FrameloomError):
    """A file could not be written. ``path`` is the target, ``reason`` a short cause.

    Nothing half-written is left behind when this is raised.
    """

    def __init__(self, path: str, reason: str) -> None:
        self.path = path
        self.reason = reason
        super().__init__(f"output: cannot write {path}: {reason}")


class AuthError(FrameloomError):
    """The caller is not authenticated. The message says why, never the token."""


class NotFound(FrameloomError):
    """``kind`` ``ident`` does not exist, or belongs to another account (the same answer)."""

    def __init__(self, kind: str, ident: str) -> None:
        self.kind = kind
        self.ident = ident
        super().__init__(f"{kind} {ident} not found")


class InsufficientCredits(FrameloomError):
    """A paid action needs ``required`` credits and only ``available`` are free.

    ``bind_id`` is set for anonymous accounts: the edge turns it into the
    registration link where a person can register and keep their credits.
    """

    def __init__(self, required: int, available: int, bind_id: str | None = None) -> None:
        self.required = required
        self.available = available
        self.bind_id = bind_id
        super().__init__(f"not enough credits: {required} required, {available} available")


class PlanForbids(FrameloomError):
    """The account's plan does not allow this action; ``reason`` is shown to the caller.

    ``limit`` names the plan limit for programs (``export``, ``resolution``,
    ``video_length``; None for the attribution rule) and ``allowed`` its value.
    """

    def __init__(self, reason: str, limit: str | None = None, allowed: float | None = None) -> None:
        self.reason = reason
        self.limit = limit
        self.allowed = allowed
        super().__init__(reason)


class ContentRefused(FrameloomError):
    """The operator's content policy refuses a prompt or on-screen text; nothing was charged.

    ``reason`` is shown to the caller; ``field`` names the text refused
    (``prompt``, ``title``, ``draft.t[0].sg[0].m.text``...); ``source`` is
    ``blocklist`` (``term``: the refused word or phrase as matched) or
    ``moderation`` (``categories``: what the hook flagged).
    """

    def __init__(self, reason: str, field: str = "prompt", source: str = "blocklist",
                 categories: tuple[str, ...] = (), term: str | None = None) -> None:
        self.reason = reason
        self.field = field
        self.source = source
        self.categories = categories
        self.term = term
        super().__init__(f"{field}: {reason}")


class PolicyUnavailable(FrameloomError):
    """The moderation hook did not answer in time or answered nonsense, and the operator chose to
    refuse rather than let text through unchecked; the same request may pass later."""


class UnsupportedMedia(FrameloomError):
    """A file whose content is not one of ``supported`` (or cannot be decoded)."""

    def __init__(self, message: str, supported: list[str]) -> None:
        self.supported = list(supported)
        super().__init__(message)


class TooLarge(FrameloomError):
    """A file or request body over ``max_bytes`` (or an image over its pixel limit)."""

    def __init__(self, message: str, max_bytes: int) -> None:
        self.max_bytes = max_bytes
        super().__init__(message)


class RateLimited(FrameloomError):
    """Too many requests; the caller may try again in ``retry_after`` seconds (at least 1)."""

    def __init__(self, message: str, retry_after: int) -> None:
        self.retry_after = max(1, int(retry_after))
        super().__init__(message)


class Conflict(FrameloomError):
    """The request clashes with what exists (an email already registered, a bound account)."""


class StaleVersion(Conflict):
    """A draft change was made from version ``base`` but the draft is at ``current`` now:
    the caller must read it again (two editors never silently overwrite each other)."""

    def __init__(self, current: int, base: int | None = None) -> None:
        self.current = current
        self.base = base
        made_from = f"made from version {base}" if base is not None else "lost a race with another edit"
        super().__init__(f"the draft is at version {current}; this change was {made_from}")


class NothingToUndo(Conflict):
    """There is nothing to undo (``action`` "undo") or redo ("redo") from version ``current``."""

    def __init__(self, action: str, current: int) -> None:
        self.action = action
        self.current = current
        super().__init__(f"nothing to {action} at version {current}")


class LinkInvalid(FrameloomError):
    """A ``/files/...`` link whose signature does not match or whose time is over."""
