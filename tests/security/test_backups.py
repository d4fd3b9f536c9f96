"""Backups: checked copies on demand and daily with rotation, restores that keep the
replaced file, all recorded in the audit log; and the same from the command line."""

from __future__ import annotations

import sqlite3
from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import select

from kamdesk.cli import main
from kamdesk.db.backup import check_problems
from kamdesk.db.models import AuditEntry, Customer
from kamdesk.db.startup import open_database
from kamdesk.domain.clock import utcnow
from kamdesk.errors import KamdeskError
from kamdesk.services.audit import verify_chain
from kamdesk.services.backups import BackupService
from kamdesk.services.uow import read_session, write_session
from tests.security.conftest import Branchdesk, new_customer


def customers(path: Path) -> list[str]:
    return [r[0] for r in sqlite3.connect(path).execute("SELECT name FROM customers ORDER BY name")]


def last_actions(path: Path, n: int) -> list[str]:
    engine = open_database(path)
    try:
        with read_session(engine) as s:
            rows = s.scalars(select(AuditEntry.action).order_by(AuditEntry.seq.desc()).limit(n))
            return list(rows)[::-1]
    finally:
        engine.dispose()


def add_customer(desk: Branchdesk, name: str) -> None:
    with write_session(desk.engine, actor=desk.am) as s:
        s.add(new_customer(desk.branch_id, desk.am.staff_id, name))


def test_a_manual_backup_is_a_checked_copy_and_an_audit_event(desk: Branchdesk) -> None:
    add_customer(desk, "杭州银行")
    service = BackupService(desk.engine)
    info = service.back_up_now(desk.admin)
    assert info.kind == "manual" and info.path.parent == desk.path.parent / "backups"
    assert check_problems(info.path, thorough=True) is None
    assert customers(info.path) == ["杭州银行"]
    assert service.list_backups() == (info,)
    with read_session(desk.engine) as s:
        event = s.scalars(select(AuditEntry).order_by(AuditEntry.seq.desc()).limit(1)).one()
    assert (event.action, event.actor_id) == ("backup", desk.admin.staff_id)
    assert event.details["file"] == info.path.name


def test_one_daily_backup_per_day_and_only_the_newest_are_kept(desk: Branchdesk) -> None:
    service = BackupService(desk.engine, keep_daily=3)
    first = service.daily_if_due()
    assert first is not None and first.kind == "daily"
    assert service.daily_if_due() is None
    manual = service.back_up_now()
    taken = [first]
    for days in range(1, 5):
        info = service.daily_if_due(now=utcnow() + timedelta(days=days))
        assert info is not None
        taken.append(info)
    kept = service.list_backups()
    assert [b.path for b in kept if b.kind == "daily"] == [b.path for b in taken[-3:]][::-1]
    assert manual in kept
    assert not first.path.exists()


def test_restore_puts_the_backup_in_place_and_keeps_the_replaced_file(desk: Branchdesk) -> None:
    add_customer(desk, "杭州银行")
    service = BackupService(desk.engine)
    backup = service.back_up_now(desk.admin)
    add_customer(desk, "宁波港集团")

    result = service.restore(backup.path, desk.admin)
    assert customers(desk.path) == ["杭州银行"]
    assert result.replaced is not None and result.replaced.parent == desk.path.parent
    assert customers(result.replaced) == ["宁波港集团", "杭州银行"]
    assert last_actions(desk.path, 2) == ["create", "restore"]  # its own event came after
    engine = open_database(desk.path)
    try:
        assert verify_chain(engine).ok
    finally:
        engine.dispose()
    add_customer(desk, "温州电力")  # the service's engine works again on the restored file
    assert customers(desk.path) == ["杭州银行", "温州电力"]


def test_a_damaged_backup_is_refused_and_nothing_is_touched(desk: Branchdesk) -> None:
    add_customer(desk, "杭州银行")
    service = BackupService(desk.engine)
    backup = service.back_up_now()
    data = bytearray(backup.path.read_bytes())
    page_size = int.from_bytes(data[16:18], "big")
    # The header of page 2 (a b-tree page): damage SQLite's checks always see, where
    # bytes inside a record's text could pass as data.
    data[page_size : page_size + 512] = b"\xff" * 512
    damaged = backup.path.with_name("damaged.sqlite")
    damaged.write_bytes(bytes(data))
    with pytest.raises(KamdeskError) as caught:
        service.restore(damaged)
    assert caught.value.code == "db.backup_unusable"
    assert customers(desk.path) == ["杭州银行"]
    assert not list(desk.path.parent.glob("*.replaced-*"))


def test_backup_from_the_command_line(desk: Branchdesk, capsys: pytest.CaptureFixture[str]) -> None:
    add_customer(desk, "杭州银行")
    desk.engine.dispose()
    assert main(["backup", "now", "--db", str(desk.path)]) == 0
    written = Path(capsys.readouterr().out.strip())
    assert written.is_file() and customers(written) == ["杭州银行"]
    assert main(["backup", "list", "--db", str(desk.path)]) == 0
    [line] = capsys.readouterr().out.splitlines()
    assert line.startswith("manual\t") and line.endswith(str(written))

    desk.path.write_bytes(b"not a database any more" * 100)  # damaged beyond opening
    assert main(["backup", "restore", str(written), "--db", str(desk.path)]) == 0
    out = capsys.readouterr().out
    assert str(written) in out and ".replaced-" in out
    assert customers(desk.path) == ["杭州银行"]
    assert last_actions(desk.path, 1) == ["restore"]


def test_restore_refuses_a_missing_file(desk: Branchdesk, tmp_path: Path) -> None:
    with pytest.raises(KamdeskError) as caught:
        BackupService(desk.engine).restore(tmp_path / "nope.sqlite")
    assert caught.value.code == "backups.no_file"
    with read_session(desk.engine) as s:
        assert s.scalars(select(Customer)).all() == []
