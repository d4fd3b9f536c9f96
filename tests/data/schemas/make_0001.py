"""Write ``0001.sqlite``: a small database at schema revision 0001 with a few rows.

    .venv/bin/python tests/data/schemas/make_0001.py

Kept to show how the stored database was made; it is not run by the tests. Rows go
in as plain SQL in the 0001 storage format (money in whole fen, instants as naive
UTC text, JSON as text), so the script does not depend on today's models. The file
is written as a single self-contained file (rollback journal, no ``-wal``) with
fixed ids and times, so rerunning it gives the same rows (valid credit codes, too).
"""

from __future__ import annotations

import json
import sqlite3
import sys
from pathlib import Path

from alembic import command

from kamdesk.db.engine import create_sqlite_engine
from kamdesk.db.startup import alembic_config, migration_connection

REVISION = "0001"
HERE = Path(__file__).resolve().parent
TARGET = HERE / f"{REVISION}.sqlite"

SYNC = {"row_version": 0, "updated_hlc": None, "deleted_at": None, "deleted_by": None}
T0 = "2025-03-03 01:30:00.000000"  # 2025-03-03 09:30 in Shanghai


def _id(n: int) -> str:
    return f"0195a1b2-c3d4-7e5f-8a6b-{n:012x}"


BRANCH, GROUP, AM, MANAGER, STATION = _id(1), _id(2), _id(3), _id(4), _id(5)
DDN, CLOUD, CUSTOMER, CUSTOMER2, PERSON = _id(6), _id(7), _id(8), _id(9), _id(10)
ORDER, STEP, AGREEMENT = _id(11), _id(12), _id(13)

# fmt: off
ROWS: list[tuple[str, dict[str, object]]] = [
    ("branches", {"id": BRANCH, "code": "HZ", "name": "杭州分公司", "region": "浙江",
                  "address": "杭州市西湖区文三路 398 号"}),
    ("industry_groups", {"id": GROUP, "code": "GOV", "name": "政务行业", "sort_order": 1}),
    ("workstations", {"id": STATION, "branch_id": BRANCH, "code": "TX", "name": "传输工位"}),
    ("staff", {"id": AM, "branch_id": BRANCH, "login": "wangfang", "name": "王芳",
               "role": "account_manager", "title": "客户经理", "industry_group_id": GROUP,
               "workstation_id": None, "mobile": "13812345678", "email": "",
               "active": 1, "password_hash": None, "hired_on": "2019-07-01"}),
    ("staff", {"id": MANAGER, "branch_id": BRANCH, "login": "lijun", "name": "李军",
               "role": "branch_manager", "title": "部门经理", "industry_group_id": None,
               "workstation_id": None, "mobile": "", "email": "lijun@example.cn",
               "active": 1, "password_hash": None, "hired_on": None}),
    ("products", {"id": DDN, "code": "DDN", "name": "DDN数字电路", "family": "circuit",
                  "is_circuit": 1, "promised_days": 5, "clock_mode": "working",
                  "repair_hours": 4, "monthly_fee": 1234567}),
    ("products", {"id": CLOUD, "code": "CLOUD", "name": "天翼云主机", "family": "cloud",
                  "is_circuit": 0, "promised_days": 3, "clock_mode": "calendar",
                  "repair_hours": 8, "monthly_fee": 88000}),
    ("customers", {"id": CUSTOMER, "branch_id": BRANCH, "name": "杭州市数据资源管理局",
                   "name_key": "杭州市数据资源管理局",
                   "name_pinyin": "hangzhoushishujuziyuanguanliju",
                   "name_initials": "hzssjzyglj", "credit_code": "11330100MB1234567E",
                   "industry_group_id": GROUP, "address": "杭州市上城区解放东路 18 号",
                   "district": "上城区", "phone": "0571-87654321", "category": "government",
                   "level": "provincial", "grade": "A", "grade_score": 91.5,
                   "grade_reasons": ["revenue", "strategic"], "owner_id": AM, "is_group": 1,
                   "head_office_branch_id": BRANCH, "parent_id": None, "strategic": 1,
                   "growth_potential": 4, "monthly_spend": 4567890,
                   "competitor_presence": "移动专线一条", "status": "active",
                   "opened_at": "2018-05-20 02:00:00.000000", "left_at": None,
                   "leave_reason": "", "last_visit_at": T0, "churn_score": 12,
                   "churn_reasons": [], "field_hlc": {"name": "0000018f:0000:dev1"}}),
    ("customers", {"id": CUSTOMER2, "branch_id": BRANCH, "name": "西湖区教育局",
                   "name_key": "西湖区教育局", "name_pinyin": "xihuqujiaoyuju",
                   "name_initials": "xhqjyj", "credit_code": "11330106002481234Y",
                   "industry_group_id": GROUP, "address": "", "district": "西湖区",
                   "phone": "", "category": "education", "level": "district", "grade": "B",
                   "grade_score": 70.0, "grade_reasons": [], "owner_id": AM, "is_group": 0,
                   "head_office_branch_id": None, "parent_id": CUSTOMER, "strategic": 0,
                   "growth_potential": 3, "monthly_spend": 0, "competitor_presence": "",
                   "status": "active", "opened_at": "2021-09-01 00:00:00.000000",
                   "left_at": None, "leave_reason": "", "last_visit_at": None,
                   "churn_score": 0, "churn_reasons": [], "field_hlc": {}}),
    ("key_persons", {"id": PERSON, "customer_id": CUSTOMER, "name": "陈建国",
                     "title": "信息中心主任", "department": "信息中心",
                     "decision_role": "decision_maker", "tier": "senior",
                     "mobile": "13900001111", "landline": "", "email": "", "id_number": "",
                     "birthday": "1972-10-08", "preferences": "喜欢龙井茶", "relationship": 4,
                     "reports_to_id": None, "last_contact_at": T0, "field_hlc": {}}),
    ("visits", {"id": _id(20), "customer_id": CUSTOMER, "owner_id": AM, "status": "done",
                "planned_at": T0, "done_at": T0, "purpose": "年度回访",
                "participants": "王芳、陈建国", "findings": "专线带宽不足",
                "explicit_needs": "扩容至 1G", "hidden_needs": "", "next_steps": "出方案",
                "complaint_id": None}),
    ("agreements", {"id": AGREEMENT, "customer_id": CUSTOMER, "number": "HZ-2025-001",
                    "title": "政务外网专线协议", "signed_on": "2025-01-10",
                    "starts_on": "2025-02-01", "ends_on": "2028-01-31",
                    "total_value": 123456789, "status": "active", "field_hlc": {}}),
    ("agreement_months", {"id": _id(21), "agreement_id": AGREEMENT, "month": "2025-02-01",
                          "product_id": DDN, "expected_revenue": 3429355}),
    ("revenue_months", {"id": _id(22), "customer_id": CUSTOMER, "product_id": DDN,
                        "month": "2025-02-01", "amount": 3429355}),
    ("work_orders", {"id": ORDER, "branch_id": BRANCH, "order_no": "GD202503030001",
                     "kind": "demand", "customer_id": CUSTOMER, "product_id": DDN,
                     "owner_id": AM, "quantity": 1, "value": 1234567,
                     "requested_on": "2025-03-03", "requirement": "新开 DDN 专线 100M",
                     "importance": "high", "a_end": "解放东路 18 号机房", "z_end": "文三路 398 号",
                     "bandwidth": "100M", "interface": "GE", "circuit_no": "",
                     "state": "dispatched", "clock_mode": "working", "promised_days": 5,
                     "due_at": "2025-03-10 01:30:00.000000", "submitted_at": T0,
                     "issued_at": T0, "confirm_requested_at": None, "confirmed_at": None,
                     "confirmation": None, "dispatched_at": T0, "completed_at": None,
                     "accepted_at": None, "archived_at": None, "cancelled_at": None,
                     "reported_at": None, "restored_at": None, "satisfaction": None,
                     "return_count": 0, "on_time": None, "completion_results": "",
                     "test_results": "", "print_count": 0}),
    ("work_order_steps", {"id": STEP, "order_id": ORDER, "seq": 1, "parallel_group": 0,
                          "workstation_id": STATION, "assignee_id": None,
                          "planned_minutes": 480, "deadline_at": "2025-03-05 01:30:00.000000",
                          "need_text": "开通传输电路", "state": "pending", "started_at": None,
                          "done_at": None, "return_count": 0}),
    ("work_order_events", {"id": _id(23), "order_id": ORDER, "seq": 1, "action": "submit",
                           "from_state": None, "to_state": "submitted", "actor_id": AM,
                           "actor_role": "account_manager", "at": T0, "payload": {}}),
    ("work_order_events", {"id": _id(24), "order_id": ORDER, "seq": 2, "action": "dispatch",
                           "from_state": "submitted", "to_state": "dispatched",
                           "actor_id": MANAGER, "actor_role": "branch_manager", "at": T0,
                           "payload": {"steps": [STEP]}}),
]

AUDIT = {"at": T0, "branch_id": BRANCH, "actor_id": AM, "action": "work_order.submit",
         "entity": "work_orders", "entity_id": ORDER, "details": {"order_no": "GD202503030001"},
         "prev_mac": "0" * 64, "mac": "a" * 64}
# fmt: on


def _insert(conn: sqlite3.Connection, table: str, values: dict[str, object]) -> None:
    cells = {
        k: json.dumps(v, ensure_ascii=False) if isinstance(v, dict | list) else v
        for k, v in values.items()
    }
    names = ", ".join(cells)
    marks = ", ".join("?" for _ in cells)
    conn.execute(f"INSERT INTO {table} ({names}) VALUES ({marks})", list(cells.values()))


def main() -> int:
    for suffix in ("", "-wal", "-shm"):
        Path(f"{TARGET}{suffix}").unlink(missing_ok=True)
    engine = create_sqlite_engine(TARGET)
    config = alembic_config()
    with migration_connection(engine) as conn:
        config.attributes["connection"] = conn
        command.upgrade(config, REVISION)
    engine.dispose()

    conn = sqlite3.connect(TARGET, isolation_level=None)
    conn.execute("PRAGMA foreign_keys=ON")
    conn.execute("BEGIN")
    for table, values in ROWS:
        synced = {**SYNC, "created_at": T0, "updated_at": T0, **values}
        _insert(conn, table, synced)
    _insert(conn, "audit_log", AUDIT)
    conn.execute("COMMIT")
    conn.execute("PRAGMA journal_mode=DELETE")
    conn.execute("PRAGMA page_size=1024")  # a small file to keep in git
    conn.execute("VACUUM")
    assert conn.execute("SELECT version_num FROM alembic_version").fetchall() == [(REVISION,)]
    conn.close()
    print(f"wrote {TARGET} ({TARGET.stat().st_size} bytes)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
