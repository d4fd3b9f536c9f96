"""The monthly report files the branch switches on: which months are due (Shanghai month
boundaries, catch-up, never the running month), each written exactly once as real,
readable files with an audit event, retries after a failure, cancel, and two runs at once.

The data is the October 2026 KPI and evaluation fixture (hand-computed incentives)."""

from __future__ import annotations

import subprocess
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from kamdesk.db.models import AuditEntry, Setting
from kamdesk.domain.clock import SHANGHAI
from kamdesk.domain.progress import Cancelled
from kamdesk.errors import KamdeskError
from kamdesk.services import scheduled_reports as module
from kamdesk.services.container import Services
from kamdesk.services.scheduled_reports import (
    LOG_KEY,
    ReportSchedule,
    ScheduledReportService,
)
from tests.services.evaluation_fixture import EXPECTED_AMOUNTS, actor, build_evaluation
from tests.services.kpi_fixture import Built

OCTOBER_FILES = [
    "evaluation-2026-10.pdf",
    "evaluation-2026-10.xlsx",
    "kpi-2026-10.pdf",
    "kpi-2026-10.xlsx",
]


def shanghai(*args: int) -> datetime:
    return datetime(*args, tzinfo=SHANGHAI)  # type: ignore[misc]


@pytest.fixture()
def built(tmp_path: Path) -> Iterator[Built]:
    b = build_evaluation(tmp_path / "db" / "kpi.sqlite")
    yield b
    b.engine.dispose()


@pytest.fixture()
def service(built: Built) -> ScheduledReportService:
    return Services(built.engine).scheduled_reports


def switch_on(
    built: Built, service: ScheduledReportService, folder: Path, at: datetime, **kw: Any
) -> ReportSchedule:
    schedule = ReportSchedule(enabled=True, folder=str(folder), **kw)
    return service.save_schedule(actor(built, "boss", "leader"), schedule, now=at)


def labels(service: ScheduledReportService, now: datetime) -> list[str]:
    return [m.period.label for m in service.due_reports(now)]


def pdf_text(path: Path) -> str:
    return subprocess.run(
        ["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True, check=True
    ).stdout


# --- which months are due ----------------------------------------------------------------


def test_switching_on_starts_with_the_last_finished_month(
    built: Built, service: ScheduledReportService, tmp_path: Path
) -> None:
    assert service.due_reports(shanghai(2026, 12, 1)) == ()  # off: nothing is ever due
    stored = switch_on(built, service, tmp_path / "out", shanghai(2026, 10, 15, 9))
    assert stored.first_month == "2026-09"
    assert labels(service, shanghai(2026, 10, 15, 9)) == ["2026-09"]
    # Saving again while on keeps the first month; switching off and on starts afresh.
    assert switch_on(built, service, tmp_path / "out", shanghai(2026, 12, 3)).first_month == (
        "2026-09"
    )
    boss = actor(built, "boss", "leader")
    assert service.save_schedule(boss, ReportSchedule(enabled=False)).first_month is None
    assert service.due_reports(shanghai(2026, 12, 3)) == ()
    assert switch_on(built, service, tmp_path / "out", shanghai(2026, 12, 3)).first_month == (
        "2026-11"
    )


def test_the_month_is_due_at_local_midnight_on_the_day_never_before(
    built: Built, service: ScheduledReportService, tmp_path: Path
) -> None:
    switch_on(built, service, tmp_path / "out", shanghai(2026, 10, 1, 8))  # first: September
    # 31 October 23:59 in Shanghai: October is still running.
    assert labels(service, shanghai(2026, 10, 31, 23, 59)) == ["2026-09"]
    # 00:30 on 1 November in Shanghai is still 31 October in UTC: October is due.
    half_past = datetime(2026, 10, 31, 16, 30, tzinfo=UTC)
    assert labels(service, half_past) == ["2026-09", "2026-10"]
    [_, october] = service.due_reports(half_past)
    assert october.due_at == datetime(2026, 10, 31, 16, 0, tzinfo=UTC)
    assert sorted(f.path.name for f in october.files) == OCTOBER_FILES
    assert {f.path.parent for f in october.files} == {tmp_path / "out"}


def test_a_later_day_of_the_month(
    built: Built, service: ScheduledReportService, tmp_path: Path
) -> None:
    switch_on(built, service, tmp_path / "out", shanghai(2026, 10, 20), day=5)
    assert labels(service, shanghai(2026, 11, 4, 23, 59)) == ["2026-09"]
    assert labels(service, shanghai(2026, 11, 5)) == ["2026-09", "2026-10"]


def test_a_computer_that_was_off_catches_up_every_missed_month_but_the_running_one(
    built: Built, service: ScheduledReportService, tmp_path: Path
) -> None:
    switch_on(built, service, tmp_path / "out", shanghai(2026, 8, 20), formats=("xlsx",),
              kinds=("kpi",))  # fmt: skip
    # Off from 1 August to 20 December: July to November are due, December is not.
    assert labels(service, shanghai(2026, 12, 20)) == [
        "2026-07", "2026-08", "2026-09", "2026-10", "2026-11",
    ]  # fmt: skip
    run = service.generate_due(shanghai(2026, 12, 20))
    assert run.months == ("2026-07", "2026-08", "2026-09", "2026-10", "2026-11")
    assert sorted(p.name for p in (tmp_path / "out").iterdir()) == [
        f"kpi-2026-{m:02d}.xlsx" for m in range(7, 12)
    ]
    assert service.due_reports(shanghai(2026, 12, 31, 23)) == ()


# --- writing -------------------------------------------------------------------------------


def test_the_due_month_is_written_readable_and_exactly_once(
    built: Built, service: ScheduledReportService, tmp_path: Path
) -> None:
    folder = tmp_path / "monthly" / "reports"  # created on the first run
    switch_on(built, service, folder, shanghai(2026, 11, 1, 0, 10))
    steps: list[tuple[int, int, str]] = []
    at_half_past = datetime(2026, 10, 31, 16, 30, tzinfo=UTC)
    run = service.generate_due(at_half_past, progress=lambda d, t, s: steps.append((d, t, s)))

    assert run.months == ("2026-10",) and run.folder == folder
    assert sorted(p.name for p in run.written) == OCTOBER_FILES
    assert sorted(p.name for p in folder.iterdir()) == OCTOBER_FILES  # no partial file
    assert steps[-1][0] == steps[-1][1] == 6  # 2 computations + 4 files
    assert [d for d, _, _ in steps] == sorted(d for d, _, _ in steps)

    kpi_text = pdf_text(folder / "kpi-2026-10.pdf")
    assert "2026-10" in kpi_text and "IT行业组" in kpi_text and "张敏" in kpi_text
    evaluation_text = pdf_text(folder / "evaluation-2026-10.pdf")
    for amount in EXPECTED_AMOUNTS.values():
        if amount is not None:
            assert f"¥{amount:,.2f}" in evaluation_text
    book = openpyxl.load_workbook(folder / "evaluation-2026-10.xlsx", read_only=True)
    logins = {row[1] for row in book.worksheets[0].iter_rows(min_row=7, values_only=True)}
    book.close()
    assert logins == set(EXPECTED_AMOUNTS)
    book = openpyxl.load_workbook(folder / "kpi-2026-10.xlsx", read_only=True)
    assert len(book.sheetnames) > 2
    book.close()

    with Session(built.engine) as s:
        events = s.execute(
            select(AuditEntry.entity, AuditEntry.details, AuditEntry.actor_id).where(
                AuditEntry.action == "export"
            )
        ).all()
    assert sorted((e, d["file"]) for e, d, _ in events) == [
        ("evaluation_sheets", "evaluation-2026-10.pdf"),
        ("evaluation_sheets", "evaluation-2026-10.xlsx"),
        ("kpi_report", "kpi-2026-10.pdf"),
        ("kpi_report", "kpi-2026-10.xlsx"),
    ]
    assert all(d["scheduled"] is True and d["period"] == "2026-10" for _, d, _ in events)
    assert {a for _, _, a in events} == {built.ids["boss"]}  # read as the branch's leader

    # Later checks the same month, the next day, or after a restart write nothing.
    before = {p: p.stat().st_mtime_ns for p in folder.iterdir()}
    assert service.generate_due(at_half_past).written == ()
    again = Services(built.engine).scheduled_reports.generate_due(shanghai(2026, 11, 30, 23))
    assert again.written == () and again.months == ()
    assert {p: p.stat().st_mtime_ns for p in folder.iterdir()} == before
    assert [g.label for g in service.history()] == ["2026-10"]
    # November is due on 1 December, and only November.
    assert service.generate_due(shanghai(2026, 12, 1, 0, 30)).months == ("2026-11",)


def test_a_failure_is_retried_next_time_writing_only_what_is_missing(
    built: Built, service: ScheduledReportService, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    folder = tmp_path / "out"
    switch_on(built, service, folder, shanghai(2026, 11, 1, 0, 10))
    real = module.write_evaluation_file

    def disk_full(*args: Any, **kwargs: Any) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(module, "write_evaluation_file", disk_full)
    with pytest.raises(KamdeskError) as failed:
        service.generate_due(shanghai(2026, 11, 1, 0, 30))
    assert failed.value.code == "scheduled_reports.cannot_write"
    assert failed.value.params == {"folder": str(folder), "error": "No space left on device"}
    assert sorted(p.name for p in folder.iterdir()) == ["kpi-2026-10.pdf", "kpi-2026-10.xlsx"]
    [october] = service.due_reports(shanghai(2026, 11, 1, 1))
    assert sorted(f.path.name for f in october.files) == OCTOBER_FILES[:2]

    monkeypatch.setattr(module, "write_evaluation_file", real)
    kpi_written = {p: p.stat().st_mtime_ns for p in folder.iterdir()}
    run = service.generate_due(shanghai(2026, 11, 1, 1, 30))
    assert sorted(p.name for p in run.written) == OCTOBER_FILES[:2]
    assert run.months == ("2026-10",)
    assert {p: p.stat().st_mtime_ns for p in kpi_written} == kpi_written  # not rewritten
    assert sorted(p.name for p in folder.iterdir()) == OCTOBER_FILES


def test_an_unwritable_folder_is_a_message_and_nothing_is_recorded(
    built: Built, service: ScheduledReportService, tmp_path: Path
) -> None:
    folder = tmp_path / "out"
    switch_on(built, service, folder, shanghai(2026, 11, 1, 0, 10), kinds=("kpi",))
    folder.write_text("a file where the folder should be")
    with pytest.raises(KamdeskError) as failed:
        service.generate_due(shanghai(2026, 11, 2))
    assert failed.value.code == "scheduled_reports.cannot_write"
    assert str(folder) in failed.value.message()
    assert labels(service, shanghai(2026, 11, 2)) == ["2026-10"]
    folder.unlink()
    assert service.generate_due(shanghai(2026, 11, 2)).months == ("2026-10",)


def test_cancel_leaves_no_partial_file_and_the_rest_is_written_later(
    built: Built, service: ScheduledReportService, tmp_path: Path
) -> None:
    folder = tmp_path / "out"
    switch_on(built, service, folder, shanghai(2026, 11, 1, 0, 10), kinds=("kpi",))
    texts: list[str] = []
    with pytest.raises(Cancelled):
        service.generate_due(
            shanghai(2026, 11, 2),
            progress=lambda d, t, s: texts.append(s),
            cancel=lambda: len(texts) >= 3,  # while writing the second file
        )
    assert [p.name for p in folder.iterdir()] == ["kpi-2026-10.pdf"]
    run = service.generate_due(shanghai(2026, 11, 2))
    assert [p.name for p in run.written] == ["kpi-2026-10.xlsx"]
    assert run.months == ("2026-10",)


def test_two_runs_at_once_do_not_write_the_same_month(
    built: Built, service: ScheduledReportService, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    switch_on(built, service, tmp_path / "out", shanghai(2026, 11, 1, 0, 10), kinds=("kpi",),
              formats=("xlsx",))  # fmt: skip
    other = Services(built.engine).scheduled_reports  # e.g. the task scheduler's run
    during: list[Any] = []

    def progress(done: int, total: int, text: str) -> None:
        if not during:
            during.append(other.generate_due(shanghai(2026, 11, 2)))

    run = service.generate_due(shanghai(2026, 11, 2), progress=progress)
    assert during[0].busy == ("2026-10",) and during[0].written == ()
    assert run.months == ("2026-10",)

    # A claim left by a run that died is taken over once its lease ran out.
    switch_on(built, service, tmp_path / "out", shanghai(2026, 12, 3))
    with Session(built.engine) as s, s.begin():
        log = dict(s.get_one(Setting, LOG_KEY).value)
        stale = datetime.now(UTC) - module.CLAIM_LEASE * 2
        log["claims"] = {"2026-11": {"token": "dead", "at": stale.isoformat()}}
        s.get_one(Setting, LOG_KEY).value = log
    assert service.generate_due(shanghai(2026, 12, 3)).months == ("2026-11",)


# --- the setting -----------------------------------------------------------------------------


def test_only_the_admin_or_leader_switches_it_on_and_the_values_are_checked(
    built: Built, service: ScheduledReportService, tmp_path: Path
) -> None:
    good = ReportSchedule(enabled=True, folder=str(tmp_path))
    others = (("am1", "account_manager"), ("clerk1", "clerk"), ("im2", "industry_manager"))
    for login, role in others:
        with pytest.raises(KamdeskError) as refused:
            service.save_schedule(actor(built, login, role), good)
        assert refused.value.code == "scheduled_reports.not_allowed"
    boss = actor(built, "boss", "leader")
    (tmp_path / "a-file").write_text("x")
    for bad, code in (
        (ReportSchedule(enabled=True, folder=""), "scheduled_reports.no_folder"),
        (ReportSchedule(enabled=True, folder="reports"), "scheduled_reports.folder_not_absolute"),
        (ReportSchedule(enabled=True, folder=str(tmp_path / "a-file")),
         "scheduled_reports.folder_is_file"),
        (ReportSchedule(enabled=True, folder=str(tmp_path), formats=()),
         "scheduled_reports.no_format"),
        (ReportSchedule(enabled=True, folder=str(tmp_path), kinds=()), "scheduled_reports.no_kind"),
        (ReportSchedule(enabled=True, folder=str(tmp_path), day=29), "scheduled_reports.bad_day"),
        (ReportSchedule(enabled=True, folder=str(tmp_path), day=0), "scheduled_reports.bad_day"),
    ):  # fmt: skip
        with pytest.raises(KamdeskError) as refused:
            service.save_schedule(boss, bad)
        assert refused.value.code == code
    assert service.schedule() == ReportSchedule()  # nothing was stored
    stored = service.save_schedule(
        boss, ReportSchedule(enabled=True, folder=f" {tmp_path} ", formats=("xlsx", "pdf"), day=3)
    )
    assert Services(built.engine).scheduled_reports.schedule() == stored
    assert stored.folder == str(tmp_path) and stored.formats == ("pdf", "xlsx")
