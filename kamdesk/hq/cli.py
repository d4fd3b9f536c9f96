"""The ``kamdesk-hq`` command line: run the HQ service and administer branches and devices.

    kamdesk-hq serve [--db URL] [--serve-db URL] [--host 127.0.0.1] [--port 8700]
    kamdesk-hq branch add CODE NAME
    kamdesk-hq branch list
    kamdesk-hq device code BRANCH_CODE [--days 7]
    kamdesk-hq device list [--branch CODE]
    kamdesk-hq device revoke ID
    kamdesk-hq device accept-audit ID
    kamdesk-hq publish FILE.json|FILE.xlsx [--branch CODE ...]
    kamdesk-hq report sync-health [--branch CODE]
    kamdesk-hq purge-tombstones [--days 90]
    kamdesk-hq report kpi --period 2026-10 [--branch CODE ...] [--format pdf,xlsx] [--out DIR]

``report kpi`` runs the desktop KPI engine, which this package may not import: it is
added by :mod:`kamdesk.commands.hq`, whose ``main`` is the installed ``kamdesk-hq``
(this module's :func:`main` takes such additions as ``reports``).

Every command takes ``--db URL`` (a SQLAlchemy URL or a file path; default the SQLite
file ``./kamdesk-hq.sqlite``) and migrates that database to the newest schema first.
``device code`` prints the code alone on standard output (what a script captures) and
its explanation on standard error. Exit codes: 0 success, 1 a refused operation (the
message says why), 2 bad usage. Messages follow ``--lang`` (default 简体中文).
"""

from __future__ import annotations

import argparse
import sys
import unicodedata
from collections.abc import Callable, Sequence
from datetime import datetime, timedelta
from pathlib import Path

from kamdesk.domain.clock import local
from kamdesk.errors import KamdeskError, define
from kamdesk.hq import admin
from kamdesk.hq.audit_heads import AuditState
from kamdesk.hq.database import DEFAULT_DB_URL, admin_engine, database_url, display_url, migrate
from kamdesk.hq.tombstones import DEFAULT_KEEP_DAYS
from kamdesk.i18n import LANGUAGES, N_, current_language, set_language, tr
from kamdesk.sync.messages import AUDIT_FORKED, AUDIT_REWOUND

define({"hq.needs_extra": N_("kamdesk-hq needs {module}; install it: pip install 'kamdesk[hq]'")})

ALARM_WORDS = {
    AUDIT_REWOUND: N_("WENT BACKWARDS"),
    AUDIT_FORKED: N_("FORKED"),
}
"""How the health report names an open audit alarm."""


def _when(instant: datetime | None) -> str:
    return "" if instant is None else local(instant).strftime("%Y-%m-%d %H:%M")


def _width(text: str) -> int:
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def _table(header: Sequence[str], rows: Sequence[Sequence[str]]) -> str:
    widths = [max(_width(r[i]) for r in [header, *rows]) for i in range(len(header))]
    lines = []
    for row in [header, *rows]:
        cells = [cell + " " * (w - _width(cell)) for cell, w in zip(row, widths, strict=True)]
        lines.append("  ".join(cells).rstrip())
    return "\n".join(lines)


def _cmd_serve(args: argparse.Namespace) -> int:
    try:
        import uvicorn

        from kamdesk.hq.app import create_app
    except ModuleNotFoundError as exc:
        raise KamdeskError("hq.needs_extra", module=exc.name) from exc

    migrate(args.db)
    serve_url = database_url(args.serve_db or args.db)
    print(
        tr(
            "KAMDesk HQ on http://{host}:{port} with database {db}",
            host=args.host,
            port=args.port,
            db=display_url(serve_url),
        ),
        flush=True,
    )
    uvicorn.run(
        create_app(serve_url),
        host=args.host,
        port=args.port,
        log_level=args.log_level,
        server_header=False,
    )
    return 0


def _cmd_branch_add(args: argparse.Namespace) -> int:
    branch = admin.add_branch(args.engine, args.code, args.name)
    print(tr("Branch {code} ({name}) created.", code=branch.code, name=branch.name))
    return 0


def _cmd_branch_list(args: argparse.Namespace) -> int:
    branches = admin.list_branches(args.engine)
    if not branches:
        print(tr("No branches yet. Add one with: kamdesk-hq branch add CODE NAME"))
        return 0
    print(_table([tr("Branch code"), tr("Branch name")], [[b.code, b.name] for b in branches]))
    return 0


def _cmd_device_code(args: argparse.Namespace) -> int:
    issued = admin.issue_code(args.engine, args.branch_code, timedelta(days=args.days))
    print(issued.code, flush=True)
    print(
        tr(
            "One-time registration code for a device of branch {branch} ({name}); "
            "valid until {until}. Type it in the desktop: kamdesk sync register --code CODE",
            branch=issued.branch_code,
            name=issued.branch_name,
            until=_when(issued.expires_at),
        ),
        file=sys.stderr,
    )
    return 0


def _cmd_device_list(args: argparse.Namespace) -> int:
    devices = admin.list_devices(args.engine, args.branch)
    if not devices:
        print(tr("No devices registered."))
        return 0
    header = [tr("Device ID"), tr("Branch code"), tr("Device name"), tr("Last seen"), tr("Revoked")]
    rows = [
        [d.id, d.branch_code, d.name, _when(d.last_seen_at) or tr("never"), _when(d.revoked_at)]
        for d in devices
    ]
    print(_table(header, rows))
    return 0


def _cmd_device_revoke(args: argparse.Namespace) -> int:
    device, newly = admin.revoke_device(args.engine, args.device_id)
    fields = {"id": device.id, "name": device.name, "branch": device.branch_code}
    if newly:
        print(
            tr(
                "Device {id} ({name}, branch {branch}) revoked; its token no longer works.",
                **fields,
            )
        )
    else:
        print(
            tr(
                "Device {id} ({name}, branch {branch}) was already revoked on {when}.",
                when=_when(device.revoked_at),
                **fields,
            )
        )
    return 0


def _cmd_device_accept_audit(args: argparse.Namespace) -> int:
    from kamdesk.hq.audit_heads import accept_alarms

    accepted = accept_alarms(args.engine, args.device_id)
    if accepted:
        print(
            tr(
                "Accepted {n} audit warnings of device {id}; its audit log is judged "
                "from its present head on.",
                n=accepted,
                id=args.device_id,
            )
        )
    else:
        print(tr("Device {id} has no open audit warning.", id=args.device_id))
    return 0


def _audit_text(state: AuditState) -> str:
    """The health report's audit cell: the open alarm first, else the last head."""
    if state.alarm is not None:
        words = ALARM_WORDS.get(state.alarm, state.alarm)
        return tr(
            "{problem} {when} (entry {seq}, HQ had {known})",
            problem=tr(words),
            when=_when(state.alarm_at),
            seq=state.alarm_seq,
            known=state.alarm_known_seq,
        )
    if state.seq is None:
        return tr("not reported")
    return tr("ok, entry {seq}", seq=state.seq)


def _cmd_publish(args: argparse.Namespace) -> int:
    from kamdesk.hq.reference_file import publish_file

    done = publish_file(args.engine, Path(args.file), args.branch or ())
    if not done:
        print(tr("The file holds no rows to publish."))
        return 0
    header = [tr("Branch code"), tr("Table"), tr("Rows"), tr("Changed")]
    rows = [[d.branch_code, d.table, str(d.offered), str(d.changed)] for d in done]
    print(_table(header, rows))
    return 0


def _cmd_sync_health(args: argparse.Namespace) -> int:
    from kamdesk.hq.health import sync_health

    devices = sync_health(args.engine, args.branch)
    if not devices:
        print(tr("No devices registered."))
        return 0
    header = [
        tr("Branch code"), tr("Device name"), tr("Last seen"), tr("Backlog"), tr("Batches"),
        tr("Conflicts"), tr("Refused"), tr("Schema"), tr("Audit log"), tr("Device ID"),
    ]  # fmt: skip
    rows = [
        [
            d.branch_code,
            d.name + (" " + tr("(revoked)") if d.revoked else ""),
            _when(d.last_seen_at) or tr("never"),
            str(d.backlog),
            str(d.batches),
            str(d.conflicts),
            str(d.rejections),
            "" if d.schema_version is None else str(d.schema_version),
            _audit_text(d.audit),
            d.device_id,
        ]
        for d in devices
    ]
    print(_table(header, rows))
    return 0


def _cmd_purge_tombstones(args: argparse.Namespace) -> int:
    from kamdesk.hq.tombstones import purge_tombstones

    purged = purge_tombstones(args.engine, timedelta(days=max(args.days, 0)))
    header = [tr("Branch code"), tr("Tombstones purged")]
    print(_table(header, [[code, str(count)] for code, count in purged.items()]))
    return 0


def add_db_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--db",
        default=DEFAULT_DB_URL,
        help=tr("HQ database URL or SQLite file (default: ./kamdesk-hq.sqlite)"),
    )


AddReports = Callable[["argparse._SubParsersAction[argparse.ArgumentParser]"], None]
"""Adds verbs to ``kamdesk-hq report``, given its subparsers (see :mod:`kamdesk.commands.hq`)."""


def build_parser(reports: Sequence[AddReports] = ()) -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="kamdesk-hq", description=tr("KAMDesk HQ service"))
    parser.add_argument("--lang", choices=sorted(LANGUAGES), help=tr("language of messages"))
    sub = parser.add_subparsers(dest="command", required=True)

    serve = sub.add_parser("serve", help=tr("run the HQ service (migrates the database first)"))
    add_db_option(serve)
    serve.add_argument(
        "--serve-db",
        help=tr("database URL the service connects with (default: --db)"),
    )
    serve.add_argument("--host", default="127.0.0.1", help=tr("address to listen on"))
    serve.add_argument("--port", type=int, default=8700, help=tr("port to listen on"))
    serve.add_argument(
        "--log-level",
        default="info",
        choices=["critical", "error", "warning", "info", "debug"],
        help=tr("how much the service logs"),
    )
    serve.set_defaults(func=_cmd_serve, needs_engine=False)

    branch = sub.add_parser("branch", help=tr("manage branches")).add_subparsers(
        dest="action", required=True
    )
    add = branch.add_parser("add", help=tr("create a branch"))
    add.add_argument("code", help=tr("short branch code, e.g. HZ"))
    add.add_argument("name", help=tr("branch name"))
    add_db_option(add)
    add.set_defaults(func=_cmd_branch_add)
    blist = branch.add_parser("list", help=tr("list branches"))
    add_db_option(blist)
    blist.set_defaults(func=_cmd_branch_list)

    device = sub.add_parser("device", help=tr("manage desktop devices")).add_subparsers(
        dest="action", required=True
    )
    code = device.add_parser("code", help=tr("issue a one-time registration code"))
    code.add_argument("branch_code", help=tr("branch the device will belong to"))
    code.add_argument(
        "--days", type=int, default=admin.DEFAULT_CODE_VALIDITY.days, help=tr("days valid")
    )
    add_db_option(code)
    code.set_defaults(func=_cmd_device_code)
    dlist = device.add_parser("list", help=tr("list registered devices"))
    dlist.add_argument("--branch", help=tr("only this branch"))
    add_db_option(dlist)
    dlist.set_defaults(func=_cmd_device_list)
    revoke = device.add_parser("revoke", help=tr("revoke a device's token for good"))
    revoke.add_argument("device_id", help=tr("device ID as shown by device list"))
    add_db_option(revoke)
    revoke.set_defaults(func=_cmd_device_revoke)
    accept = device.add_parser(
        "accept-audit",
        help=tr("close a device's audit warnings after looking into them"),
    )
    accept.add_argument("device_id", help=tr("device ID as shown by device list"))
    add_db_option(accept)
    accept.set_defaults(func=_cmd_device_accept_audit)

    publish = sub.add_parser("publish", help=tr("publish reference data to branches"))
    publish.add_argument(
        "file", help=tr("JSON or Excel file: one table per key or sheet, rows with an id")
    )
    publish.add_argument(
        "--branch", action="append", help=tr("only this branch (repeatable; default: all)")
    )
    add_db_option(publish)
    publish.set_defaults(func=_cmd_publish)

    purge = sub.add_parser(
        "purge-tombstones",
        help=tr("forget deletes older than --days (devices offline longer reload everything)"),
    )
    purge.add_argument("--days", type=int, default=DEFAULT_KEEP_DAYS, help=tr("days kept"))
    add_db_option(purge)
    purge.set_defaults(func=_cmd_purge_tombstones)

    report = sub.add_parser("report", help=tr("reports for HQ")).add_subparsers(
        dest="action", required=True
    )
    health = report.add_parser(
        "sync-health",
        help=tr("each device: last seen, backlog, conflicts, schema, audit log"),
    )
    health.add_argument("--branch", help=tr("only this branch"))
    add_db_option(health)
    health.set_defaults(func=_cmd_sync_health)
    for add in reports:
        add(report)
    return parser


def main(argv: Sequence[str] | None = None, *, reports: Sequence[AddReports] = ()) -> int:
    """Run one command; in-process callers (tests) keep their language afterwards."""
    previous = current_language()
    try:
        args = build_parser(reports).parse_args(argv)
        if args.lang:
            set_language(args.lang)
        return _run(args)
    finally:
        set_language(previous)


def _run(args: argparse.Namespace) -> int:
    engine = None
    try:
        if getattr(args, "needs_engine", True):
            migrate(args.db)
            engine = args.engine = admin_engine(args.db)
        return int(args.func(args))
    except ModuleNotFoundError as exc:  # e.g. psycopg for a PostgreSQL URL
        error = KamdeskError("hq.needs_extra", module=exc.name)
        print(tr("Error: {detail}", detail=error.message()), file=sys.stderr)
        return 1
    except KamdeskError as exc:
        print(tr("Error: {detail}", detail=exc.message()), file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print(tr("Cancelled."), file=sys.stderr)
        return 1
    finally:
        if engine is not None:
            engine.dispose()


if __name__ == "__main__":
    sys.exit(main())
