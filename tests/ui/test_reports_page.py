"""报表 page: the figures on screen are the service's pack, the rows behind a figure are
its ids, and 导出 PDF/Excel write real files with the same values."""

from __future__ import annotations

import subprocess
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from PySide6.QtCore import Qt

from kamdesk.domain.clock import SHANGHAI
from kamdesk.domain.kpi import KPIS, Dimension, format_value, month
from kamdesk.domain.progress import Cancelled
from kamdesk.domain.workorders.vocabulary import ROLE_LABELS, Role
from kamdesk.errors import KamdeskError
from kamdesk.i18n import tr
from kamdesk.services.container import Services
from kamdesk.ui.reports import ReportsPage
from kamdesk.ui.reports import reports_page as page_module
from kamdesk.ui.reports.exports import export_report
from kamdesk.ui.reports.kpi_models import TREND_COLUMN, FigureRef
from kamdesk.ui.reports.period_chooser import last_complete_month
from kamdesk.ui.tasks import TaskRunner
from tests.services.kpi_fixture import Built, add_staff, build, make_am
from tests.ui.conftest import Boxes

OCTOBER = month(2026, 10)


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Built]:
    b = build(tmp_path_factory.mktemp("reports-page") / "kpi.sqlite")
    add_staff(b, "boss", "leader")  # nobody signed in: the leader reads
    yield b
    b.engine.dispose()


@pytest.fixture()
def services(built: Built) -> Services:
    return Services(built.engine)


@pytest.fixture()
def page(qtbot: Any, services: Services, runner: TaskRunner) -> ReportsPage:
    widget = ReportsPage(services, runner)
    qtbot.addWidget(widget)
    widget.tabs.setCurrentWidget(widget.tables)  # these tests are about the tables
    with qtbot.waitSignal(widget.pack_shown, timeout=10_000):
        widget.set_period(OCTOBER)
    return widget


def cell(model: Any, row: int, column: int) -> str:
    return str(model.data(model.index(row, column)))


def test_default_period_is_the_last_complete_month_in_shanghai() -> None:
    # 2026-03-31 16:30 UTC is already 1 April in Shanghai.
    assert last_complete_month(datetime(2026, 3, 31, 16, 30, tzinfo=UTC)).label == "2026-03"
    assert last_complete_month(datetime(2026, 1, 1, 0, 5, tzinfo=SHANGHAI)).label == "2025-12"


def test_total_figures_equal_the_pack(page: ReportsPage, services: Services) -> None:
    pack = services.kpi.pack(OCTOBER, (), with_previous=True, actor=None)
    model = page.summary_model
    assert model.rowCount() == len(KPIS)
    assert pack.previous_total is not None
    for row, kpi in enumerate(KPIS):
        assert cell(model, row, 0) == kpi.code
        assert cell(model, row, 2) == format_value(kpi, pack.total.figures[kpi.code].value)
        before = pack.previous_total.figures[kpi.code].value
        assert cell(model, row, 6) == format_value(kpi, before)
    k01 = [k.code for k in KPIS].index("K01")
    assert cell(model, k01, 2) == "80.0%"  # 4 of 5 orders on time (hand-computed fixture)
    # September has no completed orders: no trend where there is nothing to compare.
    assert cell(model, k01, TREND_COLUMN) == ""
    assert not page.dimension_view.isVisibleTo(page)


def test_dimension_rows_equal_the_pack(qtbot: Any, page: ReportsPage, services: Services) -> None:
    index = page.dimension_box.findData(Dimension.AM.value)
    with qtbot.waitSignal(page.pack_shown, timeout=10_000):
        page.dimension_box.setCurrentIndex(index)
    pack = services.kpi.pack(OCTOBER, (Dimension.AM,), actor=None)
    rows = pack.rows[Dimension.AM]
    model = page.dimension_model
    assert page.dimension_view.isVisibleTo(page)
    assert [cell(model, r, 0) for r in range(model.rowCount())] == [r.name for r in rows]
    for r, row in enumerate(rows):
        for c, kpi in enumerate(KPIS, start=1):
            assert cell(model, r, c) == format_value(kpi, row.figures[kpi.code].value)


def test_choosing_another_period_reads_it(qtbot: Any, page: ReportsPage) -> None:
    quarter = page.period_chooser.kind_box.findData("quarter")
    with qtbot.waitSignal(page.pack_shown, timeout=10_000):
        page.period_chooser.kind_box.setCurrentIndex(quarter)
    assert page.pack is not None and page.pack.period.label == "2026-Q4"
    assert page.status_label.text().startswith("2026-Q4")


def test_double_click_lists_the_orders_behind_a_figure(
    qtbot: Any, page: ReportsPage, services: Services
) -> None:
    page.show()
    qtbot.waitExposed(page)
    k01 = [k.code for k in KPIS].index("K01")
    view = page.summary_view
    rect = view.visualRect(page.summary_model.index(k01, 2))
    expected = services.kpi.figure_ids(OCTOBER, "K01", "n", actor=None)
    assert len(expected) == 4
    with qtbot.waitSignal(page.ids_shown, timeout=10_000):
        qtbot.mouseClick(view.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
        qtbot.mouseDClick(view.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    assert page.ids_dialog is not None
    assert sorted(page.ids_dialog.ids()) == sorted(expected)
    page.ids_dialog.close()
    with qtbot.waitSignal(page.ids_shown, timeout=10_000):  # the keyboard way: Enter
        qtbot.keyClick(view, Qt.Key.Key_Return)
    assert sorted(page.ids_dialog.ids()) == sorted(expected)


def test_denominator_cell_lists_the_denominator_rows(
    qtbot: Any, page: ReportsPage, services: Services
) -> None:
    ref = FigureRef("K01", Dimension.TOTAL, "", "合计", part="d")
    with qtbot.waitSignal(page.ids_shown, timeout=10_000):
        page.show_figure_ids(ref)
    assert page.ids_dialog is not None and len(page.ids_dialog.ids()) == 5
    assert sorted(page.ids_dialog.ids()) == sorted(
        services.kpi.figure_ids(OCTOBER, "K01", "d", actor=None)
    )


@pytest.mark.parametrize("fmt", ["pdf", "xlsx"])
def test_export_buttons_write_the_report(
    qtbot: Any,
    page: ReportsPage,
    services: Services,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    fmt: str,
) -> None:
    target = tmp_path / "out" / f"report.{fmt}"
    target.parent.mkdir()
    asked: list[str] = []

    def fake_save_file(parent: Any, purpose: str, title: str, name: str, filters: str) -> Path:
        asked.append(name)
        return target

    monkeypatch.setattr(page_module, "save_file", fake_save_file)
    button = page.pdf_button if fmt == "pdf" else page.xlsx_button
    with qtbot.waitSignal(page.exported, timeout=60_000) as written:
        qtbot.mouseClick(button, Qt.MouseButton.LeftButton)
    assert asked == [f"kpi-2026-10.{fmt}"]
    assert written.args == [target] and target.stat().st_size > 0
    assert list(target.parent.iterdir()) == [target]  # no partial file left behind
    k01 = services.kpi.pack(OCTOBER, (), actor=None).total.figures["K01"]
    shown = format_value(KPIS[0], k01.value)
    if fmt == "pdf":
        text = subprocess.run(
            ["pdftotext", "-layout", str(target), "-"], capture_output=True, text=True, check=True
        ).stdout
        assert shown in text and "2026-10" in text
    else:
        book = openpyxl.load_workbook(target, read_only=True)
        assert len(book.sheetnames) > 1
        book.close()


def test_export_cancelled_while_writing_leaves_no_file(services: Services, tmp_path: Path) -> None:
    folder = tmp_path / "out"
    folder.mkdir()
    writing: list[str] = []

    def progress(done: int, total: int, text: str) -> None:
        if done >= 1:
            writing.append(text)

    with pytest.raises(Cancelled):
        export_report(
            services.kpi, OCTOBER, "pdf", folder / "kpi.pdf", progress=progress,
            cancel=lambda: bool(writing), actor=services.shell.current_actor,
        )  # fmt: skip
    assert writing  # the renderer had started
    assert list(folder.iterdir()) == []


def test_an_am_sees_the_branch_total_but_only_their_own_row_and_orders(
    qtbot: Any, services: Services, built: Built, runner: TaskRunner, boxes: Boxes, tmp_path: Path
) -> None:
    services.shell.sign_in(make_am(built, "am1"))
    page = ReportsPage(services, runner)
    qtbot.addWidget(page)
    page.tabs.setCurrentWidget(page.tables)
    with qtbot.waitSignal(page.pack_shown, timeout=10_000):
        page.set_period(OCTOBER)
    assert page.pack is not None
    assert page.pack.total == services.kpi.pack(OCTOBER, (), actor=None).total  # the leader's
    k01 = [k.code for k in KPIS].index("K01")
    assert cell(page.summary_model, k01, 2) == "80.0%"
    with qtbot.waitSignal(page.pack_shown, timeout=10_000):
        page.dimension_box.setCurrentIndex(page.dimension_box.findData(Dimension.AM.value))
    model = page.dimension_model
    assert [cell(model, r, 0) for r in range(model.rowCount())] == ["张敏"]  # not 李强
    with qtbot.waitSignal(page.ids_shown, timeout=10_000):
        page.show_figure_ids(model.figure_at(model.index(0, 1 + k01)))
    assert page.ids_dialog is not None
    assert sorted(page.ids_dialog.ids()) == sorted(built.ids[k] for k in ("o1", "o6", "o8"))

    handle = page.show_figure_ids(FigureRef("K01", Dimension.TOTAL, "", "合计"))
    with qtbot.waitSignal(handle.finished, timeout=10_000):
        pass
    role = tr(ROLE_LABELS[Role.AM])
    refusal = KamdeskError("kpi.total_figure_only", role=role, name="张敏")
    assert len(boxes.shown) == 1 and refusal.message() in boxes.shown[0][2]

    target = tmp_path / "am.xlsx"
    with qtbot.waitSignal(page.export(OCTOBER, "xlsx", target).finished, timeout=60_000):
        pass
    book = openpyxl.load_workbook(target, read_only=True)
    text = "\n".join(str(v) for s in book for row in s.iter_rows(values_only=True) for v in row)
    book.close()
    assert "张敏" in text and "李强" not in text and "客户cB" not in text


def test_nobody_signed_in_sees_no_figures(qtbot: Any, tmp_path: Path, runner: TaskRunner) -> None:
    empty = build(tmp_path / "nobody.sqlite")  # no admin, no leader: nobody stands in
    try:
        page = ReportsPage(Services(empty.engine), runner)
        qtbot.addWidget(page)
        page.set_period(OCTOBER)
        refusal = KamdeskError("kpi.nobody_signed_in").message()
        qtbot.waitUntil(lambda: refusal in page.status_label.text(), timeout=10_000)
        assert page.pack is None
    finally:
        empty.engine.dispose()
