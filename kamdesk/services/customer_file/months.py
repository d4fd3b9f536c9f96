"""Calendar months of an agreement's term and the even split of its value over them."""

from __future__ import annotations

from datetime import date
from decimal import ROUND_DOWN, Decimal

from kamdesk.services.customer_file.drafts import MonthShare

FEN = Decimal("0.01")


def first_of_month(day: date) -> date:
    return day.replace(day=1)


def months_between(start: date, end: date) -> list[date]:
    """First days of every month from ``start``'s to ``end``'s, both included."""
    months: list[date] = []
    month = first_of_month(start)
    while month <= end:
        months.append(month)
        month = date(month.year + (month.month == 12), month.month % 12 + 1, 1)
    return months


def even_split(
    start: date, end: date, total: Decimal, product_id: str | None = None
) -> tuple[MonthShare, ...]:
    """``total`` spread over the term's months in whole fen; the last month takes the rest.

    Guarantee: the shares add up to ``total`` exactly.
    """
    months = months_between(start, end)
    if not months:
        return ()
    each = (total / len(months)).quantize(FEN, rounding=ROUND_DOWN)
    shares = [MonthShare(month, each, product_id) for month in months[:-1]]
    shares.append(MonthShare(months[-1], total - each * (len(months) - 1), product_id))
    return tuple(shares)
