"""What restoring a backup would lose, found out before anything is touched.

:func:`restore_preview` runs SQLite's full ``integrity_check`` on the backup (a damaged
one is refused before anybody confirms), reads the backup's audit chain head from the
file (read-only) and compares it with the open database's chain:

- when the open chain still holds the backup's head entry, the backup is an earlier
  state of this database and ``entries_since`` counts the logged changes and events
  written after it, all of which the restore replaces;
- otherwise (``entries_since`` is None) the backup is not an earlier state of this
  database (another computer's, or this one's after an earlier restore).

``unsent_changes`` counts the local changes HQ has not acknowledged: those made after
the backup are lost for good, while changes HQ already has come back with the next
sync. Nothing is written anywhere.
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import Engine

from kamdesk.db.backup import check_problems
from kamdesk.errors import KamdeskError
from kamdesk.services.audit import chain
from kamdesk.services.uow import read_session
from kamdesk.sync import outbox, state


@dataclass(frozen=True)
class RestorePreview:
    backup: Path
    backup_head: int
    """The number of the backup's newest audit entry (0: an empty log)."""
    current_head: int
    entries_since: int | None
    """Audit entries written after the backup (None: not an earlier state of this file)."""
    unsent_changes: int
    registered: bool
    """True when this database syncs with HQ (changes HQ has come back after a restore)."""


def backup_head(backup: Path) -> chain.ChainHead:
    """The audit chain head stored in the backup file, read without changing it."""
    db = sqlite3.connect(f"{backup.absolute().as_uri()}?mode=ro", uri=True)
    try:
        row = db.execute("SELECT seq, mac FROM audit_log ORDER BY seq DESC LIMIT 1").fetchone()
    except sqlite3.Error as exc:
        raise KamdeskError("db.backup_unusable", backup=str(backup), error=str(exc)) from exc
    finally:
        db.close()
    return chain.ChainHead(0, chain.GENESIS) if row is None else chain.ChainHead(*row)


def restore_preview(engine: Engine, backup: Path) -> RestorePreview:
    """Check ``backup`` and compare it with the database of ``engine`` (see the module).

    Raises ``KamdeskError``: ``backups.no_file``, ``db.backup_unusable``.
    """
    if not backup.is_file():
        raise KamdeskError("backups.no_file", path=str(backup))
    problem = check_problems(backup, thorough=True)
    if problem is not None:
        raise KamdeskError("db.backup_unusable", backup=str(backup), error=problem)
    old = backup_head(backup)
    with read_session(engine) as s:
        connection = s.connection()
        now = chain.head(connection)
        same_history = chain.mac_at(connection, old.seq) == old.mac
        unsent = outbox.pending_count(s)
        registered = bool(state.read(s, state.HQ_DEVICE_ID))
    return RestorePreview(
        backup=backup,
        backup_head=old.seq,
        current_head=now.seq,
        entries_since=now.seq - old.seq if same_history else None,
        unsent_changes=unsent,
        registered=registered,
    )
