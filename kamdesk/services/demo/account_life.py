"""A year in the life of one account: key persons, visits, care actions, complaints
and competitor notes.

Visits follow the grade's interval (A 30, B 60, C 90 days) with some slack; about one
account in eight stopped being visited a while ago and is overdue now. Complaints
run received → handled → closed → followed up (with a 回访 visit); a few stall
before handling and are past their deadline. Times are UTC seconds and nothing
lies after the demo's "now".
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import date

from kamdesk.domain.customers.visits import DEFAULT_VISIT_INTERVAL_DAYS
from kamdesk.services.demo import vocab_texts as texts
from kamdesk.services.demo.accounts_plan import AccountPlan
from kamdesk.services.demo.context import Reference
from kamdesk.services.demo.ids import IdMinter
from kamdesk.services.demo.people import People
from kamdesk.services.demo.rowkit import Row, office_time, sync
from kamdesk.services.demo.timetext import (
    DAY,
    HOUR,
    day_index,
    day_text_of,
    db,
    local_day,
    local_day_start,
    to_date,
)
from kamdesk.services.demo.vocab_companies import COMPETITORS
from kamdesk.services.demo.vocab_people import DEPARTMENTS, KEY_PERSON_TITLES, PREFERENCES

INTERVALS = {grade.value: days for grade, days in DEFAULT_VISIT_INTERVAL_DAYS.items()}
COMPLAINT_RATE = {"A": 0.3, "B": 0.15, "C": 0.08}
ROLES_AFTER_FIRST = ("influencer", "user", "gatekeeper", "influencer", "user")


@dataclass
class Life:
    """Rows of one account plus the facts its customer row and churn score need."""

    rows: dict[str, list[Row]] = field(default_factory=dict)
    last_visit: int | None = None
    overdue_complaints: int = 0
    last_competitor: int | None = None
    competitors: list[str] = field(default_factory=list)

    def add(self, table: str, row: Row) -> None:
        self.rows.setdefault(table, []).append(row)


class LifeMaker:
    """Generates :class:`Life` for accounts of one chunk with the chunk's generator."""

    def __init__(self, ref: Reference, rng: random.Random, mint: IdMinter) -> None:
        self.ref, self.rng, self.mint = ref, rng, mint
        self.people = People(rng)
        self.today = local_day(ref.now)
        self.year_ago = ref.now - 365 * DAY

    def _id(self) -> str:
        return self.mint()

    def make(self, plan: AccountPlan) -> Life:
        life = Life()
        persons = self._key_persons(plan, life)
        self._visits(plan, life, persons)
        self._care(plan, life, persons)
        self._complaints(plan, life)
        self._competitors(plan, life)
        return life

    # -- key persons -------------------------------------------------------------

    def _key_persons(self, plan: AccountPlan, life: Life) -> list[tuple[str, str, str, int]]:
        """Rows of 2-5 key persons; returns (id, name, tier, birthday day index)."""
        rng, people = self.rng, self.people
        count = rng.choices((2, 3, 4, 5), weights=(30, 35, 25, 10))[0]
        out: list[tuple[str, str, str, int]] = []
        senior_id = ""
        for k in range(count):
            tier = "senior" if k == 0 or (k == 2 and rng.random() < 0.4) else "working"
            name = plan.contact if k == 1 else people.name()
            role = "decision_maker" if k == 0 else ROLES_AFTER_FIRST[k - 1]
            person_id = self._id()
            birthday = day_index(date(1962, 1, 1)) + rng.randrange(33 * 365)
            created = plan.opened + rng.randrange(0, 60) * DAY
            email = f"kp{plan.number}_{k}@example.com.cn" if rng.random() < 0.4 else ""
            life.add(
                "key_persons",
                (
                    *sync(person_id, created), "{}", plan.id, name,
                    rng.choice(KEY_PERSON_TITLES[tier]), rng.choice(DEPARTMENTS), role, tier,
                    people.mobile(), people.landline() if rng.random() < 0.7 else "", email, "",
                    day_text_of(birthday), rng.choice(PREFERENCES) if rng.random() < 0.5 else "",
                    rng.randint(2, 5), senior_id or None, None,
                ),
            )  # fmt: skip
            if k == 0:
                senior_id = person_id
            out.append((person_id, name, tier, birthday))
        return out

    # -- visits ------------------------------------------------------------------

    def _visit(
        self,
        plan: AccountPlan,
        life: Life,
        status: str,
        planned: int,
        done: int | None,
        participants: str,
        purpose: str,
        complaint_id: str | None = None,
    ) -> None:
        rng = self.rng
        finished = status == "done"
        life.add(
            "visits",
            (
                *sync(self._id(), min(planned - rng.randrange(1, 10) * DAY, self.ref.now), done),
                plan.id, plan.owner_id, status, db(planned), None if done is None else db(done),
                purpose, participants,
                rng.choice(texts.VISIT_FINDINGS) if finished else "",
                rng.choice(texts.EXPLICIT_NEEDS) if finished else "",
                rng.choice(texts.HIDDEN_NEEDS) if finished else "",
                rng.choice(texts.NEXT_STEPS) if finished else "",
                complaint_id,
            ),
        )  # fmt: skip

    def _visits(
        self, plan: AccountPlan, life: Life, persons: list[tuple[str, str, str, int]]
    ) -> None:
        rng, wd, now = self.rng, self.ref.working_days, self.ref.now
        interval = INTERVALS[plan.grade] * DAY
        start = max(plan.opened, self.year_ago)
        stop = min(now, plan.left) if plan.left is not None else now
        if rng.random() < 0.12:  # neglected: overdue now
            stop = min(stop, now - int(interval * rng.uniform(1.2, 2.6)))
        am = self.ref.staff_names[plan.owner_id]
        t = start + int(interval * rng.uniform(0.1, 0.9))
        while True:
            done = office_time(rng, local_day(t), wd)
            if done >= stop:
                break
            who = f"{am}、{rng.choice(persons)[1]}"
            if rng.random() < 0.03:
                self._visit(
                    plan, life, "cancelled", done, None, who, rng.choice(texts.VISIT_PURPOSES)
                )
            else:
                self._visit(plan, life, "done", done - rng.randrange(0, 5) * DAY, done, who,
                            rng.choice(texts.VISIT_PURPOSES))  # fmt: skip
                life.last_visit = done
            t = done + int(interval * rng.uniform(0.55, 1.0))
        if plan.left is None and rng.random() < 0.6:
            due = (life.last_visit or plan.opened) + interval
            planned = max(due - rng.randrange(0, 7) * DAY, now + rng.randrange(1, 15) * DAY)
            planned = office_time(rng, local_day(planned), wd)
            self._visit(plan, life, "planned", planned, None, am, rng.choice(texts.VISIT_PURPOSES))

    # -- care ----------------------------------------------------------------------

    def _care(
        self, plan: AccountPlan, life: Life, persons: list[tuple[str, str, str, int]]
    ) -> None:
        if plan.left is not None:
            return
        rng, today = self.rng, self.today
        first, last = today - 330, today + 60
        now_year = to_date(today).year
        actions: list[tuple[str, str | None, str, int]] = []
        for person_id, name, tier, birthday in persons:
            if tier != "senior":
                continue
            born = to_date(birthday)
            for year in (now_year - 1, now_year):
                due = day_index(date(year, born.month, min(born.day, 28))) - 1
                if first <= due <= last:
                    actions.append(("birthday", person_id, texts.CARE_TITLES["birthday"].format(
                        name=name), due))  # fmt: skip
        if plan.grade in ("A", "B"):
            for holiday, month, day in (*texts.CARE_HOLIDAYS, ("元旦", 12, 28)):
                for year in (now_year - 1, now_year):
                    due = day_index(date(year, month, day))
                    if first <= due <= last:
                        title = texts.CARE_TITLES["holiday"].format(holiday=holiday)
                        actions.append(("holiday", persons[0][0], title, due))
        if plan.grade == "A":
            opened = to_date(local_day(plan.opened))
            for year in (now_year - 1, now_year):
                due = day_index(date(year, opened.month, min(opened.day, 28)))
                if first <= due <= last and due > local_day(plan.opened) + 300:
                    actions.append(("anniversary", None, texts.CARE_TITLES["anniversary"], due))
        for kind, person, title, due in actions:
            created = min(local_day_start(due - 30) + 9 * HOUR, self.ref.now)
            done_at = None
            status = "planned"
            if due < today and rng.random() < 0.88:
                status = "done"
                done_at = local_day_start(due) + int(9 * HOUR) + rng.randrange(8 * HOUR)
            life.add(
                "care_actions",
                (
                    *sync(self._id(), created, done_at), plan.id, person,
                    plan.owner_id, kind, title, day_text_of(due), status,
                    None if done_at is None else db(done_at), "",
                ),
            )  # fmt: skip

    # -- complaints ------------------------------------------------------------------

    def _complaints(self, plan: AccountPlan, life: Life) -> None:
        rng, now = self.rng, self.ref.now
        rate = COMPLAINT_RATE[plan.grade]
        count = sum(1 for _ in range(4) if rng.random() < rate / 2)
        start = max(plan.opened, self.year_ago)
        stop = plan.left if plan.left is not None else now
        for _ in range(count):
            if stop - start < 2 * DAY:
                return
            received = rng.randrange(start, stop - DAY)
            urgent = rng.random() < 0.2
            deadline = received + (24 if urgent else 72) * HOUR
            category, description = rng.choice(texts.COMPLAINT_CATEGORIES)
            handled = received + int(rng.uniform(2, 1.3 * (24 if urgent else 72)) * HOUR)
            if rng.random() < 0.04:
                handled = now + DAY  # stalled: never handled so far
            closed = handled + rng.randrange(HOUR, DAY)
            followed = closed + rng.randrange(DAY, 7 * DAY) if rng.random() < 0.8 else now + DAY
            status = "followed_up"
            if handled > now:
                status = "received"
            elif closed > now:
                status = "handled"
            elif followed > now:
                status = "closed"
            if status in ("received", "handled") and deadline < now:
                life.overdue_complaints += 1
            complaint_id = self._id()
            last = max(t for t in (received, handled, closed, followed) if t <= now)
            life.add(
                "complaints",
                (
                    *sync(complaint_id, received, last), plan.id, db(received),
                    rng.choice(("phone", "phone", "visit", "email", "hotline")), category,
                    "urgent" if urgent else "normal", description, db(deadline), plan.owner_id,
                    db(handled) if handled <= now else None,
                    db(closed) if closed <= now else None,
                    rng.choice(texts.COMPLAINT_RESOLUTIONS) if closed <= now else "",
                    db(followed) if followed <= now else None,
                    rng.choice(texts.FOLLOWUP_NOTES) if followed <= now else "", status,
                ),
            )  # fmt: skip
            if followed <= now:
                am = self.ref.staff_names[plan.owner_id]
                self._visit(plan, life, "done", followed, followed, f"{am}、{plan.contact}",
                            "投诉回访", complaint_id)  # fmt: skip

    # -- competitors -------------------------------------------------------------

    def _competitors(self, plan: AccountPlan, life: Life) -> None:
        rng = self.rng
        if rng.random() >= 0.15:
            return
        start = max(plan.opened, self.year_ago)
        for _ in range(rng.randint(1, 2)):
            competitor = rng.choice(COMPETITORS)
            noted = office_time(rng, local_day(rng.randrange(start, self.ref.now - DAY)),
                                self.ref.working_days)  # fmt: skip
            if noted > self.ref.now:
                continue
            text = rng.choice(texts.COMPETITOR_NOTES).format(competitor=competitor)
            life.add(
                "competitor_notes",
                (*sync(self._id(), noted), plan.id, db(noted), competitor, text),
            )
            if competitor not in life.competitors:
                life.competitors.append(competitor)
            life.last_competitor = max(life.last_competitor or 0, noted)
