"""maturity: SME digital-transformation maturity self-assessment."""

from __future__ import annotations

import os
import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from flask import Flask
from flask.wrappers import Request
from werkzeug.routing import Map, MapAdapter


class Application(Flask):
    """Flask whose pages (the views, and the models they use) load on first need.

    Building them (importing the models and every view, compiling their URL rules)
    is most of the start-up of a process, which every command and every Celery worker
    would pay although most never serve a page. Everything that needs a page reads
    the URL map first: a request (matching its URL), ``url_for``, a test request
    context, ``flask routes``; so the map loads the pages the first time it is read.
    Web servers load them before their first request (gunicorn.conf.py).
    """

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        self._load_pages: Callable[[Flask], None] | None = None
        self._loading_pages = False
        # Re-entrant: registering the pages reads the URL map again.
        self._pages_lock = threading.RLock()
        super().__init__(*args, **kwargs)

    @property
    def url_map(self) -> Map:
        if self._load_pages is not None:
            self.load_pages()
        return self._url_map

    @url_map.setter
    def url_map(self, value: Map) -> None:
        self._url_map = value

    def create_url_adapter(self, request: Request | None) -> MapAdapter | None:
        """URLs built with the configured public address (``BASE_URL``), never with the
        Host header of the request, which the client chooses: a reset link mailed on a
        request that named another host would lead the reader there. Outside a request
        (a worker, a command) links are built from the same address."""
        base = urlsplit(self.config["BASE_URL"])
        if request is None:
            return self.url_map.bind(
                base.netloc, script_name=base.path or "/", url_scheme=base.scheme
            )
        adapter = super().create_url_adapter(request)
        if adapter is not None:
            adapter.server_name, adapter.url_scheme = base.netloc, base.scheme
        return adapter

    def load_pages_on_first_use(self, load: Callable[[Flask], None]) -> None:
        self._load_pages = load

    def load_pages(self) -> None:
        """Load the pages now if they have not been (threads wait for the first)."""
        with self._pages_lock:
            load = self._load_pages
            if load is None or self._loading_pages:
                return
            self._loading_pages = True
            try:
                load(self)
            finally:
                self._loading_pages = False
            self._load_pages = None


def create_app(
    test_config: dict[str, Any] | None = None, instance_path: str | None = None
) -> Application:
    app = Application(
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

    from maturity import mail, queue, storage, web

    queue.init_app(app)
    storage.init_app(app)
    web.init_app(app)
    mail.init_app(app)

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
    app.load_pages_on_first_use(register_pages)
    return app


def register_pages(app: Flask) -> None:
    """The feature modules' blueprints and the API (and through them the models)."""
    import maturity.models  # noqa: F401  (registers every table with the metadata)
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
