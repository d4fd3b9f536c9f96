"""Writing rows that come from HQ into the desktop database (capture is off for them).

Payloads are JSON-safe column values by column name; :func:`from_json` turns them back
into what the column types expect (money ``Decimal``, aware instants, dates).
Columns a newer HQ knows and this desktop does not are ignored (schema changes are
additive first).

Hazard: work-order events are append-only locally (triggers refuse UPDATE of their
columns and DELETE). :func:`write_row` therefore only refreshes an existing event's
sync columns, and :func:`remove_row` lifts the DELETE trigger inside the caller's
transaction for the one case HQ decides: an event HQ refused.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterable
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import Column, Date, Table, delete, select, text
from sqlalchemy.dialects.sqlite import Insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Session

from kamdesk.db.models import Base
from kamdesk.db.models.base import AwareDateTime, Money
from kamdesk.sync.capture import json_value

APPEND_ONLY_LOCAL = frozenset({"work_order_events"})
SYNC_COLUMNS = ("row_version", "updated_hlc", "updated_at")


def table_of(name: str) -> Table | None:
    table = Base.metadata.tables.get(name)
    return table if table is not None and "row_version" in table.c else None


Converter = Callable[[Any], Any]


def _money(value: Any) -> Decimal:
    return Decimal(str(value))


def _instant(value: Any) -> datetime:
    return datetime.fromisoformat(str(value))


def _day(value: Any) -> date:
    return date.fromisoformat(str(value))


def _converter(column: Column[Any]) -> Converter | None:
    """What turns a JSON value into the column type's (None: the JSON value is it)."""
    kind = column.type
    if isinstance(kind, Money):
        return _money
    if isinstance(kind, AwareDateTime):
        return _instant
    if isinstance(kind, Date):
        return _day
    return None


def from_json(column: Column[Any], value: Any) -> Any:
    convert = _converter(column)
    return value if value is None or convert is None else convert(value)


@functools.lru_cache(maxsize=128)
def _converters(table: Table) -> tuple[tuple[str, Converter | None], ...]:
    """Each column of ``table`` with its :func:`_converter`, decided once per table."""
    return tuple((column.name, _converter(column)) for column in table.c)


def to_columns(table: Table, payload: dict[str, Any]) -> dict[str, Any]:
    """The columns of ``table`` that ``payload`` sets, as the column types expect them
    (as :func:`from_json` converts them)."""
    values: dict[str, Any] = {}
    for name, convert in _converters(table):
        if name in payload:
            value = payload[name]
            values[name] = value if convert is None or value is None else convert(value)
    return values


def read_row(session: Session, table: Table, row_id: str) -> dict[str, Any] | None:
    """The local row as JSON-safe values, or ``None``."""
    row = session.execute(select(table).where(table.c.id == row_id)).mappings().one_or_none()
    return None if row is None else {k: json_value(v) for k, v in row.items()}


def write_row(session: Session, table: Table, payload: dict[str, Any]) -> None:
    """Insert or overwrite the row ``payload`` describes."""
    write_rows(session, table, [payload])


def write_rows(session: Session, table: Table, payloads: Iterable[dict[str, Any]]) -> None:
    """Insert or overwrite the rows ``payloads`` describe: one executemany per column set,
    each with a statement compiled once per process."""
    by_names: dict[tuple[str, ...], list[dict[str, Any]]] = {}
    for payload in payloads:
        values = to_columns(table, payload)
        by_names.setdefault(tuple(values), []).append(values)
    for names, params in by_names.items():
        session.execute(_upsert(table, names), params)


@functools.lru_cache(maxsize=512)
def _upsert(table: Table, names: tuple[str, ...]) -> Insert:
    """``INSERT … ON CONFLICT (id) DO UPDATE`` of ``names`` (sync columns only for
    append-only tables), taking the new values from ``excluded``."""
    statement = sqlite_insert(table)
    if table.name in APPEND_ONLY_LOCAL:
        changes = [n for n in SYNC_COLUMNS if n in names]
    else:
        changes = [n for n in names if n != "id"]
    if not changes:
        return statement.on_conflict_do_nothing(index_elements=["id"])
    return statement.on_conflict_do_update(
        index_elements=["id"], set_={n: statement.excluded[n] for n in changes}
    )


def remove_row(session: Session, table: Table, row_id: str) -> None:
    """Delete a row HQ refused and never accepted (lifting the append-only trigger)."""
    remove_rows(session, table, [row_id])


def remove_rows(session: Session, table: Table, row_ids: list[str]) -> None:
    """Delete rows HQ decided away (a refused event, a purged tombstone), lifting the
    table's DELETE triggers inside the caller's transaction."""
    if not row_ids:
        return
    triggers = session.execute(
        text("SELECT name, sql FROM sqlite_master WHERE type = 'trigger' AND tbl_name = :t"),
        {"t": table.name},
    ).all()
    guards = [(name, sql) for name, sql in triggers if "DELETE" in str(sql).upper()]
    for name, _sql in guards:
        session.execute(text(f'DROP TRIGGER "{name}"'))
    session.execute(delete(table).where(table.c.id.in_(row_ids)))
    for _name, sql in guards:
        session.execute(text(sql))
