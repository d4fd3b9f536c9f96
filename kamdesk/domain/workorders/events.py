"""Work-order events (one per transition), the commands that ask for them, and actors.

An event is the only record of a transition; an order's state is derived from its
events (:mod:`kamdesk.domain.workorders.view`). Sync ships events as JSON
(:meth:`WorkOrderEvent.to_json_dict` / :meth:`WorkOrderEvent.from_json_dict`).

Guarantee: an event and its payload are immutable — the payload is deep-frozen into
read-only mappings and tuples of JSON scalars (str, int, bool, None). Money, hours
and instants travel as strings (``"1200.50"``, ``"4.5"``, ISO 8601 with offset).
Hazard: events are not hashable (their payload is a mapping); key them by
``(order_id, seq)``.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from types import MappingProxyType
from typing import TypeAlias

from kamdesk.domain.workorders.vocabulary import Action, Role, State

JsonScalar: TypeAlias = str | int | bool | None
Frozen: TypeAlias = JsonScalar | tuple["Frozen", ...] | Mapping[str, "Frozen"]
Payload: TypeAlias = Mapping[str, Frozen]

EMPTY: Payload = MappingProxyType({})


def freeze(value: object) -> Frozen:
    """A deep, read-only copy of JSON-like data; refuses floats and other types."""
    if value is None or isinstance(value, str | bool | int):
        return value
    if isinstance(value, Mapping):
        items: dict[str, Frozen] = {}
        for key, item in value.items():
            if not isinstance(key, str):
                raise TypeError(f"payload keys must be strings, got {key!r}")
            items[key] = freeze(item)
        return MappingProxyType(items)
    if isinstance(value, list | tuple):
        return tuple(freeze(item) for item in value)
    raise TypeError(f"payload values must be JSON scalars, lists or mappings, got {value!r}")


def freeze_payload(value: Mapping[str, object]) -> Payload:
    frozen = freeze(value)
    assert isinstance(frozen, Mapping)
    return frozen


def thaw(value: Frozen) -> object:
    """Plain ``dict``/``list`` copy of frozen data, ready for ``json.dumps``."""
    if isinstance(value, Mapping):
        return {key: thaw(item) for key, item in value.items()}
    if isinstance(value, tuple):
        return [thaw(item) for item in value]
    return value


@dataclass(frozen=True)
class Actor:
    """Who asks for a transition, with the context that decides their reach.

    ``industry_groups``: groups an industry manager leads. ``workstations``: workstation
    numbers a workstation user works at. Both are ignored for other roles.
    """

    user_id: str
    role: Role
    industry_groups: frozenset[str] = frozenset()
    workstations: frozenset[str] = frozenset()


@dataclass(frozen=True)
class Command:
    """A request for ``action`` with its form data (validated by the machine)."""

    action: Action
    payload: Mapping[str, object] = field(default_factory=lambda: EMPTY)


@dataclass(frozen=True)
class WorkOrderEvent:
    """One accepted transition. ``from_state`` is ``None`` only for the creation."""

    order_id: str
    seq: int
    action: Action
    from_state: State | None
    to_state: State
    actor_id: str
    actor_role: Role
    at: datetime
    payload: Payload = field(default_factory=lambda: EMPTY)

    def __post_init__(self) -> None:
        if self.at.tzinfo is None:
            raise ValueError("naive datetime: every instant in KAMDesk carries its zone")
        object.__setattr__(self, "payload", freeze_payload(self.payload))

    def to_json_dict(self) -> dict[str, object]:
        return {
            "order_id": self.order_id,
            "seq": self.seq,
            "action": self.action.value,
            "from_state": None if self.from_state is None else self.from_state.value,
            "to_state": self.to_state.value,
            "actor_id": self.actor_id,
            "actor_role": self.actor_role.value,
            "at": self.at.isoformat(),
            "payload": thaw(self.payload),
        }

    @classmethod
    def from_json_dict(cls, data: Mapping[str, object]) -> WorkOrderEvent:
        """Inverse of :meth:`to_json_dict`; raises ``KeyError``/``ValueError`` on bad data."""
        from_state = data["from_state"]
        payload = data.get("payload") or {}
        if not isinstance(payload, Mapping):
            raise ValueError("payload must be an object")
        seq = data["seq"]
        if not isinstance(seq, int) or isinstance(seq, bool):
            raise ValueError("seq must be an integer")
        return cls(
            order_id=str(data["order_id"]),
            seq=seq,
            action=Action(str(data["action"])),
            from_state=None if from_state is None else State(str(from_state)),
            to_state=State(str(data["to_state"])),
            actor_id=str(data["actor_id"]),
            actor_role=Role(str(data["actor_role"])),
            at=datetime.fromisoformat(str(data["at"])),
            payload=freeze_payload(payload),
        )
