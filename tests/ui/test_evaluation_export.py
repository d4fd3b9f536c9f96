"""报表 page → 月度评估表: the menu writes the chosen month's evaluation sheets in the
background (real PDF and workbook files with the hand-computed amounts), is only
offered for a month, and tells a user who may not read them why."""

from __future__ import annotations

import subprocess
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import openpyxl
import pytest

from kamdesk.domain.kpi import month
from kamdesk.domain.workorders.vocabulary import ROLE_LABELS, Role
from kamdesk.errors import KamdeskError
from kamdesk.i18n import tr
from kamdesk.services.container import Services
from kamdesk.ui.reports import ReportsPage
from kamdesk.ui.reports import reports_page as page_module
from kamdesk.ui.tasks import TaskRunner
from tests.services.evaluation_fixture import EXPECTED_AMOUNTS, actor, build_evaluation
from tests.services.kpi_fixture import Built
from tests.ui.conftest import Boxes

OCTOBER = month(2026, 10)


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Built]:
    b = build_evaluation(tmp_path_factory.mktemp("evaluation-page") / "kpi.sqlite")
    yield b
    b.engine.dispose()


@pytest.fixture()
def services(built: Built) -> Services:
    return Services(built.engine)  # nobody signed in: the branch's leader acts


@pytest.fixture()
def page(qtbot: Any, services: Services, runner: TaskRunner) -> ReportsPage:
    widget = ReportsPage(services, runner)
    qtbot.addWidget(widget)
    with qtbot.waitSignal(widget.pack_shown, timeout=10_000):
        widget.set_period(OCTOBER)
    return widget


@pytest.fixture()
def save_to(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> list[str]:
    """Answer the save dialog with tmp_path/out/<suggested name>; records the names."""
    folder = tmp_path / "out"
    folder.mkdir()
    asked: list[str] = []

    def fake_save_file(parent: Any, purpose: str, title: str, name: str, filters: str) -> Path:
        asked.append(name)
        return folder / name

    monkeypatch.setattr(page_module, "save_file", fake_save_file)
    return asked


def test_the_menu_writes_the_months_sheets_as_pdf(
    qtbot: Any, page: ReportsPage, save_to: list[str]
) -> None:
    menu = page.evaluation_button.menu()
    assert menu is not None and page.evaluation_actions["pdf"] in menu.actions()
    assert page.evaluation_button.isEnabled()
    with qtbot.waitSignal(page.exported, timeout=60_000) as written:
        page.evaluation_actions["pdf"].trigger()
    assert save_to == ["evaluation-2026-10.pdf"]
    [path] = written.args
    assert list(path.parent.iterdir()) == [path]  # no partial file left behind
    text = subprocess.run(
        ["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True, check=True
    ).stdout
    assert "2026-10" in text
    for amount in EXPECTED_AMOUNTS.values():
        if amount is not None:
            assert f"¥{amount:,.2f}" in text


def test_the_menu_writes_the_months_sheets_as_excel(
    qtbot: Any, page: ReportsPage, save_to: list[str]
) -> None:
    with qtbot.waitSignal(page.exported, timeout=60_000) as written:
        page.evaluation_actions["xlsx"].trigger()
    assert save_to == ["evaluation-2026-10.xlsx"]
    book = openpyxl.load_workbook(written.args[0], read_only=True)
    amounts = {row[1]: row[9] for row in book.worksheets[0].iter_rows(min_row=7, values_only=True)}
    book.close()
    assert amounts == {
        login: None if amount is None else float(amount)
        for login, amount in EXPECTED_AMOUNTS.items()
    }


def test_only_a_month_can_be_evaluated(qtbot: Any, page: ReportsPage) -> None:
    quarter = page.period_chooser.kind_box.findData("quarter")
    with qtbot.waitSignal(page.pack_shown, timeout=10_000):
        page.period_chooser.kind_box.setCurrentIndex(quarter)
    assert not page.evaluation_button.isEnabled()
    assert page.evaluation_button.toolTip() == tr("Evaluation sheets are monthly: choose a month")
    monthly = page.period_chooser.kind_box.findData("month")
    with qtbot.waitSignal(page.pack_shown, timeout=10_000):
        page.period_chooser.kind_box.setCurrentIndex(monthly)
    assert page.evaluation_button.isEnabled()


def test_a_clerk_is_told_why_and_no_file_is_written(
    qtbot: Any, page: ReportsPage, services: Services, built: Built, boxes: Boxes, tmp_path: Path
) -> None:
    services.shell.sign_in(actor(built, "clerk1", "clerk"))
    target = tmp_path / "clerk.pdf"
    handle = page.export_evaluation(OCTOBER, "pdf", target)
    with qtbot.waitSignal(handle.finished, timeout=30_000):
        pass
    assert not target.exists() and not target.with_name("clerk.pdf.part").exists()
    assert len(boxes.shown) == 1
    refusal = KamdeskError("evaluation.not_allowed", role=tr(ROLE_LABELS[Role.CLERK]))
    assert refusal.message() in boxes.shown[0][2]
