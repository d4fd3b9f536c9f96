"""The demand form (需求单) between the screen, the order's columns and its events.

The creation and edit events carry the form (so the log alone tells what was asked);
the ``work_orders`` columns hold the same values for lists and printing. The order's
industry group and grade are the customer's at the time of the event. A new order
takes its promised time and its number from the reference data and the orders table.
"""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import Integer, cast, func, select
from sqlalchemy.orm import Session

from kamdesk.db.models import Customer, IndustryGroup, Product, SlaRule, WorkOrder
from kamdesk.domain.clock import local
from kamdesk.domain.sla import SlaMode
from kamdesk.domain.workorders.vocabulary import OrderKind
from kamdesk.errors import KamdeskError, define
from kamdesk.i18n import N_
from kamdesk.services.scope import UNSCOPED
from kamdesk.services.workorders.types import DemandForm, FormImportance

define(
    {
        "workorder.unknown_customer": N_("There is no customer {customer}."),
        "workorder.unknown_product": N_("There is no product {product}."),
    }
)

_TEXT_FIELDS = ("requirement", "a_end", "z_end", "bandwidth", "interface", "circuit_no")


def order_value(form: DemandForm, product: Product) -> Decimal:
    """The form's value, or a year of the product's fee per unit (fault orders: 0)."""
    if form.value is not None:
        return form.value
    if form.kind is OrderKind.FAULT:
        return Decimal("0.00")
    return product.monthly_fee * 12 * form.quantity


def form_columns(form: DemandForm, product: Product) -> dict[str, Any]:
    """The ``work_orders`` column values of ``form``."""
    return {
        "kind": form.kind.value,
        "quantity": form.quantity,
        "value": order_value(form, product),
        "requested_on": form.requested_on,
        "importance": form.importance.value,
        "reported_at": form.reported_at if form.kind is OrderKind.FAULT else None,
        **{name: getattr(form, name).strip() for name in _TEXT_FIELDS},
    }


def _form_data(form: DemandForm, customer: Customer, product: Product) -> dict[str, object]:
    data: dict[str, object] = {
        "customer_id": customer.id,
        "product": product.code,
        "product_name": product.name,
        "quantity": form.quantity,
        "importance": form.importance.value,
    }
    if form.requested_on is not None:
        data["requested_on"] = form.requested_on.isoformat()
    for name in _TEXT_FIELDS:
        text = getattr(form, name).strip()
        if text:
            data[name] = text
    return data


def _order_fields(
    form: DemandForm, customer: Customer, product: Product, group: str
) -> dict[str, object]:
    out: dict[str, object] = {
        "industry_group": group,
        "grade": customer.grade,
        "value": order_value(form, product),
        "resource_request": form.resource_request,
        "form": _form_data(form, customer, product),
        "note": form.note,
    }
    if form.kind is OrderKind.FAULT:
        out["reported_at"] = form.reported_at
    return out


def create_payload(
    form: DemandForm, customer: Customer, product: Product, group: str
) -> dict[str, object]:
    """The CREATE command's payload (validated by the domain)."""
    return {"kind": form.kind.value, **_order_fields(form, customer, product, group)}


def edit_payload(
    form: DemandForm, customer: Customer, product: Product, group: str
) -> dict[str, object]:
    """The EDIT command's payload: the whole form again (the kind cannot change)."""
    return _order_fields(form, customer, product, group)


def form_of(order: WorkOrder, resource_request: bool) -> DemandForm:
    """The demand form as the order's columns hold it now."""
    return DemandForm(
        customer_id=order.customer_id,
        product_id=order.product_id,
        kind=OrderKind(order.kind),
        quantity=order.quantity,
        value=order.value,
        requested_on=order.requested_on,
        requirement=order.requirement,
        importance=_importance(order.importance),
        a_end=order.a_end,
        z_end=order.z_end,
        bandwidth=order.bandwidth,
        interface=order.interface,
        circuit_no=order.circuit_no,
        reported_at=order.reported_at,
        resource_request=resource_request,
    )


def _importance(code: str) -> FormImportance:
    try:
        return FormImportance(code)
    except ValueError:
        return FormImportance.NORMAL


def customer_product(s: Session, form: DemandForm) -> tuple[Customer, Product, str]:
    """The form's live customer and product, and the customer's industry group code."""
    customer = s.get(Customer, form.customer_id)
    if customer is None or customer.deleted_at is not None:
        raise KamdeskError("workorder.unknown_customer", customer=form.customer_id)
    product = s.get(Product, form.product_id)
    if product is None or product.deleted_at is not None:
        raise KamdeskError("workorder.unknown_product", product=form.product_id)
    group = ""
    if customer.industry_group_id is not None:
        row = s.get(IndustryGroup, customer.industry_group_id)
        group = "" if row is None else row.code
    return customer, product, group


def promise_defaults(s: Session, product: Product, grade: str) -> dict[str, Any]:
    """Promised days and day counting: an SLA rule for product and grade, then for the
    product, then the product's own."""
    rules = s.execute(
        select(SlaRule.grade, SlaRule.days, SlaRule.clock_mode).where(
            SlaRule.kind == "order",
            SlaRule.product_id == product.id,
            SlaRule.deleted_at.is_(None),
        )
    ).all()
    for wanted in (grade, None):
        for rule_grade, days, mode in rules:
            if rule_grade == wanted:
                return {"promised_days": days, "clock_mode": _mode(mode)}
    return {"promised_days": product.promised_days, "clock_mode": _mode(product.clock_mode)}


def _mode(mode: str) -> str:
    return SlaMode.CALENDAR.value if mode == SlaMode.CALENDAR.value else SlaMode.WORKING_DAYS.value


def next_order_no(s: Session, kind: OrderKind, at: datetime) -> str:
    """``XQ`` (demand) or ``GZ`` (fault) + the Shanghai date + a branch-wide 7-digit
    number one above the highest in use (in the whole database, whoever asks)."""
    highest = s.execute(
        select(func.max(cast(func.substr(WorkOrder.order_no, 11), Integer))),
        execution_options={UNSCOPED: True},
    ).scalar()
    prefix = "GZ" if kind is OrderKind.FAULT else "XQ"
    return f"{prefix}{local(at):%Y%m%d}{int(highest or 0) + 1:07d}"
