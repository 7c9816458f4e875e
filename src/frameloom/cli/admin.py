"""``frameloom admin ...``: operate the service's database directly (no server needed)."""

from __future__ import annotations

import re

import click

from frameloom.domain.errors import InvalidRequest

_AMOUNT = re.compile(r"^[+-]?\d{1,12}$")


@click.group()
def admin() -> None:
    """Operate the service: credits and accounts."""


@admin.command(context_settings={"ignore_unknown_options": True})
@click.argument("account")
@click.argument("amount")
def credits(account: str, amount: str) -> None:
    """Add credits to ACCOUNT (an account id or email): +N adds, -N takes away (never below 0)."""
    from frameloom.services.clock import system_clock
    from frameloom.services.credits import CreditService
    from frameloom.settings import load_settings
    from frameloom.store.db import Database

    if not _AMOUNT.match(amount):
        raise InvalidRequest.of("amount", f"{amount!r}: write +N or -N, e.g. +50")
    settings = load_settings()
    db = Database(settings.resolved_database_url)
    try:
        db.migrate()
        account_id, balance = CreditService(db, system_clock).top_up(account, int(amount))
    finally:
        db.dispose()
    click.echo(f"{account_id}: available {balance.available}, frozen {balance.frozen} ({int(amount):+d})")
