"""Monthly report files the branch can switch on: each finished month's KPI report (by
industry group and AM) and evaluation sheets, as PDF and/or Excel, written into a
folder on a chosen day of the following month.

The schedule is a branch setting (``settings`` key :data:`SCHEDULE_KEY`, beside the
idle-lock minutes) that only the branch admin or leader changes
(:meth:`ScheduledReportService.save_schedule`); what was written is kept under
:data:`LOG_KEY`. The desktop app checks at start-up and every hour, and
``kamdesk report scheduled`` does the same for the Windows task scheduler.

Guarantees:
- A month is due once day ``day`` of the following month has begun in Asia/Shanghai
  (00:00 local, i.e. 16:00 UTC the day before), so the current, unfinished month never
  is. Months are due from the one before the month the schedule was switched on; a
  check generates every due month not yet complete, oldest first, so a computer that
  was off on the day catches up at its next check.
- Each file is written beside its name and renamed into place (a failed or cancelled
  run leaves no partial file), then logged as an ``export`` audit event and recorded;
  a month whose files are all recorded is complete and never generated again. A retry
  after a failure writes only the files still missing.
- Two runs (the app and the command line) do not generate one month together: a run
  claims the month first; a claim not renewed for :data:`CLAIM_LEASE` is taken to be
  a crashed run's and is taken over.

Hazards: the reports are read as the branch's admin (else its leader) — the person the
command line acts as — whoever is signed in, and hold everyone's figures and pay: the
folder should be one only management can open. A changed schedule (formats, contents,
folder) applies to months not yet complete; complete months are not written again.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import date, datetime, timedelta
from functools import partial
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

from kamdesk.db.models import Setting
from kamdesk.domain.clock import local, start_of_day, utcnow
from kamdesk.domain.kpi.figures import Dimension
from kamdesk.domain.kpi.period import Period, month
from kamdesk.domain.progress import CancelCheck, Progress, check_cancel, no_progress
from kamdesk.domain.workorders.vocabulary import Role
from kamdesk.errors import KamdeskError, define
from kamdesk.i18n import N_, tr
from kamdesk.reports.report_files import FORMATS, write_evaluation_file, write_kpi_file
from kamdesk.services.actor import Actor
from kamdesk.services.evaluation import EvaluationService
from kamdesk.services.kpi import KpiService
from kamdesk.services.shell import ShellService
from kamdesk.services.uow import read_session, write_session

SCHEDULE_KEY = "scheduled_reports"
"""``settings`` key of the schedule (JSON, see :class:`ReportSchedule`)."""
LOG_KEY = "scheduled_reports_log"
"""``settings`` key of what was written: complete months, files of unfinished ones, claims."""
KINDS = ("kpi", "evaluation")
"""What can be generated: the KPI report, the evaluation sheets."""
MAX_DAY = 28
"""The latest day of the month that every month has."""
CLAIM_LEASE = timedelta(hours=1)
"""A claim on a month not renewed for this long belongs to a run that died."""
_DONE_ELSEWHERE = ""
"""What :meth:`ScheduledReportService._claim` says of a month completed meanwhile."""
REPORT_DIMENSIONS: tuple[Dimension, ...] = (Dimension.GROUP, Dimension.AM)
SCHEDULE_ROLES = frozenset({Role.ADMIN.value, Role.LEADER.value})

define(
    {
        "scheduled_reports.not_allowed": N_(
            "Only the branch admin or the department leader may change the monthly reports."
        ),
        "scheduled_reports.no_folder": N_("Choose the folder for the monthly reports."),
        "scheduled_reports.folder_not_absolute": N_(
            "Give the full path of the folder, for example D:\\KAMDesk\\Reports."
        ),
        "scheduled_reports.folder_is_file": N_("{folder} is a file; choose a folder."),
        "scheduled_reports.no_format": N_("Choose PDF, Excel or both."),
        "scheduled_reports.no_kind": N_("Choose the KPI report, the evaluation sheets or both."),
        "scheduled_reports.bad_day": N_("The day must be between 1 and {most}."),
        "scheduled_reports.no_reader": N_(
            "The monthly reports were not written: the branch has no active admin or "
            "department leader to read them as."
        ),
        "scheduled_reports.cannot_write": N_(
            "The monthly reports could not be written to {folder} ({error}). KAMDesk "
            "tries again at its next check."
        ),
    }
)


@dataclass(frozen=True)
class ReportSchedule:
    """The branch's monthly report setting."""

    enabled: bool = False
    folder: str = ""
    formats: tuple[str, ...] = FORMATS
    kinds: tuple[str, ...] = KINDS
    day: int = 1
    """Day of the following month on which a month's files are due."""
    first_month: str | None = None
    """The first month generated (``2026-10``); set by the service when switched on."""


@dataclass(frozen=True)
class ReportFile:
    kind: str
    fmt: str
    path: Path

    @property
    def key(self) -> str:
        return f"{self.kind}.{self.fmt}"


@dataclass(frozen=True)
class DueMonth:
    """A finished month whose files are due and not all written yet."""

    period: Period
    due_at: datetime
    files: tuple[ReportFile, ...]
    """The files still to write (empty: all written, only the record is missing)."""


@dataclass(frozen=True)
class GeneratedMonth:
    label: str
    at: datetime


@dataclass(frozen=True)
class ScheduledRun:
    """What one :meth:`ScheduledReportService.generate_due` did."""

    folder: Path | None
    written: tuple[Path, ...] = ()
    months: tuple[str, ...] = ()
    """Months completed by this run, oldest first."""
    busy: tuple[str, ...] = ()
    """Due months another run was generating at the time (left to it)."""


def file_name(kind: str, period: Period, fmt: str) -> str:
    """``kpi-2026-10.pdf`` / ``evaluation-2026-10.xlsx``, as ``kamdesk report`` names them."""
    return f"{kind}-{period.label}.{fmt}"


def due_at(period: Period, day: int) -> datetime:
    """When ``period``'s (a month's) files are due: 00:00 Shanghai on ``day`` of the next month."""
    following = period.last + timedelta(days=1)
    return start_of_day(following.replace(day=day))


def month_before(now: datetime) -> Period:
    """The last finished month at ``now`` (Shanghai)."""
    first = local(now).date().replace(day=1) - timedelta(days=1)
    return month(first.year, first.month)


def _next_month(period: Period) -> Period:
    following = period.last + timedelta(days=1)
    return month(following.year, following.month)


def _parse_month(label: str) -> Period:
    first = date.fromisoformat(f"{label}-01")
    return month(first.year, first.month)


class ScheduledReportService:
    """The monthly report schedule of the database behind ``engine``, and its runs."""

    def __init__(self, engine: Engine, kpi: KpiService, evaluation: EvaluationService) -> None:
        self._engine = engine
        self._kpi = kpi
        self._evaluation = evaluation

    # --- the setting ------------------------------------------------------------

    def schedule(self) -> ReportSchedule:
        """The saved schedule (switched off until someone switches it on)."""
        with read_session(self._engine) as s:
            return _schedule_from(_load(s, SCHEDULE_KEY))

    def save_schedule(
        self, actor: Actor, schedule: ReportSchedule, *, now: datetime | None = None
    ) -> ReportSchedule:
        """Save ``schedule`` and return it as stored. Switching it on makes the last
        finished month (at ``now``) the first one generated; a schedule that stays on
        keeps its first month. Refuses another role than admin or leader and, when on,
        a missing or relative folder, a file for a folder, no format, nothing to
        generate or a day outside 1…:data:`MAX_DAY`."""
        if not actor.branch_id or actor.role not in SCHEDULE_ROLES:
            raise KamdeskError("scheduled_reports.not_allowed")
        cleaned = replace(
            schedule,
            folder=schedule.folder.strip(),
            formats=tuple(f for f in FORMATS if f in schedule.formats),
            kinds=tuple(k for k in KINDS if k in schedule.kinds),
        )
        if cleaned.enabled:
            _check(cleaned)
        with write_session(self._engine, actor=actor) as s:
            before = _schedule_from(_load(s, SCHEDULE_KEY))
            if not cleaned.enabled:
                first = None
            elif before.enabled and before.first_month:
                first = before.first_month
            else:
                first = month_before(now or utcnow()).label
            stored = replace(cleaned, first_month=first)
            s.merge(Setting(key=SCHEDULE_KEY, value=_schedule_json(stored)))
        return stored

    # --- what is due ------------------------------------------------------------

    def due_reports(self, now: datetime | None = None) -> tuple[DueMonth, ...]:
        """The finished months due at ``now`` and not complete, oldest first; empty
        while the schedule is off."""
        schedule, log = self._read()
        return _due(schedule, log, now or utcnow())

    def _read(self) -> tuple[ReportSchedule, dict[str, Any]]:
        with read_session(self._engine) as s:
            return _schedule_from(_load(s, SCHEDULE_KEY)), _log_from(_load(s, LOG_KEY))

    def history(self) -> tuple[GeneratedMonth, ...]:
        """The months whose files were all written, newest first."""
        _, log = self._read()
        done = [
            GeneratedMonth(label, datetime.fromisoformat(at))
            for label, at in log["complete"].items()
        ]
        return tuple(sorted(done, key=lambda g: g.label, reverse=True))

    # --- generating -------------------------------------------------------------

    def generate_due(
        self,
        now: datetime | None = None,
        *,
        progress: Progress | None = None,
        cancel: CancelCheck | None = None,
    ) -> ScheduledRun:
        """Write the files of every month due at ``now`` (see the module's guarantees).

        Raises ``scheduled_reports.cannot_write`` when the folder or a file cannot be
        written, ``scheduled_reports.no_reader`` without an admin or leader, and
        ``Cancelled``; the files written before stay recorded and the rest is
        generated at the next call.
        """
        report = progress or no_progress
        schedule, log = self._read()
        due = _due(schedule, log, now or utcnow())
        if not due:
            return ScheduledRun(Path(schedule.folder).expanduser() if schedule.folder else None)
        folder = Path(schedule.folder).expanduser()
        reader = ShellService(self._engine).current_actor()
        if reader is None:
            raise KamdeskError("scheduled_reports.no_reader")
        _writing(folder, partial(folder.mkdir, parents=True, exist_ok=True))
        steps = _Steps(report, sum(_steps(m) for m in due))
        written: list[Path] = []
        months: list[str] = []
        busy: list[str] = []
        for due_month in due:
            check_cancel(cancel)
            label = due_month.period.label
            token = self._claim(label)
            if not token:  # another run has it, or finished it meanwhile
                if token is None:
                    busy.append(label)
                steps.skip(_steps(due_month))
                continue
            try:
                written += self._generate_month(due_month, token, reader, folder, steps, cancel)
                self._complete(label)
            finally:
                self._release(label, token)
            months.append(label)
        steps.finish(tr("Monthly reports written"))
        return ScheduledRun(folder, tuple(written), tuple(months), tuple(busy))

    def _generate_month(
        self,
        due_month: DueMonth,
        token: str,
        reader: Actor,
        folder: Path,
        steps: _Steps,
        cancel: CancelCheck | None,
    ) -> list[Path]:
        period, written = due_month.period, []
        kpi_files = [f for f in due_month.files if f.kind == "kpi"]
        evaluation_files = [f for f in due_month.files if f.kind == "evaluation"]
        if kpi_files:
            steps.next(tr("Computing KPIs…"))
            with_data = any(f.fmt == "xlsx" for f in kpi_files)
            ctx = self._kpi.report_context(
                period, REPORT_DIMENSIONS, actor=reader, with_data=with_data, cancel=cancel
            )
            for f in kpi_files:
                check_cancel(cancel)
                steps.next(tr("Writing {file}…", file=f.path.name))
                _writing(folder, partial(write_kpi_file, ctx, f.fmt, f.path, cancel=cancel))
                self._kpi.record_export(reader, period, f.fmt, f.path, scheduled=True)
                self._mark_written(period.label, f.key, token)
                written.append(f.path)
        if evaluation_files:
            check_cancel(cancel)
            steps.next(tr("Computing the evaluation sheets…"))
            sheets = self._evaluation.report(reader, period, cancel=cancel)
            for f in evaluation_files:
                check_cancel(cancel)
                steps.next(tr("Writing {file}…", file=f.path.name))
                write = partial(write_evaluation_file, sheets, f.fmt, f.path, cancel=cancel)
                _writing(folder, write)
                self._evaluation.record_export(reader, period, f.fmt, f.path, scheduled=True)
                self._mark_written(period.label, f.key, token)
                written.append(f.path)
        return written

    # --- the record ---------------------------------------------------------------

    def _claim(self, label: str) -> str | None:
        """Claim ``label`` for this run (a token); None while another run's claim is
        fresh, :data:`_DONE_ELSEWHERE` if another run completed it meanwhile."""
        now = utcnow()
        with write_session(self._engine) as s:
            log = _log_from(_load(s, LOG_KEY))
            claim = log["claims"].get(label)
            if label in log["complete"]:
                return _DONE_ELSEWHERE
            if claim and now - datetime.fromisoformat(claim["at"]) < CLAIM_LEASE:
                return None
            token = uuid.uuid4().hex
            log["claims"][label] = {"token": token, "at": now.isoformat()}
            _store(s, log)
        return token

    def _mark_written(self, label: str, key: str, token: str) -> None:
        """Record one file in place, and renew this run's claim."""
        with write_session(self._engine) as s:
            log = _log_from(_load(s, LOG_KEY))
            keys = log["written"].setdefault(label, [])
            if key not in keys:
                keys.append(key)
            claim = log["claims"].get(label)
            if claim and claim["token"] == token:
                claim["at"] = utcnow().isoformat()
            _store(s, log)

    def _complete(self, label: str) -> None:
        with write_session(self._engine) as s:
            log = _log_from(_load(s, LOG_KEY))
            log["complete"][label] = utcnow().isoformat()
            log["written"].pop(label, None)
            _store(s, log)

    def _release(self, label: str, token: str) -> None:
        with write_session(self._engine) as s:
            log = _log_from(_load(s, LOG_KEY))
            claim = log["claims"].get(label)
            if claim and claim["token"] == token:
                del log["claims"][label]
                _store(s, log)


# --- helpers ------------------------------------------------------------------------


class _Steps:
    """Progress over every file of a run: one step per computation and per file."""

    def __init__(self, progress: Progress, total: int) -> None:
        self._progress, self._total, self._done = progress, total, 0

    def next(self, text: str) -> None:
        self._progress(self._done, self._total, text)
        self._done += 1

    def skip(self, count: int) -> None:
        self._done += count

    def finish(self, text: str) -> None:
        self._progress(self._total, self._total, text)


def _steps(due_month: DueMonth) -> int:
    kinds = {f.kind for f in due_month.files}
    return len(kinds) + len(due_month.files)


def _writing(folder: Path, write: Callable[[], None]) -> None:
    """Run ``write``; a file-system failure becomes a message naming the folder."""
    try:
        write()
    except OSError as exc:
        raise KamdeskError(
            "scheduled_reports.cannot_write", folder=str(folder), error=exc.strerror or str(exc)
        ) from exc


def _check(schedule: ReportSchedule) -> None:
    if not schedule.folder:
        raise KamdeskError("scheduled_reports.no_folder")
    folder = Path(schedule.folder).expanduser()
    if not folder.is_absolute():
        raise KamdeskError("scheduled_reports.folder_not_absolute")
    if folder.is_file():
        raise KamdeskError("scheduled_reports.folder_is_file", folder=str(folder))
    if not schedule.formats:
        raise KamdeskError("scheduled_reports.no_format")
    if not schedule.kinds:
        raise KamdeskError("scheduled_reports.no_kind")
    if not 1 <= schedule.day <= MAX_DAY:
        raise KamdeskError("scheduled_reports.bad_day", most=MAX_DAY)


def _due(schedule: ReportSchedule, log: dict[str, Any], now: datetime) -> tuple[DueMonth, ...]:
    if not schedule.enabled or not schedule.first_month or not schedule.folder:
        return ()
    folder = Path(schedule.folder).expanduser()
    out: list[DueMonth] = []
    period = _parse_month(schedule.first_month)
    while (at := due_at(period, schedule.day)) <= now:
        label = period.label
        if label not in log["complete"]:
            done = set(log["written"].get(label, ()))
            files = tuple(
                ReportFile(kind, fmt, folder / file_name(kind, period, fmt))
                for kind in schedule.kinds
                for fmt in schedule.formats
                if f"{kind}.{fmt}" not in done
            )
            out.append(DueMonth(period, at, files))
        period = _next_month(period)
    return tuple(out)


def _load(session: Session, key: str) -> Any:
    return session.scalar(select(Setting.value).where(Setting.key == key))


def _store(session: Session, log: dict[str, Any]) -> None:
    session.merge(Setting(key=LOG_KEY, value=log))


def _schedule_json(schedule: ReportSchedule) -> dict[str, Any]:
    return {
        "enabled": schedule.enabled,
        "folder": schedule.folder,
        "formats": list(schedule.formats),
        "kinds": list(schedule.kinds),
        "day": schedule.day,
        "first_month": schedule.first_month,
    }


def _schedule_from(value: Any) -> ReportSchedule:
    """The stored schedule; anything unreadable counts as the default (off)."""
    if not isinstance(value, dict):
        return ReportSchedule()
    try:
        first = value.get("first_month")
        if first is not None:
            _parse_month(str(first))
        return ReportSchedule(
            enabled=bool(value.get("enabled", False)),
            folder=str(value.get("folder", "")),
            formats=tuple(f for f in FORMATS if f in value.get("formats", FORMATS)),
            kinds=tuple(k for k in KINDS if k in value.get("kinds", KINDS)),
            day=int(value.get("day", 1)),
            first_month=None if first is None else str(first),
        )
    except (TypeError, ValueError):
        return ReportSchedule()


def _log_from(value: Any) -> dict[str, Any]:
    """A fresh, mutable copy of the stored record."""
    value = value if isinstance(value, dict) else {}
    return {
        "complete": dict(value.get("complete", {})),
        "written": {k: list(v) for k, v in value.get("written", {}).items()},
        "claims": {k: dict(v) for k, v in value.get("claims", {}).items()},
    }
