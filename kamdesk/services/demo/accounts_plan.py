"""The plan of every key account, decided in the main process in one pass.

Everything that must be unique or consistent across the whole database is decided
here, sequentially: names and credit codes (unique), owners, flags, twelve months of
billed totals, the products in use with their circuit numbers, and the grade, which
the domain grading engine computes from the mean of the last three billed months
(the figure stored as ``monthly_spend``). Account jobs turn plans into rows.
"""

from __future__ import annotations

import math
import random
from collections.abc import Sequence
from decimal import Decimal
from itertools import accumulate
from typing import NamedTuple

from kamdesk.domain.customers.classification import GroupScope, GrowthPotential
from kamdesk.domain.customers.credit_code import make_credit_code
from kamdesk.domain.customers.grading import GradingInputs, grade
from kamdesk.domain.customers.grading_rules import DEFAULT_GRADING_RULES, GradingRules
from kamdesk.services.demo import catalog
from kamdesk.services.demo.fastrandom import FastRandom
from kamdesk.services.demo.ids import IdMinter
from kamdesk.services.demo.namegen import NameMaker, address, pick_district
from kamdesk.services.demo.people import People
from kamdesk.services.demo.timetext import DAY, local_day
from kamdesk.services.demo.vocab_places import DISTRICTS

GROWTH_LEVEL = {GrowthPotential.LOW: 1, GrowthPotential.MEDIUM: 3, GrowthPotential.HIGH: 5}
"""``customers.growth_potential`` (1-5) of the domain's low / medium / high."""

LEAVE_REASONS = ("迁往外地经营", "转网至中国移动", "企业注销", "与集团统一采购合并")

_GROUP_CUM = tuple(accumulate(g.weight for g in catalog.INDUSTRY_GROUPS))
_PRODUCT_CUM = tuple(accumulate(p.popularity for p in catalog.PRODUCTS))


class ProductUse(NamedTuple):
    code: str
    share: float  # of the account's monthly revenue
    quantity: int
    since: int  # day index
    circuit_no: str


class AccountPlan(NamedTuple):
    number: int  # place in the whole demo, from 0
    id: str
    name: str
    group: str
    district: str
    address: str
    phone: str
    credit_code: str
    category: str
    level: str
    grade: str
    score: str  # Decimal text
    reasons: tuple[tuple[str, tuple[tuple[str, str], ...]], ...]
    owner_id: str
    group_scope: str
    strategic: bool
    growth: int
    opened: int
    left: int | None
    leave_reason: str
    totals: tuple[int, ...]  # billed fen per month of Reference.months (0 = no bill)
    products: tuple[ProductUse, ...]
    contact: str
    monthly_spend: int  # fen: mean of the last three billed months
    revenue_drop: bool


def _totals(
    rng: random.Random, base: float, growth: GrowthPotential, billed: Sequence[bool], drop: bool
) -> tuple[int, ...]:
    trend = {GrowthPotential.LOW: -0.008, GrowthPotential.MEDIUM: 0.003}.get(growth, 0.015)
    out = []
    for i, on in enumerate(billed):
        if not on:
            out.append(0)
            continue
        value = base * (1 + trend * (i - 11)) * (1 + rng.uniform(-0.06, 0.06))
        if drop and i >= 9:
            value *= rng.uniform(0.5, 0.66)
        out.append(max(100, int(value * 100)))
    return tuple(out)


def _products(rng: random.Random, opened: int, index: int) -> tuple[ProductUse, ...]:
    count = rng.choices((1, 2, 3), weights=(55, 30, 15))[0]
    chosen: list[catalog.ProductDef] = []
    while len(chosen) < count:
        product = rng.choices(catalog.PRODUCTS, cum_weights=_PRODUCT_CUM)[0]
        if product not in chosen:
            chosen.append(product)
    shares = [rng.uniform(0.5, 1.5) * p.monthly_fee_fen for p in chosen]
    total = sum(shares)
    out = []
    for k, product in enumerate(chosen):
        since = local_day(opened) + rng.randrange(0, 400)
        circuit = f"{product.code}-0571-{index * 4 + k:07d}" if product.is_circuit else ""
        quantity = rng.randint(1, 4) if product.is_circuit else rng.randint(1, 2)
        out.append(ProductUse(product.code, shares[k] / total, quantity, since, circuit))
    return tuple(out)


def plan_accounts(
    *,
    first: int,
    count: int,
    chunk: int,
    seed: int,
    now: int,
    month_starts: Sequence[int],
    ams_by_group: dict[str, tuple[str, ...]],
    mint: IdMinter,
) -> list[AccountPlan]:
    """Plans of accounts ``first`` … ``first + count - 1`` (chunk ``chunk``).

    Names and credit codes are unique within the chunk; :func:`make_unique` settles
    the rare clash between chunks. ``month_starts`` are the UTC starts of the months.
    """
    rng = FastRandom(f"{seed}:accounts:{chunk}")
    names = NameMaker(rng)
    people = People(rng)
    rules = GradingRules.from_dict(DEFAULT_GRADING_RULES)
    codes: set[str] = set()
    plans: list[AccountPlan] = []
    last_three = slice(len(month_starts) - 3, len(month_starts))
    for index in range(first, first + count):
        industry = rng.choices(catalog.INDUSTRY_GROUPS, cum_weights=_GROUP_CUM)[0]
        group = industry.code
        district = pick_district(rng)
        name, (authority, entity) = names.make(group, district)
        code = make_credit_code(rng, district.division, authority=authority, entity_type=entity)
        while code in codes:
            code = make_credit_code(rng, district.division, authority=authority, entity_type=entity)
        codes.add(code)

        roll = rng.random()
        opened = (
            now - int(rng.uniform(366, 15 * 365) * DAY)
            if roll > 0.06
            else now - int(rng.uniform(20, 365) * DAY)
        )
        left = now - int(rng.uniform(5, 300) * DAY) if rng.random() < 0.02 else None
        if left is not None and left <= opened + 30 * DAY:
            left = None
        scope_roll = rng.random()
        scope = (
            GroupScope.NATIONAL
            if scope_roll < 0.03
            else GroupScope.PROVINCIAL
            if scope_roll < 0.10
            else GroupScope.NONE
        )
        if group == "finance" and "银行" in name and rng.random() < 0.6:
            scope = GroupScope.NATIONAL
        growth = rng.choices(list(GrowthPotential), weights=(25, 50, 25))[0]
        strategic = rng.random() < 0.02
        top500 = scope is GroupScope.NATIONAL and rng.random() < 0.3
        base = min(2_000_000.0, max(1_200.0, math.exp(rng.gauss(math.log(9_000), 1.0))))
        billed = [
            start >= opened - 31 * DAY and (left is None or start < left) for start in month_starts
        ]
        drop = rng.random() < 0.05
        totals = _totals(rng, base, growth, billed, drop)
        recent = [t for t in totals[last_three] if t > 0] or [int(base * 100)]
        spend = sum(recent) // len(recent)
        pgm = group == "party_government_military"
        result = grade(
            GradingInputs(
                industry_group=group,
                industry_name=industry.name,
                monthly_spend=Decimal(spend).scaleb(-2),  # fen → CNY with two places
                party_government_military=pgm,
                group_scope=scope,
                hq_strategic=strategic,
                national_top500=top500,
                large_for_area=True,  # below 3,000 CNY the branch flags it: a local key account
                growth_potential=growth,
            ),
            rules,
        )
        reasons = tuple(
            (r.code, tuple((k, str(v)) for k, v in r.params.items())) for r in result.reasons
        )
        owner = rng.choice(ams_by_group[group])
        plans.append(
            AccountPlan(
                number=index,
                id=mint(),
                name=name,
                group=group,
                district=district.name,
                address=address(rng, district),
                phone=people.landline(),
                credit_code=code,
                category=result.category.value,
                level=result.level.value,
                grade=result.grade.value,
                score=str(result.score),
                reasons=reasons,
                owner_id=owner,
                group_scope=scope.value,
                strategic=strategic,
                growth=GROWTH_LEVEL[growth],
                opened=opened,
                left=left,
                leave_reason=rng.choice(LEAVE_REASONS) if left is not None else "",
                totals=totals,
                products=_products(rng, opened, index),
                contact=people.name(),
                monthly_spend=spend,
                revenue_drop=drop,
            )
        )
    return plans


def make_unique(plans: list[AccountPlan], seed: int) -> list[AccountPlan]:
    """Rename clashing names and re-draw clashing credit codes (the later account of a
    clash changes), in place; returns the changed plans."""
    rng = FastRandom(f"{seed}:unique")
    districts = {d.name: d for d in DISTRICTS}
    names = NameMaker(rng)
    seen_codes: set[str] = set()
    fixes: list[AccountPlan] = []
    for i, plan in enumerate(plans):
        new = plan
        if not names.claim(plan.name):
            name, _ = names.make(plan.group, districts[plan.district])
            new = new._replace(name=name)
        if plan.credit_code in seen_codes:
            code = plan.credit_code
            while code in seen_codes:
                code = make_credit_code(
                    rng,
                    districts[plan.district].division,
                    authority=plan.credit_code[0],
                    entity_type=plan.credit_code[1],
                )
            new = new._replace(credit_code=code)
        seen_codes.add(new.credit_code)
        if new is not plan:
            plans[i] = new
            fixes.append(new)
    return fixes
