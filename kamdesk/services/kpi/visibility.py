"""Who sees which KPI rows and which ids behind them (the record rules of
:mod:`kamdesk.services.scope`, applied to the KPI engine by hand).

The engine is raw SQL over every row of the database, so the session's loader
criteria never reach it. Instead the figures are always computed for the whole
database (every figure a reader sees is the number the system computes: the branch
total is the same for everyone) and :class:`KpiVisibility` decides which rows of a
pack are handed out and which ids behind a figure may be listed:

======================  ================================  ==============================
role                    rows (besides the total)          ids behind a figure
======================  ================================  ==============================
leader, branch admin,   every row                         every figure, rows of the
HQ analyst                                                branch
industry manager        their group; the AMs of the       their group's rows, for the
                        group (staff of that group)       group and its AMs
account manager         their own AM row                  their own orders and accounts
                                                          (own AM row only)
workstation             their own workstation's row       their workstation's steps
                                                          and returns (own row only)
clerk, response center  none                              none
======================  ================================  ==============================

Everyone with a role also sees their branch's :attr:`Dimension.BRANCH` row (the same
figures as the total) and the monthly trend of the total. The total is a figure only
for everyone but the branch-wide readers: its ids would name other people's orders.
The workbook's data sheets hold the same rows as the ids (:mod:`.details`).

Deny by default: an actor without a branch or a known role sees nothing (refused);
the system (``actor=None``: the command line's own checks, the benchmarks, HQ-side
tools) sees everything. Hazards: a reader's ``rows`` is every key of every
dimension, also of another branch held in the same database (a desktop holds one);
an AM row shown to an industry manager counts every order of that AM, also on an
account of another group, while its ids list only the group's.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from kamdesk.db.models import Staff
from kamdesk.domain.kpi.figures import DIMENSION_LABELS, Dimension
from kamdesk.domain.workorders.vocabulary import ROLE_LABELS, Role
from kamdesk.errors import KamdeskError, define
from kamdesk.i18n import N_, tr
from kamdesk.services.actor import Actor
from kamdesk.services.scope import BRANCH_READER_ROLES, known_role

define(
    {
        "kpi.nobody_signed_in": N_("Nobody is signed in: KPIs are shown to signed-in staff only."),
        "kpi.total_figure_only": N_(
            "As {role}, {name} sees the branch total as a figure only, not the rows behind it."
        ),
        "kpi.not_yours": N_("As {role}, {name} may not see the KPIs of {dimension} {row}."),
    }
)

Narrowing = tuple[tuple[str, str], ...]
"""``((family column, value), …)``: the ids listed are those of rows matching all."""


@dataclass(frozen=True)
class KpiVisibility:
    """What one reader sees. ``rows``: the keys shown per dimension (a dimension not
    in it shows none; None: every key of every dimension). ``ids``: how the ids behind
    a shown row are narrowed (None: no ids at all). ``total_ids``: whether the ids
    behind the total may be listed."""

    actor: Actor | None
    rows: Mapping[Dimension, frozenset[str]] | None
    ids: Narrowing | None
    total_ids: bool

    def shows(self, dimension: Dimension, key: str) -> bool:
        """Whether the row ``dimension = key`` (the total: always) is shown."""
        if dimension is Dimension.TOTAL or self.rows is None:
            return True
        return key in self.rows.get(dimension, frozenset())

    def check_row(self, dimension: Dimension, key: str, name: str) -> None:
        """Refuse (``kpi.not_yours``) a row that is not shown; ``name`` names it."""
        if not self.shows(dimension, key):
            raise KamdeskError(
                "kpi.not_yours", **self._who(), dimension=tr(DIMENSION_LABELS[dimension]), row=name
            )

    def check_ids(self, dimension: Dimension, key: str, name: str) -> Narrowing:
        """The narrowing of the ids behind the row ``dimension = key``; refuses a row
        that is not shown, and the total, the branch row (the same figures) or any row
        whose ids are not listed."""
        self.check_row(dimension, key, name)
        whole = dimension in (Dimension.TOTAL, Dimension.BRANCH)
        if self.ids is None or (whole and not self.total_ids):
            raise KamdeskError("kpi.total_figure_only", **self._who())
        return self.ids

    def _who(self) -> dict[str, str]:
        actor = self.actor
        if actor is None:  # the system is never refused
            return {"role": "", "name": ""}
        return {"role": tr(ROLE_LABELS[Role(actor.role)]), "name": actor.name}


SYSTEM = KpiVisibility(None, None, (), True)
"""The system's view: every row and every id."""


def signed_in(actor: Actor | None) -> Actor:
    """``actor``, or ``kpi.nobody_signed_in`` when nobody is (a screen or an export
    must never fall back to the system's view)."""
    if actor is None:
        raise KamdeskError("kpi.nobody_signed_in")
    return actor


def visibility(session: Session, actor: Actor | None) -> KpiVisibility:
    """What ``actor`` sees (the system for None); refuses (``access.no_role``) an
    actor without a branch or a known role."""
    if actor is None:
        return SYSTEM
    role = known_role(actor)
    if role is None:
        raise KamdeskError("access.no_role", name=actor.name)
    branch = actor.branch_id
    if role.value in BRANCH_READER_ROLES:
        return KpiVisibility(actor, None, (("branch", branch),), True)
    rows: dict[Dimension, frozenset[str]] = {Dimension.BRANCH: frozenset({branch})}
    ids: Narrowing | None = None
    group, workstation = actor.industry_group_id, actor.workstation_id
    if role is Role.AM:
        rows[Dimension.AM] = frozenset({actor.staff_id})
        ids = (("branch", branch), ("am", actor.staff_id))
    elif role is Role.INDUSTRY_MANAGER and group is not None:
        members = session.scalars(
            select(Staff.id).where(Staff.branch_id == branch, Staff.industry_group_id == group)
        )
        rows[Dimension.GROUP] = frozenset({group})
        rows[Dimension.AM] = frozenset(members)
        ids = (("branch", branch), ("grp", group))
    elif role is Role.WORKSTATION and workstation is not None:
        rows[Dimension.WORKSTATION] = frozenset({workstation})
        ids = (("branch", branch), ("ws", workstation))
    return KpiVisibility(actor, rows, ids, False)
