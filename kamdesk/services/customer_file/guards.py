"""Who may do what to which account, and loading the rows an operation works on.

Deny by default: an actor without a branch, or with a role outside
:data:`EDITOR_ROLES`, changes nothing. A closed account (离网) accepts no change
except reading. Rows of another account than the one named are refused, so a
stale id from another window can never write into the wrong file.
"""

from __future__ import annotations

from typing import TypeVar

from sqlalchemy import select
from sqlalchemy.orm import Session

from kamdesk.db.models import Customer
from kamdesk.errors import KamdeskError, define
from kamdesk.i18n import N_
from kamdesk.services.actor import Actor
from kamdesk.services.customer_file.vocabulary import EDITOR_ROLES, CustomerStatus
from kamdesk.services.scope import file_scope

define(
    {
        "customer_file.not_found": N_("This customer no longer exists; it may have been deleted"),
        "customer_file.record_not_found": N_(
            "The record was not found in this customer's file; refresh and try again"
        ),
        "customer_file.not_allowed": N_("Your role may not change customer files"),
        "customer_file.closed": N_(
            "{name} has left the network (离网); a closed file cannot be changed"
        ),
    }
)

_Row = TypeVar("_Row")


def may_edit(actor: Actor) -> bool:
    return bool(actor.branch_id) and actor.role in EDITOR_ROLES


def require_editor(actor: Actor) -> None:
    if not may_edit(actor):
        raise KamdeskError("customer_file.not_allowed")


def live_customer(session: Session, customer_id: str) -> Customer:
    customer = session.get(Customer, customer_id)
    if customer is None or customer.deleted_at is not None:
        raise KamdeskError("customer_file.not_found")
    return customer


def require_file_reader(session: Session, customer: Customer, actor: Actor) -> None:
    """Refuse (as not found) a reader who sees the account only as the name on an order
    (clerk, response center, workstation): the file is for those in its scope."""
    if not session.scalar(select(Customer.id).where(Customer.id == customer.id, file_scope(actor))):
        raise KamdeskError("customer_file.not_found")


def open_customer(session: Session, customer_id: str, actor: Actor) -> Customer:
    """The account, when ``actor`` may change it and it has not left the network."""
    require_editor(actor)
    customer = live_customer(session, customer_id)
    require_file_reader(session, customer, actor)
    if customer.status == CustomerStatus.LEFT:
        raise KamdeskError("customer_file.closed", name=customer.name)
    return customer


def child_row(session: Session, model: type[_Row], row_id: str, customer_id: str) -> _Row:
    """A live row of ``model`` that belongs to ``customer_id``."""
    row = session.get(model, row_id)
    if (
        row is None
        or getattr(row, "deleted_at", None) is not None
        or getattr(row, "customer_id", None) != customer_id
    ):
        raise KamdeskError("customer_file.record_not_found")
    return row
