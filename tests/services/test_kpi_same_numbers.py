"""Screen, paper and workbook agree: the service's pack (what the dashboard shows),
the PDF read back with pdftotext and the workbook read back with openpyxl carry the
same value for every KPI, in total and per group and AM."""

from __future__ import annotations

import shutil
import subprocess
from collections.abc import Iterator

import openpyxl
import pytest
from sqlalchemy import update
from sqlalchemy.orm import Session

from kamdesk import i18n
from kamdesk.db.models import Customer
from kamdesk.domain.kpi import KPIS, Dimension, month
from kamdesk.domain.kpi.definitions import format_part, format_value
from kamdesk.reports.kpi_pdf import KPIS_PER_TABLE, render_kpi_pdf
from kamdesk.reports.kpi_xlsx import render_kpi_xlsx
from kamdesk.services.kpi import KpiService
from tests.services.kpi_fixture import Built, build

HOSTILE = "=cmd|' /C calc'!A0"
DIMS = (Dimension.GROUP, Dimension.AM)


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Built]:
    b = build(tmp_path_factory.mktemp("kpi-same") / "kpi.sqlite")
    with Session(b.engine) as s, s.begin():
        s.execute(update(Customer).where(Customer.id == b.ids["cA"]).values(name=HOSTILE))
    yield b
    b.engine.dispose()


@pytest.fixture(scope="module")
def artefacts(
    built: Built, tmp_path_factory: pytest.TempPathFactory
) -> tuple[object, str, openpyxl.Workbook]:
    i18n.set_language("zh_CN")
    ctx = KpiService(built.engine).report_context(month(2026, 10), DIMS, actor=None)
    folder = tmp_path_factory.mktemp("out")
    pdf, xlsx = folder / "kpi.pdf", folder / "kpi.xlsx"
    steps: list[tuple[int, int]] = []
    render_kpi_pdf(ctx, pdf, progress=lambda d, t, _: steps.append((d, t)))
    assert steps and steps[-1][0] == steps[-1][1]
    assert render_kpi_xlsx(ctx, xlsx) > 0
    text = subprocess.run(
        ["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True, check=True
    ).stdout
    return ctx.pack, text, openpyxl.load_workbook(xlsx)


pytestmark = pytest.mark.skipif(not shutil.which("pdftotext"), reason="poppler-utils not installed")


def test_summary_agrees(artefacts: tuple) -> None:
    pack, text, book = artefacts
    lines: dict[str, str] = {}
    for line in text.splitlines():  # the summary comes before the definitions appendix
        if line.strip():
            lines.setdefault(line.split()[0], line)
    sheet = book.worksheets[0]
    by_code = {row[0]: row for row in sheet.iter_rows(min_row=7, values_only=True) if row[0]}
    for kpi in KPIS:
        figure = pack.total.figures[kpi.code]
        shown = format_value(kpi, figure.value)
        tokens = lines[kpi.code].split()
        assert shown in tokens, (kpi.code, shown, lines[kpi.code])
        assert format_part(figure.numerator) in tokens
        assert format_part(figure.denominator) in tokens
        cell = by_code[kpi.code][2]
        if figure.value is None:
            assert cell is None
        else:
            assert cell == pytest.approx(figure.value, abs=1e-12)
            assert shown == format_value(kpi, cell)


@pytest.mark.parametrize("dimension", DIMS)
def test_dimension_tables_agree(artefacts: tuple, dimension: Dimension) -> None:
    pack, text, book = artefacts
    title = {Dimension.GROUP: "Industry group", Dimension.AM: "Account manager"}[dimension]
    sheet = next(ws for ws in book.worksheets if ws.title == i18n.tr(title))
    cells = {row[0]: row[1:] for row in sheet.iter_rows(min_row=2, values_only=True) if row[0]}
    rows = pack.rows[dimension]
    assert len(rows) == len(cells) >= 2
    for row in rows:
        printed = [
            tokens
            for tokens in (line.split() for line in text.splitlines())
            if tokens[:1] == [row.name] and len(tokens) == 1 + KPIS_PER_TABLE
        ]
        assert len(printed) == 2  # the two halves of the KPI table (chart labels excluded)
        values = printed[0][1:] + printed[1][1:]
        for i, kpi in enumerate(KPIS):
            value = row.figures[kpi.code].value
            assert values[i] == format_value(kpi, value)
            assert cells[row.name][i] == (None if value is None else pytest.approx(value))


def test_workbook_never_holds_a_formula(artefacts: tuple) -> None:
    _pack, _text, book = artefacts
    found = [
        cell
        for ws in book.worksheets
        for row in ws.iter_rows()
        for cell in row
        if cell.value == HOSTILE
    ]
    assert found and all(cell.data_type == "s" for cell in found)
    assert not any(
        cell.data_type == "f" for ws in book.worksheets for row in ws.iter_rows() for cell in row
    )
    titles = [ws.title for ws in book.worksheets]
    assert len(titles) == 1 + len(DIMS) + 3 + 1  # summary, dimensions, data, definitions


def test_definitions_print_every_character(artefacts: tuple) -> None:
    """The appendix keeps its minus signs and bullets (the embedded CJK font has no
    U+2212 or U+2022: they are printed as look-alikes instead of vanishing)."""
    _, text, _ = artefacts
    flat = " ".join(text.split())
    assert "max(0, 1 - " in flat  # K13's "max(0, 1 − numerator / denominator)"
    assert "·" in text
