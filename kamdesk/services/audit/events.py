"""Security events in the audit log: sign-ins, locks, exports, prints, syncs, backups.

:func:`record` appends one entry in the caller's write transaction, so the event and
what it describes commit or roll back together. Events that must survive a refused
operation (a wrong password) are recorded in their own ``write_session``.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy.orm import Session

from kamdesk.services.audit import chain
from kamdesk.services.audit.changes import session_actor, stamped

SECURITY_ACTIONS = frozenset(
    {
        "login",
        "login_failed",
        "logout",
        "lock",
        "unlock",
        "password_changed",
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
"""The security events the log knows; a misspelt action is refused, not recorded."""


def record(
    session: Session,
    action: str,
    *,
    entity: str = "",
    entity_id: str = "",
    details: dict[str, Any] | None = None,
    actor_id: str | None = None,
) -> chain.ChainHead:
    """Append the security event ``action`` by the session's actor; returns the new head.

    ``actor_id`` names the person when the session has no actor (a failed sign-in
    names the staff member it was for). Pending ORM changes are flushed first, so
    their entries come before the event. ``details`` must be JSON-safe and must not
    hold personal data or secrets. Raises ``ValueError`` for an unknown action.
    """
    if action not in SECURITY_ACTIONS:
        raise ValueError(f"unknown audit action {action!r}")
    session.flush()
    entry = chain.NewEntry(action, entity, str(entity_id), dict(details or {}), actor_id=actor_id)
    return chain.append(session.connection(), [stamped(entry, session_actor(session))])
