"""Account jobs: turn a chunk of :class:`AccountPlan` into the rows of the customer file.

Per account: the customer row (search keys from the domain's name and pinyin rules,
grade and churn score with their reasons from the domain engines), products in use,
grade history, twelve months of revenue by product (the plan's monthly totals split
by product share, so they add up exactly), agreements with their monthly split,
opportunities, and the :mod:`.account_life` rows.
"""

from __future__ import annotations

from decimal import Decimal

from kamdesk.domain.customers.churn import ChurnInputs, assess_churn
from kamdesk.domain.customers.classification import Grade
from kamdesk.domain.customers.names import normalize_name
from kamdesk.domain.customers.pinyin_keys import pinyin_keys
from kamdesk.services.demo import catalog
from kamdesk.services.demo import vocab_texts as texts
from kamdesk.services.demo.account_life import Life, LifeMaker
from kamdesk.services.demo.accounts_plan import AccountPlan
from kamdesk.services.demo.context import Reference
from kamdesk.services.demo.fastrandom import FastRandom
from kamdesk.services.demo.ids import IdMinter
from kamdesk.services.demo.rowkit import Row, office_time, reasons_json, sync
from kamdesk.services.demo.timetext import (
    DAY,
    HOUR,
    add_months,
    day_text_of,
    db,
    local_day,
    local_day_start,
    month_start,
    to_date,
)

ACCOUNT_TABLES = (
    "customers",
    "customer_products",
    "grade_history",
    "key_persons",
    "complaints",
    "visits",
    "care_actions",
    "competitor_notes",
    "agreements",
    "agreement_months",
    "revenue_months",
    "opportunities",
)
STAGES = ("lead", "created", "assigned", "relationship", "negotiation", "won", "lost")
STAGE_WEIGHTS = (20, 15, 15, 15, 15, 12, 8)
PRODUCTS = {p.code: p for p in catalog.PRODUCTS}


def search_keys(name: str) -> tuple[str, str]:
    """:func:`pinyin_keys` of ``name`` as (full, initials)."""
    keys = pinyin_keys(name)
    return keys.full, keys.initials


class AccountRows:
    """All rows of one chunk of accounts."""

    def __init__(self, ref: Reference, index: int, mint: IdMinter) -> None:
        self.ref = ref
        self.rng = FastRandom(f"{ref.seed}:account-rows:{index}")
        self.mint = mint
        self.life = LifeMaker(ref, self.rng, mint)
        self.rows: dict[str, list[Row]] = {table: [] for table in ACCOUNT_TABLES}
        self.today = local_day(ref.now)
        month_now = to_date(self.today)
        self.regraded = local_day_start(month_start(month_now.year, month_now.month)) + 2 * HOUR
        self.month_days = [month_start(y, m) for y, m in ref.months]

    def add(self, plan: AccountPlan) -> None:
        life = self.life.make(plan)
        agreement_end = self._agreements(plan)
        self._customer(plan, life, agreement_end)
        for table, rows in life.rows.items():
            self.rows[table].extend(rows)
        self._products(plan)
        self._grade_history(plan)
        self._revenue(plan)
        self._opportunities(plan)

    # -- the customer row ------------------------------------------------------------

    def _churn(self, plan: AccountPlan, life: Life, agreement_end: int | None) -> tuple[int, str]:
        if plan.left is not None:
            return 0, "[]"
        assessment = assess_churn(
            ChurnInputs(
                today=to_date(self.today),
                grade=Grade(plan.grade),
                monthly_revenue=[Decimal(t).scaleb(-2) for t in plan.totals if t > 0],
                overdue_open_complaints=life.overdue_complaints,
                agreement_end=None if agreement_end is None else to_date(agreement_end),
                last_done_visit=None if life.last_visit is None else to_date(
                    local_day(life.last_visit)),
                account_since=to_date(local_day(plan.opened)),
                last_competitor_activity=None if life.last_competitor is None else to_date(
                    local_day(life.last_competitor)),
            )
        )  # fmt: skip
        reasons = [(r.code, [(k, str(v)) for k, v in r.params.items()]) for r in assessment.reasons]
        return assessment.score, reasons_json(reasons)

    def _customer(self, plan: AccountPlan, life: Life, agreement_end: int | None) -> None:
        full, initials = search_keys(plan.name)
        churn_score, churn_reasons = self._churn(plan, life, agreement_end)
        updated = max(plan.opened, self.regraded, life.last_visit or 0, plan.left or 0)
        presence = "、".join(life.competitors)
        self.rows["customers"].append(
            (
                *sync(plan.id, plan.opened, min(updated, self.ref.now)), "{}",
                self.ref.branch_id, plan.name, normalize_name(plan.name), full, initials,
                plan.credit_code, self.ref.group_ids[plan.group], plan.address,
                plan.district, plan.phone, plan.category, plan.level, plan.grade,
                float(plan.score), reasons_json(plan.reasons), plan.owner_id,
                int(plan.group_scope != "none"),
                self.ref.branch_id if plan.group_scope == "provincial" else None, None,
                int(plan.strategic), plan.growth, plan.monthly_spend, presence,
                "left" if plan.left is not None else "active", db(plan.opened),
                None if plan.left is None else db(plan.left), plan.leave_reason,
                None if life.last_visit is None else db(life.last_visit), churn_score,
                churn_reasons,
            )
        )  # fmt: skip

    # -- money ---------------------------------------------------------------------

    def _products(self, plan: AccountPlan) -> None:
        for use in plan.products:
            created = max(plan.opened, local_day_start(use.since) + 10 * HOUR)
            created = min(created, self.ref.now)
            self.rows["customer_products"].append(
                (
                    *sync(self.mint(), created), plan.id,
                    self.ref.product_ids[use.code], use.quantity,
                    day_text_of(min(use.since, local_day(created))), use.circuit_no,
                )
            )  # fmt: skip

    def _grade_history(self, plan: AccountPlan) -> None:
        rng = self.rng
        if rng.random() < 0.12 and plan.opened < self.regraded - 200 * DAY:
            earlier = self.regraded - 183 * DAY
            other = rng.choice([g for g in "ABC" if g != plan.grade])
            score = {"A": 78.5, "B": 61.2, "C": 42.7}[other]
            self.rows["grade_history"].append(
                (*sync(self.mint(), earlier), plan.id, other, plan.category, score, "[]", 1,
                 db(earlier))
            )  # fmt: skip
        computed = max(self.regraded, plan.opened)
        self.rows["grade_history"].append(
            (*sync(self.mint(), computed), plan.id, plan.grade, plan.category,
             float(plan.score), reasons_json(plan.reasons), 1, db(computed))
        )  # fmt: skip

    def _revenue(self, plan: AccountPlan) -> None:
        ids = self.ref.product_ids
        uses = plan.products
        for month_day, total in zip(self.month_days, plan.totals, strict=True):
            if total <= 0:
                continue
            billed = local_day_start(month_day + 35) + 3 * HOUR
            month_text = day_text_of(month_day)
            left = total
            for k, use in enumerate(uses):
                amount = left if k == len(uses) - 1 else round(total * use.share)
                left -= amount
                self.rows["revenue_months"].append(
                    (*sync(self.mint(), min(billed, self.ref.now)), plan.id, ids[use.code],
                     month_text, amount)
                )  # fmt: skip

    def _agreements(self, plan: AccountPlan) -> int | None:
        """Agreements of the account; returns the end day of the latest one."""
        rng = self.rng
        if rng.random() >= 0.45 or plan.monthly_spend <= 0:
            return None
        term = rng.choice((12, 24, 24, 36))
        signed_day = self.today - rng.randrange(20, term * 30 + 120)
        signed_day = max(signed_day, local_day(plan.opened) + 1)
        if signed_day >= self.today:
            return None
        signed = to_date(signed_day)
        start_y, start_m = add_months(signed.year, signed.month, 1)
        months = [add_months(start_y, start_m, i) for i in range(term)]
        end_y, end_m = add_months(start_y, start_m, term)
        ends = month_start(end_y, end_m) - 1
        monthly = plan.monthly_spend * rng.uniform(0.8, 1.0)
        total = int(monthly * term) // 100 * 100
        agreement_id = self.mint()
        created = office_time(rng, signed_day, self.ref.working_days)
        main = plan.products[0]
        title = f"{PRODUCTS[main.code].name}业务合作协议（{term} 个月）"
        number = f"HZ-XY-{signed.year}-{plan.number:07d}"
        self.rows["agreements"].append(
            (
                *sync(agreement_id, min(created, self.ref.now)), "{}", plan.id, number,
                title, day_text_of(signed_day), day_text_of(month_start(start_y, start_m)),
                day_text_of(ends), total, "active" if ends >= self.today else "expired",
            )
        )  # fmt: skip
        left = total
        product_id = self.ref.product_ids[main.code]
        for i, (year, month) in enumerate(months):
            amount = left if i == term - 1 else total // term
            left -= amount
            self.rows["agreement_months"].append(
                (*sync(self.mint(), min(created, self.ref.now)), agreement_id,
                 day_text_of(month_start(year, month)), product_id, amount)
            )  # fmt: skip
        return ends

    def _opportunities(self, plan: AccountPlan) -> None:
        rng, now = self.rng, self.ref.now
        if plan.left is not None or rng.random() >= 0.3:
            return
        for _ in range(rng.randint(1, 2)):
            product = rng.choice(catalog.PRODUCTS)
            stage = rng.choices(STAGES, weights=STAGE_WEIGHTS)[0]
            changed = now - rng.randrange(1, 120) * DAY - rng.randrange(DAY)
            created = changed - rng.randrange(0, 90) * DAY
            if stage in ("won", "lost"):
                close = local_day(changed)
            else:
                close = self.today + rng.randrange(15, 180)
            value = product.monthly_fee_fen * 12 * rng.randint(1, 6)
            title = rng.choice(texts.OPPORTUNITY_TITLES).format(product=product.name)
            self.rows["opportunities"].append(
                (*sync(self.mint(), max(created, plan.opened), changed), plan.id,
                 plan.owner_id, self.ref.product_ids[product.code], title, stage, value,
                 day_text_of(close), db(changed))
            )  # fmt: skip


def account_rows(
    ref: Reference, index: int, ms: int, plans: list[AccountPlan]
) -> dict[str, list[Row]]:
    """The rows of one chunk of accounts, table by table in :data:`ACCOUNT_TABLES` order."""
    mint = IdMinter(ms, FastRandom(f"{ref.seed}:account-ids:{index}"))
    maker = AccountRows(ref, index, mint)
    for plan in plans:
        maker.add(plan)
    return maker.rows
