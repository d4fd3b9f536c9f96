"""The "create anyway?" question shown when a new account looks like existing ones."""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtWidgets import QMessageBox, QWidget

from kamdesk.i18n import tr
from kamdesk.services.customer_file.views import DuplicateCandidate

SHOWN = 5


def describe_duplicate(candidate: DuplicateCandidate) -> str:
    if candidate.same_credit_code:
        return tr(
            "{name} ({code}): same credit code", name=candidate.name, code=candidate.credit_code
        )
    return tr(
        "{name} ({code}): name {score}% alike",
        name=candidate.name,
        code=candidate.credit_code,
        score=f"{candidate.name_score:.0f}",
    )


def confirm_duplicates(parent: QWidget, candidates: Sequence[DuplicateCandidate]) -> bool:
    """True when the user wants the account created although it looks like others."""
    lines = "\n".join(f"• {describe_duplicate(c)}" for c in candidates[:SHOWN])
    more = len(candidates) - SHOWN
    if more > 0:
        lines += "\n" + tr("… and {count} more", count=more)
    answer = QMessageBox.question(
        parent,
        tr("Possible duplicate"),
        tr(
            "These accounts look like the one you are creating:\n{lines}\n\nCreate it anyway?",
            lines=lines,
        ),  # fmt: skip
        QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No,
        QMessageBox.StandardButton.No,
    )
    return answer == QMessageBox.StandardButton.Yes
