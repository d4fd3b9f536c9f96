"""How long work reports progress and learns it was cancelled, without knowing Qt.

Core functions take ``progress: Progress | None`` and ``cancel: CancelCheck | None``.
They call ``progress(done, total, text)`` now and then (``text`` already translated)
and :func:`check_cancel` between units of work. Hazard: raise :class:`Cancelled`
only between units, so a cancelled write leaves no half-made transaction behind.
"""

from __future__ import annotations

from collections.abc import Callable

from kamdesk.errors import KamdeskError, define
from kamdesk.i18n import N_

Progress = Callable[[int, int, str], None]
CancelCheck = Callable[[], bool]

define({"work.cancelled": N_("The operation was cancelled; nothing was changed.")})


class Cancelled(KamdeskError):
    def __init__(self) -> None:
        super().__init__("work.cancelled")


def no_progress(done: int, total: int, text: str) -> None:
    """A ``Progress`` that ignores what it is told."""


def check_cancel(cancel: CancelCheck | None) -> None:
    """Raise :class:`Cancelled` if the caller asked to stop."""
    if cancel is not None and cancel():
        raise Cancelled()
