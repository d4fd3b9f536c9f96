"""Background work for the page: the pack of a period, the PDF/Excel KPI reports and
the monthly evaluation sheets.

Plain functions taking ``progress``/``cancel`` for :meth:`TaskRunner.run`; they know
nothing of Qt. The reportlab and XlsxWriter modules are imported inside the
functions, so opening the window never loads them (tests/test_lazy_imports.py).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path

from kamdesk.domain.kpi.figures import Dimension, KpiPack
from kamdesk.domain.kpi.period import Period
from kamdesk.domain.progress import CancelCheck, Progress, check_cancel
from kamdesk.errors import KamdeskError
from kamdesk.i18n import tr
from kamdesk.services.actor import Actor
from kamdesk.services.evaluation import EvaluationService
from kamdesk.services.kpi import KpiService

FORMATS = ("pdf", "xlsx")
EXPORT_DIMENSIONS: tuple[Dimension, ...] = (Dimension.GROUP, Dimension.AM)


def read_pack(
    kpi: KpiService, period: Period, dimension: Dimension, *, progress: Progress,
    cancel: CancelCheck,
) -> KpiPack:  # fmt: skip
    """The total (with the previous period) and ``dimension``'s rows of ``period``."""
    dims = () if dimension is Dimension.TOTAL else (dimension,)
    return kpi.pack(period, dims, with_previous=True, progress=progress, cancel=cancel)


def export_report(
    kpi: KpiService,
    period: Period,
    fmt: str,
    path: Path,
    dimensions: Sequence[Dimension] = EXPORT_DIMENSIONS,
    *,
    actor: Callable[[], Actor | None] | None = None,
    progress: Progress,
    cancel: CancelCheck,
) -> Path:
    """Write the KPI report of ``period`` as ``fmt`` (pdf|xlsx) to ``path``. The file is
    written beside it first and moved into place at the end, so a cancelled or failed
    export leaves neither a partial file nor a damaged earlier one. A written report is
    an ``export`` audit event of ``actor()`` (asked in the background)."""
    if fmt not in FORMATS:
        raise ValueError(f"unknown format {fmt!r}")
    progress(0, 3, tr("Computing KPIs…"))
    ctx = kpi.report_context(period, dimensions, with_data=fmt == "xlsx", cancel=cancel)
    check_cancel(cancel)
    progress(1, 3, tr("Writing {file}…", file=path.name))

    def write(partial: Path) -> None:
        if fmt == "pdf":
            from kamdesk.reports.kpi_pdf import render_kpi_pdf

            render_kpi_pdf(ctx, partial, cancel=cancel)
        else:
            from kamdesk.reports.kpi_xlsx import render_kpi_xlsx

            render_kpi_xlsx(ctx, partial, cancel=cancel)

    _write_in_place(path, write, cancel)
    kpi.record_export(None if actor is None else actor(), period, fmt, path)
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
    in-place rule as :func:`export_report`."""
    if fmt not in FORMATS:
        raise ValueError(f"unknown format {fmt!r}")
    who = actor()
    if who is None:
        raise KamdeskError("evaluation.nobody_signed_in")
    progress(0, 3, tr("Computing the evaluation sheets…"))
    report = evaluation.report(who, period, cancel=cancel)
    check_cancel(cancel)
    progress(1, 3, tr("Writing {file}…", file=path.name))

    def write(partial: Path) -> None:
        if fmt == "pdf":
            from kamdesk.reports.evaluation_pdf import render_evaluation_pdf

            render_evaluation_pdf(report, partial, cancel=cancel)
        else:
            from kamdesk.reports.evaluation_xlsx import render_evaluation_xlsx

            render_evaluation_xlsx(report, partial, cancel=cancel)

    _write_in_place(path, write, cancel)
    progress(3, 3, tr("Written {file}", file=path.name))
    return path


def _write_in_place(path: Path, write: Callable[[Path], None], cancel: CancelCheck) -> None:
    """``write`` a file beside ``path``, then move it into place; nothing is left
    behind when it fails or is cancelled."""
    partial = path.with_name(path.name + ".part")
    try:
        write(partial)
        check_cancel(cancel)
        partial.replace(path)
    finally:
        partial.unlink(missing_ok=True)
