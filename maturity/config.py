"""Settings read from the environment, with safe development defaults.

Every setting is named ``MATURITY_<NAME>`` in the environment and ``<NAME>`` in
``app.config``.
"""

from __future__ import annotations

import contextlib
import os
import secrets
import tempfile
from collections.abc import Callable
from datetime import timedelta
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

SECRET_KEY_FILE = "secret_key"


class ConfigError(RuntimeError):
    """The application refuses to start with this configuration."""


def _env_bool(name: str, default: bool) -> bool:
    raw = os.environ.get(name)
    if raw is None:
        return default
    return raw.strip().lower() in {"1", "true", "yes", "on"}


def _instance_secret_key(instance_path: Path) -> str:
    """Generate a secret key once and keep it in the instance folder.

    Several server workers may start at the same moment with no key yet, so the
    key is written to a private temporary file and linked into place: linking
    fails when another process got there first, and nobody ever reads a file
    that is still being written. The loser uses the winner's key.
    """
    key_file = instance_path / SECRET_KEY_FILE
    if key_file.exists():
        return key_file.read_text().strip()
    fd, temporary = tempfile.mkstemp(dir=instance_path, prefix=".secret_key-")
    try:
        with os.fdopen(fd, "w") as handle:
            handle.write(secrets.token_hex(32))
        with contextlib.suppress(FileExistsError):  # another worker won
            os.link(temporary, key_file)
    finally:
        os.unlink(temporary)
    return key_file.read_text().strip()


def normalise_database_url(url: str) -> str:
    """Use psycopg 3 for plain ``postgresql://`` URLs."""
    for prefix in ("postgres://", "postgresql://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix) :]
    return url


# Where `flask run` and `./dev serve` answer unless told otherwise.
DEVELOPMENT_BASE_URL = "http://127.0.0.1:5000"
# Names a developer's browser may use for the development server.
LOOPBACK_HOSTS = ("127.0.0.1", "localhost")


def public_base_url(raw: str) -> str:
    """The application's public address as ``scheme://host[:port][/path]``, without a
    trailing slash; ConfigError for anything else (a query, a fragment, no host)."""
    value = raw.strip().rstrip("/")
    parts = urlsplit(value)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise ConfigError(
            f"MATURITY_BASE_URL must be an http:// or https:// address with a host, not {raw!r}"
        )
    if parts.query or parts.fragment or parts.username or parts.password:
        raise ConfigError(
            f"MATURITY_BASE_URL is the site's address only (no login, query or fragment): {raw!r}"
        )
    return value


def trusted_hosts(base_url: str, extra: str, production: bool) -> list[str]:
    """The host names requests may carry: the public address's, those listed in
    MATURITY_TRUSTED_HOSTS (a health check on an internal name, say), and in
    development the loopback names."""
    hosts = [urlsplit(base_url).hostname or ""]
    hosts += [host.strip().lower() for host in extra.split(",") if host.strip()]
    if not production:
        hosts += LOOPBACK_HOSTS
    return list(dict.fromkeys(hosts))


def load_config(instance_path: Path) -> dict[str, Any]:
    env = os.environ.get("MATURITY_ENV", "development").strip().lower()
    production = env == "production"
    instance_path.mkdir(parents=True, exist_ok=True)

    raw_base_url = os.environ.get("MATURITY_BASE_URL")
    if not raw_base_url:
        if production:
            raise ConfigError(
                "MATURITY_BASE_URL must be set when MATURITY_ENV=production (e.g. "
                "https://maturity.example.cn): every link the platform mails is built from it."
            )
        raw_base_url = DEVELOPMENT_BASE_URL
    base_url = public_base_url(raw_base_url)

    secret_key = os.environ.get("MATURITY_SECRET_KEY")
    if not secret_key:
        if production:
            raise ConfigError(
                "MATURITY_SECRET_KEY must be set when MATURITY_ENV=production; "
                "refusing to start with a generated key."
            )
        secret_key = _instance_secret_key(instance_path)

    storage_dir = Path(os.environ.get("MATURITY_STORAGE_DIR") or instance_path)
    database_url = os.environ.get("MATURITY_DATABASE_URL") or (
        f"sqlite:///{instance_path / 'maturity.sqlite3'}"
    )

    return {
        "ENV_NAME": env,
        "SECRET_KEY": secret_key,
        # The one public address every absolute link is built from (maturity.Application),
        # and the only host names requests may name (Flask answers others with 400).
        "BASE_URL": base_url,
        "TRUSTED_HOSTS": trusted_hosts(
            base_url, os.environ.get("MATURITY_TRUSTED_HOSTS", ""), production
        ),
        "SQLALCHEMY_DATABASE_URI": normalise_database_url(database_url),
        "SQLALCHEMY_ENGINE_OPTIONS": {"pool_pre_ping": True},
        "SQLITE_BUSY_TIMEOUT_MS": int(os.environ.get("MATURITY_SQLITE_BUSY_TIMEOUT_MS", "15000")),
        "BABEL_DEFAULT_LOCALE": "zh",
        "BABEL_DEFAULT_TIMEZONE": os.environ.get("MATURITY_TIMEZONE", "Asia/Shanghai"),
        "LANGUAGES": ("zh", "en"),
        "QUESTIONNAIRES_DIR": os.environ.get("MATURITY_QUESTIONNAIRES_DIR")
        or str(Path(__file__).resolve().parent.parent / "questionnaires"),
        "SEEDS_DIR": os.environ.get("MATURITY_SEEDS_DIR")
        or str(Path(__file__).resolve().parent.parent / "seeds"),
        # Files every web server and worker must see: on more than one machine, a
        # folder they share (docs/operations/production.md, "More than one machine").
        "REPORT_CACHE_DIR": os.environ.get("MATURITY_REPORT_CACHE_DIR")
        or str(storage_dir / "report-cache"),
        "REPORT_JOBS_DIR": os.environ.get("MATURITY_REPORT_JOBS_DIR")
        or str(storage_dir / "report-jobs"),
        # Uploaded organisation lists waiting for a worker to import them.
        "IMPORT_UPLOADS_DIR": os.environ.get("MATURITY_IMPORT_UPLOADS_DIR")
        or str(storage_dir / "imports"),
        # Uploaded proofs (business licences), named by the platform.
        "DOCUMENTS_DIR": os.environ.get("MATURITY_DOCUMENTS_DIR") or str(storage_dir / "documents"),
        # Evidence files of answers, named by the platform; and how much they may hold.
        "EVIDENCE_DIR": os.environ.get("MATURITY_EVIDENCE_DIR") or str(storage_dir / "evidence"),
        "EVIDENCE_FILE_MB": int(os.environ.get("MATURITY_EVIDENCE_FILE_MB", "10")),
        "EVIDENCE_ROUND_MB": int(os.environ.get("MATURITY_EVIDENCE_ROUND_MB", "100")),
        # Compiled templates, so that a new web worker, Celery worker or command does
        # not compile the same templates again (the report's are many); local to a
        # machine.
        "TEMPLATE_CACHE_DIR": os.environ.get("MATURITY_TEMPLATE_CACHE_DIR")
        or str(instance_path / "template-cache"),
        "REPORT_RETENTION_DAYS": int(os.environ.get("MATURITY_REPORT_RETENTION_DAYS", "30")),
        # Background work (maturity/queue.py): without a broker, tasks run in the
        # process that queues them.
        "BROKER_URL": os.environ.get("MATURITY_BROKER_URL") or None,
        "TASK_QUEUE": os.environ.get("MATURITY_TASK_QUEUE", "maturity"),
        "TASK_VISIBILITY_SECONDS": int(os.environ.get("MATURITY_TASK_VISIBILITY_SECONDS", "300")),
        "QUESTIONNAIRE_KEY": os.environ.get("MATURITY_QUESTIONNAIRE_KEY", "sme-digital"),
        "INVITATION_DAYS": int(os.environ.get("MATURITY_INVITATION_DAYS", "7")),
        **_release_settings(),
        "SESSION_COOKIE_HTTPONLY": True,
        "SESSION_COOKIE_SAMESITE": "Lax",
        "SESSION_COOKIE_SECURE": _env_bool("MATURITY_SECURE_COOKIES", production),
        "REMEMBER_COOKIE_SECURE": _env_bool("MATURITY_SECURE_COOKIES", production),
        "REMEMBER_COOKIE_HTTPONLY": True,
        "WTF_CSRF_ENABLED": True,
        "MAX_CONTENT_LENGTH": int(os.environ.get("MATURITY_MAX_UPLOAD_MB", "5")) * 1024 * 1024,
        "FORCE_HTTPS": _env_bool("MATURITY_FORCE_HTTPS", False),
        "LOGIN_RATE_LIMIT": os.environ.get("MATURITY_LOGIN_RATE_LIMIT", "10 per minute"),
        # A browser that logged in keeps its own allowance of failed logins this long.
        "DEVICE_COOKIE_DAYS": int(os.environ.get("MATURITY_DEVICE_COOKIE_DAYS", "365")),
        "RATELIMIT_STORAGE_URI": os.environ.get("MATURITY_RATELIMIT_STORAGE_URI", "memory://"),
        "WTF_CSRF_TIME_LIMIT": None,
        **_account_settings(instance_path, production),
    }


def _release_settings() -> dict[str, Any]:
    """The budget of releases (docs/methodology/peer-figures.md): the smallest count shown and
    the privacy loss ρ of one centre release and of one benchmark release (None: the
    defaults of maturity.core.releases, which this module does not import)."""

    def positive(name: str, parse: Callable[[str], float]) -> Any:
        raw = os.environ.get(name, "").strip()
        if not raw:
            return None
        try:
            value = parse(raw)
        except ValueError:
            value = 0
        if not value > 0:
            raise ConfigError(f"{name} must be a positive number, not {raw!r}")
        return value

    return {
        "RELEASE_K": positive("MATURITY_RELEASE_K", int) or 10,
        "RELEASE_RHO": positive("MATURITY_RELEASE_RHO", float),
        "BENCHMARK_RHO": positive("MATURITY_BENCHMARK_RHO", float),
    }


def _account_settings(instance_path: Path, production: bool) -> dict[str, Any]:
    """Sessions, e-mail links, API tokens and the mail server (Flask-Mailman's names)."""
    remember_days = int(os.environ.get("MATURITY_REMEMBER_DAYS", "30"))
    return {
        "SESSION_IDLE_HOURS": float(os.environ.get("MATURITY_SESSION_IDLE_HOURS", "12")),
        "REMEMBER_DAYS": remember_days,
        "REMEMBER_COOKIE_DURATION": timedelta(days=remember_days),
        "REMEMBER_COOKIE_SAMESITE": "Lax",
        "RESET_LINK_MINUTES": int(os.environ.get("MATURITY_RESET_LINK_MINUTES", "60")),
        "CONFIRM_LINK_HOURS": int(os.environ.get("MATURITY_CONFIRM_LINK_HOURS", "24")),
        "PRIVACY_CONTACT": os.environ.get(
            "MATURITY_PRIVACY_CONTACT", "the administrator of this platform / 本平台管理员"
        ),
        "API_TOKEN_DAYS": int(os.environ.get("MATURITY_API_TOKEN_DAYS", "90")),
        # In development mail is written to a folder instead of needing a server.
        "MAIL_BACKEND": os.environ.get("MATURITY_MAIL_BACKEND", "smtp" if production else "file"),
        "MAIL_FILE_PATH": os.environ.get("MATURITY_MAIL_DIR") or str(instance_path / "mail"),
        "MAIL_SERVER": os.environ.get("MATURITY_MAIL_SERVER", "localhost"),
        "MAIL_PORT": int(os.environ.get("MATURITY_MAIL_PORT", "25")),
        "MAIL_USERNAME": os.environ.get("MATURITY_MAIL_USERNAME") or None,
        "MAIL_PASSWORD": os.environ.get("MATURITY_MAIL_PASSWORD") or None,
        "MAIL_USE_TLS": _env_bool("MATURITY_MAIL_USE_TLS", False),
        "MAIL_USE_SSL": _env_bool("MATURITY_MAIL_USE_SSL", False),
        "MAIL_TIMEOUT": int(os.environ.get("MATURITY_MAIL_TIMEOUT", "20")),
        "MAIL_DEFAULT_SENDER": os.environ.get(
            "MATURITY_MAIL_SENDER", "maturity <no-reply@maturity.local>"
        ),
    }
