"""``frameloom admin ...``: operate the service's database directly (no server needed)."""

from __future__ import annotations

import contextlib
import dataclasses
import json
import re
from collections.abc import Iterator
from typing import TYPE_CHECKING

import click

from frameloom.cli.admin_ops import accounts, plans, usage
from frameloom.domain.errors import InvalidRequest
from frameloom.domain.jobs import JobKind, JobStatus

if TYPE_CHECKING:
    from frameloom.services.job_admin import JobAdmin, JobLine

_AMOUNT = re.compile(r"^[+-]?\d{1,12}$")


@click.group()
def admin() -> None:
    """Operate the service: credits, accounts and jobs."""


admin.add_command(usage)
admin.add_command(accounts)
admin.add_command(plans)


@admin.command(context_settings={"ignore_unknown_options": True})
@click.argument("account")
@click.argument("amount")
def credits(account: str, amount: str) -> None:
    """Add credits to ACCOUNT (an account id or email): +N adds, -N takes away (never below 0)."""
    from frameloom.services.container import build_services
    from frameloom.settings import load_settings

    if not _AMOUNT.match(amount):
        raise InvalidRequest.of("amount", f"{amount!r}: write +N or -N, e.g. +50")
    services = build_services(load_settings())
    try:
        account_id, balance = services.credits.top_up(account, int(amount))
    finally:
        services.close()
    click.echo(f"{account_id}: available {balance.available}, frozen {balance.frozen} ({int(amount):+d})")


_STATUSES = [status.value for status in JobStatus]
_KINDS = [kind.value for kind in JobKind]


@admin.group(invoke_without_command=True)
@click.option("--status", type=click.Choice(_STATUSES), default=None, help="only jobs in this status")
@click.option("--kind", type=click.Choice(_KINDS), default=None, help="only jobs of this kind")
@click.option("--stuck", is_flag=True, help="only stuck jobs: running without a heartbeat, or queued too long")
@click.option("--limit", type=click.IntRange(1, 10_000), default=50, show_default=True, help="newest jobs shown")
@click.option("--json", "as_json", is_flag=True, help="one JSON array instead of a table")
@click.pass_context
def jobs(ctx: click.Context, status: str | None, kind: str | None, stuck: bool, limit: int, as_json: bool) -> None:
    """List jobs, newest first; `frameloom admin jobs retry JOB_ID` sends a stuck or failed one again."""
    if ctx.invoked_subcommand is not None:
        return
    from frameloom.services.job_admin import JobFilter

    which = JobFilter(JobStatus(status) if status else None, JobKind(kind) if kind else None, stuck, limit)
    with _job_admin() as job_admin:
        lines = job_admin.list(which)
    if as_json:
        click.echo(json.dumps([_as_json(line) for line in lines], ensure_ascii=False, indent=2))
    else:
        _table(lines)


@jobs.command()
@click.argument("job_id")
def retry(job_id: str) -> None:
    """Send JOB_ID again: a stuck queued or running job, or a failed one (its price is frozen again)."""
    from frameloom.domain.errors import InsufficientCredits

    with _job_admin() as job_admin:
        try:
            done = job_admin.retry(job_id)
        except InsufficientCredits as exc:
            raise click.ClickException(
                f"job {job_id} cannot be retried: its account needs {exc.required} credits and has "
                f"{exc.available} available; top it up first (frameloom admin credits ACCOUNT +N)") from None
    said = {"resent": "sent again", "requeued": "back in the queue (its worker was gone)",
            "refrozen": f"back in the queue, {done.job.price} credits frozen again"}
    click.echo(f"{done.job.job_id} ({done.job.kind}): {said[done.action]}")


@contextlib.contextmanager
def _job_admin() -> Iterator[JobAdmin]:
    from frameloom.services.container import build_services
    from frameloom.services.job_admin import JobAdmin
    from frameloom.settings import load_settings

    services = build_services(load_settings())
    try:
        yield JobAdmin(services.db, services.jobs.queue, services.settings, services.clock)
    finally:
        services.close()


def _as_json(line: JobLine) -> dict[str, object]:
    data = dataclasses.asdict(line)
    for name in ("created_at", "heartbeat_at"):
        data[name] = data[name].isoformat() if data[name] is not None else None
    return data


def _table(lines: list[JobLine]) -> None:
    from rich.console import Console
    from rich.table import Table

    table = Table(box=None, pad_edge=False)
    for name in ("job", "key", "kind", "status", "progress", "attempts", "price", "account", "worker", "created",
                 "stuck or error"):
        table.add_column(name)
    for line in lines:
        key = "" if line.key == line.job_id else line.key[:32]  # generation jobs are their own key
        note = f"stuck: {line.stuck}" if line.stuck else (line.error or "")[:40]
        table.add_row(line.job_id, key, line.kind, line.status, f"{line.progress:.0%}", str(line.attempts),
                      str(line.price), line.account_id, line.worker or "",
                      line.created_at.strftime("%Y-%m-%d %H:%M:%S"), note)
    Console(width=200).print(table) if lines else click.echo("no jobs")
