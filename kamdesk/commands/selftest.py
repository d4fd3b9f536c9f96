"""``kamdesk --self-test``: prove that an installed (or bundled) KAMDesk works end to end.

In a temporary folder it opens a fresh database (every migration runs), fills it with
a small demo branch, prints a signed work-order PDF and checks it against the record,
and writes the month's KPI workbook and reads it back. A broken PyInstaller spec (a
missing catalog, migration script, font or hidden import) fails here instead of on a
branch PC. The folder is removed afterwards; the user's own database is never touched.
The temporary branch's audit key lives in a process-local credential store, so the
system's store (Windows Credential Manager) is read to name it but never written.

:func:`run` prints one line per check and returns the exit status: 0 when every
check passed, 1 otherwise (the failing check's traceback goes to stderr). Qt checks
live in :mod:`kamdesk.ui.self_check` and are passed in by the CLI: no Qt here.
"""

from __future__ import annotations

import gettext
import sys
import tempfile
import time
import traceback
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TextIO

import keyring
from keyring.backend import KeyringBackend

from kamdesk.i18n import DOMAIN, LOCALE_DIR, tr

WORKORDER_PDF = "workorder.pdf"
"""File name of the printed work order inside the self-test folder (Qt checks read it)."""
KPI_WORKBOOK = "kpi.xlsx"
DATABASE = "selftest.sqlite"


@dataclass(frozen=True)
class Check:
    """One self-test step: ``run(folder)`` raises on failure, else returns a detail line."""

    name: str
    run: Callable[[Path], str]


class _ScratchKeyring(KeyringBackend):
    """Secrets of the throw-away branch: kept in this process, gone when it exits.

    It has no ``priority``, so keyring never picks it as the system's store by itself.
    """

    def __init__(self) -> None:
        super().__init__()
        self._secrets: dict[tuple[str, str], str] = {}

    def get_password(self, service: str, username: str) -> str | None:
        return self._secrets.get((service, username))

    def set_password(self, service: str, username: str, password: str) -> None:
        self._secrets[(service, username)] = password

    def delete_password(self, service: str, username: str) -> None:
        self._secrets.pop((service, username), None)


def _catalog(folder: Path) -> str:
    found = gettext.find(DOMAIN, str(LOCALE_DIR), languages=["zh_CN"])
    if found is None:
        raise FileNotFoundError(f"{DOMAIN}.mo for zh_CN under {LOCALE_DIR}")
    return found


def _database(folder: Path) -> str:
    from kamdesk.db.startup import open_database
    from kamdesk.services.demo import DemoSpec, generate_demo

    engine = open_database(folder / DATABASE)
    try:
        summary = generate_demo(engine, DemoSpec(accounts=4, orders=24, seed=8, workers=0))
    finally:
        engine.dispose()
    if summary.count("work_orders") == 0:
        raise RuntimeError("the demo branch has no work orders")
    return summary.describe()


def _workorder_pdf(folder: Path) -> str:
    from pypdf import PdfReader

    from kamdesk.db.startup import open_database
    from kamdesk.services.workorders import OrderQuery, WorkOrderService

    engine = open_database(folder / DATABASE)
    try:
        service = WorkOrderService(engine)
        rows = service.list_orders(None, OrderQuery(), limit=1)
        if not rows:
            raise RuntimeError("no work order to print")
        result = service.printing.print_pdf(rows[0].order_id, folder / WORKORDER_PDF)
        verdict = service.printing.verify_pdf(folder / WORKORDER_PDF)
    finally:
        engine.dispose()
    if not verdict.matches:
        raise RuntimeError("; ".join(verdict.differences))
    pages = len(PdfReader(folder / WORKORDER_PDF).pages)
    return tr("{order_no}: {pages} page(s), verified", order_no=result.order_no, pages=pages)


def _kpi_workbook(folder: Path) -> str:
    from openpyxl import load_workbook

    from kamdesk.db.startup import open_database
    from kamdesk.domain.kpi.figures import Dimension
    from kamdesk.domain.kpi.period import parse_period
    from kamdesk.reports.kpi_xlsx import render_kpi_xlsx
    from kamdesk.services.demo import DEFAULT_NOW
    from kamdesk.services.kpi import KpiService

    period = parse_period(f"{DEFAULT_NOW:%Y-%m}")
    engine = open_database(folder / DATABASE)
    try:
        dims = (Dimension.GROUP, Dimension.AM)
        ctx = KpiService(engine).report_context(period, dims, actor=None)  # the system's check
    finally:
        engine.dispose()
    render_kpi_xlsx(ctx, folder / KPI_WORKBOOK)
    book = load_workbook(folder / KPI_WORKBOOK, read_only=True)
    try:
        sheets = book.sheetnames
    finally:
        book.close()
    if len(sheets) < 1 + len(ctx.dimensions):
        raise RuntimeError(f"the workbook has only the sheets {sheets}")
    return tr("{period}: {count} sheets", period=period.label, count=len(sheets))


def core_checks() -> list[Check]:
    """Catalog, database with migrations and demo data, work-order PDF, KPI workbook."""
    return [
        Check(tr("Chinese catalog"), _catalog),
        Check(tr("Fresh database"), _database),
        Check(tr("Work-order PDF"), _workorder_pdf),
        Check(tr("KPI workbook"), _kpi_workbook),
    ]


def run(checks: Sequence[Check], out: TextIO | None = None, err: TextIO | None = None) -> int:
    """Run ``checks`` in order in one temporary folder; stop at the first failure.

    ``out``/``err`` default to the ``sys.stdout``/``sys.stderr`` of the moment of the call.
    """
    out = out or sys.stdout
    err = err or sys.stderr
    started = time.monotonic()
    system_store = keyring.get_keyring()
    print(
        tr(
            "Credential store: {name}",
            name=f"{type(system_store).__module__}.{type(system_store).__qualname__}",
        ),
        file=out,
    )
    keyring.set_keyring(_ScratchKeyring())
    try:
        return _run_in_folder(checks, out, err, started)
    finally:
        keyring.set_keyring(system_store)


def _run_in_folder(checks: Sequence[Check], out: TextIO, err: TextIO, started: float) -> int:
    with tempfile.TemporaryDirectory(
        prefix="kamdesk-selftest-", ignore_cleanup_errors=True
    ) as name:
        folder = Path(name)
        for check in checks:
            try:
                detail = check.run(folder)
            except Exception as exc:
                traceback.print_exc(file=err)
                print(tr("FAILED {check}: {error}", check=check.name, error=exc), file=out)
                return 1
            print(tr("ok {check}: {detail}", check=check.name, detail=detail), file=out)
    seconds = f"{time.monotonic() - started:.1f}"
    print(tr("Self-test passed in {seconds} s.", seconds=seconds), file=out, flush=True)
    return 0
