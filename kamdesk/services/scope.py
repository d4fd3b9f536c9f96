"""Which accounts a staff member looks after: the scope of "my" lists.

An account manager sees the accounts they own, an industry manager the accounts of
their industry group, a department leader or branch admin every account of the
branch. Other roles (clerk, response center, workstation) look after no accounts.
Always limited to the actor's branch and to live (not deleted) accounts; whether
closed (离网) accounts count is the caller's choice.
"""

from __future__ import annotations

from sqlalchemy import ColumnElement, and_, false

from kamdesk.db.models import Customer
from kamdesk.domain.workorders.vocabulary import Role
from kamdesk.services.actor import Actor

BRANCH_WIDE_ROLES: frozenset[str] = frozenset({Role.LEADER.value, Role.ADMIN.value})


def account_scope(actor: Actor) -> ColumnElement[bool]:
    """A WHERE clause on :class:`Customer` selecting the actor's accounts."""
    base = and_(Customer.branch_id == actor.branch_id, Customer.deleted_at.is_(None))
    if actor.role in BRANCH_WIDE_ROLES:
        return base
    if actor.role == Role.INDUSTRY_MANAGER.value and actor.industry_group_id is not None:
        return and_(base, Customer.industry_group_id == actor.industry_group_id)
    if actor.role == Role.AM.value:
        return and_(base, Customer.owner_id == actor.staff_id)
    return false()
