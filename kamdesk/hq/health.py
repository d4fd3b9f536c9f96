"""Sync health per device, for ``kamdesk-hq report sync-health``.

For each registered device: its branch, when HQ last heard from it, its backlog (the
branch's changes it has not pulled yet: the branch head minus the cursor of its last
pull), the batches it pushed, the conflicts and refusals HQ reported back to it, and
the schema generation it last named. Runs as the admin (sees every branch); one read
transaction. Hazard: conflicts and refusals are counted from the stored push answers,
so the report reads every answer of every device (fine for an admin's occasional look).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Session

from kamdesk.hq.audit_heads import AuditState, audit_state
from kamdesk.hq.models import Branch, Device, SyncBranchState, SyncPushBatch
from kamdesk.sync.messages import REJECTED


@dataclass(frozen=True)
class DeviceHealth:
    device_id: str
    branch_code: str
    name: str
    last_seen_at: datetime | None
    revoked: bool
    backlog: int
    batches: int
    conflicts: int
    rejections: int
    schema_version: int | None
    last_push_at: datetime | None
    audit: AuditState


def sync_health(engine: sa.Engine, branch_code: str | None = None) -> list[DeviceHealth]:
    """Every device (or one branch's), by branch then registration order."""
    with Session(engine) as session:
        rows = session.execute(sa.select(SyncBranchState.branch_id, SyncBranchState.last_seq))
        heads = {branch_id: last for branch_id, last in rows}
        query = sa.select(Device, Branch.code).join(Branch, Branch.id == Device.branch_id)
        if branch_code is not None:
            query = query.where(Branch.code == branch_code.strip().upper())
        found = []
        for device, code in session.execute(query.order_by(Branch.code, Device.id)):
            batches = conflicts = rejections = 0
            last_push = None
            answers = session.execute(
                sa.select(SyncPushBatch.response, SyncPushBatch.received_at).where(
                    SyncPushBatch.device_id == device.id
                )
            )
            for response, received in answers:
                batches += 1
                conflicts += len(response.get("conflicts", []))
                rejections += sum(r.get("status") == REJECTED for r in response.get("results", []))
                last_push = received if last_push is None else max(last_push, received)
            head = int(heads.get(device.branch_id) or 0)
            found.append(
                DeviceHealth(
                    device_id=device.id,
                    branch_code=code,
                    name=device.name,
                    last_seen_at=device.last_seen_at,
                    revoked=device.revoked_at is not None,
                    backlog=max(head - int(device.pulled_cursor or 0), 0),
                    batches=batches,
                    conflicts=conflicts,
                    rejections=rejections,
                    schema_version=device.schema_version,
                    last_push_at=last_push,
                    audit=audit_state(session, device.id),
                )
            )
        return found
