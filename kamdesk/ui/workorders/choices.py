"""What the work-order forms offer in their pickers: accounts, products, workstations.

A thin read-only query beside the forms (the work-order service has no picker
queries yet): each call is one read session returning frozen :class:`Choice` rows,
never ORM objects, so it may run on any thread. Accounts are searched with the same
condition as the customer list (name, pinyin initials, credit code, phone).
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import Engine, select

from kamdesk.db.models import Customer, Product, Workstation
from kamdesk.services.customers_query.text_search import search_condition
from kamdesk.services.uow import read_session

PICKER_LIMIT = 50
"""Most rows a picker lists; typing narrows the rest."""


@dataclass(frozen=True)
class Choice:
    """One pickable row: ``key`` is what the service takes (an id or a code)."""

    key: str
    label: str
    detail: str = ""
    flag: bool = False  # products: a circuit product (A/Z ends, bandwidth, interface)


class OrderChoices:
    """Pickers of one database, limited to one branch where the rows have one."""

    def __init__(self, engine: Engine) -> None:
        self._engine = engine

    def customers(self, branch_id: str, text: str = "") -> list[Choice]:
        """Live accounts of the branch matching ``text`` (all, by name, when empty)."""
        query = select(Customer.id, Customer.name, Customer.grade).where(
            Customer.branch_id == branch_id, Customer.deleted_at.is_(None)
        )
        condition = search_condition(text)
        if condition is not None:
            query = query.where(condition)
        query = query.order_by(Customer.name, Customer.id).limit(PICKER_LIMIT)
        with read_session(self._engine) as s:
            return [Choice(cid, name, grade or "") for cid, name, grade in s.execute(query)]

    def customer(self, customer_id: str) -> Choice | None:
        """One account by id (to show a draft's account in the picker)."""
        query = select(Customer.id, Customer.name, Customer.grade).where(Customer.id == customer_id)
        with read_session(self._engine) as s:
            row = s.execute(query).first()
        return None if row is None else Choice(row.id, row.name, row.grade or "")

    def products(self) -> list[Choice]:
        query = (
            select(Product.id, Product.code, Product.name, Product.is_circuit)
            .where(Product.deleted_at.is_(None))
            .order_by(Product.code)
        )
        with read_session(self._engine) as s:
            return [
                Choice(pid, name, code, bool(circuit))
                for pid, code, name, circuit in s.execute(query)
            ]

    def workstations(self, branch_id: str) -> list[Choice]:
        """The branch's workstations; ``key`` is the code the dispatch form takes,
        ``detail`` the row id (what a workstation user's actor carries)."""
        query = (
            select(Workstation.code, Workstation.name, Workstation.id)
            .where(Workstation.branch_id == branch_id, Workstation.deleted_at.is_(None))
            .order_by(Workstation.code)
        )
        with read_session(self._engine) as s:
            return [Choice(code, name, wid) for code, name, wid in s.execute(query)]
