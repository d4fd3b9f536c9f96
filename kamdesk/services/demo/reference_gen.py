"""The branch and its reference data: industry groups, workstations, staff of every
role, products, SLA rules and the grading rule set.

Staff numbers follow the size of the demo: one account manager per
:data:`ACCOUNTS_PER_AM` accounts (at least one per industry group), spread over the
groups by their share of accounts; one industry manager per group; a leader, clerks,
response-center dispatchers, the workstations' people and an admin.
"""

from __future__ import annotations

import json
import math
import random
from datetime import date

from pypinyin import lazy_pinyin

from kamdesk.domain.customers.grading_rules import DEFAULT_GRADING_RULES
from kamdesk.domain.incentive import DEFAULT_INCENTIVE_SCHEDULE
from kamdesk.domain.workorders.vocabulary import Role
from kamdesk.services.demo import catalog
from kamdesk.services.demo.fastrandom import FastRandom
from kamdesk.services.demo.ids import IdMinter
from kamdesk.services.demo.people import People
from kamdesk.services.demo.timetext import DAY, day_index, day_text_of, db
from kamdesk.services.demo.vocab_people import STAFF_TITLES

ACCOUNTS_PER_AM = 80
GRADING_RULES_VERSION = 1
"""Version of the grading rule set the demo publishes (the default rules)."""
Rows = dict[str, list[tuple[object, ...]]]


class StaffBook:
    """Staff rows with unique pinyin logins."""

    def __init__(self, mint: IdMinter, rng: random.Random, branch_id: str, hlc: str, at: int):
        self._mint, self._rng, self._branch, self._hlc = mint, rng, branch_id, hlc
        self._people = People(rng)
        self._logins: set[str] = set()
        self._at = at
        self.rows: list[tuple[object, ...]] = []
        self.names: dict[str, str] = {}

    def add(self, role: str, group_id: str | None = None, workstation_id: str | None = None) -> str:
        name = self._people.name()
        base = "".join(lazy_pinyin(name)) or "user"
        login, n = base, 1
        while login in self._logins:
            n += 1
            login = f"{base}{n}"
        self._logins.add(login)
        staff_id = self._mint()
        hired = day_index(date(2008, 1, 1)) + self._rng.randrange(16 * 365)
        created = db(self._at)
        self.rows.append(
            (
                staff_id, created, created,
                self._branch, login, name, role, STAFF_TITLES[role], group_id, workstation_id,
                self._people.mobile(), f"{login}@hz.kamdesk-demo.example", 1, None,
                day_text_of(hired),
            )
        )  # fmt: skip
        self.names[staff_id] = name
        return staff_id


def months_before(now_year: int, now_month: int, count: int = 12) -> tuple[tuple[int, int], ...]:
    """The ``count`` complete calendar months before the month of now, oldest first."""
    out = []
    index = now_year * 12 + now_month - 1
    for back in range(count, 0, -1):
        i = index - back
        out.append((i // 12, i % 12 + 1))
    return tuple(out)


def build_reference(
    *, accounts: int, orders: int, seed: int, now: int, hlc: str, mint: IdMinter
) -> tuple[dict[str, object], Rows]:
    """Reference rows, and the ids the later phases need (as keyword arguments)."""
    rng = FastRandom(f"{seed}:reference")
    set_up = now - 400 * DAY  # reference data existed before the year of data
    stamp = db(set_up)
    sync = (stamp, stamp)
    rows: Rows = {name: [] for name in ("branches", "industry_groups", "workstations", "staff")}
    rows.update(
        {"products": [], "sla_rules": [], "grading_rule_sets": [], "incentive_schedules": []}
    )

    branch_id = mint()
    rows["branches"].append(
        (branch_id, *sync, catalog.BRANCH_CODE, catalog.BRANCH_NAME, catalog.BRANCH_REGION,
         catalog.BRANCH_ADDRESS)
    )  # fmt: skip
    group_ids: dict[str, str] = {}
    for order, group in enumerate(catalog.INDUSTRY_GROUPS, start=1):
        group_ids[group.code] = mint()
        rows["industry_groups"].append(
            (group_ids[group.code], *sync, group.code, group.name, order)
        )
    workstation_ids: dict[str, str] = {}
    for ws in catalog.WORKSTATIONS:
        workstation_ids[ws.code] = mint()
        rows["workstations"].append((workstation_ids[ws.code], *sync, branch_id, ws.code, ws.name))

    staff = StaffBook(mint, rng, branch_id, hlc, set_up)
    leader_id = staff.add(Role.LEADER.value)
    manager_by_group = {
        g.code: staff.add(Role.INDUSTRY_MANAGER.value, group_ids[g.code])
        for g in catalog.INDUSTRY_GROUPS
    }
    total_weight = sum(g.weight for g in catalog.INDUSTRY_GROUPS)
    am_total = max(len(catalog.INDUSTRY_GROUPS), math.ceil(accounts / ACCOUNTS_PER_AM))
    ams_by_group = {
        g.code: tuple(
            staff.add(Role.AM.value, group_ids[g.code])
            for _ in range(max(1, round(am_total * g.weight / total_weight)))
        )
        for g in catalog.INDUSTRY_GROUPS
    }
    clerk_ids = tuple(staff.add(Role.CLERK.value) for _ in range(2))
    response_ids = tuple(
        staff.add(Role.RESPONSE_CENTER.value) for _ in range(3 + min(orders // 200_000, 5))
    )
    workstation_staff = {
        ws.code: tuple(
            staff.add(Role.WORKSTATION.value, workstation_id=workstation_ids[ws.code])
            for _ in range(ws.staff)
        )
        for ws in catalog.WORKSTATIONS
    }
    staff.add(Role.ADMIN.value)
    rows["staff"] = staff.rows

    product_ids: dict[str, str] = {}
    for p in catalog.PRODUCTS:
        product_ids[p.code] = mint()
        rows["products"].append(
            (product_ids[p.code], *sync, p.code, p.name, p.family, int(p.is_circuit),
             p.promised_days, p.clock_mode, p.repair_hours, p.monthly_fee_fen)
        )  # fmt: skip
        rows["sla_rules"].append(
            (mint(), *sync, "order", product_ids[p.code], None, p.promised_days, p.clock_mode)
        )
        days_for_a = catalog.promised_days(p, "A")
        if days_for_a != p.promised_days:
            rows["sla_rules"].append(
                (mint(), *sync, "order", product_ids[p.code], "A", days_for_a, p.clock_mode)
            )
    rows["sla_rules"].append(
        (mint(), *sync, "confirmation", None, None, catalog.CONFIRMATION_TARGET_DAYS,
         catalog.WORKING)
    )  # fmt: skip
    rows["grading_rule_sets"].append(
        (mint(), *sync, GRADING_RULES_VERSION, "2025-01-01",
         json.dumps(DEFAULT_GRADING_RULES, ensure_ascii=False),
         stamp)
    )  # fmt: skip
    rows["incentive_schedules"].append(
        (mint(), *sync, 1, "2025-01-01", json.dumps(DEFAULT_INCENTIVE_SCHEDULE), stamp)
    )

    ids: dict[str, object] = {
        "branch_id": branch_id,
        "group_ids": group_ids,
        "product_ids": product_ids,
        "workstation_ids": workstation_ids,
        "workstation_staff": workstation_staff,
        "leader_id": leader_id,
        "clerk_ids": clerk_ids,
        "response_ids": response_ids,
        "manager_by_group": manager_by_group,
        "ams_by_group": ams_by_group,
        "staff_names": staff.names,
    }
    return ids, rows
