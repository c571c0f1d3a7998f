from __future__ import annotations

from flask import Flask
from sqlalchemy import func, select

from maturity.extensions import db
from maturity.models import Centre, CentreRegistration, Membership, Organisation, User


def counts(app: Flask) -> tuple[int, ...]:
    with app.app_context():
        return tuple(
            db.session.scalar(select(func.count()).select_from(model)) or 0
            for model in (User, Organisation, Membership, Centre, CentreRegistration)
        )


def test_seed_demo_is_idempotent_and_prints_logins(app: Flask) -> None:
    runner = app.test_cli_runner()
    first = runner.invoke(args=["seed", "demo"])
    assert first.exit_code == 0, first.output
    assert "manager@demo.maturity.local  /  demo-manager-2026" in first.output
    assert "consultant@demo.maturity.local" in first.output
    assert "reviewer@demo.maturity.local" in first.output
    after_first = counts(app)
    assert after_first == (4, 1, 2, 1, 1)
    second = runner.invoke(args=["seed", "demo"])
    assert second.exit_code == 0 and "nothing created" in second.output
    assert counts(app) == after_first
    with app.app_context():
        user = db.session.scalar(select(User).where(User.email == "manager@demo.maturity.local"))
        assert user is not None and user.check_password("demo-manager-2026")
        registration = db.session.scalars(select(CentreRegistration)).one()
        assert registration.has_consent


def test_seed_demo_refuses_production(app: Flask) -> None:
    app.config["ENV_NAME"] = "production"
    result = app.test_cli_runner().invoke(args=["seed", "demo"])
    assert result.exit_code != 0 and "refusing" in result.output
    assert counts(app) == (0, 0, 0, 0, 0)
