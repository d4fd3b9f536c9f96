"""``kamdesk orders list|pdf`` and ``kamdesk verify``: work orders for scripts and branch IT.

``orders list`` prints one order per line, the order number first, then the state
code and the customer, tab-separated, so ``cut -f1`` gives the numbers.
``orders pdf`` writes the signed PDF and counts it as a print (reprints say 副本).
``verify`` exits 0 only when the PDF matches the order's record now, 1 when it does
not (each difference on its own line), 2 when the file is no readable KAMDesk
work-order PDF.

The database is the global ``--db`` (also accepted after the verb), else the per-user
default; a missing file is refused rather than created.
"""

from __future__ import annotations

import argparse
import logging
import sys
from pathlib import Path

from kamdesk.commands.common import db_option, open_engine, positive_int
from kamdesk.domain.workorders.vocabulary import State
from kamdesk.errors import KamdeskError
from kamdesk.i18n import tr

EXIT_MISMATCH = 1
EXIT_NOT_A_WORK_ORDER_PDF = 2
_UNREADABLE = frozenset({"reports.pdf_unreadable", "reports.pdf_not_stamped"})


def _cmd_list(args: argparse.Namespace) -> int:
    from kamdesk.services.workorders import OrderQuery, OrderSort, WorkOrderService

    engine = open_engine(args)
    try:
        states = (State(args.state),) if args.state else ()
        query = OrderQuery(states=states, sort=OrderSort.CREATED, descending=True)
        rows = WorkOrderService(engine).list_orders(None, query, offset=0, limit=args.limit)
    finally:
        engine.dispose()
    for row in rows:
        print(f"{row.order_no}\t{row.state.value}\t{row.customer_name}")
    return 0


def _cmd_pdf(args: argparse.Namespace) -> int:
    from kamdesk.services.workorders import WorkOrderService

    engine = open_engine(args)
    try:
        service = WorkOrderService(engine)
        order_id = service.find_by_no(args.order_no)
        result = service.printing.print_pdf(order_id, args.out)
    except OSError as exc:
        raise KamdeskError("cli.cannot_write", path=str(args.out), error=exc.strerror) from exc
    finally:
        engine.dispose()
    if result.print_number == 1:
        print(tr("{path}: original of {order_no}", path=result.path, order_no=result.order_no))
    else:
        print(
            tr(
                "{path}: copy {number} of {order_no}",
                path=result.path,
                number=result.print_number,
                order_no=result.order_no,
            )
        )
    print(f"SHA-256 {result.sha256}")
    return 0


def _cmd_verify(args: argparse.Namespace) -> int:
    from kamdesk.services.workorders.printing import WorkOrderPrinting

    if not args.file.is_file():
        print(tr("There is no file {path}.", path=str(args.file)), file=sys.stderr)
        return EXIT_NOT_A_WORK_ORDER_PDF
    logging.getLogger("pypdf").setLevel(logging.CRITICAL)  # its warnings repeat our message
    engine = open_engine(args)
    try:
        result = WorkOrderPrinting(engine).verify_pdf(args.file)
    except KamdeskError as exc:
        if exc.code not in _UNREADABLE:
            raise
        print(exc.message(), file=sys.stderr)
        return EXIT_NOT_A_WORK_ORDER_PDF
    finally:
        engine.dispose()
    if result.matches:
        print(
            tr(
                "{path} matches work order {order_no} (SHA-256 {sha256}).",
                path=str(args.file),
                order_no=result.order_no,
                sha256=result.current_sha256,
            )
        )
        return 0
    print(
        tr(
            "{path} does not match work order {order_no} as recorded now:",
            path=str(args.file),
            order_no=result.order_no,
        )
    )
    for line in result.differences:
        print(f"  {line}")
    return EXIT_MISMATCH


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add ``orders`` (``list``, ``pdf``) and ``verify`` to the ``kamdesk`` parser."""
    orders = sub.add_parser("orders", help=tr("work orders"))
    verbs = orders.add_subparsers(dest="orders_command", required=True)

    listing = verbs.add_parser("list", help=tr("list work orders, newest first"))
    listing.add_argument(
        "--state", choices=[s.value for s in State], help=tr("only orders in this state")
    )
    listing.add_argument(
        "--limit", type=positive_int, default=100, help=tr("at most this many orders")
    )
    db_option(listing)
    listing.set_defaults(func=_cmd_list)

    pdf = verbs.add_parser("pdf", help=tr("write the signed work-order PDF (counts as a print)"))
    pdf.add_argument("order_no", metavar="ORDER_NO", help=tr("order number"))
    pdf.add_argument("out", metavar="OUT.pdf", type=Path, help=tr("PDF file to write"))
    db_option(pdf)
    pdf.set_defaults(func=_cmd_pdf)

    verify = sub.add_parser("verify", help=tr("check a work-order PDF against the database record"))
    verify.add_argument("file", metavar="FILE.pdf", type=Path, help=tr("PDF file to check"))
    db_option(verify)
    verify.set_defaults(func=_cmd_verify)
