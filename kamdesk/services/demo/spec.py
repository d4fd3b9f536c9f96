"""What to generate (:class:`DemoSpec`) and what was generated (:class:`DemoSummary`)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from kamdesk.domain.clock import SHANGHAI
from kamdesk.i18n import tr

DEFAULT_NOW = datetime(2026, 11, 20, 10, 0, tzinfo=SHANGHAI)
"""The instant the demo data is "as of": every generated time lies at or before it,
so the same seed gives the same database whatever day it is generated on."""


@dataclass(frozen=True)
class DemoSpec:
    """Size, seed and reference instant of a demo database.

    ``workers`` only changes speed, never the data: ``None`` picks a number for this
    machine (0 = generate in this process).
    """

    accounts: int
    orders: int
    seed: int = 1
    now: datetime = DEFAULT_NOW
    workers: int | None = None

    def __post_init__(self) -> None:
        if self.accounts < 1:
            raise ValueError("a demo needs at least one account")
        if self.orders < 0:
            raise ValueError("the number of orders cannot be negative")
        if self.now.tzinfo is None:
            raise ValueError("naive datetime: every instant in KAMDesk carries its zone")


@dataclass(frozen=True)
class DemoSummary:
    """Rows written per table (in load order) and the seconds it took."""

    spec: DemoSpec
    rows: tuple[tuple[str, int], ...]
    seconds: float
    phase_seconds: tuple[tuple[str, float], ...] = field(default=())

    @property
    def total_rows(self) -> int:
        return sum(n for _, n in self.rows)

    def count(self, table: str) -> int:
        return dict(self.rows).get(table, 0)

    def describe(self) -> str:
        return tr(
            "Demo database ready: {accounts} key accounts, {orders} work orders, "
            "{rows} rows in {seconds} s ({rate} rows/s).",
            accounts=f"{self.count('customers'):,}",
            orders=f"{self.count('work_orders'):,}",
            rows=f"{self.total_rows:,}",
            seconds=f"{self.seconds:.1f}",
            rate=f"{self.total_rows / self.seconds:,.0f}" if self.seconds > 0 else "-",
        )
