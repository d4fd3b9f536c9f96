"""The ``kamdesk`` command line: the desktop app, demo data, and tools for branch IT.

Exit codes: 0 success, 1 a refused operation (the message says why), 2 bad usage.
Messages come from the catalog, so they follow ``--lang`` (default 简体中文).
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from pathlib import Path

from kamdesk.commands import audit, backup, customers, orders, reports, sync
from kamdesk.commands.common import progress_printer
from kamdesk.errors import KamdeskError, define
from kamdesk.i18n import LANGUAGES, N_, set_language, tr

define({"cli.db_exists": N_("{path} already exists; add --force to replace it.")})


def _ensure_credential_store() -> None:
    from kamdesk.db.location import default_database_path
    from kamdesk.services.credential_fallback import install_if_needed

    install_if_needed(default_database_path().parent)


def _cmd_gui(args: argparse.Namespace) -> int:
    from kamdesk.app import run_app

    return run_app(db_path=args.db, reset_settings=False)


def _cmd_self_test() -> int:
    from kamdesk.commands import selftest
    from kamdesk.ui.self_check import qt_checks

    gui = [selftest.Check(name, run) for name, run in qt_checks(selftest.WORKORDER_PDF)]
    return selftest.run([*selftest.core_checks(), *gui])


def _cmd_demo(args: argparse.Namespace) -> int:
    from kamdesk.db.startup import open_database
    from kamdesk.services.demo import DemoSpec, generate_demo

    if args.db.exists() and not args.force:
        raise KamdeskError("cli.db_exists", path=str(args.db))
    if args.db.exists():
        args.db.unlink()
    args.db.parent.mkdir(parents=True, exist_ok=True)
    engine = open_database(args.db)
    spec = DemoSpec(accounts=args.accounts, orders=args.orders, seed=args.seed)
    summary = generate_demo(engine, spec, progress=progress_printer())
    print(summary.describe())
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="kamdesk", description=tr("KAMDesk key-account desk"))
    parser.add_argument("--db", type=Path, help=tr("database file (default: per-user data folder)"))
    parser.add_argument("--lang", choices=sorted(LANGUAGES), help=tr("language of messages"))
    parser.add_argument(
        "--self-test",
        action="store_true",
        help=tr("check this installation on a temporary database, then exit (0 = working)"),
    )
    parser.set_defaults(func=_cmd_gui)
    sub = parser.add_subparsers(dest="command")

    demo = sub.add_parser("demo", help=tr("create a demo database"))
    demo.add_argument("--db", type=Path, required=True, help=tr("database file to create"))
    demo.add_argument("--accounts", type=int, default=2000, help=tr("number of key accounts"))
    demo.add_argument("--orders", type=int, default=20000, help=tr("number of work orders"))
    demo.add_argument("--seed", type=int, default=1, help=tr("random seed (same seed, same data)"))
    demo.add_argument("--force", action="store_true", help=tr("replace an existing file"))
    demo.set_defaults(func=_cmd_demo)
    orders.register(sub)
    reports.register(sub)
    sync.register(sub)
    audit.register(sub)
    backup.register(sub)
    customers.register(sub)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    if args.lang:
        set_language(args.lang)
    try:
        if args.self_test:
            return _cmd_self_test()
        _ensure_credential_store()
        return int(args.func(args))
    except KamdeskError as exc:
        print(tr("Error: {message}", message=exc.message()), file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print(tr("Cancelled."), file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(main())
