"""Sync with HQ for the UI and command line: register, sync now, status, conflicts.

Each public method is one unit of work. Resolving a conflict by keeping the value
that lost writes it through the ORM, so the change is captured and travels to HQ
with a newer clock (it wins there too); keeping the value that won only closes the
record. Either way who resolved it and when is kept.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any, Literal

from sqlalchemy import Column, Engine, func, select

from kamdesk.db.models import Base, OutboxEntry, SyncConflict, SyncRejection
from kamdesk.domain.clock import utcnow
from kamdesk.domain.progress import CancelCheck, Progress
from kamdesk.errors import KamdeskError, define
from kamdesk.i18n import N_
from kamdesk.services.actor import Actor
from kamdesk.services.uow import read_session, write_session
from kamdesk.sync import state
from kamdesk.sync.engine import ClientFactory, SyncEngine, SyncReport
from kamdesk.sync.rows import from_json

define(
    {
        "sync.conflict_not_found": N_("There is no open conflict number {id}."),
        "sync.conflict_row_gone": N_("The record of conflict {id} no longer exists here."),
    }
)

Keep = Literal["kept", "lost"]


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


class SyncService:
    def __init__(self, engine: Engine, client_factory: ClientFactory | None = None) -> None:
        self.engine = engine
        self._sync = (
            SyncEngine(engine) if client_factory is None else SyncEngine(engine, client_factory)
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
        return self._sync.sync_once(progress=progress, cancel=cancel)

    def status(self) -> SyncStatus:
        with read_session(self.engine) as s:
            hq_url = state.read(s, state.HQ_URL)
            return SyncStatus(
                registered=bool(hq_url and state.read(s, state.HQ_DEVICE_ID)),
                hq_url=hq_url,
                branch_code=state.read(s, state.BRANCH_CODE),
                branch_name=state.read(s, state.BRANCH_NAME),
                last_success=state.read(s, state.LAST_SUCCESS),
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

    def conflicts(self, include_resolved: bool = False) -> list[ConflictView]:
        with read_session(self.engine) as s:
            query = select(SyncConflict).order_by(SyncConflict.id)
            if not include_resolved:
                query = query.where(SyncConflict.resolved_at.is_(None))
            return [
                ConflictView(
                    id=c.id,
                    table=c.table_name,
                    row_id=c.row_id,
                    field=c.field,
                    kept_value=c.kept_value,
                    lost_value=c.lost_value,
                    kept_by=c.kept_by,
                    lost_by=c.lost_by,
                    detected_at=c.detected_at,
                    resolved_at=c.resolved_at,
                    resolution=c.resolution,
                )
                for c in s.scalars(query)
            ]

    def resolve(self, actor: Actor, conflict_id: int, keep: Keep) -> None:
        """Close conflict ``conflict_id`` keeping one value (``lost`` writes it back)."""
        with write_session(self.engine) as s:
            conflict = s.get(SyncConflict, conflict_id)
            if conflict is None or conflict.resolved_at is not None:
                raise KamdeskError("sync.conflict_not_found", id=conflict_id)
            if keep == "lost":
                self._write_back(s, conflict)
            conflict.resolved_at = utcnow()
            conflict.resolved_by = actor.staff_id
            conflict.resolution = keep

    @staticmethod
    def _write_back(s: Any, conflict: SyncConflict) -> None:
        mapper = next(
            (
                m
                for m in Base.registry.mappers
                if getattr(m.local_table, "name", None) == conflict.table_name
            ),
            None,
        )
        row = None if mapper is None else s.get(mapper.class_, conflict.row_id)
        if mapper is None or row is None:
            raise KamdeskError("sync.conflict_row_gone", id=conflict.id)
        for prop in mapper.column_attrs:
            column = prop.columns[0]
            if isinstance(column, Column) and column.name == conflict.field:
                setattr(row, prop.key, from_json(column, conflict.lost_value))
                return
        raise KamdeskError("sync.conflict_row_gone", id=conflict.id)
