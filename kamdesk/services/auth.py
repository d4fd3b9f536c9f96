"""Signing in on the desktop: argon2id passwords, slowed-down guessing, the idle lock,
and the first branch admin.

Guarantees:
- Passwords are stored as argon2id hashes (t=2, 19 MiB: :data:`TIME_COST`,
  :data:`MEMORY_KIB`); a hash made with other parameters is replaced at the next good
  sign-in, so raising them takes effect person by person.
- There is no default password and no empty one: a staff member without a hash
  cannot sign in, and :func:`password_problem` refuses short, trivial passwords and
  the user's own login.
- An unknown login, a wrong password, an inactive person and a person without a
  password all get the same ``auth.failed`` message, after the same argon2 work.
- After :attr:`AuthPolicy.free_tries` failures for a login, each further try must
  wait ``base_delay * 2**(failures - free_tries)`` (at most ``max_delay``) after the
  last failure. The count lives in ``settings``, so it survives a restart, and is
  kept for unknown logins too, so the delay reveals nothing.
- Sign-ins, failures, locks and unlocks are audit events.

Hazards: ``staff`` is reference data that HQ publishes; :meth:`AuthService.create_first_admin`
writes the first branch and admin locally only when the database has no one who can
sign in, and sync must keep HQ's copy authoritative afterwards. Verifying a password
takes ~0.1 s of CPU on purpose.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from argon2 import PasswordHasher, Type
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import Engine, delete, func, select
from sqlalchemy.orm import Session

from kamdesk.db.models import Branch, Setting, Staff
from kamdesk.domain.clock import utcnow
from kamdesk.domain.workorders.vocabulary import Role
from kamdesk.errors import KamdeskError, define
from kamdesk.i18n import N_, tr
from kamdesk.services.actor import Actor
from kamdesk.services.audit import ACTOR_INFO, record
from kamdesk.services.uow import read_session, write_session

TIME_COST, MEMORY_KIB, PARALLELISM = 2, 19 * 1024, 1
"""argon2id cost: OWASP's minimum (19 MiB of memory, two passes, one lane)."""
MIN_PASSWORD_LENGTH = 8
TRIVIAL_PASSWORDS = frozenset(
    {"password", "12345678", "123456789", "1234567890", "87654321", "11111111", "88888888",
     "00000000", "qwertyui", "abc12345", "admin123", "kamdesk1", "password1", "a1234567"}
)  # fmt: skip
"""Passwords refused outright, compared in lower case (the factory-default kind)."""
IDLE_SETTING = "auth_idle_lock_minutes"
_FAILURES_PREFIX = "auth_failures:"

define(
    {
        "auth.failed": N_("The user name or password is wrong."),
        "auth.wait": N_("Too many wrong passwords. Try again in {seconds} seconds."),
        "auth.password_empty": N_("Enter a password."),
        "auth.password_short": N_("The password must have at least {length} characters."),
        "auth.password_trivial": N_("This password is too easy to guess; choose another."),
        "auth.password_is_login": N_("The password must not be the user name."),
        "auth.already_set_up": N_(
            "This database already has people who can sign in; ask the branch admin."
        ),
        "auth.field_missing": N_("Fill in {field}."),
        "auth.not_admin": N_("Only the branch admin may change this."),
        "auth.bad_idle_minutes": N_("The idle lock must be between 1 and {most} minutes."),
    }
)


@dataclass(frozen=True)
class AuthPolicy:
    free_tries: int = 5
    base_delay: timedelta = timedelta(seconds=15)
    max_delay: timedelta = timedelta(minutes=15)
    idle_lock_minutes: int = 10
    """Default idle time before the window locks (an admin may change it)."""
    max_idle_lock_minutes: int = 240

    def delay_after(self, failures: int) -> timedelta:
        """How long the next try must wait after ``failures`` consecutive failures."""
        if failures < self.free_tries:
            return timedelta(0)
        delay: timedelta = self.base_delay * 2 ** (failures - self.free_tries)
        return min(delay, self.max_delay)


@dataclass(frozen=True)
class FirstAdmin:
    branch_code: str
    branch_name: str
    login: str
    name: str
    password: str


def password_problem(password: str, login: str = "") -> KamdeskError | None:
    """Why ``password`` may not be used (an error to show), or None."""
    if not password:
        return KamdeskError("auth.password_empty")
    if len(password) < MIN_PASSWORD_LENGTH:
        return KamdeskError("auth.password_short", length=MIN_PASSWORD_LENGTH)
    if login and password.strip().casefold() == login.strip().casefold():
        return KamdeskError("auth.password_is_login")
    if password.casefold() in TRIVIAL_PASSWORDS or len(set(password)) <= 2:
        return KamdeskError("auth.password_trivial")
    return None


def _actor(staff: Staff) -> Actor:
    return Actor(
        staff_id=staff.id,
        name=staff.name,
        role=staff.role,
        branch_id=staff.branch_id,
        industry_group_id=staff.industry_group_id,
        workstation_id=staff.workstation_id,
    )


class AuthService:
    """Sign-in, lock and first-run set-up for the database behind ``engine``."""

    def __init__(
        self,
        engine: Engine,
        *,
        policy: AuthPolicy | None = None,
        hasher: PasswordHasher | None = None,
        clock: Callable[[], datetime] = utcnow,
    ) -> None:
        self._engine = engine
        self.policy = policy or AuthPolicy()
        self._hasher = hasher or PasswordHasher(
            time_cost=TIME_COST, memory_cost=MEMORY_KIB, parallelism=PARALLELISM, type=Type.ID
        )
        self._clock = clock
        self._dummy_hash = self._hasher.hash("no such person: equal work for every try")

    # --- first run ----------------------------------------------------------------

    def needs_first_admin(self) -> bool:
        """True while nobody in this database can sign in."""
        with read_session(self._engine) as s:
            return not s.scalar(_can_sign_in_count())

    def existing_branch(self) -> tuple[str, str] | None:
        """(code, name) of the database's branch when it has exactly one (demo data,
        an HQ snapshot), so the first admin joins it instead of founding another."""
        with read_session(self._engine) as s:
            rows = s.execute(
                select(Branch.code, Branch.name).where(Branch.deleted_at.is_(None)).limit(2)
            ).all()
        return (rows[0].code, rows[0].name) if len(rows) == 1 else None

    def create_first_admin(self, request: FirstAdmin) -> Actor:
        """Create the branch (unless one exists) and its admin; returns the admin, signed in."""
        for label, value in (
            (N_("Branch code"), request.branch_code),
            (N_("Branch name"), request.branch_name),
            (N_("User name"), request.login),
            (N_("Full name"), request.name),
        ):
            if not value.strip():
                raise KamdeskError("auth.field_missing", field=tr(label))
        problem = password_problem(request.password, request.login)
        if problem is not None:
            raise problem
        password_hash = self._hasher.hash(request.password)
        with write_session(self._engine) as s:
            if s.scalar(_can_sign_in_count()):
                raise KamdeskError("auth.already_set_up")
            branch = s.scalars(
                select(Branch).where(Branch.code == request.branch_code.strip())
            ).one_or_none()
            if branch is None:
                branch = Branch(code=request.branch_code.strip(), name=request.branch_name.strip())
                s.add(branch)
                s.flush()
            admin = Staff(
                branch_id=branch.id,
                login=request.login.strip(),
                name=request.name.strip(),
                role=Role.ADMIN.value,
                active=True,
                password_hash=password_hash,
            )
            s.add(admin)
            s.flush()
            actor = _actor(admin)
            s.info[ACTOR_INFO] = actor
            record(s, "login", entity="staff", entity_id=admin.id, details={"first_run": True})
        return actor

    # --- signing in ---------------------------------------------------------------

    def login(self, login: str, password: str) -> Actor:
        """The signed-in person; raises ``auth.failed`` or ``auth.wait`` (nothing checked)."""
        key = _FAILURES_PREFIX + login.strip().casefold()
        now: datetime = self._clock()
        with read_session(self._engine) as s:
            failures, last = _failures(s, key)
        if last is not None:
            wait = last + self.policy.delay_after(failures) - now
            if wait > timedelta(0):
                raise KamdeskError("auth.wait", seconds=max(1, round(wait.total_seconds())))
        with read_session(self._engine) as s:
            staff = s.scalars(select(Staff).where(Staff.login == login.strip())).one_or_none()
            usable = staff is not None and staff.active and staff.deleted_at is None
            stored = staff.password_hash if staff is not None and usable else None
            staff_id = staff.id if staff is not None else None
        if not self._verify(stored, password):
            with write_session(self._engine) as s:
                s.merge(Setting(key=key, value={"count": failures + 1, "last": now.isoformat()}))
                record(
                    s,
                    "login_failed",
                    entity="staff",
                    entity_id=staff_id or "",
                    details={"failures": failures + 1},
                    actor_id=staff_id,
                )
            raise KamdeskError("auth.failed")
        assert stored is not None and staff_id is not None
        with write_session(self._engine) as s:
            person = s.get_one(Staff, staff_id)
            actor = _actor(person)
            s.info[ACTOR_INFO] = actor
            if self._hasher.check_needs_rehash(stored):
                person.password_hash = self._hasher.hash(password)
            if failures:
                s.execute(delete(Setting).where(Setting.key == key))
            record(s, "login", entity="staff", entity_id=staff_id)
        return actor

    def _verify(self, stored: str | None, password: str) -> bool:
        try:
            return bool(self._hasher.verify(stored or self._dummy_hash, password)) and bool(stored)
        except (VerificationError, InvalidHashError):
            return False

    def change_password(self, actor: Actor, old: str, new: str) -> None:
        """Set a new password after checking the old one; raises ``auth.failed`` or a
        password rule error."""
        with read_session(self._engine) as s:
            staff = s.get_one(Staff, actor.staff_id)
            stored, login = staff.password_hash, staff.login
        if not self._verify(stored, old):
            raise KamdeskError("auth.failed")
        problem = password_problem(new, login)
        if problem is not None:
            raise problem
        with write_session(self._engine, actor=actor) as s:
            s.get_one(Staff, actor.staff_id).password_hash = self._hasher.hash(new)
            record(s, "password_changed", entity="staff", entity_id=actor.staff_id)

    # --- idle lock ----------------------------------------------------------------

    def idle_lock_minutes(self) -> int:
        """Minutes without input after which the window locks."""
        with read_session(self._engine) as s:
            stored = s.scalar(select(Setting.value).where(Setting.key == IDLE_SETTING))
        return int(stored) if stored else self.policy.idle_lock_minutes

    def set_idle_lock_minutes(self, actor: Actor, minutes: int) -> None:
        if actor.role != Role.ADMIN.value:
            raise KamdeskError("auth.not_admin")
        if not 1 <= minutes <= self.policy.max_idle_lock_minutes:
            raise KamdeskError("auth.bad_idle_minutes", most=self.policy.max_idle_lock_minutes)
        with write_session(self._engine, actor=actor) as s:
            s.merge(Setting(key=IDLE_SETTING, value=minutes))

    def lock(self, actor: Actor) -> None:
        """Record that the window locked for ``actor`` (idle time or by hand)."""
        with write_session(self._engine, actor=actor) as s:
            record(s, "lock", entity="staff", entity_id=actor.staff_id)

    def unlock(self, actor: Actor, password: str) -> Actor:
        """Unlock for the same person only; the same rules and delays as :meth:`login`."""
        with read_session(self._engine) as s:
            login = s.get_one(Staff, actor.staff_id).login
        return self.login(login, password)


def _can_sign_in_count() -> Any:
    return (
        select(func.count())
        .select_from(Staff)
        .where(
            Staff.active.is_(True),
            Staff.deleted_at.is_(None),
            Staff.password_hash.is_not(None),
            Staff.password_hash != "",
        )
    )


def _failures(session: Session, key: str) -> tuple[int, datetime | None]:
    stored = session.scalar(select(Setting.value).where(Setting.key == key))
    if not isinstance(stored, dict):
        return 0, None
    return int(stored.get("count", 0)), datetime.fromisoformat(str(stored["last"]))
