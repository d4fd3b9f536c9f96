"""Every public service operation reachable from ``Services``, called as every role.

:data:`MATRIX` names, per operation, who may do it (``allowed`` → it works, and a read
returns only rows the role may read: :func:`_check_rows` walks every returned
``customer_id`` and ``order_id`` against the plain-SQL oracles of
:mod:`tests.security.matrix_world`) and who may not (→ a ``KamdeskError`` with a
message of its own). Operations that take no actor are listed in :data:`SYSTEM` with
the reason; a new public operation in neither fails :func:`test_every_operation_is_in_the_matrix`.

Every result, as every role, is also searched for the key persons' phone and ID
numbers: they may reach only the roles that read that account's contacts
(:func:`test_phones_reach_only_their_readers`, the issue's "done when").
"""

from __future__ import annotations

import dataclasses
import inspect
from collections.abc import Callable, Iterator
from contextlib import ExitStack
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from enum import Enum
from functools import cached_property
from io import BytesIO
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from openpyxl import load_workbook

from kamdesk.domain.clock import utcnow
from kamdesk.domain.customers.funnel import ForecastPeriod, Stage
from kamdesk.domain.kpi.figures import Dimension, KpiPack
from kamdesk.domain.kpi.period import Period, month, parse_period
from kamdesk.domain.workorders.vocabulary import Action, DispatchMode, ReturnReason
from kamdesk.errors import KamdeskError, message_template
from kamdesk.i18n import set_language
from kamdesk.services.actor import Actor
from kamdesk.services.container import Services
from kamdesk.services.customer_columns import COLUMNS
from kamdesk.services.customer_export import write_template
from kamdesk.services.customer_file.drafts import (
    AgreementDraft,
    CareActionDraft,
    ComplaintDraft,
    CustomerDraft,
    KeyPersonDraft,
    OpportunityDraft,
    VisitDraft,
)
from kamdesk.services.customer_list import AccountStatus, CustomerFilter
from kamdesk.services.order_import import ORDER_COLUMNS
from kamdesk.services.scheduled_reports import ReportSchedule
from kamdesk.services.workorders import OrderQuery, StepPlan
from tests.security.matrix_world import (
    KPI_PERIOD,
    KPI_READERS,
    ROLES,
    SECRETS,
    WORKSTATION,
    World,
    build_template,
    copy_of,
    signature,
)

ALL = frozenset(ROLES)
EDITORS = frozenset({"am", "im", "leader", "admin"})
"""Who changes the AM's account file: its AM, their industry manager, leader, admin."""
FILE_READERS = EDITORS | {"analyst"}
ORDER_READERS = ALL - {"am_other", "nobody"}
"""Who reads the AM's dispatched order (with a step at the workstation)."""
ORDER_WRITERS = ORDER_READERS - {"analyst"}
"""Who may add files and signatures to it (anyone who reads it, except read-only)."""
CONTACT_READERS = {"am": EDITORS, "am_other": frozenset({"am_other", "leader", "admin"})}
"""Per owning AM, who may see their key person's phone and ID number."""

Call = Callable[[World, Actor], Any]
Check = Callable[[World, str, Any], None]


@dataclass(frozen=True)
class Case:
    call: Call
    allowed: frozenset[str]
    writes: bool = False  # each allowed role gets its own copy of the database
    check: Check | None = None
    label: str = ""


# --- checks -------------------------------------------------------------------------------


def _walk(value: Any, seen: set[int] | None = None) -> Iterator[tuple[str, Any]]:
    """Every (attribute name, value) inside a result: dataclasses, sequences, dicts."""
    seen = set() if seen is None else seen
    if id(value) in seen or isinstance(value, str | bytes | int | float | Decimal | Enum):
        return
    seen.add(id(value))
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        for f in dataclasses.fields(value):
            item = getattr(value, f.name)
            yield f.name, item
            yield from _walk(item, seen)
    elif isinstance(value, dict):
        for key, item in value.items():
            yield str(key), item
            yield from _walk(item, seen)
    elif isinstance(value, list | tuple | set | frozenset):
        for item in value:
            yield "", item
            yield from _walk(item, seen)


def _texts(value: Any) -> str:
    return "\n".join(str(v) for _, v in _walk(value) if isinstance(v, str)) + "\n" + str(value)


def _check_rows(world: World, role: str, result: Any) -> None:
    """Every account and order a result names is one ``role`` may read."""
    customers, orders = world.readable_customers(role), world.readable_orders(role)
    for name, value in _walk(result):
        if name == "customer_id" and isinstance(value, str) and value:
            assert value in customers, f"{role} got account {value}"
        if name == "order_id" and isinstance(value, str) and value:
            assert value in orders, f"{role} got order {value}"


def _same(expected: Callable[[World, str], frozenset[str]]) -> Check:
    def check(world: World, role: str, result: Any) -> None:
        ids = {getattr(r, "id", getattr(r, "order_id", r)) for r in result}
        assert ids == expected(world, role), role

    return check


def _count_of(expected: Callable[[World, str], frozenset[str]]) -> Check:
    def check(world: World, role: str, result: Any) -> None:
        assert result == len(expected(world, role)), role

    return check


def _orders(world: World, role: str) -> frozenset[str]:
    return world.readable_orders(role)


def _customers(world: World, role: str) -> frozenset[str]:
    return world.readable_customers(role)


def _file_check(world: World, role: str, result: Any) -> None:
    [person] = [p for p in result.key_persons if p.id == world.ids["key_person"]]
    if role == "analyst":
        assert person.masked and person.mobile == "" and person.email == ""
    else:
        assert not person.masked and person.mobile.replace(" ", "") == SECRETS["am"][0]


def _only_for(readers: frozenset[str], role: str, rows: Any) -> None:
    assert bool(rows) == (role in readers), role


def _conflict_check(world: World, role: str, result: Any) -> None:
    shown = {c.row_id: c for c in result}
    for owner, key in (("am", "key_person"), ("am_other", "other_key_person")):
        person = world.ids[key]
        assert (person in shown) == (world.customer_of(person) in world.readable_files(role))
        if person in shown:
            clear = role in CONTACT_READERS[owner]
            assert (shown[person].kept_value == SECRETS[owner][0]) == clear, role


def _files(world: World, role: str) -> frozenset[str]:
    return world.readable_files(role)


# --- KPI checks: against the system's figures and the plain-SQL oracles of the world -----

KPI_ROLES = ALL - {"nobody"}
KPI_DIMS = (Dimension.BRANCH, Dimension.GROUP, Dimension.AM, Dimension.WORKSTATION,
            Dimension.PRODUCT)  # fmt: skip
OWN_ROWS = {"am": Dimension.AM, "am_other": Dimension.AM, "im": Dimension.GROUP,
            "ws": Dimension.WORKSTATION}  # fmt: skip
"""Roles whose own row must be in their pack (so the row checks cannot pass on nothing)."""


def _kpi_period() -> Period:
    return parse_period(KPI_PERIOD)


def _workstation(world: World) -> str:
    return world.actors["ws"].workstation_id or ""


def _kpi_pack(world: World, role: str, pack: KpiPack) -> None:
    """The system's total for everyone; of each dimension, exactly the system's rows
    whose keys the oracle lets ``role`` see, unchanged."""
    system = world.services.kpi.pack(_kpi_period(), KPI_DIMS, actor=None, with_previous=True)
    assert (pack.total, pack.previous_total) == (system.total, system.previous_total), role
    allowed = world.kpi_keys(role)
    for dim in KPI_DIMS:
        every = {r.key: r for r in system.rows[dim]}
        shown = {r.key: r for r in pack.rows[dim]}
        visible = set(every) if allowed is None else set(every) & allowed.get(dim.value, set())
        assert set(shown) == visible, (role, dim)
        assert all(row == every[key] for key, row in shown.items()), (role, dim)
    if role in OWN_ROWS:
        assert pack.rows[OWN_ROWS[role]], f"{role} sees no row of their own"


def _kpi_sheets(world: World, role: str, sheets: Any) -> None:
    """The completed orders listed are exactly those whose ids ``role`` may list; the
    complaints and visits only of accounts whose ids they may list."""
    orders, complaints, visits = ([row[0] for row in sheet.rows] for sheet in sheets)
    assert set(orders) == world.kpi_order_numbers(role), role
    names = world.kpi_account_names(role)
    assert set(complaints) <= names and set(visits) <= names, role
    if role in {"am", "im", *KPI_READERS}:
        assert orders and complaints, f"{role}: the AM's accepted orders and complaint"


def _kpi_report(world: World, role: str, ctx: Any) -> None:
    _kpi_pack(world, role, ctx.pack)
    _kpi_sheets(world, role, ctx.data_sheets)


def _kpi_trend(world: World, role: str, trend: Any) -> None:
    assert trend == world.services.kpi.monthly_trend(month(2026, 11), 3, actor=None), role


def _ids_are(
    expected: Callable[[World, str], frozenset[str]],
    readable: Callable[[World, str], frozenset[str]] | None = None,
) -> Check:
    """The ids behind a figure are the oracle's (never none) and, for orders and
    accounts, rows the role may read under the record rules."""

    def check(world: World, role: str, ids: Any) -> None:
        assert ids and set(ids) == expected(world, role), role
        if readable is not None:
            assert set(ids) <= readable(world, role), role

    return check


# --- calls ---------------------------------------------------------------------------------

NOW = utcnow()


def _act(action: Action, state: str, **payload: object) -> Call:
    def call(w: World, a: Actor) -> Any:
        return w.services.work_orders.act(a, w.order(state), action, payload, w.seq(state))

    return call


def _file(method: str, *args: Callable[[World], Any]) -> Call:
    def call(w: World, a: Actor) -> Any:
        return getattr(w.services.customer_file, method)(
            w.customer_id, *(arg(w) for arg in args), a
        )

    return call


def _const(value: Any) -> Callable[[World], Any]:
    return lambda _w: value


def _customer_draft(w: World) -> CustomerDraft:
    with w.db() as db:
        name, code, owner = db.execute(
            "SELECT name, credit_code, owner_id FROM customers WHERE id = ?", (w.customer_id,)
        ).fetchone()
    return CustomerDraft(name, code, industry_group_id=w.group_id, owner_id=owner)


def _export(w: World, a: Actor) -> list[str]:
    path = w.path.parent / f"export-{a.staff_id}.xlsx"
    rows = w.services.customer_export.export(CustomerFilter(status=AccountStatus.ALL), path, a)
    lines = list(load_workbook(path, read_only=True).worksheets[0].iter_rows(min_row=2))
    assert len(lines) == rows
    return [str(cell.value) for line in lines for cell in line if cell.value]


def _export_check(world: World, role: str, cells: Any) -> None:
    with world.db() as db:
        names = {
            n
            for (n,) in db.execute("SELECT name FROM customers WHERE id IN (SELECT value FROM "
                                   "json_each(?))", (_json(world.readable_customers(role)),))
        }  # fmt: skip
        (actor_of_last,) = db.execute(
            "SELECT actor_id FROM audit_log WHERE action = 'export' ORDER BY seq DESC LIMIT 1"
        ).fetchone()
    assert names <= set(cells), role
    assert actor_of_last == world.actors[role].staff_id


def _json(ids: frozenset[str]) -> str:
    import json

    return json.dumps(sorted(ids))


def _sheet(columns: Any) -> Callable[[World], Path]:
    def make(w: World) -> Path:
        path = w.path.parent / f"sheet-{id(columns)}.xlsx"
        if not path.exists():
            write_template(path, columns)
            book = openpyxl.load_workbook(path)
            book.worksheets[0].append(["权限矩阵测试"])  # one row: an empty sheet is refused
            book.save(path)
        return path

    return make


def _import(service: str, columns: Any) -> Call:
    make = _sheet(columns)

    def call(w: World, a: Actor) -> Any:
        return getattr(w.services, service).run(make(w), a, dry_run=True)

    return call


FAR = date(2027, 3, 1)
ALL_ORDERS = OrderQuery()

MATRIX: dict[str, tuple[Case, ...]] = {
    # --- customer file ---------------------------------------------------------------
    "customer_file.read": (
        Case(lambda w, a: w.services.customer_file.read(w.customer_id, a), FILE_READERS,
             check=_file_check),
    ),
    "customer_file.choices": (Case(lambda w, a: w.services.customer_file.choices(a), ALL),),
    "customer_file.create_customer": (
        Case(lambda w, a: w.services.customer_file.create_customer(
            CustomerDraft("矩阵测试有限公司", "91110105MAH4BXKF1P", industry_group_id=w.group_id),
            a, accept_duplicates=True), EDITORS | {"am_other"}, writes=True),
    ),
    "customer_file.edit_customer": (Case(_file("edit_customer", _customer_draft), EDITORS,
                                         writes=True),),
    "customer_file.close_customer": (Case(_file("close_customer", _const("并入集团")), EDITORS,
                                          writes=True),),
    "customer_file.save_key_person": (
        Case(_file("save_key_person", _const(KeyPersonDraft("丙", "user", mobile="13933330003"))),
             EDITORS, writes=True),
    ),
    "customer_file.record_visit": (
        Case(_file("record_visit", _const(VisitDraft("planned", NOW + timedelta(days=3), "走访"))),
             EDITORS, writes=True),
    ),
    "customer_file.add_care_action": (
        Case(_file("add_care_action", _const(CareActionDraft("birthday", "生日", FAR))), EDITORS,
             writes=True),
    ),
    "customer_file.complete_care_action": (
        Case(_file("complete_care_action", lambda w: w.ids["care"], _const("已送达")), EDITORS,
             writes=True),
    ),
    "customer_file.add_complaint": (
        Case(_file("add_complaint", _const(ComplaintDraft(
            NOW - timedelta(hours=2), NOW + timedelta(days=1), "网络故障", "中断"))),
            EDITORS, writes=True),
    ),
    "customer_file.advance_complaint": (
        Case(_file("advance_complaint", lambda w: w.ids["complaint"], _const("更换光模块")),
             EDITORS, writes=True),
    ),
    "customer_file.add_agreement": (
        Case(_file("add_agreement", _const(AgreementDraft(
            "XY-M-1", "专线协议", date(2026, 1, 5), date(2026, 1, 15), date(2026, 3, 31),
            Decimal("1000.00")))), EDITORS, writes=True),
    ),
    "customer_file.save_opportunity": (
        Case(_file("save_opportunity", _const(OpportunityDraft("新专线"))), EDITORS, writes=True),
    ),
    "customer_file.move_opportunity": (
        Case(_file("move_opportunity", lambda w: w.ids["opportunity"], _const("created")),
             EDITORS, writes=True),
    ),
    # --- customer list, export, import ------------------------------------------------
    "customer_list.count": (
        Case(lambda w, a: w.services.customer_list.count(
            CustomerFilter(status=AccountStatus.ALL), actor=a), ALL, check=_count_of(_customers)),
    ),
    "customer_list.ordered_ids": (
        Case(lambda w, a: w.services.customer_list.ordered_ids(
            CustomerFilter(status=AccountStatus.ALL), actor=a), ALL, check=_same(_customers)),
    ),
    "customer_list.rows": (
        Case(lambda w, a: w.services.customer_list.rows(w.all_customer_ids(), actor=a), ALL,
             check=_same(_customers)),
    ),
    "customer_list.snapshot": (
        Case(lambda w, a: w.services.customer_list.snapshot(
            CustomerFilter(status=AccountStatus.ALL), 10_000, actor=a).first_rows, ALL,
            check=_same(_customers)),
    ),
    "customer_list.choices": (Case(lambda w, a: w.services.customer_list.choices(actor=a), ALL),),
    "customer_export.export": (Case(_export, ALL, writes=True, check=_export_check),),
    "customer_import.run": (Case(_import("customer_import", COLUMNS), EDITORS | {"am_other"}),),
    "order_import.run": (Case(_import("order_import", ORDER_COLUMNS), {"leader", "admin"}),),
    # --- work orders ---------------------------------------------------------------------
    "work_orders.create_draft": (
        Case(lambda w, a: w.services.work_orders.create_draft(a, w.form()), {"am"}, writes=True),
    ),
    "work_orders.edit_draft": (
        Case(lambda w, a: w.services.work_orders.edit_draft(
            a, w.order("draft"), w.form("4000.00"), w.seq("draft")), {"am"}, writes=True),
    ),
    "work_orders.act": (
        Case(_act(Action.SUBMIT, "draft"), {"am"}, writes=True, label="submit"),
        Case(_act(Action.REVIEW_APPROVE, "submitted"), {"im"}, writes=True, label="review"),
        Case(_act(Action.LEADER_APPROVE, "leader_review"), {"leader"}, writes=True,
             label="leader"),
        Case(_act(Action.ISSUE, "approved"), {"clerk"}, writes=True, label="issue"),
        Case(_act(Action.CONFIRM_RESOURCES, "issued", outcome="available"), {"rc"}, writes=True,
             label="confirm"),
        Case(_act(Action.START_STEP, "dispatched", step_id="1"), {"ws"}, writes=True,
             label="start step"),
        Case(_act(Action.SIGN_OFF, "accepted"), {"am"}, writes=True, label="sign off"),
        Case(_act(Action.ARCHIVE, "signed_off"), {"clerk"}, writes=True, label="archive"),
        Case(_act(Action.CANCEL, "submitted", reason="客户取消"), {"am", "leader"}, writes=True,
             label="cancel"),
    ),
    "work_orders.dispatch": (
        Case(lambda w, a: w.services.work_orders.dispatch(
            a, w.order("confirmed"), DispatchMode.SEQUENTIAL,
            [StepPlan(WORKSTATION, Decimal(2), NOW + timedelta(days=2), "配置")],
            w.seq("confirmed")), {"rc"}, writes=True),
    ),
    "work_orders.return_step": (
        Case(lambda w, a: w.services.work_orders.return_step(
            a, w.order("started"), "1", ReturnReason.RESOURCE_MISSING, "端口不足", "",
            w.seq("started")), {"ws"}, writes=True),
    ),
    "work_orders.pause": (
        Case(lambda w, a: w.services.work_orders.pause(
            a, w.order("issued"), "等待客户", w.seq("issued")), {"am", "rc"}, writes=True),
    ),
    "work_orders.resume": (
        Case(lambda w, a: w.services.work_orders.resume(a, w.order("paused"), w.seq("paused")),
             {"am", "rc"}, writes=True),
    ),
    "work_orders.accept": (
        Case(lambda w, a: w.services.work_orders.accept(
            a, w.order("completed"), signature(), 5, w.seq("completed")), {"am", "rc"},
            writes=True),
    ),
    "work_orders.add_signature": (
        Case(lambda w, a: w.services.work_orders.add_signature(
            a, w.order("dispatched"), signature("李工")), ORDER_WRITERS, writes=True),
    ),
    "work_orders.add_attachment": (
        Case(lambda w, a: w.services.work_orders.add_attachment(
            a, w.order("dispatched"), "图纸.pdf", b"%PDF-1.4 plan"), ORDER_WRITERS, writes=True),
    ),
    "work_orders.add_attachment_file": (
        Case(lambda w, a: w.services.work_orders.add_attachment_file(
            a, w.order("dispatched"), w.files["printed"]), ORDER_WRITERS, writes=True),
    ),
    "work_orders.remove_attachment": (
        Case(lambda w, a: w.services.work_orders.remove_attachment(a, w.ids["attachment"]),
             ORDER_WRITERS, writes=True),
    ),
    "work_orders.allowed_actions": (
        Case(lambda w, a: w.services.work_orders.allowed_actions(a, w.order("dispatched")),
             ORDER_READERS),
    ),
    "work_orders.get": (
        Case(lambda w, a: w.services.work_orders.get(w.order("dispatched"), a), ORDER_READERS),
    ),
    "work_orders.find_by_no": (
        Case(lambda w, a: w.services.work_orders.find_by_no(
            w.services.work_orders.get(w.order("dispatched")).order_no, a), ORDER_READERS),
    ),
    "work_orders.rows": (
        Case(lambda w, a: w.services.work_orders.rows(w.all_order_ids(), a), ALL,
             check=_same(_orders)),
    ),
    "work_orders.count": (
        Case(lambda w, a: w.services.work_orders.count(a, ALL_ORDERS), ALL,
             check=_count_of(_orders)),
    ),
    "work_orders.page_ids": (
        Case(lambda w, a: w.services.work_orders.page_ids(a, ALL_ORDERS, 0, 10_000), ALL,
             check=_same(_orders)),
    ),
    "work_orders.list_orders": (
        Case(lambda w, a: w.services.work_orders.list_orders(a, ALL_ORDERS, 0, 10_000), ALL,
             check=_same(_orders)),
    ),
    "work_orders.printing.preview_pdf": (
        Case(lambda w, a: w.services.work_orders.printing.preview_pdf(
            w.order("dispatched"), BytesIO(), actor=a), ORDER_READERS),
    ),
    "work_orders.printing.print_pdf": (
        Case(lambda w, a: w.services.work_orders.printing.print_pdf(
            w.order("dispatched"), BytesIO(), actor=a), ORDER_WRITERS, writes=True),
    ),
    "work_orders.printing.verify_pdf": (
        Case(lambda w, a: w.services.work_orders.printing.verify_pdf(
            w.files["printed"], actor=a), ORDER_READERS),
    ),
    # --- grading, churn, my day, funnel --------------------------------------------------
    "grading.history": (
        Case(lambda w, a: w.services.grading.history(w.customer_id, a), ALL,
             check=lambda w, role, history: _only_for(FILE_READERS, role, history)),
    ),
    "churn.warnings": (Case(lambda w, a: w.services.churn.warnings(a), ALL),),
    "my_day.for_actor": (Case(lambda w, a: w.services.my_day.for_actor(a), ALL),),
    "funnel.create_opportunity": (
        Case(lambda w, a: w.services.funnel.create_opportunity(a, w.customer_id, "扩容二期"),
             EDITORS, writes=True),
    ),
    "funnel.move": (
        Case(lambda w, a: w.services.funnel.move(a, w.ids["opportunity"], Stage.CREATED),
             EDITORS, writes=True),
    ),
    "funnel.opportunities": (Case(lambda w, a: w.services.funnel.opportunities(a), ALL),),
    "funnel.funnel": (Case(lambda w, a: w.services.funnel.funnel(a), ALL),),
    "funnel.enter_forecast": (
        Case(lambda w, a: w.services.funnel.enter_forecast(
            a, w.product_id, ForecastPeriod.MONTHLY, date(2026, 12, 1), 3),
            {"am", "am_other", "im"}, writes=True),
    ),
    "funnel.submit_forecasts": (
        Case(lambda w, a: w.services.funnel.submit_forecasts(
            a, ForecastPeriod.MONTHLY, date(2026, 12, 1)), ALL, writes=True),
    ),
    "funnel.my_forecasts": (
        Case(lambda w, a: w.services.funnel.my_forecasts(
            a, ForecastPeriod.MONTHLY, date(2026, 1, 1), date(2026, 12, 1)), ALL),
    ),
    "funnel.rollup": (
        Case(lambda w, a: w.services.funnel.rollup(
            a, ForecastPeriod.MONTHLY, date(2026, 1, 1), date(2026, 12, 1)),
            {"im", "leader", "admin"}),
    ),
    "evaluation.report": (
        Case(lambda w, a: w.services.evaluation.report(a, month(2026, 10)),
             {"am", "am_other", "im", "leader", "admin"}),
    ),
    # --- sync, sign-in, backups ------------------------------------------------------------
    "sync.conflicts": (
        Case(lambda w, a: w.services.sync.conflicts(actor=a), ALL, check=_conflict_check),
    ),
    "sync.resolve": (
        Case(lambda w, a: w.services.sync.resolve(a, int(w.ids["conflict"]), "lost"), EDITORS,
             writes=True),
    ),
    "auth.set_idle_lock_minutes": (
        Case(lambda w, a: w.services.auth.set_idle_lock_minutes(a, 10), {"admin"}, writes=True),
    ),
    "auth.lock": (Case(lambda w, a: w.services.auth.lock(a), ALL, writes=True),),
    "backups.back_up_now": (
        Case(lambda w, a: w.services.backups.back_up_now(a), {"admin"}, writes=True),
    ),
    "backups.restore": (
        Case(lambda w, a: w.services.backups.restore(w.files["backup"], a), {"admin"},
             writes=True),
    ),
    "kpi.record_export": (
        Case(lambda w, a: w.services.kpi.record_export(
            a, month(2026, 10), "pdf", w.path.parent / "kpi.pdf"), ALL, writes=True),
    ),
    # --- KPIs: the system's figures; the rows, ids and data-sheet rows a role may see ----
    "kpi.pack": (
        Case(lambda w, a: w.services.kpi.pack(_kpi_period(), KPI_DIMS, actor=a,
                                              with_previous=True), KPI_ROLES, check=_kpi_pack),
    ),
    "kpi.report_context": (
        Case(lambda w, a: w.services.kpi.report_context(_kpi_period(), KPI_DIMS, actor=a),
             KPI_ROLES, check=_kpi_report),
    ),
    "kpi.data_sheets": (
        Case(lambda w, a: w.services.kpi.data_sheets(_kpi_period(), actor=a), KPI_ROLES,
             check=_kpi_sheets),
    ),
    "kpi.figure_ids": (
        Case(lambda w, a: w.services.kpi.figure_ids(_kpi_period(), "K01", "d", actor=a),
             frozenset(KPI_READERS), check=_ids_are(lambda w, r: w.kpi_orders(r), _orders),
             label="total"),
        Case(lambda w, a: w.services.kpi.figure_ids(
            _kpi_period(), "K01", "d", Dimension.AM, w.actors["am"].staff_id, actor=a),
            frozenset({"am", "im", *KPI_READERS}),
            check=_ids_are(lambda w, r: w.kpi_orders(r, "am"), _orders), label="AM orders"),
        Case(lambda w, a: w.services.kpi.figure_ids(
            _kpi_period(), "K15", "d", Dimension.AM, w.actors["am"].staff_id, actor=a),
            frozenset({"am", "im", *KPI_READERS}),
            check=_ids_are(lambda w, r: w.kpi_accounts(r, "am"), _files), label="AM accounts"),
        Case(lambda w, a: w.services.kpi.figure_ids(
            _kpi_period(), "K06", "d", Dimension.WORKSTATION, _workstation(w), actor=a),
            frozenset({"ws", *KPI_READERS}),
            check=_ids_are(lambda w, r: w.steps_done_at(_workstation(w))),
            label="workstation steps"),
    ),
    "kpi.targets": (
        Case(lambda w, a: w.services.kpi.targets(_kpi_period(), actor=a), KPI_ROLES,
             label="total"),
        Case(lambda w, a: w.services.kpi.targets(
            _kpi_period(), Dimension.AM, w.actors["am_other"].staff_id, actor=a),
            frozenset({"am_other", *KPI_READERS}), label="another AM"),
    ),
    "kpi.monthly_trend": (
        Case(lambda w, a: w.services.kpi.monthly_trend(month(2026, 11), 3, actor=a), KPI_ROLES,
             check=_kpi_trend),
    ),
    "backups.daily_if_due": (
        Case(lambda w, a: w.services.backups.daily_if_due(a), ALL, writes=True),
    ),
    "evaluation.record_export": (
        Case(lambda w, a: w.services.evaluation.record_export(
            a, month(2026, 10), "pdf", w.path.parent / "evaluation.pdf"), ALL, writes=True),
    ),
    "scheduled_reports.save_schedule": (
        Case(lambda w, a: w.services.scheduled_reports.save_schedule(
            a, ReportSchedule(enabled=True, folder=str(w.path.parent / "monthly"))),
            {"leader", "admin"}, writes=True),
    ),
}  # fmt: skip

SYSTEM: dict[str, str] = {
    "shell.counts": "branch-wide totals for the home page; no rows",
    "shell.current_actor": "who signed in on this computer",
    "shell.database_path": "the open file",
    "shell.sign_in": "records who signed in (the auth service checked the password)",
    "shell.status": "window frame: branch, user, sync counters",
    "kpi.rebuild_summary": "maintenance of derived sums",
    "customer_file.check_duplicates": "names and credit codes, whoever owns them, to stop "
    "a second file for the same customer",
    "work_orders.attachment_data": "content-addressed bytes; the hash comes only from an "
    "order the reader may read",
    "grading.regrade_all": "the system's regrading of every account",
    "grading.regrade_if_due": "the system's monthly or new-rules regrading, after a sync round",
    "churn.assess": "the system's churn computation",
    "churn.assess_many": "the system's churn computation",
    "churn.refresh_all": "the system's churn refresh",
    "sync.history": "this computer's sync rounds (counts only)",
    "sync.mark_rejections_seen": "marks this computer's refusals as seen",
    "sync.register": "registers this computer with HQ",
    "sync.rejections": "this computer's refused changes",
    "sync.status": "this computer's sync counters",
    "sync.sync_now": "the sync engine works for the whole branch",
    "auth.login": "sign-in: proven by the password",
    "auth.change_password": "the caller's own account, proven by the old password",
    "auth.unlock": "the caller's own account, proven by the password",
    "auth.create_first_admin": "first run only, before anyone exists",
    "auth.needs_first_admin": "first-run check",
    "auth.existing_branch": "first-run check",
    "auth.idle_lock_minutes": "a setting every session reads",
    "backups.list_backups": "file names and times",
    "backups.check_for_restore": "checks a backup file and says what a restore would lose; "
    "the restore itself is the admin's",
    "scheduled_reports.schedule": "the branch's monthly report setting, read by every session",
    "scheduled_reports.due_reports": "which months are due (labels and file names)",
    "scheduled_reports.history": "which months were written (labels and times)",
    "scheduled_reports.generate_due": "the branch's monthly files, written by whichever "
    "session checks (as the daily backup); read as the branch's admin or leader",
}
"""Operations that act for no particular person, with the reason."""


def _operations(services: Services) -> set[str]:
    found: set[str] = set()

    def walk(prefix: str, obj: object) -> None:
        for name, member in inspect.getmembers(type(obj)):
            if name.startswith("_"):
                continue
            if isinstance(member, property):
                value = getattr(obj, name)
                if type(value).__module__.startswith("kamdesk.services"):
                    walk(f"{prefix}.{name}", value)
                    continue
            found.add(f"{prefix}.{name}")

    for name, attr in vars(Services).items():
        if isinstance(attr, cached_property):
            walk(name, getattr(services, name))
    return found


# --- fixtures --------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def template(tmp_path_factory: pytest.TempPathFactory) -> Iterator[World]:
    set_language("zh_CN")
    world = build_template(tmp_path_factory.mktemp("matrix"))
    world.engine.dispose()
    yield world


@pytest.fixture(scope="module")
def reader(template: World, tmp_path_factory: pytest.TempPathFactory) -> Iterator[World]:
    """A copy shared by the reading cases (they change nothing the others read)."""
    with copy_of(template, tmp_path_factory.mktemp("reads")) as world:
        yield world


# --- tests ----------------------------------------------------------------------------------


def test_every_operation_is_in_the_matrix(reader: World) -> None:
    operations = _operations(reader.services)
    missing = operations - MATRIX.keys() - SYSTEM.keys()
    assert not missing, f"public operations without a permission entry: {sorted(missing)}"
    assert not (MATRIX.keys() | SYSTEM.keys()) - operations, "entries for operations gone"
    assert not MATRIX.keys() & SYSTEM.keys()


def test_system_operations_take_no_actor(reader: World) -> None:
    """An operation that acts for a person belongs in the role matrix, not in SYSTEM."""
    exempt = {"shell.sign_in", "auth.change_password", "auth.unlock"}
    for name in SYSTEM.keys() - exempt:
        *path, last = name.split(".")
        owner: Any = reader.services
        for part in path:
            owner = getattr(owner, part)
        member = getattr(type(owner), last)
        if not isinstance(member, property):
            assert "actor" not in inspect.signature(member).parameters, name


def _outcome(world: World, case: Case, role: str) -> tuple[bool, Any]:
    try:
        return True, case.call(world, world.actors[role])
    except KamdeskError as refused:
        assert message_template(refused.code) is not None, f"{refused.code} has no message"
        return False, refused


@pytest.mark.parametrize("operation", sorted(MATRIX))
def test_operation_as_every_role(
    operation: str, template: World, reader: World, tmp_path: Path
) -> None:
    problems: list[str] = []
    for case in MATRIX[operation]:
        for role in ROLES:
            with ExitStack() as stack:
                world = reader
                if case.writes:
                    folder = tmp_path / f"{case.label or 'case'}-{role}"
                    world = stack.enter_context(copy_of(template, folder))
                ok, result = _outcome(world, case, role)
                if ok != (role in case.allowed):
                    why = f"refused ({result.code})" if not ok else "it worked"
                    problems.append(f"{case.label or operation} as {role}: {why}")
                    continue
                if ok:
                    _check_rows(world, role, result)
                    if case.check is not None:
                        case.check(world, role, result)
                    _check_secrets(role, result)
    assert not problems, "\n".join(problems)


def _check_secrets(role: str, result: Any) -> None:
    text = _texts(result)
    for owner, secrets in SECRETS.items():
        if role in CONTACT_READERS[owner]:
            continue
        for secret in secrets:
            assert secret not in text, f"{role} read {owner}'s key person's {secret}"


def test_phones_reach_only_their_readers(reader: World) -> None:
    """Done when: an AM cannot read another AM's key persons' phone numbers through any
    service call or export. Every reading case ran through :func:`_check_secrets`; here
    the search box is tried as an oracle too (a phone finds its account only for those
    who may read it), and the checks are shown to be able to fail."""
    listing = reader.services.customer_list
    phone = SECRETS["am_other"][0]
    found = {
        role: listing.ordered_ids(CustomerFilter(text=phone), actor=reader.actors[role])
        for role in ROLES
    }
    assert reader.other_customer_id in found["leader"]
    assert reader.other_customer_id in found["am_other"]
    for role in ("am", "im", "analyst", "clerk", "nobody"):
        assert reader.other_customer_id not in found[role], role
    leaked = reader.services.customer_file.read(reader.other_customer_id, reader.actors["leader"])
    with pytest.raises(AssertionError):
        _check_secrets("am", leaked)
    with pytest.raises(KamdeskError) as refused:
        reader.services.customer_file.read(reader.other_customer_id, reader.actors["am"])
    assert refused.value.code == "customer_file.not_found"


def test_a_forgotten_filter_still_returns_only_the_readers_rows(reader: World) -> None:
    """The rules sit on the session: a bare query through ``read_session`` with an actor
    sees only that person's rows, and the system (no actor) sees all."""
    from sqlalchemy import func, select

    from kamdesk.db.models import Customer, KeyPerson, WorkOrder, WorkOrderStep
    from kamdesk.services.uow import read_session

    am = reader.actors["am"]
    with read_session(reader.engine, actor=am) as s:
        people = set(s.scalars(select(KeyPerson.customer_id)))
        customers = set(s.scalars(select(Customer.id)))
        steps = s.scalar(select(func.count()).select_from(WorkOrderStep))
        orders = set(s.scalars(select(WorkOrder.id)))
    assert people <= reader.readable_files("am") and reader.customer_id in people
    assert customers == reader.readable_customers("am") | _gone(reader, "am")
    assert orders == reader.readable_orders("am") | _gone_orders(reader)
    with read_session(reader.engine) as s:
        assert s.scalar(select(func.count()).select_from(WorkOrderStep)) > (steps or 0)
        assert reader.other_customer_id in set(s.scalars(select(KeyPerson.customer_id)))
    with read_session(reader.engine, actor=reader.actors["nobody"]) as s:
        assert s.scalars(select(Customer.id)).first() is None


def _gone(world: World, role: str) -> frozenset[str]:
    """Tombstoned accounts the role's rule reaches (the rule does not hide tombstones)."""
    a = world.actors[role]
    with world.db() as db:
        return frozenset(
            r[0]
            for r in db.execute(
                "SELECT id FROM customers WHERE deleted_at IS NOT NULL AND (owner_id = ? OR id IN"
                " (SELECT customer_id FROM work_orders WHERE owner_id = ?))",
                (a.staff_id, a.staff_id),
            )
        )


def _gone_orders(world: World) -> frozenset[str]:
    with world.db() as db:
        return frozenset(
            r[0]
            for r in db.execute(
                "SELECT id FROM work_orders WHERE deleted_at IS NOT NULL AND (owner_id = ? OR "
                "customer_id IN (SELECT id FROM customers WHERE owner_id = ?))",
                (world.actors["am"].staff_id, world.actors["am"].staff_id),
            )
        )
