"""Usage as the operator reads it: paid actions grouped by source, account or kind, with totals."""

from __future__ import annotations

import re
from dataclasses import asdict, dataclass
from datetime import UTC, date, datetime, timedelta
from enum import StrEnum
from typing import Any

from frameloom.domain.errors import InvalidRequest

_RELATIVE = re.compile(r"^(\d{1,6})([mhdw])$")
_UNITS = {"m": "minutes", "h": "hours", "d": "days", "w": "weeks"}


class UsageBy(StrEnum):
    SOURCE = "source"
    ACCOUNT = "account"
    KIND = "kind"


class Outcome(StrEnum):
    """How a paid action ended: its hold still ``open``, ``settled`` (credits spent),
    ``refunded`` (cancelled) or ``failed`` (nothing spent)."""

    OPEN = "open"
    SETTLED = "settled"
    REFUNDED = "refunded"
    FAILED = "failed"


@dataclass(frozen=True)
class UsageLine:
    """One group of paid actions: ``key`` is the source, account id or kind (None: the caller
    sent no ``X-Skill-Source``); counts per outcome; ``credits`` spent (settled); ``returned``
    the credits frozen and given back (refunded or failed); ``avg_ms`` the mean time from order
    to end of those that ended (None when none has)."""

    key: str | None
    actions: int
    settled: int
    refunded: int
    failed: int
    open: int
    credits: int
    returned: int
    avg_ms: int | None


@dataclass(frozen=True)
class UsageReport:
    """Usage since ``since`` (None: all of it), grouped ``by``; lines by credits spent, most first."""

    since: datetime | None
    by: UsageBy
    lines: tuple[UsageLine, ...]
    total: UsageLine


def parse_since(text: str | None, now: datetime) -> datetime | None:
    """``--since``: a date (``2026-12-01``, midnight UTC), an ISO time, or an age (``30m``, ``24h``,
    ``7d``, ``2w``) before ``now``. ``InvalidRequest`` on ``since`` for anything else."""
    if text is None or not text.strip():
        return None
    text = text.strip()
    match = _RELATIVE.match(text)
    if match:
        return now - timedelta(**{_UNITS[match.group(2)]: int(match.group(1))})
    try:
        if len(text) == 10:
            day = date.fromisoformat(text)
            return datetime(day.year, day.month, day.day, tzinfo=UTC)
        moment = datetime.fromisoformat(text)
    except ValueError:
        raise InvalidRequest.of("since", f"{text!r}: write a date (2026-12-01), a time, or an age (24h, 7d)") from None
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)


def total_of(lines: tuple[UsageLine, ...]) -> UsageLine:
    """The lines added up (``avg_ms`` weighted by the actions that ended)."""
    ended = [(line.actions - line.open, line.avg_ms) for line in lines if line.avg_ms is not None]
    weight = sum(n for n, _ in ended)
    avg = round(sum(n * ms for n, ms in ended) / weight) if weight else None
    return UsageLine(key=None, actions=sum(x.actions for x in lines), settled=sum(x.settled for x in lines),
                     refunded=sum(x.refunded for x in lines), failed=sum(x.failed for x in lines),
                     open=sum(x.open for x in lines), credits=sum(x.credits for x in lines),
                     returned=sum(x.returned for x in lines), avg_ms=avg)


def report_json(report: UsageReport) -> dict[str, Any]:
    """The report as JSON values: what ``admin usage --json`` prints and the operator route answers."""
    return {"since": report.since.isoformat() if report.since else None, "by": report.by.value,
            "lines": [asdict(line) for line in report.lines], "total": asdict(report.total)}
