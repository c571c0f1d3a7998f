"""Moving all data between databases: ``flask export FILE`` and ``flask import FILE``.

The file is JSON Lines: a header line, then one line per row, table by table in
dependency order, values in JSON (dates as ISO 8601, decimals as strings). Import
refuses a database that already holds data, keeps every id, and resets
PostgreSQL's sequences afterwards. SQLite ↔ PostgreSQL in both directions.
"""

from __future__ import annotations

import base64
import json
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path
from typing import IO, Any

from sqlalchemy import Table, func, insert, select, text
from sqlalchemy.types import Date, DateTime, LargeBinary, Numeric

import maturity.models  # noqa: F401  (every table in the metadata: creating the app loads none)
from maturity.extensions import db

FORMAT = "maturity-export"
FORMAT_VERSION = 1
BATCH = 5_000


class BackupError(Exception):
    pass


def _tables() -> list[Table]:
    return list(db.metadata.sorted_tables)


def _encode(value: Any) -> Any:
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, bytes):
        return base64.b64encode(value).decode()
    if hasattr(value, "value") and not isinstance(value, bool | int | float | str):
        return value.value  # enum members
    return value


def _decoder(table: Table) -> dict[str, Any]:
    decoders: dict[str, Any] = {}
    for column in table.columns:
        kind = column.type
        impl = getattr(kind, "impl", kind)
        if isinstance(impl, DateTime):
            decoders[column.name] = lambda v: None if v is None else datetime.fromisoformat(v)
        elif isinstance(impl, Date):
            decoders[column.name] = lambda v: None if v is None else date.fromisoformat(v)
        elif isinstance(impl, Numeric) and getattr(impl, "asdecimal", False):
            decoders[column.name] = lambda v: None if v is None else Decimal(v)
        elif isinstance(impl, LargeBinary):
            decoders[column.name] = lambda v: None if v is None else base64.b64decode(v)
    return decoders


def export(target: IO[str]) -> dict[str, int]:
    counts: dict[str, int] = {}
    target.write(
        json.dumps(
            {"format": FORMAT, "version": FORMAT_VERSION, "tables": [t.name for t in _tables()]}
        )
        + "\n"
    )
    connection = db.session.connection()
    for table in _tables():
        key = list(table.primary_key.columns)
        result = connection.execution_options(yield_per=BATCH).execute(select(table).order_by(*key))
        count = 0
        for row in result:
            target.write(
                json.dumps(
                    {"t": table.name, "r": {k: _encode(v) for k, v in row._mapping.items()}},
                    ensure_ascii=False,
                )
                + "\n"
            )
            count += 1
        counts[table.name] = count
    db.session.commit()
    return counts


def import_(source: IO[str]) -> dict[str, int]:
    header = json.loads(source.readline() or "{}")
    if header.get("format") != FORMAT or header.get("version") != FORMAT_VERSION:
        raise BackupError("not a maturity export file (or from an unknown version)")
    tables = {t.name: t for t in _tables()}
    unknown = [name for name in header.get("tables", []) if name not in tables]
    if unknown:
        raise BackupError(f"the file has tables this version does not know: {', '.join(unknown)}")
    for table in tables.values():
        if db.session.execute(select(func.count()).select_from(table)).scalar_one():
            raise BackupError(
                f"the database is not empty (table {table.name} has rows); import needs an empty database"
            )
    decoders = {name: _decoder(table) for name, table in tables.items()}
    counts: dict[str, int] = {name: 0 for name in tables}
    pending: list[dict[str, Any]] = []
    current: str | None = None

    def flush() -> None:
        if pending and current is not None:
            db.session.execute(insert(tables[current]), pending)
            counts[current] += len(pending)
            pending.clear()

    for line_number, line in enumerate(source, start=2):
        if not line.strip():
            continue
        try:
            item = json.loads(line)
            name, row = item["t"], item["r"]
        except (ValueError, KeyError, TypeError) as error:
            raise BackupError(f"line {line_number}: not a row ({error})") from None
        if name not in tables:
            raise BackupError(f"line {line_number}: unknown table {name!r}")
        if name != current:
            flush()
            current = name
        for column, decode in decoders[name].items():
            if column in row:
                row[column] = decode(row[column])
        pending.append(row)
        if len(pending) >= BATCH:
            flush()
    flush()
    if db.engine.dialect.name == "postgresql":
        _reset_sequences(tables.values())
    db.session.commit()
    return counts


def _reset_sequences(tables: Any) -> None:
    """After explicit ids, let PostgreSQL's sequences continue above them."""
    quote = db.engine.dialect.identifier_preparer.quote
    for table in tables:
        key = list(table.primary_key.columns)
        if len(key) != 1 or key[0].foreign_keys:
            continue
        column = key[0]
        sequence = db.session.execute(
            text("SELECT pg_get_serial_sequence(:table, :column)"),
            {"table": quote(table.name), "column": column.name},
        ).scalar()
        if sequence:
            db.session.execute(
                text(
                    f"SELECT setval(:sequence, coalesce((SELECT max({quote(column.name)}) "
                    f"FROM {quote(table.name)}), 0) + 1, false)"
                ),
                {"sequence": sequence},
            )


def export_file(path: Path) -> dict[str, int]:
    with path.open("w", encoding="utf-8") as handle:
        return export(handle)


def import_file(path: Path) -> dict[str, int]:
    with path.open(encoding="utf-8") as handle:
        return import_(handle)
