"""``kamdesk report scheduled``: what the Windows task scheduler runs — writes the due
month's files once, prints their paths, and says so when nothing is due or it is off."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from typing import Any

import openpyxl
import pytest

from kamdesk.cli import main
from kamdesk.db.startup import open_database
from kamdesk.domain.clock import SHANGHAI
from kamdesk.services.container import Services
from kamdesk.services.scheduled_reports import ReportSchedule
from tests.services.evaluation_fixture import build_evaluation

pytestmark = pytest.mark.usefixtures("english")


@pytest.fixture()
def db(tmp_path: Path) -> Path:
    path = tmp_path / "db" / "kpi.sqlite"
    build_evaluation(path).engine.dispose()
    return path


def switch_on(db: Path, folder: Path, **kw: Any) -> None:
    """Switched on by the branch's leader on 20 October 2026 (first month: September)."""
    engine = open_database(db)
    try:
        services = Services(engine)
        boss = services.shell.current_actor()
        assert boss is not None and boss.role == "leader"
        services.scheduled_reports.save_schedule(
            boss,
            ReportSchedule(enabled=True, folder=str(folder), **kw),
            now=datetime(2026, 10, 20, tzinfo=SHANGHAI),
        )
    finally:
        engine.dispose()


def test_writes_the_due_month_once_and_prints_the_paths(
    db: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    folder = tmp_path / "reports"
    switch_on(db, folder, formats=("xlsx",))
    # 00:30 on 1 November, Shanghai time (no zone given): September and October are due.
    assert main(["--db", str(db), "report", "scheduled", "--now", "2026-11-01T00:30"]) == 0
    printed = capsys.readouterr().out.split()
    assert printed == [
        str(folder / "kpi-2026-09.xlsx"),
        str(folder / "evaluation-2026-09.xlsx"),
        str(folder / "kpi-2026-10.xlsx"),
        str(folder / "evaluation-2026-10.xlsx"),
    ]
    book = openpyxl.load_workbook(printed[3], read_only=True)
    logins = {row[1] for row in book.worksheets[0].iter_rows(min_row=7, values_only=True)}
    book.close()
    assert {"am1", "am2", "am4"} <= logins

    # The next run (same day, zone given) has nothing left to do.
    assert main(["--db", str(db), "report", "scheduled", "--now",
                 "2026-10-31T18:00+00:00"]) == 0  # fmt: skip
    out = capsys.readouterr()
    assert out.out == "" and "No monthly report is due." in out.err


def test_before_the_day_nothing_is_written(
    db: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    folder = tmp_path / "reports"
    switch_on(db, folder, day=3, kinds=("kpi",), formats=("pdf",))
    assert main(["--db", str(db), "report", "scheduled", "--now", "2026-11-02T23:59"]) == 0
    assert capsys.readouterr().out.split() == [str(folder / "kpi-2026-09.pdf")]
    assert [p.name for p in folder.iterdir()] == ["kpi-2026-09.pdf"]


def test_switched_off_and_a_bad_time_are_told(
    db: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["--db", str(db), "report", "scheduled"]) == 0
    assert "switched off" in capsys.readouterr().err
    assert main(["--db", str(db), "report", "scheduled", "--now", "1 November"]) == 1
    assert "Cannot read the time '1 November'" in capsys.readouterr().err
