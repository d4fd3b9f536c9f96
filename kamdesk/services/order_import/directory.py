"""What the rows of a historical work-order sheet are checked against, read once.

:func:`load_directory` reads the branch's live accounts (by normalised credit code and
by name key), the products and workstations (by code and by name), the staff (by login
and by name), the first member of each role who may record a stage of an order
(active members first, then by login; industry managers per group, workstation
members per workstation) and the order numbers in use (of every branch: the number
is unique in the database). ``seen`` collects the order
numbers of the sheet's earlier rows, ``promises`` the promised times by product and
grade and ``loaded`` the account rows, as they are looked up.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from kamdesk.db.models import Customer, IndustryGroup, Product, Staff, WorkOrder, Workstation
from kamdesk.domain.customers.credit_code import normalize_credit_code
from kamdesk.domain.customers.names import normalize_name
from kamdesk.domain.sla import Promise
from kamdesk.domain.workorders import Role
from kamdesk.domain.workorders.events import Actor as DomainActor
from kamdesk.domain.workorders.rules import PublishedPolicy
from kamdesk.services.actor import Actor
from kamdesk.services.customer_columns import header_key
from kamdesk.services.scope import UNSCOPED
from kamdesk.services.workorders import store


@dataclass(frozen=True)
class Account:
    id: str
    name: str
    group_id: str | None
    owner_id: str | None


@dataclass
class Directory:
    """What rows are checked against, read once per check."""

    now: datetime
    codes: dict[str, Account]
    names: dict[str, list[Account]]
    products: dict[str, Product]
    stations: dict[str, str]  # code or name key → code
    station_staff: dict[str, DomainActor]  # code → a member
    people: dict[str, list[tuple[str, str]]]  # login or name → (id, role)
    managers: dict[str, DomainActor]  # group id → its industry manager
    groups: dict[str, str]  # group id → code
    leader: DomainActor | None
    clerk: DomainActor | None
    center: DomainActor | None
    order_nos: set[str]
    policies: tuple[PublishedPolicy, ...]  # the work-order policies HQ published
    seen: dict[str, int] = field(default_factory=dict)
    promises: dict[tuple[str, str], Promise] = field(default_factory=dict)
    loaded: dict[str, Customer] = field(default_factory=dict)

    def customer(self, session: Session, account: Account) -> Customer | None:
        """The account's row, loaded once per check (the session keeps no strong
        reference to it)."""
        if account.id not in self.loaded:
            row = session.get(Customer, account.id)
            if row is None:
                return None
            self.loaded[account.id] = row
        return self.loaded[account.id]


def load_directory(session: Session, actor: Actor, now: datetime) -> Directory:
    """Everything of the actor's branch the rows name, read once per check."""
    codes: dict[str, Account] = {}
    names: dict[str, list[Account]] = {}
    for row in session.execute(
        select(
            Customer.id,
            Customer.name,
            Customer.name_key,
            Customer.credit_code,
            Customer.industry_group_id,
            Customer.owner_id,
        ).where(Customer.deleted_at.is_(None), Customer.branch_id == actor.branch_id)
    ):
        account = Account(row.id, row.name, row.industry_group_id, row.owner_id)
        codes[normalize_credit_code(row.credit_code)] = account
        names.setdefault(row.name_key or normalize_name(row.name), []).append(account)
    products: dict[str, Product] = {}
    for product in session.scalars(select(Product).where(Product.deleted_at.is_(None))):
        products.setdefault(header_key(product.code), product)
        products.setdefault(header_key(product.name), product)
    stations: dict[str, str] = {}
    for code, name in session.execute(
        select(Workstation.code, Workstation.name).where(
            Workstation.branch_id == actor.branch_id, Workstation.deleted_at.is_(None)
        )
    ):
        stations.setdefault(header_key(code), code)
        stations.setdefault(header_key(name), code)
    groups = {
        group_id: code
        for group_id, code in session.execute(
            select(IndustryGroup.id, IndustryGroup.code).where(IndustryGroup.deleted_at.is_(None))
        )
    }
    station_codes = {
        station_id: code
        for station_id, code in session.execute(
            select(Workstation.id, Workstation.code).where(Workstation.branch_id == actor.branch_id)
        )
    }
    people: dict[str, list[tuple[str, str]]] = {}
    first: dict[tuple[str, str], DomainActor] = {}  # (role, group id or station code)
    staff = session.execute(
        select(
            Staff.id,
            Staff.login,
            Staff.name,
            Staff.role,
            Staff.industry_group_id,
            Staff.workstation_id,
        )
        .where(Staff.deleted_at.is_(None), Staff.branch_id == actor.branch_id)
        .order_by(Staff.active.desc(), Staff.login)
    )
    for row in staff:
        for key in {row.login.strip().casefold(), row.name.strip().casefold()}:
            people.setdefault(key, []).append((row.id, row.role))
        try:
            role = Role(row.role)
        except ValueError:
            continue
        group = groups.get(row.industry_group_id or "")
        station = station_codes.get(row.workstation_id or "")
        if role is Role.INDUSTRY_MANAGER and group is not None:
            where = row.industry_group_id or ""
            reach = DomainActor(row.id, role, industry_groups=frozenset({group}))
        elif role is Role.WORKSTATION and station is not None:
            where = station
            reach = DomainActor(row.id, role, workstations=frozenset({station}))
        else:
            where, reach = "", DomainActor(row.id, role)
        first.setdefault((role.value, where), reach)
    # Order numbers are unique in the whole database, past the record rules.
    order_nos = set(session.scalars(select(WorkOrder.order_no), execution_options={UNSCOPED: True}))
    return Directory(
        now=now,
        policies=store.published_policies(session),
        codes=codes,
        names=names,
        products=products,
        stations=stations,
        station_staff={
            where: who for (role, where), who in first.items() if role == Role.WORKSTATION
        },
        people=people,
        managers={
            where: who for (role, where), who in first.items() if role == Role.INDUSTRY_MANAGER
        },
        groups=groups,
        leader=first.get((Role.LEADER.value, "")),
        clerk=first.get((Role.CLERK.value, "")),
        center=first.get((Role.RESPONSE_CENTER.value, "")),
        order_nos=order_nos,
    )
