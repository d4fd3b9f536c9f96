"""The pull page HQ sends holds every change exactly as the row store reads it, on both
back ends (PostgreSQL splices the stored JSON text instead of decoding it)."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Session

from kamdesk.hq import admin, rowstore
from kamdesk.hq.database import scope_to_branch
from kamdesk.hq.models import SyncRow
from kamdesk.hq.pull_page import page_body, page_json

HLC = "1796022909526-00000-dev-a"
ODD = 'quote " backslash \\ tab \t 客户 ✓ \u2028'


def _row(seq: int, table: str, row_id: str, payload: dict[str, Any], **kw: Any) -> dict[str, Any]:
    return {
        "table_name": table,
        "row_id": row_id,
        "row_version": kw.get("version", 1),
        "change_seq": seq,
        "hlc": kw.get("hlc", HLC),
        "payload": payload,
        "field_hlc": dict.fromkeys(payload, HLC),
        "field_versions": dict.fromkeys(payload, 1),
        "deleted": kw.get("deleted", False),
        "updated_at": datetime(2026, 12, 1, tzinfo=UTC),
    }


ROWS = [
    _row(1, "customers", "c-1", {"name": ODD, "monthly_spend": "12.50", "score": 0.1 + 0.2}),
    _row(2, "visits", "v-1", {"note": "拜访", "nested": {"a": [1, None, True]}}),
    _row(3, "customers", "c-2", {}, version=4, deleted=True),
    # stored keys the change sets itself lose to the row's own columns
    _row(4, "customers", 'c-"3"', {"id": "stale", "row_version": 99, "field_hlc": {}, "n": 1}),
    _row(5, "staff", "s-1", {"updated_hlc": "old", "login": "am"}, hlc="1796022909999-00001-hq"),
]


def _stored(admin_db: sa.Engine) -> str:
    branch = admin.add_branch(admin_db, "PP", "拉取分公司")
    with Session(admin_db) as s, s.begin():
        s.add_all(SyncRow(branch_id=branch.id, **row) for row in ROWS)
    return branch.id


def _page(admin_db: sa.Engine, branch_id: str, cursor: int, limit: int) -> tuple[Any, ...]:
    with Session(admin_db) as s, s.begin():
        scope_to_branch(s, branch_id)
        texts, last, more = page_json(s, branch_id, cursor, limit)
        expected = [rowstore.change_wire(rowstore.as_change(r)) for r in rowstore.page(
            s, branch_id, cursor, limit)[0]]  # fmt: skip
    return [json.loads(t) for t in texts], last, more, expected


def test_a_page_reads_as_the_row_store_writes_it(admin_db: sa.Engine):
    branch_id = _stored(admin_db)

    changes, last, more, expected = _page(admin_db, branch_id, 0, 10)

    assert changes == expected
    assert [c["seq"] for c in changes] == [1, 2, 3, 4, 5]
    assert (last, more) == (5, False)
    assert changes[0]["payload"]["name"] == ODD
    assert changes[0]["payload"]["field_hlc"] == {"name": HLC, "monthly_spend": HLC, "score": HLC}
    assert "field_hlc" not in changes[1]["payload"]  # only field-clock tables carry them
    assert changes[3]["payload"]["id"] == 'c-"3"'
    assert changes[3]["payload"]["row_version"] == 1
    assert changes[4]["payload"]["updated_hlc"] == "1796022909999-00001-hq"


def test_pages_follow_the_cursor_and_say_when_more_follow(admin_db: sa.Engine):
    branch_id = _stored(admin_db)

    first, last, more, expected = _page(admin_db, branch_id, 0, 2)
    rest, end, done, _ = _page(admin_db, branch_id, 2, 10)
    empty, none, after, _ = _page(admin_db, branch_id, 5, 10)

    assert first == expected
    assert ([c["seq"] for c in first], last, more) == ([1, 2], 2, True)
    assert ([c["seq"] for c in rest], end, done) == ([3, 4, 5], 5, False)
    assert (empty, none, after) == ([], None, False)


def test_the_body_is_the_pull_response():
    body = page_body(['{"seq": 7}'], cursor=7, more=False, head=9, horizon=0)

    assert json.loads(body) == {
        "changes": [{"seq": 7}],
        "cursor": 7,
        "more": False,
        "head": 9,
        "horizon": 0,
    }
    assert json.loads(page_body([], cursor=3, more=True, head=3, horizon=2))["changes"] == []
