"""How the customer file shows values (UI.md "Tables"): money as ¥12,345.00, dates as
2026-11-22, instants as 2026-11-22 14:30 in Shanghai time, codes as their labels."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from kamdesk.domain.clock import local

ERROR_STYLE = "color: #b3261e;"
NOTE_STYLE = "color: #5b6775;"


def money(value: Decimal | None) -> str:
    return "" if value is None else f"¥{value:,.2f}"


def day(value: date | None) -> str:
    return "" if value is None else value.isoformat()


def instant(value: datetime | None) -> str:
    return "" if value is None else local(value).strftime("%Y-%m-%d %H:%M")
