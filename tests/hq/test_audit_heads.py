"""The audit chain head travels to HQ in every sync round (real HTTP on loopback): HQ keeps
the history of heads per device and catches a chain that went backwards (cut-off tail,
an older copy of the database put back in secret) or forked, tells the desktop, and
shows it in the sync-health report until an HQ admin accepts it."""

from __future__ import annotations

import shutil
import sqlite3
from pathlib import Path

import httpx
import pytest
import sqlalchemy as sa
from sqlalchemy.orm import Session

from kamdesk.db.backup import online_backup
from kamdesk.db.models import AuditEntry
from kamdesk.hq.cli import main
from kamdesk.hq.health import sync_health
from kamdesk.hq.models import AuditHead
from kamdesk.services.audit import chain_head
from kamdesk.services.uow import read_session
from kamdesk.sync import state, tokens
from kamdesk.sync.capture import DEVICE_ID_KEY
from kamdesk.sync.engine import SyncReport
from kamdesk.sync.protocol import HEADER_PROTOCOL, PROTOCOL_VERSION
from tests.hq.sync_support import Desk
from tests.hq.sync_world import BOTH_BACKENDS, World, add_customer, setting


def local_head(desk: Desk) -> int:
    with read_session(desk.engine) as s:
        return chain_head(s).seq


def hq_heads(world: World, desk: Desk) -> list[tuple[int, str]]:
    """(seq, verdict) of every head HQ stored for ``desk``, oldest first."""
    device = setting(desk, state.HQ_DEVICE_ID)
    with Session(world.admin_db) as s:
        rows = s.scalars(
            sa.select(AuditHead).where(AuditHead.device_id == device).order_by(AuditHead.report_no)
        )
        return [(r.seq, r.verdict) for r in rows]


def desk_path(desk: Desk) -> Path:
    return Path(str(desk.engine.url.database))


def put_back_in_secret(desk: Desk, copy: Path) -> None:
    """What someone does behind the app's back: close it, copy an old file over."""
    desk.engine.dispose()
    path = desk_path(desk)
    for suffix in ("-wal", "-shm"):
        Path(f"{path}{suffix}").unlink(missing_ok=True)
    shutil.copyfile(copy, path)


def cut_tail(desk: Desk, entries: int) -> None:
    """Drop the append-only trigger and delete the newest ``entries`` audit entries."""
    desk.engine.dispose()
    db = sqlite3.connect(desk_path(desk))
    with db:
        db.execute("DROP TRIGGER audit_log_no_delete")
        top = db.execute("SELECT max(seq) FROM audit_log").fetchone()[0]
        db.execute("DELETE FROM audit_log WHERE seq > ?", (top - entries,))
    db.close()


def synced(desk: Desk) -> SyncReport:
    report = desk.sync.sync_now()
    assert report.complete, report
    return report


def quiet(desk: Desk) -> SyncReport:
    """Sync until a round moves nothing (its own ``sync`` event is then not logged)."""
    for _ in range(4):
        report = synced(desk)
        if not (report.pushed or report.pulled or report.rejected or report.conflicts):
            return report
    raise AssertionError("the desk never became quiet")


def test_every_round_reports_the_head_and_hq_keeps_the_history(hq_world: World) -> None:
    refs = hq_world.branch()
    desk = hq_world.desk(refs, "a")  # registered; its first round reported a first head
    (first,) = hq_heads(hq_world, desk)
    assert first[1] == "first"

    add_customer(desk, refs, "审计链客户")
    head_before = local_head(desk)
    report = synced(desk)
    assert report.audit is not None
    assert (report.audit.status, report.audit.seq) == ("ok", head_before)
    assert report.audit.known_seq == first[0] and report.audit.alarm is None
    assert hq_heads(hq_world, desk)[-1] == (head_before, "ok")

    with read_session(desk.engine) as s:  # the round that moved something is logged
        event = s.scalars(sa.select(AuditEntry).order_by(AuditEntry.seq.desc()).limit(1)).one()
    assert (event.action, event.details["pushed"], event.details["audit"]) == ("sync", 1, "ok")

    quiet(desk)
    stored = hq_heads(hq_world, desk)
    head = local_head(desk)
    assert quiet(desk).audit.seq == head  # type: ignore[union-attr]
    assert hq_heads(hq_world, desk) == stored  # an idle round adds nothing anywhere
    assert local_head(desk) == head
    assert [v for _, v in stored] == ["first"] + ["ok"] * (len(stored) - 1)
    assert [s for s, _ in stored] == sorted({s for s, _ in stored})
    assert desk.sync.status().audit_alarm is None


@pytest.mark.parametrize("hq_world", BOTH_BACKENDS, indirect=True)
def test_an_old_copy_put_back_in_secret_is_caught_and_stays_flagged_until_accepted(
    hq_world: World, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    refs = hq_world.branch()
    desk = hq_world.desk(refs, "b")
    old_copy = online_backup(desk.engine, tmp_path / "yesterday.sqlite")
    add_customer(desk, refs, "后来的客户")
    synced(desk)
    hq_saw = hq_heads(hq_world, desk)[-1][0]

    put_back_in_secret(desk, old_copy)
    assert local_head(desk) < hq_saw
    report = synced(desk)
    assert report.audit is not None and report.audit.problem
    assert (report.audit.status, report.audit.known_seq) == ("rewound", hq_saw)
    alarm = report.audit.alarm
    assert alarm is not None and (alarm.status, alarm.known_seq) == ("rewound", hq_saw)
    assert desk.sync.status().audit_alarm == alarm  # the sync page shows it from here

    device = setting(desk, state.HQ_DEVICE_ID)
    health = {d.device_id: d for d in sync_health(hq_world.admin_db, refs.code)}
    assert (health[device].audit.alarm, health[device].audit.alarm_known_seq) == (
        "rewound",
        hq_saw,
    )
    assert main(["--lang", "en", "report", "sync-health", "--branch", refs.code,
                 "--db", hq_world.db_url]) == 0  # fmt: skip
    line = next(x for x in capsys.readouterr().out.splitlines() if x.endswith(device))
    assert "WENT BACKWARDS" in line and f"HQ had {hq_saw}" in line

    later = synced(desk)  # judged against the new head now, but the alarm stays
    assert later.audit is not None and later.audit.status == "ok"
    assert later.audit.alarm == alarm

    assert main(["--lang", "en", "device", "accept-audit", device, "--db", hq_world.db_url]) == 0
    assert "Accepted 1 audit warnings" in capsys.readouterr().out
    after = synced(desk)
    assert after.audit is not None and after.audit.alarm is None
    assert desk.sync.status().audit_alarm is None


def test_a_cut_off_tail_is_caught_as_going_backwards(hq_world: World) -> None:
    refs = hq_world.branch()
    desk = hq_world.desk(refs, "c")
    add_customer(desk, refs, "尾部客户")
    synced(desk)
    hq_saw = hq_heads(hq_world, desk)[-1][0]
    assert local_head(desk) == hq_saw + 1  # that round's own sync event came after
    cut_tail(desk, 2)
    report = synced(desk)
    assert report.audit is not None
    assert (report.audit.status, report.audit.seq, report.audit.known_seq) == (
        "rewound",
        hq_saw - 1,
        hq_saw,
    )


def test_an_old_copy_written_past_the_seen_head_is_caught_as_forked(
    hq_world: World, tmp_path: Path
) -> None:
    refs = hq_world.branch()
    desk = hq_world.desk(refs, "d")
    old_copy = online_backup(desk.engine, tmp_path / "old.sqlite")
    add_customer(desk, refs, "原来的客户")
    synced(desk)
    hq_saw = hq_heads(hq_world, desk)[-1][0]

    put_back_in_secret(desk, old_copy)
    n = 0
    while local_head(desk) <= hq_saw:  # the copy is used until its log is longer again
        add_customer(desk, refs, f"新客户{n}")
        n += 1
    report = synced(desk)
    assert report.audit is not None
    assert (report.audit.status, report.audit.known_seq) == ("forked", hq_saw)
    assert report.audit.alarm is not None and report.audit.alarm.status == "forked"


def test_a_report_naming_another_anchor_gets_409_and_the_recorded_entry(
    hq_world: World,
) -> None:
    refs = hq_world.branch()
    desk = hq_world.desk(refs, "e")
    recorded = hq_heads(hq_world, desk)[-1][0]
    token = tokens.load_token(setting(desk, DEVICE_ID_KEY))
    body = {"seq": recorded + 5, "mac": "a" * 64, "anchor_seq": recorded + 1, "anchor_mac": None}
    headers = {HEADER_PROTOCOL: str(PROTOCOL_VERSION), "Authorization": f"Bearer {token}"}
    answer = httpx.post(f"{hq_world.url}/v1/audit-head", json=body, headers=headers)
    assert answer.status_code == 409
    assert answer.json()["code"] == "audit.anchor_moved"
    assert answer.json()["params"]["expected"] == recorded
    refused = httpx.post(
        f"{hq_world.url}/v1/audit-head", json={**body, "mac": "not hex"}, headers=headers
    )
    assert refused.status_code == 422
    assert len(hq_heads(hq_world, desk)) == 1  # neither was stored
