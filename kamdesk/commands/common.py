"""What every command shares: the database option and opening it, the acting user, a
progress printer.

The database is the global ``--db`` (also accepted after the verb), else the per-user
default; a missing file is refused rather than created.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from sqlalchemy import Engine

from kamdesk.domain.progress import Progress
from kamdesk.errors import KamdeskError, define
from kamdesk.i18n import N_, tr
from kamdesk.services.actor import Actor

define(
    {
        "cli.no_database": N_("There is no database at {path}; give one with --db."),
        "cli.cannot_write": N_("{path} cannot be written: {error}"),
        "cli.no_actor": N_(
            "The database has no active admin or leader to act as; create one first."
        ),
    }
)


def open_engine(args: argparse.Namespace) -> Engine:
    """The database of ``--db`` (else the per-user default), migrated; never created here."""
    from kamdesk.db.location import default_database_path
    from kamdesk.db.startup import open_database

    path: Path = args.db or default_database_path()
    if not path.is_file():
        raise KamdeskError("cli.no_database", path=str(path))
    return open_database(path)


def cli_actor(engine: Engine) -> Actor:
    """Who a command acts as: the user the window frame names (the branch's admin, else
    its leader: :meth:`kamdesk.services.shell.ShellService.current_actor`)."""
    from kamdesk.services.shell import ShellService

    actor = ShellService(engine).current_actor()
    if actor is None:
        raise KamdeskError("cli.no_actor")
    return actor


def positive_int(text: str) -> int:
    """An argparse type: a whole number of at least 1, else a clear usage error."""
    try:
        value = int(text)
    except ValueError:
        value = 0
    if value < 1:
        raise argparse.ArgumentTypeError(
            tr("'{text}' is not a whole number of at least 1", text=text)
        )
    return value


def db_option(parser: argparse.ArgumentParser) -> None:
    """Accept ``--db`` after the verb too (``kamdesk orders list --db FILE``)."""
    parser.add_argument(
        "--db", type=Path, default=argparse.SUPPRESS, help=tr("database file (as the global --db)")
    )


def progress_printer() -> Progress:
    """A progress callback drawing ``[ 42%] text`` on one line of stderr."""

    def report(done: int, total: int, text: str) -> None:
        pct = 100 * done // total if total else 100
        print(f"\r[{pct:3d}%] {text}", end="", file=sys.stderr, flush=True)
        if done >= total:
            print(file=sys.stderr)

    return report
