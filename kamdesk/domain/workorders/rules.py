"""The transition table: from which states each action may happen, where it leads, and
who may do it. The single source of truth for the machine, the log check and the
"who may act" wording.

Routing after the industry manager's review depends on :class:`WorkOrderPolicy`: an
important order (grade A, or value strictly above the threshold) goes to the leader,
unless it is a resource-confirmation request, which goes on without the leader.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from kamdesk.domain.workorders.vocabulary import (
    ACTION_LABELS,
    CLOCK_STATES,
    ROLE_LABELS,
    SCOPED_ROLE_LABELS,
    Action,
    Grade,
    Importance,
    Role,
    Scope,
    State,
)
from kamdesk.i18n import N_, tr

DEFAULT_LEADER_VALUE_THRESHOLD = Decimal("100000.00")


@dataclass(frozen=True)
class WorkOrderPolicy:
    """Branch settings that steer the flow (HQ reference data)."""

    leader_value_threshold: Decimal = DEFAULT_LEADER_VALUE_THRESHOLD


DEFAULT_POLICY = WorkOrderPolicy()


@dataclass(frozen=True)
class PublishedPolicy:
    """One version of the work-order policy as HQ published it."""

    version: int
    effective_from: date
    leader_value_threshold: Decimal


def policy_in_force(published: Iterable[PublishedPolicy], day: date) -> WorkOrderPolicy:
    """The policy of the highest version effective on ``day`` (a local day); KAMDesk's
    defaults when none is. Desktops and HQ both decide with it, so an order's
    importance is the same on both sides."""
    current = max(
        (p for p in published if p.effective_from <= day), key=lambda p: p.version, default=None
    )
    if current is None:
        return DEFAULT_POLICY
    return WorkOrderPolicy(leader_value_threshold=current.leader_value_threshold)


def importance(
    grade: Grade, value: Decimal, resource_request: bool, policy: WorkOrderPolicy
) -> Importance:
    """Why the reviewed order does or does not need the leader."""
    if grade is not Grade.A and value <= policy.leader_value_threshold:
        return Importance.ROUTINE
    if resource_request:
        return Importance.RESOURCE_REQUEST
    return Importance.GRADE_A if grade is Grade.A else Importance.VALUE_ABOVE_THRESHOLD


@dataclass(frozen=True)
class Rule:
    """``targets`` empty means the order stays in its state (step and clock actions)."""

    action: Action
    sources: frozenset[State]
    roles: Mapping[Role, Scope]
    targets: frozenset[State] = field(default_factory=frozenset)

    def targets_from(self, state: State) -> frozenset[State]:
        return self.targets or frozenset({state})


def _rule(
    action: Action,
    sources: set[State] | frozenset[State],
    roles: Mapping[Role, Scope],
    targets: set[State] | None = None,
) -> Rule:
    return Rule(action, frozenset(sources), dict(roles), frozenset(targets or ()))


_AM = {Role.AM: Scope.OWNER}
_IM = {Role.INDUSTRY_MANAGER: Scope.GROUP}
_LEADER = {Role.LEADER: Scope.ANY}
_CLERK = {Role.CLERK: Scope.ANY}
_RC = {Role.RESPONSE_CENTER: Scope.ANY}
_STEP_WS = {Role.WORKSTATION: Scope.STEP_WORKSTATION}
_CANCELLABLE = {
    State.DRAFT,
    State.SUBMITTED,
    State.LEADER_REVIEW,
    State.APPROVED,
    *CLOCK_STATES,
}

RULES: dict[Action, Rule] = {
    rule.action: rule
    for rule in (
        _rule(Action.CREATE, set(), {Role.AM: Scope.ANY}, {State.DRAFT}),
        _rule(Action.EDIT, {State.DRAFT}, _AM),
        _rule(Action.SUBMIT, {State.DRAFT}, _AM, {State.SUBMITTED}),
        _rule(Action.REVIEW_APPROVE, {State.SUBMITTED}, _IM, {State.LEADER_REVIEW, State.APPROVED}),
        _rule(Action.REVIEW_REJECT, {State.SUBMITTED}, _IM, {State.DRAFT}),
        _rule(Action.LEADER_APPROVE, {State.LEADER_REVIEW}, _LEADER, {State.APPROVED}),
        _rule(Action.LEADER_REJECT, {State.LEADER_REVIEW}, _LEADER, {State.DRAFT}),
        _rule(Action.ISSUE, {State.APPROVED}, _CLERK, {State.ISSUED}),
        _rule(Action.CONFIRM_RESOURCES, {State.ISSUED}, _RC, {State.CONFIRMED, State.CANCELLED}),
        _rule(Action.DISPATCH, {State.CONFIRMED}, _RC, {State.DISPATCHED}),
        _rule(Action.START_STEP, {State.DISPATCHED}, _STEP_WS),
        _rule(Action.FINISH_STEP, {State.DISPATCHED}, _STEP_WS),
        _rule(Action.RETURN_STEP, {State.DISPATCHED}, _STEP_WS),
        _rule(Action.RESOLVE_RETURN, {State.DISPATCHED}, _RC),
        _rule(Action.PAUSE, CLOCK_STATES, {**_AM, **_RC}),
        _rule(Action.RESUME, CLOCK_STATES, {**_AM, **_RC}),
        _rule(
            Action.RESTORE,
            {State.DISPATCHED},
            {**_RC, Role.WORKSTATION: Scope.ORDER_WORKSTATION},
        ),
        _rule(Action.COMPLETE, {State.DISPATCHED}, _RC, {State.COMPLETED}),
        _rule(Action.ACCEPT, {State.COMPLETED}, {**_AM, **_RC}, {State.ACCEPTED}),
        _rule(Action.SIGN_OFF, {State.ACCEPTED}, _AM, {State.SIGNED_OFF}),
        _rule(Action.ARCHIVE, {State.SIGNED_OFF}, _CLERK, {State.ARCHIVED}),
        _rule(Action.CANCEL, _CANCELLABLE, {**_AM, **_LEADER}, {State.CANCELLED}),
    )
}


def role_phrase(role: Role, scope: Scope) -> str:
    """ "the order's account manager", "clerk", … in the user's language."""
    label = SCOPED_ROLE_LABELS.get((role, scope))
    return tr(label if label is not None else ROLE_LABELS[role])


def roles_phrase(action: Action) -> str:
    """Who may do ``action``, e.g. "the order's account manager or department leader"."""
    phrases = [role_phrase(role, scope) for role, scope in RULES[action].roles.items()]
    return tr(N_(" or ")).join(phrases)


def next_steps_phrase(actions: list[Action]) -> str:
    """What can happen now and who does it, e.g. "approve as leader (department leader)"."""
    if not actions:
        return tr(N_("nothing more; the order is closed"))
    parts = [
        tr(N_("{action} ({who})"), action=tr(ACTION_LABELS[a]), who=roles_phrase(a))
        for a in actions
    ]
    return tr(N_("; ")).join(parts)
