"""Demo data in the database in use, for a branch admin who has just set it up.

:func:`add_demo_data` generates the demo into a scratch file (the fast path of
:func:`~kamdesk.services.demo.generate_demo` on a brand-new file), points its rows at
the admin's branch, and copies them into the database in ONE transaction.

Guarantees:
- a failure or Cancel leaves the database as it was (the scratch file is removed);
- only the branch admin may do it, only while the database holds no accounts and no
  work orders, and never on a computer registered with HQ (invented accounts would
  mix with the branch's real ones);
- demo staff whose login is taken get another login; the demo's own branch row is
  not copied, its rows belong to the admin's branch.

Hazards: like the demo's own load, the rows are written with SQL around the sync
capture and the audit trail, so they never reach HQ; the KPI summary is recounted
afterwards (until then the KPI engine reads the raw rows).
"""

from __future__ import annotations

import sqlite3
import tempfile
from pathlib import Path

from sqlalchemy import Engine, func, select

from kamdesk.db.models import Customer, Staff, WorkOrder
from kamdesk.db.startup import open_database
from kamdesk.domain.progress import CancelCheck, Progress, check_cancel, no_progress
from kamdesk.domain.workorders.vocabulary import Role
from kamdesk.errors import KamdeskError, define
from kamdesk.i18n import N_, tr
from kamdesk.services.actor import Actor
from kamdesk.services.demo.generate import generate_demo
from kamdesk.services.demo.spec import DemoSpec, DemoSummary
from kamdesk.services.kpi import KpiService
from kamdesk.services.uow import read_session
from kamdesk.sync import state

define(
    {
        "demo.admin_only": N_("Only the branch admin may load demo data."),
        "demo.registered": N_(
            "This computer is registered with HQ: demo data would mix with the branch's "
            "real data. Generate demo data into a new file from Settings instead."
        ),
    }
)

NOT_COPIED = frozenset({"alembic_version", "branches", "kpi_month_sums", "kpi_summary_state"})
"""Tables of the scratch file left behind: the schema version, the demo's own branch,
and the KPI summary (keyed by the demo's branch; recounted after the copy)."""

EMPTY_CHECK = "SELECT 1 FROM main.customers UNION ALL SELECT 1 FROM main.work_orders LIMIT 1"


def add_demo_data(
    engine: Engine,
    actor: Actor,
    spec: DemoSpec,
    progress: Progress | None = None,
    cancel: CancelCheck | None = None,
) -> DemoSummary:
    """Add demo data for ``actor``'s branch to the database behind ``engine``."""
    report = progress or no_progress
    _check_allowed(engine, actor)
    with tempfile.TemporaryDirectory(prefix="kamdesk-demo-") as folder:
        scratch_path = Path(folder) / "demo.sqlite"
        scratch = open_database(scratch_path)
        try:
            summary = generate_demo(scratch, spec, progress=report, cancel=cancel)
        finally:
            scratch.dispose()
        check_cancel(cancel)
        report(0, 0, tr("Adding the demo data to this database…"))
        _adopt(scratch_path, actor.branch_id, _logins(engine))
        _copy(engine, scratch_path)
    KpiService(engine).rebuild_summary()
    return summary


def _check_allowed(engine: Engine, actor: Actor) -> None:
    if actor.role != Role.ADMIN.value:
        raise KamdeskError("demo.admin_only")
    with read_session(engine) as s:
        if state.read(s, state.HQ_DEVICE_ID):
            raise KamdeskError("demo.registered")
        for model in (Customer, WorkOrder):
            if s.scalar(select(func.count()).select_from(model)):
                raise KamdeskError("demo.not_empty")


def _logins(engine: Engine) -> set[str]:
    with read_session(engine) as s:
        return set(s.scalars(select(Staff.login)))


def _adopt(scratch: Path, branch_id: str, taken: set[str]) -> None:
    """Point the scratch rows at ``branch_id`` and rename the demo logins in ``taken``.

    Runs on its own connection (foreign keys off: the scratch file never holds the
    branch its rows now name).
    """
    db = sqlite3.connect(scratch, isolation_level=None)
    try:
        db.execute("BEGIN")
        (demo_branch,) = db.execute("SELECT id FROM branches").fetchone()
        for table in _tables(db, "main"):
            for column in _branch_columns(db, table):
                db.execute(
                    f'UPDATE "{table}" SET "{column}" = ? WHERE "{column}" = ?',
                    (branch_id, demo_branch),
                )
        for login in taken:
            db.execute("UPDATE staff SET login = login || '.demo' WHERE login = ?", (login,))
        db.execute("COMMIT")
    finally:
        db.close()


def _copy(engine: Engine, scratch: Path) -> None:
    """Every row of ``scratch`` (but :data:`NOT_COPIED`) into the database, in one transaction."""
    pooled = engine.raw_connection()
    try:
        db = pooled.driver_connection
        assert isinstance(db, sqlite3.Connection)
        db.execute("ATTACH DATABASE ? AS demo", (str(scratch),))
        try:
            db.execute("BEGIN IMMEDIATE")
            try:
                db.execute("PRAGMA defer_foreign_keys=ON")
                if db.execute(EMPTY_CHECK).fetchone() is not None:  # filled meanwhile
                    raise KamdeskError("demo.not_empty")
                for table in _tables(db, "demo"):
                    db.execute(f'INSERT INTO main."{table}" SELECT * FROM demo."{table}"')
                db.execute("COMMIT")
            except sqlite3.IntegrityError as exc:  # e.g. products of the same code
                db.execute("ROLLBACK")
                raise KamdeskError("demo.not_empty") from exc
            except BaseException:
                db.execute("ROLLBACK")
                raise
        finally:
            db.execute("DETACH DATABASE demo")
        db.execute("PRAGMA analysis_limit=1000")
        db.execute("ANALYZE")
    finally:
        pooled.close()


def _tables(db: sqlite3.Connection, schema: str) -> list[str]:
    """The tables of ``schema`` with rows, but :data:`NOT_COPIED`, parents first."""
    names = [
        name
        for (name,) in db.execute(
            f"SELECT name FROM {schema}.sqlite_master WHERE type = 'table' "
            "AND name NOT LIKE 'sqlite_%' ORDER BY rowid"
        )
        if name not in NOT_COPIED
    ]
    return [n for n in names if db.execute(f'SELECT 1 FROM {schema}."{n}" LIMIT 1').fetchone()]


def _branch_columns(db: sqlite3.Connection, table: str) -> list[str]:
    return [
        str(row[3])  # (id, seq, table, from, to, ...)
        for row in db.execute(f'PRAGMA foreign_key_list("{table}")')
        if row[2] == "branches"
    ]
