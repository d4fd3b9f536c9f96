"""Colours of the state tags (UI.md: on time green, due within 24 h amber, overdue red,
paused grey); the text always says the same, colour is never alone."""

from __future__ import annotations

from PySide6.QtGui import QColor

from kamdesk.domain.sla import SlaStatus
from kamdesk.domain.workorders.vocabulary import State

SLA_COLOURS: dict[SlaStatus, tuple[str, str]] = {
    SlaStatus.ON_TIME: ("#e3f4e8", "#1d6b35"),
    SlaStatus.DUE_WITHIN_24H: ("#fff3d6", "#8a5a00"),
    SlaStatus.OVERDUE: ("#fde4e1", "#a4261b"),
    SlaStatus.PAUSED: ("#eceff3", "#4f5b69"),
}

CLOSED_COLOURS = ("#eceff3", "#4f5b69")
OPEN_COLOURS = ("#e6eefb", "#0f3f8c")


def sla_colours(status: SlaStatus | None) -> tuple[QColor, QColor] | None:
    """(background, text) of a deadline tag; None when there is no clock."""
    if status is None:
        return None
    background, text = SLA_COLOURS[status]
    return QColor(background), QColor(text)


def state_style(state: State) -> str:
    """A style sheet for a state tag label."""
    closed = state in (State.ARCHIVED, State.CANCELLED)
    background, text = CLOSED_COLOURS if closed else OPEN_COLOURS
    return f"background: {background}; color: {text}; border-radius: 4px; padding: 2px 8px;"


def sla_style(status: SlaStatus | None) -> str:
    if status is None:
        return ""
    background, text = SLA_COLOURS[status]
    return f"background: {background}; color: {text}; border-radius: 4px; padding: 2px 8px;"
