"""The signed work-order PDF from the database: context, prints, verification.

:func:`build_context` reads an order's record (the demand form and results as its
columns hold them, the dispatched steps, return orders, signatures and attachments as
their rows hold them, the stamps and timeline from its events) into the plain
:class:`~kamdesk.reports.workorder_context.WorkOrderContext` the renderer needs.
Because verification rebuilds the same context, a later change to any of those rows
changes the content hash, and ``verify_pdf`` names the field.

Prints are counted on the order (``print_count``): the first is the original, every
later one carries the 副本 watermark. A preview renders what the next print will look
like without counting it. Each print carries the audit log's head including its own
count (the ``print`` entry written after it names that head), so a log later found
shorter or different than a paper in hand shows it was cut or replaced.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from decimal import Decimal
from pathlib import Path
from typing import BinaryIO

from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

from kamdesk.db.models import (
    Blob,
    Branch,
    Customer,
    Product,
    WorkOrder,
    WorkOrderStep,
    Workstation,
)
from kamdesk.db.models import ReturnOrder as ReturnRow
from kamdesk.db.models import Signature as SignatureRow
from kamdesk.domain.clock import utcnow
from kamdesk.domain.workorders.events import WorkOrderEvent
from kamdesk.domain.workorders.vocabulary import (
    ACTION_LABELS,
    ORDER_KIND_LABELS,
    RESOURCE_OUTCOME_LABELS,
    RETURN_REASON_LABELS,
    STATE_LABELS,
    STEP_STATE_LABELS,
    Action,
    OrderKind,
    ResourceOutcome,
    ReturnReason,
    StepState,
)
from kamdesk.i18n import label, tr
from kamdesk.reports import workorder_context as rc
from kamdesk.reports.verify import compare, read_pdf_stamp
from kamdesk.reports.workorder_pdf import render_workorder_pdf
from kamdesk.services.actor import Actor
from kamdesk.services.audit import chain_head
from kamdesk.services.audit.events import record
from kamdesk.services.uow import read_session, write_session
from kamdesk.services.workorders import detail, store
from kamdesk.services.workorders.types import FORM_IMPORTANCE_LABELS, PrintResult, VerifyResult

Clock = Callable[[], datetime]
_OUTCOME_LABELS = {o.value: RESOURCE_OUTCOME_LABELS[o] for o in ResourceOutcome}


def _stamp(event: WorkOrderEvent | None, names: dict[str, str]) -> rc.ActorStamp | None:
    if event is None:
        return None
    note = event.payload.get("note")
    return rc.ActorStamp(
        name=names.get(event.actor_id, event.actor_id),
        at=event.at,
        comment=note if isinstance(note, str) else "",
    )


def _last(events: list[WorkOrderEvent], action: Action) -> WorkOrderEvent | None:
    return next((e for e in reversed(events) if e.action is action), None)


def _resource(
    events: list[WorkOrderEvent], names: dict[str, str]
) -> rc.ResourceConfirmation | None:
    event = _last(events, Action.CONFIRM_RESOURCES)
    if event is None:
        return None
    outcome = str(event.payload.get("outcome", ""))
    detail_text = event.payload.get("detail")
    return rc.ResourceConfirmation(
        result=outcome,
        confirmed_by=names.get(event.actor_id, event.actor_id),
        confirmed_at=event.at,
        note=detail_text if isinstance(detail_text, str) else "",
        result_label=label({o.value: RESOURCE_OUTCOME_LABELS[o] for o in ResourceOutcome}, outcome),
    )


def _steps(s: Session, order_id: str) -> tuple[dict[str, int], tuple[rc.DispatchStep, ...]]:
    rows = s.execute(
        select(WorkOrderStep, Workstation.name)
        .join(Workstation, Workstation.id == WorkOrderStep.workstation_id)
        .where(WorkOrderStep.order_id == order_id, WorkOrderStep.deleted_at.is_(None))
        .order_by(WorkOrderStep.seq)
    ).all()
    step_labels = {s.value: STEP_STATE_LABELS[s] for s in StepState}
    steps = tuple(
        rc.DispatchStep(
            seq=step.seq,
            workstation=name,
            planned_hours=Decimal(step.planned_minutes) / 60,
            deadline=step.deadline_at,
            state=step.state,
            done_at=step.done_at,
            state_label=label(step_labels, step.state),
        )
        for step, name in rows
    )
    return {step.id: step.seq for step, _ in rows}, steps


def _returns(
    s: Session, order_id: str, step_seqs: dict[str, int], names: dict[str, str]
) -> tuple[rc.ReturnOrder, ...]:
    rows = s.execute(
        select(ReturnRow).where(ReturnRow.order_id == order_id, ReturnRow.deleted_at.is_(None))
    ).scalars()
    reasons = {r.value: RETURN_REASON_LABELS[r] for r in ReturnReason}
    return tuple(
        rc.ReturnOrder(
            reason=row.reason,
            description=row.description,
            emergency_handling=row.emergency_handling,
            raised_at=row.raised_at,
            raised_by=names.get(row.raised_by or "", row.raised_by or ""),
            step_seq=None if row.step_id is None else step_seqs.get(row.step_id),
            reason_label=label(reasons, row.reason),
        )
        for row in rows
    )


def _signatures(s: Session, order_id: str) -> tuple[rc.Signature, ...]:
    """The latest live signature of each role, with its image."""
    rows = s.execute(
        select(SignatureRow, Blob.data)
        .join(Blob, Blob.sha256 == SignatureRow.image_sha256)
        .where(SignatureRow.order_id == order_id, SignatureRow.deleted_at.is_(None))
        .order_by(SignatureRow.signed_at, SignatureRow.id)
    ).all()
    latest: dict[str, rc.Signature] = {}
    for row, png in rows:
        if row.role in rc.SIGNATURE_ROLES:
            latest[row.role] = rc.Signature(row.role, row.signer_name, row.signed_at, png)
    return tuple(latest.values())


def _timeline(events: list[WorkOrderEvent], names: dict[str, str]) -> tuple[rc.TimelineEvent, ...]:
    return tuple(
        rc.TimelineEvent(
            at=e.at,
            actor=names.get(e.actor_id, e.actor_id),
            action=e.action.value,
            from_state=None if e.from_state is None else e.from_state.value,
            to_state=e.to_state.value,
            action_label=tr(ACTION_LABELS[e.action]),
            from_label="" if e.from_state is None else tr(STATE_LABELS[e.from_state]),
            to_label=tr(STATE_LABELS[e.to_state]),
        )
        for e in events
    )


def build_context(
    s: Session, order: WorkOrder, print_number: int, printed_at: datetime, audit_head: str = ""
) -> rc.WorkOrderContext:
    """The printed content of ``order`` as the database holds it now; ``audit_head`` is
    the audit chain head to print (short form; empty: none)."""
    events = store.load_events(s, order.id)
    branch = s.get(Branch, order.branch_id)
    customer = s.get(Customer, order.customer_id)
    product = s.get(Product, order.product_id)
    raisers = s.execute(select(ReturnRow.raised_by).where(ReturnRow.order_id == order.id))
    names = store.staff_names(
        s, [e.actor_id for e in events] + [order.owner_id] + list(raisers.scalars())
    )
    step_seqs, steps = _steps(s, order.id)
    is_circuit = product is not None and product.is_circuit
    circuit = None
    if is_circuit or order.circuit_no or order.a_end:
        circuit = rc.Circuit(
            order.a_end, order.z_end, order.bandwidth, order.interface, order.circuit_no or None
        )
    kind = OrderKind(order.kind)
    attachments = detail.attachment_infos(s, detail.live_attachments(s, order.id))
    return rc.WorkOrderContext(
        branch_name="" if branch is None else branch.name,
        order_no=order.order_no,
        kind=kind.value,
        customer_name="" if customer is None else customer.name,
        customer_credit_code="" if customer is None else customer.credit_code,
        product_code="" if product is None else product.code,
        product_name="" if product is None else product.name,
        quantity=order.quantity,
        requested_date=order.requested_on,
        requirement=order.requirement,
        importance=order.importance,
        owner_am_name=names.get(order.owner_id or "", ""),
        printed_at=printed_at,
        print_number=print_number,
        circuit=circuit,
        review=_stamp(_last(events, Action.REVIEW_APPROVE), names),
        approval=_stamp(_last(events, Action.LEADER_APPROVE), names),
        issue=_stamp(_last(events, Action.ISSUE), names),
        resource=_resource(events, names),
        steps=steps,
        returns=_returns(s, order.id, step_seqs, names),
        completion=None
        if order.completed_at is None
        else rc.Completion(order.completion_results, order.test_results, order.completed_at),
        acceptance=None
        if order.accepted_at is None or order.satisfaction is None
        else rc.Acceptance(order.satisfaction, order.accepted_at),
        timeline=_timeline(events, names),
        signatures=_signatures(s, order.id),
        attachments=tuple(rc.Attachment(a.filename, a.sha256, a.size) for a in attachments),
        repair=None
        if order.reported_at is None
        else rc.Repair(order.reported_at, order.restored_at),
        kind_label=tr(ORDER_KIND_LABELS[kind]),
        importance_label=label(FORM_IMPORTANCE_LABELS, order.importance),
        audit_head=audit_head,
    )


class WorkOrderPrinting:
    """Print, preview and verify signed work-order PDFs of one database."""

    def __init__(self, engine: Engine, now: Clock = utcnow) -> None:
        self._engine = engine
        self._now = now

    def print_pdf(
        self, order_id: str, out: Path | BinaryIO, *, actor: Actor | None = None
    ) -> PrintResult:
        """Count one more print of the order and write its PDF (the first print is the
        original; later ones say 副本). A failed render counts nothing. ``actor`` (the
        UI's signed-in person) prints only orders they may read, and the ``print``
        audit event names them.

        Hazard: the render runs inside the write transaction so that two prints never
        share a number; it holds the write lock for tens of milliseconds (the first
        render of a process also registers the font, about a second)."""
        with write_session(self._engine, actor=actor) as s:
            order = store.order_row(s, order_id)
            order.print_count = (order.print_count or 0) + 1
            s.flush()  # the counted print is in the log, so in the head on the paper
            head = chain_head(s)
            ctx = build_context(s, order, order.print_count, self._now(), head.short)
            render_workorder_pdf(ctx, out)
            record(
                s,
                "print",
                entity="work_orders",
                entity_id=order_id,
                details={
                    "print_number": ctx.print_number,
                    "content_hash": rc.content_hash(ctx),
                    "audit_head": head.seq,
                },
            )
        return PrintResult(ctx.order_no, ctx.print_number, rc.content_hash(ctx), _where(out))

    def preview_pdf(
        self, order_id: str, out: Path | BinaryIO, *, actor: Actor | None = None
    ) -> PrintResult:
        """Write the PDF the next print would give, without counting it."""
        with read_session(self._engine, actor=actor) as s:
            order = store.order_row(s, order_id)
            head = chain_head(s).short
            ctx = build_context(s, order, (order.print_count or 0) + 1, self._now(), head)
        render_workorder_pdf(ctx, out)
        return PrintResult(ctx.order_no, ctx.print_number, rc.content_hash(ctx), _where(out))

    def verify_pdf(self, path: Path, *, actor: Actor | None = None) -> VerifyResult:
        """Compare a work-order PDF with the order's record now.

        Raises ``reports.pdf_unreadable`` / ``reports.pdf_not_stamped`` for a damaged or
        foreign file and ``workorder.not_found`` when the order is not in this database.
        """
        stamp = read_pdf_stamp(path)
        with read_session(self._engine, actor=actor) as s:
            order = store.order_by_no(s, stamp.order_no)
            ctx = build_context(s, order, 1, self._now())
        differences = compare(stamp, ctx)
        return VerifyResult(
            order_no=stamp.order_no,
            printed_sha256=stamp.sha256,
            current_sha256=rc.content_hash(ctx),
            differences=tuple(d.message() for d in differences),
        )


def _where(out: Path | BinaryIO) -> str:
    return str(out) if isinstance(out, Path) else ""
