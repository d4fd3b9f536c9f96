"""The life of one work order as a timeline of events, by the rules of the domain's
state machine (:mod:`kamdesk.domain.workorders`).

Demand orders: create → submit → (3 %: review_reject → edit → submit) →
review_approve → (grade A or above the value threshold: leader_approve) → issue →
confirm_resources (2 %: not possible → cancelled) → dispatch → (6 %: pause → resume)
→ per step start/finish (8 %: one step returned, handled, started again) → complete
→ accept (with the customer's signature) → sign_off → archive. 2 % are cancelled
early. Fault orders run the same flow in minutes and record ``restore`` after the
repair step. Acceptance is placed against the promised time: about 13 % late.

Payloads carry exactly what :func:`kamdesk.domain.workorders.payloads.normalise`
returns (plus what the machine derives), so HQ's :func:`check_event` accepts every
event; the tests check that. Times are UTC seconds; the caller drops every event
after "now", which is how open orders arise.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from itertools import accumulate

from kamdesk.services.demo import catalog
from kamdesk.services.demo import vocab_texts as texts
from kamdesk.services.demo.context import AccountFacts, Reference
from kamdesk.services.demo.deadline import due
from kamdesk.services.demo.rowkit import next_office
from kamdesk.services.demo.timetext import DAY, HOUR, iso

MINUTE = 60
THRESHOLD = (
    f"{catalog.LEADER_VALUE_THRESHOLD_FEN // 100}.{catalog.LEADER_VALUE_THRESHOLD_FEN % 100:02d}"
)
RETURN_REASONS = tuple(texts.RETURN_DETAILS)
RETURN_CUM = tuple(accumulate((30, 25, 20, 15, 10)))
_SCORES = (5, 4, 3, 2, 1)
_SCORE_CUM = tuple(accumulate((60, 28, 9, 2, 1)))
_SCORE_CUM_LATE = tuple(accumulate((25, 35, 25, 10, 5)))


Event = tuple[int, str, str, str, str, str, int]
"""``(t, action, to, actor, role, payload, step)``: ``step`` is the step's number for the
step actions (start, finish, return, resolve), else 0."""


@dataclass(slots=True)
class Step:
    seq: int
    workstation: str
    assignee: str
    hours: str
    deadline: int


@dataclass
class Flow:
    """What :class:`FlowPlanner` decided: events in time order (see :data:`Event`), and
    ``due``, the promised-time deadline with every pause (all of them finished)."""

    events: list[Event] = field(default_factory=list)
    steps: list[Step] = field(default_factory=list)
    parallel: bool = False
    promised: int = 0
    working_mode: bool = True
    due: int | None = None
    signature_id: str = ""
    outcome: str = ""
    results: str = ""
    test_results: str = ""
    satisfaction: int = 0
    pauses: list[tuple[int, int, str]] = field(default_factory=list)  # start, end, reason
    # step seq, reason, detail, emergency handling, raised at, resolved at, resolution
    returns: list[tuple[int, str, str, str, int, int, str]] = field(default_factory=list)
    dispatcher: str = ""


def _money(fen: int) -> str:
    return f"{fen // 100}.{fen % 100:02d}"


class FlowPlanner:
    """Plans order timelines for one chunk; ``mint`` makes the signature ids."""

    def __init__(self, ref: Reference, rng: random.Random) -> None:
        self.ref, self.rng = ref, rng
        self.products = {p.code: p for p in catalog.PRODUCTS}

    def plan(
        self,
        flow: Flow,
        acct: AccountFacts,
        product: catalog.ProductDef,
        fault: bool,
        created: int,
        reported: int,
        value: int,
        resource_request: bool,
        create_payload: str,
        signature_id: str,
    ) -> None:
        rng, ref = self.rng, self.ref
        events = flow.events
        owner = acct.owner_id
        manager = ref.manager_by_group[acct.group]
        clerk = rng.choice(ref.clerk_ids)
        dispatcher = rng.choice(ref.response_ids)
        quick = fault

        rnd = rng.random

        def gap(lo_h: float, hi_h: float, lo_m: int = 2, hi_m: int = 20) -> int:
            # rng.randrange(lo_m * MINUTE, hi_m * MINUTE) or rng.uniform(lo_h, hi_h) hours,
            # written out: this runs about six times per order
            if quick:
                return lo_m * MINUTE + int(rnd() * ((hi_m - lo_m) * MINUTE))
            return int((lo_h + (hi_h - lo_h) * rnd()) * HOUR)

        t = created
        events.append((t, "create", "draft", owner, "am", create_payload, 0))
        t = t + gap(0.05, 3)
        if not quick:
            t = next_office(t, rng)
        events.append((t, "submit", "submitted", owner, "am", "{}", 0))
        if not quick and rng.random() < 0.03:
            t = next_office(t + gap(2, 20), rng)
            reason = rng.choice(texts.REVIEW_REJECT_REASONS)
            events.append((t, "review_reject", "draft", manager, "industry_manager",
                           f'{{"reason":"{reason}"}}', 0))  # fmt: skip
            t = next_office(t + gap(1, 20), rng)
            edit = f'{{"note":"已按审核意见修改", "value":"{_money(value)}"}}'
            events.append((t, "edit", "draft", owner, "am", edit, 0))
            t = next_office(t + gap(0.2, 3), rng)
            events.append((t, "submit", "submitted", owner, "am", "{}", 0))
        if not quick and rng.random() < 0.01:
            t = next_office(t + gap(1, 48), rng)
            reason = rng.choice(texts.CANCEL_REASONS)
            events.append((t, "cancel", "cancelled", owner, "am", f'{{"reason":"{reason}"}}', 0))
            return

        important = acct.grade == "A" or value > catalog.LEADER_VALUE_THRESHOLD_FEN
        if not important:
            why = "routine"
        elif resource_request:
            why = "resource_request"
        else:
            why = "grade_a" if acct.grade == "A" else "value_above_threshold"
        needs_leader = why in ("grade_a", "value_above_threshold")
        t = t + gap(1, 20, 5, 40)
        if not quick:
            t = next_office(t, rng)
        review = (
            f'{{"importance":"{why}", "needs_leader":{"true" if needs_leader else "false"}, '
            f'"threshold":"{THRESHOLD}"}}'
        )
        events.append((t, "review_approve", "leader_review" if needs_leader else "approved",
                       manager, "industry_manager", review, 0))  # fmt: skip
        if needs_leader:
            t = t + gap(1, 24, 5, 30)
            if not quick:
                t = next_office(t, rng)
            events.append((t, "leader_approve", "approved", ref.leader_id, "leader", "{}", 0))

        # Issue: the promised-time clock starts.
        t = t + gap(0.5, 8, 3, 20)
        if not quick:
            t = next_office(t, rng)
        issued = t
        flow.promised = 1 if fault else catalog.promised_days(product, acct.grade)
        flow.working_mode = not fault and product.clock_mode == catalog.WORKING
        mode = "working_days" if flow.working_mode else "calendar"
        events.append((t, "issue", "issued", clerk, "clerk",
                       f'{{"promised_days":{flow.promised}, "sla_mode":"{mode}"}}', 0))  # fmt: skip
        if not quick and rng.random() < 0.01:
            t = next_office(t + gap(2, 72), rng)
            who, role = (ref.leader_id, "leader") if rng.random() < 0.5 else (owner, "am")
            reason = rng.choice(texts.CANCEL_REASONS)
            events.append((t, "cancel", "cancelled", who, role, f'{{"reason":"{reason}"}}', 0))
            return

        # Resource confirmation (target: 2 working days; one in ten takes longer).
        late_confirm = not quick and rng.random() < 0.1
        t = t + (gap(50, 120) if late_confirm else gap(1, 30, 5, 30))
        if not quick:
            t = next_office(t, rng)
        roll = rng.random()
        flow.dispatcher = dispatcher
        if quick or roll < 0.88:
            flow.outcome = "available"
            confirm = '{"outcome":"available"}'
        elif roll < 0.98:
            flow.outcome = "needs_construction"
            detail = rng.choice(texts.CONSTRUCTION_DETAILS)
            confirm = f'{{"outcome":"needs_construction", "detail":"{detail}"}}'
        else:
            flow.outcome = "not_possible"
            detail = rng.choice(texts.NOT_POSSIBLE_DETAILS)
            confirm = f'{{"outcome":"not_possible", "detail":"{detail}"}}'
            events.append((t, "confirm_resources", "cancelled", dispatcher, "response_center",
                           confirm, 0))  # fmt: skip
            return
        events.append((t, "confirm_resources", "confirmed", dispatcher, "response_center",
                       confirm, 0))  # fmt: skip

        # Dispatch, an optional pause while the customer gets ready, the steps.
        t = t + gap(0.5, 6, 3, 20)
        if not quick:
            t = next_office(t, rng)
        dispatched = t
        pauses: list[tuple[int, int | None]] = []
        pause_events: list[Event] = []
        start = dispatched
        if not quick and rng.random() < 0.06:
            paused = dispatched + gap(1, 4)
            resumed = paused + int(rng.uniform(1, 6) * DAY)
            reason = rng.choice(texts.PAUSE_REASONS)
            pause_events.append((paused, "pause", "dispatched", owner, "am",
                                 f'{{"reason":"{reason}"}}', 0))  # fmt: skip
            who, role = (owner, "am") if rng.random() < 0.5 else (dispatcher, "response_center")
            pause_events.append((resumed, "resume", "dispatched", who, role, "{}", 0))
            pauses.append((paused, resumed))
            flow.pauses.append((paused, resumed, reason))
            start = resumed
        promised_due = due(issued, flow.promised, flow.working_mode, pauses, ref.working_days)
        assert promised_due is not None
        flow.due = promised_due
        if fault:
            repair = self.products[product.code].repair_hours * HOUR
            factor = rng.uniform(0.3, 0.95) if rng.random() < 0.85 else rng.uniform(1.1, 3.0)
            restored = max(reported + int(repair * factor), start + 20 * MINUTE)
            accept_at = restored + rng.randrange(1 * HOUR, 8 * HOUR)
        else:
            frac = rng.uniform(0.3, 0.97) if rng.random() < 0.87 else rng.uniform(1.03, 1.7)
            accept_at = issued + int((promised_due - issued) * frac)
            restored = 0
        window = max(accept_at - start, (len(product.steps) + 2) * 2 * HOUR)
        accept_at = start + window

        plan = catalog.FAULT_STEPS if fault else product.steps
        flow.parallel = product.parallel and not fault
        staff = ref.workstation_staff
        for seq, code in enumerate(plan, start=1):
            flow.steps.append(Step(seq, code, rng.choice(staff[code]), "", 0))
        step_events = self._steps(flow, start, start + int(window * 0.75), restored, dispatcher)
        for step in flow.steps:
            step.deadline = max(step.deadline, dispatched + HOUR)
        steps_json = ", ".join(
            f'{{"step_id":"{s.seq}", "workstation":"{s.workstation}", "planned_hours":'
            f'"{s.hours}", "deadline":"{iso(s.deadline)}", "task":'
            f'"{texts.STEP_TASKS[s.workstation]}"}}'
            for s in flow.steps
        )
        mode_text = "parallel" if flow.parallel else "sequential"
        events.append((dispatched, "dispatch", "dispatched", dispatcher, "response_center",
                       f'{{"mode":"{mode_text}", "steps":[{steps_json}]}}', 0))  # fmt: skip
        events.extend(pause_events)
        if fault:  # service restored right after the repair step
            restored = min(e[0] for e in step_events if e[1] == "finish_step") + MINUTE
            who, role = (
                (dispatcher, "response_center")
                if rng.random() < 0.5
                else (flow.steps[0].assignee, "workstation")
            )
            step_events.append((restored, "restore", "dispatched", who, role, "{}", 0))
        events.extend(sorted(step_events))
        last = events[-1][0]  # events are in time order

        completed = max(start + int(window * 0.85), last + 10 * MINUTE)
        results = rng.choice(texts.RESULTS)
        tests = rng.choice(texts.TEST_RESULTS)
        flow.results, flow.test_results = results, tests
        complete = (
            f'{{"results":"{results}", "test_results":"{tests}"}}'
            if tests
            else f'{{"results":"{results}"}}'
        )
        events.append((completed, "complete", "completed", dispatcher, "response_center",
                       complete, 0))  # fmt: skip
        accepted = max(accept_at, completed + 20 * MINUTE)
        late = accepted > promised_due
        score = rng.choices(_SCORES, cum_weights=_SCORE_CUM_LATE if late else _SCORE_CUM)[0]
        flow.satisfaction = score
        comment = rng.choice(texts.SATISFACTION_COMMENTS)
        accept = (
            f'{{"signature_ref":"{signature_id}", "signer_name":"{acct.contact}", '
            f'"satisfaction":{score}'
        )
        accept += f', "comment":"{comment}"}}' if comment else "}"
        who, role = (owner, "am") if rng.random() < 0.8 else (dispatcher, "response_center")
        events.append((accepted, "accept", "accepted", who, role, accept, 0))
        flow.signature_id = signature_id
        signed_off = next_office(accepted + rng.randrange(HOUR, 3 * DAY), rng)
        events.append((signed_off, "sign_off", "signed_off", owner, "am", "{}", 0))
        archived = next_office(signed_off + rng.randrange(HOUR, 5 * DAY), rng)
        events.append((archived, "archive", "archived", clerk, "clerk", "{}", 0))

    def _steps(
        self, flow: Flow, start: int, end: int, restored: int, dispatcher: str
    ) -> list[Event]:
        """Step events between ``start`` and ``end``; sets each step's hours and deadline."""
        rng = self.rng
        steps = flow.steps
        out: list[Event] = []
        returned = rng.randrange(len(steps)) if rng.random() < 0.08 else -1
        span = max(end - start, len(steps) * 40 * MINUTE)
        if flow.parallel:
            slots = [(start + rng.randrange(max(1, span // 10)), start + int(span * rng.uniform(
                0.55, 1.0))) for _ in steps]  # fmt: skip
        else:
            shares = [0.5 + rng.random() for _ in steps]  # no step gets less than 1/3 of its due
            total = sum(shares)
            bounds = [start]
            for share in shares:
                bounds.append(bounds[-1] + int(span * share / total))
            slots = [(bounds[i] + (bounds[i + 1] - bounds[i]) // 20, bounds[i + 1])
                     for i in range(len(steps))]  # fmt: skip
        if restored and len(slots) > 1:  # fault: the repair step ends near restoration
            first_end = min(max(restored - 5 * MINUTE, slots[0][0] + 10 * MINUTE), slots[1][0])
            slots[0] = (slots[0][0], first_end)
        for i, step in enumerate(steps):
            begin, finish = slots[i]
            finish = max(finish, begin + 10 * MINUTE)
            hours = max(1, round((finish - begin) / HOUR * rng.uniform(0.6, 1.0)))
            step.hours = str(min(hours, 72))
            step.deadline = finish + rng.randrange(2 * HOUR, DAY)
            ws = step.assignee
            sid = f'{{"step_id":"{step.seq}"}}'
            out.append((begin, "start_step", "dispatched", ws, "workstation", sid, step.seq))
            if i == returned:
                length = finish - begin
                back = begin + max(MINUTE, length // 4)
                reason = rng.choices(RETURN_REASONS, cum_weights=RETURN_CUM)[0]
                detail, emergency = texts.RETURN_DETAILS[reason]
                out.append((back, "return_step", "dispatched", ws, "workstation",
                            f'{{"step_id":"{step.seq}", "reason":"{reason}", "detail":'
                            f'"{detail}", "emergency_handling":"{emergency}"}}',
                            step.seq))  # fmt: skip
                resolution = rng.choice(texts.RESOLUTIONS)
                fixed = back + max(MINUTE, length // 4)
                flow.returns.append((step.seq, reason, detail, emergency, back, fixed, resolution))
                out.append((fixed, "resolve_return", "dispatched", dispatcher,
                            "response_center", f'{{"step_id":"{step.seq}", "resolution":'
                            f'"{resolution}"}}', step.seq))  # fmt: skip
                out.append((fixed + max(MINUTE, length // 8), "start_step", "dispatched", ws,
                            "workstation", sid, step.seq))  # fmt: skip
            result = rng.choice(texts.STEP_RESULTS)
            finish_payload = f'{{"step_id":"{step.seq}", "result":"{result}"}}' if result else sid
            out.append(
                (finish, "finish_step", "dispatched", ws, "workstation", finish_payload, step.seq)
            )
        return out
