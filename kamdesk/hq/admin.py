"""What an HQ administrator does: branches, registration codes, the device list, revoking.

Runs on an :func:`kamdesk.hq.database.admin_engine` (the owner's role on PostgreSQL,
which sees every branch through the explicit ``hq_admin`` policy). Every function is
one transaction and returns frozen dataclasses, never ORM objects.

Hazard: a registration code is shown exactly once, by :func:`issue_code`; HQ keeps
only its hash and cannot show it again (issue a new one instead).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime, timedelta

import sqlalchemy as sa
from sqlalchemy.orm import Session

from kamdesk.domain.clock import utcnow
from kamdesk.domain.ids import uuid7
from kamdesk.errors import KamdeskError, define
from kamdesk.hq.credentials import hash_code, new_registration_code
from kamdesk.hq.models import Branch, Device, RegistrationCode
from kamdesk.i18n import N_

DEFAULT_CODE_VALIDITY = timedelta(days=7)
MAX_CODE_VALIDITY = timedelta(days=90)
_BRANCH_CODE = re.compile(r"[A-Z0-9][A-Z0-9_-]{0,15}")

define(
    {
        "hq.branch_code_invalid": N_(
            "A branch code is 1 to 16 letters, digits, '-' or '_', starting with a letter "
            "or digit (got {branch})."
        ),
        "hq.branch_name_invalid": N_("A branch name is 1 to 100 characters."),
        "hq.branch_exists": N_("Branch {branch} already exists."),
        "hq.unknown_branch": N_("There is no branch {branch}."),
        "hq.unknown_device": N_("There is no device {device_id}."),
        "hq.code_validity_invalid": N_("A registration code is valid for 1 to {max_days} days."),
    }
)


@dataclass(frozen=True)
class BranchInfo:
    id: str
    code: str
    name: str


@dataclass(frozen=True)
class IssuedCode:
    """A one-time code in display form; the only time it exists outside the recipient."""

    code: str
    branch_code: str
    branch_name: str
    expires_at: datetime


@dataclass(frozen=True)
class DeviceInfo:
    id: str
    branch_code: str
    name: str
    created_at: datetime
    last_seen_at: datetime | None
    revoked_at: datetime | None
    schema_version: int | None
    client_version: str | None


def add_branch(engine: sa.Engine, code: str, name: str) -> BranchInfo:
    """Create a branch; codes are stored upper-case and are unique."""
    code = code.strip().upper()
    name = name.strip()
    if not _BRANCH_CODE.fullmatch(code):
        raise KamdeskError("hq.branch_code_invalid", branch=code)
    if not 1 <= len(name) <= 100:
        raise KamdeskError("hq.branch_name_invalid")
    try:
        with Session(engine) as session, session.begin():
            if session.scalar(sa.select(Branch.id).where(Branch.code == code)) is not None:
                raise KamdeskError("hq.branch_exists", branch=code)
            branch = Branch(id=uuid7(), code=code, name=name, created_at=utcnow())
            session.add(branch)
            info = BranchInfo(branch.id, branch.code, branch.name)
    except sa.exc.IntegrityError as exc:  # a concurrent add of the same code
        raise KamdeskError("hq.branch_exists", branch=code) from exc
    return info


def list_branches(engine: sa.Engine) -> list[BranchInfo]:
    with Session(engine) as session:
        rows = session.scalars(sa.select(Branch).order_by(Branch.code))
        return [BranchInfo(b.id, b.code, b.name) for b in rows]


def _branch_by_code(session: Session, code: str) -> Branch:
    branch = session.scalars(sa.select(Branch).where(Branch.code == code.strip().upper())).first()
    if branch is None:
        raise KamdeskError("hq.unknown_branch", branch=code)
    return branch


def issue_code(
    engine: sa.Engine,
    branch_code: str,
    valid_for: timedelta = DEFAULT_CODE_VALIDITY,
    now: datetime | None = None,
) -> IssuedCode:
    """A new one-time registration code for one device of ``branch_code``."""
    if not timedelta(days=1) <= valid_for <= MAX_CODE_VALIDITY:
        raise KamdeskError("hq.code_validity_invalid", max_days=MAX_CODE_VALIDITY.days)
    now = now or utcnow()
    code = new_registration_code()
    with Session(engine) as session, session.begin():
        branch = _branch_by_code(session, branch_code)
        row = RegistrationCode(
            id=uuid7(),
            code_hash=hash_code(code),
            branch_id=branch.id,
            created_at=now,
            expires_at=now + valid_for,
        )
        session.add(row)
        return IssuedCode(code, branch.code, branch.name, row.expires_at)


def _device_info(device: Device, branch_code: str) -> DeviceInfo:
    return DeviceInfo(
        id=device.id,
        branch_code=branch_code,
        name=device.name,
        created_at=device.created_at,
        last_seen_at=device.last_seen_at,
        revoked_at=device.revoked_at,
        schema_version=device.schema_version,
        client_version=device.client_version,
    )


def list_devices(engine: sa.Engine, branch_code: str | None = None) -> list[DeviceInfo]:
    """Every device (or one branch's), by branch then registration order."""
    with Session(engine) as session:
        query = sa.select(Device, Branch.code).join(Branch, Branch.id == Device.branch_id)
        if branch_code is not None:
            query = query.where(Branch.id == _branch_by_code(session, branch_code).id)
        rows = session.execute(query.order_by(Branch.code, Device.id))
        return [_device_info(device, code) for device, code in rows]


def revoke_device(
    engine: sa.Engine, device_id: str, now: datetime | None = None
) -> tuple[DeviceInfo, bool]:
    """Revoke a device's token for good; ``True`` when this call revoked it."""
    now = now or utcnow()
    with Session(engine) as session, session.begin():
        found = session.execute(
            sa.select(Device, Branch.code)
            .join(Branch, Branch.id == Device.branch_id)
            .where(Device.id == device_id.strip().lower())
        ).first()
        if found is None:
            raise KamdeskError("hq.unknown_device", device_id=device_id)
        device, code = found
        newly = device.revoked_at is None
        if newly:
            device.revoked_at = now
        return _device_info(device, code), newly
