"""Key persons' contact details: who reads them in clear, and how everyone else sees them.

One rule, :func:`may_read_contacts`: staff who look after accounts (account manager,
industry manager, department leader, branch admin) read the phones, e-mail and
birthday of the key persons their record scope (:mod:`kamdesk.services.scope`) lets
them read at all; every other reader (HQ analyst, clerk, response center, workstation,
an actor without branch or role, the system) gets them masked by :func:`masked`.
Every service view, list, conflict and export that carries a key person's contact goes
through these two functions; ID numbers never leave the services.

Hazard: the rule decides *how* a row is shown, not *whether*: that is the record
rules' job, so a reader out of scope never receives the row in the first place.
"""

from __future__ import annotations

from typing import Any

from kamdesk.domain.workorders.vocabulary import Role
from kamdesk.services.actor import Actor
from kamdesk.services.audit import PERSONAL_FIELDS
from kamdesk.services.scope import known_role

CONTACT_READER_ROLES: frozenset[Role] = frozenset(
    {Role.AM, Role.INDUSTRY_MANAGER, Role.LEADER, Role.ADMIN}
)
"""Roles that read key persons' contact details of the accounts in their scope."""

KEY_PERSON_CONTACTS: frozenset[str] = PERSONAL_FIELDS["key_persons"]
"""The key-person columns shown only to :data:`CONTACT_READER_ROLES` (the same that the
audit log never records)."""


def may_read_contacts(actor: Actor | None) -> bool:
    """Whether ``actor`` sees key persons' contact details in clear."""
    return actor is not None and known_role(actor) in CONTACT_READER_ROLES


def masked(field: str, value: Any) -> Any:
    """How ``field`` of a key person reads for someone without the right: contacts are
    withheld (``""`` for text, None otherwise), other fields pass unchanged."""
    if field not in KEY_PERSON_CONTACTS or value in (None, ""):
        return value
    return "" if isinstance(value, str) else None
