"""``kamdesk-hq publish``: reference data from JSON or Excel reaches the branches'
desktops; publishing the same file again changes nothing; a bad file is refused."""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path

import pytest
from openpyxl import Workbook

from kamdesk.domain.workorders import Action, State
from kamdesk.hq.cli import main
from kamdesk.services.actor import Actor
from kamdesk.services.workorders import DemandForm, WorkOrderService
from tests.hq.sync_world import World, add_customer

PRODUCT = {
    "id": "prod-mpls",
    "code": "MPLS",
    "name": "MPLS VPN",
    "family": "data",
    "is_circuit": True,
    "promised_days": 15,
    "clock_mode": "working",
    "repair_hours": 4,
    "monthly_fee": "8800.00",
}


def _run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    status = main(["--lang", "en", *args])
    out, err = capsys.readouterr()
    return status, out, err


def test_publish_json_and_xlsx_reach_the_desktops_once(
    hq_world: World, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    refs = hq_world.branch()
    desk = hq_world.desk(refs, "a")
    source = tmp_path / "reference.json"
    staff = {
        "id": f"{refs.code}-clerk",
        "branch_id": refs.code,  # a branch by its code: only that branch gets the row
        "login": f"{refs.code}-clerk",
        "name": "王文员",
        "role": "clerk",
        "industry_group_id": None,
        "workstation_id": None,
        "password_hash": None,
        "hired_on": None,
        "title": "",
        "mobile": "",
        "email": "",
        "active": True,
    }
    holiday = {"id": "cal-2026-12-31", "day": "2026-12-31", "is_working": False, "name": "调休"}
    source.write_text(
        json.dumps({"products": [PRODUCT], "staff": [staff], "calendar_overrides": [holiday]}),
        encoding="utf-8",
    )
    args = ("publish", str(source), "--branch", refs.code, "--db", hq_world.db_url)
    status, out, _ = _run(capsys, *args)
    assert status == 0
    lines = out.splitlines()
    assert lines[0].split() == ["Branch", "code", "Table", "Rows", "Changed"]
    assert [line.split() for line in lines[1:]] == [
        [refs.code, "staff", "1", "1"],
        [refs.code, "products", "1", "1"],
        [refs.code, "calendar_overrides", "1", "1"],
    ]
    status, out, _ = _run(capsys, *args)
    assert [line.split()[-1] for line in out.splitlines()[1:]] == ["0", "0", "0"]

    book = Workbook()
    sheet = book.active
    sheet.title = "products"
    sheet.append(list(PRODUCT))
    sheet.append([*PRODUCT.values()][:-1] + [9900])
    book.save(tmp_path / "products.xlsx")
    status, out, _ = _run(
        capsys, "publish", str(tmp_path / "products.xlsx"), "--branch", refs.code,
        "--db", hq_world.db_url,
    )  # fmt: skip
    assert (status, out.splitlines()[1].split()) == (0, [refs.code, "products", "1", "1"])

    assert desk.sync.sync_now().complete
    products = {r["id"]: r for r in desk.rows("products")}
    assert str(products["prod-mpls"]["monthly_fee"]) == "9900.00"
    assert products["prod-mpls"]["promised_days"] == 15
    assert {r["id"] for r in desk.rows("staff")} >= {staff["id"]}
    assert [(str(r["day"]), r["is_working"]) for r in desk.rows("calendar_overrides")] == [
        ("2026-12-31", False)
    ]


def test_publish_refuses_tables_that_are_not_reference_data(
    hq_world: World, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    source = tmp_path / "bad.json"
    source.write_text(json.dumps({"customers": [{"id": "x"}]}), encoding="utf-8")
    status, out, err = _run(capsys, "publish", str(source), "--db", hq_world.db_url)
    assert (status, out) == (1, "")
    assert "customers in" in err
    assert "is not reference data HQ publishes" in err
    source.write_text(json.dumps({"products": [{"code": "X"}]}), encoding="utf-8")
    status, _, err = _run(capsys, "publish", str(source), "--db", hq_world.db_url)
    assert (status, err) == (1, f"Error: Row 1 of products in {source} has no id.\n")


def test_a_published_leader_threshold_steers_desk_and_hq_alike(
    hq_world: World, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    refs = hq_world.branch()
    desk = hq_world.desk(refs, "a")
    manager = {
        "id": f"{refs.code}-im", "branch_id": refs.code, "login": f"{refs.code}-im",
        "name": "周经理", "role": "industry_manager", "industry_group_id": refs.group_id,
        "workstation_id": None, "password_hash": None, "hired_on": None, "title": "",
        "mobile": "", "email": "", "active": True,
    }  # fmt: skip
    policy = {
        "id": "policy-1", "version": 1, "effective_from": "2025-01-01",
        "leader_value_threshold": "5000.00", "published_at": "2025-01-01T00:00:00+00:00",
    }  # fmt: skip
    source = tmp_path / "policy.json"
    source.write_text(
        json.dumps({"staff": [manager], "workorder_policies": [policy]}), encoding="utf-8"
    )
    status, _, _ = _run(
        capsys, "publish", str(source), "--branch", refs.code, "--db", hq_world.db_url
    )
    assert status == 0 and desk.sync.sync_now().complete

    service = WorkOrderService(desk.engine)
    customer_id = add_customer(desk, refs, "门槛客户")  # grade B
    form = DemandForm(customer_id=customer_id, product_id=refs.product_id, value=Decimal("8000"))
    order = service.create_draft(refs.am, form)
    order = service.act(refs.am, order.order_id, Action.SUBMIT, {"note": ""}, order.seq)
    im = Actor(manager["id"], manager["name"], "industry_manager", refs.branch_id, refs.group_id)
    order = service.act(im, order.order_id, Action.REVIEW_APPROVE, {"note": ""}, order.seq)
    assert order.state is State.LEADER_REVIEW  # ¥8,000 is above the published ¥5,000
    report = desk.sync.sync_now()
    assert report.complete and report.rejected == 0  # HQ decided with the same policy
