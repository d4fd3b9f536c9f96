"""INSERT statements for generated rows, and writing a batch of them.

Generators write only the columns in :data:`.columns.COLUMNS`; each statement adds the
rest: the run's HLC stamp in ``updated_hlc``, aliases (an event's ``created_at`` and
``updated_at`` are its ``at``), and every other column's scalar default or NULL. A
column the generator cannot fill (required, no default) is reported by name, so a
model change cannot silently produce wrong rows.

Both the main process and the worker processes write with :func:`write_batch`, one
transaction per batch.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Mapping, Sequence
from typing import Any

from sqlalchemy import Table
from sqlalchemy.sql.schema import ScalarElementColumnDefault

from kamdesk.db.models import Base
from kamdesk.errors import KamdeskError, define
from kamdesk.i18n import N_
from kamdesk.services.demo.columns import ALIASES, COLUMNS

define(
    {
        "demo.schema_mismatch": N_(
            "The demo generator does not know how to fill column {column} of table {table}; "
            "the data model changed and the generator must be updated."
        ),
    }
)


def _literal(value: Any) -> str:
    if value is None:
        return "NULL"
    if isinstance(value, bool):
        return str(int(value))
    if isinstance(value, int | float):
        return repr(value)
    if isinstance(value, str):
        return "'" + value.replace("'", "''") + "'"
    raise TypeError(f"no SQL literal for {value!r}")


def _fill(table: Table, name: str, overrides: Mapping[str, Any]) -> str:
    """SQL for a column the generators do not write."""
    if name in ALIASES.get(table.name, {}):
        return f"?{COLUMNS[table.name].index(ALIASES[table.name][name]) + 1}"
    if name in overrides:
        return _literal(overrides[name])
    column = table.c[name]
    default = column.default
    if isinstance(default, ScalarElementColumnDefault):
        return _literal(default.arg)
    if default is None and column.server_default is None and column.nullable:
        return "NULL"
    raise KamdeskError("demo.schema_mismatch", table=table.name, column=name)


def insert_statements(hlc: str) -> dict[str, str]:
    """``table → INSERT`` taking the generated columns as ``?1 … ?n``."""
    overrides = {"updated_hlc": hlc}
    statements = {}
    for name, generated in COLUMNS.items():
        table = Base.metadata.tables[name]
        unknown = [c for c in generated if c not in table.c]
        if unknown:
            raise KamdeskError("demo.schema_mismatch", table=name, column=unknown[0])
        names = list(generated)
        values = [f"?{i}" for i in range(1, len(generated) + 1)]
        for column in table.c:
            if column.name not in generated:
                names.append(column.name)
                values.append(_fill(table, column.name, overrides))
        statements[name] = f"INSERT INTO {name} ({', '.join(names)}) VALUES ({', '.join(values)})"
    return statements


def write_batch(
    db: sqlite3.Connection,
    statements: Mapping[str, str],
    batch: Mapping[str, Sequence[tuple[Any, ...]]],
) -> dict[str, int]:
    """Insert ``batch`` (table → rows) in one transaction; returns rows per table."""
    counts: dict[str, int] = {}
    db.execute("BEGIN IMMEDIATE")
    try:
        for table, rows in batch.items():
            if rows:
                db.executemany(statements[table], rows)
                counts[table] = len(rows)
    except BaseException:
        db.execute("ROLLBACK")
        raise
    db.execute("COMMIT")
    return counts


def tune(db: sqlite3.Connection) -> bool:
    """Loading pragmas on ``db``; returns whether the rollback journal is off.

    No journal while loading: nothing is written twice (WAL, then checkpoint) and a
    crash damages only a file that is marked incomplete anyway. SQLite refuses to
    leave WAL while another connection has the file open; the load then runs in WAL
    mode, only slower.
    """
    try:
        mode = db.execute("PRAGMA journal_mode=OFF").fetchone()[0]
    except sqlite3.OperationalError:
        mode = "wal"
    db.execute("PRAGMA synchronous=OFF")
    db.execute("PRAGMA foreign_keys=OFF")
    db.execute("PRAGMA cache_size=-262144")
    db.execute("PRAGMA temp_store=MEMORY")
    return str(mode).lower() == "off"
