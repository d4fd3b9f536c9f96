"""``kamdesk backup now|list|restore FILE``: backups for branch IT.

``now`` writes a checked manual backup and prints its path; ``list`` prints one
backup per line (kind, time in Asia/Shanghai, size in bytes, path; tab-separated),
newest first; ``restore FILE`` checks FILE with ``integrity_check`` and puts it in
place of the database, keeping the replaced file beside it (its path is printed).
``restore`` works on a database too damaged to open. Close the app first.
"""

from __future__ import annotations

import argparse
from pathlib import Path

from kamdesk.commands.common import db_option, open_engine
from kamdesk.i18n import tr


def _cmd_now(args: argparse.Namespace) -> int:
    from kamdesk.services.backups import BackupService

    engine = open_engine(args)
    try:
        info = BackupService(engine).back_up_now()
    finally:
        engine.dispose()
    print(info.path)
    return 0


def _cmd_list(args: argparse.Namespace) -> int:
    from kamdesk.domain.clock import local
    from kamdesk.services.backups import BackupService

    engine = open_engine(args)
    try:
        backups = BackupService(engine).list_backups()
    finally:
        engine.dispose()
    for info in backups:
        when = local(info.taken_at).strftime("%Y-%m-%d %H:%M:%S")
        print(f"{info.kind}\t{when}\t{info.size}\t{info.path}")
    return 0


def _cmd_restore(args: argparse.Namespace) -> int:
    from kamdesk.db.location import default_database_path
    from kamdesk.services.backups import restore_database

    database: Path = (args.db or default_database_path()).absolute()
    result = restore_database(database, args.file)
    print(tr("Restored {backup} to {path}.", backup=str(args.file), path=str(database)))
    if result.replaced is not None:
        print(tr("The replaced database was kept as {path}.", path=str(result.replaced)))
    return 0


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add ``backup now|list|restore`` to the ``kamdesk`` parser."""
    backup = sub.add_parser("backup", help=tr("back up or restore the database"))
    verbs = backup.add_subparsers(dest="backup_command", required=True)
    now = verbs.add_parser("now", help=tr("write a checked backup now"))
    db_option(now)
    now.set_defaults(func=_cmd_now)
    listing = verbs.add_parser("list", help=tr("list the backups, newest first"))
    db_option(listing)
    listing.set_defaults(func=_cmd_list)
    restore = verbs.add_parser(
        "restore", help=tr("check a backup and put it in place of the database")
    )
    restore.add_argument("file", metavar="FILE", type=Path, help=tr("backup file"))
    db_option(restore)
    restore.set_defaults(func=_cmd_restore)
