"""HQ's check of a pushed row against the synced tables' columns (before any of it is applied).

A row HQ accepts is a row every desktop of the branch can store: a new row carries a
value for each required column (NOT NULL without a default), no NOT NULL column is
set to null, and every value has its column's form (:mod:`kamdesk.sync.wire_columns`).
A refusal names the table, the column and the expected form; the push answers it as
that one operation's rejection, so nothing of the row is applied and the batch's other
operations go on. Columns HQ does not know (a newer desktop) pass unchecked: schema
changes are additive first.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from typing import Any

from kamdesk.errors import KamdeskError
from kamdesk.sync.wire_columns import COLUMNS


def _instant(value: Any) -> bool:
    try:
        return isinstance(value, str) and datetime.fromisoformat(value).tzinfo is not None
    except ValueError:
        return False


def _date(value: Any) -> bool:
    try:
        return isinstance(value, str) and bool(date.fromisoformat(value))
    except ValueError:
        return False


def _money(value: Any) -> bool:
    if isinstance(value, bool) or not isinstance(value, str | int):
        return False
    try:
        return Decimal(str(value)).is_finite()
    except InvalidOperation:
        return False


FORMS: dict[str, Callable[[Any], bool]] = {
    "str": lambda v: isinstance(v, str),
    "int": lambda v: isinstance(v, int) and not isinstance(v, bool),
    "float": lambda v: isinstance(v, int | float) and not isinstance(v, bool),
    "bool": lambda v: isinstance(v, bool),
    "money": _money,
    "instant": _instant,
    "date": _date,
}
"""What a JSON value of each kind must be; kinds not listed (``json``, ``any``) take any."""


@dataclass(frozen=True)
class _TableSpec:
    """One table's :data:`~kamdesk.sync.wire_columns.COLUMNS` entry, ready to check with."""

    required: tuple[str, ...]
    """``+`` columns: a new row must carry a value."""
    not_null: frozenset[str]
    """``+`` and ``!`` columns: never set to null."""
    forms: dict[str, tuple[str, Callable[[Any], bool]]]
    """Column → (kind, check) for the kinds :data:`FORMS` knows."""


@functools.cache
def _spec(table: str) -> _TableSpec | None:
    columns = COLUMNS.get(table)
    if columns is None:
        return None
    kinds = {name: spec.rstrip("+!") for name, spec in columns.items()}
    return _TableSpec(
        required=tuple(name for name, spec in columns.items() if spec.endswith("+")),
        not_null=frozenset(name for name, spec in columns.items() if spec.endswith(("+", "!"))),
        forms={name: (kind, FORMS[kind]) for name, kind in kinds.items() if kind in FORMS},
    )


def check_row(table: str, data: dict[str, Any], names: Iterable[str], *, new: bool) -> None:
    """Refuse ``data`` unless a desktop can store it.

    ``names`` are the columns the push sets (all of them for a ``new`` row, which must
    also carry every required column). Raises ``sync.missing_value`` or
    ``sync.wrong_type``.
    """
    spec = _spec(table)
    if spec is None:
        return
    if new:
        for name in spec.required:
            if data.get(name) is None:
                raise KamdeskError("sync.missing_value", table=table, column=name)
    for name in names:
        value = data.get(name)
        if value is None:
            if name in spec.not_null:
                raise KamdeskError("sync.missing_value", table=table, column=name)
            continue
        form = spec.forms.get(name)
        if form is not None and not form[1](value):
            raise KamdeskError("sync.wrong_type", table=table, column=name, kind=form[0])
