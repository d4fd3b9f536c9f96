"""One row of the historical work-order sheet being read: its cells and its problems.

:class:`RowCells` turns cells into text (never evaluated), reads times once each
(:func:`~kamdesk.services.order_import.columns.read_time`; a time after ``now`` is
refused: a historical order cannot lie in the future) and words every problem as
``表头：problem`` with the sheet's Chinese header.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any

from kamdesk.domain.clock import local
from kamdesk.errors import KamdeskError, define
from kamdesk.i18n import N_
from kamdesk.services.customer_columns import cell_text, column_header, problem_text
from kamdesk.services.order_import.columns import ORDER_COLUMNS, read_time

define(
    {
        "order_import.empty": N_("this cell must be filled in"),
        "order_import.unknown_word": N_("'{text}' is not one of {choices}"),
        "order_import.future": N_("{time} lies in the future"),
        "order_import.before": N_("{time} is before {other} ({other_time})"),
        "order_import.needs": N_("needs {other} as well"),
        "order_import.too_long": N_("at most {limit} characters"),
    }
)


def shown(moment: datetime) -> str:
    """An instant as the sheet writes it: Beijing time to the minute."""
    return f"{local(moment):%Y-%m-%d %H:%M}"


class RowCells:
    """One row being read: its cells as text and the problems found so far."""

    def __init__(self, fields: Mapping[str, Any], now: datetime) -> None:
        self.raw = fields
        self.text = {name: cell_text(value) for name, value in fields.items()}
        self.now = now
        self.problems: list[str] = []
        self._times: dict[str, datetime | None] = {}

    def problem(self, name: str, error: KamdeskError) -> None:
        self.problems.append(problem_text(ORDER_COLUMNS, name, error))

    def get(self, name: str) -> str:
        return self.text.get(name, "")

    def limited(self, name: str, limit: int) -> str:
        value = self.get(name)
        if len(value) > limit:
            self.problem(name, KamdeskError("order_import.too_long", limit=limit))
            return value[:limit]
        return value

    def time(self, name: str) -> datetime | None:
        """The cell's instant, ``None`` when empty or unreadable (reported once)."""
        if name not in self._times:
            self._times[name] = self._read_time(name)
        return self._times[name]

    def _read_time(self, name: str) -> datetime | None:
        if not self.get(name):
            return None
        try:
            moment = read_time(self.raw[name])
        except KamdeskError as error:
            self.problem(name, error)
            return None
        if moment > self.now:
            self.problem(name, KamdeskError("order_import.future", time=shown(moment)))
            return None
        return moment

    def after(
        self, name: str, moment: datetime | None, other: str, earlier: datetime | None
    ) -> None:
        """Report ``name`` when its ``moment`` lies before the ``other`` column's."""
        if moment is None or earlier is None or moment >= earlier:
            return
        error = KamdeskError(
            "order_import.before",
            time=shown(moment),
            other=column_header(ORDER_COLUMNS, other),
            other_time=shown(earlier),
        )
        self.problem(name, error)

    def needs(self, name: str, other: str) -> None:
        error = KamdeskError("order_import.needs", other=column_header(ORDER_COLUMNS, other))
        self.problem(name, error)


def choice_problem(row: RowCells, name: str, choices: str) -> None:
    row.problem(
        name, KamdeskError("order_import.unknown_word", text=row.get(name), choices=choices)
    )
