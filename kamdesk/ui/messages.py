"""How failures are put in front of the user: words, never a traceback.

Calls the static ``QMessageBox`` functions (tests replace them to capture what the
user would read). The caller logs unexpected exceptions; these functions only show.
"""

from __future__ import annotations

from PySide6.QtWidgets import QMessageBox, QWidget

from kamdesk.domain.progress import Cancelled
from kamdesk.errors import KamdeskError
from kamdesk.i18n import tr


def describe_unexpected(exc: BaseException) -> str:
    """One line naming an unexpected exception, e.g. ``OSError: disk full``."""
    lines = str(exc).strip().splitlines()
    return f"{type(exc).__name__}: {lines[0]}" if lines else type(exc).__name__


def failure_text(task: str, exc: BaseException) -> str:
    """What the user reads when ``task`` failed with ``exc``."""
    if isinstance(exc, KamdeskError):
        return exc.message()
    return tr(
        "“{task}” stopped because of an unexpected problem ({error}). Work saved before "
        "is safe. The technical details were written to the log file, whose location "
        "is shown in Settings.",
        task=task,
        error=describe_unexpected(exc),
    )


def show_failure(parent: QWidget | None, task: str, exc: BaseException) -> None:
    """A notice for a cancel, a warning for a ``KamdeskError``, an error box otherwise."""
    text = failure_text(task, exc)
    if isinstance(exc, Cancelled):
        QMessageBox.information(parent, task, text)
    elif isinstance(exc, KamdeskError):
        QMessageBox.warning(parent, task, text)
    else:
        QMessageBox.critical(parent, task, text)
