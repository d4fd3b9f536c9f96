"""The audit trail: every change and event is logged with its actor, personal values
never are, and any edit, deletion or move of an entry is caught and named."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from datetime import UTC, date, datetime
from pathlib import Path

import keyring
import pytest
from keyring.backends import fail
from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

from kamdesk.cli import main
from kamdesk.db.models import AuditEntry, Customer, KeyPerson, Staff
from kamdesk.errors import KamdeskError
from kamdesk.i18n import set_language
from kamdesk.services.audit import chain_head, record, verify_chain
from kamdesk.services.audit.keys import KEYRING_SERVICE, forget_keys
from kamdesk.services.uow import read_session, write_session
from tests.security.conftest import Branchdesk, new_customer

MOBILE, ID_NUMBER = "13912345678", "330106199001011234"


def entries(engine: Engine) -> list[AuditEntry]:
    with Session(engine) as s:
        return list(s.scalars(select(AuditEntry).order_by(AuditEntry.seq)))


def tamper(path: Path, *statements: tuple[str, tuple[object, ...]]) -> None:
    """What someone holding the file can do: drop the triggers, then rewrite rows."""
    db = sqlite3.connect(path)
    with db:
        db.execute("DROP TRIGGER audit_log_no_update")
        db.execute("DROP TRIGGER audit_log_no_delete")
        for sql, params in statements:
            db.execute(sql, params)
    db.close()


def verify_cli(path: Path, capsys: pytest.CaptureFixture[str]) -> tuple[int, str]:
    set_language("en")
    try:
        code = main(["audit", "verify", "--db", str(path)])
    finally:
        set_language("zh_CN")
    return code, capsys.readouterr().out


@pytest.fixture()
def busy(desk: Branchdesk) -> Branchdesk:
    """A desk with a dozen entries from two people: creates, updates, events."""
    with write_session(desk.engine, actor=desk.am) as s:
        customer = new_customer(desk.branch_id, desk.am.staff_id)
        s.add(customer)
        s.flush()
        s.add(KeyPerson(customer_id=customer.id, name="张总", decision_role="decision_maker"))
    with write_session(desk.engine, actor=desk.admin) as s:
        record(s, "export", entity="customers", details={"rows": 1, "file": "客户.xlsx"})
        s.scalars(select(Customer)).one().grade = "B"
    return desk


def test_every_change_is_logged_with_its_actor(desk: Branchdesk) -> None:
    with write_session(desk.engine, actor=desk.am) as s:
        customer = new_customer(desk.branch_id, desk.am.staff_id)
        person = KeyPerson(customer_id="", name="张总", decision_role="decision_maker")
        s.add(customer)
        s.flush()
        person.customer_id = customer.id
        s.add(person)
        s.flush()
        customer_id, person_id = customer.id, person.id
    with write_session(desk.engine, actor=desk.am) as s:
        s.get_one(Customer, customer_id).name = "杭州银行股份有限公司"
    with write_session(desk.engine, actor=desk.admin) as s:
        row = s.get_one(Customer, customer_id)
        row.deleted_at, row.deleted_by = datetime.now(UTC), desk.admin.staff_id
        s.delete(s.get_one(KeyPerson, person_id))

    logged = [e for e in entries(desk.engine) if e.entity_id in (customer_id, person_id)]
    assert [(e.entity, e.action, e.actor_id) for e in logged] == [
        ("customers", "create", desk.am.staff_id),
        ("key_persons", "create", desk.am.staff_id),
        ("customers", "update", desk.am.staff_id),
        ("customers", "tombstone", desk.admin.staff_id),
        ("key_persons", "delete", desk.admin.staff_id),
    ]
    assert logged[0].details["changes"]["name"] == [None, "杭州银行"]
    assert logged[2].details == {"changes": {"name": ["杭州银行", "杭州银行股份有限公司"]}}
    assert logged[3].details["changes"]["deleted_by"] == [None, desk.admin.staff_id]
    assert {e.branch_id for e in logged} == {desk.branch_id}
    assert verify_chain(desk.engine).ok


def test_personal_values_are_marked_changed_but_never_written(desk: Branchdesk) -> None:
    with write_session(desk.engine, actor=desk.am) as s:
        customer = new_customer(desk.branch_id, desk.am.staff_id)
        s.add(customer)
        s.flush()
        person = KeyPerson(
            customer_id=customer.id,
            name="张总",
            decision_role="decision_maker",
            mobile=MOBILE,
            id_number=ID_NUMBER,
            birthday=date(1990, 1, 1),
        )
        s.add(person)
        s.flush()
        person_id = person.id
    with write_session(desk.engine, actor=desk.am) as s:
        row = s.get_one(KeyPerson, person_id)
        row.mobile, row.title = "13800000000", "行长"
    with write_session(desk.engine, actor=desk.admin) as s:
        s.get_one(Staff, desk.am.staff_id).password_hash = "$argon2id$v=19$secret"

    created, updated = [e for e in entries(desk.engine) if e.entity == "key_persons"]
    assert created.details["hidden"] == ["birthday", "id_number", "mobile"]
    assert updated.details == {"changes": {"title": ["", "行长"]}, "hidden": ["mobile"]}
    staff = [e for e in entries(desk.engine) if e.entity == "staff"][-1]
    assert staff.details == {"changes": {}, "hidden": ["password_hash"]}
    raw = sqlite3.connect(desk.path).execute("SELECT group_concat(details) FROM audit_log")
    text = raw.fetchone()[0]
    for secret in (MOBILE, "13800000000", ID_NUMBER, "1990-01-01", "secret"):
        assert secret not in text


def test_security_events_name_their_actor_and_unknown_ones_are_refused(
    busy: Branchdesk,
) -> None:
    [export] = [e for e in entries(busy.engine) if e.action == "export"]
    assert (export.actor_id, export.entity, export.details) == (
        busy.admin.staff_id,
        "customers",
        {"rows": 1, "file": "客户.xlsx"},
    )
    with pytest.raises(ValueError), write_session(busy.engine) as s:
        record(s, "exprot")
    with write_session(busy.engine) as s:
        head = record(s, "login_failed", entity="staff", actor_id=busy.am.staff_id)
    with read_session(busy.engine) as s:
        assert chain_head(s) == head
    assert entries(busy.engine)[-1].actor_id == busy.am.staff_id


def test_an_intact_log_verifies(busy: Branchdesk, capsys: pytest.CaptureFixture[str]) -> None:
    report = verify_chain(busy.engine)
    assert report.ok and report.entries == len(entries(busy.engine)) > 5
    code, out = verify_cli(busy.path, capsys)
    assert code == 0 and report.head.mac in out


@pytest.mark.parametrize("column", ["at", "actor_id", "action", "entity_id", "details", "mac"])
def test_one_changed_character_is_found_and_named(
    busy: Branchdesk, column: str, capsys: pytest.CaptureFixture[str]
) -> None:
    victim = [e for e in entries(busy.engine) if e.actor_id][1].seq
    value = sqlite3.connect(busy.path).execute(
        f"SELECT {column} FROM audit_log WHERE seq = ?", (victim,)
    )
    text: str = value.fetchone()[0]
    edited = text[:-2] + chr(ord(text[-2]) ^ 1) + text[-1]
    tamper(busy.path, (f"UPDATE audit_log SET {column} = ? WHERE seq = ?", (edited, victim)))

    report = verify_chain(busy.engine)
    assert report.problem is not None
    assert (report.problem.seq, report.problem.reason) == (victim, "altered")
    assert report.head.seq == victim - 1
    code, out = verify_cli(busy.path, capsys)
    assert code == 1 and f"Audit entry {victim} " in out


def test_one_flipped_byte_in_the_file_is_found(
    busy: Branchdesk, capsys: pytest.CaptureFixture[str]
) -> None:
    with write_session(busy.engine, actor=busy.admin) as s:
        marker = record(s, "print", entity="work_orders", details={"copy": "MARKER-Q7"}).seq
        record(s, "print", entity="work_orders", details={"copy": "second"})
    busy.engine.dispose()
    sqlite3.connect(busy.path).execute("PRAGMA wal_checkpoint(TRUNCATE)").close()
    data = bytearray(busy.path.read_bytes())
    at = data.index(b"MARKER-Q7")
    assert data.count(b"MARKER-Q7") == 1
    data[at + 7] ^= 0x01  # Q → P
    busy.path.write_bytes(bytes(data))

    code, out = verify_cli(busy.path, capsys)
    assert code == 1 and f"Audit entry {marker} (print" in out


def test_a_deleted_entry_is_named(busy: Branchdesk, capsys: pytest.CaptureFixture[str]) -> None:
    tamper(busy.path, ("DELETE FROM audit_log WHERE seq = 3", ()))
    report = verify_chain(busy.engine)
    assert report.problem is not None
    assert (report.problem.seq, report.problem.reason, report.problem.missing_from) == (
        4,
        "missing",
        3,
    )
    code, out = verify_cli(busy.path, capsys)
    assert code == 1 and "entries 3 to 3 before it are missing" in out


def test_a_deleted_first_entry_is_named(busy: Branchdesk) -> None:
    tamper(busy.path, ("DELETE FROM audit_log WHERE seq = 1", ()))
    problem = verify_chain(busy.engine).problem
    assert problem is not None and (problem.seq, problem.reason) == (2, "missing")


def test_renumbered_entries_are_named(busy: Branchdesk) -> None:
    """Swapping two entries' places and closing a gap by renumbering are both caught."""
    tamper(
        busy.path,
        ("UPDATE audit_log SET seq = -1 WHERE seq = 5", ()),
        ("UPDATE audit_log SET seq = 5 WHERE seq = 6", ()),
        ("UPDATE audit_log SET seq = 6 WHERE seq = -1", ()),
    )
    problem = verify_chain(busy.engine).problem
    assert problem is not None and (problem.seq, problem.reason) == (5, "unlinked")


def test_a_cut_off_tail_is_seen_only_against_the_head_kept_elsewhere(busy: Branchdesk) -> None:
    with read_session(busy.engine) as s:
        sent_to_hq = chain_head(s)
    tamper(busy.path, ("DELETE FROM audit_log WHERE seq = ?", (sent_to_hq.seq,)))
    report = verify_chain(busy.engine)
    assert report.ok
    assert report.head.seq == sent_to_hq.seq - 1 and report.head != sent_to_hq


@pytest.fixture()
def no_credential_store() -> Iterator[None]:
    saved = keyring.get_keyring()
    forget_keys()
    keyring.set_keyring(fail.Keyring())
    yield
    keyring.set_keyring(saved)
    forget_keys()


def test_without_a_credential_store_nothing_is_written(
    busy: Branchdesk, no_credential_store: None
) -> None:
    before = len(entries(busy.engine))
    with pytest.raises(KamdeskError) as caught, write_session(busy.engine) as s:
        s.scalars(select(Customer)).one().name = "改名"
    assert caught.value.code == "audit.no_keyring"
    assert "Secret Service" in caught.value.message() or caught.value.params["error"]
    with read_session(busy.engine) as s:
        assert s.scalars(select(Customer.name)).one() == "杭州银行"
    assert len(entries(busy.engine)) == before


def test_verify_never_invents_a_missing_key(
    busy: Branchdesk, capsys: pytest.CaptureFixture[str]
) -> None:
    keyring.delete_password(KEYRING_SERVICE, busy.branch_id)
    forget_keys()
    with pytest.raises(KamdeskError) as caught:
        verify_chain(busy.engine)
    assert caught.value.code == "audit.key_missing"
    set_language("en")
    try:
        assert main(["audit", "verify", "--db", str(busy.path)]) == 1
    finally:
        set_language("zh_CN")
    assert "not in this computer's credential store" in capsys.readouterr().err
    assert keyring.get_password(KEYRING_SERVICE, busy.branch_id) is None
