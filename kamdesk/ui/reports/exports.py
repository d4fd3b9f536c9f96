"""Background work for the page: the PDF/Excel KPI reports and the monthly evaluation
sheets (the figures on screen: :mod:`kamdesk.ui.reports.dashboard_data`).

Plain functions taking ``progress``/``cancel`` for :meth:`TaskRunner.run`; they know
nothing of Qt. The files are put in place whole by :mod:`kamdesk.reports.report_files`,
which imports reportlab and XlsxWriter only when writing, so opening the window never
loads them (tests/test_lazy_imports.py).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path

from kamdesk.domain.kpi.figures import Dimension
from kamdesk.domain.kpi.period import Period
from kamdesk.domain.progress import CancelCheck, Progress, check_cancel
from kamdesk.errors import KamdeskError
from kamdesk.i18n import tr
from kamdesk.reports.report_files import FORMATS, write_evaluation_file, write_kpi_file
from kamdesk.services.actor import Actor
from kamdesk.services.evaluation import EvaluationService
from kamdesk.services.kpi import KpiService
from kamdesk.services.kpi.visibility import signed_in

EXPORT_DIMENSIONS: tuple[Dimension, ...] = (Dimension.GROUP, Dimension.AM)


def export_report(
    kpi: KpiService,
    period: Period,
    fmt: str,
    path: Path,
    dimensions: Sequence[Dimension] = EXPORT_DIMENSIONS,
    *,
    actor: Callable[[], Actor | None],
    progress: Progress,
    cancel: CancelCheck,
) -> Path:
    """Write the KPI report of ``period`` as ``fmt`` (pdf|xlsx) to ``path``: the rows
    the signed-in person (``actor()``, asked in the background) may see; refused when
    nobody is signed in. The file is written beside it first and moved into place at
    the end, so a cancelled or failed export leaves neither a partial file nor a
    damaged earlier one. A written report is an ``export`` audit event of theirs."""
    if fmt not in FORMATS:
        raise ValueError(f"unknown format {fmt!r}")
    who = signed_in(actor())
    progress(0, 3, tr("Computing KPIs…"))
    ctx = kpi.report_context(period, dimensions, actor=who, with_data=fmt == "xlsx", cancel=cancel)
    check_cancel(cancel)
    progress(1, 3, tr("Writing {file}…", file=path.name))
    write_kpi_file(ctx, fmt, path, cancel=cancel)
    kpi.record_export(who, period, fmt, path)
    progress(3, 3, tr("Written {file}", file=path.name))
    return path


def export_evaluation(
    evaluation: EvaluationService,
    actor: Callable[[], Actor | None],
    period: Period,
    fmt: str,
    path: Path,
    *,
    progress: Progress,
    cancel: CancelCheck,
) -> Path:
    """Write the evaluation sheets of ``period`` (a month) that the signed-in person
    (``actor()``, asked in the background) may read, as ``fmt`` to ``path``; the same
    in-place rule as :func:`export_report`, and also an ``export`` audit event."""
    if fmt not in FORMATS:
        raise ValueError(f"unknown format {fmt!r}")
    who = actor()
    if who is None:
        raise KamdeskError("evaluation.nobody_signed_in")
    progress(0, 3, tr("Computing the evaluation sheets…"))
    report = evaluation.report(who, period, cancel=cancel)
    check_cancel(cancel)
    progress(1, 3, tr("Writing {file}…", file=path.name))
    write_evaluation_file(report, fmt, path, cancel=cancel)
    evaluation.record_export(who, period, fmt, path)
    progress(3, 3, tr("Written {file}", file=path.name))
    return path
