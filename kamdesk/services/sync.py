"""Sync with HQ for the UI and command line: register, sync now, status, conflicts.

Each public method is one unit of work. Resolving a conflict by keeping the value
that lost writes it through the ORM, so the change is captured and travels to HQ
with a newer clock (it wins there too); keeping the value that won only closes the
record. Either way who resolved it and when is kept.

Conflicts and refusals name their record by a readable column (order number, name,
number, title) when the table has one; "who" of a conflict value is the device that
made it (:attr:`ConflictView.kept_here` says whether that is this computer) and
"when" is the wall time of its clock stamp.

Given an actor, the conflict list and resolving hold only the conflicts on records
that person may read (:mod:`kamdesk.services.scope`), and key persons' contact
values read as :mod:`kamdesk.services.personal_data` says, like every list.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, Literal

from sqlalchemy import Column, Engine, func, select
from sqlalchemy.orm import Mapper, Session

from kamdesk.db.models import (
    Base,
    KeyPerson,
    OutboxEntry,
    SyncConflict,
    SyncLogEntry,
    SyncRejection,
)
from kamdesk.domain.clock import utcnow
from kamdesk.domain.hlc import Stamp
from kamdesk.domain.progress import CancelCheck, Progress
from kamdesk.errors import KamdeskError, define
from kamdesk.i18n import N_
from kamdesk.services.actor import Actor
from kamdesk.services.audit.sync_trail import ChainTrail
from kamdesk.services.grading import GradingService
from kamdesk.services.personal_data import masked, may_read_contacts
from kamdesk.services.scope import SCOPED_MODELS, UNSCOPED
from kamdesk.services.uow import read_session, write_session
from kamdesk.services.workorders.deadlines import refresh_deadlines
from kamdesk.sync import state
from kamdesk.sync.capture import DEVICE_ID_KEY
from kamdesk.sync.engine import ClientFactory, SyncEngine, SyncReport
from kamdesk.sync.messages import AuditAlarm
from kamdesk.sync.rows import from_json, table_of
from kamdesk.sync.state import LoadProgress

define(
    {
        "sync.conflict_not_found": N_("There is no open conflict number {id}."),
        "sync.conflict_row_gone": N_("The record of conflict {id} no longer exists here."),
    }
)

Keep = Literal["kept", "lost"]
LABEL_COLUMNS = ("order_no", "name", "number", "title", "purpose")
"""Columns that name a record for people, in order of preference."""


@dataclass(frozen=True)
class Registration:
    hq_url: str
    device_id: str
    branch_code: str
    branch_name: str


@dataclass(frozen=True)
class SyncStatus:
    registered: bool
    hq_url: str | None
    branch_code: str | None
    branch_name: str | None
    last_success: str | None
    pending: int
    open_conflicts: int
    unseen_rejections: int
    hq_device_id: str | None = None
    audit_alarm: AuditAlarm | None = None
    """HQ found this computer's audit log rewound or forked and nobody at HQ has
    accepted that yet (as of the last sync)."""
    load: LoadProgress | None = None
    """The first load (or a re-snapshot) from HQ, while it is not complete."""


@dataclass(frozen=True)
class ConflictView:
    id: int
    table: str
    row_id: str
    field: str
    kept_value: Any
    lost_value: Any
    kept_by: str | None
    lost_by: str | None
    detected_at: datetime
    resolved_at: datetime | None
    resolution: str
    record: str = ""
    kept_at: datetime | None = None
    lost_at: datetime | None = None
    kept_here: bool = False
    lost_here: bool = False


@dataclass(frozen=True)
class SyncRound:
    """One entry of the sync history; ``error_code`` is None for a round that succeeded."""

    id: int
    started_at: datetime
    finished_at: datetime | None
    pushed: int
    pulled: int
    error_code: str | None
    error_params: dict[str, Any]


@dataclass(frozen=True)
class RejectionView:
    """A change of this desktop that HQ refused (``code``/``params`` say why)."""

    id: int
    table: str
    row_id: str
    record: str
    code: str
    params: dict[str, Any]
    received_at: datetime
    seen_at: datetime | None


class SyncService:
    """Registration, sync rounds, their history, conflicts and rejections."""

    def __init__(self, engine: Engine, client_factory: ClientFactory | None = None) -> None:
        self.engine = engine
        trail = ChainTrail()
        self._sync = (
            SyncEngine(engine, trail=trail)
            if client_factory is None
            else SyncEngine(engine, client_factory, trail=trail)
        )

    def register(
        self, hq_url: str, code: str, device_name: str, ca_bundle: str | None = None
    ) -> Registration:
        answer = self._sync.register(hq_url, code, device_name, ca_bundle)
        return Registration(
            hq_url=hq_url.rstrip("/"),
            device_id=answer.device_id,
            branch_code=answer.branch_code,
            branch_name=answer.branch_name,
        )

    def sync_now(
        self, progress: Progress | None = None, cancel: CancelCheck | None = None
    ) -> SyncReport:
        """One sync round, then, through the same progress, the regrade of every
        account when it is due (rules published by HQ came into force, or a new month
        began: :meth:`GradingService.regrade_if_due`) and the running orders' deadlines
        when HQ changed the calendar (:func:`refresh_deadlines`).

        Hazard: the first round of a month on a 100k-account desktop regrades them all
        (about 40 s) before it returns; the round's own work is already committed.
        """
        report = self._sync.sync_once(progress=progress, cancel=cancel)
        GradingService(self.engine).regrade_if_due(progress=progress, cancel=cancel)
        refresh_deadlines(self.engine, progress=progress, cancel=cancel)
        return report

    def status(self) -> SyncStatus:
        with read_session(self.engine) as s:
            hq_url = state.read(s, state.HQ_URL)
            return SyncStatus(
                registered=bool(hq_url and state.read(s, state.HQ_DEVICE_ID)),
                hq_url=hq_url,
                branch_code=state.read(s, state.BRANCH_CODE),
                branch_name=state.read(s, state.BRANCH_NAME),
                last_success=state.read(s, state.LAST_SUCCESS),
                hq_device_id=state.read(s, state.HQ_DEVICE_ID),
                audit_alarm=_alarm(state.read(s, state.AUDIT_ALARM)),
                load=state.load_progress(s),
                pending=int(s.scalar(select(func.count()).select_from(OutboxEntry)) or 0),
                open_conflicts=int(
                    s.scalar(
                        select(func.count())
                        .select_from(SyncConflict)
                        .where(SyncConflict.resolved_at.is_(None))
                    )
                    or 0
                ),
                unseen_rejections=int(
                    s.scalar(
                        select(func.count())
                        .select_from(SyncRejection)
                        .where(SyncRejection.seen_at.is_(None))
                    )
                    or 0
                ),
            )

    def conflicts(
        self, include_resolved: bool = False, actor: Actor | None = None
    ) -> list[ConflictView]:
        """The conflicts (open ones unless ``include_resolved``) on records ``actor``
        may read; key persons' contacts masked unless they may read them."""
        contacts = may_read_contacts(actor)
        with read_session(self.engine, actor=actor) as s:
            query = select(SyncConflict).order_by(SyncConflict.id)
            if not include_resolved:
                query = query.where(SyncConflict.resolved_at.is_(None))
            here = state.read(s, DEVICE_ID_KEY)

            def shown(c: SyncConflict, value: Any) -> Any:
                if contacts or c.table_name != KeyPerson.__tablename__:
                    return value
                return masked(c.field, value)

            return [
                ConflictView(
                    id=c.id,
                    table=c.table_name,
                    row_id=c.row_id,
                    field=c.field,
                    kept_value=shown(c, c.kept_value),
                    lost_value=shown(c, c.lost_value),
                    kept_by=c.kept_by,
                    lost_by=c.lost_by,
                    detected_at=c.detected_at,
                    resolved_at=c.resolved_at,
                    resolution=c.resolution,
                    record=_record_label(s, c.table_name, c.row_id),
                    kept_at=_stamp_time(c.kept_hlc),
                    lost_at=_stamp_time(c.lost_hlc),
                    kept_here=here is not None and c.kept_by == here,
                    lost_here=here is not None and c.lost_by == here,
                )
                for c in s.scalars(query)
                if actor is None or _readable(s, c.table_name, c.row_id)
            ]

    def history(self, limit: int = 100) -> list[SyncRound]:
        """The latest ``limit`` sync rounds, newest first."""
        with read_session(self.engine) as s:
            query = select(SyncLogEntry).order_by(SyncLogEntry.id.desc()).limit(limit)
            return [
                SyncRound(
                    id=e.id,
                    started_at=e.started_at,
                    finished_at=e.finished_at,
                    pushed=e.pushed,
                    pulled=e.pulled,
                    error_code=e.error_code,
                    error_params=dict(e.error_params or {}),
                )
                for e in s.scalars(query)
            ]

    def rejections(self, limit: int = 100) -> list[RejectionView]:
        """The latest ``limit`` refusals from HQ, newest first."""
        with read_session(self.engine) as s:
            query = select(SyncRejection).order_by(SyncRejection.id.desc()).limit(limit)
            return [
                RejectionView(
                    id=r.id,
                    table=r.table_name,
                    row_id=r.row_id,
                    record=_record_label(s, r.table_name, r.row_id),
                    code=r.code,
                    params=dict(r.params or {}),
                    received_at=r.received_at,
                    seen_at=r.seen_at,
                )
                for r in s.scalars(query)
            ]

    def mark_rejections_seen(self) -> int:
        """Mark every unseen refusal as seen now; returns how many were marked."""
        with write_session(self.engine) as s:
            unseen = list(s.scalars(select(SyncRejection).where(SyncRejection.seen_at.is_(None))))
            now = utcnow()
            for rejection in unseen:
                rejection.seen_at = now
            return len(unseen)

    def resolve(self, actor: Actor, conflict_id: int, keep: Keep) -> None:
        """Close conflict ``conflict_id`` keeping one value (``lost`` writes it back)."""
        with write_session(self.engine, actor=actor) as s:
            conflict = s.get(SyncConflict, conflict_id)
            if (
                conflict is None
                or conflict.resolved_at is not None
                or not _readable(s, conflict.table_name, conflict.row_id)
            ):
                raise KamdeskError("sync.conflict_not_found", id=conflict_id)
            if keep == "lost":
                self._write_back(s, conflict)
            conflict.resolved_at = utcnow()
            conflict.resolved_by = actor.staff_id
            conflict.resolution = keep

    @staticmethod
    def _write_back(s: Any, conflict: SyncConflict) -> None:
        mapper = _mapper(conflict.table_name)
        row = None if mapper is None else s.get(mapper.class_, conflict.row_id)
        if mapper is None or row is None:
            raise KamdeskError("sync.conflict_row_gone", id=conflict.id)
        for prop in mapper.column_attrs:
            column = prop.columns[0]
            if isinstance(column, Column) and column.name == conflict.field:
                setattr(row, prop.key, from_json(column, conflict.lost_value))
                return
        raise KamdeskError("sync.conflict_row_gone", id=conflict.id)


def _mapper(table_name: str) -> Mapper[Any] | None:
    return next(
        (m for m in Base.registry.mappers if getattr(m.local_table, "name", None) == table_name),
        None,
    )


def _readable(s: Session, table_name: str, row_id: str) -> bool:
    """Whether the session's reader may read the record. Records of tables without
    record rules, and records not (or no longer) here, are everyone's: there is nothing
    to show of them but the conflict's values, masked as the module docstring says."""
    mapper = _mapper(table_name)
    if mapper is None or mapper.class_ not in SCOPED_MODELS:
        return True
    if s.get(mapper.class_, row_id) is not None:
        return True
    model = mapper.class_
    here = select(model.id).where(model.id == row_id)
    return s.scalar(here, execution_options={UNSCOPED: True}) is None


def _record_label(s: Session, table_name: str, row_id: str) -> str:
    """The record's order number, name, number or title; ``""`` when it has none here."""
    table = table_of(table_name)
    column = next((table.c[n] for n in LABEL_COLUMNS if table is not None and n in table.c), None)
    if table is None or column is None:
        return ""
    value = s.scalar(select(column).where(table.c.id == row_id))
    return "" if value is None else str(value)


def _alarm(stored: Any) -> AuditAlarm | None:
    """The stored alarm; None when there is none or it cannot be read (older format)."""
    if not isinstance(stored, dict):
        return None
    try:
        return AuditAlarm.from_wire(stored)
    except KamdeskError:
        return None


def _stamp_time(hlc: str | None) -> datetime | None:
    """The wall time of a clock stamp, or None when it is not one."""
    try:
        return datetime.fromtimestamp(Stamp.decode(hlc or "").wall_ms / 1000, UTC)
    except (ValueError, OverflowError, OSError):
        return None
