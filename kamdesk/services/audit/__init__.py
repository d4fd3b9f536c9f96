"""The audit trail: every change and security event, chained by HMAC-SHA-256.

- :mod:`.changes` — the session hook: one entry per changed synced row, installed
  on import (``kamdesk.services.uow`` imports it, like the outbox capture).
- :func:`record` — security events (login, export, print, backup, ...).
- :func:`chain_head` / :func:`verify_chain` — the head for sync and printed orders,
  and the full check behind ``kamdesk audit verify``.
"""

from __future__ import annotations

from sqlalchemy import Engine
from sqlalchemy.orm import Session

from kamdesk.i18n import N_, tr
from kamdesk.services.audit.chain import (
    ACTOR_INFO,
    GENESIS,
    ChainHead,
    ChainProblem,
    ChainReport,
    head,
    verify,
)
from kamdesk.services.audit.changes import PERSONAL_FIELDS
from kamdesk.services.audit.events import SECURITY_ACTIONS, record

_REASONS = {
    "altered": N_("it was changed after it was written"),
    "unlinked": N_(
        "it does not follow the entry before it (an entry was deleted, inserted or moved)"
    ),
    "missing": N_("entries {first} to {last} before it are missing"),
    "unkeyed": N_("the setting naming the branch whose key signs the log was removed"),
}


def chain_head(session: Session) -> ChainHead:
    """The newest entry's number and MAC as seen by ``session`` (for sync and prints)."""
    return head(session.connection())


def verify_chain(engine: Engine) -> ChainReport:
    """Check the whole chain in one read snapshot; see :func:`.chain.verify`."""
    with engine.connect() as connection:
        return verify(connection)


def describe_problem(problem: ChainProblem) -> str:
    """One translated sentence naming the broken entry and why it is broken."""
    reason = tr(_REASONS[problem.reason], first=problem.missing_from, last=problem.seq - 1)
    return tr(
        "Audit entry {seq} ({action}, {at}) is not genuine: {reason}.",
        seq=problem.seq,
        action=problem.action,
        at=problem.at,
        reason=reason,
    )


__all__ = [
    "ACTOR_INFO",
    "GENESIS",
    "PERSONAL_FIELDS",
    "SECURITY_ACTIONS",
    "ChainHead",
    "ChainProblem",
    "ChainReport",
    "chain_head",
    "describe_problem",
    "record",
    "verify_chain",
]
