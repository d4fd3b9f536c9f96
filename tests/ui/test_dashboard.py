"""报表 · 仪表盘: the tiles say the service's value, target and previous period with
达成/未达成 in words, the trend chart is the twelve monthly packs, and a click on a
tile, a point or a bar lists the rows behind that figure."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import Qt

from kamdesk.domain.evaluation import STATUS_LABELS, TargetStatus, target_of
from kamdesk.domain.kpi import KPIS, Dimension, format_value, month
from kamdesk.i18n import tr
from kamdesk.services.container import Services
from kamdesk.ui.reports import ReportsPage
from kamdesk.ui.reports.dashboard_charts import drawn
from kamdesk.ui.tasks import TaskRunner
from tests.services.kpi_fixture import Built, add_kpi_targets, add_staff, build

OCTOBER = month(2026, 10)


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Built]:
    b = add_kpi_targets(build(tmp_path_factory.mktemp("dashboard") / "kpi.sqlite"))
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
    widget.resize(1280, 900)
    with qtbot.waitSignal(widget.dashboard.charts_ready, timeout=10_000):
        widget.show()
    qtbot.waitExposed(widget)
    with qtbot.waitSignal(widget.pack_shown, timeout=10_000):
        widget.set_period(OCTOBER)
    return widget


def test_the_dashboard_is_the_first_tab(page: ReportsPage) -> None:
    assert page.tabs.currentWidget() is page.dashboard
    assert not page.dimension_box.isVisible()  # the tables' chooser
    page.tabs.setCurrentWidget(page.tables)
    assert page.dimension_box.isVisible()


def test_tiles_show_value_target_and_previous_of_the_service(
    page: ReportsPage, services: Services
) -> None:
    pack = services.kpi.pack(OCTOBER, (), with_previous=True, actor=None)
    targets = services.kpi.targets(OCTOBER, actor=None)
    assert pack.previous_total is not None
    assert set(page.dashboard.tiles) == {k.code for k in KPIS}
    for kpi in KPIS:
        figure, before = pack.total.figures[kpi.code], pack.previous_total.figures[kpi.code]
        texts = page.dashboard.tiles[kpi.code].texts()
        assert texts["value"] == format_value(kpi, figure.value), kpi.code
        target = target_of(kpi, figure, targets)
        assert texts["target"] == tr("Target {value}", value=format_value(kpi, target))
        assert texts["previous"].startswith(
            tr("Previous {value}", value=format_value(kpi, before.value))
        )
    tiles = page.dashboard.tiles
    # Hand-computed: K01 80 % against 90 %, K12 4.25 against 4.0, K14 80 % of the
    # revenue target (100 % unless HQ says otherwise), K05 without a (live) target.
    assert tiles["K01"].texts()["target"] == tr("Target {value}", value="90.0%")
    assert [tiles[c].status for c in ("K01", "K12", "K14", "K05")] == [
        TargetStatus.MISSED, TargetStatus.MET, TargetStatus.MISSED, TargetStatus.NO_TARGET,
    ]  # fmt: skip
    assert tiles["K01"].texts()["status"] == tr(STATUS_LABELS[TargetStatus.MISSED])
    assert tiles["K12"].texts()["status"] == tr(STATUS_LABELS[TargetStatus.MET])
    assert tiles["K14"].texts()["target"] == tr("Target {value}", value="100.0%")
    # Met and missed look different, and say so in words too.
    assert tiles["K01"].styleSheet() != tiles["K12"].styleSheet()
    assert tiles["K01"].texts()["status"] != tiles["K12"].texts()["status"]


def test_the_trend_chart_is_twelve_monthly_packs(page: ReportsPage, services: Services) -> None:
    data = page.data
    assert data is not None
    assert [m.period.label for m in data.trend] == [
        f"{y}-{m:02d}" for y, m in [(2025, 11), (2025, 12), *((2026, m) for m in range(1, 11))]
    ]
    for point in data.trend:
        assert point.figures == services.kpi.pack(point.period, (), actor=None).total.figures
    chart = page.dashboard.trend_chart
    assert chart is not None and chart.series is not None
    assert page.dashboard.chart_code() == "K01"
    expected = [
        (i, drawn(KPIS[0], p.figures["K01"].value))
        for i, p in enumerate(data.trend)
        if p.figures["K01"].value is not None
    ]
    assert [(round(p.x()), p.y()) for p in chart.series.points()] == expected
    assert expected and expected[-1] == (11, pytest.approx(80.0))
    assert chart.targets[-2:] == [(10, 0.85), (11, 0.9)]  # September's and October's


def test_clicking_a_tile_lists_the_rows_behind_its_figure(
    qtbot: Any, page: ReportsPage, services: Services
) -> None:
    tile = page.dashboard.tiles["K01"]
    expected = services.kpi.figure_ids(OCTOBER, "K01", "n", actor=None)
    assert len(expected) == 4
    with qtbot.waitSignal(page.ids_shown, timeout=10_000):
        qtbot.mouseClick(tile, Qt.MouseButton.LeftButton)
    assert page.ids_dialog is not None
    assert sorted(page.ids_dialog.ids()) == sorted(expected)
    assert "2026-10" in page.ids_dialog.windowTitle()
    page.ids_dialog.close()
    other = page.dashboard.tiles["K09"]
    other.setFocus()
    with qtbot.waitSignal(page.ids_shown, timeout=10_000):  # the keyboard way
        qtbot.keyClick(other, Qt.Key.Key_Return)
    assert sorted(page.ids_dialog.ids()) == sorted(
        services.kpi.figure_ids(OCTOBER, "K09", "n", actor=None)
    )


def test_clicking_a_bar_lists_the_rows_of_that_group(
    qtbot: Any, page: ReportsPage, services: Services, built: Built
) -> None:
    dashboard = page.dashboard
    dashboard.compare_box.setCurrentIndex(dashboard.compare_box.findData(Dimension.GROUP.value))
    chart = dashboard.compare_chart
    assert chart is not None
    rows = services.kpi.pack(OCTOBER, (Dimension.GROUP,), actor=None).rows[Dimension.GROUP]
    assert {r.key for r in chart.rows} == {r.key for r in rows}
    index = next(i for i, r in enumerate(chart.rows) if r.key == built.ids["g1"])
    expected = services.kpi.figure_ids(
        OCTOBER, "K01", "n", Dimension.GROUP, built.ids["g1"], actor=None
    )
    assert expected
    with qtbot.waitSignal(page.ids_shown, timeout=10_000):
        qtbot.mouseClick(
            chart.viewport(), Qt.MouseButton.LeftButton, pos=chart.bar_position(index).toPoint()
        )
    assert page.ids_dialog is not None
    assert sorted(page.ids_dialog.ids()) == sorted(expected)
    assert "IT行业组" in page.ids_dialog.windowTitle()


def test_clicking_a_trend_point_lists_the_rows_of_that_month(
    qtbot: Any, page: ReportsPage, services: Services
) -> None:
    dashboard = page.dashboard
    dashboard.kpi_box.setCurrentIndex(dashboard.kpi_box.findData("K12"))
    chart = dashboard.trend_chart
    assert chart is not None
    with qtbot.waitSignal(page.ids_shown, timeout=10_000):
        qtbot.mouseClick(
            chart.viewport(), Qt.MouseButton.LeftButton, pos=chart.point_position(11).toPoint()
        )
    assert page.ids_dialog is not None
    assert sorted(page.ids_dialog.ids()) == sorted(
        services.kpi.figure_ids(OCTOBER, "K12", "n", actor=None)
    )


def test_qtcharts_is_imported_only_when_the_dashboard_is_first_shown(tmp_path: Path) -> None:
    probe = f"""
import sys
from pathlib import Path
from PySide6.QtWidgets import QApplication
from kamdesk.db.startup import open_database
from kamdesk.services.container import Services
from kamdesk.ui.reports import ReportsPage
from kamdesk.ui.tasks import TaskRunner
app = QApplication([])
runner = TaskRunner()
page = ReportsPage(Services(open_database(Path({str(tmp_path / "empty.sqlite")!r}))), runner)
before = "PySide6.QtCharts" in sys.modules
page.show()
app.processEvents()
print(before, "PySide6.QtCharts" in sys.modules, page.dashboard.trend_chart is not None)
runner.shutdown(wait=True)
"""
    result = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, timeout=120,
        env={**__import__("os").environ, "QT_QPA_PLATFORM": "offscreen"},
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["False", "True", "True"]
