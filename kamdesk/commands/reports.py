"""``kamdesk report kpi|evaluation``: the KPI report of a period and the monthly
evaluation sheets as PDF and/or Excel, for scripts and scheduled runs.

    kamdesk report kpi --period 2026-10 --by group,am --format pdf,xlsx --out DIR
    kamdesk report evaluation --month 2026-10 [--person LOGIN] --format pdf,xlsx --out DIR
    kamdesk report scheduled [--now 2026-11-01T00:30+08:00]

Writes ``DIR/kpi-<period>.pdf|xlsx`` or ``DIR/evaluation-<month>[-<login>].pdf|xlsx``
(the directory is created) and prints each path. The files of one run come from one
computation, so they agree. Both are read as the branch's admin (else its leader),
i.e. every row and every account manager of the branch.
``report scheduled`` writes what the branch's monthly schedule (设置 › 月度报表) says is
due and not yet written, prints each path, and is meant for the Windows task scheduler;
see :mod:`kamdesk.services.scheduled_reports`.
The database is the global ``--db`` (also accepted after the verb), else the default.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable, Iterable
from datetime import datetime
from functools import partial
from pathlib import Path

from kamdesk.commands.common import cli_actor, db_option, open_engine, progress_printer
from kamdesk.domain.clock import SHANGHAI
from kamdesk.domain.kpi.figures import Dimension
from kamdesk.domain.kpi.period import parse_period
from kamdesk.errors import KamdeskError, define
from kamdesk.i18n import N_, tr

define(
    {
        "cli.bad_dimension": N_("Unknown dimension {name}; choose from {choices}."),
        "cli.bad_format": N_("Unknown format {name}; choose pdf and/or xlsx."),
        "cli.bad_instant": N_(
            "Cannot read the time {text!r}: use e.g. 2026-11-01T00:30 (Shanghai time) or "
            "2026-10-31T16:30+00:00."
        ),
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


def parse_formats(text: str) -> tuple[str, ...]:
    names = tuple(n.strip() for n in text.split(",") if n.strip())
    for name in names:
        if name not in FORMATS:
            raise KamdeskError("cli.bad_format", name=name)
    return names


def write_reports(
    out: Path,
    stem: str,
    formats: Iterable[str],
    pdf: Callable[[Path], object],
    xlsx: Callable[[Path], object],
    *,
    written: Callable[[str, Path], object] | None = None,
) -> None:
    """Write ``out/stem.FORMAT`` for each format with ``pdf`` or ``xlsx`` (making
    ``out`` if need be) and print each path; ``written(format, path)`` runs first."""
    out.mkdir(parents=True, exist_ok=True)
    for fmt in formats:
        path = out / f"{stem}.{fmt}"
        (pdf if fmt == "pdf" else xlsx)(path)
        if written is not None:
            written(fmt, path)
        print(path)


def _cmd_kpi(args: argparse.Namespace) -> int:
    from kamdesk.reports.kpi_pdf import render_kpi_pdf
    from kamdesk.reports.kpi_xlsx import render_kpi_xlsx
    from kamdesk.services.kpi import KpiService

    period = parse_period(args.period)
    dimensions = _dimensions(args.by)
    formats = parse_formats(args.format)
    engine = open_engine(args)
    try:
        kpi = KpiService(engine)
        actor = cli_actor(engine)
        ctx = kpi.report_context(period, dimensions, actor=actor, with_data="xlsx" in formats)
        write_reports(
            args.out,
            f"kpi-{period.label}",
            formats,
            partial(render_kpi_pdf, ctx),
            partial(render_kpi_xlsx, ctx),
            written=lambda fmt, path: kpi.record_export(actor, period, fmt, path),
        )
    finally:
        engine.dispose()
    return 0


def _cmd_evaluation(args: argparse.Namespace) -> int:
    from kamdesk.reports.evaluation_pdf import render_evaluation_pdf
    from kamdesk.reports.evaluation_xlsx import render_evaluation_xlsx
    from kamdesk.services.evaluation import EvaluationService

    period = parse_period(args.month)
    formats = parse_formats(args.format)
    engine = open_engine(args)
    try:
        service = EvaluationService(engine)
        report = service.report(cli_actor(engine), period, args.person, progress=progress_printer())
        suffix = f"-{report.people[0].login}" if args.person and report.people else ""
        write_reports(
            args.out,
            f"evaluation-{period.label}{suffix}",
            formats,
            partial(render_evaluation_pdf, report),
            partial(render_evaluation_xlsx, report),
        )
    finally:
        engine.dispose()
    return 0


def parse_instant(text: str) -> datetime:
    """An ISO time; one without a zone is Shanghai time."""
    try:
        value = datetime.fromisoformat(text.strip())
    except ValueError:
        raise KamdeskError("cli.bad_instant", text=text) from None
    return value if value.tzinfo is not None else value.replace(tzinfo=SHANGHAI)


def _cmd_scheduled(args: argparse.Namespace) -> int:
    from kamdesk.services.container import Services

    now = parse_instant(args.now) if args.now else None
    engine = open_engine(args)
    try:
        scheduled = Services(engine).scheduled_reports
        if not scheduled.schedule().enabled:
            print(tr("The monthly reports are switched off (Settings)."), file=sys.stderr)
            return 0
        run = scheduled.generate_due(now, progress=progress_printer())
        for path in run.written:
            print(path)
        for label in run.busy:
            print(tr("{month} is being written by another run.", month=label), file=sys.stderr)
        if not run.written and not run.months and not run.busy:
            print(tr("No monthly report is due."), file=sys.stderr)
    finally:
        engine.dispose()
    return 0


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add ``report kpi``, ``report evaluation`` and ``report scheduled`` to the parser."""
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
    evaluation = verbs.add_parser(
        "evaluation", help=tr("monthly evaluation sheets with incentives (PDF and/or Excel)")
    )
    evaluation.add_argument("--month", required=True, help=tr("the month, e.g. 2026-10"))
    evaluation.add_argument(
        "--person", default=None, help=tr("login of one person (default: every AM)")
    )
    evaluation.add_argument("--format", default="pdf,xlsx", help=tr("pdf, xlsx or pdf,xlsx"))
    evaluation.add_argument("--out", type=Path, default=Path("."), help=tr("folder to write to"))
    db_option(evaluation)
    evaluation.set_defaults(func=_cmd_evaluation)
    scheduled = verbs.add_parser(
        "scheduled", help=tr("write the monthly reports that are due (for the task scheduler)")
    )
    scheduled.add_argument(
        "--now", default=None, help=tr("act as if it were this time (ISO, default: now)")
    )
    db_option(scheduled)
    scheduled.set_defaults(func=_cmd_scheduled)
