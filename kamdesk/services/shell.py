"""What the main window's frame shows: who is working, where, the sync state, and
headline counts for the home page.

Every call is one read-only unit of work (its own ``Session``), so it may run on any
thread, including the task runner's read lane, and never holds ORM objects past
its return.

"The user" is the person who signed in (:meth:`ShellService.sign_in`; the app signs
in before its window opens). Before that, as in tests, the first active staff member
with the role ``admin`` (then ``leader``), ordered by name, stands in; a database
without such a person has no user, and the status says so rather than inventing one.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from sqlalchemy import Engine, Select, case, func, or_, select
from sqlalchemy.orm import Session

from kamdesk.db.models import (
    Branch,
    Customer,
    OutboxEntry,
    Staff,
    SyncBatch,
    SyncConflict,
    SyncLogEntry,
    WorkOrder,
)
from kamdesk.domain.workorders.vocabulary import ROLE_LABELS, Role
from kamdesk.i18n import tr
from kamdesk.services.actor import Actor
from kamdesk.sync.state import LoadProgress, load_progress

USER_ROLES: tuple[str, ...] = (Role.ADMIN.value, Role.LEADER.value)
"""Roles that stand in for the signed-in user until sign-in exists, in preference order."""


@dataclass(frozen=True)
class ShellStatus:
    """The status bar's facts at one instant.

    ``role_label`` is translated into the language current at the call; ``None``
    fields mean "not known in this database" (no branch, no user, never synced).
    """

    branch_name: str | None
    user_name: str | None
    role: str | None
    role_label: str | None
    pending_changes: int
    open_conflicts: int
    last_sync_at: datetime | None
    database_path: str
    sync_load: LoadProgress | None = None
    """The first load (or a re-snapshot) from HQ, while it is not complete."""


@dataclass(frozen=True)
class ShellCounts:
    """Live (not deleted) records, for the home page."""

    customers: int
    work_orders: int


class ShellService:
    """Read-only facts about the open database for the window frame and home page."""

    def __init__(self, engine: Engine) -> None:
        self._engine = engine
        self._signed_in: str | None = None

    def sign_in(self, actor: Actor) -> None:
        """From now on the user is ``actor`` (the person who signed in), not a stand-in."""
        self._signed_in = actor.staff_id

    @property
    def database_path(self) -> str:
        """The file behind the engine (``""`` for an in-memory database)."""
        database = self._engine.url.database or ""
        return str(Path(database).absolute()) if database and database != ":memory:" else ""

    def status(self) -> ShellStatus:
        with Session(self._engine) as s:
            user = s.execute(_user_query(self._signed_in)).first()
            branch_query = select(Branch.name).where(Branch.deleted_at.is_(None))
            if user is not None:
                branch_query = branch_query.where(Branch.id == user.branch_id)
            branch_name = s.execute(branch_query.order_by(Branch.code).limit(1)).scalar()
            pending = s.execute(
                select(func.count())
                .select_from(OutboxEntry)
                .outerjoin(SyncBatch, OutboxEntry.batch_id == SyncBatch.batch_id)
                .where(or_(OutboxEntry.batch_id.is_(None), SyncBatch.acked_at.is_(None)))
            ).scalar_one()
            conflicts = s.execute(
                select(func.count())
                .select_from(SyncConflict)
                .where(SyncConflict.resolved_at.is_(None))
            ).scalar_one()
            last_sync = s.execute(
                select(func.max(SyncLogEntry.finished_at)).where(
                    SyncLogEntry.finished_at.is_not(None), SyncLogEntry.error_code.is_(None)
                )
            ).scalar()
            sync_load = load_progress(s)
        role = user.role if user is not None else None
        return ShellStatus(
            branch_name=branch_name,
            user_name=user.name if user is not None else None,
            role=role,
            role_label=_role_label(role),
            pending_changes=int(pending),
            open_conflicts=int(conflicts),
            last_sync_at=last_sync,
            database_path=self.database_path,
            sync_load=sync_load,
        )

    def current_actor(self) -> Actor | None:
        """The person :meth:`status` names as the user, as an :class:`Actor`."""
        with Session(self._engine) as s:
            user = s.execute(_user_query(self._signed_in)).first()
        if user is None:
            return None
        return Actor(
            staff_id=user.id,
            name=user.name,
            role=user.role,
            branch_id=user.branch_id,
            industry_group_id=user.industry_group_id,
            workstation_id=user.workstation_id,
        )

    def counts(self) -> ShellCounts:
        """Hazard: a full count; on a million work orders it takes a few hundred ms,
        so the UI runs it in the background."""
        with Session(self._engine) as s:
            customers = s.execute(
                select(func.count()).select_from(Customer).where(Customer.deleted_at.is_(None))
            ).scalar_one()
            orders = s.execute(
                select(func.count()).select_from(WorkOrder).where(WorkOrder.deleted_at.is_(None))
            ).scalar_one()
        return ShellCounts(customers=int(customers), work_orders=int(orders))


def _user_query(
    signed_in: str | None,
) -> Select[tuple[str, str, str, str, str | None, str | None]]:
    """The signed-in person; before anyone signs in (tests, the first-run screen) the
    first active admin, then leader, stands in."""
    query = (
        select(
            Staff.name,
            Staff.role,
            Staff.branch_id,
            Staff.id,
            Staff.industry_group_id,
            Staff.workstation_id,
        )
        .where(Staff.active.is_(True), Staff.deleted_at.is_(None))
        .order_by(
            case({r: i for i, r in enumerate(USER_ROLES)}, value=Staff.role),
            Staff.name,
            Staff.id,
        )
        .limit(1)
    )
    if signed_in is not None:
        return query.where(Staff.id == signed_in)
    return query.where(Staff.role.in_(USER_ROLES))


def _role_label(role: str | None) -> str | None:
    if role is None:
        return None
    try:
        return tr(ROLE_LABELS[Role(role)])
    except ValueError:
        return role
