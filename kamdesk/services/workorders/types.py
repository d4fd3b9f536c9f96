"""What the work-order service takes and returns: plain frozen data, no ORM objects.

Inputs (:class:`DemandForm`, :class:`StepPlan`, :class:`SignatureInput`,
:class:`OrderQuery`) are what the forms collect. Outputs (:class:`OrderDetail`,
:class:`OrderRow`, ...) are copies made inside one unit of work; holding them never
keeps a session or a database lock.

Codes (``state``, ``action``, ``reason``...) are the stable domain values of
:mod:`kamdesk.domain.workorders.vocabulary`; every ``*_label`` is already translated
into the language current at the call.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from enum import StrEnum

from kamdesk.domain.sla import SlaMode, SlaStatus
from kamdesk.domain.workorders.vocabulary import (
    Action,
    DispatchMode,
    OrderKind,
    ReturnReason,
    State,
    StepState,
)
from kamdesk.i18n import N_

# -- inputs -------------------------------------------------------------------------------


class FormImportance(StrEnum):
    """How urgent the demand form says the order is (printed on the form)."""

    NORMAL = "normal"
    IMPORTANT = "important"
    URGENT = "urgent"


FORM_IMPORTANCE_LABELS: dict[str, str] = {
    FormImportance.NORMAL: N_("normal"),
    FormImportance.IMPORTANT: N_("important"),
    FormImportance.URGENT: N_("urgent"),
}


@dataclass(frozen=True)
class DemandForm:
    """The demand form (需求单) of a new order, or the full new content of a draft.

    Circuit products fill ``a_end``/``z_end``/``bandwidth``/``interface``; fault orders
    give ``reported_at`` and the ``circuit_no`` that failed. The order's industry group
    and grade come from the customer; its value defaults to 12 months of the product's
    fee × quantity when ``value`` is ``None``.
    """

    customer_id: str
    product_id: str
    kind: OrderKind = OrderKind.DEMAND
    quantity: int = 1
    value: Decimal | None = None
    requested_on: date | None = None
    requirement: str = ""
    importance: FormImportance = FormImportance.NORMAL
    a_end: str = ""
    z_end: str = ""
    bandwidth: str = ""
    interface: str = ""
    circuit_no: str = ""
    reported_at: datetime | None = None
    resource_request: bool = False
    note: str = ""


@dataclass(frozen=True)
class StepPlan:
    """One line of the dispatch form (调度单): which workstation (its code), how long."""

    workstation: str
    planned_hours: Decimal
    deadline: datetime
    task: str = ""


@dataclass(frozen=True)
class SignatureInput:
    """A signature from the pad: vector strokes ``[[[x, y] or [x, y, pressure], ...], ...]``
    and the PNG drawn from them. Refused when there is no stroke point, no image or no
    signer name. ``role`` is ``customer``, ``am`` or ``workstation``."""

    signer_name: str
    strokes: tuple[tuple[tuple[float, ...], ...], ...]
    png: bytes
    role: str = "customer"


class OrderScope(StrEnum):
    """Which orders a list shows (the lists of the orders page)."""

    ALL = "all"  # every live order of the actor's branch
    MINE = "mine"  # orders the actor owns (account managers) or has a step on
    WAITING_ON_ME = "waiting_on_me"  # the next move of the flow is the actor's
    DUE_SOON = "due_soon"  # clock running, due within 24 hours
    OVERDUE = "overdue"  # clock running, past due


class OrderSort(StrEnum):
    ORDER_NO = "order_no"
    CREATED = "created"
    UPDATED = "updated"
    DUE = "due"
    CUSTOMER = "customer"
    STATE = "state"


@dataclass(frozen=True)
class OrderQuery:
    """A list's filter and sort, applied in SQL. ``text`` matches the order number
    (prefix) or the customer's name (part, pinyin initials)."""

    scope: OrderScope = OrderScope.ALL
    states: tuple[State, ...] = ()
    text: str = ""
    kind: OrderKind | None = None
    sort: OrderSort = OrderSort.ORDER_NO
    descending: bool = True


# -- outputs ------------------------------------------------------------------------------


@dataclass(frozen=True)
class OrderRow:
    """One line of an order list."""

    order_id: str
    order_no: str
    kind: OrderKind
    state: State
    state_label: str
    customer_name: str
    product_name: str
    owner_name: str
    created_at: datetime
    updated_at: datetime
    due_at: datetime | None
    sla_status: SlaStatus | None
    sla_label: str
    return_count: int


@dataclass(frozen=True)
class StepInfo:
    step_id: str  # "1", "2", ... the step number used by step actions
    position: int
    workstation: str  # code
    workstation_name: str
    planned_hours: Decimal
    deadline: datetime
    task: str
    state: StepState
    state_label: str
    started_at: datetime | None
    done_at: datetime | None
    return_count: int


@dataclass(frozen=True)
class ReturnInfo:
    """A return order (异常返单) and how it was handled (``resolved_at`` None: open)."""

    step_id: str
    workstation: str
    reason: ReturnReason
    reason_label: str
    detail: str
    emergency_handling: str
    raised_at: datetime
    raised_by_name: str
    resolution: str | None
    resolved_at: datetime | None


@dataclass(frozen=True)
class PauseInfo:
    start: datetime
    end: datetime | None  # None: still paused
    reason: str


@dataclass(frozen=True)
class TimelineEntry:
    """One event of the order, for the timeline view."""

    seq: int
    at: datetime
    action: Action
    action_label: str
    from_state: State | None
    to_state: State
    to_label: str
    actor_id: str
    actor_name: str
    actor_role_label: str
    details: str  # reason, note, result ... of the event, one line; may be ""


@dataclass(frozen=True)
class SignatureInfo:
    signature_id: str
    role: str
    signer_name: str
    signed_at: datetime
    image_sha256: str


@dataclass(frozen=True)
class AttachmentInfo:
    attachment_id: str
    filename: str
    sha256: str
    size: int
    mime: str
    added_at: datetime
    added_by_name: str


@dataclass(frozen=True)
class DeadlineInfo:
    """The promised-time clock: ``due_at`` None while an open pause holds the clock;
    ``trace`` is the "explain this deadline" text, one line per entry."""

    issued_at: datetime
    promised_days: int
    mode: SlaMode
    mode_label: str
    due_at: datetime | None
    status: SlaStatus | None
    status_label: str
    paused: bool
    trace: tuple[str, ...]


@dataclass(frozen=True)
class OrderDetail:
    """An order with everything its page shows. ``seq`` is the last event's number:
    pass it back as ``expected_seq`` so a change made meanwhile is not overwritten."""

    order_id: str
    order_no: str
    seq: int
    kind: OrderKind
    kind_label: str
    state: State
    state_label: str
    form: DemandForm
    customer_name: str
    customer_grade: str
    industry_group: str
    product_code: str
    product_name: str
    is_circuit: bool
    owner_id: str
    owner_name: str
    value: Decimal
    created_at: datetime
    updated_at: datetime
    importance_reason: str  # why the leader did or did not approve; "" before review
    resource_outcome: str | None
    resource_detail: str | None
    dispatch_mode: DispatchMode | None
    steps: tuple[StepInfo, ...]
    returns: tuple[ReturnInfo, ...]
    pauses: tuple[PauseInfo, ...]
    results: str
    test_results: str
    satisfaction: int | None
    signer_name: str | None
    deadline: DeadlineInfo | None
    timeline: tuple[TimelineEntry, ...]
    signatures: tuple[SignatureInfo, ...]
    attachments: tuple[AttachmentInfo, ...]
    print_count: int
    restored_at: datetime | None = None
    cancel_reason: str | None = None
    last_rejection: str | None = None

    @property
    def paused(self) -> bool:
        return bool(self.pauses) and self.pauses[-1].end is None


@dataclass(frozen=True)
class ActionChoice:
    """Something the actor may do now, for buttons and menus."""

    action: Action
    label: str


@dataclass(frozen=True)
class PrintResult:
    """A recorded print: ``print_number`` 1 is the original, later ones say 副本."""

    order_no: str
    print_number: int
    sha256: str
    path: str


@dataclass(frozen=True)
class VerifyResult:
    """``matches`` only when the document's stamp equals the record now; otherwise
    ``differences`` name what changed (translated lines, e.g. "满意度：5 → 3")."""

    order_no: str
    printed_sha256: str
    current_sha256: str
    differences: tuple[str, ...] = field(default=())

    @property
    def matches(self) -> bool:
        return not self.differences
