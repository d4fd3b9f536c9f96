"""``kamdesk audit verify``: check the audit chain of a database.

Exit status 0 when every entry is genuine and in place (the chain head is printed,
to compare with the one HQ holds or a signed work order shows), 1 when an entry was
edited, deleted, inserted or moved (the first bad entry is named) or the chain
cannot be checked on this computer (its key is not in the credential store).
"""

from __future__ import annotations

import argparse

from kamdesk.commands.common import db_option, open_engine
from kamdesk.i18n import tr

EXIT_BROKEN = 1


def _cmd_verify(args: argparse.Namespace) -> int:
    from kamdesk.services.audit import describe_problem, verify_chain

    engine = open_engine(args)
    try:
        report = verify_chain(engine)
    finally:
        engine.dispose()
    if report.problem is not None:
        print(describe_problem(report.problem))
        if report.head.seq:
            print(tr("Entries 1 to {seq} are genuine.", seq=report.head.seq))
        return EXIT_BROKEN
    print(
        tr(
            "The audit log is intact: {count} entries; head {seq} {mac}.",
            count=report.entries,
            seq=report.head.seq,
            mac=report.head.mac,
        )
    )
    return 0


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add ``audit verify`` to the ``kamdesk`` parser."""
    audit = sub.add_parser("audit", help=tr("the audit log"))
    verbs = audit.add_subparsers(dest="audit_command", required=True)
    verify = verbs.add_parser(
        "verify", help=tr("check that no audit entry was edited, deleted or moved")
    )
    db_option(verify)
    verify.set_defaults(func=_cmd_verify)
