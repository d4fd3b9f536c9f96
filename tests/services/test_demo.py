"""Demo data: deterministic by seed, complete, Chinese, and consistent with the domain.

One small database (200 accounts, 2,000 orders) is generated once for the module and
read by most tests; a few tests generate their own to compare runs.
"""

from __future__ import annotations

import hashlib
import json
import re
import sqlite3
import zlib
from collections import Counter, defaultdict
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from pathlib import Path

import pytest
from sqlalchemy import Engine
from stdnum.cn import uscc

from kamdesk.db.startup import open_database
from kamdesk.domain.clock import SHANGHAI
from kamdesk.domain.customers.credit_code import is_valid_credit_code
from kamdesk.domain.customers.names import normalize_name
from kamdesk.domain.customers.phone import PhoneKind, parse_phone
from kamdesk.domain.customers.pinyin_keys import pinyin_keys
from kamdesk.domain.customers.visits import DEFAULT_VISIT_INTERVAL_DAYS
from kamdesk.domain.kpi import parse_period
from kamdesk.domain.progress import Cancelled
from kamdesk.domain.working_calendar import ChineseWorkingCalendar
from kamdesk.domain.workorders.deadline import order_clock
from kamdesk.domain.workorders.events import Actor, WorkOrderEvent
from kamdesk.domain.workorders.machine import check_event
from kamdesk.domain.workorders.payloads import DERIVED_FIELDS, normalise
from kamdesk.domain.workorders.view import OrderView, advance
from kamdesk.domain.workorders.vocabulary import Action, Role, State
from kamdesk.errors import KamdeskError
from kamdesk.services.demo import DEFAULT_NOW, DemoSpec, catalog, generate_demo
from kamdesk.services.demo import generate as generate_module
from kamdesk.services.kpi import KpiService

SPEC = DemoSpec(accounts=200, orders=2_000, seed=7)
CJK = re.compile(r"^[\u4e00-\u9fff]+$")
CJK_NAME = re.compile(r"^[\u4e00-\u9fff][\u4e00-\u9fff0-9]+$")  # 中国人民解放军31428部队
NOW_TEXT = DEFAULT_NOW.astimezone(UTC).replace(tzinfo=None).isoformat(" ", "microseconds")


@dataclass(frozen=True)
class Demo:
    path: Path
    rows: dict[str, int]

    def db(self) -> sqlite3.Connection:
        return sqlite3.connect(self.path)


def _build(path: Path, spec: DemoSpec) -> tuple[Engine, dict[str, int]]:
    engine = open_database(path)
    summary = generate_demo(engine, spec)
    return engine, dict(summary.rows)


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Demo]:
    path = tmp_path_factory.mktemp("demo") / "demo.sqlite"
    engine, rows = _build(path, SPEC)
    engine.dispose()
    yield Demo(path, rows)


def _checksums(path: Path) -> dict[str, str]:
    """SHA-256 of every table's rows in primary-key order."""
    db = sqlite3.connect(path)
    out = {}
    tables = [
        r[0]
        for r in db.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'"
        )
    ]
    for table in tables:
        keys = [r[1] for r in db.execute(f"PRAGMA table_info({table})") if r[5]] or ["rowid"]
        digest = hashlib.sha256()
        for row in db.execute(f"SELECT * FROM {table} ORDER BY {', '.join(keys)}"):
            digest.update(repr(row).encode())
        out[table] = digest.hexdigest()
    db.close()
    return out


def _dt(text: str | None) -> datetime | None:
    return None if text is None else datetime.fromisoformat(text).replace(tzinfo=UTC)


# -- determinism -----------------------------------------------------------------------


def test_the_same_seed_gives_the_same_database(demo: Demo, tmp_path: Path) -> None:
    engine, _ = _build(tmp_path / "again.sqlite", SPEC)
    engine.dispose()
    assert _checksums(tmp_path / "again.sqlite") == _checksums(demo.path)


def test_worker_processes_and_chunking_do_not_change_the_data(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(generate_module, "ACCOUNTS_PER_CHUNK", 25)
    monkeypatch.setattr(generate_module, "ORDERS_PER_CHUNK", 150)
    small = DemoSpec(accounts=60, orders=500, seed=3)
    inline, _ = _build(tmp_path / "inline.sqlite", small)
    inline.dispose()
    pooled, _ = _build(tmp_path / "pooled.sqlite", DemoSpec(60, 500, 3, workers=2))
    pooled.dispose()
    assert _checksums(tmp_path / "inline.sqlite") == _checksums(tmp_path / "pooled.sqlite")


def test_another_seed_gives_other_data(demo: Demo, tmp_path: Path) -> None:
    engine, _ = _build(tmp_path / "other.sqlite", DemoSpec(accounts=20, orders=50, seed=8))
    engine.dispose()
    with sqlite3.connect(tmp_path / "other.sqlite") as other, demo.db() as mine:
        theirs = {r[0] for r in other.execute("SELECT name FROM customers")}
        ours = {r[0] for r in mine.execute("SELECT name FROM customers")}
    assert len(theirs - ours) > 10


# -- shape of the database ---------------------------------------------------------------


def test_counts_are_as_asked_and_as_reported(demo: Demo) -> None:
    db = demo.db()
    assert db.execute("SELECT count(*) FROM customers").fetchone()[0] == SPEC.accounts
    assert db.execute("SELECT count(*) FROM work_orders").fetchone()[0] == SPEC.orders
    for table, count in demo.rows.items():
        assert db.execute(f"SELECT count(*) FROM {table}").fetchone()[0] == count, table
    for table in ("key_persons", "visits", "complaints", "care_actions", "agreements",
                  "agreement_months", "revenue_months", "opportunities", "demand_forecasts",
                  "targets", "work_order_steps", "return_orders", "clock_pauses", "signatures",
                  "grading_rule_sets", "sla_rules", "workstations"):  # fmt: skip
        assert demo.rows.get(table, 0) > 0, table


def test_the_file_is_sound_complete_and_back_to_safe_settings(demo: Demo) -> None:
    db = demo.db()
    assert db.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    assert db.execute("PRAGMA foreign_key_check").fetchall() == []
    assert db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    setting = json.loads(db.execute("SELECT value FROM settings WHERE key = 'demo'").fetchone()[0])
    assert setting["complete"] is True and setting["seed"] == SPEC.seed


def test_every_index_of_the_schema_is_there(demo: Demo, tmp_path: Path) -> None:
    open_database(tmp_path / "empty.sqlite").dispose()
    query = "SELECT name, sql FROM sqlite_master WHERE type = 'index' ORDER BY name"
    with sqlite3.connect(tmp_path / "empty.sqlite") as empty, demo.db() as full:
        assert full.execute(query).fetchall() == empty.execute(query).fetchall()


def test_nothing_happens_after_now(demo: Demo) -> None:
    db = demo.db()
    for (table,) in db.execute(
        "SELECT name FROM sqlite_master WHERE type = 'table' AND sql LIKE '%updated_at%'"
    ):
        latest = db.execute(f"SELECT max(created_at), max(updated_at) FROM {table}").fetchone()
        assert all(v is None or v <= NOW_TEXT for v in latest), table
    assert db.execute("SELECT max(at) FROM work_order_events").fetchone()[0] <= NOW_TEXT


def test_a_database_with_data_is_refused(demo: Demo) -> None:
    engine = open_database(demo.path)
    try:
        with pytest.raises(KamdeskError) as caught:
            generate_demo(engine, DemoSpec(accounts=1, orders=0))
        assert caught.value.code == "demo.not_empty"
    finally:
        engine.dispose()


def test_cancel_leaves_a_sound_file_marked_incomplete(tmp_path: Path) -> None:
    engine = open_database(tmp_path / "cancelled.sqlite")
    checks = iter(range(1000))
    with pytest.raises(Cancelled):
        generate_demo(engine, DemoSpec(accounts=50, orders=300), cancel=lambda: next(checks) >= 3)
    with engine.connect() as conn:
        pragmas = [
            conn.exec_driver_sql(f"PRAGMA {p}").scalar() for p in ("foreign_keys", "synchronous")
        ]
    engine.dispose()
    assert pragmas == [1, 2]  # foreign keys on, synchronous FULL again
    db = sqlite3.connect(tmp_path / "cancelled.sqlite")
    assert db.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    value = db.execute("SELECT value FROM settings WHERE key = 'demo'").fetchone()[0]
    assert json.loads(value)["complete"] is False


# -- the customer file -----------------------------------------------------------------


def test_credit_codes_are_valid_and_unique(demo: Demo) -> None:
    codes = [r[0] for r in demo.db().execute("SELECT credit_code FROM customers")]
    assert all(uscc.is_valid(c) and is_valid_credit_code(c) for c in codes)
    assert len(set(codes)) == len(codes)


def test_names_and_addresses_are_chinese_and_searchable(demo: Demo) -> None:
    db = demo.db()
    rows = db.execute("SELECT name, name_key, name_pinyin, name_initials, address FROM customers")
    names = []
    for name, key, full, initials, address in rows:
        assert CJK_NAME.match(name), name
        assert address.startswith("浙江省杭州市"), address
        keys = pinyin_keys(name)
        assert (key, full, initials) == (normalize_name(name), keys.full, keys.initials)
        names.append(name)
    assert len(set(names)) == len(names)
    assert all(CJK.match(n) for (n,) in db.execute("SELECT name FROM key_persons"))
    assert all(CJK.match(n) for (n,) in db.execute("SELECT name FROM staff"))
    assert any(n.endswith("有限公司") for n in names)
    assert any(n.startswith("杭州市") and n.endswith("局") for n in names)


def test_phone_numbers_parse_as_mobiles_and_hangzhou_landlines(demo: Demo) -> None:
    for mobile, landline in demo.db().execute("SELECT mobile, landline FROM key_persons"):
        assert parse_phone(mobile).kind is PhoneKind.MOBILE
        if landline:
            assert landline.startswith("0571-")
            assert parse_phone(landline).kind is PhoneKind.LANDLINE


def test_grades_follow_the_published_cutoffs(demo: Demo) -> None:
    rules = json.loads(demo.db().execute("SELECT rules FROM grading_rule_sets").fetchone()[0])
    a_from, b_from = (Decimal(rules["grade_cutoffs"][k]) for k in "AB")
    rows = demo.db().execute("SELECT grade, grade_score, level, grade_reasons FROM customers")
    grades = Counter()
    for grade, score, level, reasons in rows:
        total = next(r for r in json.loads(reasons) if r["code"] == "grading.score.total")
        assert Decimal(total["params"]["score"]) == Decimal(str(score))
        by_score = "A" if Decimal(str(score)) >= a_from else "B" if score >= b_from else "C"
        assert grade == ("A" if level == "national" else by_score)
        grades[grade] += 1
    assert set(grades) == {"A", "B", "C"}


def test_monthly_spend_is_the_mean_of_the_last_three_billed_months(demo: Demo) -> None:
    db = demo.db()
    bills: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    for customer, month, amount in db.execute(
        "SELECT customer_id, month, amount FROM revenue_months"
    ):
        bills[customer][month] += amount
    last_three = sorted({m for b in bills.values() for m in b})[-3:]
    checked = 0
    for customer, spend in db.execute("SELECT id, monthly_spend FROM customers"):
        recent = [bills[customer][m] for m in last_three if bills[customer].get(m)]
        if len(recent) == 3:
            assert spend == sum(recent) // 3
            checked += 1
    assert checked > SPEC.accounts * 0.8


def test_agreement_months_add_up_to_the_agreement(demo: Demo) -> None:
    rows = demo.db().execute(
        "SELECT a.total_value, sum(m.expected_revenue) FROM agreements a "
        "JOIN agreement_months m ON m.agreement_id = a.id GROUP BY a.id"
    )
    assert all(total == split for total, split in rows)


def test_hq_publishes_the_kpi_standards_wherever_it_sets_a_revenue_target(demo: Demo) -> None:
    db = demo.db()
    revenue = set(db.execute("SELECT scope, scope_id, month FROM targets WHERE metric = 'revenue'"))
    kpis: dict[tuple[str, str, str], dict[str, float]] = defaultdict(dict)
    for scope, scope_id, day, metric, ratio, amount in db.execute(
        "SELECT scope, scope_id, month, metric, ratio, amount FROM targets "
        "WHERE metric != 'revenue'"
    ):
        assert amount is None
        kpis[(scope, scope_id, day)][metric] = ratio
    assert {scope for scope, _, _ in revenue} == {"branch", "group", "am"}
    assert set(kpis) == revenue
    assert all(found == dict(catalog.KPI_STANDARDS) for found in kpis.values())
    engine = open_database(demo.path)
    try:  # what the dashboard's tiles read for the last complete month
        october = KpiService(engine).targets(parse_period("2026-10"), actor=None)
    finally:
        engine.dispose()
    assert october == dict(catalog.KPI_STANDARDS)


def test_some_accounts_are_overdue_for_a_visit(demo: Demo) -> None:
    today = DEFAULT_NOW.date()
    overdue = 0
    for grade, last in demo.db().execute(
        "SELECT grade, last_visit_at FROM customers WHERE status = 'active'"
    ):
        interval = DEFAULT_VISIT_INTERVAL_DAYS[grade]
        seen = _dt(last)
        if seen is None or (today - seen.astimezone(SHANGHAI).date()).days > interval:
            overdue += 1
    assert 0 < overdue < SPEC.accounts / 2


def test_complaints_close_their_loop_with_a_follow_up_visit(demo: Demo) -> None:
    db = demo.db()
    statuses = Counter(r[0] for r in db.execute("SELECT status FROM complaints"))
    assert statuses["followed_up"] > 0
    linked = db.execute(
        "SELECT count(*) FROM complaints c JOIN visits v ON v.complaint_id = c.id "
        "WHERE c.status = 'followed_up' AND v.done_at = c.followed_up_at"
    ).fetchone()[0]
    assert linked == statuses["followed_up"]
    late_open = db.execute(
        "SELECT count(*) FROM complaints WHERE status IN ('received', 'handled') "
        "AND deadline_at < ?",
        (NOW_TEXT,),
    ).fetchone()[0]
    assert late_open > 0


# -- work orders -------------------------------------------------------------------------


def _actors(db: sqlite3.Connection) -> dict[str, Actor]:
    actors = {}
    for staff_id, role, group, workstation in db.execute(
        "SELECT s.id, s.role, g.code, w.code FROM staff s "
        "LEFT JOIN industry_groups g ON g.id = s.industry_group_id "
        "LEFT JOIN workstations w ON w.id = s.workstation_id"
    ):
        groups = frozenset({group}) if role == "industry_manager" and group else frozenset()
        actors[staff_id] = Actor(staff_id, Role(role), groups, frozenset({workstation} - {None}))
    return actors


def _events(db: sqlite3.Connection) -> dict[str, list[WorkOrderEvent]]:
    events: dict[str, list[WorkOrderEvent]] = defaultdict(list)
    for order_id, seq, action, old, new, actor, role, at, payload in db.execute(
        "SELECT order_id, seq, action, from_state, to_state, actor_id, actor_role, at, payload "
        "FROM work_order_events ORDER BY order_id, seq"
    ):
        events[order_id].append(
            WorkOrderEvent(order_id, seq, Action(action), None if old is None else State(old),
                           State(new), actor, Role(role), _dt(at), json.loads(payload))  # type: ignore[arg-type]
        )  # fmt: skip
    return events


def test_every_event_is_one_hq_would_accept(demo: Demo) -> None:
    db = demo.db()
    actors = _actors(db)
    for log in _events(db).values():
        view: OrderView | None = None
        for event in log:
            check_event(view, event, actors[event.actor_id])  # raises on any mismatch
            payload = {k: v for k, v in event.payload.items() if k not in DERIVED_FIELDS.get(
                event.action, frozenset())}  # fmt: skip
            assert normalise(event.action, payload, event.at).keys() == payload.keys()
            view = advance(view, event)


def test_cached_columns_agree_with_replaying_the_events(demo: Demo) -> None:
    db = demo.db()
    calendar = ChineseWorkingCalendar()
    events = _events(db)
    columns = [r[1] for r in db.execute("PRAGMA table_info(work_orders)")]
    for row in db.execute("SELECT * FROM work_orders"):
        order = dict(zip(columns, row, strict=True))
        view: OrderView | None = None
        for event in events[order["id"]]:
            view = advance(view, event)
        assert view is not None
        clock = order_clock(view, calendar)
        due = None if clock is None else clock.due()
        expected = {
            "state": view.state.value,
            "owner_id": view.owner_id,
            "value": int(view.value * 100),
            "kind": view.kind.value,
            "submitted_at": view.submitted_at,
            "issued_at": view.issued_at,
            "confirmed_at": view.confirmed_at,
            "confirmation": view.resource_outcome and view.resource_outcome.value,
            "dispatched_at": view.dispatched_at,
            "completed_at": view.completed_at,
            "accepted_at": view.accepted_at,
            "archived_at": view.archived_at,
            "cancelled_at": view.cancelled_at,
            "reported_at": view.reported_at,
            "restored_at": view.restored_at,
            "satisfaction": view.satisfaction,
            "return_count": view.return_count,
            "due_at": due,
            "on_time": None if view.accepted_at is None else int(clock.on_time(view.accepted_at)),
            "promised_days": view.promise.days if view.promise else order["promised_days"],
            "clock_mode": view.promise.mode.value if view.promise else order["clock_mode"],
            "created_at": view.created_at,
            "updated_at": view.updated_at,
        }
        actual = {k: _dt(order[k]) if k.endswith("_at") else order[k] for k in expected}
        assert actual == expected, order["order_no"]
        steps = db.execute(
            "SELECT seq, state, return_count FROM work_order_steps WHERE order_id = ? "
            "ORDER BY seq",
            (order["id"],),
        ).fetchall()
        assert steps == [(int(s.step_id), s.state.value, s.return_count) for s in view.steps]
        pauses = db.execute(
            "SELECT started_at, ended_at FROM clock_pauses WHERE order_id = ? ORDER BY started_at",
            (order["id"],),
        ).fetchall()
        assert [(_dt(a), _dt(b)) for a, b in pauses] == [(p.start, p.end) for p in view.pauses]


def test_orders_are_late_returned_paused_faulty_and_open_in_realistic_shares(demo: Demo) -> None:
    db = demo.db()
    accepted, late = db.execute(
        "SELECT count(*), sum(on_time = 0) FROM work_orders WHERE accepted_at IS NOT NULL"
    ).fetchone()
    assert 0.05 < late / accepted < 0.25
    returned = db.execute("SELECT count(*) FROM work_orders WHERE return_count > 0").fetchone()
    assert 0.02 * SPEC.orders < returned[0] < 0.2 * SPEC.orders
    assert db.execute("SELECT count(*) FROM clock_pauses").fetchone()[0] > 0
    faults = db.execute(
        "SELECT reported_at, restored_at FROM work_orders WHERE kind = 'fault' "
        "AND restored_at IS NOT NULL"
    ).fetchall()
    assert len(faults) > 0.05 * SPEC.orders
    assert all(reported < restored for reported, restored in faults)
    states = Counter(r[0] for r in db.execute("SELECT state FROM work_orders"))
    assert states["archived"] > SPEC.orders / 2
    assert states["cancelled"] > 0
    assert sum(n for s, n in states.items() if s not in ("archived", "cancelled")) > 0


def test_some_orders_were_issued_over_the_2026_holidays(demo: Demo) -> None:
    spring = (date(2026, 2, 15), date(2026, 2, 23))
    national = (date(2026, 10, 1), date(2026, 10, 7))
    issued = [
        _dt(r[0]).astimezone(SHANGHAI).date()  # type: ignore[union-attr]
        for r in demo.db().execute("SELECT issued_at FROM work_orders WHERE issued_at IS NOT NULL")
    ]
    for first, last in (spring, national):
        assert any(first <= day <= last for day in issued)


def test_order_numbers_grow_with_time(demo: Demo) -> None:
    numbers = sorted(r[0] for r in demo.db().execute("SELECT order_no FROM work_orders"))
    by_number = sorted(numbers, key=lambda no: no[10:])
    days = [no[2:10] for no in by_number]
    assert days == sorted(days)
    assert days[0] < days[-1]


def test_every_accepted_order_has_a_signature_matching_its_image(demo: Demo) -> None:
    db = demo.db()
    events = {
        order_id: json.loads(payload)["signature_ref"]
        for order_id, payload in db.execute(
            "SELECT order_id, payload FROM work_order_events WHERE action = 'accept'"
        )
    }
    rows = db.execute(
        "SELECT o.id, o.state, s.id, s.strokes, b.sha256, b.data, b.size FROM work_orders o "
        "LEFT JOIN signatures s ON s.order_id = o.id "
        "LEFT JOIN blobs b ON b.sha256 = s.image_sha256 WHERE o.accepted_at IS NOT NULL"
    ).fetchall()
    assert any(state == "archived" for _, state, *_ in rows)
    for order_id, _state, signature_id, strokes, sha, data, size in rows:
        assert signature_id == events[order_id]
        assert hashlib.sha256(data).hexdigest() == sha and len(data) == size
        assert data.startswith(b"\x89PNG\r\n\x1a\n")
        assert zlib.decompress(data[data.index(b"IDAT") + 4 : -16])  # a real image stream
        assert all(len(stroke) >= 2 for stroke in json.loads(strokes))


def test_summary_describes_what_was_made(tmp_path: Path) -> None:
    engine = open_database(tmp_path / "tiny.sqlite")
    summary = generate_demo(engine, DemoSpec(accounts=5, orders=20, seed=1))
    engine.dispose()
    assert summary.count("customers") == 5 and summary.count("work_orders") == 20
    assert "20" in summary.describe()
    assert summary.seconds < 60
    assert timedelta(seconds=summary.seconds) > timedelta(0)
