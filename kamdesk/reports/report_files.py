"""Report files put in place whole: the KPI report and the evaluation sheets as PDF or
Excel, written beside their name and renamed into place at the end.

Guarantee: a failed or cancelled write leaves neither a partial file nor a damaged
earlier one (the rename replaces the old file in one step). The renderers (reportlab,
XlsxWriter) are imported inside the functions, so importing this module loads neither.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from kamdesk.domain.progress import CancelCheck, check_cancel

if TYPE_CHECKING:
    from kamdesk.domain.evaluation import EvaluationReport
    from kamdesk.reports.kpi_context import KpiReportContext

FORMATS = ("pdf", "xlsx")
PARTIAL_SUFFIX = ".part"


def write_in_place(
    path: Path, write: Callable[[Path], None], cancel: CancelCheck | None = None
) -> None:
    """``write`` a file beside ``path``, then move it into place; nothing is left
    behind when it fails or is cancelled."""
    partial = path.with_name(path.name + PARTIAL_SUFFIX)
    try:
        write(partial)
        check_cancel(cancel)
        partial.replace(path)
    finally:
        partial.unlink(missing_ok=True)


def _check_format(fmt: str) -> None:
    if fmt not in FORMATS:
        raise ValueError(f"unknown format {fmt!r}")


def write_kpi_file(
    ctx: KpiReportContext, fmt: str, path: Path, *, cancel: CancelCheck | None = None
) -> None:
    """The KPI report of ``ctx`` as ``fmt`` (pdf|xlsx) at ``path``, put in place whole."""
    _check_format(fmt)

    def write(partial: Path) -> None:
        if fmt == "pdf":
            from kamdesk.reports.kpi_pdf import render_kpi_pdf

            render_kpi_pdf(ctx, partial, cancel=cancel)
        else:
            from kamdesk.reports.kpi_xlsx import render_kpi_xlsx

            render_kpi_xlsx(ctx, partial, cancel=cancel)

    write_in_place(path, write, cancel)


def write_evaluation_file(
    report: EvaluationReport, fmt: str, path: Path, *, cancel: CancelCheck | None = None
) -> None:
    """The evaluation sheets of ``report`` as ``fmt`` (pdf|xlsx) at ``path``, put in
    place whole."""
    _check_format(fmt)

    def write(partial: Path) -> None:
        if fmt == "pdf":
            from kamdesk.reports.evaluation_pdf import render_evaluation_pdf

            render_evaluation_pdf(report, partial, cancel=cancel)
        else:
            from kamdesk.reports.evaluation_xlsx import render_evaluation_xlsx

            render_evaluation_xlsx(report, partial, cancel=cancel)

    write_in_place(path, write, cancel)
