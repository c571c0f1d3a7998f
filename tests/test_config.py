from __future__ import annotations

import threading
from pathlib import Path

import pytest

from maturity import create_app
from maturity.config import ConfigError, load_config, normalise_database_url


def test_development_defaults_sqlite_and_a_kept_secret_key(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    for name in ("MATURITY_ENV", "MATURITY_SECRET_KEY", "MATURITY_DATABASE_URL"):
        monkeypatch.delenv(name, raising=False)
    first = load_config(tmp_path)
    assert first["SQLALCHEMY_DATABASE_URI"] == f"sqlite:///{tmp_path / 'maturity.sqlite3'}"
    assert len(first["SECRET_KEY"]) == 64
    assert (tmp_path / "secret_key").stat().st_mode & 0o777 == 0o600
    assert load_config(tmp_path)["SECRET_KEY"] == first["SECRET_KEY"]
    assert first["SESSION_COOKIE_SECURE"] is False


def test_workers_starting_together_agree_on_one_secret_key(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """gunicorn boots its workers at once; none may crash or pick its own key."""
    for name in ("MATURITY_ENV", "MATURITY_SECRET_KEY", "MATURITY_DATABASE_URL"):
        monkeypatch.delenv(name, raising=False)
    real_exists = Path.exists
    # Every worker checks before any has written: the losing side of the race.
    monkeypatch.setattr(
        Path, "exists", lambda path: False if path.name == "secret_key" else real_exists(path)
    )
    barrier = threading.Barrier(8)
    keys: list[str] = []
    errors: list[BaseException] = []

    def start_worker() -> None:
        barrier.wait()
        try:
            keys.append(load_config(tmp_path)["SECRET_KEY"])
        except BaseException as error:  # reported by the assertion below
            errors.append(error)

    threads = [threading.Thread(target=start_worker) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert len(keys) == 8 and len(set(keys)) == 1 and len(keys[0]) == 64
    assert sorted(p.name for p in tmp_path.iterdir()) == ["secret_key"]
    assert (tmp_path / "secret_key").stat().st_mode & 0o777 == 0o600


def test_production_refuses_to_start_without_secret_key(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("MATURITY_ENV", "production")
    monkeypatch.delenv("MATURITY_SECRET_KEY", raising=False)
    with pytest.raises(ConfigError):
        create_app(instance_path=str(tmp_path))
    assert not (tmp_path / "secret_key").exists()
    monkeypatch.setenv("MATURITY_SECRET_KEY", "x" * 40)
    monkeypatch.setenv("MATURITY_DATABASE_URL", f"sqlite:///{tmp_path / 'p.sqlite3'}")
    monkeypatch.setenv("MATURITY_BASE_URL", "https://maturity.example.cn")
    app = create_app(instance_path=str(tmp_path))
    assert app.config["SESSION_COOKIE_SECURE"] is True


def test_postgres_urls_use_psycopg3() -> None:
    assert normalise_database_url("postgresql://u@h/d") == "postgresql+psycopg://u@h/d"
    assert normalise_database_url("postgres://u@h/d") == "postgresql+psycopg://u@h/d"
    assert normalise_database_url("sqlite:///x") == "sqlite:///x"


def test_production_warns_when_rate_limits_are_counted_per_worker(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    monkeypatch.setenv("MATURITY_ENV", "production")
    monkeypatch.setenv("MATURITY_SECRET_KEY", "x" * 40)
    monkeypatch.setenv("MATURITY_DATABASE_URL", f"sqlite:///{tmp_path / 'p.sqlite3'}")
    monkeypatch.setenv("MATURITY_BASE_URL", "https://maturity.example.cn")
    monkeypatch.delenv("MATURITY_RATELIMIT_STORAGE_URI", raising=False)
    create_app(instance_path=str(tmp_path))
    assert "MATURITY_RATELIMIT_STORAGE_URI" in caplog.text
    caplog.clear()
    monkeypatch.setenv("MATURITY_RATELIMIT_STORAGE_URI", "redis://127.0.0.1:6379")
    create_app(instance_path=str(tmp_path))
    assert "MATURITY_RATELIMIT_STORAGE_URI" not in caplog.text
