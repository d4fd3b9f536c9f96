"""Work orders walk DOMAIN.md's four closed loops, and every refusal says why and who acts."""

from __future__ import annotations

import json
from collections.abc import Mapping
from datetime import datetime, timedelta
from decimal import Decimal

import pytest

from kamdesk.domain.clock import SHANGHAI
from kamdesk.domain.sla import Promise, SlaMode
from kamdesk.domain.workorders import (
    Action,
    Actor,
    Command,
    Importance,
    OrderView,
    ReturnReason,
    Role,
    State,
    StepState,
    WorkOrderEvent,
    WorkOrderPolicy,
    advance,
    allowed_actions,
    apply,
    check_event,
    create_order,
    replay,
)
from kamdesk.errors import KamdeskError

AM = Actor("am-li", Role.AM)
OTHER_AM = Actor("am-wang", Role.AM)
IM = Actor("im-zhao", Role.INDUSTRY_MANAGER, industry_groups=frozenset({"finance"}))
IM_OTHER = Actor("im-qian", Role.INDUSTRY_MANAGER, industry_groups=frozenset({"tourism"}))
LEADER = Actor("leader-sun", Role.LEADER)
CLERK = Actor("clerk-zhou", Role.CLERK)
RC = Actor("rc-wu", Role.RESPONSE_CENTER)
WS1 = Actor("ws-zheng", Role.WORKSTATION, workstations=frozenset({"W01"}))
WS2 = Actor("ws-feng", Role.WORKSTATION, workstations=frozenset({"W02"}))
ADMIN = Actor("admin", Role.ADMIN)
ACTORS = {a.user_id: a for a in (AM, OTHER_AM, IM, IM_OTHER, LEADER, CLERK, RC, WS1, WS2, ADMIN)}

T0 = datetime(2026, 3, 2, 9, 0, tzinfo=SHANGHAI)


pytestmark = pytest.mark.usefixtures("english")


class Order:
    """Drives one order through the machine, keeping its log and its folded view."""

    def __init__(self, **create: object) -> None:
        payload = {"kind": "demand", "industry_group": "finance", "grade": "B", "value": "8000"}
        payload.update(create)  # type: ignore[arg-type]
        self.at = T0
        self.events = [create_order("WO-1", Command(Action.CREATE, payload), AM, self.at)]
        self.view: OrderView = replay(self.events)

    def do(
        self,
        actor: Actor,
        action: Action,
        payload: Mapping[str, object] | None = None,
        hours: float = 1,
        policy: WorkOrderPolicy | None = None,
    ) -> WorkOrderEvent:
        self.at += timedelta(hours=hours)
        kwargs = {} if policy is None else {"policy": policy}
        event = apply(self.view, Command(action, payload or {}), actor, self.at, **kwargs)
        self.events.append(event)
        self.view = advance(self.view, event)
        return event

    def refused(
        self, actor: Actor, action: Action, payload: Mapping[str, object] | None = None
    ) -> KamdeskError:
        with pytest.raises(KamdeskError) as info:
            apply(self.view, Command(action, payload or {}), actor, self.at + timedelta(hours=1))
        return info.value

    def to_dispatch(self, mode: str = "sequential", workstations: tuple[str, ...] = ("W01", "W02")):
        self.do(AM, Action.SUBMIT)
        self.do(IM, Action.REVIEW_APPROVE)
        if self.view.state is State.LEADER_REVIEW:
            self.do(LEADER, Action.LEADER_APPROVE)
        self.do(CLERK, Action.ISSUE, {"promised_days": 5, "sla_mode": "working_days"})
        self.do(RC, Action.CONFIRM_RESOURCES, {"outcome": "available"})
        steps = [
            {
                "step_id": f"S{i + 1}",
                "workstation": ws,
                "planned_hours": "4.5",
                "deadline": self.at + timedelta(days=3),
                "task": "开通 MPLS VPN 端口",
            }
            for i, ws in enumerate(workstations)
        ]
        self.do(RC, Action.DISPATCH, {"mode": mode, "steps": steps})

    def run_step(self, step_id: str) -> None:
        actor = WS1 if self.view.step(step_id).workstation == "W01" else WS2  # type: ignore[union-attr]
        self.do(actor, Action.START_STEP, {"step_id": step_id})
        self.do(actor, Action.FINISH_STEP, {"step_id": step_id, "result": "ok"})


ACCEPTANCE = {"signature_ref": "sha256:9f2c", "signer_name": "王经理", "satisfaction": 4}


def test_routine_demand_goes_from_draft_to_archive_with_a_return_order_on_the_way():
    order = Order()
    order.to_dispatch()
    order.do(WS1, Action.START_STEP, {"step_id": "S1"})
    order.do(
        WS1,
        Action.RETURN_STEP,
        {"step_id": "S1", "reason": "customer_not_ready", "emergency_handling": "临时跳线"},
    )
    assert order.view.steps[0].state is StepState.RETURNED
    order.do(RC, Action.RESOLVE_RETURN, {"step_id": "S1", "resolution": "customer ready on Monday"})
    order.run_step("S1")
    order.run_step("S2")
    order.do(RC, Action.COMPLETE, {"results": "circuit up", "test_results": "ping 0% loss"})
    order.do(AM, Action.ACCEPT, ACCEPTANCE)
    order.do(AM, Action.SIGN_OFF)
    order.do(CLERK, Action.ARCHIVE)

    view = order.view
    assert view.state is State.ARCHIVED
    assert view.importance is Importance.ROUTINE  # grade B, 8,000 CNY: no leader
    assert [e.to_state for e in order.events[:5]] == [
        State.DRAFT,
        State.SUBMITTED,
        State.APPROVED,
        State.ISSUED,
        State.CONFIRMED,
    ]
    assert view.return_count == 1
    assert view.returns[0].reason is ReturnReason.CUSTOMER_NOT_READY
    assert view.returns[0].emergency_handling == "临时跳线"
    assert view.returns[0].resolution == "customer ready on Monday"
    assert view.steps[0].return_count == 1 and view.steps[1].return_count == 0
    assert view.satisfaction == 4 and view.signer_name == "王经理"
    assert view.promise == Promise(5, SlaMode.WORKING_DAYS)
    assert view.issued_at == T0 + timedelta(hours=3)
    assert view.accepted_at is not None and view.archived_at is not None
    assert view.steps[0].planned_hours == Decimal("4.5")
    assert replay(order.events) == view


@pytest.mark.parametrize(
    ("grade", "value", "resource_request", "state", "why"),
    [
        ("A", "100", False, State.LEADER_REVIEW, Importance.GRADE_A),
        ("B", "100000.01", False, State.LEADER_REVIEW, Importance.VALUE_ABOVE_THRESHOLD),
        ("C", "100000", False, State.APPROVED, Importance.ROUTINE),  # not *above* the threshold
        ("A", "500000", True, State.APPROVED, Importance.RESOURCE_REQUEST),
    ],
)
def test_review_routes_important_orders_to_the_leader_unless_they_are_resource_requests(
    grade: str, value: str, resource_request: bool, state: State, why: Importance
):
    order = Order(grade=grade, value=value, resource_request=resource_request)
    order.do(AM, Action.SUBMIT)
    event = order.do(IM, Action.REVIEW_APPROVE)
    assert event.to_state is state
    assert order.view.importance is why
    assert event.payload["needs_leader"] is (state is State.LEADER_REVIEW)


def test_the_leader_threshold_is_configurable():
    order = Order(grade="C", value="60000")
    order.do(AM, Action.SUBMIT)
    event = order.do(IM, Action.REVIEW_APPROVE, policy=WorkOrderPolicy(Decimal("50000")))
    assert event.to_state is State.LEADER_REVIEW
    assert event.payload["threshold"] == "50000"


def test_leader_can_send_an_order_back_to_draft_and_the_am_resubmits():
    order = Order(grade="A")
    order.do(AM, Action.SUBMIT)
    order.do(IM, Action.REVIEW_APPROVE)
    order.do(LEADER, Action.LEADER_REJECT, {"reason": "price not agreed"})
    assert order.view.state is State.DRAFT
    assert order.view.last_rejection == "price not agreed"
    order.do(AM, Action.EDIT, {"grade": "B", "value": "9000"})
    order.do(AM, Action.SUBMIT)
    assert order.do(IM, Action.REVIEW_APPROVE).to_state is State.APPROVED


def test_resources_not_possible_ends_the_order_as_cancelled_with_the_reason():
    order = Order()
    order.do(AM, Action.SUBMIT)
    order.do(IM, Action.REVIEW_APPROVE)
    order.do(CLERK, Action.ISSUE, {"promised_days": 3, "sla_mode": "calendar"})
    err = order.refused(RC, Action.CONFIRM_RESOURCES, {"outcome": "not_possible"})
    assert err.code == "workorder.reason_required"
    order.do(RC, Action.CONFIRM_RESOURCES, {"outcome": "not_possible", "detail": "无光缆资源"})
    assert order.view.state is State.CANCELLED
    assert order.view.cancel_reason == "无光缆资源"
    assert order.view.confirmed_at is not None  # counts for K03 all the same
    assert order.refused(RC, Action.DISPATCH).code == "workorder.illegal_transition"


def test_sequential_steps_wait_for_the_previous_one_parallel_steps_do_not():
    order = Order()
    order.to_dispatch("sequential")
    err = order.refused(WS2, Action.START_STEP, {"step_id": "S2"})
    assert err.code == "workorder.step_waits_for_previous"
    assert "step S1 must be done before step S2" in err.message()

    parallel = Order()
    parallel.to_dispatch("parallel")
    parallel.do(WS2, Action.START_STEP, {"step_id": "S2"})
    parallel.do(WS1, Action.START_STEP, {"step_id": "S1"})
    assert {s.state for s in parallel.view.steps} == {StepState.IN_PROGRESS}


def test_completion_needs_every_step_done():
    order = Order()
    order.to_dispatch("parallel")
    order.run_step("S1")
    err = order.refused(RC, Action.COMPLETE, {"results": "done"})
    assert err.code == "workorder.steps_open"
    assert "S2" in err.message()


def test_a_returned_step_can_be_reassigned_to_another_workstation():
    order = Order()
    order.to_dispatch("parallel", workstations=("W01",))
    order.do(WS1, Action.RETURN_STEP, {"step_id": "S1", "reason": "other", "detail": "设备故障"})
    new_deadline = order.at + timedelta(days=2)
    order.do(
        RC,
        Action.RESOLVE_RETURN,
        {"step_id": "S1", "resolution": "moved", "workstation": "W02", "deadline": new_deadline},
    )
    step = order.view.steps[0]
    assert (step.state, step.workstation, step.deadline) == (StepState.PENDING, "W02", new_deadline)
    assert order.refused(WS1, Action.START_STEP, {"step_id": "S1"}).code == (
        "workorder.not_your_workstation"
    )
    order.do(WS2, Action.START_STEP, {"step_id": "S1"})


def test_return_reasons_are_a_closed_list_and_other_needs_a_description():
    order = Order()
    order.to_dispatch("parallel")
    bad = order.refused(WS1, Action.RETURN_STEP, {"step_id": "S1", "reason": "tired"})
    assert bad.code == "workorder.bad_choice"
    assert "customer_not_ready" in bad.message()
    other = order.refused(WS1, Action.RETURN_STEP, {"step_id": "S1", "reason": "other"})
    assert other.code == "workorder.detail_required"


def test_fault_order_runs_the_repair_clock_and_cannot_complete_before_restoration():
    reported = T0 - timedelta(hours=2)
    order = Order(kind="fault", reported_at=reported.isoformat(), grade="B")
    order.to_dispatch("parallel", workstations=("W01",))
    order.run_step("S1")
    assert order.refused(RC, Action.COMPLETE, {"results": "x"}).code == (
        "workorder.fault_not_restored"
    )
    order.do(WS1, Action.RESTORE, {"note": "备用路由"})
    assert order.refused(RC, Action.RESTORE).code == "workorder.already_restored"
    order.do(RC, Action.COMPLETE, {"results": "fibre spliced"})
    assert order.view.reported_at == reported
    assert order.view.repair_time == order.view.restored_at - reported  # type: ignore[operator]
    assert order.view.repair_time > timedelta(hours=8)  # type: ignore[operator]


def test_a_demand_order_has_no_repair_clock():
    order = Order()
    order.to_dispatch("parallel")
    assert order.refused(RC, Action.RESTORE).code == "workorder.not_a_fault"


def test_fault_orders_need_a_report_time_no_later_than_creation():
    with pytest.raises(KamdeskError) as missing:
        create_order("F", Command(Action.CREATE, {"kind": "fault", "industry_group": "it",
                                                  "grade": "B", "value": "0"}), AM, T0)  # fmt: skip
    assert missing.value.code == "workorder.missing_field"
    future = (T0 + timedelta(minutes=5)).isoformat()
    with pytest.raises(KamdeskError) as late:
        create_order(
            "F",
            Command(
                Action.CREATE,
                {"kind": "fault", "industry_group": "it", "grade": "B", "value": "0",
                 "reported_at": future},
            ),
            AM,
            T0,
        )  # fmt: skip
    assert late.value.code == "workorder.reported_after_created"


def test_pauses_record_intervals_and_acceptance_closes_an_open_pause():
    order = Order()
    order.to_dispatch("parallel", workstations=("W01",))
    order.do(AM, Action.PAUSE, {"reason": "客户机房未就绪"})
    assert order.refused(RC, Action.PAUSE, {"reason": "again"}).code == "workorder.already_paused"
    order.do(RC, Action.RESUME, hours=5)
    assert order.refused(AM, Action.RESUME).code == "workorder.not_paused"
    order.run_step("S1")
    order.do(RC, Action.COMPLETE, {"results": "ok"})
    order.do(RC, Action.PAUSE, {"reason": "customer travelling"})
    order.do(AM, Action.ACCEPT, ACCEPTANCE, hours=30)
    first, second = order.view.pauses
    assert first.end is not None and first.end - first.start == timedelta(hours=5)
    assert second.end == order.view.accepted_at
    assert second.end - second.start == timedelta(hours=30)  # type: ignore[operator]
    assert not order.view.paused


def test_acceptance_needs_a_signature_and_a_score_from_1_to_5():
    order = Order()
    order.to_dispatch("parallel", workstations=("W01",))
    order.run_step("S1")
    order.do(RC, Action.COMPLETE, {"results": "ok"})
    no_signature = {**ACCEPTANCE, "signature_ref": "  "}
    assert order.refused(AM, Action.ACCEPT, no_signature).code == "workorder.signature_missing"
    for score in (0, 6, 4.5, True, "5"):
        err = order.refused(AM, Action.ACCEPT, {**ACCEPTANCE, "satisfaction": score})
        assert err.code == "workorder.bad_satisfaction"
    order.do(AM, Action.ACCEPT, {**ACCEPTANCE, "satisfaction": 1})
    assert order.view.satisfaction == 1


def test_cancel_needs_a_reason_and_closes_the_order():
    order = Order()
    order.do(AM, Action.SUBMIT)
    assert order.refused(AM, Action.CANCEL, {"reason": " "}).code == "workorder.reason_required"
    assert order.refused(OTHER_AM, Action.CANCEL, {"reason": "x"}).code == "workorder.not_owner"
    order.do(LEADER, Action.CANCEL, {"reason": "客户撤单"})
    assert (order.view.state, order.view.cancel_reason) == (State.CANCELLED, "客户撤单")
    err = order.refused(AM, Action.EDIT, {"grade": "A"})
    assert err.code == "workorder.illegal_transition"
    assert "the order is cancelled" in err.message()
    assert "nothing more" in err.message()


def test_an_illegal_transition_names_the_state_in_words_and_who_may_act_now():
    order = Order(grade="A")
    order.do(AM, Action.SUBMIT)
    order.do(IM, Action.REVIEW_APPROVE)
    err = order.refused(CLERK, Action.ISSUE, {"promised_days": 5, "sla_mode": "calendar"})
    assert err.code == "workorder.illegal_transition"
    assert err.params["state"] == "leader_review"
    assert err.params["action"] == "issue"
    assert err.params["allowed_roles"] == "clerk"
    text = err.message()
    assert "the order is waiting for the department leader's approval" in text
    assert "approve as leader (department leader)" in text
    assert "cancel the order (the order's account manager or department leader)" in text


def test_only_the_right_people_act_on_an_order():
    order = Order()
    role_err = order.refused(ADMIN, Action.SUBMIT)
    assert role_err.code == "workorder.role_not_allowed"
    assert role_err.message() == (
        "Only the order's account manager may submit for review; "
        "you are signed in as branch admin."
    )
    assert order.refused(OTHER_AM, Action.SUBMIT).code == "workorder.not_owner"
    order.do(AM, Action.SUBMIT)
    group_err = order.refused(IM_OTHER, Action.REVIEW_APPROVE)
    assert group_err.code == "workorder.not_in_group"
    assert "finance" in group_err.message()
    with pytest.raises(KamdeskError) as create_err:
        create_order("X", Command(Action.CREATE, {}), CLERK, T0)
    assert create_err.value.code == "workorder.role_not_allowed"


def test_allowed_actions_is_what_waits_on_each_person():
    order = Order()
    assert allowed_actions(order.view, AM) == [Action.EDIT, Action.SUBMIT, Action.CANCEL]
    assert allowed_actions(order.view, OTHER_AM) == []
    order.to_dispatch("sequential")
    assert allowed_actions(order.view, WS1) == [Action.START_STEP, Action.RETURN_STEP]
    assert allowed_actions(order.view, WS2) == []  # S2 waits for S1
    assert allowed_actions(order.view, RC) == [Action.PAUSE]


def test_dispatch_validates_its_step_table():
    order = Order()
    order.do(AM, Action.SUBMIT)
    order.do(IM, Action.REVIEW_APPROVE)
    order.do(CLERK, Action.ISSUE, {"promised_days": 5, "sla_mode": "working_days"})
    order.do(RC, Action.CONFIRM_RESOURCES, {"outcome": "needs_construction"})
    later = order.at + timedelta(days=1)
    step = {"step_id": "S1", "workstation": "W01", "planned_hours": 3, "deadline": later}
    cases = {
        "workorder.no_steps": [],
        "workorder.duplicate_step": [step, step],
        "workorder.bad_hours": [{**step, "planned_hours": "0"}],
        "workorder.bad_instant": [{**step, "deadline": "2026-03-09 18:00"}],  # no zone
        "workorder.step_deadline_past": [{**step, "deadline": T0}],
        "workorder.unknown_field": [{**step, "colour": "red"}],
        "workorder.missing_field": [{"step_id": "S1", "workstation": "W01", "deadline": later}],
    }
    for code, steps in cases.items():
        assert order.refused(RC, Action.DISPATCH, {"mode": "parallel", "steps": steps}).code == code
    assert order.view.resource_outcome is not None
    assert order.view.resource_outcome.value == "needs_construction"


def test_issue_records_the_promise_and_refuses_nonsense():
    order = Order()
    order.do(AM, Action.SUBMIT)
    order.do(IM, Action.REVIEW_APPROVE)
    for days in (0, 367, "5", True):
        err = order.refused(CLERK, Action.ISSUE, {"promised_days": days, "sla_mode": "calendar"})
        assert err.code == "workorder.bad_promised_days"
    err = order.refused(CLERK, Action.ISSUE, {"promised_days": 5, "sla_mode": "weeks"})
    assert err.code == "workorder.bad_choice"


def test_money_is_kept_exact_and_refused_when_negative_or_float():
    order = Order(value="1234.5")
    assert order.view.value == Decimal("1234.50")
    assert order.events[0].payload["value"] == "1234.50"
    for value in ("-1", 12.5, "abc", "NaN"):
        with pytest.raises(KamdeskError) as err:
            Order(value=value)
        assert err.value.code == "workorder.bad_amount"


def test_events_are_immutable_and_survive_a_json_round_trip():
    order = Order(form={"product": "MPLS VPN", "bandwidth": "100M", "ends": ["A端", "Z端"]})
    order.to_dispatch()
    event = order.events[-1]
    with pytest.raises(AttributeError):
        event.seq = 99  # type: ignore[misc]
    with pytest.raises(TypeError):
        event.payload["mode"] = "parallel"  # type: ignore[index]
    shipped = [json.loads(json.dumps(e.to_json_dict(), ensure_ascii=False)) for e in order.events]
    received = [WorkOrderEvent.from_json_dict(data) for data in shipped]
    assert received == order.events
    assert replay(received) == order.view
    assert order.view.form["ends"] == ("A端", "Z端")


def test_hq_accepts_each_genuine_event_and_refuses_a_tampered_one():
    order = Order(grade="A")
    order.to_dispatch()
    for event in order.events[1:]:
        check_event(replay(order.events[: event.seq - 1]), event, ACTORS[event.actor_id])
    check_event(None, order.events[0], AM)

    review = order.events[2]
    forged = WorkOrderEvent(**{**review.__dict__, "to_state": State.APPROVED})
    with pytest.raises(KamdeskError) as err:
        check_event(replay(order.events[:2]), forged, IM)
    assert (err.value.code, err.value.params["field"]) == ("workorder.event_mismatch", "to_state")
    with pytest.raises(KamdeskError) as outsider:
        check_event(replay(order.events[:2]), review, IM_OTHER)
    assert outsider.value.code == "workorder.not_in_group"


def test_replay_refuses_a_damaged_log():
    order = Order()
    order.to_dispatch()
    events = order.events
    gap = [events[0], events[2]]
    swapped = [events[0], events[2], events[1]]
    wrong_start = events[1:]
    forged_role = [events[0], WorkOrderEvent(**{**events[1].__dict__, "actor_role": Role.CLERK})]
    not_owner = [events[0], WorkOrderEvent(**{**events[1].__dict__, "actor_id": OTHER_AM.user_id})]
    for log in (gap, swapped, wrong_start, forged_role, not_owner):
        with pytest.raises(KamdeskError) as err:
            replay(log)
        assert err.value.code == "workorder.corrupt_log"
    with pytest.raises(KamdeskError):
        replay([])


def test_the_policy_in_force_is_the_highest_version_effective_that_day() -> None:
    from datetime import date

    from kamdesk.domain.workorders import DEFAULT_POLICY, PublishedPolicy, policy_in_force

    published = [
        PublishedPolicy(1, date(2025, 1, 1), Decimal("50000.00")),
        PublishedPolicy(3, date(2027, 1, 1), Decimal("80000.00")),
        PublishedPolicy(2, date(2026, 7, 1), Decimal("20000.00")),
    ]
    assert policy_in_force([], date(2026, 11, 30)) == DEFAULT_POLICY
    assert policy_in_force(published, date(2024, 12, 31)) == DEFAULT_POLICY
    assert policy_in_force(published, date(2026, 6, 30)).leader_value_threshold == 50000
    assert policy_in_force(published, date(2026, 11, 30)).leader_value_threshold == 20000
    assert policy_in_force(published, date(2027, 1, 1)).leader_value_threshold == 80000
