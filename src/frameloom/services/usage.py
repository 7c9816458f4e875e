"""Usage for the operator: ``frameloom admin usage``, ``GET /api/admin/usage`` and ``/metrics``
all read it here."""

from __future__ import annotations

from frameloom.domain.errors import InvalidRequest
from frameloom.domain.usage import UsageBy, UsageReport, parse_since, total_of
from frameloom.services.clock import Clock
from frameloom.store import usage as repo
from frameloom.store.db import Database


class UsageService:
    def __init__(self, db: Database, clock: Clock) -> None:
        self.db, self.clock = db, clock

    def report(self, since: str | None = None, by: UsageBy | str = UsageBy.SOURCE) -> UsageReport:
        """Paid actions ordered since ``since`` (a date, a time or an age such as ``24h``; see
        :func:`~frameloom.domain.usage.parse_since`), grouped ``by`` source, account or kind, with
        their total. ``InvalidRequest`` for a bad ``since`` or ``by``."""
        group = _by(by)
        start = parse_since(since, self.clock())
        with self.db.read() as session:
            lines = repo.usage_lines(session, group, start)
        return UsageReport(since=start, by=group, lines=lines, total=total_of(lines))

    def spent(self) -> list[tuple[str, str | None, int]]:
        """Credits spent per kind and source, all time (``/metrics``)."""
        with self.db.read() as session:
            return repo.spent_by_kind_and_source(session)

    def actions(self) -> list[tuple[str, str | None, str, int]]:
        """Jobs per kind, source and outcome, all time (``/metrics``)."""
        with self.db.read() as session:
            return repo.actions_by_source(session)


def _by(value: UsageBy | str) -> UsageBy:
    try:
        return UsageBy(value)
    except ValueError:
        raise InvalidRequest.of("by", f"{value!r}: one of {', '.join(UsageBy)}") from None
