"""The branch the permission matrix runs in: a small demo database plus, for one account
manager's account, a key person with known phone and ID number, the rows of a file, an
order in every state the flow needs, an attachment, a sync conflict, a printed PDF and a
backup; likewise a key person on another group's account. One template file is built
per test session; each writing case works on its own copy of it.

The oracles (:meth:`World.readable_customers`, :meth:`World.readable_orders`, and for the
KPIs :meth:`World.kpi_keys`, :meth:`World.kpi_orders`, :meth:`World.kpi_accounts`) say in
plain SQL, independently of the services, which rows each role may read.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path

from sqlalchemy import Engine
from sqlalchemy.orm import Session

from kamdesk.db.engine import create_sqlite_engine
from kamdesk.db.models import KeyPerson, Staff, SyncConflict
from kamdesk.db.startup import open_database
from kamdesk.domain.clock import utcnow
from kamdesk.domain.workorders.vocabulary import Action, DispatchMode, Role, State
from kamdesk.services.actor import Actor
from kamdesk.services.container import Services
from kamdesk.services.customer_file.drafts import (
    CareActionDraft,
    ComplaintDraft,
    OpportunityDraft,
)
from kamdesk.services.demo import DemoSpec, generate_demo
from kamdesk.services.demo.signatures import render
from kamdesk.services.workorders import DemandForm, SignatureInput, StepPlan

ROLES = ("am", "am_other", "im", "leader", "clerk", "rc", "ws", "admin", "analyst", "nobody")
"""Who the matrix calls as: an AM, an AM of another group, the AM's industry manager,
the leader, a clerk, the response center, a workstation, the branch admin, an HQ analyst
and a staff member with no role."""

MOBILE = "13911110001"
ID_NUMBER = "110101199001011234"
OTHER_MOBILE = "13922220002"
OTHER_ID_NUMBER = "110101199002022345"
SECRETS = {"am": (MOBILE, ID_NUMBER), "am_other": (OTHER_MOBILE, OTHER_ID_NUMBER)}
"""Per owning AM, the phone and ID number of the key person on their account."""
WORKSTATION = "W01"
KPI_PERIOD = "2020-01-01..2030-12-31"
"""A KPI period holding every row of the world (all of its orders are completed in it)."""
KPI_READERS = ("leader", "admin", "analyst")
"""Who reads every KPI row and the ids behind the total."""


@dataclass
class World:
    path: Path
    engine: Engine
    services: Services
    branch_id: str
    actors: dict[str, Actor]
    customer_id: str  # the AM's account (grade B or C)
    other_customer_id: str  # an account of the AM of another group
    group_id: str
    product_id: str
    ids: dict[str, str] = field(default_factory=dict)
    orders: dict[str, tuple[str, int]] = field(default_factory=dict)  # state → (id, seq)
    files: dict[str, Path] = field(default_factory=dict)

    def db(self) -> sqlite3.Connection:
        return sqlite3.connect(self.path)

    def order(self, state: str) -> str:
        return self.orders[state][0]

    def seq(self, state: str) -> int:
        return self.orders[state][1]

    def form(self, value: str = "3600.00") -> DemandForm:
        return DemandForm(
            customer_id=self.customer_id,
            product_id=self.product_id,
            quantity=1,
            value=Decimal(value),
            requirement="新建 2M 数字电路",
            a_end="杭州市上城区解放路 1 号",
            z_end="杭州市滨江区网商路 599 号",
            bandwidth="2M",
            interface="E1",
        )

    def _ids(self, sql: str, *params: str) -> frozenset[str]:
        with self.db() as db:
            return frozenset(row[0] for row in db.execute(sql, params))

    def readable_customers(self, role: str) -> frozenset[str]:
        """Live accounts ``role`` may read (the name on an order included)."""
        a, b = self.actors[role], self.branch_id
        live = "SELECT id FROM customers WHERE deleted_at IS NULL AND branch_id = ?"
        if role in ("am", "am_other"):
            return self._ids(
                live + " AND (owner_id = ? OR id IN "
                "(SELECT customer_id FROM work_orders WHERE owner_id = ?))",
                b, a.staff_id, a.staff_id,
            )  # fmt: skip
        if role == "im":
            return self._ids(live + " AND industry_group_id = ?", b, self.group_id)
        if role in ("leader", "admin", "analyst"):
            return self._ids(live, b)
        if role in ("clerk", "rc"):
            return self._ids(live + " AND id IN (SELECT customer_id FROM work_orders)", b)
        if role == "ws":
            return self._ids(
                live + " AND id IN (SELECT customer_id FROM work_orders WHERE id IN "
                "(SELECT order_id FROM work_order_steps WHERE workstation_id = ?))",
                b, a.workstation_id or "",
            )  # fmt: skip
        return frozenset()

    def readable_files(self, role: str) -> frozenset[str]:
        """Live accounts whose file (key persons, visits, …) ``role`` may read."""
        a, b = self.actors[role], self.branch_id
        live = "SELECT id FROM customers WHERE deleted_at IS NULL AND branch_id = ?"
        if role in ("am", "am_other"):
            return self._ids(live + " AND owner_id = ?", b, a.staff_id)
        if role == "im":
            return self._ids(live + " AND industry_group_id = ?", b, self.group_id)
        if role in ("leader", "admin", "analyst"):
            return self._ids(live, b)
        return frozenset()

    def readable_orders(self, role: str) -> frozenset[str]:
        """Live orders ``role`` may read."""
        a, b = self.actors[role], self.branch_id
        live = "SELECT id FROM work_orders WHERE deleted_at IS NULL AND branch_id = ?"
        if role in ("am", "am_other"):
            return self._ids(
                live + " AND (owner_id = ? OR customer_id IN "
                "(SELECT id FROM customers WHERE owner_id = ?))",
                b, a.staff_id, a.staff_id,
            )  # fmt: skip
        if role == "im":
            return self._ids(
                live + " AND customer_id IN (SELECT id FROM customers WHERE industry_group_id = ?)",
                b, self.group_id,
            )  # fmt: skip
        if role in ("leader", "admin", "analyst", "clerk", "rc"):
            return self._ids(live, b)
        if role == "ws":
            return self._ids(
                live + " AND id IN (SELECT order_id FROM work_order_steps "
                "WHERE workstation_id = ?)",
                b, a.workstation_id or "",
            )  # fmt: skip
        return frozenset()

    def kpi_keys(self, role: str) -> dict[str, frozenset[str]] | None:
        """Per KPI dimension (its value), the row keys ``role`` may see (None: all):
        their own AM row, their group and its staff, their workstation; everyone's own
        branch row."""
        a, b = self.actors[role], self.branch_id
        if role in KPI_READERS:
            return None
        if role == "nobody":
            return {}
        own = {"branch": frozenset({b})}
        if role in ("am", "am_other"):
            return {**own, "am": frozenset({a.staff_id})}
        if role == "im":
            staff = "SELECT id FROM staff WHERE branch_id = ? AND industry_group_id = ?"
            return {**own, "group": frozenset({self.group_id}),
                    "am": self._ids(staff, b, self.group_id)}  # fmt: skip
        if role == "ws":
            return {**own, "workstation": frozenset({a.workstation_id or ""})}
        return own

    def _kpi_scope(self, role: str) -> tuple[str, tuple[str, ...]]:
        """SQL on an order ``o`` and its account ``c``: the rows behind the KPIs whose
        ids ``role`` may list (orders by their owner, accounts by theirs)."""
        a, b = self.actors[role], self.branch_id
        if role in ("am", "am_other"):
            return "AND o.branch_id = ? AND o.owner_id = ?", (b, a.staff_id)
        if role == "im":
            return "AND o.branch_id = ? AND c.industry_group_id = ?", (b, self.group_id)
        if role in KPI_READERS:
            return "AND o.branch_id = ?", (b,)
        return "AND 0", ()

    def kpi_orders(self, role: str, owner: str | None = None) -> frozenset[str]:
        """Completed live orders (of ``owner``'s, when given) whose ids ``role`` may list."""
        where, params = self._kpi_scope(role)
        if owner is not None:
            where, params = where + " AND o.owner_id = ?", (*params, self.actors[owner].staff_id)
        return self._ids(
            "SELECT o.id FROM work_orders o JOIN customers c ON c.id = o.customer_id "
            f"WHERE o.deleted_at IS NULL AND o.accepted_at IS NOT NULL {where}",
            *params,
        )

    def kpi_order_numbers(self, role: str) -> frozenset[str]:
        ids = self.kpi_orders(role)
        return self._ids(
            "SELECT order_no FROM work_orders WHERE id IN (SELECT value FROM json_each(?))",
            json.dumps(sorted(ids)),
        )

    def kpi_accounts(
        self, role: str, owner: str | None = None, *, in_network: bool = True
    ) -> frozenset[str]:
        """Live accounts (still in the network, unless not ``in_network``; of
        ``owner``'s, when given) whose ids ``role`` may list."""
        where, params = self._kpi_scope(role)
        where = where.replace("o.owner_id", "c.owner_id").replace("o.branch_id", "c.branch_id")
        if owner is not None:
            where, params = where + " AND c.owner_id = ?", (*params, self.actors[owner].staff_id)
        if in_network:
            where += " AND c.left_at IS NULL"
        live = "SELECT c.id FROM customers c WHERE c.deleted_at IS NULL"
        return self._ids(f"{live} {where}", *params)

    def kpi_account_names(self, role: str) -> frozenset[str]:
        accounts = self.kpi_accounts(role, in_network=False)
        return self._ids(
            "SELECT name FROM customers WHERE id IN (SELECT value FROM json_each(?))",
            json.dumps(sorted(accounts)),
        )

    def steps_done_at(self, workstation_id: str) -> frozenset[str]:
        return self._ids(
            "SELECT s.id FROM work_order_steps s JOIN work_orders o ON o.id = s.order_id "
            "WHERE s.workstation_id = ? AND s.done_at IS NOT NULL AND s.deleted_at IS NULL "
            "AND o.deleted_at IS NULL",
            workstation_id,
        )

    def customer_of(self, person_id: str) -> str:
        return next(iter(self._ids("SELECT customer_id FROM key_persons WHERE id = ?", person_id)))

    def all_order_ids(self) -> list[str]:
        return sorted(self._ids("SELECT id FROM work_orders"))

    def all_customer_ids(self) -> list[str]:
        return sorted(self._ids("SELECT id FROM customers"))


def signature(name: str = "张三") -> SignatureInput:
    strokes = [[[20, 40], [60, 30], [100, 50]], [[120, 20], [150, 60]]]
    return SignatureInput(
        signer_name=name,
        strokes=tuple(tuple(tuple(p) for p in s) for s in strokes),
        png=render(strokes),
    )


def _first(db: sqlite3.Connection, sql: str, *params: str) -> tuple[str, ...]:
    row = db.execute(sql, params).fetchone()
    assert row is not None, sql
    return tuple(row)


def _actor(db: sqlite3.Connection, where: str, *params: str) -> Actor:
    row = _first(
        db,
        "SELECT id, name, role, branch_id, industry_group_id, workstation_id FROM staff "
        f"WHERE {where} ORDER BY id LIMIT 1",
        *params,
    )
    return Actor(*row)


def _add_staff(engine: Engine, branch_id: str, login: str, name: str, role: str) -> Actor:
    with Session(engine) as s, s.begin():
        row = Staff(branch_id=branch_id, login=login, name=name, role=role)
        s.add(row)
        s.flush()
        return Actor(row.id, name, role, branch_id)


def _key_person(engine: Engine, customer_id: str, name: str, mobile: str, id_no: str) -> str:
    with Session(engine) as s, s.begin():
        person = KeyPerson(
            customer_id=customer_id,
            name=name,
            decision_role="decision_maker",
            mobile=mobile,
            id_number=id_no,
            email=f"{mobile}@example.com",
        )
        s.add(person)
        s.flush()
        return person.id


def _walk_orders(world: World) -> None:
    """One order of the AM's account in each state the cases act on."""
    orders = world.services.work_orders
    am, im, clerk, rc, ws = (world.actors[k] for k in ("am", "im", "clerk", "rc", "ws"))
    deadline = utcnow() + timedelta(days=3)

    def record(state: str, detail: object) -> None:
        world.orders[state] = (detail.order_id, detail.seq)  # type: ignore[attr-defined]

    def walk(to: str, value: str = "3600.00") -> None:
        d = orders.create_draft(am, world.form(value))
        steps: list[tuple[str, object]] = [
            (State.DRAFT, None),
            (State.SUBMITTED, lambda: orders.act(am, d.order_id, Action.SUBMIT, {}, d.seq)),
            (
                "reviewed",
                lambda: orders.act(im, d.order_id, Action.REVIEW_APPROVE, {}, d.seq),
            ),
            (State.ISSUED, lambda: orders.act(clerk, d.order_id, Action.ISSUE, {}, d.seq)),
            (
                State.CONFIRMED,
                lambda: orders.act(
                    rc, d.order_id, Action.CONFIRM_RESOURCES, {"outcome": "available"}, d.seq
                ),
            ),
            (
                State.DISPATCHED,
                lambda: orders.dispatch(
                    rc,
                    d.order_id,
                    DispatchMode.SEQUENTIAL,
                    [StepPlan(WORKSTATION, Decimal(2), deadline, "传输电路配置")],
                    d.seq,
                ),
            ),
            (
                "started",
                lambda: orders.act(ws, d.order_id, Action.START_STEP, {"step_id": "1"}, d.seq),
            ),
            (
                State.COMPLETED,
                lambda: orders.act(
                    rc,
                    d.order_id,
                    Action.COMPLETE,
                    {"results": "开通正常"},
                    orders.act(ws, d.order_id, Action.FINISH_STEP, {"step_id": "1"}, d.seq).seq,
                ),
            ),
            (State.ACCEPTED, lambda: orders.accept(am, d.order_id, signature(), 5, d.seq)),
            (State.SIGNED_OFF, lambda: orders.act(am, d.order_id, Action.SIGN_OFF, {}, d.seq)),
        ]
        for state, step in steps:
            if step is not None:
                d = step()  # type: ignore[operator]
            if state == "reviewed":
                state = d.state.value
            if state == to:
                record(str(to), d)
                return
        raise AssertionError(f"no step leads to {to}")

    for state in (
        State.DRAFT, State.SUBMITTED, State.APPROVED, State.ISSUED, State.CONFIRMED,
        State.DISPATCHED, "started", State.COMPLETED, State.ACCEPTED, State.SIGNED_OFF,
    ):  # fmt: skip
        walk(str(state))
    walk(State.LEADER_REVIEW, value="150000.00")
    issued = world.orders[State.ISSUED]
    walk(State.ISSUED)  # a second issued order, paused by the AM
    paused = orders.pause(am, world.order(State.ISSUED), "客户机房未完工", world.seq(State.ISSUED))
    world.orders["paused"] = (paused.order_id, paused.seq)
    world.orders[State.ISSUED] = issued


def build_template(folder: Path) -> World:
    """The template database (see the module docstring); its engine stays open."""
    path = folder / "template.sqlite"
    engine = open_database(path)
    generate_demo(engine, DemoSpec(accounts=12, orders=40, seed=3, workers=0))
    with sqlite3.connect(path) as db:
        customer_id, owner, group_id, branch_id = _first(
            db,
            "SELECT id, owner_id, industry_group_id, branch_id FROM customers "
            "WHERE owner_id IS NOT NULL AND grade != 'A' AND deleted_at IS NULL "
            "AND status = 'active' ORDER BY id LIMIT 1",
        )
        am = _actor(db, "id = ?", owner)
        other_customer_id, other_owner = _first(
            db,
            "SELECT c.id, c.owner_id FROM customers c JOIN staff s ON s.id = c.owner_id "
            "WHERE s.industry_group_id != ? AND c.deleted_at IS NULL ORDER BY c.id LIMIT 1",
            group_id,
        )
        (product_id,) = _first(db, "SELECT id FROM products WHERE code = 'DDN'")
        (ws_id,) = _first(db, "SELECT id FROM workstations WHERE code = ?", WORKSTATION)
        actors = {
            "am": am,
            "am_other": _actor(db, "id = ?", other_owner),
            "im": _actor(db, "role = 'industry_manager' AND industry_group_id = ?", group_id),
            "leader": _actor(db, "role = 'leader'"),
            "clerk": _actor(db, "role = 'clerk'"),
            "rc": _actor(db, "role = 'response_center'"),
            "ws": _actor(db, "role = 'workstation' AND workstation_id = ?", ws_id),
        }
        has_admin = db.execute("SELECT 1 FROM staff WHERE role = 'admin'").fetchone()
    actors["admin"] = (
        _actor(sqlite3.connect(path), "role = 'admin'")
        if has_admin
        else _add_staff(engine, branch_id, "matrix_admin", "管理员", Role.ADMIN.value)
    )
    actors["analyst"] = _add_staff(engine, branch_id, "hq_analyst", "总部分析", "hq_analyst")
    actors["nobody"] = replace(
        _add_staff(engine, branch_id, "no_role", "待分配", "hq_analyst"), role=""
    )
    world = World(
        path=path,
        engine=engine,
        services=Services(engine),
        branch_id=branch_id,
        actors=actors,
        customer_id=customer_id,
        other_customer_id=other_customer_id,
        group_id=group_id,
        product_id=product_id,
    )
    files = world.services.customer_file
    world.ids["key_person"] = _key_person(engine, customer_id, "甲经理", MOBILE, ID_NUMBER)
    world.ids["other_key_person"] = _key_person(
        engine, other_customer_id, "乙主任", OTHER_MOBILE, OTHER_ID_NUMBER
    )
    world.ids["care"] = files.add_care_action(
        customer_id, CareActionDraft("holiday", "春节慰问", date(2027, 2, 10)), am
    )
    now = utcnow()
    world.ids["complaint"] = files.add_complaint(
        customer_id,
        ComplaintDraft(now - timedelta(days=2), now + timedelta(days=1), "网络故障", "中断"),
        am,
    )
    world.ids["opportunity"] = files.save_opportunity(customer_id, OpportunityDraft("扩容"), am)
    _walk_orders(world)
    attached = world.services.work_orders.add_attachment(
        am, world.order(State.DISPATCHED), "合同.pdf", b"%PDF-1.4 contract"
    )
    world.ids["attachment"] = attached.attachment_id
    with Session(engine) as s, s.begin():
        for key, person_id, mobile in (
            ("conflict", world.ids["key_person"], MOBILE),
            ("other_conflict", world.ids["other_key_person"], OTHER_MOBILE),
        ):
            conflict = SyncConflict(
                table_name="key_persons",
                row_id=person_id,
                field="mobile",
                kept_value=mobile,
                lost_value="13700000000",
                kept_hlc="0",
                lost_hlc="0",
                detected_at=now,
            )
            s.add(conflict)
            s.flush()
            world.ids[key] = str(conflict.id)
    printed = folder / "printed.pdf"
    world.services.work_orders.printing.print_pdf(world.order(State.DISPATCHED), printed)
    world.files["printed"] = printed
    world.files["backup"] = world.services.backups.back_up_now().path
    return world


@contextmanager
def copy_of(template: World, folder: Path) -> Iterator[World]:
    """A world on a fresh copy of the template database (SQLite's backup API)."""
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / "branch.sqlite"
    with sqlite3.connect(template.path) as source, sqlite3.connect(path) as target:
        source.backup(target)
    engine = create_sqlite_engine(path)
    try:
        yield replace(template, path=path, engine=engine, services=Services(engine))
    finally:
        engine.dispose()
