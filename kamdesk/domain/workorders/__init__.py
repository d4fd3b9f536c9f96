"""Work orders (工单): the four closed loops of DOMAIN.md as an event-sourced state machine.

Make events with :func:`create_order` / :func:`apply`, store them, and derive an
order's state with :func:`replay` / :func:`advance`. Vocabulary (states, actions,
roles, reasons) and their labels live in :mod:`.vocabulary`; the transition table in
:mod:`.rules`; the promised-time clock of an order in :mod:`.deadline`.
"""

from kamdesk.domain.workorders.events import Actor, Command, WorkOrderEvent
from kamdesk.domain.workorders.machine import (
    allowed_actions,
    apply,
    check_event,
    create_order,
    possible_actions,
)
from kamdesk.domain.workorders.rules import (
    DEFAULT_POLICY,
    RULES,
    PublishedPolicy,
    WorkOrderPolicy,
    policy_in_force,
)
from kamdesk.domain.workorders.view import OrderView, ReturnRecord, StepView, advance, replay
from kamdesk.domain.workorders.vocabulary import (
    Action,
    DispatchMode,
    Grade,
    Importance,
    OrderKind,
    ResourceOutcome,
    ReturnReason,
    Role,
    State,
    StepState,
)

__all__ = [
    "DEFAULT_POLICY",
    "RULES",
    "Action",
    "Actor",
    "Command",
    "DispatchMode",
    "Grade",
    "Importance",
    "OrderKind",
    "OrderView",
    "PublishedPolicy",
    "ResourceOutcome",
    "ReturnReason",
    "ReturnRecord",
    "Role",
    "State",
    "StepState",
    "StepView",
    "WorkOrderEvent",
    "WorkOrderPolicy",
    "advance",
    "allowed_actions",
    "apply",
    "check_event",
    "create_order",
    "policy_in_force",
    "possible_actions",
    "replay",
]
