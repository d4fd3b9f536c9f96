"""Input widgets of the customer-file forms and conversions between Qt and Python values.

Dates are local calendar days; date-times are shown in Shanghai time and returned
as aware datetimes. Money spins hold fen exactly (two decimals) and return
``Decimal`` built from the displayed text, never from a float.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from PySide6.QtCore import QDate, QDateTime, QTime
from PySide6.QtWidgets import QComboBox, QDateEdit, QDateTimeEdit, QDoubleSpinBox

from kamdesk.domain.clock import SHANGHAI, local
from kamdesk.i18n import tr
from kamdesk.services.customer_file.views import Choice

DATE_FORMAT = "yyyy-MM-dd"
DATETIME_FORMAT = "yyyy-MM-dd HH:mm"


def code_combo(labels: Mapping[Any, str]) -> QComboBox:
    """A pick list of codes shown by their translated labels."""
    combo = QComboBox()
    for code, text in labels.items():
        combo.addItem(tr(text), str(code))
    return combo


def choice_combo(choices: Iterable[Choice], empty: str | None = None) -> QComboBox:
    """A pick list of records; ``empty`` (translated) adds a first "none" entry."""
    combo = QComboBox()
    if empty is not None:
        combo.addItem(empty, None)
    for choice in choices:
        combo.addItem(choice.name, choice.id)
    return combo


def combo_value(combo: QComboBox) -> str | None:
    value = combo.currentData()
    return str(value) if value is not None else None


def set_combo(combo: QComboBox, value: str | None) -> None:
    index = combo.findData(value)
    combo.setCurrentIndex(max(index, 0))


def date_edit(day: date | None = None) -> QDateEdit:
    edit = QDateEdit()
    edit.setCalendarPopup(True)
    edit.setDisplayFormat(DATE_FORMAT)
    if day is not None:
        edit.setDate(QDate(day.year, day.month, day.day))
    return edit


def date_of(edit: QDateEdit) -> date:
    value = edit.date()
    return date(value.year(), value.month(), value.day())


def datetime_edit(at: datetime) -> QDateTimeEdit:
    edit = QDateTimeEdit()
    edit.setCalendarPopup(True)
    edit.setDisplayFormat(DATETIME_FORMAT)
    shown = local(at)
    edit.setDateTime(
        QDateTime(QDate(shown.year, shown.month, shown.day), QTime(shown.hour, shown.minute))
    )
    return edit


def datetime_of(edit: QDateTimeEdit) -> datetime:
    """The shown local time as an aware datetime (Asia/Shanghai)."""
    value = edit.dateTime()
    d, t = value.date(), value.time()
    return datetime(d.year(), d.month(), d.day(), t.hour(), t.minute(), tzinfo=SHANGHAI)


def money_spin(maximum: float = 1e12) -> QDoubleSpinBox:
    spin = QDoubleSpinBox()
    spin.setDecimals(2)
    spin.setRange(0, maximum)
    spin.setGroupSeparatorShown(True)
    spin.setPrefix("¥")
    return spin


def money_of(spin: QDoubleSpinBox) -> Decimal:
    return Decimal(f"{spin.value():.2f}")


def set_money(spin: QDoubleSpinBox, value: Decimal) -> None:
    spin.setValue(float(value))
