"""The maintained KPI summary ``kpi_month_sums``: exact sums per month and dimension key.

Every row is the sum of the family rows of :mod:`kamdesk.services.kpi.facts` for one
local month (flows) or month boundary (account state), one code and one key of one
dimension (total, branch, group, AM, product, workstation). Because the families are
the very SELECTs of the raw engine and every contribution is an integer, a summed
month equals the raw computation exactly.

Maintenance:
- :func:`rebuild` recounts everything (after bulk loads: the demo generator,
  imports that bypass the ORM) and writes the row of ``kpi_summary_state`` that
  marks the table usable, with the range of month boundaries holding account state;
  :func:`cover` widens that range (after ORM writes of earlier months).
- :func:`count_subjects` and :func:`apply_delta` let the session hook of
  :mod:`kamdesk.services.kpi.summary_hooks` subtract the old contribution of the
  changed entities before a flush and add the new one after it, in the same
  transaction.

Hazards: the work happens in TEMP tables of the session's connection (``kpi_delta``,
``kpi_subjects``, ``kpi_bounds``, ``kpi_calendar``, ``kpi_stage``), so every step of
one maintenance must run on the same connection. Account state exists only for the
boundaries of the marker's range; a period outside it is computed from the raw rows.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import Connection, Engine, text
from sqlalchemy.orm import Session

from kamdesk.db.models import KpiMonthSum
from kamdesk.domain.clock import local, utcnow
from kamdesk.domain.kpi.figures import TARGET_SCOPE, Dimension
from kamdesk.domain.kpi.period import Period
from kamdesk.services.kpi.facts import SUMMARY_FAMILIES, Family, Span, code_column
from kamdesk.services.kpi.params import fill_calendar, fixed_params, offset_modifier, stored

VERSION = 1
STATE_CODE = "@"
"""Prefix of the account-state codes (``@K08``: active accounts, ``@K15``: covered)."""

KEY_COLUMN: dict[Dimension, str] = {
    Dimension.TOTAL: "''",
    Dimension.BRANCH: "branch",
    Dimension.GROUP: "grp",
    Dimension.AM: "am",
    Dimension.PRODUCT: "product",
    Dimension.WORKSTATION: "ws",
}
_MONTH_OF = {
    Span.INSTANT: "strftime('%Y-%m-01', at, :offset)",
    Span.MONTH: "strftime('%Y-%m-01', at)",
    Span.STATE: "at",
}
_KEYS = "branch, grp, am, product, ws, scope, bucket"
_TEMP_TABLES = (
    f"CREATE TEMP TABLE IF NOT EXISTS kpi_delta (month TEXT, code TEXT, {_KEYS}, "
    "n INTEGER, d INTEGER)",
    "CREATE TEMP TABLE IF NOT EXISTS kpi_subjects (kind TEXT, id TEXT, PRIMARY KEY (kind, id))",
    "CREATE TEMP TABLE IF NOT EXISTS kpi_bounds (month TEXT PRIMARY KEY, at TEXT)",
)


@dataclass(frozen=True)
class Marker:
    """The summary is complete; account state is held for boundaries ``first``…``last``."""

    first: date
    last: date

    def holds_state(self, period: Period) -> bool:
        after = period.months()[-1]
        after = date(after.year + after.month // 12, after.month % 12 + 1, 1)
        return self.first <= period.first and after <= self.last


def read_marker(connection: Connection) -> Marker | None:
    """The marker when the summary is complete and of this version, else ``None``."""
    row = connection.execute(
        text("SELECT version, first, last FROM kpi_summary_state WHERE id = 1")
    ).first()
    if row is None or row[0] != VERSION:
        return None
    return Marker(date.fromisoformat(row[1]), date.fromisoformat(row[2]))


def forget_marker(session: Session) -> None:
    """Mark the summary incomplete (the engine reads the raw rows until a rebuild)."""
    session.execute(text("DELETE FROM kpi_summary_state"))


def _write_marker(session: Session, marker: Marker) -> None:
    session.execute(
        text("INSERT OR REPLACE INTO kpi_summary_state (id, version, first, last) "
             "VALUES (1, :v, :f, :l)"),
        {"v": VERSION, "f": marker.first.isoformat(), "l": marker.last.isoformat()},
    )  # fmt: skip


def _next_month(day: date) -> date:
    return date(day.year + day.month // 12, day.month % 12 + 1, 1)


def _params(session: Session, first: date | None, last: date | None) -> dict[str, Any]:
    today = local(utcnow()).date()
    promise = fill_calendar(session, first or today, last or first or today)
    return fixed_params(Period(today, today), promise)


def prepare(session: Session, marker: Marker) -> None:
    """Create the TEMP tables and fill ``kpi_bounds`` with the marker's boundaries."""
    for statement in _TEMP_TABLES:
        session.execute(text(statement))
    session.execute(text("DELETE FROM temp.kpi_bounds"))
    bounds, month = [], marker.first
    while month <= marker.last:
        bounds.append({"m": month.isoformat(), "at": stored(Period(month, month).start)})
        month = _next_month(month)
    session.execute(text("INSERT INTO temp.kpi_bounds (month, at) VALUES (:m, :at)"), bounds)


def _staged(family: Family, where: str) -> str:
    """The family rows matching ``where`` summed per month and finest key (a SELECT)."""
    sums = ", ".join(
        f"coalesce(sum(n_{col}), 0) AS n{i}, coalesce(sum(d_{col}), 0) AS d{i}"
        for i, col in enumerate(map(code_column, family.codes))
    )
    return (
        f"SELECT {_MONTH_OF[family.span]} AS month, {_KEYS}, {sums} "
        f"FROM ({family.rows(where)}) GROUP BY 1, {_KEYS}"
    )


def _count(
    session: Session, family: Family, where: str, sign: int, params: Mapping[str, Any]
) -> None:
    """Add ``sign`` × the family rows matching ``where``, per month and finest key, to
    ``temp.kpi_delta``."""
    session.execute(text("DROP TABLE IF EXISTS temp.kpi_stage"))
    session.execute(text(f"CREATE TEMP TABLE kpi_stage AS {_staged(family, where)}"), params)
    _add_stage(session, family, sign)


def _add_stage(session: Session, family: Family, sign: int) -> None:
    """Add ``sign`` × ``temp.kpi_stage`` (one family's sums) to ``temp.kpi_delta``."""
    prefix = STATE_CODE if family.span is Span.STATE else ""
    for i, code in enumerate(family.codes):
        session.execute(
            text(
                f"INSERT INTO temp.kpi_delta SELECT month, :code, {_KEYS}, "
                f":sign * n{i}, :sign * d{i} FROM temp.kpi_stage WHERE n{i} != 0 OR d{i} != 0"
            ),
            {"code": prefix + code, "sign": sign},
        )


_SUM_COLUMNS = "(dim, month, code, key, product, bucket, n, d)"
_ADD_ON_CONFLICT = (
    "ON CONFLICT (dim, month, code, key, product, bucket) "
    "DO UPDATE SET n = n + excluded.n, d = d + excluded.d"
)


def _rollup(dim: Dimension) -> tuple[str, dict[str, Any]]:
    """SELECT of ``temp.kpi_delta`` summed into ``kpi_month_sums`` rows of ``dim``."""
    column = KEY_COLUMN[dim]
    sql = (
        f"SELECT :dim, month, code, {column}, "
        "CASE WHEN code = 'K13' THEN coalesce(product, '') ELSE '' END, "
        "coalesce(bucket, ''), sum(n), sum(d) FROM temp.kpi_delta "
        f"WHERE {column} IS NOT NULL AND (scope IS NULL OR scope = :scope) "
        "GROUP BY 2, 3, 4, 5, 6"
    )
    return sql, {"dim": dim.value, "scope": TARGET_SCOPE.get(dim)}


def apply_delta(session: Session) -> None:
    """Add ``temp.kpi_delta`` to ``kpi_month_sums`` for every dimension, then empty it."""
    for dim in KEY_COLUMN:
        select, params = _rollup(dim)
        session.execute(
            text(f"INSERT INTO kpi_month_sums {_SUM_COLUMNS} {select} {_ADD_ON_CONFLICT}"), params
        )
    session.execute(text("DELETE FROM temp.kpi_delta"))


def add_subjects(session: Session, subjects: Iterable[tuple[str, str]]) -> None:
    """Remember changed entities (``(kind, id)``) for :func:`count_subjects`."""
    rows = [{"k": kind, "i": ident} for kind, ident in subjects]
    if rows:
        session.execute(
            text("INSERT OR IGNORE INTO temp.kpi_subjects (kind, id) VALUES (:k, :i)"), rows
        )


_EXPANSIONS = (
    ("account", "SELECT s.id FROM temp.kpi_subjects s WHERE s.kind = 'customer'"),
    ("order", "SELECT x.id FROM temp.kpi_subjects s JOIN work_orders x "
              "ON x.customer_id = s.id WHERE s.kind = 'customer'"),
    ("complaint", "SELECT x.id FROM temp.kpi_subjects s JOIN complaints x "
                  "ON x.customer_id = s.id WHERE s.kind = 'customer'"),
    ("revenue", "SELECT x.id FROM temp.kpi_subjects s JOIN revenue_months x "
                "ON x.customer_id = s.id WHERE s.kind = 'customer'"),
    ("target", "SELECT x.id FROM temp.kpi_subjects s JOIN targets x "
               "ON x.scope = 'am' AND x.scope_id = s.id WHERE s.kind = 'staff'"),
)  # fmt: skip


def expand_subjects(session: Session) -> None:
    """Turn changed accounts into their account state, orders, complaints and revenue
    lines, and changed staff into their AM targets (as the rows are stored now)."""
    for kind, sql in _EXPANSIONS:
        session.execute(
            text(f"INSERT OR IGNORE INTO temp.kpi_subjects SELECT :kind, id FROM ({sql})"),
            {"kind": kind},
        )


def _subject_days(session: Session, params: Mapping[str, Any]) -> tuple[date | None, date | None]:
    row = session.execute(
        text(
            "SELECT min(date(confirm_requested_at, :offset)), max(date(confirmed_at, :offset)) "
            "FROM work_orders WHERE confirmed_at IS NOT NULL AND id IN "
            "(SELECT id FROM temp.kpi_subjects WHERE kind = 'order')"
        ),
        params,
    ).one()
    first, last = row
    return (date.fromisoformat(first) if first else None,
            date.fromisoformat(last) if last else None)  # fmt: skip


def count_subjects(session: Session, sign: int) -> None:
    """Add ``sign`` × the current contribution of every entity in ``temp.kpi_subjects``
    to ``temp.kpi_delta`` (each row counted once: a family recounts one kind)."""
    kinds = set(session.scalars(text("SELECT DISTINCT kind FROM temp.kpi_subjects")))
    params = _params(session, None, None)
    if "order" in kinds:
        params = _params(session, *_subject_days(session, params))
    for family in SUMMARY_FAMILIES:
        kind, column = family.subject
        if kind in kinds:
            where = f"{column} IN (SELECT id FROM temp.kpi_subjects WHERE kind = '{kind}')"
            _count(session, family, where, sign, params)


def clear_subjects(session: Session) -> None:
    session.execute(text("DELETE FROM temp.kpi_subjects"))


def recount_family(session: Session, family: Family) -> None:
    """Replace the summary rows of ``family``'s codes by a full recount (after the
    working calendar or the confirmation rule changed)."""
    codes = [(STATE_CODE if family.span is Span.STATE else "") + c for c in family.codes]
    session.execute(
        text(f"DELETE FROM kpi_month_sums WHERE code IN ({', '.join(map(repr, codes))})")
    )
    _count(session, family, "1", 1, _full_params(session))
    apply_delta(session)


def _full_params(session: Session) -> dict[str, Any]:
    """Parameters for counting every row (the K03b calendar spans all confirmations)."""
    return _params(session, *_confirmation_days(session))


def _confirmation_days(session: Session) -> tuple[date | None, date | None]:
    """The first and last local day of any confirmation (None, None: none yet)."""
    today = local(utcnow()).date()
    first, last = session.execute(
        text(
            "SELECT min(date(confirm_requested_at, :offset)), max(date(confirmed_at, :offset)) "
            "FROM work_orders WHERE confirmed_at IS NOT NULL"
        ),
        {"offset": offset_modifier(Period(today, today))},
    ).one()
    return (date.fromisoformat(first) if first else None,
            date.fromisoformat(last) if last else None)  # fmt: skip


def cover(session: Session, first: date, last: date) -> None:
    """Widen a complete summary's account-state range to the boundaries of the months
    ``first`` … ``last`` (after rows of months outside it were written through the ORM,
    e.g. a historical import): counts the account state at the new boundaries only and
    rewrites the marker, in the caller's transaction. Nothing happens while the summary
    is not complete."""
    marker = read_marker(session.connection())
    if marker is None:
        return
    wanted = Marker(
        min(marker.first, first.replace(day=1)),
        max(marker.last, _next_month(last.replace(day=1))),
    )
    before = (wanted.first, _previous_month(marker.first))
    after = (_next_month(marker.last), wanted.last)
    params = _params(session, None, None)
    for low, high in (before, after):
        if low > high:
            continue
        prepare(session, Marker(low, high))
        for family in SUMMARY_FAMILIES:
            if family.span is Span.STATE:
                _count(session, family, "1", 1, params)
                apply_delta(session)
    session.execute(text("DROP TABLE IF EXISTS temp.kpi_stage"))
    _write_marker(session, wanted)


def _previous_month(day: date) -> date:
    index = day.year * 12 + day.month - 2
    return date(index // 12, index % 12 + 1, 1)


def _state_range(session: Session) -> Marker:
    """Boundaries from the first month with orders, complaints, visits or revenue to
    the month after the later of today and the last such month."""
    firsts, lasts = [], [local(utcnow()).date()]
    for sql in (
        "SELECT min(issued_at), max(issued_at) FROM work_orders",
        "SELECT min(received_at), max(received_at) FROM complaints",
        "SELECT min(done_at), max(done_at) FROM visits WHERE status = 'done'",
        "SELECT min(month), max(month) FROM revenue_months",
    ):
        low, high = session.execute(text(sql)).one()
        if low is not None:
            firsts.append(date.fromisoformat(str(low)[:10]))
            lasts.append(date.fromisoformat(str(high)[:10]))
    first = min(firsts or lasts).replace(day=1)
    return Marker(first, _next_month(_next_month(max(lasts).replace(day=1))))


def rebuild(session: Session, *, readers: Engine | None = None) -> Marker:
    """Recount the whole summary from the stored rows and mark it complete (in the
    caller's transaction).

    With ``readers`` (the engine of the same database file, every row to count already
    committed) the families are summed into summary rows two at a time on read
    connections of their own, so both cores count and group (SQLite works one statement
    per connection; the sums of a bulk load's 20M rows take minutes), and this
    transaction only adds the rows up. Hazard: rows the caller's transaction wrote and did
    not commit are not seen that way.
    """
    marker = _state_range(session)
    prepare(session, marker)
    session.execute(text(f"DELETE FROM {KpiMonthSum.__tablename__}"))
    session.execute(text("DELETE FROM temp.kpi_delta"))
    days = _confirmation_days(session)
    params = _params(session, *days)
    if readers is None:
        for family in SUMMARY_FAMILIES:
            _count(session, family, "1", 1, params)
            apply_delta(session)
    else:
        add = f"INSERT INTO kpi_month_sums {_SUM_COLUMNS} VALUES ({', '.join('?' * 8)}) "
        with ThreadPoolExecutor(max_workers=READERS) as pool:
            sums = [pool.submit(_sums_apart, readers, marker, days, f) for f in SUMMARY_FAMILIES]
            for found in sums:
                if rows := found.result():
                    session.connection().exec_driver_sql(add + _ADD_ON_CONFLICT, rows)
    session.execute(text("DROP TABLE IF EXISTS temp.kpi_stage"))
    _write_marker(session, marker)
    return marker


READERS = 2


def _sums_apart(
    readers: Engine, marker: Marker, days: tuple[date | None, date | None], family: Family
) -> list[tuple[Any, ...]]:
    """The ``kpi_month_sums`` rows of every row of ``family`` (every dimension), summed on
    a read connection of its own: its own TEMP tables (the marker's boundaries, the
    calendar of the confirmation ``days``, the delta), so the grouping of one family runs
    beside another's and the writer only adds the results up."""
    with Session(readers) as session:
        prepare(session, marker)
        session.execute(text("DELETE FROM temp.kpi_delta"))  # a pooled connection's leftovers
        _count(session, family, "1", 1, _params(session, *days))
        rows: list[tuple[Any, ...]] = []
        for dim in KEY_COLUMN:
            select, params = _rollup(dim)
            rows.extend(tuple(row) for row in session.execute(text(select), params))
        session.execute(text("DELETE FROM temp.kpi_delta"))
        session.execute(text("DROP TABLE IF EXISTS temp.kpi_stage"))
        return rows
