"""Opening the database at start-up: check, back up, migrate, or refuse.

:func:`open_database` does, in order:

1. refuse a database on a network share or removable drive (:mod:`.location`);
2. for an existing file, ``PRAGMA quick_check``: a damaged database is never opened;
   the error names the newest backup that passes the same check, which the UI may
   offer to restore with :func:`kamdesk.db.backup.restore_backup`;
3. read the Alembic revision: one this app does not know means a newer app wrote
   the file, and it is refused untouched;
4. if not at head: an online backup into the backup folder, then
   ``alembic upgrade head`` as ONE transaction (begun IMMEDIATE, foreign keys
   checked before commit); if anything fails the transaction rolls back, the backup
   is written back over the file, and the error names the backup. The revision is
   stamped in the same transaction as the schema change, so a failed migration is
   never stamped. A new, empty database is simply upgraded to head. An upgrade
   leaves a note (:data:`MIGRATION_NOTE_SETTING`: from, to, backup) in ``settings``
   in the same transaction; the audit trail turns it into its ``migration`` entry at
   the next logged write (this layer has no audit key).

Migration backups rotate: the newest :data:`KEEP_MIGRATION_BACKUPS` are kept.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Connection, Engine, inspect

from kamdesk.db.backup import (
    check_problems,
    newest_good_backup,
    online_backup,
    restore_in_place,
    rotate_backups,
    utc_stamp,
)
from kamdesk.db.engine import BEGIN_OPTION, create_sqlite_engine
from kamdesk.db.location import backup_dir_for, check_location
from kamdesk.errors import KamdeskError, define
from kamdesk.i18n import N_

log = logging.getLogger(__name__)

MIGRATIONS_DIR = Path(__file__).resolve().parent.parent / "migrations"
"""Alembic script directory (``kamdesk/migrations``), found by path: ``db`` sits
below ``migrations`` in the layering and never imports it."""

KEEP_MIGRATION_BACKUPS = 10
VERSION_TABLE = "alembic_version"
MIGRATION_NOTE_SETTING = "audit.pending_migration"
"""``settings`` key of the migration the audit log has not recorded yet."""

define(
    {
        "db.damaged": N_(
            "The database {path} is damaged (SQLite's integrity check failed), so it "
            "was not opened. The newest good backup is {backup}; restore it to go on, "
            "and keep the damaged file for IT."
        ),
        "db.damaged_no_backup": N_(
            "The database {path} is damaged (SQLite's integrity check failed), so it "
            "was not opened, and no good backup was found. Keep the file and ask IT "
            "to recover it."
        ),
        "db.newer_than_app": N_(
            "The database {path} was written by a newer version of KAMDesk (schema "
            "{revision}). Install the current version of KAMDesk to open it; this "
            "version has not changed it."
        ),
        "db.not_kamdesk": N_(
            "{path} is not a KAMDesk database (it has tables but no KAMDesk schema "
            "version). Choose another file; this one was not changed."
        ),
        "db.migration_failed": N_(
            "Updating the database {path} to this version of KAMDesk failed ({error}). "
            "Nothing was changed: the database was restored from the backup {backup}, "
            "which is kept."
        ),
        "db.restore_failed": N_(
            "Updating the database {path} failed ({error}) and writing the backup back "
            "also failed ({restore_error}). Do not use the database; the backup taken "
            "just before is {backup}."
        ),
        "db.create_failed": N_("Creating the database {path} failed: {error}"),
    }
)


def alembic_config(script_location: Path | None = None) -> Config:
    """An Alembic config for this app's migrations, with no ini file and no logging set-up."""
    config = Config()
    config.set_main_option("script_location", str(script_location or MIGRATIONS_DIR))
    return config


def known_revisions(script: ScriptDirectory) -> set[str]:
    return {rev.revision for rev in script.walk_revisions()}


def current_revisions(connection: Connection) -> set[str]:
    return set(MigrationContext.configure(connection).get_current_heads())


@contextmanager
def migration_connection(engine: Engine) -> Iterator[Connection]:
    """A connection in one IMMEDIATE transaction with foreign keys off, for migrations.

    Batch mode rebuilds tables (create copy, drop, rename), which foreign keys would
    break mid-way; so they are off during the transaction, and ``foreign_key_check``
    must come back empty before the commit. The connection is discarded afterwards,
    so it never returns to the pool with foreign keys off.
    """
    with engine.connect() as conn:
        try:
            raw = conn.connection.driver_connection
            raw.execute("PRAGMA foreign_keys=OFF")  # type: ignore[union-attr]
            conn.execution_options(**{BEGIN_OPTION: "IMMEDIATE"})
            with conn.begin():
                yield conn
                broken = conn.exec_driver_sql("PRAGMA foreign_key_check").fetchall()
                if broken:
                    table, rowid, parent, _ = broken[0]
                    raise RuntimeError(
                        f"{len(broken)} rows break foreign keys, first {table} rowid "
                        f"{rowid} → {parent}"
                    )
        finally:
            conn.invalidate()


def upgrade_to_head(engine: Engine, config: Config, note: dict[str, str] | None = None) -> None:
    """Run ``alembic upgrade head`` in one transaction; raises on any failure.

    ``note`` (JSON-safe) is stored under :data:`MIGRATION_NOTE_SETTING` in the same
    transaction, so it exists exactly when the upgrade committed.
    """
    script = ScriptDirectory.from_config(config)
    with migration_connection(engine) as conn:
        config.attributes["connection"] = conn
        try:
            command.upgrade(config, "head")
        finally:
            config.attributes.pop("connection", None)
        reached = current_revisions(conn)
        if reached != set(script.get_heads()):
            raise RuntimeError(f"upgrade stopped at {sorted(reached)}")
        if note is not None:
            conn.exec_driver_sql(
                "INSERT OR REPLACE INTO settings (key, value) VALUES (?, ?)",
                (MIGRATION_NOTE_SETTING, json.dumps({**note, "to": "+".join(sorted(reached))})),
            )


def open_database(path: Path, *, backup_dir: Path | None = None) -> Engine:
    """Check, back up and migrate the database at ``path``; return its engine.

    Raises ``KamdeskError`` with codes ``db.network_location``,
    ``db.removable_location``, ``db.damaged`` (param ``backup``: the newest good
    backup), ``db.damaged_no_backup``, ``db.newer_than_app``, ``db.not_kamdesk``,
    ``db.backup_failed``, ``db.migration_failed`` (param ``backup``),
    ``db.restore_failed`` or ``db.create_failed``. On any error no engine is left open.
    """
    path = Path(path).absolute()
    check_location(path)
    backups = backup_dir if backup_dir is not None else backup_dir_for(path)
    existed = path.exists() and path.stat().st_size > 0
    if existed:
        problem = check_problems(path)
        if problem is not None:
            log.error("database %s failed quick_check: %s", path, problem)
            good = newest_good_backup(backups, db_name=path.stem)
            if good is None:
                raise KamdeskError("db.damaged_no_backup", path=str(path), backup="")
            raise KamdeskError("db.damaged", path=str(path), backup=str(good))
    path.parent.mkdir(parents=True, exist_ok=True)
    config = alembic_config()
    engine = create_sqlite_engine(path)
    try:
        _migrate(engine, config, path, backups)
    except BaseException:
        engine.dispose()
        raise
    return engine


def _migrate(engine: Engine, config: Config, path: Path, backups: Path) -> None:
    script = ScriptDirectory.from_config(config)
    with engine.connect() as conn:
        current = current_revisions(conn)
        tables = set(inspect(conn).get_table_names()) - {VERSION_TABLE}
    unknown = current - known_revisions(script)
    if unknown:
        raise KamdeskError("db.newer_than_app", path=str(path), revision=", ".join(sorted(unknown)))
    if current == set(script.get_heads()):
        return
    if not current:
        if tables:
            raise KamdeskError("db.not_kamdesk", path=str(path))
        try:
            upgrade_to_head(engine, config)
        except Exception as exc:
            raise KamdeskError("db.create_failed", path=str(path), error=_describe(exc)) from exc
        return

    from_rev = "+".join(sorted(current))
    backup = online_backup(
        engine, backups / f"{path.stem}.pre-migration.{utc_stamp()}.from-{from_rev}.sqlite"
    )
    log.info("backed up %s to %s before migrating from %s", path, backup, from_rev)
    rotate_backups(backups, f"{path.stem}.pre-migration.*.sqlite", KEEP_MIGRATION_BACKUPS)
    try:
        upgrade_to_head(engine, config, {"from": from_rev, "backup": backup.name})
    except Exception as exc:
        log.exception("migration of %s from %s failed; restoring %s", path, from_rev, backup)
        engine.dispose()
        error = _describe(exc)
        try:
            restore_in_place(backup, path)
            problem = check_problems(path)
            if problem is not None:
                raise RuntimeError(problem)
        except Exception as restore_exc:
            raise KamdeskError(
                "db.restore_failed",
                path=str(path),
                backup=str(backup),
                error=error,
                restore_error=_describe(restore_exc),
            ) from exc
        raise KamdeskError(
            "db.migration_failed", path=str(path), backup=str(backup), error=error
        ) from exc


def _describe(exc: BaseException) -> str:
    text = str(exc).strip().splitlines()
    return f"{type(exc).__name__}: {text[0]}" if text else type(exc).__name__
