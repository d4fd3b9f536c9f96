"""Backups of the open database: daily with rotation, on demand, and restore.

Every backup goes through :func:`kamdesk.db.backup.online_backup` (SQLite's backup
API from one snapshot, ``integrity_check`` on the copy before it gets its name), the
same code the start-up migration uses. Files live in the database's backup folder
as ``<stem>.<kind>.<UTC stamp>.sqlite`` (kind ``daily``, ``manual`` or
``pre-migration``), so :func:`kamdesk.db.backup.newest_good_backup` finds them all.

Guarantees:
- :meth:`BackupService.daily_if_due` takes at most one daily backup per business day
  (Asia/Shanghai) and keeps the newest ``keep_daily``; manual backups are never
  deleted by rotation.
- :func:`restore_database` checks the backup with ``integrity_check`` first, keeps
  the file it replaces beside it (``<name>.replaced-<stamp>``), brings the restored
  file to the current schema through the normal start-up path, and records a
  ``restore`` event in it. Backups and restores are audit events.

Backups on demand and restores are the branch admin's: given an actor of another
role they are refused (``backups.not_allowed``); without one (the command line, the
start-up migration) they run as the system. The daily backup is a duty of every
signed-in session and takes no such check.

Hazard: a restore must run with no engine of this process open on the database;
:meth:`BackupService.restore` disposes its own engine, and callers must drop every
other one and reopen the database afterwards.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path

from sqlalchemy import Engine

from kamdesk.db.backup import (
    check_problems,
    online_backup,
    restore_backup,
    rotate_backups,
    utc_stamp,
)
from kamdesk.db.location import backup_dir_for
from kamdesk.db.startup import open_database
from kamdesk.domain.clock import local, utcnow
from kamdesk.domain.progress import Progress, no_progress
from kamdesk.domain.workorders.vocabulary import Role
from kamdesk.errors import KamdeskError, define
from kamdesk.i18n import N_, tr
from kamdesk.services.actor import Actor
from kamdesk.services.audit import record
from kamdesk.services.restore_preview import RestorePreview, restore_preview
from kamdesk.services.uow import write_session
from kamdesk.sync.capture import forget_clock

KEEP_DAILY = 14
"""Daily backups kept by default: two weeks of business days and weekends."""
KINDS = ("daily", "manual", "pre-migration")
_STAMP = "%Y%m%dT%H%M%S%fZ"

define(
    {
        "backups.no_file": N_("There is no backup file {path}."),
        "backups.in_memory": N_("An in-memory database cannot be backed up."),
        "backups.not_allowed": N_(
            "Only the branch admin may back up or restore the database on demand."
        ),
    }
)

BACKUP_ROLES = frozenset({Role.ADMIN.value})
"""Roles that back up on demand and restore (see the module docstring)."""


def _check_role(actor: Actor | None) -> None:
    if actor is not None and (not actor.branch_id or actor.role not in BACKUP_ROLES):
        raise KamdeskError("backups.not_allowed")


@dataclass(frozen=True)
class BackupInfo:
    """One backup file; ``taken_at`` comes from its name (its file time if none)."""

    path: Path
    kind: str
    taken_at: datetime
    size: int


@dataclass(frozen=True)
class RestoreResult:
    restored_from: Path
    replaced: Path | None
    """Where the file that was replaced now lies (None if there was none)."""


def describe(path: Path) -> BackupInfo:
    """Kind and time of a backup file, read from its name."""
    parts = path.name.split(".")
    kind, taken = "other", None
    if len(parts) >= 4 and parts[-3] in KINDS:
        kind, taken = parts[-3], _parse_stamp(parts[-2])
    elif len(parts) >= 5 and parts[-4] == "pre-migration":  # …pre-migration.<stamp>.from-X
        kind, taken = "pre-migration", _parse_stamp(parts[-3])
    stat = path.stat()
    when = taken or datetime.fromtimestamp(stat.st_mtime, UTC)
    return BackupInfo(path, kind, when, stat.st_size)


def _parse_stamp(text: str) -> datetime | None:
    try:
        return datetime.strptime(text, _STAMP).replace(tzinfo=UTC)
    except ValueError:
        return None


def database_file(engine: Engine) -> Path:
    """The file behind ``engine``; refuses an in-memory database."""
    name = engine.url.database or ""
    if not name or name == ":memory:":
        raise KamdeskError("backups.in_memory")
    return Path(name).absolute()


class BackupService:
    """Backups of the database behind ``engine`` into ``backup_dir`` (default: beside it)."""

    def __init__(
        self, engine: Engine, *, backup_dir: Path | None = None, keep_daily: int = KEEP_DAILY
    ) -> None:
        self._engine = engine
        self.database = database_file(engine)
        self.backup_dir = backup_dir or backup_dir_for(self.database)
        self.keep_daily = keep_daily

    def list_backups(self) -> tuple[BackupInfo, ...]:
        """This database's backups, newest first."""
        if not self.backup_dir.is_dir():
            return ()
        found = [describe(p) for p in self.backup_dir.glob(f"{self.database.stem}.*.sqlite")]
        return tuple(sorted(found, key=lambda b: (b.taken_at, b.path.name), reverse=True))

    def back_up_now(self, actor: Actor | None = None) -> BackupInfo:
        """A manual backup, checked, recorded in the audit log.

        Raises ``KamdeskError("db.backup_failed")``, or ``backups.not_allowed`` for an
        actor who is not the branch admin.
        """
        _check_role(actor)
        return self._take("manual", actor)

    def daily_if_due(
        self, actor: Actor | None = None, *, now: datetime | None = None
    ) -> BackupInfo | None:
        """Take today's daily backup unless one exists, then rotate; None if not due."""
        today = local(now or utcnow()).date()
        if any(b.kind == "daily" and _day(b) == today for b in self.list_backups()):
            return None
        info = self._take("daily", actor)
        rotate_backups(self.backup_dir, f"{self.database.stem}.daily.*.sqlite", self.keep_daily)
        return info

    def restore(
        self, backup: Path, actor: Actor | None = None, *, progress: Progress | None = None
    ) -> RestoreResult:
        """Dispose this service's engine and restore ``backup`` (see :func:`restore_database`);
        only the branch admin may (``backups.not_allowed``)."""
        _check_role(actor)
        self._engine.dispose()
        forget_clock(self._engine)
        return restore_database(self.database, backup, actor, progress=progress)

    def check_for_restore(self, backup: Path) -> RestorePreview:
        """Check ``backup`` fully and say what restoring it would lose (nothing changes);
        see :func:`kamdesk.services.restore_preview.restore_preview`."""
        return restore_preview(self._engine, backup)

    def _take(self, kind: str, actor: Actor | None) -> BackupInfo:
        dest = self.backup_dir / f"{self.database.stem}.{kind}.{utc_stamp()}.sqlite"
        online_backup(self._engine, dest)
        info = describe(dest)
        with write_session(self._engine, actor=actor) as s:
            record(s, "backup", details={"file": dest.name, "kind": kind, "bytes": info.size})
        return info


def _day(info: BackupInfo) -> date:
    return local(info.taken_at).date()


def restore_database(
    database: Path,
    backup: Path,
    actor: Actor | None = None,
    *,
    progress: Progress | None = None,
) -> RestoreResult:
    """Replace ``database`` with ``backup`` after a full integrity check.

    The replaced file is kept beside it; the restored file is migrated to the current
    schema (with its own pre-migration backup) and gets a ``restore`` audit entry.
    ``progress`` hears of the four steps (check, copy, open, record).
    Raises ``KamdeskError``: ``backups.no_file``, ``db.backup_unusable`` (nothing
    touched), ``db.restore_not_done`` (the old file put back), or the start-up errors.
    """
    step = progress or no_progress
    if not backup.is_file():
        raise KamdeskError("backups.no_file", path=str(backup))
    step(0, 4, tr("Checking the backup {name}…", name=backup.name))
    problem = check_problems(backup, thorough=True)
    if problem is not None:
        raise KamdeskError("db.backup_unusable", backup=str(backup), error=problem)
    step(1, 4, tr("Putting the backup in place…"))
    replaced = restore_backup(backup, database)
    step(2, 4, tr("Opening the restored database…"))
    engine = open_database(database)
    step(3, 4, tr("Recording the restore in the audit log…"))
    try:
        with write_session(engine, actor=actor) as s:
            record(
                s,
                "restore",
                details={
                    "file": backup.name,
                    "replaced": "" if replaced is None else replaced.name,
                },
            )
    finally:
        engine.dispose()
    step(4, 4, tr("Restored {name}.", name=backup.name))
    return RestoreResult(backup, replaced)
