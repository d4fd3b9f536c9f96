"""Checking the rows of a historical work-order sheet, cell by cell, then by the rules.

:func:`check_rows` reads every row against what the database holds (accounts by credit
code or name, products, the branch's staff and workstations, the order numbers in
use), reports each bad cell as ``表头：problem``, and walks every readable row through
the work-order machine (:func:`~kamdesk.services.order_import.timeline.replay_past`),
so a dry run finds everything a commit would refuse. It never writes.

Who records each stage is taken from the branch's staff directory, active members
first: the order's account manager (the sheet's, else the account's), the industry
manager of the account's group, the leader (when the review routes there), a clerk, a
response-center member and a member of each step's workstation. A row whose account
has no industry group, or whose stage has nobody to record it, is refused: HQ checks
every synced event against the author's role and reach.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

from sqlalchemy.orm import Session

from kamdesk.db.models import Product
from kamdesk.domain.clock import local
from kamdesk.domain.customers.credit_code import normalize_credit_code
from kamdesk.domain.customers.names import normalize_name
from kamdesk.domain.progress import CancelCheck, Progress
from kamdesk.domain.sla import MAX_PROMISED_DAYS, Promise, SlaMode
from kamdesk.domain.workorders import DispatchMode, OrderKind, Role
from kamdesk.domain.workorders.events import Actor as DomainActor
from kamdesk.domain.workorders.payloads import LONG_TEXT, SHORT_TEXT
from kamdesk.domain.workorders.rules import policy_in_force
from kamdesk.domain.workorders.vocabulary import ROLE_LABELS
from kamdesk.errors import KamdeskError, define
from kamdesk.i18n import N_, tr
from kamdesk.services.actor import Actor
from kamdesk.services.customer_columns import (
    formula_warnings,
    header_key,
    parse_amount,
    parse_flag,
    parse_int,
)
from kamdesk.services.order_import.cells import RowCells, choice_problem
from kamdesk.services.order_import.columns import (
    MAX_STEPS,
    ORDER_COLUMNS,
    ORDER_NO_LENGTH,
    word_dispatch,
    word_kind,
    word_sla_mode,
)
from kamdesk.services.order_import.directory import Account, Directory, load_directory
from kamdesk.services.order_import.steps import read_steps
from kamdesk.services.order_import.timeline import (
    Cast,
    PastOrder,
    PastStep,
    replay_past,
)
from kamdesk.services.sheet_import import RowReport, SheetRow, tick
from kamdesk.services.workorders.forms import create_payload, promise_defaults
from kamdesk.services.workorders.types import DemandForm

define(
    {
        "order_import.order_no_long": N_("an order number has at most {limit} characters"),
        "order_import.order_exists": N_("order {order_no} is already in KAMDesk"),
        "order_import.order_twice": N_("order {order_no} is in row {row} already"),
        "order_import.unknown_account": N_(
            "there is no account with the credit code or name '{text}'"
        ),
        "order_import.ambiguous_account": N_(
            "'{text}' names several accounts; give the credit code"
        ),
        "order_import.unknown_product": N_("there is no product '{text}'"),
        "order_import.not_an_am": N_("'{text}' is not an account manager of this branch"),
        "order_import.no_owner": N_("the account has no account manager; name one here"),
        "order_import.no_group": N_(
            "the account has no industry group, so no industry manager can have reviewed "
            "the order"
        ),
        "order_import.no_manager": N_(
            "the industry group {group} has no industry manager to record the review"
        ),
        "order_import.no_role": N_("the branch has no {role} to record the order"),
        "order_import.fault_only": N_("only fault orders have this time"),
        "order_import.refused": N_("the work-order rules refuse this order: {message}"),
    }
)

IMPORTED_RESULTS = N_("Imported from the historical work-order sheet")
"""Completion results of a row that gives none."""
IMPORTED_RESOLUTION = N_("Handled (imported from the historical work-order sheet)")
"""How an imported return order was handled."""


@dataclass(frozen=True)
class Planned:
    """A checked row, ready to be saved."""

    order_no: str
    form: DemandForm
    past: PastOrder


def _account(row: RowCells, d: Directory) -> Account | None:
    text = row.get("account")
    if not text:
        row.problem("account", KamdeskError("order_import.empty"))
        return None
    found = d.codes.get(normalize_credit_code(text))
    if found is not None:
        return found
    named = d.names.get(normalize_name(text), [])
    if len(named) == 1:
        return named[0]
    code = "order_import.ambiguous_account" if named else "order_import.unknown_account"
    row.problem("account", KamdeskError(code, text=text))
    return None


def _order_no(row: RowCells, number: int, d: Directory) -> tuple[str, bool]:
    """The order number and whether it duplicates another."""
    order_no = row.get("order_no")
    if not order_no:
        row.problem("order_no", KamdeskError("order_import.empty"))
        return order_no, False
    if len(order_no) > ORDER_NO_LENGTH:
        row.problem("order_no", KamdeskError("order_import.order_no_long", limit=ORDER_NO_LENGTH))
    if order_no in d.order_nos:
        row.problem("order_no", KamdeskError("order_import.order_exists", order_no=order_no))
        return order_no, True
    if order_no in d.seen:
        error = KamdeskError("order_import.order_twice", order_no=order_no, row=d.seen[order_no])
        row.problem("order_no", error)
        return order_no, True
    d.seen[order_no] = number
    return order_no, False


def _owner(row: RowCells, account: Account | None, d: Directory) -> str | None:
    text = row.get("owner")
    if not text:
        if account is not None and account.owner_id is None:
            row.problem("owner", KamdeskError("order_import.no_owner"))
        return None if account is None else account.owner_id
    ams = [i for i, role in d.people.get(text.casefold(), []) if role == Role.AM.value]
    if len(ams) != 1:
        row.problem("owner", KamdeskError("order_import.not_an_am", text=text))
        return None
    return ams[0]


def _cast(row: RowCells, account: Account | None, owner: str | None, d: Directory) -> Cast | None:
    manager = None
    if account is not None:
        if account.group_id is None:
            row.problem("account", KamdeskError("order_import.no_group"))
        else:
            manager = d.managers.get(account.group_id)
            if manager is None:
                group = d.groups.get(account.group_id, account.group_id)
                row.problem("account", KamdeskError("order_import.no_manager", group=group))
    for role, who in ((Role.CLERK, d.clerk), (Role.RESPONSE_CENTER, d.center)):
        if who is None:
            error = KamdeskError("order_import.no_role", role=tr(ROLE_LABELS[role]))
            row.problems.append(error.message())
    if owner is None or manager is None or d.clerk is None or d.center is None:
        return None
    return Cast(DomainActor(owner, Role.AM), manager, d.leader, d.clerk, d.center)


def _promise(
    row: RowCells, session: Session, product: Product | None, grade: str, d: Directory
) -> Promise:
    days_text, mode_text = row.get("promised_days"), row.get("sla_mode")
    default = Promise(1, SlaMode.WORKING_DAYS)
    if product is not None:
        key = (product.id, grade)
        if key not in d.promises:
            found = promise_defaults(session, product, grade)
            d.promises[key] = Promise(found["promised_days"], SlaMode(found["clock_mode"]))
        default = d.promises[key]
    days = default.days
    if days_text:
        parsed = parse_int(days_text)
        if parsed is None or not 1 <= parsed <= MAX_PROMISED_DAYS:
            error = KamdeskError(
                "workorder.bad_promised_days", value=days_text, maximum=MAX_PROMISED_DAYS
            )
            row.problem("promised_days", error)
        else:
            days = parsed
    mode = default.mode
    if mode_text:
        chosen = word_sla_mode(mode_text)
        if chosen is None:
            choice_problem(row, "sla_mode", "工作日、自然日")
        else:
            mode = chosen
    return Promise(days, mode)


def _product(row: RowCells, d: Directory) -> Product | None:
    text = row.get("product")
    if not text:
        row.problem("product", KamdeskError("order_import.empty"))
        return None
    product = d.products.get(header_key(text))
    if product is None:
        row.problem("product", KamdeskError("order_import.unknown_product", text=text))
    return product


def _kind(row: RowCells, reported: datetime | None, issued: datetime | None) -> OrderKind:
    """The order's kind; checks the fault columns against it."""
    text = row.get("kind")
    kind = word_kind(text) if text else None
    if text and kind is None:
        choice_problem(row, "kind", "需求、故障")
    if kind is None:
        kind = OrderKind.FAULT if row.get("reported_at") else OrderKind.DEMAND
    if kind is OrderKind.DEMAND:
        for name in ("reported_at", "restored_at"):
            if row.get(name):
                row.problem(name, KamdeskError("order_import.fault_only"))
    elif not row.get("reported_at"):
        row.problem("reported_at", KamdeskError("order_import.empty"))
    else:
        row.after("issued_at", issued, "reported_at", reported)
    return kind


def _satisfaction(row: RowCells, accepted: bool) -> int | None:
    text = row.get("satisfaction")
    if not text:
        if accepted:
            row.needs("accepted_at", "satisfaction")
        return None
    score = parse_int(text)
    if score is None or not 1 <= score <= 5:
        row.problem("satisfaction", KamdeskError("workorder.bad_satisfaction", value=text))
        return None
    if not accepted:
        row.needs("satisfaction", "accepted_at")
    return score


def _form_fields(row: RowCells) -> tuple[Decimal | None, bool]:
    """The order's value (``None``: the product's default) and the resource flag."""
    value = None
    if row.get("value"):
        value = parse_amount(row.get("value"))
        if value is None or value < 0:
            row.problem("value", KamdeskError("import.not_number", text=row.get("value")))
    flag = parse_flag(row.get("resource_request"))
    if flag is None:
        row.problem("resource_request", KamdeskError("import.not_flag"))
    return value, bool(flag)


def _stages(
    row: RowCells,
    issued: datetime | None,
    kind: OrderKind,
    steps: tuple[PastStep, ...],
    latest: tuple[str, datetime] | None,
) -> tuple[datetime | None, datetime | None, datetime | None, datetime | None]:
    """Confirmation, restoration, completion and acceptance, each checked against the
    stages before it: (confirmed, restored, completed, accepted)."""
    confirmed = row.time("confirmed_at")
    row.after("confirmed_at", confirmed, "issued_at", issued)
    has_steps = bool(steps) or any(
        row.get(f"step{n}_{part}")
        for n in range(1, MAX_STEPS + 1)
        for part in ("workstation", "done_at", "returns")
    )
    if has_steps and not row.get("confirmed_at"):
        row.needs("step1_workstation", "confirmed_at")
    restored = row.time("restored_at")
    if kind is OrderKind.FAULT and row.get("restored_at") and not has_steps:
        row.needs("restored_at", "step1_workstation")
    row.after("restored_at", restored, "confirmed_at", confirmed)
    row.after("restored_at", restored, "reported_at", row.time("reported_at"))
    completed = row.time("completed_at")
    if row.get("completed_at"):
        if not has_steps:
            row.needs("completed_at", "step1_workstation")
        if kind is OrderKind.FAULT and not row.get("restored_at"):
            row.needs("completed_at", "restored_at")
        if latest is not None:
            row.after("completed_at", completed, latest[0], latest[1])
        row.after("completed_at", completed, "restored_at", restored)
    accepted = row.time("accepted_at")
    if row.get("accepted_at"):
        if not row.get("completed_at"):
            row.needs("accepted_at", "completed_at")
        row.after("accepted_at", accepted, "completed_at", completed)
    return confirmed, restored, completed, accepted


def _check_row(
    session: Session, sheet_row: SheetRow, d: Directory
) -> tuple[RowReport, Planned | None]:
    row = RowCells(sheet_row.fields, d.now)
    order_no, duplicate = _order_no(row, sheet_row.number, d)
    account = _account(row, d)
    product = _product(row, d)
    owner = _owner(row, account, d)
    cast = _cast(row, account, owner, d)
    customer = None if account is None else d.customer(session, account)
    if not row.get("issued_at"):
        row.problem("issued_at", KamdeskError("order_import.empty"))
    issued = row.time("issued_at")
    reported = row.time("reported_at")
    kind = _kind(row, reported, issued)
    value, resource_request = _form_fields(row)
    promise = _promise(row, session, product, "" if customer is None else customer.grade, d)
    mode_text = row.get("dispatch_mode")
    mode = word_dispatch(mode_text) if mode_text else DispatchMode.SEQUENTIAL
    if mode is None:
        choice_problem(row, "dispatch_mode", "顺序、并行")
        mode = DispatchMode.SEQUENTIAL
    dispatched = row.time("confirmed_at")
    steps, latest = read_steps(row, d, dispatched, mode is DispatchMode.PARALLEL)
    confirmed, restored, completed, accepted = _stages(row, issued, kind, steps, latest)
    satisfaction = _satisfaction(row, bool(row.get("accepted_at")))
    requirement = row.limited("requirement", LONG_TEXT)
    results = row.limited("results", LONG_TEXT) or tr(IMPORTED_RESULTS)
    signer = row.limited("signer", SHORT_TEXT)
    if not signer and account is not None:
        signer = account.name[:SHORT_TEXT]
    warnings = tuple(formula_warnings(ORDER_COLUMNS, sheet_row.fields))
    planned = None
    if not row.problems:
        assert account is not None and product is not None and customer is not None
        assert cast is not None and issued is not None and account.group_id is not None
        form = DemandForm(
            customer_id=account.id,
            product_id=product.id,
            kind=kind,
            value=value,
            requirement=requirement,
            reported_at=reported if kind is OrderKind.FAULT else None,
            resource_request=resource_request,
        )
        past = PastOrder(
            create=create_payload(form, customer, product, d.groups[account.group_id]),
            issued_at=issued,
            promise=promise,
            cast=cast,
            confirmed_at=confirmed,
            mode=mode,
            steps=steps,
            restored_at=restored,
            completed_at=completed,
            results=results,
            accepted_at=accepted,
            satisfaction=satisfaction,
            signer=signer,
            resolution=tr(IMPORTED_RESOLUTION),
        )
        try:
            policy = policy_in_force(d.policies, local(past.issued_at).date())
            replay_past(order_no, past, policy)
        except KamdeskError as error:
            row.problems.append(
                KamdeskError("order_import.refused", message=error.message()).message()
            )
        else:
            planned = Planned(order_no, form, past)
    report = RowReport(sheet_row.number, sheet_row.values, tuple(row.problems), warnings, duplicate)
    return report, planned


def check_rows(
    session: Session,
    rows: Sequence[SheetRow],
    actor: Actor,
    now: datetime,
    progress: Progress | None = None,
    cancel: CancelCheck | None = None,
) -> tuple[tuple[RowReport, ...], list[Planned]]:
    """One report per row and the plans of the rows without problems."""
    d = load_directory(session, actor, now)
    reports: list[RowReport] = []
    plans: list[Planned] = []
    for done, sheet_row in enumerate(rows, start=1):
        tick(done, len(rows), tr("Checking rows"), progress, cancel, 200)
        report, planned = _check_row(session, sheet_row, d)
        reports.append(report)
        if planned is not None:
            plans.append(planned)
    return tuple(reports), plans
