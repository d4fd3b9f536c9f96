"""``kamdesk-hq`` admin commands print what an administrator needs (SQLite + PG)."""

from __future__ import annotations

import re

import pytest
from fastapi.testclient import TestClient

from kamdesk.hq.cli import main
from tests.hq.support import HEADERS, auth, register_body

CODE_SHAPE = re.compile(r"[0-9A-HJKMNP-TV-Z]{4}(-[0-9A-HJKMNP-TV-Z]{4}){3}")


def run(capsys: pytest.CaptureFixture[str], db: str, *args: str) -> tuple[int, str, str]:
    status = main(["--lang", "en", *args, "--db", db])
    out, err = capsys.readouterr()
    return status, out, err


def test_branch_add_and_list(db_url: str, capsys: pytest.CaptureFixture[str]):
    assert run(capsys, db_url, "branch", "add", "hz", "杭州分公司") == (
        0,
        "Branch HZ (杭州分公司) created.\n",
        "",
    )
    status, _, err = run(capsys, db_url, "branch", "add", "HZ", "again")
    assert (status, err) == (1, "Error: Branch HZ already exists.\n")
    status, _, err = run(capsys, db_url, "branch", "add", "H Z", "x")
    assert status == 1
    assert "A branch code is 1 to 16 letters" in err

    run(capsys, db_url, "branch", "add", "SH", "上海分公司")
    status, out, _ = run(capsys, db_url, "branch", "list")
    assert out.splitlines() == [
        "Branch code  Branch name",
        "HZ           杭州分公司",
        "SH           上海分公司",
    ]


def test_device_code_prints_a_fresh_one_time_code_alone_on_stdout(
    db_url: str, capsys: pytest.CaptureFixture[str]
):
    run(capsys, db_url, "branch", "add", "HZ", "杭州分公司")

    status, out, err = run(capsys, db_url, "device", "code", "HZ")
    _, again, _ = run(capsys, db_url, "device", "code", "hz", "--days", "2")

    assert status == 0
    assert CODE_SHAPE.fullmatch(out.strip()), out
    assert CODE_SHAPE.fullmatch(again.strip())
    assert out != again
    assert "One-time registration code for a device of branch HZ (杭州分公司)" in err
    assert "valid until 20" in err
    status, _, err = run(capsys, db_url, "device", "code", "XX")
    assert (status, err) == (1, "Error: There is no branch XX.\n")
    status, _, err = run(capsys, db_url, "device", "code", "HZ", "--days", "365")
    assert status == 1
    assert "1 to 90 days" in err


def test_device_list_and_revoke_follow_a_real_registration(
    db_url: str, client: TestClient, capsys: pytest.CaptureFixture[str]
):
    _, out, _ = run(capsys, db_url, "device", "list")
    assert out == "No devices registered.\n"
    run(capsys, db_url, "branch", "add", "HZ", "杭州分公司")
    _, code, _ = run(capsys, db_url, "device", "code", "HZ")
    reg = client.post(
        "/v1/register", json=register_body(code.strip(), "前台电脑-1"), headers=HEADERS
    )
    device_id, token = reg.json()["device_id"], reg.json()["token"]

    _, listing, _ = run(capsys, db_url, "device", "list")
    header, row = listing.splitlines()
    assert re.split(r"\s{2,}", header) == [
        "Device ID",
        "Branch code",
        "Device name",
        "Last seen",
        "Revoked",
    ]
    assert row.split()[:3] == [device_id, "HZ", "前台电脑-1"]
    assert re.search(r"20\d\d-\d\d-\d\d \d\d:\d\d$", row), "last seen, nothing revoked"

    status, out, _ = run(capsys, db_url, "device", "revoke", device_id)
    assert status == 0
    assert (
        out == f"Device {device_id} (前台电脑-1, branch HZ) revoked; its token no longer works.\n"
    )
    assert client.get("/v1/whoami", headers=auth(token)).json()["code"] == "auth.revoked"
    _, out, _ = run(capsys, db_url, "device", "revoke", device_id)
    assert "was already revoked on 20" in out
    _, listing, _ = run(capsys, db_url, "device", "list", "--branch", "HZ")
    assert len(re.findall(r"20\d\d-\d\d-\d\d \d\d:\d\d", listing)) == 2, "seen and revoked"
    status, _, err = run(capsys, db_url, "device", "revoke", "0000-nope")
    assert (status, err) == (1, "Error: There is no device 0000-nope.\n")


def test_messages_come_in_chinese_when_asked(sqlite_url: str, capsys: pytest.CaptureFixture[str]):
    assert main(["--lang", "zh_CN", "branch", "add", "HZ", "杭州分公司", "--db", sqlite_url]) == 0
    assert main(["--lang", "zh_CN", "branch", "add", "HZ", "杭州分公司", "--db", sqlite_url]) == 1
    out, err = capsys.readouterr()
    assert out == "已创建分公司 HZ（杭州分公司）。\n"
    assert err == "错误：分公司 HZ 已存在。\n"


def test_a_database_newer_than_the_code_is_refused(
    sqlite_url: str, capsys: pytest.CaptureFixture[str]
):
    import sqlalchemy as sa

    engine = sa.create_engine(sqlite_url)
    with engine.begin() as conn:
        conn.execute(sa.text("UPDATE hq_alembic_version SET version_num = 'hq9999'"))
    engine.dispose()

    status, _, err = run(capsys, sqlite_url, "device", "list")

    assert status == 1
    assert "schema hq9999, newer than this kamdesk-hq knows" in err
