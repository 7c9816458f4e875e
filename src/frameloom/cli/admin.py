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
