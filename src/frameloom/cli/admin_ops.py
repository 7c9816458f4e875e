"""``frameloom admin usage``, ``admin accounts ...`` and ``admin plans``: the operator's view.

They read the service's database directly (no server needed), through the same services
the operator route and ``/metrics`` use. Tables are drawn with rich; ``--json`` prints the
same facts as JSON for programs.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import asdict
from datetime import datetime
from typing import TYPE_CHECKING, Any

import click
from rich.console import Console
from rich.table import Table

from frameloom.domain.usage import UsageBy, UsageLine, UsageReport, report_json

if TYPE_CHECKING:
    from frameloom.services.accounts import AccountDetail, AccountView
    from frameloom.services.container import Services

TABLE_WIDTH = 120  # wide enough for an account id and an email, on a terminal or in a pipe


@contextmanager
def _services() -> Iterator[Services]:
    from frameloom.services.container import build_services
    from frameloom.settings import load_settings

    services = build_services(load_settings())
    try:
        yield services
    finally:
        services.close()


def _console() -> Console:
    return Console(width=TABLE_WIDTH, soft_wrap=False, highlight=False)


def _echo_json(data: Any) -> None:
    click.echo(json.dumps(data, indent=2, ensure_ascii=False, default=_json_default))


def _json_default(value: object) -> str:
    if isinstance(value, datetime):
        return value.isoformat()
    raise TypeError(f"{type(value).__name__} is not JSON")


def _when(value: datetime | None) -> str:
    return value.strftime("%Y-%m-%d %H:%M UTC") if value else "-"


def _seconds(ms: int | None) -> str:
    return "-" if ms is None else f"{ms / 1000:.1f} s"


# --- usage --------------------------------------------------------------------------------------

_USAGE_COLUMNS: tuple[tuple[str, Callable[[UsageLine], str]], ...] = (
    ("actions", lambda x: str(x.actions)),
    ("settled", lambda x: str(x.settled)),
    ("refunded", lambda x: str(x.refunded)),
    ("failed", lambda x: str(x.failed)),
    ("open", lambda x: str(x.open)),
    ("credits spent", lambda x: str(x.credits)),
    ("returned", lambda x: str(x.returned)),
    ("avg time", lambda x: _seconds(x.avg_ms)),
)


def usage_table(lines: tuple[UsageLine, ...], total: UsageLine, first: str, title: str) -> Table:
    """Usage lines as a table: ``first`` heads the key column, the total is the footer."""
    table = Table(title=title, show_footer=True, title_justify="left")
    table.add_column(first, footer="total")
    for name, cell in _USAGE_COLUMNS:
        table.add_column(name, footer=cell(total), justify="right")
    for line in lines:
        table.add_row(line.key or "(none)", *(cell(line) for _, cell in _USAGE_COLUMNS))
    return table


def _usage_title(report: UsageReport) -> str:
    since = f"since {_when(report.since)}" if report.since else "all time"
    return f"Usage by {report.by.value}, {since}"


@click.command()
@click.option("--since", metavar="WHEN", help="a date (2026-12-01), a time, or an age (24h, 7d); default: all")
@click.option("--by", "by", type=click.Choice([b.value for b in UsageBy]), default=UsageBy.SOURCE.value,
              show_default=True, help="group by X-Skill-Source, account or job kind")
@click.option("--json", "as_json", is_flag=True, help="print JSON instead of a table")
def usage(since: str | None, by: str, as_json: bool) -> None:
    """Paid actions (credits spent, returned, outcomes, time) grouped, with totals."""
    with _services() as services:
        report = services.usage.report(since, by)
    if as_json:
        _echo_json(report_json(report))
        return
    _console().print(usage_table(report.lines, report.total, report.by.value, _usage_title(report)))


# --- accounts -----------------------------------------------------------------------------------


def _status(view: AccountView) -> str:
    return f"suspended {_when(view.suspended_at)}" if view.suspended_at else "active"


def _account_line(view: AccountView) -> str:
    return (f"{view.account_id}: plan {view.plan}, available {view.available}, frozen {view.frozen}, "
            f"{_status(view)}")


@click.group()
def accounts() -> None:
    """List, show, suspend and change the plan of accounts (ACCOUNT: an id or an email)."""


@accounts.command(name="list")
@click.option("--plan", help="only accounts on this plan")
@click.option("--limit", type=click.IntRange(1, 10_000), default=100, show_default=True)
@click.option("--json", "as_json", is_flag=True, help="print JSON instead of a table")
def list_accounts(plan: str | None, limit: int, as_json: bool) -> None:
    """Accounts, newest first."""
    with _services() as services:
        views = services.accounts.list(plan, limit)
    if as_json:
        _echo_json([asdict(view) for view in views])
        return
    table = Table(title=f"Accounts ({len(views)}, newest first)", title_justify="left")
    for name in ("account", "email", "plan", "available", "frozen", "created", "status"):
        table.add_column(name, justify="right" if name in ("available", "frozen") else "left")
    for view in views:
        table.add_row(view.account_id, view.email or "-", view.plan, str(view.available), str(view.frozen),
                      _when(view.created_at), _status(view))
    _console().print(table)


@accounts.command()
@click.argument("account")
@click.option("--json", "as_json", is_flag=True, help="print JSON instead of text and a table")
def show(account: str, as_json: bool) -> None:
    """One account: plan, credits, status, and its usage by kind."""
    with _services() as services:
        detail = services.accounts.show(account)
    if as_json:
        _echo_json(_detail_json(detail))
        return
    view = detail.account
    console = _console()
    console.print(f"account    {view.account_id}\nemail      {view.email or '-'}\nplan       {view.plan}\n"
                  f"credits    available {view.available}, frozen {view.frozen}\n"
                  f"created    {_when(view.created_at)}\nstatus     {_status(view)}")
    console.print(usage_table(detail.usage, detail.total, "kind", "Usage by kind, all time"))


def _detail_json(detail: AccountDetail) -> dict[str, Any]:
    return {"account": asdict(detail.account), "usage": [asdict(line) for line in detail.usage],
            "total": asdict(detail.total)}


@accounts.command()
@click.argument("account")
def suspend(account: str) -> None:
    """Suspend ACCOUNT: its tokens answer 1001 on every route until it is unsuspended."""
    with _services() as services:
        click.echo(_account_line(services.accounts.suspend(account)))


@accounts.command()
@click.argument("account")
def unsuspend(account: str) -> None:
    """Lift a suspension: ACCOUNT's tokens work again."""
    with _services() as services:
        click.echo(_account_line(services.accounts.suspend(account, suspended=False)))


@accounts.command(name="plan")
@click.argument("account")
@click.argument("plan")
def set_plan(account: str, plan: str) -> None:
    """Move ACCOUNT to PLAN (see `frameloom admin plans`); its credits stay as they are."""
    with _services() as services:
        click.echo(_account_line(services.accounts.set_plan(account, plan)))


# --- plans --------------------------------------------------------------------------------------


@click.command()
@click.option("--json", "as_json", is_flag=True, help="print JSON instead of a table")
def plans(as_json: bool) -> None:
    """The plans in force: built-in and FRAMELOOM_PLANS (no database needed)."""
    from frameloom.settings import load_settings

    table_of = load_settings().plan_table()
    if as_json:
        _echo_json({name: asdict(limits) for name, limits in table_of.items()})
        return
    table = Table(title="Plans (-: no limit)", title_justify="left")
    columns = ("plan", "signup credits", "export", "max long side", "max video", "concurrent jobs", "requests/min")
    for name in columns:
        table.add_column(name, justify="left" if name == "plan" else "right")

    def cell(value: object, unit: str = "") -> str:
        return "-" if value is None else f"{value:g}{unit}" if isinstance(value, float) else f"{value}{unit}"

    for limits in table_of.values():
        table.add_row(limits.name, str(limits.signup_credits), "yes" if limits.export else "no",
                      cell(limits.max_long_side, " px"), cell(limits.max_video_s, " s"),
                      cell(limits.concurrent_jobs), cell(limits.requests_per_minute))
    _console().print(table)
