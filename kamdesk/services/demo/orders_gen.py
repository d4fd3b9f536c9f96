"""Order jobs: a chunk of work orders with their steps, events, return orders, clock
pauses and customer signatures.

Each order's timeline comes from :mod:`.order_flow`; events after the demo's "now"
are dropped, and the cached columns of ``work_orders`` (state, issued_at, due_at,
on_time, return_count, satisfaction, …) are folded from the events that remain, the
way the domain's :func:`~kamdesk.domain.workorders.view.replay` folds them (the tests
compare the two). Orders are spread over the year before "now" in number order
(order numbers grow with time, which also keeps the indexes on order number and on
issue and acceptance times growing at their right edge), with working days about
eight times as busy as days off, so some are raised and issued over the Spring
Festival and National Day holidays.
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from itertools import accumulate
from operator import itemgetter

from kamdesk.services.demo import catalog
from kamdesk.services.demo import vocab_texts as texts
from kamdesk.services.demo.context import AccountFacts, Reference
from kamdesk.services.demo.deadline import due
from kamdesk.services.demo.fastrandom import FastRandom
from kamdesk.services.demo.ids import IdMinter
from kamdesk.services.demo.namegen import address
from kamdesk.services.demo.order_flow import MINUTE, Flow, FlowPlanner
from kamdesk.services.demo.rowkit import Row
from kamdesk.services.demo.timetext import (
    DAY,
    DB_DAYS,
    DB_HMS,
    HOUR,
    day_text_of,
    db,
    iso,
    local_day,
    local_day_start,
)
from kamdesk.services.demo.vocab_places import DISTRICTS

ORDER_TABLES = (
    "work_orders",
    "work_order_steps",
    "work_order_events",
    "return_orders",
    "clock_pauses",
    "signatures",
)
FAULT_SHARE = 0.15
DAY_OFF_WEIGHT = 0.12
PRODUCTS = {p.code: p for p in catalog.PRODUCTS}
_PRODUCT_CUM = tuple(accumulate(p.popularity for p in catalog.PRODUCTS))
_IMPORTANCE = ("normal", "important", "urgent")
_FAULT_CUM = tuple(accumulate((70, 20, 10)))  # of _IMPORTANCE
_DEMAND_CUM = tuple(accumulate((80, 15, 5)))
_at = itemgetter(0)


class _Tables:
    """Per-process lookups built once from the reference (accounts, days, weights)."""

    def __init__(self, ref: Reference, accounts: tuple[AccountFacts, ...]) -> None:
        self.accounts = accounts
        self.account_cum = tuple(accumulate(a.weight for a in accounts))
        today = local_day(ref.now)
        self.days = tuple(range(today - 365, today))
        wd = ref.working_days
        self.day_cum = tuple(
            accumulate(1.0 if wd.is_working(d) else DAY_OFF_WEIGHT for d in self.days)
        )


_CACHE: dict[int, _Tables] = {}


def _tables(ref: Reference, accounts: tuple[AccountFacts, ...]) -> _Tables:
    key = id(accounts)
    tables = _CACHE.get(key)
    if tables is None:
        _CACHE.clear()
        tables = _CACHE[key] = _Tables(ref, accounts)
    return tables


class OrderRows:
    def __init__(
        self,
        ref: Reference,
        accounts: tuple[AccountFacts, ...],
        index: int,
        mint: IdMinter,
        total: int,
    ) -> None:
        self.ref, self.mint, self.total = ref, mint, total
        self.rng = FastRandom(f"{ref.seed}:orders:{index}")
        self.t = _tables(ref, accounts)
        self.planner = FlowPlanner(ref, self.rng)
        self.rows: dict[str, list[Row]] = {table: [] for table in ORDER_TABLES}

    # -- choosing what the order is ---------------------------------------------------

    def _day(self, number: int) -> int:
        """The day order ``number`` is raised: numbers follow the calendar (order numbers
        grow with time), spread by the day weights, working days heavier."""
        cum = self.t.day_cum
        target = (number + 0.5) / self.total * cum[-1]
        return self.t.days[min(bisect_left(cum, target), len(cum) - 1)]

    def _account(self, day: int) -> AccountFacts:
        """A weighted account that was a customer on ``day``."""
        rng = self.rng
        start, end = local_day_start(day), local_day_start(day + 1)
        for _ in range(20):
            acct = rng.choices(self.t.accounts, cum_weights=self.t.account_cum)[0]
            if acct.opened < start and (acct.left is None or acct.left > end):
                return acct
        return acct

    def add(self, number: int) -> None:
        """Generate order ``number`` (its place in the whole database, from 0)."""
        rng, now = self.rng, self.ref.now
        day = self._day(number)
        acct = self._account(day)
        fault = bool(acct.circuits) and rng.random() < FAULT_SHARE
        if fault:
            code, circuit = rng.choice(acct.circuits)
            product = PRODUCTS[code]
            reported = min(local_day_start(day) + rng.randrange(DAY - HOUR), now - HOUR)
            created = reported + rng.randrange(5 * MINUTE, 60 * MINUTE)
            quantity, value = 1, 0
        else:
            product = rng.choices(catalog.PRODUCTS, cum_weights=_PRODUCT_CUM)[0]
            circuit = ""
            created = local_day_start(day) + int(8.5 * HOUR) + rng.randrange(int(9.5 * HOUR))
            if created > now:
                created = now - rng.randrange(HOUR, 6 * HOUR)
            reported = 0
            quantity = rng.randint(1, 4) if product.is_circuit else rng.randint(1, 2)
            value = product.monthly_fee_fen * 12 * quantity
        resource_request = not fault and rng.random() < 0.05
        order_id = self.mint()
        signature_id = self.mint()

        importance = rng.choices(_IMPORTANCE, cum_weights=_FAULT_CUM if fault else _DEMAND_CUM)[0]
        created_day = local_day(created)
        requested = created_day + (0 if fault else product.promised_days + rng.randrange(0, 10))
        a_end = z_end = bandwidth = interface = ""
        if fault:
            requirement = rng.choice(texts.FAULT_SYMPTOMS)
            form = (
                f'{{"product":"{product.code}", "product_name":"{product.name}", '
                f'"circuit_no":"{circuit}", "symptom":"{requirement}"}}'
            )
            a_end = acct.address
        else:
            requirement = rng.choice(texts.REQUIREMENTS)
            form = (
                f'{{"product":"{product.code}", "product_name":"{product.name}", '
                f'"quantity":{quantity}, "requested_on":"{day_text_of(requested)}", '
                f'"requirement":"{requirement}", "importance":"{importance}"'
            )
            if product.is_circuit:
                a_end = acct.address
                z_end = address(rng, rng.choice(DISTRICTS))
                bandwidth = rng.choice(product.bandwidths)
                interface = rng.choice(product.interfaces)
                form += (
                    f', "a_end":"{a_end}", "z_end":"{z_end}", "bandwidth":"{bandwidth}", '
                    f'"interface":"{interface}"'
                )
            elif product.bandwidths:
                bandwidth = rng.choice(product.bandwidths)
                form += f', "bandwidth":"{bandwidth}"'
            form += "}"
        money = f"{value // 100}.{value % 100:02d}"
        create = (
            f'{{"kind":"{"fault" if fault else "demand"}", "industry_group":"{acct.group}", '
            f'"grade":"{acct.grade}", "value":"{money}", "resource_request":'
            f'{"true" if resource_request else "false"}, "form":{form}, '
            f'"owner_id":"{acct.owner_id}"'
        )
        create += f', "reported_at":"{iso(reported)}"}}' if fault else "}"

        flow = Flow()
        self.planner.plan(
            flow, acct, product, fault, created, reported, value, resource_request, create,
            signature_id,
        )  # fmt: skip
        self._rows(number, order_id, acct, product, fault, flow, created, reported,
                   (quantity, value, requested, requirement, importance, a_end, z_end,
                    bandwidth, interface, circuit))  # fmt: skip

    # -- rows from the kept events ----------------------------------------------------

    def _rows(
        self,
        number: int,
        order_id: str,
        acct: AccountFacts,
        product: catalog.ProductDef,
        fault: bool,
        flow: Flow,
        created: int,
        reported: int,
        details: tuple[int, int, int, str, str, str, str, str, str, str],
    ) -> None:
        ref, now, mint = self.ref, self.ref.now, self.mint
        rows = self.rows
        events = flow.events  # in time order
        kept = events if events[-1][0] <= now else events[: bisect_right(events, now, key=_at)]
        ids = mint.many(len(kept))
        states = [None, *(e[2] for e in kept)]  # the state before each event
        days, hms = DB_DAYS, DB_HMS  # db(t), inlined: this runs for every event
        rows["work_order_events"] += [
            (event_id, order_id, seq, action, previous, to, actor, role,
             days[t // DAY] + hms[t % DAY], payload)
            for event_id, seq, previous, (t, action, to, actor, role, payload, _) in zip(
                ids, range(1, len(kept) + 1), states, kept, strict=False)
        ]  # fmt: skip
        # action → time of its last kept event; the step events, kept, as (step, action, time)
        marks = {action: t for t, action, _, _, _, _, step in kept if not step}
        step_events = [(step, action, t) for t, action, _, _, _, _, step in kept if step]
        state = states[-1] or "draft"
        last = kept[-1][0] if kept else created
        get = marks.get
        submitted, issued, confirmed = get("submit"), get("issue"), get("confirm_resources")
        dispatched, restored, completed = get("dispatch"), get("restore"), get("complete")
        accepted, archived, cancelled = get("accept"), get("archive"), get("cancel")
        confirmation = None
        if confirmed is not None:
            confirmation = flow.outcome
            if flow.outcome == "not_possible":
                cancelled = confirmed

        pauses = [(s, e if e <= now else None, reason) for s, e, reason in flow.pauses if s <= now]
        due_at = None
        if issued is not None:
            if flow.due is not None and all(e <= now for _, e, _ in flow.pauses):
                due_at = flow.due  # the planner's: it saw the same pauses
            else:
                due_at = due(
                    issued, flow.promised, flow.working_mode, [(s, e) for s, e, _ in pauses],
                    ref.working_days,
                )  # fmt: skip
        on_time = None
        if accepted is not None:
            on_time = int(due_at is None or accepted <= due_at)
        returns = 0
        step_ids: dict[int, str] = {}
        if dispatched is not None:
            # seq → [state, started, done, returns, updated], folded like the domain's replay
            steps = {s.seq: ["pending", None, None, 0, dispatched] for s in flow.steps}
            for step, action, t in step_events:
                info = steps[step]
                info[4] = t
                if action == "start_step":
                    info[0], info[1] = "in_progress", t
                elif action == "finish_step":
                    info[0], info[2] = "done", t
                elif action == "return_step":
                    info[0] = "returned"
                    info[3] += 1  # type: ignore[operator]
                    returns += 1
                else:  # resolve_return
                    info[0], info[1] = "pending", None
            ws_ids, tasks = ref.workstation_ids, texts.STEP_TASKS
            dispatched_at = db(dispatched)
            append_step = rows["work_order_steps"].append
            for s in flow.steps:
                st, started, done, count, upd = steps[s.seq]
                step_ids[s.seq] = step_id = mint()
                append_step(
                    (step_id, dispatched_at, db(upd), order_id,  # type: ignore[arg-type]
                     s.seq, 1 if flow.parallel else s.seq, ws_ids[s.workstation],
                     s.assignee, int(s.hours) * 60, db(s.deadline), tasks[s.workstation], st,
                     None if started is None else db(started),  # type: ignore[arg-type]
                     None if done is None else db(done), count)  # type: ignore[arg-type]
                )  # fmt: skip
        for seq, reason, detail, emergency, raised, resolved, resolution in flow.returns:
            if raised > now:
                continue
            handled = resolved <= now
            raiser = flow.steps[seq - 1].assignee
            rows["return_orders"].append(
                (mint(), db(raised), db(resolved if handled else raised),
                 order_id, step_ids[seq], reason, detail, emergency, raiser, db(raised),
                 db(resolved) if handled else None, flow.dispatcher if handled else None,
                 resolution if handled else "")
            )  # fmt: skip
        for start, end, reason in pauses:
            rows["clock_pauses"].append(
                (mint(), db(start), db(end if end is not None else start),
                 order_id, db(start), None if end is None else db(end), reason)
            )  # fmt: skip
        if accepted is not None:
            sha, strokes = ref.signature_pool[self.rng.randrange(len(ref.signature_pool))]
            signed = db(accepted)
            rows["signatures"].append(
                (flow.signature_id, signed, signed, order_id, "customer",
                 acct.contact, signed, strokes, sha)
            )  # fmt: skip

        quantity, value, requested, requirement, importance, a_end, z_end, bw, iface, circuit = (
            details
        )
        if not fault and product.is_circuit and completed is not None:
            circuit = f"{product.code}-0571-N{number:07d}"
        promised = flow.promised or catalog.promised_days(product, acct.grade)
        mode = flow.working_mode if flow.promised else product.clock_mode == catalog.WORKING
        no = f"{'GZ' if fault else 'XQ'}{day_text_of(local_day(created)).replace('-', '')}"
        rows["work_orders"].append(
            (
                order_id, db(created), db(last), ref.branch_id,
                f"{no}{number:07d}", "fault" if fault else "demand", acct.id,
                ref.product_ids[product.code], acct.owner_id, quantity, value,
                day_text_of(requested), requirement, importance, a_end, z_end, bw, iface, circuit,
                state, "working_days" if mode else "calendar", promised, _db(due_at),
                _db(submitted), _db(issued), _db(issued), _db(confirmed), confirmation,
                _db(dispatched), _db(completed), _db(accepted), _db(archived), _db(cancelled),
                _db(reported if fault else None), _db(restored),
                flow.satisfaction if accepted is not None else None, returns, on_time,
                flow.results if completed is not None else "",
                flow.test_results if completed is not None else "", 0,
            )
        )  # fmt: skip


def _db(t: int | None) -> str | None:
    return None if t is None else db(t)


def order_rows(
    ref: Reference,
    accounts: tuple[AccountFacts, ...],
    index: int,
    ms: int,
    span: tuple[int, int, int],
) -> dict[str, list[Row]]:
    """Rows of orders ``first`` … ``first + count - 1`` of ``total`` (chunk ``index``)."""
    first, count, total = span
    mint = IdMinter(ms, FastRandom(f"{ref.seed}:order-ids:{index}"))
    maker = OrderRows(ref, accounts, index, mint, total)
    for number in range(first, first + count):
        maker.add(number)
    return maker.rows
