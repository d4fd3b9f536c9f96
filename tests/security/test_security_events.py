"""Every security event the issue lists lands in the audit log right after its action:
sign-in, failed sign-in, lock, import, signature, print, export, sync, backup, restore and
migration (exports of customer data are covered with the customer export)."""

from __future__ import annotations

import random
import shutil
import sqlite3
from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

from kamdesk.cli import main
from kamdesk.db.models import AuditEntry
from kamdesk.db.startup import open_database
from kamdesk.domain.customers.credit_code import make_credit_code
from kamdesk.errors import KamdeskError
from kamdesk.hq import admin
from kamdesk.hq.database import admin_engine, migrate
from kamdesk.i18n import set_language
from kamdesk.services.actor import Actor
from kamdesk.services.audit import SECURITY_ACTIONS, verify_chain
from kamdesk.services.auth import FirstAdmin
from kamdesk.services.backups import BackupService
from kamdesk.services.container import Services
from kamdesk.services.customer_import import CustomerImportService
from kamdesk.services.demo import DemoSpec, generate_demo
from kamdesk.services.demo.signatures import render
from kamdesk.services.sync import SyncService
from kamdesk.services.workorders import DemandForm, SignatureInput, WorkOrderService
from tests.hq.sync_support import publish_branch, serve_hq
from tests.security.conftest import Branchdesk
from tests.services.desk_support import make_desk

ISSUE_EVENTS = frozenset(
    {
        "login",
        "login_failed",
        "lock",
        "export",
        "import",
        "signature",
        "print",
        "sync",
        "backup",
        "restore",
        "migration",
    }
)
PASSWORD = "Hz-2026-kam!"
SCHEMA_0001 = Path(__file__).resolve().parent.parent / "data" / "schemas" / "0001.sqlite"


def head(engine: Engine) -> int:
    with Session(engine) as s:
        return int(s.scalar(select(AuditEntry.seq).order_by(AuditEntry.seq.desc()).limit(1)) or 0)


def logged_since(engine: Engine, seq: int) -> list[AuditEntry]:
    with Session(engine) as s:
        return list(s.scalars(select(AuditEntry).where(AuditEntry.seq > seq).order_by("seq")))


def events_since(engine: Engine, seq: int) -> list[tuple[str, str | None]]:
    """(action, actor) of the security events after ``seq`` (row changes left out)."""
    return [
        (e.action, e.actor_id) for e in logged_since(engine, seq) if e.action in SECURITY_ACTIONS
    ]


def test_the_log_knows_every_event_the_issue_lists() -> None:
    assert ISSUE_EVENTS <= SECURITY_ACTIONS


def test_sign_in_a_failed_sign_in_and_a_lock(tmp_path: Path) -> None:
    engine = open_database(tmp_path / "auth.sqlite")
    try:
        auth = Services(engine).auth
        admin_actor = auth.create_first_admin(
            FirstAdmin("HZ", "杭州分公司", "admin", "管理员", PASSWORD)
        )
        start = head(engine)
        with pytest.raises(KamdeskError):
            auth.login("admin", "wrong password")
        signed_in = auth.login("admin", PASSWORD)
        auth.lock(signed_in)
        who = admin_actor.staff_id
        assert events_since(engine, start) == [("login_failed", who), ("login", who), ("lock", who)]
    finally:
        engine.dispose()


def test_an_import(tmp_path: Path) -> None:
    set_language("zh_CN")
    desk = make_desk(tmp_path)
    book = openpyxl.Workbook()
    book.active.append(["企业名称", "信用代码", "所属行业", "负责人"])
    code = make_credit_code(random.Random(3), "330100")
    book.active.append(["杭州导入科技有限公司", code, "金融", "王芳"])
    book.save(tmp_path / "accounts.xlsx")
    start = head(desk.engine)
    report = CustomerImportService(desk.engine).run(
        tmp_path / "accounts.xlsx", desk.leader, dry_run=False
    )
    assert report.committed
    assert events_since(desk.engine, start) == [("import", desk.leader.staff_id)]
    desk.engine.dispose()


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Path, Engine]]:
    set_language("zh_CN")
    path = tmp_path_factory.mktemp("events") / "demo.sqlite"
    engine = open_database(path)
    generate_demo(engine, DemoSpec(accounts=3, orders=6, seed=11, workers=0))
    yield path, engine
    engine.dispose()


def open_order(path: Path, engine: Engine) -> tuple[str, Actor]:
    """A new draft order of an account's manager (the demo's orders are all archived)."""
    with sqlite3.connect(path) as db:
        customer_id, *person = db.execute(
            "SELECT c.id, s.id, s.name, s.role, s.branch_id, s.industry_group_id "
            "FROM customers c JOIN staff s ON s.id = c.owner_id ORDER BY c.id LIMIT 1"
        ).fetchone()
        (product_id,) = db.execute("SELECT id FROM products ORDER BY code LIMIT 1").fetchone()
    am = Actor(*person)
    form = DemandForm(customer_id=customer_id, product_id=product_id, quantity=1,
                      value=Decimal("3600.00"), requirement="新建专线")  # fmt: skip
    return WorkOrderService(engine).create_draft(am, form).order_id, am


def test_a_signature_and_a_print(demo: tuple[Path, Engine], tmp_path: Path) -> None:
    path, engine = demo
    order_id, am = open_order(path, engine)
    strokes = [[[20, 40], [60, 30], [100, 50]]]
    signature = SignatureInput(
        signer_name="王芳",
        strokes=tuple(tuple(tuple(p) for p in s) for s in strokes),
        png=render(strokes),
        role="am",
    )
    service = WorkOrderService(engine)
    start = head(engine)
    signature_id = service.add_signature(am, order_id, signature)
    (event,) = [e for e in logged_since(engine, start) if e.action in SECURITY_ACTIONS]
    assert (event.action, event.actor_id, event.entity_id) == (
        "signature",
        am.staff_id,
        signature_id,
    )
    assert event.details["order"] == order_id and event.details["role"] == "am"
    assert "王芳" not in str(event.details)  # no personal data in the log

    start = head(engine)
    service.printing.print_pdf(order_id, tmp_path / "order.pdf")
    assert [a for a, _ in events_since(engine, start)] == ["print"]


def test_a_kpi_report_export(demo: tuple[Path, Engine], tmp_path: Path) -> None:
    path, engine = demo
    start = head(engine)
    assert main(["report", "kpi", "--period", "2026-10", "--format", "xlsx",
                 "--out", str(tmp_path), "--db", str(path)]) == 0  # fmt: skip
    (event,) = [e for e in logged_since(engine, start) if e.action in SECURITY_ACTIONS]
    assert (event.action, event.entity) == ("export", "kpi_report")
    assert event.details == {"period": "2026-10", "format": "xlsx", "file": "kpi-2026-10.xlsx"}
    assert event.actor_id is not None


def test_a_backup_and_a_restore(desk: Branchdesk) -> None:
    service = BackupService(desk.engine)
    start = head(desk.engine)
    backup = service.back_up_now(desk.admin)
    assert events_since(desk.engine, start) == [("backup", desk.admin.staff_id)]
    service.restore(backup.path, desk.admin)
    engine = open_database(desk.path)
    try:
        assert events_since(engine, head(engine) - 1) == [("restore", desk.admin.staff_id)]
        assert verify_chain(engine).ok
    finally:
        engine.dispose()


def test_a_migration_is_logged_before_the_next_entry(tmp_path: Path) -> None:
    path = tmp_path / "old.sqlite"
    shutil.copyfile(SCHEMA_0001, path)
    engine = open_database(path)  # upgrades from 0001, which nobody can log yet
    try:
        start = head(engine)
        assert logged_since(engine, start) == []
        BackupService(engine).back_up_now()
        migration, backup = logged_since(engine, start)
        assert (migration.action, backup.action) == ("migration", "backup")
        assert migration.details["from"] == "0001" and migration.details["to"] != "0001"
        assert migration.details["backup"].startswith("old.pre-migration.")
        BackupService(engine).back_up_now()  # logged once only
        assert [e.action for e in logged_since(engine, start)] == ["migration", "backup", "backup"]
    finally:
        engine.dispose()


def test_a_sync_round_that_brings_changes(tmp_path: Path, desk: Branchdesk) -> None:
    url = f"sqlite:///{tmp_path / 'hq.sqlite'}"
    migrate(url)
    hq = admin_engine(url)
    try:
        publish_branch(hq, "SZ", "苏州分公司")
        with serve_hq(url) as served:
            sync = SyncService(desk.engine)
            sync.register(served, admin.issue_code(hq, "SZ").code, "前台电脑")
            start = head(desk.engine)
            report = sync.sync_now()
    finally:
        hq.dispose()
    events = [e for e in logged_since(desk.engine, start) if e.action in SECURITY_ACTIONS]
    assert [e.action for e in events] == ["sync"]
    details: dict[str, Any] = events[0].details
    assert details["pulled"] == report.pulled > 0 and details["audit"] == "first"
