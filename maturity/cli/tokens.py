"""``flask tokens create``: personal API tokens."""

from __future__ import annotations

import click
from flask.cli import AppGroup
from sqlalchemy import func, select

from maturity.cli.common import fail

tokens_cli = AppGroup("tokens", help="Personal API tokens.")


@tokens_cli.command("create")
@click.argument("email")
@click.option("--name", default="api", show_default=True, help="What the token is for.")
def tokens_create_command(email: str, name: str) -> None:
    """Create an API token for EMAIL and print it (it is shown only once)."""
    from maturity.api.tokens import create
    from maturity.extensions import db
    from maturity.models import User

    user = db.session.scalar(select(User).where(func.lower(User.email) == email.strip().lower()))
    if user is None:
        fail([f"no user with email {email}"])
    click.echo(create(user, name))
