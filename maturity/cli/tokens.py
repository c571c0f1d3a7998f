"""``flask tokens create|list|revoke``: personal API tokens."""

from __future__ import annotations

from typing import TYPE_CHECKING

import click
from flask.cli import AppGroup

from maturity.cli.common import fail

if TYPE_CHECKING:
    from maturity.models import User

tokens_cli = AppGroup("tokens", help="Personal API tokens.")


def _user(email: str) -> User:
    from maturity.services.accounts import find_by_email

    user = find_by_email(email)
    if user is None:
        fail([f"no user with email {email}"])
    return user


@tokens_cli.command("create")
@click.argument("email")
@click.option("--name", default="api", show_default=True, help="What the token is for.")
@click.option(
    "--scope",
    type=click.Choice(["read", "write"]),
    default="read",
    show_default=True,
    help="read, or read and write.",
)
@click.option("--days", type=click.IntRange(1, 366), default=None, help="Lifetime [default 90].")
def tokens_create_command(email: str, name: str, scope: str, days: int | None) -> None:
    """Create an API token for EMAIL and print it (it is shown only once)."""
    from flask import current_app

    from maturity.models import TokenScope
    from maturity.services.api_tokens import create

    lifetime = days or current_app.config["API_TOKEN_DAYS"]
    click.echo(create(_user(email), name, TokenScope(scope), lifetime))


@tokens_cli.command("list")
@click.argument("email")
def tokens_list_command(email: str) -> None:
    """Every token of EMAIL: id, name, scope, created, expires, last used, state."""
    from maturity.models._types import utcnow
    from maturity.services.api_tokens import of_user

    now = utcnow()
    click.echo("id\tname\tscope\tcreated\texpires\tlast used\tstate")
    for token in of_user(_user(email)):
        if token.revoked_at is not None:
            state = f"revoked {token.revoked_at:%Y-%m-%d %H:%M}"
        elif token.expires_at is not None and token.expires_at <= now:
            state = "expired"
        else:
            state = "active"
        click.echo(
            "\t".join(
                [
                    str(token.id),
                    token.name,
                    str(token.scope),
                    f"{token.created_at:%Y-%m-%d}",
                    f"{token.expires_at:%Y-%m-%d}" if token.expires_at else "never",
                    f"{token.last_used_at:%Y-%m-%d %H:%M}" if token.last_used_at else "never",
                    state,
                ]
            )
        )


@tokens_cli.command("revoke")
@click.argument("email")
@click.argument("token_id", type=int)
def tokens_revoke_command(email: str, token_id: int) -> None:
    """Revoke token TOKEN_ID of EMAIL."""
    from maturity.services.api_tokens import revoke

    if not revoke(_user(email), token_id):
        fail([f"{email} has no active token {token_id}"])
    click.echo(f"revoked token {token_id}")
