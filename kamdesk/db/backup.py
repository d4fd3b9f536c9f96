"""Online backups, integrity checks and restores, all through SQLite itself.

Guarantees:
- A backup is taken with SQLite's online backup API from one read snapshot, so it is
  consistent even while the app writes (a file copy of a live WAL database is not:
  the newest commits sit in the ``-wal`` file). It is written to a temporary name,
  checked with ``PRAGMA integrity_check``, stored as a single self-contained file
  (rollback journal, no ``-wal``) and only then renamed into place, so a backup file
  that exists is complete and sound.
- A restore also goes through the backup API, never a file copy over a database
  that may still have ``-wal``/``-shm`` companions.
- :func:`restore_backup` never destroys the database it replaces: the old file and
  its companions are moved aside (``<name>.replaced-<UTC time>``) for IT to recover.

Hazard: :func:`restore_backup` and :func:`restore_in_place` must run while no
engine of this process has the database open (dispose it first).
"""

from __future__ import annotations

import contextlib
import os
import sqlite3
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy import Engine

from kamdesk.errors import KamdeskError, define
from kamdesk.i18n import N_

COMPANION_SUFFIXES = ("-wal", "-shm", "-journal")

define(
    {
        "db.backup_failed": N_(
            "The backup {dest} could not be written: {error}. Check free disk space and "
            "that the folder is writable."
        ),
        "db.backup_unusable": N_("The backup {backup} is damaged or unreadable: {error}"),
        "db.restore_not_done": N_(
            "Restoring the backup {backup} to {path} failed: {error}. The database was "
            "left as it was; close other programs using it and try again."
        ),
    }
)


def utc_stamp() -> str:
    """A sortable UTC timestamp for file names, e.g. ``20260213T093000123456Z``."""
    return datetime.now(UTC).strftime("%Y%m%dT%H%M%S%fZ")


def check_problems(path: Path, *, thorough: bool = False) -> str | None:
    """``None`` if the SQLite file at ``path`` passes ``quick_check`` (or, if
    ``thorough``, ``integrity_check``); otherwise the first problem SQLite reports.

    The file is opened read-only; an unreadable or non-SQLite file is a problem.
    """
    pragma = "integrity_check" if thorough else "quick_check"
    try:
        conn = sqlite3.connect(f"{path.absolute().as_uri()}?mode=ro", uri=True)
    except sqlite3.Error as exc:
        return str(exc)
    try:
        return _problems(conn, pragma)
    finally:
        conn.close()


def _problems(conn: sqlite3.Connection, pragma: str) -> str | None:
    try:
        rows = conn.execute(f"PRAGMA {pragma}").fetchall()
    except sqlite3.Error as exc:
        return str(exc)
    if [tuple(r) for r in rows] == [("ok",)]:
        return None
    return "; ".join(str(r[0]) for r in rows[:5]) or "no answer"


def online_backup(source: Engine | Path, dest: Path) -> Path:
    """Back up the database of ``source`` (an engine or a file path) to ``dest``.

    Replaces ``dest`` if it exists, only after the new backup passed
    ``integrity_check``. Raises ``KamdeskError("db.backup_failed")``.
    """
    partial = dest.with_name(dest.name + ".partial")
    try:
        dest.parent.mkdir(parents=True, exist_ok=True)
        _remove_with_companions(partial)
        target = sqlite3.connect(partial, isolation_level=None)
        try:
            if isinstance(source, Engine):
                pooled = source.raw_connection()
                try:
                    pooled.driver_connection.backup(target)  # type: ignore[union-attr]
                finally:
                    pooled.close()
            else:
                src = sqlite3.connect(source, isolation_level=None)
                try:
                    src.backup(target)
                finally:
                    src.close()
            target.execute("PRAGMA journal_mode=DELETE")
            problem = _problems(target, "integrity_check")
        finally:
            target.close()
        if problem is not None:
            raise sqlite3.DatabaseError(f"integrity check of the copy failed: {problem}")
        _fsync(partial)
        os.replace(partial, dest)
        _fsync_dir(dest.parent)
    except (sqlite3.Error, OSError) as exc:
        _remove_with_companions(partial)
        raise KamdeskError("db.backup_failed", dest=str(dest), error=str(exc)) from exc
    return dest


def newest_good_backup(backup_dir: Path, *, db_name: str | None = None) -> Path | None:
    """The newest ``*.sqlite`` file in ``backup_dir`` that passes ``quick_check``.

    ``db_name`` (a database file's stem, e.g. ``kamdesk``) limits the search to that
    database's backups. Newest means last written.
    """
    if not backup_dir.is_dir():
        return None
    pattern = f"{db_name}*.sqlite" if db_name else "*.sqlite"
    candidates = sorted(
        (p for p in backup_dir.glob(pattern) if p.is_file()),
        key=lambda p: (p.stat().st_mtime_ns, p.name),
        reverse=True,
    )
    for candidate in candidates:
        if check_problems(candidate) is None:
            return candidate
    return None


def restore_backup(backup: Path, path: Path) -> Path | None:
    """Make ``path`` a copy of ``backup``, keeping the file it replaces.

    The current file (with ``-wal``/``-shm``) is moved aside to
    ``<name>.replaced-<UTC time>``, whose path is returned (None if there was no
    file). Raises ``KamdeskError``: ``db.backup_unusable`` if the backup fails its
    check (nothing is touched), ``db.restore_not_done`` if moving or copying fails
    (the moved files are put back).
    """
    problem = check_problems(backup)
    if problem is not None:
        raise KamdeskError("db.backup_unusable", backup=str(backup), error=problem)
    kept = path.with_name(f"{path.name}.replaced-{utc_stamp()}") if path.exists() else None
    moved: list[tuple[Path, Path]] = []
    try:
        if kept is not None:
            for suffix in ("", *COMPANION_SUFFIXES):
                current, aside = Path(str(path) + suffix), Path(str(kept) + suffix)
                if current.exists():
                    os.replace(current, aside)
                    moved.append((current, aside))
        restore_in_place(backup, path)
    except (OSError, sqlite3.Error) as exc:
        if moved or kept is None:
            _remove_with_companions(path)
        for current, aside in reversed(moved):
            with contextlib.suppress(OSError):
                os.replace(aside, current)
        raise KamdeskError(
            "db.restore_not_done", backup=str(backup), path=str(path), error=str(exc)
        ) from exc
    return kept


def restore_in_place(backup: Path, path: Path) -> None:
    """Overwrite the database at ``path`` with ``backup`` through the backup API.

    The copy is one write transaction on ``path``: interrupted, it rolls back. The
    result stays in WAL mode. Raises ``sqlite3.Error`` or ``OSError`` on failure.
    """
    src = sqlite3.connect(f"{backup.absolute().as_uri()}?mode=ro", uri=True)
    try:
        target = sqlite3.connect(path, isolation_level=None)
        try:
            src.backup(target)
            target.execute("PRAGMA journal_mode=WAL")
            target.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        finally:
            target.close()
    finally:
        src.close()


def rotate_backups(backup_dir: Path, pattern: str, keep: int) -> list[Path]:
    """Delete all but the ``keep`` newest files matching ``pattern``; returns the deleted.

    Newest by name, so ``pattern`` must match names that embed :func:`utc_stamp`.
    """
    files = sorted((p for p in backup_dir.glob(pattern) if p.is_file()), reverse=True)
    deleted = files[keep:]
    for old in deleted:
        old.unlink(missing_ok=True)
    return deleted


def _remove_with_companions(path: Path) -> None:
    """Best effort: a leftover is overwritten by the next backup API copy anyway."""
    for suffix in ("", *COMPANION_SUFFIXES):
        with contextlib.suppress(OSError):
            Path(str(path) + suffix).unlink(missing_ok=True)


def _fsync(path: Path) -> None:
    fd = os.open(path, os.O_RDWR | getattr(os, "O_BINARY", 0))  # Windows fsync needs write
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _fsync_dir(folder: Path) -> None:
    if os.name != "posix":
        return  # Windows cannot open a directory for fsync; NTFS journals the rename.
    fd = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)
