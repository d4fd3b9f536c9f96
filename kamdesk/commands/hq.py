"""The installed ``kamdesk-hq``: the commands of :mod:`kamdesk.hq.cli` plus the report
that needs the desktop KPI engine.

    kamdesk-hq report kpi --period 2026-10 [--branch CODE ...] [--format pdf,xlsx] [--out DIR]

Writes ``DIR/kpi-branches-<period>.pdf|xlsx`` (the directory is created) and prints
each path: K01–K16 of every branch (or of the ``--branch`` ones) side by side, each
with its numerator and denominator, and the total of them all, in the layout of the
branch KPI report. The figures come from the desktop KPI engine run on the rows HQ
holds for each branch (:mod:`kamdesk.services.kpi.consolidated`), so a branch's figures
are those its fully synced desktops show. The files of one run come from one
computation. The entry point lives here, above services and HQ in the layers, because
:mod:`kamdesk.hq` may not import the desktop database or services.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from functools import partial
from pathlib import Path

import sqlalchemy as sa

from kamdesk.commands.common import progress_printer
from kamdesk.commands.reports import parse_formats, write_reports
from kamdesk.domain.clock import utcnow
from kamdesk.domain.kpi.figures import Dimension
from kamdesk.domain.kpi.period import parse_period
from kamdesk.errors import KamdeskError, define
from kamdesk.hq import admin
from kamdesk.hq import cli as hq_cli
from kamdesk.i18n import N_, tr

define(
    {"hq.no_branches": N_("HQ has no branches yet; add one with: kamdesk-hq branch add CODE NAME")}
)


def _branches(engine: sa.Engine, codes: Sequence[str] | None) -> list[admin.BranchInfo]:
    """Every branch by code, or the ones named (each must exist)."""
    found = admin.list_branches(engine)
    if not found:
        raise KamdeskError("hq.no_branches")
    if not codes:
        return found
    by_code = {b.code: b for b in found}
    wanted: list[admin.BranchInfo] = []
    for code in codes:
        branch = by_code.get(code.strip().upper())
        if branch is None:
            raise KamdeskError("hq.unknown_branch", branch=code)
        if branch not in wanted:
            wanted.append(branch)
    return wanted


def _cmd_kpi(args: argparse.Namespace) -> int:
    from kamdesk.hq.branch_rows import branch_pages
    from kamdesk.reports.kpi_context import KpiReportContext
    from kamdesk.reports.kpi_pdf import render_kpi_pdf
    from kamdesk.reports.kpi_xlsx import render_kpi_xlsx
    from kamdesk.services.kpi.consolidated import BranchRows, consolidated_pack

    period = parse_period(args.period)
    formats = parse_formats(args.format)
    branches = _branches(args.engine, args.branch)
    sources = [BranchRows(b.id, b.name, partial(branch_pages, args.engine, b.id)) for b in branches]
    title = "、".join(b.name for b in branches) if args.branch else tr("All branches")
    pack = consolidated_pack(sources, period, title, progress=progress_printer())
    ctx = KpiReportContext(pack, utcnow(), (Dimension.BRANCH,), parts=(Dimension.BRANCH,))
    write_reports(
        args.out,
        f"kpi-branches-{period.label}",
        formats,
        partial(render_kpi_pdf, ctx),
        partial(render_kpi_xlsx, ctx),
    )
    return 0


def register(report: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add ``report kpi`` to the verbs of ``kamdesk-hq report``."""
    kpi = report.add_parser("kpi", help=tr("every branch's KPIs side by side (PDF and/or Excel)"))
    kpi.add_argument(
        "--period", required=True, help=tr("2026-10, 2026-Q4, 2026 or 2026-10-01..2026-10-15")
    )
    kpi.add_argument(
        "--branch", action="append", help=tr("only this branch (repeatable; default: all)")
    )
    kpi.add_argument("--format", default="pdf,xlsx", help=tr("pdf, xlsx or pdf,xlsx"))
    kpi.add_argument("--out", type=Path, default=Path("."), help=tr("folder to write to"))
    hq_cli.add_db_option(kpi)
    kpi.set_defaults(func=_cmd_kpi)


def main(argv: Sequence[str] | None = None) -> int:
    """``kamdesk-hq``: :func:`kamdesk.hq.cli.main` with ``report kpi``."""
    return hq_cli.main(argv, reports=(register,))


if __name__ == "__main__":
    sys.exit(main())
