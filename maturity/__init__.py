"""maturity: SME digital-transformation maturity self-assessment."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from flask import Flask


def create_app(
    test_config: dict[str, Any] | None = None, instance_path: str | None = None
) -> Flask:
    app = Flask(
        __name__,
        instance_path=instance_path or os.environ.get("MATURITY_INSTANCE_PATH") or None,
        instance_relative_config=True,
    )

    from maturity.config import load_config

    app.config.from_mapping(load_config(Path(app.instance_path)))
    if test_config:
        app.config.from_mapping(test_config)

    from maturity import extensions

    extensions.init_db(app)
    extensions.init_csrf(app)
    extensions.init_login(app)
    extensions.init_babel(app)
    extensions.init_limiter(app)
    extensions.init_security_headers(app)

    from maturity import storage, tasks

    tasks.init_app(app)
    storage.init_app(app)

    import maturity.models  # noqa: F401  (registers every table with the metadata)
    from maturity import mail, web
    from maturity.accounts import bp as accounts_bp
    from maturity.admin import bp as admin_bp
    from maturity.api import init_app as init_api
    from maturity.assessments import bp as assessments_bp
    from maturity.auth import bp as auth_bp
    from maturity.centres import bp as centres_bp
    from maturity.consultants import bp as consultants_bp
    from maturity.downloads import bp as downloads_bp
    from maturity.main import bp as main_bp
    from maturity.organisations import bp as organisations_bp

    web.init_app(app)
    mail.init_app(app)
    app.register_blueprint(main_bp)
    app.register_blueprint(auth_bp)
    app.register_blueprint(accounts_bp)
    app.register_blueprint(organisations_bp)
    app.register_blueprint(assessments_bp)
    app.register_blueprint(consultants_bp)
    app.register_blueprint(centres_bp)
    app.register_blueprint(admin_bp)
    app.register_blueprint(downloads_bp)
    init_api(app)

    from maturity.cli import init_app as init_cli

    init_cli(app)
    if not app.testing and os.environ.get("MATURITY_REQUEST_LOG", "on") != "off":
        # One JSON line per request on standard error (gunicorn passes it on).
        import logging

        requests = logging.getLogger("maturity.requests")
        if not requests.handlers:
            handler = logging.StreamHandler()
            handler.setFormatter(logging.Formatter("%(message)s"))
            requests.addHandler(handler)
            requests.setLevel(logging.INFO)
            requests.propagate = False
    return app
