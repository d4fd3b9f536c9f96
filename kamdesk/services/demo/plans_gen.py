"""Targets and demand forecasts, made in the main process from the account plans.

Targets (revenue, per month): each account manager's is the billed revenue of their
accounts that month plus 0-12 %, rounded to 100 CNY; groups and the branch sum their
managers'. The current and next month extend the last billed month by 5 %. KPI targets
(per month): :data:`catalog.KPI_STANDARDS` for the branch, every group and every
account manager.

Forecasts (demand forms per product): each account manager's monthly forecast is the
number of demand orders their accounts can be expected to raise, ±25 %, so forecast
accuracy (K13) comes out realistic; industry managers' quarterly forecasts sum their
group. Submitted on the 25th of the month before.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence

from kamdesk.services.demo import catalog
from kamdesk.services.demo.accounts_plan import AccountPlan
from kamdesk.services.demo.context import AccountFacts, Reference
from kamdesk.services.demo.fastrandom import FastRandom
from kamdesk.services.demo.ids import IdMinter
from kamdesk.services.demo.orders_gen import FAULT_SHARE
from kamdesk.services.demo.rowkit import Row, office_time, sync
from kamdesk.services.demo.timetext import (
    add_months,
    day_text_of,
    db,
    local_day,
    month_start,
    to_date,
)

Rows = dict[str, list[Row]]


def _months_ahead(ref: Reference) -> list[tuple[int, int]]:
    today = to_date(local_day(ref.now))
    return [(today.year, today.month), add_months(today.year, today.month, 1)]


def target_rows(ref: Reference, plans: Sequence[AccountPlan], mint: IdMinter) -> Rows:
    rng = FastRandom(f"{ref.seed}:targets")
    months = [*ref.months, *_months_ahead(ref)]
    billed = len(ref.months)
    per_am: dict[str, list[int]] = defaultdict(lambda: [0] * billed)
    for plan in plans:
        totals = per_am[plan.owner_id]
        for i, amount in enumerate(plan.totals):
            totals[i] += amount
    created = ref.now - 380 * 86_400
    rows: list[Row] = []

    def add(scope: str, scope_id: str, month: tuple[int, int], amount: int) -> None:
        day = day_text_of(month_start(*month))
        rows.append(
            (*sync(mint(), created), ref.branch_id, scope, scope_id, "revenue", day, amount,
             None, "")
        )  # fmt: skip
        for code, ratio in catalog.KPI_STANDARDS:
            rows.append(
                (*sync(mint(), created), ref.branch_id, scope, scope_id, code, day, None,
                 ratio, "")
            )  # fmt: skip

    group_sum: dict[tuple[str, int], int] = defaultdict(int)
    for group, ams in ref.ams_by_group.items():
        for am in ams:
            totals = per_am.get(am, [0] * billed)
            for i, month in enumerate(months):
                base = totals[i] if i < billed else int(totals[-1] * 1.05)
                amount = int(base * rng.uniform(1.0, 1.12)) // 10_000 * 10_000
                add("am", am, month, amount)
                group_sum[(group, i)] += amount
    for group in ref.ams_by_group:
        for i, month in enumerate(months):
            add("group", ref.group_ids[group], month, group_sum[(group, i)])
    for i, month in enumerate(months):
        total = sum(group_sum[(group, i)] for group in ref.ams_by_group)
        add("branch", ref.branch_id, month, total)
    return {"targets": rows}


def forecast_rows(
    ref: Reference, facts: Sequence[AccountFacts], orders: int, mint: IdMinter
) -> Rows:
    rng = FastRandom(f"{ref.seed}:forecasts")
    weight: dict[str, float] = defaultdict(float)
    for acct in facts:
        weight[acct.owner_id] += acct.weight
    total_weight = sum(weight.values()) or 1.0
    popularity = sum(p.popularity for p in catalog.PRODUCTS)
    monthly = orders * (1 - FAULT_SHARE) / 12
    months = [*ref.months, *_months_ahead(ref)]
    rows: list[Row] = []
    quarterly: dict[tuple[str, str, tuple[int, int]], float] = defaultdict(float)
    for group, ams in ref.ams_by_group.items():
        group_id = ref.group_ids[group]
        for am in ams:
            share = weight.get(am, 0.0) / total_weight
            for year, month in months:
                prev = add_months(year, month, -1)
                submitted = office_time(rng, month_start(*prev) + 24, ref.working_days)
                for product in catalog.PRODUCTS:
                    expected = monthly * share * product.popularity / popularity
                    quarter = (year, (month - 1) // 3 * 3 + 1)
                    quarterly[(group, product.code, quarter)] += expected
                    if expected < 0.3:
                        continue
                    quantity = max(0, round(expected * rng.uniform(0.75, 1.25)))
                    rows.append(
                        (*sync(mint(), min(submitted, ref.now)), ref.branch_id, am,
                         group_id, ref.product_ids[product.code], "monthly",
                         day_text_of(month_start(year, month)), quantity,
                         _submitted(submitted, ref.now))
                    )  # fmt: skip
    for (group, code, quarter), expected in sorted(quarterly.items()):
        prev = add_months(quarter[0], quarter[1], -1)
        submitted = office_time(rng, month_start(*prev) + 20, ref.working_days)
        rows.append(
            (*sync(mint(), min(submitted, ref.now)), ref.branch_id,
             ref.manager_by_group[group], ref.group_ids[group], ref.product_ids[code],
             "quarterly", day_text_of(month_start(*quarter)),
             max(0, round(expected * rng.uniform(0.85, 1.15))), _submitted(submitted, ref.now))
        )  # fmt: skip
    return {"demand_forecasts": rows}


def _submitted(at: int, now: int) -> str | None:
    return db(at) if at <= now else None
