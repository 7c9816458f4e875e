"""A session's draft and its history (SPEC sections 3 and 5): edits, replacing it, undo, redo.

Every change makes a new version numbered one above the current, undo and
redo included (an undo is a new version whose draft equals an earlier one), so
a version number is never reused and a client holding an old one can never
write over a newer draft.

A change names the version it was made from (``base_version``); when the
session has moved on it is refused with ``StaleVersion`` (409, the current
version). Without a base, an edit applies to whatever is current and is
re-applied if another writer got in first. Either way the write itself is one
conditional ``UPDATE ... WHERE version = :base`` (``store/drafts.advance``).

Undo and redo: each version knows the version an undo from it restores
(``undo_to``) and the one a redo restores (``redo_to``). An edit from ``c``
makes ``n`` with ``undo_to = c`` and no redo; an undo at ``c`` makes ``n`` with
the draft of ``u = undo_to[c]``, ``undo_to = undo_to[u]`` and ``redo_to = c``; a
redo at ``c`` makes ``n`` with the draft of ``r = redo_to[c]``, ``undo_to = c``
and ``redo_to = redo_to[r]``.

Groups: edits may name a ``group`` (a chat turn's invocation id). An edit made
on top of a version of its own group is the same step for undo: it takes that
version's ``undo_to`` instead of ``c``, and its label adds to the group's, so
one undo takes the draft back to before the group's first edit.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime

from frameloom.domain.accounts import Principal
from frameloom.domain.errors import InvalidRequest, NotFound, NothingToUndo, Problem, StaleVersion
from frameloom.domain.media import MediaKind
from frameloom.services.clock import Clock
from frameloom.store import drafts as repo
from frameloom.store import sessions as sessions_repo
from frameloom.store.db import Database
from frameloom.store.models import DraftVersion
from frameloom.timeline import Draft, DraftInvalid, draft_to_json, parse_draft, summary, validate
from frameloom.timeline.ops import EditOp, MediaFacts, apply_ops

MAX_LABEL = 200
MAX_GROUP = 64
# Without a base version, an edit that lost the race is re-applied to the new draft; under
# a storm of writers it gives up after this many tries with StaleVersion.
DEFAULT_ATTEMPTS = 20


@dataclass(frozen=True)
class DraftChange:
    """A change that was made: the new ``version``, its ``label`` and ``action``, the draft
    (``draft_json`` for the wire), its one-line ``summary``, and whether undo / redo are possible now."""

    session_id: str
    version: int
    label: str
    action: str
    draft: Draft
    summary: str
    can_undo: bool
    can_redo: bool

    @property
    def draft_json(self) -> dict[str, object]:
        return draft_to_json(self.draft)


@dataclass(frozen=True)
class VersionInfo:
    """One entry of the history: number, when, the change's label and action
    (new, edit, replace, undo, redo), whether it is the current one, and where
    undo / redo from it lead (version numbers, None when nowhere)."""

    number: int
    label: str
    action: str
    created_at: datetime
    current: bool
    undo_to: int | None
    redo_to: int | None
    restores: int | None


@dataclass(frozen=True)
class VersionDetail:
    """One version with its whole draft and summary."""

    info: VersionInfo
    draft: Draft
    summary: str

    @property
    def draft_json(self) -> dict[str, object]:
        return draft_to_json(self.draft)


@dataclass(frozen=True)
class _Current:
    """The session as a change starts from it."""

    number: int
    draft: Draft
    row: DraftVersion | None  # None only for history lost before version rows existed
    media: Mapping[str, MediaFacts]


@dataclass(frozen=True)
class _Next:
    """What a change writes as the next version."""

    draft: Draft
    label: str
    action: str
    undo_to: int | None
    redo_to: int | None
    restores: int | None = None
    group: str | None = None


class DraftService:
    def __init__(self, db: Database, clock: Clock, *, attempts: int = DEFAULT_ATTEMPTS) -> None:
        self.db = db
        self.clock = clock
        self.attempts = attempts

    # --- changes -------------------------------------------------------------------------------

    def edit(self, who: Principal, session_id: str, ops: Sequence[EditOp], base_version: int | None,
             label: str | None = None, group: str | None = None) -> DraftChange:
        """Apply typed edit ops (``timeline.ops``) as one new version, labelled ``label`` or
        the ops' own labels joined. With ``group`` (at most 64 characters), edits of one group
        are one step for undo (see the module docstring). ``InvalidRequest`` / ``DraftInvalid``
        for a bad op or a result that breaks the draft or names media the session does not have;
        ``StaleVersion`` when ``base_version`` is not current; ``NotFound`` for another account's session."""
        own_label = _check_label(label)
        if group is not None and not 1 <= len(group) <= MAX_GROUP:
            raise InvalidRequest.of("group", f"must be 1 to {MAX_GROUP} characters")

        def make(cur: _Current) -> _Next:
            draft, op_label = apply_ops(cur.draft, ops, cur.media)
            validate(draft, media_ids=cur.media)
            own = own_label or op_label
            same = cur.row if group is not None and cur.row is not None and cur.row.grp == group else None
            if same is not None and same.action == "edit":
                return _Next(draft, _joined(same.label, own), "edit", undo_to=same.undo_to, redo_to=None,
                             group=group)
            return _Next(draft, own, "edit", undo_to=cur.number, redo_to=None, group=group)

        return self._change(who, session_id, base_version, make)

    def replace(self, who: Principal, session_id: str, draft_json: object, base_version: int,
                label: str | None = None) -> DraftChange:
        """Make ``draft_json`` (decoded JSON) the draft, made from ``base_version``. A bad draft is
        ``DraftInvalid`` with each problem at its path under ``draft`` (``draft.t[0].sg[1].s``)."""
        own_label = _check_label(label)

        def make(cur: _Current) -> _Next:
            try:
                draft = parse_draft(draft_json, media_ids=cur.media)
            except DraftInvalid as exc:
                raise DraftInvalid([Problem(_under_draft(p.field), p.problem) for p in exc.problems]) from None
            return _Next(draft, own_label or "replace draft", "replace", undo_to=cur.number, redo_to=None)

        return self._change(who, session_id, base_version, make)

    def undo(self, who: Principal, session_id: str, base_version: int | None = None) -> DraftChange:
        """A new version with the draft before the current change; ``NothingToUndo`` when there is none."""

        def make(cur: _Current) -> _Next:
            target = cur.row.undo_to if cur.row is not None else None
            if cur.row is None or target is None:
                raise NothingToUndo("undo", cur.number)
            rows = self._rows(session_id, {target, _origin(cur.row)})
            back = rows[target]
            return _Next(parse_draft(back.draft), f"undo {rows[_origin(cur.row)].label}", "undo",
                         undo_to=back.undo_to, redo_to=cur.number, restores=_origin(back))

        return self._change(who, session_id, base_version, make)

    def redo(self, who: Principal, session_id: str, base_version: int | None = None) -> DraftChange:
        """A new version with the draft an undo left; ``NothingToUndo`` ("redo") when there is none."""

        def make(cur: _Current) -> _Next:
            target = cur.row.redo_to if cur.row is not None else None
            if target is None:
                raise NothingToUndo("redo", cur.number)
            again = self._rows(session_id, {target})[target]
            origin = self._rows(session_id, {_origin(again)})[_origin(again)]
            return _Next(parse_draft(again.draft), f"redo {origin.label}", "redo",
                         undo_to=cur.number, redo_to=again.redo_to, restores=_origin(again))

        return self._change(who, session_id, base_version, make)

    # --- history -------------------------------------------------------------------------------

    def versions(self, who: Principal, session_id: str) -> list[VersionInfo]:
        """The session's versions, oldest first; ``NotFound`` for another account's session."""
        with self.db.read() as session:
            current = sessions_repo.owned_session(session, who.account_id, session_id).version
            rows = repo.list_versions(session, session_id)
        return [_info(row, current) for row in rows]

    def version(self, who: Principal, session_id: str, number: int) -> VersionDetail:
        """Version ``number`` with its draft; ``NotFound`` ("version") when the session has none such."""
        with self.db.read() as session:
            current = sessions_repo.owned_session(session, who.account_id, session_id).version
            row = repo.get_version(session, session_id, number)
        if row is None:
            raise NotFound("version", str(number))
        draft = parse_draft(row.draft)
        return VersionDetail(_info(row, current), draft, summary(draft))

    # --- the one write path --------------------------------------------------------------------

    def _change(self, who: Principal, session_id: str, base: int | None,
                make: Callable[[_Current], _Next]) -> DraftChange:
        for _ in range(self.attempts):
            cur = self._current(who, session_id)
            if base is not None and cur.number != base:
                raise StaleVersion(cur.number, base)
            nxt = make(cur)
            if self._commit(who, session_id, cur.number, nxt):
                return DraftChange(session_id, cur.number + 1, nxt.label, nxt.action, nxt.draft,
                                   summary(nxt.draft), nxt.undo_to is not None, nxt.redo_to is not None)
            if base is not None:
                raise StaleVersion(self._current(who, session_id).number, base)
        raise StaleVersion(self._current(who, session_id).number)

    def _current(self, who: Principal, session_id: str) -> _Current:
        with self.db.read() as session:
            row = sessions_repo.owned_session(session, who.account_id, session_id)
            version = repo.get_version(session, session_id, row.version)
            media = sessions_repo.session_media(session, session_id)
        facts = {m.id: MediaFacts(MediaKind(m.kind), m.duration_ms, m.filename) for m in media}
        return _Current(row.version, parse_draft(row.draft), version, facts)

    def _rows(self, session_id: str, numbers: set[int]) -> dict[int, DraftVersion]:
        with self.db.read() as session:
            rows = repo.get_versions(session, session_id, numbers)
        missing = numbers - rows.keys()
        if missing:  # versions are never deleted; a gap is a broken database, not a user error
            raise RuntimeError(f"session {session_id}: draft versions {sorted(missing)} are missing")
        return rows

    def _commit(self, who: Principal, session_id: str, base: int, nxt: _Next) -> bool:
        """Write ``nxt`` as version ``base + 1`` if the session is still at ``base``; False if not."""
        now = self.clock()
        data = draft_to_json(nxt.draft)
        with self.db.write() as session:
            if not repo.advance(session, who.account_id, session_id, base, data, now):
                return False
            repo.add_version(session, DraftVersion(
                session_id=session_id, number=base + 1, draft=data, label=nxt.label, action=nxt.action,
                undo_to=nxt.undo_to, redo_to=nxt.redo_to, restores=nxt.restores, grp=nxt.group, created_at=now,
            ))
        return True


def _origin(row: DraftVersion) -> int:
    """The version whose change made this draft: itself, or the original an undo/redo restored."""
    return row.restores if row.restores is not None else row.number


def _info(row: DraftVersion, current: int) -> VersionInfo:
    return VersionInfo(row.number, row.label, row.action, row.created_at, row.number == current,
                       row.undo_to, row.redo_to, row.restores)


def _joined(first: str, then: str) -> str:
    """Two labels as one (``"add media; add title"``), cut to ``MAX_LABEL`` with an ellipsis."""
    joined = f"{first}; {then}"
    return joined if len(joined) <= MAX_LABEL else joined[: MAX_LABEL - 1] + "…"


def _check_label(label: str | None) -> str | None:
    if label is None:
        return None
    if not 1 <= len(label.strip()) <= MAX_LABEL:
        raise InvalidRequest.of("label", f"must be 1 to {MAX_LABEL} characters")
    return label.strip()


def _under_draft(field: str) -> str:
    return field if field == "draft" else f"draft.{field}"
