"""Reading one order back as :class:`~.types.OrderDetail` (inside the caller's session).

The state, steps, return orders, pauses and timeline come from the folded view and
the events; the demand form, names and files from the rows. The deadline and its
"explain this deadline" trace come from the same domain clock the lists use.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from kamdesk.db.models import Attachment, Blob, Customer, IndustryGroup, Product, WorkOrder
from kamdesk.db.models import Signature as SignatureRow
from kamdesk.domain.sla import SLA_MODE_LABELS, SLA_STATUS_LABELS
from kamdesk.domain.working_calendar import WorkingCalendar
from kamdesk.domain.workorders.deadline import explain_order_deadline, order_clock, order_status
from kamdesk.domain.workorders.events import Payload, WorkOrderEvent
from kamdesk.domain.workorders.view import OrderView
from kamdesk.domain.workorders.vocabulary import (
    ACTION_LABELS,
    IMPORTANCE_LABELS,
    ORDER_KIND_LABELS,
    RESOURCE_OUTCOME_LABELS,
    RETURN_REASON_LABELS,
    STATE_LABELS,
    STEP_STATE_LABELS,
)
from kamdesk.errors import KamdeskError, define
from kamdesk.i18n import N_, tr
from kamdesk.services.workorders import store
from kamdesk.services.workorders.forms import form_of
from kamdesk.services.workorders.types import (
    AttachmentInfo,
    DeadlineInfo,
    OrderDetail,
    PauseInfo,
    ReturnInfo,
    SignatureInfo,
    StepInfo,
    TimelineEntry,
)

define({"workorder.no_blob": N_("The stored file {sha256} is missing.")})

# Payload fields worth a line in the timeline, in this order.
_DETAIL_FIELDS = (
    "reason",
    "outcome",
    "detail",
    "result",
    "resolution",
    "results",
    "signer_name",
    "comment",
    "note",
)


def _details(payload: Payload) -> str:
    parts = []
    for name in _DETAIL_FIELDS:
        value = payload.get(name)
        if isinstance(value, str) and value:
            parts.append(value)
    if "step_id" in payload:
        parts.insert(0, tr("step {step}", step=payload["step_id"]))
    return tr(N_("; ")).join(parts)


def timeline(events: Sequence[WorkOrderEvent], names: dict[str, str]) -> tuple[TimelineEntry, ...]:
    return tuple(
        TimelineEntry(
            seq=e.seq,
            at=e.at,
            action=e.action,
            action_label=tr(ACTION_LABELS[e.action]),
            from_state=e.from_state,
            to_state=e.to_state,
            to_label=tr(STATE_LABELS[e.to_state]),
            actor_id=e.actor_id,
            actor_name=names.get(e.actor_id, e.actor_id),
            actor_role_label=store.role_label(e.actor_role.value),
            details=_details(e.payload),
        )
        for e in events
    )


def deadline(view: OrderView, calendar: WorkingCalendar, now: datetime) -> DeadlineInfo | None:
    clock = order_clock(view, calendar)
    if clock is None or view.promise is None or view.issued_at is None:
        return None
    status = order_status(view, calendar, now)
    return DeadlineInfo(
        issued_at=view.issued_at,
        promised_days=view.promise.days,
        mode=view.promise.mode,
        mode_label=tr(SLA_MODE_LABELS[view.promise.mode]),
        due_at=clock.due(),
        status=status,
        status_label="" if status is None else tr(SLA_STATUS_LABELS[status]),
        paused=view.paused,
        trace=tuple(entry.text() for entry in explain_order_deadline(view, calendar)),
    )


def attachment_infos(s: Session, rows: Sequence[Attachment]) -> list[AttachmentInfo]:
    blobs = {
        sha: (size, mime)
        for sha, size, mime in s.execute(
            select(Blob.sha256, Blob.size, Blob.mime).where(
                Blob.sha256.in_({r.blob_sha256 for r in rows})
            )
        )
    }
    names = store.staff_names(s, (r.added_by for r in rows))
    return [
        AttachmentInfo(
            attachment_id=r.id,
            filename=r.filename,
            sha256=r.blob_sha256,
            size=blobs.get(r.blob_sha256, (0, ""))[0],
            mime=blobs.get(r.blob_sha256, (0, ""))[1],
            added_at=r.created_at,
            added_by_name=names.get(r.added_by or "", ""),
        )
        for r in rows
    ]


def live_attachments(s: Session, order_id: str) -> list[Attachment]:
    return list(
        s.execute(
            select(Attachment)
            .where(Attachment.order_id == order_id, Attachment.deleted_at.is_(None))
            .order_by(Attachment.filename, Attachment.id)
        ).scalars()
    )


def blob_data(s: Session, sha256: str) -> bytes:
    blob = s.get(Blob, sha256)
    if blob is None:
        raise KamdeskError("workorder.no_blob", sha256=sha256)
    return blob.data


def build(
    s: Session,
    order: WorkOrder,
    view: OrderView,
    events: Sequence[WorkOrderEvent],
    calendar: WorkingCalendar,
    now: datetime,
) -> OrderDetail:
    customer = s.get(Customer, order.customer_id)
    product = s.get(Product, order.product_id)
    group = None
    if customer is not None and customer.industry_group_id is not None:
        group = s.get(IndustryGroup, customer.industry_group_id)
    stations = store.workstations(s, order.branch_id)
    names = store.staff_names(
        s, [e.actor_id for e in events] + [view.owner_id] + [r.actor_id for r in view.returns]
    )
    signatures = s.execute(
        select(SignatureRow)
        .where(SignatureRow.order_id == order.id, SignatureRow.deleted_at.is_(None))
        .order_by(SignatureRow.signed_at, SignatureRow.id)
    ).scalars()
    return OrderDetail(
        order_id=order.id,
        order_no=order.order_no,
        seq=view.seq,
        kind=view.kind,
        kind_label=tr(ORDER_KIND_LABELS[view.kind]),
        state=view.state,
        state_label=tr(STATE_LABELS[view.state]),
        form=form_of(order, view.resource_request),
        customer_name="" if customer is None else customer.name,
        customer_grade=view.grade.value,
        industry_group=view.industry_group if group is None else group.name,
        product_code="" if product is None else product.code,
        product_name="" if product is None else product.name,
        is_circuit=product is not None and product.is_circuit,
        owner_id=view.owner_id,
        owner_name=names.get(view.owner_id, ""),
        value=view.value,
        created_at=view.created_at,
        updated_at=view.updated_at,
        importance_reason="" if view.importance is None else tr(IMPORTANCE_LABELS[view.importance]),
        resource_outcome=None
        if view.resource_outcome is None
        else tr(RESOURCE_OUTCOME_LABELS[view.resource_outcome]),
        resource_detail=view.resource_detail,
        dispatch_mode=view.dispatch_mode,
        steps=tuple(
            StepInfo(
                step_id=step.step_id,
                position=step.position,
                workstation=step.workstation,
                workstation_name=stations[step.workstation].name
                if step.workstation in stations
                else step.workstation,
                planned_hours=step.planned_hours,
                deadline=step.deadline,
                task=step.task,
                state=step.state,
                state_label=tr(STEP_STATE_LABELS[step.state]),
                started_at=step.started_at,
                done_at=step.done_at,
                return_count=step.return_count,
            )
            for step in view.steps
        ),
        returns=tuple(
            ReturnInfo(
                step_id=r.step_id,
                workstation=r.workstation,
                reason=r.reason,
                reason_label=tr(RETURN_REASON_LABELS[r.reason]),
                detail=r.detail,
                emergency_handling=r.emergency_handling,
                raised_at=r.at,
                raised_by_name=names.get(r.actor_id, r.actor_id),
                resolution=r.resolution,
                resolved_at=r.resolved_at,
            )
            for r in view.returns
        ),
        pauses=tuple(PauseInfo(p.start, p.end, p.reason) for p in view.pauses),
        results=view.results or "",
        test_results=view.test_results or "",
        satisfaction=view.satisfaction,
        signer_name=view.signer_name,
        deadline=deadline(view, calendar, now),
        timeline=timeline(events, names),
        signatures=tuple(
            SignatureInfo(r.id, r.role, r.signer_name, r.signed_at, r.image_sha256)
            for r in signatures
        ),
        attachments=tuple(attachment_infos(s, live_attachments(s, order.id))),
        print_count=order.print_count,
        restored_at=view.restored_at,
        cancel_reason=view.cancel_reason,
        last_rejection=view.last_rejection,
    )
