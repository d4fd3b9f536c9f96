"""Device registration (code → token) and token authentication, as the serving role.

Guarantees:
- A registration code is spent at most once, even under concurrent use: the device row
  is inserted and the code is marked used by one conditional ``UPDATE … WHERE used_at
  IS NULL`` in the same transaction; whoever's update matches no row rolls back its
  device and is told the code was used. (PostgreSQL re-checks the condition after the
  winner commits; on SQLite writers queue behind ``BEGIN IMMEDIATE``.)
- The token is returned once and never stored; HQ keeps SHA-256 of it.
- A device's branch comes from its token's row alone; each transaction is scoped to
  that branch (row-level security on PostgreSQL) before any branch data is read.
- ``last_seen_at`` is written at most once a minute per device, so authentication is
  a read on the hot path.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Session

from kamdesk.domain.clock import local, utcnow
from kamdesk.domain.ids import uuid7
from kamdesk.errors import KamdeskError
from kamdesk.hq.credentials import hash_code, hash_token, new_token
from kamdesk.hq.database import CODE_SETTING, TOKEN_SETTING, reveal_by_secret, scope_to_branch
from kamdesk.hq.models import Branch, Device, RegistrationCode

LAST_SEEN_GRANULARITY = timedelta(minutes=1)


@dataclass(frozen=True)
class ClientVersions:
    """What a request says about its client (already checked against HQ's minimums)."""

    protocol: int
    schema: int | None = None
    client: str | None = None


@dataclass(frozen=True)
class DeviceIdentity:
    """Who is behind a token: the device and the branch its scope is limited to."""

    device_id: str
    device_name: str
    branch_id: str
    branch_code: str
    branch_name: str


@dataclass(frozen=True)
class Registration:
    identity: DeviceIdentity
    token: str


def register_device(
    engine: sa.Engine,
    code: str,
    device_name: str,
    versions: ClientVersions,
    now: datetime | None = None,
) -> Registration:
    """Trade a one-time ``code`` for a new device of the code's branch and its token."""
    now = now or utcnow()
    code_hash = hash_code(code)
    with Session(engine) as session, session.begin():
        reveal_by_secret(session, CODE_SETTING, code_hash)
        row = session.scalars(
            sa.select(RegistrationCode).where(RegistrationCode.code_hash == code_hash)
        ).one_or_none()
        if row is None:
            raise KamdeskError("register.unknown_code")
        if row.used_at is not None:
            raise KamdeskError("register.code_used")
        if row.expires_at <= now:
            raise KamdeskError(
                "register.code_expired", expired=local(row.expires_at).strftime("%Y-%m-%d %H:%M")
            )
        scope_to_branch(session, row.branch_id)
        branch = session.get_one(Branch, row.branch_id)
        token, token_hash = new_token()
        device = Device(
            id=uuid7(),
            branch_id=branch.id,
            name=device_name,
            token_hash=token_hash,
            created_at=now,
            last_seen_at=now,
            protocol_version=versions.protocol,
            schema_version=versions.schema,
            client_version=versions.client,
        )
        session.add(device)
        session.flush()
        spent: sa.CursorResult[Any] = session.execute(  # type: ignore[assignment]
            sa.update(RegistrationCode)
            .where(RegistrationCode.id == row.id, RegistrationCode.used_at.is_(None))
            .values(used_at=now, used_by_device_id=device.id)
            .execution_options(synchronize_session=False)
        )
        if spent.rowcount != 1:
            raise KamdeskError("register.code_used")  # rolls back the device row too
        identity = DeviceIdentity(device.id, device.name, branch.id, branch.code, branch.name)
    return Registration(identity=identity, token=token)


def authenticate(
    engine: sa.Engine,
    token: str,
    versions: ClientVersions,
    now: datetime | None = None,
) -> DeviceIdentity:
    """The device behind ``token``; refuses an unknown or revoked one."""
    now = now or utcnow()
    token_hash = hash_token(token)
    with Session(engine) as session, session.begin():
        reveal_by_secret(session, TOKEN_SETTING, token_hash)
        device = session.scalars(
            sa.select(Device).where(Device.token_hash == token_hash)
        ).one_or_none()
        if device is None:
            raise KamdeskError("auth.unknown_token")
        if device.revoked_at is not None:
            raise KamdeskError("auth.revoked")
        scope_to_branch(session, device.branch_id)
        branch = session.get_one(Branch, device.branch_id)
        _note_visit(device, versions, now)
        return DeviceIdentity(device.id, device.name, branch.id, branch.code, branch.name)


def _note_visit(device: Device, versions: ClientVersions, now: datetime) -> None:
    if device.last_seen_at is None or now - device.last_seen_at >= LAST_SEEN_GRANULARITY:
        device.last_seen_at = now
    if device.protocol_version != versions.protocol:
        device.protocol_version = versions.protocol
    if versions.schema is not None and device.schema_version != versions.schema:
        device.schema_version = versions.schema
    if versions.client is not None and device.client_version != versions.client:
        device.client_version = versions.client
