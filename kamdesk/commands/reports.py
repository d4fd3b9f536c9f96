"""``kamdesk report kpi``: the KPI report of a period as PDF and/or Excel, for scripts
and scheduled runs.

    kamdesk report kpi --period 2026-10 --by group,am --format pdf,xlsx --out DIR

Writes ``DIR/kpi-<period>.pdf`` and ``DIR/kpi-<period>.xlsx`` (the directory is
created) and prints each path. Both files come from one computed pack, so they agree.
The database is the global ``--db`` (also accepted after the verb), else the default.
"""

from __future__ import annotations

import argparse
from pathlib import Path

from kamdesk.commands.common import db_option, open_engine
from kamdesk.domain.kpi.figures import Dimension
from kamdesk.domain.kpi.period import parse_period
from kamdesk.errors import KamdeskError, define
from kamdesk.i18n import N_, tr

define(
    {
        "cli.bad_dimension": N_("Unknown dimension {name}; choose from {choices}."),
        "cli.bad_format": N_("Unknown format {name}; choose pdf and/or xlsx."),
    }
)

FORMATS = ("pdf", "xlsx")
DIMENSION_CHOICES = tuple(d.value for d in Dimension if d is not Dimension.TOTAL)


def _dimensions(text: str) -> tuple[Dimension, ...]:
    names = [n.strip() for n in text.split(",") if n.strip()]
    for name in names:
        if name not in DIMENSION_CHOICES:
            raise KamdeskError("cli.bad_dimension", name=name, choices=", ".join(DIMENSION_CHOICES))
    return tuple(Dimension(n) for n in names)


def _formats(text: str) -> tuple[str, ...]:
    names = tuple(n.strip() for n in text.split(",") if n.strip())
    for name in names:
        if name not in FORMATS:
            raise KamdeskError("cli.bad_format", name=name)
    return names


def _cmd_kpi(args: argparse.Namespace) -> int:
    from kamdesk.reports.kpi_pdf import render_kpi_pdf
    from kamdesk.reports.kpi_xlsx import render_kpi_xlsx
    from kamdesk.services.kpi import KpiService

    period = parse_period(args.period)
    dimensions = _dimensions(args.by)
    formats = _formats(args.format)
    engine = open_engine(args)
    try:
        ctx = KpiService(engine).report_context(period, dimensions, with_data="xlsx" in formats)
        out: Path = args.out
        out.mkdir(parents=True, exist_ok=True)
        for fmt in formats:
            path = out / f"kpi-{period.label}.{fmt}"
            if fmt == "pdf":
                render_kpi_pdf(ctx, path)
            else:
                render_kpi_xlsx(ctx, path)
            print(path)
    finally:
        engine.dispose()
    return 0


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add ``report kpi`` to the ``kamdesk`` parser."""
    report = sub.add_parser("report", help=tr("reports for HQ"))
    verbs = report.add_subparsers(dest="report_command", required=True)
    kpi = verbs.add_parser("kpi", help=tr("KPI report of a period (PDF and/or Excel)"))
    kpi.add_argument(
        "--period", required=True, help=tr("2026-10, 2026-Q4, 2026 or 2026-10-01..2026-10-15")
    )
    kpi.add_argument(
        "--by",
        default="group,am",
        help=tr("dimensions, comma-separated: {choices}", choices=",".join(DIMENSION_CHOICES)),
    )
    kpi.add_argument("--format", default="pdf,xlsx", help=tr("pdf, xlsx or pdf,xlsx"))
    kpi.add_argument("--out", type=Path, default=Path("."), help=tr("folder to write to"))
    db_option(kpi)
    kpi.set_defaults(func=_cmd_kpi)
