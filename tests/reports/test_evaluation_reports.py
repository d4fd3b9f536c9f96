"""The evaluation sheets as PDF (read back with pdftotext/pdffonts) and as a workbook
(read back with openpyxl): every person, every hand-computed amount, every step."""

from __future__ import annotations

import dataclasses
import subprocess
from collections.abc import Iterator
from pathlib import Path

import openpyxl
import pytest

from kamdesk import i18n
from kamdesk.domain.evaluation import EvaluationReport, PersonSheet
from kamdesk.domain.kpi import month
from kamdesk.domain.kpi.definitions import format_value
from kamdesk.reports.evaluation_pdf import render_evaluation_pdf
from kamdesk.reports.evaluation_xlsx import render_evaluation_xlsx
from kamdesk.services.evaluation import EvaluationService
from tests.reports.conftest import needs_poppler, pages_text, squeeze
from tests.services.evaluation_fixture import EXPECTED_AMOUNTS, actor, build_evaluation

EVIL = "=cmd|' /C calc'!A0"


@pytest.fixture(scope="module")
def report(tmp_path_factory: pytest.TempPathFactory) -> Iterator[EvaluationReport]:
    built = build_evaluation(tmp_path_factory.mktemp("evaluation-reports") / "kpi.sqlite")
    i18n.set_language("en")
    try:
        yield EvaluationService(built.engine).report(
            actor(built, "boss", "leader"), month(2026, 10)
        )
    finally:
        i18n.set_language("zh_CN")
        built.engine.dispose()


def person(report: EvaluationReport, login: str) -> PersonSheet:
    return next(p for p in report.people if p.login == login)


@needs_poppler
def test_pdf_has_an_overview_a_sheet_per_person_and_the_schedule(
    report: EvaluationReport, english: None, tmp_path: Path
) -> None:
    pdf = tmp_path / "evaluation.pdf"
    render_evaluation_pdf(report, pdf)
    pages = pages_text(pdf)
    assert len(pages) == 1 + len(report.people) + 1
    for number, text in enumerate(pages, start=1):
        assert f"Page {number} of {len(pages)}" in text
    overview = squeeze(pages[0])
    for expected in ("¥34.00", "¥62.50", "¥0.00", "¥3,600.00", "4/5", "0/3"):
        assert expected in overview
    for page, sheet in zip(pages[1:-1], report.people, strict=True):
        text = squeeze(page)
        assert squeeze(f"{sheet.name}（{sheet.login}）") in text
        for line in sheet.incentive.explanation():
            assert squeeze(line.replace("\u2212", "-")) in text, line
        amount = EXPECTED_AMOUNTS[sheet.login]
        shown = "—" if amount is None else f"¥{amount:,.2f}"
        assert squeeze(f"Incentive for the month: {shown}") in text
        k14 = sheet.line("K14")
        assert format_value(k14.kpi, k14.figure.value) in text
    am2 = squeeze(pages[1 + report.people.index(person(report, "am2"))])
    assert squeeze("on R - 3000.00 = 2000.00 CNY") in am2  # a minus sign the font can draw
    assert squeeze("Appendix: incentive schedule") in squeeze(pages[-1])
    assert squeeze("Version 1, effective from 2026-01-01") in squeeze(pages[-1])


@needs_poppler
def test_pdf_embeds_every_font(report: EvaluationReport, tmp_path: Path) -> None:
    pdf = tmp_path / "evaluation.pdf"
    render_evaluation_pdf(report, pdf)
    lines = subprocess.run(
        ["pdffonts", str(pdf)], capture_output=True, text=True, check=True
    ).stdout.splitlines()[2:]
    assert lines and all(line.split()[-5] == "yes" for line in lines)


def test_workbook_reads_back_with_the_same_amounts_and_steps(
    report: EvaluationReport, english: None, tmp_path: Path
) -> None:
    out = tmp_path / "evaluation.xlsx"
    render_evaluation_xlsx(report, out)
    book = openpyxl.load_workbook(out)
    assert book.sheetnames == ["Overview", "KPIs against targets", "Incentive computation",
                               "Schedule"]  # fmt: skip
    overview = book["Overview"]
    header = next(r for r in range(1, 10) if overview.cell(r, 1).value == "Name")
    columns = [c.value for c in overview[header]]
    rows = {
        row[1]: dict(zip(columns, row, strict=True))
        for row in overview.iter_rows(min_row=header + 1, values_only=True)
    }
    assert {login: r["Incentive"] for login, r in rows.items()} == {
        login: None if amount is None else float(amount)
        for login, amount in EXPECTED_AMOUNTS.items()
    }
    assert rows["am1"]["Targets met"] == 4 and rows["am1"]["Targets set"] == 5
    assert rows["am4"]["Staff type"] == "Support staff"
    assert overview.freeze_panes == f"B{header + 1}"

    kpis = book["KPIs against targets"]
    found = {(r[0], r[2]): r for r in kpis.iter_rows(min_row=2, values_only=True)}
    name = person(report, "am1").name
    k02 = found[(name, "K02")]
    assert k02[5] == 5.0 and k02[9] == "Not met"
    assert k02[6] == pytest.approx(person(report, "am1").line("K02").figure.value)
    assert found[(name, "K01")][9] == "Met"
    k01_cell = next(c for c in kpis["F"] if c.value == 0.9)
    assert k01_cell.number_format == "0.0%"

    steps = book["Incentive computation"]
    am1_steps = [r[2] for r in steps.iter_rows(min_row=2, values_only=True) if r[0] == name]
    assert am1_steps == person(report, "am1").incentive.explanation()
    schedule = {r[0]: r[1] for r in book["Schedule"].iter_rows(values_only=True) if r[0]}
    assert schedule["Sales: default C (CNY per 100 CNY)"] == "2.5"
    book.close()


def test_a_name_that_looks_like_a_formula_stays_text(
    report: EvaluationReport, tmp_path: Path
) -> None:
    evil = dataclasses.replace(report.people[0], name=EVIL, group=EVIL)
    out = tmp_path / "evil.xlsx"
    render_evaluation_xlsx(dataclasses.replace(report, people=(evil,)), out)
    book = openpyxl.load_workbook(out)
    cells = [c for sheet in book for row in sheet.iter_rows() for c in row if c.value == EVIL]
    assert len(cells) >= 3 and all(c.data_type == "s" for c in cells)
    book.close()
