"""``kamdesk sync register|now``: connect this desktop to HQ and sync from scripts.

``sync register --hq URL --code CODE`` trades a one-time code for a device token
(kept in the system's credential store). ``sync now`` runs one round and prints what
moved; it exits 0 only when the outbox is drained and the pull reached HQ's newest
change, 1 otherwise (the message says why).
"""

from __future__ import annotations

import argparse
import platform

from kamdesk.commands.common import db_option, open_engine
from kamdesk.i18n import tr


def _cmd_register(args: argparse.Namespace) -> int:
    from kamdesk.services.sync import SyncService

    engine = open_engine(args)
    try:
        done = SyncService(engine).register(
            args.hq, args.code, args.name or platform.node() or "KAMDesk", args.ca_bundle
        )
    finally:
        engine.dispose()
    print(
        tr(
            "Registered with HQ {url} for branch {code} {name}.",
            url=done.hq_url,
            code=done.branch_code,
            name=done.branch_name,
        )
    )
    return 0


def _cmd_now(args: argparse.Namespace) -> int:
    from kamdesk.services.sync import SyncService

    engine = open_engine(args)
    try:
        report = SyncService(engine).sync_now()
    finally:
        engine.dispose()
    print(report.describe())
    return 0 if report.complete else 1


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add ``sync`` (``register``, ``now``) to the ``kamdesk`` parser."""
    sync = sub.add_parser("sync", help=tr("sync with HQ"))
    verbs = sync.add_subparsers(dest="sync_command", required=True)

    reg = verbs.add_parser("register", help=tr("register this computer with HQ"))
    reg.add_argument("--hq", required=True, metavar="URL", help=tr("HQ address, https://…"))
    reg.add_argument("--code", required=True, help=tr("one-time registration code from HQ"))
    reg.add_argument("--name", help=tr("name of this computer at HQ"))
    reg.add_argument("--ca-bundle", help=tr("PEM file of the certificate authority to trust"))
    db_option(reg)
    reg.set_defaults(func=_cmd_register)

    now = verbs.add_parser("now", help=tr("send and receive changes now"))
    db_option(now)
    now.set_defaults(func=_cmd_now)
