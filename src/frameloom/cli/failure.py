"""The remote commands' user-facing failure: one ``error: ...`` line on stderr and exit status 2."""

from __future__ import annotations

from typing import IO, Any

import click

EXIT_USER_ERROR = 2


class CliFailure(click.ClickException):
    """A failure the user can act on (the message says how); click shows it and exits with 2."""

    exit_code = EXIT_USER_ERROR

    def show(self, file: IO[Any] | None = None) -> None:
        first, *rest = self.message.splitlines() or [""]
        click.echo(f"error: {first}", err=True)
        for line in rest:
            click.echo(f"  {line}", err=True)
