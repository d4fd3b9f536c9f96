"""``kamdesk import|export|template``: customer and work-order sheets for branch IT and scripts.

``import customers|key-persons|orders FILE.xlsx`` checks every row and commits all of them or
none (``orders``: historical work orders, see docs/guide/historical-orders.md); it
exits 0 only when everything was committed (with ``--dry-run``: when nothing is
wrong), else 1, and always prints the accepted, rejected and duplicate counts.
``--errors OUT.xlsx`` writes the error workbook (rows with problems first, a 问题
column) to fix and import again. ``export customers OUT.xlsx`` writes every account
the filters select; ``template customers|key-persons|orders OUT.xlsx`` writes the empty
import sheet.

The acting user is the one the window frame names (the branch's admin, else its
leader: :meth:`kamdesk.services.shell.ShellService.current_actor`).
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable
from pathlib import Path

from sqlalchemy import Engine

from kamdesk.commands.common import cli_actor, db_option, open_engine, progress_printer
from kamdesk.domain.customers.churn import ChurnRisk
from kamdesk.domain.customers.classification import AccountLevel, Grade, KeyAccountCategory
from kamdesk.domain.customers.visits import VisitState
from kamdesk.errors import KamdeskError, define
from kamdesk.i18n import N_, tr
from kamdesk.services.customers_query.filters import AccountStatus
from kamdesk.services.sheet_import import ImportReport, ImportService

define(
    {
        "cli.unknown_choice": N_("There is no {what} named '{text}'."),
    }
)

_GRADES = [grade.value for grade in Grade]
_RISKS = [risk.value for risk in ChurnRisk]
_STATUSES = [status.value for status in AccountStatus]
_CATEGORIES = [category.value for category in KeyAccountCategory]
_LEVELS = [level.value for level in AccountLevel]
_VISITS = [visit.value for visit in VisitState]


def _import(args: argparse.Namespace, engine: Engine) -> tuple[ImportReport, str]:
    """The report of importing ``args.file`` as ``args.kind``, and the error sheet's name."""
    from kamdesk.services.customer_import import CustomerImportService
    from kamdesk.services.key_person_import import KeyPersonImportService
    from kamdesk.services.order_import import ERROR_SHEET, OrderImportService

    services: dict[str, tuple[Callable[[Engine], ImportService], str]] = {
        "customers": (CustomerImportService, "客户"),
        "key-persons": (KeyPersonImportService, "关键人"),
        "orders": (OrderImportService, ERROR_SHEET),
    }
    service, sheet = services[args.kind]
    report = service(engine).run(
        args.file, cli_actor(engine), dry_run=args.dry_run, progress=progress_printer()
    )
    return report, sheet


def _cmd_import(args: argparse.Namespace) -> int:
    from kamdesk.services.customer_export import write_error_workbook

    engine = open_engine(args)
    try:
        report, sheet = _import(args, engine)
    finally:
        engine.dispose()
    for row in report.rows:
        for line in (*row.problems, *row.warnings):
            print(tr("row {row}: {problem}", row=row.row, problem=line), file=sys.stderr)
    if report.ignored_columns:
        print(tr("Ignored columns: {columns}", columns="、".join(report.ignored_columns)))
    print(
        tr(
            "accepted {accepted}, rejected {rejected}, duplicates {duplicates}",
            accepted=report.accepted,
            rejected=report.rejected,
            duplicates=report.duplicates,
        )
    )
    if args.errors is not None and not report.clean:
        count = write_error_workbook(report, args.errors, sheet)
        print(tr("{count} rows to fix are in {path}", count=count, path=str(args.errors)))
    if report.committed:
        print(tr("Imported {count} rows.", count=report.accepted))
        return 0
    if report.dry_run and report.clean:
        print(tr("Dry run: every row can be imported; nothing was saved."))
        return 0
    print(tr("Nothing was imported."), file=sys.stderr)
    return 1


def _choice_id(choices: list[tuple[str, str]], text: str | None, what: str) -> str | None:
    if not text:
        return None
    for row_id, name in choices:
        if text in (row_id, name):
            return row_id
    raise KamdeskError("cli.unknown_choice", what=tr(what), text=text)


def _cmd_export(args: argparse.Namespace) -> int:
    from kamdesk.services.customer_export import CustomerExportService
    from kamdesk.services.customer_list import CustomerFilter, CustomerListService

    engine = open_engine(args)
    try:
        listing = CustomerListService(engine)
        choices = listing.choices()
        query = CustomerFilter(
            text=args.search or "",
            grade=args.grade,
            category=args.category,
            level=args.level,
            visit=args.visit,
            churn_risk=args.churn_risk,
            status=args.status,
            industry_group_id=_choice_id(
                [(c.id, c.name) for c in choices.industry_groups],
                args.industry_group,
                N_("industry group"),
            ),
            owner_id=_choice_id(
                [(c.id, c.name) for c in choices.owners], args.owner, N_("account manager")
            ),
        )
        count = CustomerExportService(engine, listing).export(
            query, args.out, cli_actor(engine), progress=progress_printer()
        )
    except OSError as exc:
        raise KamdeskError("cli.cannot_write", path=str(args.out), error=exc.strerror) from exc
    finally:
        engine.dispose()
    print(tr("{count} accounts written to {path}", count=count, path=str(args.out)))
    return 0


def _cmd_template(args: argparse.Namespace) -> int:
    from kamdesk.services.customer_columns import COLUMNS, KEY_PERSON_COLUMNS
    from kamdesk.services.customer_export import write_template
    from kamdesk.services.order_import import ORDER_COLUMNS, ORDER_NOTES

    if args.kind == "orders":
        write_template(args.out, ORDER_COLUMNS, ORDER_NOTES)
    else:
        write_template(args.out, COLUMNS if args.kind == "customers" else KEY_PERSON_COLUMNS)
    print(tr("Template written to {path}", path=str(args.out)))
    return 0


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add ``import customers|key-persons|orders``, ``export customers`` and ``template``."""
    importing = sub.add_parser("import", help=tr("import data from an Excel sheet"))
    kinds = importing.add_subparsers(dest="import_kind", required=True)
    for kind, help_text in (
        ("customers", tr("import key accounts (all or nothing)")),
        ("key-persons", tr("import key persons of existing accounts (all or nothing)")),
        ("orders", tr("import historical work orders (all or nothing)")),
    ):
        verb = kinds.add_parser(kind, help=help_text)
        verb.add_argument("file", metavar="FILE.xlsx", type=Path, help=tr("sheet to import"))
        verb.add_argument(
            "--dry-run", action="store_true", help=tr("check every row, save nothing")
        )
        verb.add_argument(
            "--errors",
            metavar="OUT.xlsx",
            type=Path,
            help=tr("write the rows to fix to this file"),
        )
        db_option(verb)
        verb.set_defaults(func=_cmd_import, kind=kind)

    exporting = sub.add_parser("export", help=tr("export data to an Excel sheet"))
    kinds = exporting.add_subparsers(dest="export_kind", required=True)
    customers = kinds.add_parser("customers", help=tr("export the customer list (all rows)"))
    customers.add_argument("out", metavar="OUT.xlsx", type=Path, help=tr("file to write"))
    customers.add_argument("--search", help=tr("name, credit code, phone or pinyin"))
    customers.add_argument("--grade", choices=_GRADES, help=tr("only this grade"))
    customers.add_argument("--category", choices=_CATEGORIES, help=tr("only this category"))
    customers.add_argument("--level", choices=_LEVELS, help=tr("only this level"))
    customers.add_argument(
        "--visit", choices=_VISITS, help=tr("only accounts whose visit is ok, due soon or overdue")
    )
    customers.add_argument("--churn-risk", choices=_RISKS, help=tr("only this churn risk"))
    customers.add_argument(
        "--status", choices=_STATUSES, default="active", help=tr("active, left or all accounts")
    )
    customers.add_argument("--industry-group", help=tr("industry group name"))
    customers.add_argument("--owner", help=tr("account manager name"))
    db_option(customers)
    customers.set_defaults(func=_cmd_export)

    template = sub.add_parser("template", help=tr("write an empty import sheet"))
    kinds = template.add_subparsers(dest="template_kind", required=True)
    for kind, help_text in (
        ("customers", tr("the customer import template")),
        ("key-persons", tr("the key-person import template")),
        ("orders", tr("the historical work-order import template")),
    ):
        verb = kinds.add_parser(kind, help=help_text)
        verb.add_argument("out", metavar="OUT.xlsx", type=Path, help=tr("file to write"))
        verb.set_defaults(func=_cmd_template, kind=kind)
