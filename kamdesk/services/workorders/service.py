"""Work orders as use cases: draft, act through the state machine, sign, attach, read.

Every public method is one unit of work (its own session and transaction) and returns
frozen data from :mod:`.types`. Changes go through the domain machine
(:func:`kamdesk.domain.workorders.apply`): the accepted transition is appended as one
``work_order_events`` row and the cached columns and child rows are rewritten from the
folded view in the same transaction (:mod:`.cache`). A refusal is the domain's
``KamdeskError`` (e.g. ``workorder.illegal_transition`` names the order's state and
who may act now); nothing is written then.

Hazard: ``expected_seq`` is the ``seq`` of the :class:`OrderDetail` the user looked at;
a different current ``seq`` refuses the change with ``workorder.stale`` rather than
acting on an order the user has not seen.
"""

from __future__ import annotations

import mimetypes
from collections.abc import Callable, Mapping, Sequence
from datetime import datetime
from pathlib import Path

from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

from kamdesk.db.models import Attachment, WorkOrder
from kamdesk.db.models import Signature as SignatureRow
from kamdesk.domain.clock import utcnow
from kamdesk.domain.workorders import (
    Command,
    WorkOrderEvent,
    WorkOrderPolicy,
)
from kamdesk.domain.workorders.machine import allowed_actions as domain_allowed
from kamdesk.domain.workorders.machine import apply, create_order
from kamdesk.domain.workorders.view import OrderView, advance
from kamdesk.domain.workorders.vocabulary import (
    ACTION_LABELS,
    STATE_PHRASES,
    TERMINAL_STATES,
    Action,
    DispatchMode,
    ReturnReason,
    State,
)
from kamdesk.errors import KamdeskError, define
from kamdesk.i18n import N_, tr
from kamdesk.reports.workorder_context import SIGNATURE_ROLES
from kamdesk.services.actor import Actor
from kamdesk.services.audit.events import record
from kamdesk.services.uow import read_session, write_session
from kamdesk.services.workorders import detail, queries, store
from kamdesk.services.workorders.cache import refresh_order, set_return_handler
from kamdesk.services.workorders.forms import (
    create_payload,
    customer_product,
    edit_payload,
    form_columns,
    next_order_no,
    promise_defaults,
)
from kamdesk.services.workorders.printing import WorkOrderPrinting
from kamdesk.services.workorders.types import (
    ActionChoice,
    AttachmentInfo,
    DemandForm,
    OrderDetail,
    OrderQuery,
    OrderRow,
    SignatureInput,
    StepPlan,
)

define(
    {
        "workorder.signature_empty": N_(
            "The signature is empty: sign on the pad and give the signer's name."
        ),
        "workorder.signature_role": N_("A signature is given as customer, am or workstation."),
        "workorder.order_closed": N_("The order is {state_label}; it can no longer change."),
        "workorder.attachment_empty": N_("The file {filename} is empty."),
        "workorder.other_branch": N_("Order {order_no} belongs to another branch."),
        "workorder.no_attachment": N_("There is no attachment {attachment} on your orders."),
    }
)

Clock = Callable[[], datetime]


class WorkOrderService:
    """Work orders of one database. ``now`` is injectable for tests; ``policy``
    replaces the policy HQ published (:func:`store.work_order_policy`) in tests."""

    def __init__(
        self,
        engine: Engine,
        now: Clock = utcnow,
        policy: WorkOrderPolicy | None = None,
    ) -> None:
        self._engine = engine
        self._now = now
        self._policy = policy

    def _policy_at(self, s: Session, at: datetime) -> WorkOrderPolicy:
        return self._policy or store.work_order_policy(s, at)

    @property
    def printing(self) -> WorkOrderPrinting:
        """Print, preview and verify the order PDFs (same database, same clock)."""
        return WorkOrderPrinting(self._engine, now=self._now)

    # -- creating and editing the draft -------------------------------------------------

    def create_draft(self, actor: Actor, form: DemandForm) -> OrderDetail:
        """A new draft owned by ``actor`` (an account manager) with a fresh order number."""
        with write_session(self._engine, actor=actor) as s:
            at = self._now()
            customer, product, group = customer_product(s, form)
            order = WorkOrder(
                branch_id=actor.branch_id,
                order_no=next_order_no(s, form.kind, at),
                customer_id=customer.id,
                product_id=product.id,
                owner_id=actor.staff_id,
                state="draft",
                created_at=at,
                **promise_defaults(s, product, customer.grade),
                **form_columns(form, product),
            )
            s.add(order)
            s.flush()
            payload = create_payload(form, customer, product, group)
            event = create_order(
                order.id, Command(Action.CREATE, payload), store.domain_actor(s, actor), at
            )
            return self._record(s, order, None, event)

    def edit_draft(
        self, actor: Actor, order_id: str, form: DemandForm, expected_seq: int
    ) -> OrderDetail:
        """Replace the draft's demand form (only the owner, only while a draft)."""
        with write_session(self._engine, actor=actor) as s:
            order = store.order_row(s, order_id)
            view, _ = store.load_view(s, order_id)
            store.check_seq(view, expected_seq)
            customer, product, group = customer_product(s, form)
            payload = edit_payload(form, customer, product, group)
            event = apply(
                view,
                Command(Action.EDIT, payload),
                store.domain_actor(s, actor),
                self._now(),
                self._policy_at(s, self._now()),
            )
            order.customer_id, order.product_id = customer.id, product.id
            for name, value in form_columns(form, product).items():
                if getattr(order, name) != value:
                    setattr(order, name, value)
            return self._record(s, order, view, event)

    # -- the flow ---------------------------------------------------------------------

    def act(
        self,
        actor: Actor,
        order_id: str,
        action: Action,
        payload: Mapping[str, object],
        expected_seq: int,
        signature: SignatureInput | None = None,
    ) -> OrderDetail:
        """Apply one transition (payload fields as in the domain's ``payloads.SPECS``).

        ``signature`` is stored with the transition; for :attr:`Action.ACCEPT` it fills
        ``signature_ref`` and ``signer_name``. For :attr:`Action.ISSUE` the promised days
        and day counting default to the product's. :attr:`Action.EDIT` goes through
        :meth:`edit_draft` instead, so the form columns stay in step.
        """
        with write_session(self._engine, actor=actor) as s:
            order = store.order_row(s, order_id)
            view, _ = store.load_view(s, order_id)
            store.check_seq(view, expected_seq)
            at = self._now()
            data = dict(payload)
            if action is Action.ISSUE:
                data.setdefault("promised_days", order.promised_days)
                data.setdefault("sla_mode", order.clock_mode)
            if signature is not None:
                signature_id = _store_signature(s, order, signature, at)
                if action is Action.ACCEPT:
                    data.setdefault("signature_ref", signature_id)
                    data.setdefault("signer_name", signature.signer_name.strip())
            domain_actor = store.domain_actor(s, actor)
            event = apply(view, Command(action, data), domain_actor, at, self._policy_at(s, at))
            out = self._record(s, order, view, event)
            if action is Action.RESOLVE_RETURN:
                set_return_handler(s, order.id, actor.staff_id)
            return out

    def dispatch(
        self,
        actor: Actor,
        order_id: str,
        mode: DispatchMode,
        steps: Sequence[StepPlan],
        expected_seq: int,
        note: str = "",
    ) -> OrderDetail:
        """The dispatch form: steps numbered 1, 2, … in the given order."""
        payload: dict[str, object] = {
            "mode": mode.value,
            "steps": [
                {
                    "step_id": str(i),
                    "workstation": step.workstation,
                    "planned_hours": step.planned_hours,
                    "deadline": step.deadline,
                    "task": step.task,
                }
                for i, step in enumerate(steps, start=1)
            ],
            "note": note,
        }
        return self.act(actor, order_id, Action.DISPATCH, payload, expected_seq)

    def return_step(
        self,
        actor: Actor,
        order_id: str,
        step_id: str,
        reason: ReturnReason,
        detail_text: str,
        emergency_handling: str,
        expected_seq: int,
    ) -> OrderDetail:
        """A return order (异常返单) for one step, by its workstation."""
        payload = {
            "step_id": step_id,
            "reason": reason.value,
            "detail": detail_text,
            "emergency_handling": emergency_handling,
        }
        return self.act(actor, order_id, Action.RETURN_STEP, payload, expected_seq)

    def pause(self, actor: Actor, order_id: str, reason: str, expected_seq: int) -> OrderDetail:
        """Stop the promised-time clock while waiting on the customer (reason required)."""
        return self.act(actor, order_id, Action.PAUSE, {"reason": reason}, expected_seq)

    def resume(self, actor: Actor, order_id: str, expected_seq: int, note: str = "") -> OrderDetail:
        return self.act(actor, order_id, Action.RESUME, {"note": note}, expected_seq)

    def accept(
        self,
        actor: Actor,
        order_id: str,
        signature: SignatureInput,
        satisfaction: int,
        expected_seq: int,
        comment: str = "",
    ) -> OrderDetail:
        """Customer acceptance: the customer's signature and satisfaction score 1–5."""
        payload = {"satisfaction": satisfaction, "comment": comment}
        return self.act(actor, order_id, Action.ACCEPT, payload, expected_seq, signature)

    # -- signatures and attachments -------------------------------------------------------

    def add_signature(self, actor: Actor, order_id: str, signature: SignatureInput) -> str:
        """Store a signature (e.g. the AM's or the workstation lead's) without a transition;
        returns its id. Refused on archived or cancelled orders."""
        with write_session(self._engine, actor=actor) as s:
            order = store.order_row(s, order_id)
            _check_open(actor, order)
            return _store_signature(s, order, signature, self._now())

    def add_attachment(
        self, actor: Actor, order_id: str, filename: str, data: bytes, mime: str = ""
    ) -> AttachmentInfo:
        """Attach ``data`` (stored once by SHA-256). Attaching the same bytes under the
        same name again returns the existing attachment."""
        if not data:
            raise KamdeskError("workorder.attachment_empty", filename=filename)
        with write_session(self._engine, actor=actor) as s:
            order = store.order_row(s, order_id)
            _check_open(actor, order)
            at = self._now()
            guessed = mime or mimetypes.guess_type(filename)[0] or "application/octet-stream"
            sha = store.put_blob(s, data, guessed, at)
            existing = s.execute(
                select(Attachment).where(
                    Attachment.order_id == order.id,
                    Attachment.blob_sha256 == sha,
                    Attachment.filename == filename,
                    Attachment.deleted_at.is_(None),
                )
            ).scalar_one_or_none()
            if existing is None:
                existing = Attachment(
                    order_id=order.id,
                    blob_sha256=sha,
                    filename=filename,
                    added_by=actor.staff_id,
                    created_at=at,
                    updated_at=at,
                )
                s.add(existing)
                s.flush()
            return detail.attachment_infos(s, [existing])[0]

    def add_attachment_file(self, actor: Actor, order_id: str, path: Path) -> AttachmentInfo:
        """Attach the file at ``path`` under its own name."""
        return self.add_attachment(actor, order_id, path.name, path.read_bytes())

    def remove_attachment(self, actor: Actor, attachment_id: str) -> None:
        """Tombstone an attachment of an open order (its blob stays for other users); one
        already removed stays so, one ``actor`` may not read is ``workorder.no_attachment``."""
        with write_session(self._engine, actor=actor) as s:
            row = s.get(Attachment, attachment_id)
            if row is None:
                raise KamdeskError("workorder.no_attachment", attachment=attachment_id)
            if row.deleted_at is not None:
                return
            _check_open(actor, store.order_row(s, row.order_id))
            row.deleted_at, row.deleted_by = self._now(), actor.staff_id

    def attachment_data(self, sha256: str) -> bytes:
        """The stored bytes of an attachment or signature image. Blobs are not scoped:
        their SHA-256 is learnt only from an order the reader may read."""
        with read_session(self._engine) as s:
            return detail.blob_data(s, sha256)

    # -- reads ----------------------------------------------------------------------

    def get(self, order_id: str, actor: Actor | None = None) -> OrderDetail:
        """The order with its timeline, steps, deadline and "explain this deadline";
        ``workorder.not_found`` when ``actor`` may not read it."""
        with read_session(self._engine, actor=actor) as s:
            order = store.order_row(s, order_id)
            view, events = store.load_view(s, order_id)
            return detail.build(s, order, view, events, store.working_calendar(s), self._now())

    def find_by_no(self, order_no: str, actor: Actor | None = None) -> str:
        """The id of the order numbered ``order_no`` (among those ``actor`` may read)."""
        with read_session(self._engine, actor=actor) as s:
            return store.order_by_no(s, order_no).id

    def allowed_actions(self, actor: Actor, order_id: str) -> list[ActionChoice]:
        """What ``actor`` may do on the order now, in flow order (edit included)."""
        with read_session(self._engine, actor=actor) as s:
            view, _ = store.load_view(s, order_id)
            actions = domain_allowed(view, store.domain_actor(s, actor))
        return [ActionChoice(a, tr(ACTION_LABELS[a])) for a in actions]

    def count(self, actor: Actor | None, query: OrderQuery) -> int:
        """How many orders ``query`` lists (``actor`` may be None only for scope ALL and
        the deadline scopes, which then cover every branch); only orders ``actor`` may
        read count."""
        with read_session(self._engine, actor=actor) as s:
            return queries.count(s, actor, query, self._now())

    def page_ids(
        self, actor: Actor | None, query: OrderQuery, offset: int, limit: int
    ) -> list[str]:
        """Order ids of one page of ``query``, in its sort order."""
        with read_session(self._engine, actor=actor) as s:
            return queries.page_ids(s, actor, query, self._now(), offset, limit)

    def rows(self, order_ids: Sequence[str], actor: Actor | None = None) -> list[OrderRow]:
        """List rows for ``order_ids``, in the same order (unknown ids, and those
        ``actor`` may not read, are left out)."""
        with read_session(self._engine, actor=actor) as s:
            return queries.rows(s, order_ids, self._now())

    def list_orders(
        self, actor: Actor | None, query: OrderQuery, offset: int = 0, limit: int = 100
    ) -> list[OrderRow]:
        """One page of rows in one call (ids then rows, in one read session)."""
        with read_session(self._engine, actor=actor) as s:
            now = self._now()
            ids = queries.page_ids(s, actor, query, now, offset, limit)
            return queries.rows(s, ids, now)

    # -- internals ------------------------------------------------------------------

    def _record(
        self, s: Session, order: WorkOrder, view: OrderView | None, event: WorkOrderEvent
    ) -> OrderDetail:
        """Append ``event``, refresh the cache, and read the order back."""
        store.append_event(s, event)
        new_view = advance(view, event)
        calendar = store.working_calendar(s)
        refresh_order(s, order, new_view, calendar, store.workstations(s, order.branch_id))
        s.flush()
        _, events = store.load_view(s, order.id)
        return detail.build(s, order, new_view, events, calendar, self._now())


def _check_open(actor: Actor, order: WorkOrder) -> None:
    """Files and signatures may be added by the order's branch while it is open."""
    if order.branch_id != actor.branch_id:
        raise KamdeskError("workorder.other_branch", order_no=order.order_no)
    state = State(order.state)
    if state in TERMINAL_STATES:
        raise KamdeskError(
            "workorder.order_closed", state=state.value, state_label=tr(STATE_PHRASES[state])
        )


def _store_signature(s: Session, order: WorkOrder, sig: SignatureInput, at: datetime) -> str:
    points = sum(len(stroke) for stroke in sig.strokes)
    if points == 0 or not sig.png or not sig.signer_name.strip():
        raise KamdeskError("workorder.signature_empty")
    if sig.role not in SIGNATURE_ROLES:
        raise KamdeskError("workorder.signature_role")
    sha = store.put_blob(s, sig.png, "image/png", at)
    row = SignatureRow(
        order_id=order.id,
        role=sig.role,
        signer_name=sig.signer_name.strip(),
        signed_at=at,
        strokes=[[list(point) for point in stroke] for stroke in sig.strokes],
        image_sha256=sha,
        created_at=at,
        updated_at=at,
    )
    s.add(row)
    s.flush()
    record(
        s,
        "signature",
        entity="signatures",
        entity_id=row.id,
        details={"order": order.id, "role": sig.role, "image_sha256": sha},
    )
    return row.id
