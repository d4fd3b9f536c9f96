"""The KPI workbook opens in LibreOffice (headless) without repair and converts to a
PDF that carries its charts' titles and the summary's figures."""

from __future__ import annotations

import shutil
import subprocess
import zipfile
from collections.abc import Iterator
from pathlib import Path

import pytest
from openpyxl import load_workbook

from kamdesk.domain.kpi import KPI_BY_CODE, Dimension, month
from kamdesk.domain.kpi.definitions import format_value
from kamdesk.i18n import tr
from kamdesk.reports.kpi_xlsx import render_kpi_xlsx
from kamdesk.services.kpi import KpiService
from tests.services.kpi_fixture import Built, build

SOFFICE = shutil.which("soffice")
PDFTOTEXT = shutil.which("pdftotext")
needs_libreoffice = pytest.mark.skipif(
    not (SOFFICE and PDFTOTEXT), reason="LibreOffice (soffice) or pdftotext not installed"
)


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Built]:
    b = build(tmp_path_factory.mktemp("kpi-lo") / "kpi.sqlite")
    yield b
    b.engine.dispose()


def _convert(workbook: Path, out: Path) -> subprocess.CompletedProcess[str]:
    profile = (out / "lo-profile").as_uri()  # own profile: no clash with other soffice runs
    assert SOFFICE is not None
    return subprocess.run(
        [SOFFICE, f"-env:UserInstallation={profile}", "--headless", "--norestore",
         "--convert-to", "pdf", "--outdir", str(out), str(workbook)],
        capture_output=True, text=True, timeout=180,
    )  # fmt: skip


@needs_libreoffice
def test_workbook_converts_to_pdf_with_charts_and_figures(built: Built, tmp_path: Path) -> None:
    period = month(2026, 10)
    ctx = KpiService(built.engine).report_context(
        period, (Dimension.GROUP, Dimension.AM), actor=None
    )
    workbook = tmp_path / "kpi.xlsx"
    render_kpi_xlsx(ctx, workbook)
    with zipfile.ZipFile(workbook) as z:
        assert z.testzip() is None
        charts = [n for n in z.namelist() if n.startswith("xl/charts/chart")]
    assert len(charts) == 3  # summary, group and AM sheets
    load_workbook(workbook, read_only=True).close()

    done = _convert(workbook, tmp_path)
    output = done.stdout + done.stderr
    assert done.returncode == 0, output
    assert "repair" not in output.lower() and "error" not in output.lower(), output
    pdf = tmp_path / "kpi.pdf"
    assert pdf.stat().st_size > 0
    assert PDFTOTEXT is not None
    text = subprocess.run([PDFTOTEXT, "-layout", str(pdf), "-"], capture_output=True,
                          text=True, check=True).stdout  # fmt: skip
    assert tr("Percent KPIs") in text  # the summary chart's title
    assert tr("Key-account KPI report") in text
    figures = ctx.pack.total.figures
    for code in ("K01", "K04", "K09"):
        assert format_value(KPI_BY_CODE[code], figures[code].value) in text, code
