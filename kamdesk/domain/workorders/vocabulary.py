"""The words of the work-order flow: states, actions, roles and categories, with labels.

Every enum value is a stable code stored in events and shipped by sync; never rename
one. Labels are English source strings marked with ``N_``; translate them with ``tr``
when shown. ``STATE_PHRASES`` read naturally after "the order is …" in messages.
"""

from __future__ import annotations

from enum import StrEnum

from kamdesk.i18n import N_


class State(StrEnum):
    DRAFT = "draft"
    SUBMITTED = "submitted"  # waiting for the industry manager's review
    LEADER_REVIEW = "leader_review"  # important order waiting for the leader
    APPROVED = "approved"  # waiting for the clerk to issue it
    ISSUED = "issued"  # at the response center, waiting for resource confirmation
    CONFIRMED = "confirmed"  # resources confirmed, waiting for dispatch
    DISPATCHED = "dispatched"  # steps at the workstations
    COMPLETED = "completed"  # completion form done, waiting for customer acceptance
    ACCEPTED = "accepted"  # customer signed, waiting for the AM's sign-off
    SIGNED_OFF = "signed_off"  # AM signed off, waiting for the clerk to archive
    ARCHIVED = "archived"
    CANCELLED = "cancelled"


TERMINAL_STATES = frozenset({State.ARCHIVED, State.CANCELLED})

# States in which the promised-time clock runs (from issue to customer acceptance).
CLOCK_STATES = frozenset({State.ISSUED, State.CONFIRMED, State.DISPATCHED, State.COMPLETED})

STATE_LABELS: dict[State, str] = {
    State.DRAFT: N_("Draft"),
    State.SUBMITTED: N_("Waiting for review"),
    State.LEADER_REVIEW: N_("Waiting for leader approval"),
    State.APPROVED: N_("Approved, to be issued"),
    State.ISSUED: N_("Issued, resources to confirm"),
    State.CONFIRMED: N_("Resources confirmed, to dispatch"),
    State.DISPATCHED: N_("In execution"),
    State.COMPLETED: N_("Completed, awaiting acceptance"),
    State.ACCEPTED: N_("Accepted, awaiting sign-off"),
    State.SIGNED_OFF: N_("Signed off, to archive"),
    State.ARCHIVED: N_("Archived"),
    State.CANCELLED: N_("Cancelled"),
}

STATE_PHRASES: dict[State, str] = {
    State.DRAFT: N_("a draft"),
    State.SUBMITTED: N_("waiting for the industry manager's review"),
    State.LEADER_REVIEW: N_("waiting for the department leader's approval"),
    State.APPROVED: N_("approved and waiting to be issued by the clerk"),
    State.ISSUED: N_("issued and waiting for the response center to confirm resources"),
    State.CONFIRMED: N_("confirmed and waiting to be dispatched"),
    State.DISPATCHED: N_("being executed at the workstations"),
    State.COMPLETED: N_("completed and waiting for the customer's acceptance"),
    State.ACCEPTED: N_("accepted by the customer and waiting for the account manager's sign-off"),
    State.SIGNED_OFF: N_("signed off and waiting to be archived"),
    State.ARCHIVED: N_("archived"),
    State.CANCELLED: N_("cancelled"),
}


class Action(StrEnum):
    CREATE = "create"
    EDIT = "edit"
    SUBMIT = "submit"
    REVIEW_APPROVE = "review_approve"
    REVIEW_REJECT = "review_reject"
    LEADER_APPROVE = "leader_approve"
    LEADER_REJECT = "leader_reject"
    ISSUE = "issue"
    CONFIRM_RESOURCES = "confirm_resources"
    DISPATCH = "dispatch"
    START_STEP = "start_step"
    FINISH_STEP = "finish_step"
    RETURN_STEP = "return_step"
    RESOLVE_RETURN = "resolve_return"
    PAUSE = "pause"
    RESUME = "resume"
    RESTORE = "restore"
    COMPLETE = "complete"
    ACCEPT = "accept"
    SIGN_OFF = "sign_off"
    ARCHIVE = "archive"
    CANCEL = "cancel"


ACTION_LABELS: dict[Action, str] = {
    Action.CREATE: N_("create the order"),
    Action.EDIT: N_("edit the draft"),
    Action.SUBMIT: N_("submit for review"),
    Action.REVIEW_APPROVE: N_("approve the review"),
    Action.REVIEW_REJECT: N_("send back from review"),
    Action.LEADER_APPROVE: N_("approve as leader"),
    Action.LEADER_REJECT: N_("send back as leader"),
    Action.ISSUE: N_("issue to the response center"),
    Action.CONFIRM_RESOURCES: N_("confirm resources"),
    Action.DISPATCH: N_("dispatch to workstations"),
    Action.START_STEP: N_("start a step"),
    Action.FINISH_STEP: N_("finish a step"),
    Action.RETURN_STEP: N_("return a step"),
    Action.RESOLVE_RETURN: N_("handle a returned step"),
    Action.PAUSE: N_("pause the clock"),
    Action.RESUME: N_("resume the clock"),
    Action.RESTORE: N_("record service restored"),
    Action.COMPLETE: N_("complete the order"),
    Action.ACCEPT: N_("record customer acceptance"),
    Action.SIGN_OFF: N_("sign off"),
    Action.ARCHIVE: N_("archive"),
    Action.CANCEL: N_("cancel the order"),
}


class Role(StrEnum):
    AM = "am"
    INDUSTRY_MANAGER = "industry_manager"
    LEADER = "leader"
    CLERK = "clerk"
    RESPONSE_CENTER = "response_center"
    WORKSTATION = "workstation"
    ADMIN = "admin"
    HQ_ANALYST = "hq_analyst"


ROLE_LABELS: dict[Role, str] = {
    Role.AM: N_("account manager"),
    Role.INDUSTRY_MANAGER: N_("industry manager"),
    Role.LEADER: N_("department leader"),
    Role.CLERK: N_("clerk"),
    Role.RESPONSE_CENTER: N_("response center"),
    Role.WORKSTATION: N_("workstation"),
    Role.ADMIN: N_("branch admin"),
    Role.HQ_ANALYST: N_("HQ analyst"),
}


class Scope(StrEnum):
    """Which orders (or steps) of its role an actor may act on."""

    ANY = "any"
    OWNER = "owner"  # the account manager who owns the order
    GROUP = "group"  # an industry manager of the order's industry group
    STEP_WORKSTATION = "step_workstation"  # the workstation the named step is assigned to
    ORDER_WORKSTATION = "order_workstation"  # a workstation with a step on the order


SCOPED_ROLE_LABELS: dict[tuple[Role, Scope], str] = {
    (Role.AM, Scope.OWNER): N_("the order's account manager"),
    (Role.INDUSTRY_MANAGER, Scope.GROUP): N_("the industry manager of the order's group"),
    (Role.WORKSTATION, Scope.STEP_WORKSTATION): N_("the workstation the step is assigned to"),
    (Role.WORKSTATION, Scope.ORDER_WORKSTATION): N_("a workstation with a step on the order"),
}


class OrderKind(StrEnum):
    DEMAND = "demand"
    FAULT = "fault"


ORDER_KIND_LABELS: dict[OrderKind, str] = {
    OrderKind.DEMAND: N_("demand order"),
    OrderKind.FAULT: N_("fault order"),
}


class Grade(StrEnum):
    A = "A"
    B = "B"
    C = "C"


class ResourceOutcome(StrEnum):
    AVAILABLE = "available"
    NEEDS_CONSTRUCTION = "needs_construction"
    NOT_POSSIBLE = "not_possible"


RESOURCE_OUTCOME_LABELS: dict[ResourceOutcome, str] = {
    ResourceOutcome.AVAILABLE: N_("resources available"),
    ResourceOutcome.NEEDS_CONSTRUCTION: N_("needs construction"),
    ResourceOutcome.NOT_POSSIBLE: N_("not possible"),
}


class DispatchMode(StrEnum):
    SEQUENTIAL = "sequential"
    PARALLEL = "parallel"


DISPATCH_MODE_LABELS: dict[DispatchMode, str] = {
    DispatchMode.SEQUENTIAL: N_("in order"),
    DispatchMode.PARALLEL: N_("in parallel"),
}


class StepState(StrEnum):
    PENDING = "pending"
    IN_PROGRESS = "in_progress"
    DONE = "done"
    RETURNED = "returned"


STEP_STATE_LABELS: dict[StepState, str] = {
    StepState.PENDING: N_("waiting"),
    StepState.IN_PROGRESS: N_("in progress"),
    StepState.DONE: N_("done"),
    StepState.RETURNED: N_("returned"),
}


class ReturnReason(StrEnum):
    CUSTOMER_NOT_READY = "customer_not_ready"
    RESOURCE_MISSING = "resource_missing"
    DATA_ERROR = "data_error"
    EXECUTION_ERROR = "execution_error"
    OTHER = "other"


RETURN_REASON_LABELS: dict[ReturnReason, str] = {
    ReturnReason.CUSTOMER_NOT_READY: N_("customer not ready"),
    ReturnReason.RESOURCE_MISSING: N_("resource missing"),
    ReturnReason.DATA_ERROR: N_("data error"),
    ReturnReason.EXECUTION_ERROR: N_("execution error"),
    ReturnReason.OTHER: N_("other"),
}


class Importance(StrEnum):
    """Why the review did (or did not) route the order to the leader."""

    GRADE_A = "grade_a"
    VALUE_ABOVE_THRESHOLD = "value_above_threshold"
    RESOURCE_REQUEST = "resource_request"  # important, but a resource request skips the leader
    ROUTINE = "routine"


IMPORTANCE_LABELS: dict[Importance, str] = {
    Importance.GRADE_A: N_("grade A account: needs the leader's approval"),
    Importance.VALUE_ABOVE_THRESHOLD: N_("value above the threshold: needs the leader's approval"),
    Importance.RESOURCE_REQUEST: N_("resource-confirmation request: goes on without the leader"),
    Importance.ROUTINE: N_("routine order: no leader approval needed"),
}
