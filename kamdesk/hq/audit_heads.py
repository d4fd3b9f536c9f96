"""The audit chain heads desktops report at every sync, and HQ's verdict on each.

HQ cannot check a MAC (the key stays on the desktop), but it remembers the last head
each device reported. A new report must name that entry as its anchor and carry the
MAC its chain has there now:

- no earlier report: ``first``;
- the chain is shorter than the recorded head, or has no entry there any more:
  ``rewound`` (its tail was cut off, or an older backup was put in place);
- the entry is there but its MAC differs: ``forked`` (an older backup was put in
  place and written to since, or entries were rewritten);
- otherwise ``ok``: the chain still holds what HQ saw and grew from it.

Guarantees:
- A report naming another anchor is refused with ``audit.anchor_moved`` (409) and
  the recorded entry, and nothing is stored; the desktop reports again with it.
- Reports of one device are judged one at a time (the device row is locked), in the
  device's branch scope (row-level security on PostgreSQL).
- A ``rewound`` or ``forked`` report stays the device's alarm, in the health report
  and in every answer to it, until an HQ admin accepts it (:func:`accept_alarms`);
  reports after it are judged against the new head, so one event raises one alarm.
- An unchanged ``ok`` head is not stored again: idle rounds add no rows.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Session

from kamdesk.domain.clock import utcnow
from kamdesk.errors import KamdeskError
from kamdesk.hq.database import scope_to_branch
from kamdesk.hq.devices import DeviceIdentity
from kamdesk.hq.models import AuditHead, Device
from kamdesk.sync.messages import (
    AUDIT_FIRST,
    AUDIT_FORKED,
    AUDIT_OK,
    AUDIT_PROBLEMS,
    AUDIT_REWOUND,
    AuditHeadReport,
)


@dataclass(frozen=True)
class AuditState:
    """A device's latest recorded head and its open alarm (the newest one not accepted)."""

    seq: int | None
    reported_at: datetime | None
    alarm: str | None
    alarm_at: datetime | None
    alarm_seq: int | None
    alarm_known_seq: int | None


def judge(last: AuditHead | None, report: AuditHeadReport) -> str:
    """The verdict on ``report`` given the device's last recorded head."""
    if last is None:
        return AUDIT_FIRST
    if report.anchor_mac is None or report.seq < last.seq:
        return AUDIT_REWOUND
    if report.anchor_mac != last.mac:
        return AUDIT_FORKED
    return AUDIT_OK


def _last(session: Session, device_id: str) -> AuditHead | None:
    return session.scalars(
        sa.select(AuditHead)
        .where(AuditHead.device_id == device_id)
        .order_by(AuditHead.report_no.desc())
        .limit(1)
    ).first()


def _open_alarm(session: Session, device_id: str) -> AuditHead | None:
    return session.scalars(
        sa.select(AuditHead)
        .where(
            AuditHead.device_id == device_id,
            AuditHead.verdict.in_(AUDIT_PROBLEMS),
            AuditHead.accepted_at.is_(None),
        )
        .order_by(AuditHead.report_no.desc())
        .limit(1)
    ).first()


def _alarm_wire(row: AuditHead | None) -> dict[str, Any] | None:
    if row is None:
        return None
    return {
        "status": row.verdict,
        "reported_at": row.received_at.isoformat(),
        "seq": row.seq,
        "known_seq": int(row.known_seq or 0),
    }


def record_head(
    engine: sa.Engine,
    device: DeviceIdentity,
    report: AuditHeadReport,
    now: datetime | None = None,
) -> dict[str, Any]:
    """Judge and store ``report`` of ``device``; the answer body (see the module)."""
    with Session(engine) as session, session.begin():
        scope_to_branch(session, device.branch_id)
        session.execute(  # one report of a device at a time
            sa.select(Device.id).where(Device.id == device.device_id).with_for_update()
        )
        last = _last(session, device.device_id)
        if last is not None and report.anchor_seq != last.seq:
            raise KamdeskError("audit.anchor_moved", expected=last.seq, got=report.anchor_seq)
        verdict = judge(last, report)
        unchanged = (
            last is not None
            and verdict == AUDIT_OK
            and (last.seq, last.mac) == (report.seq, report.mac)
        )
        if not unchanged:
            session.add(
                AuditHead(
                    device_id=device.device_id,
                    report_no=1 if last is None else last.report_no + 1,
                    branch_id=device.branch_id,
                    received_at=now or utcnow(),
                    seq=report.seq,
                    mac=report.mac,
                    verdict=verdict,
                    known_seq=None if last is None else last.seq,
                    known_mac=None if last is None else last.mac,
                )
            )
            session.flush()
        return {
            "status": verdict,
            "seq": report.seq,
            "known_seq": None if last is None else last.seq,
            "alarm": _alarm_wire(_open_alarm(session, device.device_id)),
        }


def audit_state(session: Session, device_id: str) -> AuditState:
    """The latest head and open alarm of ``device_id`` (for the health report)."""
    last = _last(session, device_id)
    alarm = _open_alarm(session, device_id)
    return AuditState(
        seq=None if last is None else last.seq,
        reported_at=None if last is None else last.received_at,
        alarm=None if alarm is None else alarm.verdict,
        alarm_at=None if alarm is None else alarm.received_at,
        alarm_seq=None if alarm is None else alarm.seq,
        alarm_known_seq=None if alarm is None else alarm.known_seq,
    )


def accept_alarms(engine: sa.Engine, device_id: str, now: datetime | None = None) -> int:
    """An HQ admin looked into the device's alarms: close them; returns how many.

    Runs as the admin (the serving role may not change reports). Raises
    ``hq.unknown_device``.
    """
    device_id = device_id.strip().lower()
    with Session(engine) as session, session.begin():
        if session.get(Device, device_id) is None:
            raise KamdeskError("hq.unknown_device", device_id=device_id)
        done: sa.CursorResult[Any] = session.execute(  # type: ignore[assignment]
            sa.update(AuditHead)
            .where(
                AuditHead.device_id == device_id,
                AuditHead.verdict.in_(AUDIT_PROBLEMS),
                AuditHead.accepted_at.is_(None),
            )
            .values(accepted_at=now or utcnow())
            .execution_options(synchronize_session=False)
        )
        return int(done.rowcount)
