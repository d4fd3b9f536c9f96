"""Property: no random sequence of transition attempts, by random people, gets an order
into a state or a transition the rules forbid; and replaying the log always gives the
view that was built event by event.

The allowed edges and roles below are written out by hand from DOMAIN.md, independently
of ``kamdesk.domain.workorders.rules``; every accepted event is checked against them.
"""

from __future__ import annotations

from collections import Counter
from datetime import datetime, timedelta
from decimal import Decimal

import hypothesis.strategies as st
from hypothesis import HealthCheck, event, settings
from hypothesis.stateful import RuleBasedStateMachine, initialize, invariant, rule

from kamdesk import i18n
from kamdesk.domain.clock import SHANGHAI
from kamdesk.domain.workorders import (
    Action,
    Actor,
    Command,
    OrderView,
    Role,
    State,
    StepState,
    WorkOrderEvent,
    advance,
    apply,
    check_event,
    create_order,
    replay,
)
from kamdesk.errors import KamdeskError

A, S = Action, State
CLOCK = (S.ISSUED, S.CONFIRMED, S.DISPATCHED, S.COMPLETED)
OPEN = (S.DRAFT, S.SUBMITTED, S.LEADER_REVIEW, S.APPROVED, *CLOCK)

EDGES: dict[tuple[State, Action], set[State]] = {
    (S.DRAFT, A.EDIT): {S.DRAFT},
    (S.DRAFT, A.SUBMIT): {S.SUBMITTED},
    (S.SUBMITTED, A.REVIEW_APPROVE): {S.LEADER_REVIEW, S.APPROVED},
    (S.SUBMITTED, A.REVIEW_REJECT): {S.DRAFT},
    (S.LEADER_REVIEW, A.LEADER_APPROVE): {S.APPROVED},
    (S.LEADER_REVIEW, A.LEADER_REJECT): {S.DRAFT},
    (S.APPROVED, A.ISSUE): {S.ISSUED},
    (S.ISSUED, A.CONFIRM_RESOURCES): {S.CONFIRMED, S.CANCELLED},
    (S.CONFIRMED, A.DISPATCH): {S.DISPATCHED},
    **{
        (S.DISPATCHED, a): {S.DISPATCHED}
        for a in (A.START_STEP, A.FINISH_STEP, A.RETURN_STEP, A.RESOLVE_RETURN, A.RESTORE)
    },
    **{(s, a): {s} for s in CLOCK for a in (A.PAUSE, A.RESUME)},
    (S.DISPATCHED, A.COMPLETE): {S.COMPLETED},
    (S.COMPLETED, A.ACCEPT): {S.ACCEPTED},
    (S.ACCEPTED, A.SIGN_OFF): {S.SIGNED_OFF},
    (S.SIGNED_OFF, A.ARCHIVE): {S.ARCHIVED},
    **{(s, A.CANCEL): {S.CANCELLED} for s in OPEN},
}

R = Role
ROLES: dict[Action, set[Role]] = {
    A.CREATE: {R.AM},
    A.EDIT: {R.AM},
    A.SUBMIT: {R.AM},
    A.REVIEW_APPROVE: {R.INDUSTRY_MANAGER},
    A.REVIEW_REJECT: {R.INDUSTRY_MANAGER},
    A.LEADER_APPROVE: {R.LEADER},
    A.LEADER_REJECT: {R.LEADER},
    A.ISSUE: {R.CLERK},
    A.CONFIRM_RESOURCES: {R.RESPONSE_CENTER},
    A.DISPATCH: {R.RESPONSE_CENTER},
    A.START_STEP: {R.WORKSTATION},
    A.FINISH_STEP: {R.WORKSTATION},
    A.RETURN_STEP: {R.WORKSTATION},
    A.RESOLVE_RETURN: {R.RESPONSE_CENTER},
    A.PAUSE: {R.AM, R.RESPONSE_CENTER},
    A.RESUME: {R.AM, R.RESPONSE_CENTER},
    A.RESTORE: {R.RESPONSE_CENTER, R.WORKSTATION},
    A.COMPLETE: {R.RESPONSE_CENTER},
    A.ACCEPT: {R.AM, R.RESPONSE_CENTER},
    A.SIGN_OFF: {R.AM},
    A.ARCHIVE: {R.CLERK},
    A.CANCEL: {R.AM, R.LEADER},
}

FORWARD: dict[State, list[Action]] = {
    S.DRAFT: [A.SUBMIT],
    S.SUBMITTED: [A.REVIEW_APPROVE],
    S.LEADER_REVIEW: [A.LEADER_APPROVE],
    S.APPROVED: [A.ISSUE],
    S.ISSUED: [A.CONFIRM_RESOURCES],
    S.CONFIRMED: [A.DISPATCH],
    S.DISPATCHED: [A.START_STEP, A.FINISH_STEP, A.RESOLVE_RETURN, A.RESTORE, A.COMPLETE],
    S.COMPLETED: [A.ACCEPT],
    S.ACCEPTED: [A.SIGN_OFF],
    S.SIGNED_OFF: [A.ARCHIVE],
}
STEP_ACTIONS = (A.START_STEP, A.FINISH_STEP, A.RETURN_STEP, A.RESOLVE_RETURN)
OWNER = "am-owner"
GROUP = "finance"
PEOPLE = [
    Actor(OWNER, R.AM),
    Actor("am-other", R.AM),
    Actor("im-fin", R.INDUSTRY_MANAGER, industry_groups=frozenset({GROUP})),
    Actor("im-it", R.INDUSTRY_MANAGER, industry_groups=frozenset({"it"})),
    Actor("leader", R.LEADER),
    Actor("clerk", R.CLERK),
    Actor("rc", R.RESPONSE_CENTER),
    Actor("ws-1", R.WORKSTATION, workstations=frozenset({"W1"})),
    Actor("ws-2", R.WORKSTATION, workstations=frozenset({"W2", "W3"})),
    Actor("admin", R.ADMIN),
    Actor("hq", R.HQ_ANALYST),
]
BY_ID = {p.user_id: p for p in PEOPLE}
THRESHOLD = Decimal("100000")
T0 = datetime(2026, 9, 28, 10, 0, tzinfo=SHANGHAI)

text = st.sampled_from(["客户要求", "ok", "ok", "", "   "])


def payloads(action: Action) -> st.SearchStrategy[dict[str, object]]:
    """Mostly valid, sometimes wrong, form data for ``action``.

    Built once per action: ``step_id`` is a placeholder and step deadlines are hour
    offsets, both filled in by :meth:`WorkOrderAttempts.attempt`.
    """
    step_ids = st.just("?")
    if action is A.EDIT:
        return st.fixed_dictionaries(
            {},
            optional={
                "grade": st.sampled_from(["A", "B", "C", "Z"]),
                "value": st.sampled_from(["0", "100000", "100000.01", "-5"]),
                "resource_request": st.booleans(),
            },
        )
    if action in (A.REVIEW_REJECT, A.LEADER_REJECT, A.PAUSE, A.CANCEL):
        return st.fixed_dictionaries({"reason": text})
    if action is A.ISSUE:
        return st.fixed_dictionaries(
            {
                "promised_days": st.sampled_from([0, 1, 5, 20, 400]),
                "sla_mode": st.sampled_from(["calendar", "working_days", "weekly"]),
            }
        )
    if action is A.CONFIRM_RESOURCES:
        return st.fixed_dictionaries(
            {
                "outcome": st.sampled_from(
                    ["available"] * 4 + ["needs_construction"] * 2 + ["not_possible", "?"]
                )
            },
            optional={"detail": text},
        )
    if action is A.DISPATCH:
        step = st.fixed_dictionaries(
            {
                "step_id": st.sampled_from(["S1", "S2", "S3"]),
                "workstation": st.sampled_from(["W1", "W2", "W3"]),
                "planned_hours": st.sampled_from(["2", "0.5", 3, "2", "0"]),
                "deadline": st.sampled_from([24, 300, 48, -2]),
            }
        )
        return st.fixed_dictionaries(
            {
                "mode": st.sampled_from(["sequential", "parallel", "random"]),
                "steps": st.one_of(
                    st.lists(step, min_size=1, max_size=3, unique_by=lambda s: s["step_id"]),
                    st.lists(step, min_size=0, max_size=3),
                ),
            }
        )
    if action in (A.START_STEP, A.FINISH_STEP):
        return st.fixed_dictionaries({"step_id": step_ids})
    if action is A.RETURN_STEP:
        return st.fixed_dictionaries(
            {
                "step_id": step_ids,
                "reason": st.sampled_from(
                    ["customer_not_ready", "resource_missing", "data_error", "execution_error",
                     "other", "bored"]
                ),
            },
            optional={"detail": text, "emergency_handling": text},
        )  # fmt: skip
    if action is A.RESOLVE_RETURN:
        return st.fixed_dictionaries(
            {"step_id": step_ids, "resolution": text},
            optional={"workstation": st.sampled_from(["W1", "W2"])},
        )
    if action is A.COMPLETE:
        return st.fixed_dictionaries({"results": text})
    if action is A.ACCEPT:
        return st.fixed_dictionaries(
            {
                "signature_ref": st.sampled_from(["", "sha256:ab12"]),
                "signer_name": st.sampled_from(["", "王女士"]),
                "satisfaction": st.sampled_from([0, 1, 3, 5, 6, True]),
            }
        )
    return st.just({})


PAYLOADS = {action: payloads(action) for action in Action}


def fill_in(payload: dict[str, object], step_id: str, at: datetime) -> dict[str, object]:
    """Put the drawn step into the payload and turn deadline offsets into instants."""
    out = dict(payload)
    if "step_id" in out:
        out["step_id"] = step_id
    if isinstance(out.get("steps"), list):
        out["steps"] = [
            {**step, "deadline": at + timedelta(hours=step["deadline"])} for step in out["steps"]
        ]
    return out


class WorkOrderAttempts(RuleBasedStateMachine):
    def __init__(self) -> None:
        super().__init__()
        i18n.set_language("en")
        self.events: list[WorkOrderEvent] = []
        self.view: OrderView | None = None
        self.at = T0

    def teardown(self) -> None:
        i18n.set_language(i18n.DEFAULT_LANGUAGE)
        if self.view is not None:
            event(f"final state: {self.view.state}")
            # Replaying the log gives the view built event by event, also after shipping.
            assert replay(self.events) == self.view
            shipped = [WorkOrderEvent.from_json_dict(e.to_json_dict()) for e in self.events]
            assert replay(shipped) == self.view

    @initialize(
        kind=st.sampled_from(["demand", "fault"]),
        grade=st.sampled_from(["A", "B", "C"]),
        value=st.sampled_from(["500", "100000", "250000"]),
        resource_request=st.booleans(),
    )
    def create(self, kind: str, grade: str, value: str, resource_request: bool) -> None:
        payload: dict[str, object] = {
            "kind": kind, "industry_group": GROUP, "grade": grade, "value": value,
            "resource_request": resource_request,
        }  # fmt: skip
        if kind == "fault":
            payload["reported_at"] = (T0 - timedelta(hours=1)).isoformat()
        first = create_order("WO-P", Command(A.CREATE, payload), BY_ID[OWNER], T0)
        self.events = [first]
        self.view = advance(None, first)

    @rule(data=st.data())
    def attempt(self, data: st.DataObject) -> None:
        view = self.view
        assert view is not None
        # Steer towards the flow so that runs get deep; cancelling stays possible but rare.
        suggested = sorted(a for (s, a) in EDGES if s is view.state and a is not A.CANCEL)
        steer = data.draw(st.integers(0, 9))
        if view.state in FORWARD and steer < 5:
            action = data.draw(st.sampled_from(FORWARD[view.state]))
        elif suggested and steer < 8:
            action = data.draw(st.sampled_from(suggested))
        else:
            action = data.draw(st.sampled_from(list(Action)))
        at = self.at + timedelta(minutes=data.draw(st.integers(0, 3 * 24 * 60)))
        fitting = [p for p in PEOPLE if p.role in ROLES[action]]
        step_id = "S9"  # no such step, unless one is drawn
        if view.steps and data.draw(st.integers(0, 9)) < 8:
            step = data.draw(st.sampled_from(view.steps))
            step_id = step.step_id
            if action in STEP_ACTIONS:
                workers = [p for p in fitting if step.workstation in p.workstations]
                fitting = workers or fitting
        payload = fill_in(data.draw(PAYLOADS[action]), step_id, at)
        if data.draw(st.integers(0, 9)) < 7:
            actor = data.draw(st.sampled_from(fitting))
        else:
            actor = data.draw(st.sampled_from(PEOPLE))
        try:
            new = apply(view, Command(action, payload), actor, at)
        except KamdeskError as err:
            self._check_refusal(view, action, err)
            return
        self._check_event(view, new, actor)
        self.events.append(new)
        self.view = advance(view, new)
        self.at = at

    def _check_refusal(self, view: OrderView, action: Action, err: KamdeskError) -> None:
        text = err.message()
        assert text and "{" not in text, text  # every refusal reads as a sentence
        assert not err.code.startswith("workorder.corrupt"), err.code
        if (view.state, action) not in EDGES:
            assert err.code == "workorder.illegal_transition"
        if err.code == "workorder.illegal_transition":
            assert err.params["state"] == view.state.value
            assert f"the order is {err.params['state_label']}" in text
            assert err.params["state_label"]

    def _check_event(self, view: OrderView, new: WorkOrderEvent, actor: Actor) -> None:
        edge = (view.state, new.action)
        assert edge in EDGES, f"forbidden transition {edge}"
        assert new.to_state in EDGES[edge], f"{edge} must not lead to {new.to_state}"
        assert actor.role in ROLES[new.action], f"{actor.role} did {new.action}"
        assert (new.seq, new.from_state, new.actor_id) == (view.seq + 1, view.state, actor.user_id)
        if actor.role is R.AM:
            assert actor.user_id == OWNER, "an AM acted on someone else's order"
        if actor.role is R.INDUSTRY_MANAGER:
            assert GROUP in actor.industry_groups
        if new.action in (A.START_STEP, A.FINISH_STEP, A.RETURN_STEP):
            step = view.step(str(new.payload["step_id"]))
            assert step is not None and step.workstation in actor.workstations
            if new.action is A.START_STEP or step.state is StepState.PENDING:
                previous = view.steps[: step.position]
                sequential = view.dispatch_mode is not None and view.dispatch_mode == "sequential"
                assert not sequential or all(p.state is StepState.DONE for p in previous)
        if new.action is A.RESTORE:
            assert view.kind == "fault" and view.restored_at is None
        if new.action is A.REVIEW_APPROVE:
            important = view.grade == "A" or view.value > THRESHOLD
            expected = S.LEADER_REVIEW if important and not view.resource_request else S.APPROVED
            assert new.to_state is expected
        if new.action is A.COMPLETE:
            assert view.steps and all(s.state is StepState.DONE for s in view.steps)
            assert view.kind == "demand" or view.restored_at is not None
        if new.action is A.ACCEPT:
            assert new.payload["signature_ref"] and new.payload["signer_name"]
            score = new.payload["satisfaction"]
            assert type(score) is int and 1 <= score <= 5
        if new.action in (A.CANCEL, A.REVIEW_REJECT, A.LEADER_REJECT, A.PAUSE):
            assert str(new.payload["reason"]).strip()
        check_event(view, new, actor)  # what HQ will run on arrival agrees

    @invariant()
    def the_view_agrees_with_the_log(self) -> None:
        view = self.view
        if view is None:
            return
        actions = Counter(e.action for e in self.events)
        assert view.return_count == actions[A.RETURN_STEP]
        open_pauses = [p for p in view.pauses if p.end is None]
        assert len(open_pauses) <= 1 and len(view.pauses) == actions[A.PAUSE]
        assert (view.issued_at is None) == (actions[A.ISSUE] == 0)
        if view.state in (S.ACCEPTED, S.SIGNED_OFF, S.ARCHIVED):
            assert view.satisfaction in range(1, 6) and view.signature_ref
            assert all(s.state is StepState.DONE for s in view.steps) and not view.paused
        if view.state is S.ARCHIVED:
            order = [e.action for e in self.events]
            milestones = [A.ISSUE, A.CONFIRM_RESOURCES, A.DISPATCH, A.COMPLETE, A.ACCEPT,
                          A.SIGN_OFF, A.ARCHIVE]  # fmt: skip
            positions = [order.index(m) for m in milestones]
            assert positions == sorted(positions)
        terminal = [i for i, e in enumerate(self.events) if e.to_state in (S.ARCHIVED, S.CANCELLED)]
        assert not terminal or terminal[0] == len(self.events) - 1, "an event after the end"
        if view.state is S.CANCELLED:
            assert view.cancel_reason and not view.paused


WorkOrderAttempts.TestCase.settings = settings(
    max_examples=150,
    stateful_step_count=80,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
)
TestWorkOrderAttempts = WorkOrderAttempts.TestCase
