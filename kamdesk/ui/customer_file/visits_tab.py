"""拜访: planned and done visits, newest first, with their needs and next steps."""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtWidgets import QLabel, QPushButton, QWidget

from kamdesk.i18n import label, tr
from kamdesk.services.customer_file.views import VisitView
from kamdesk.services.customer_file.vocabulary import VISIT_STATUS_LABELS, VisitStatus
from kamdesk.ui.customer_file.context import FileContext
from kamdesk.ui.customer_file.formatting import NOTE_STYLE, instant
from kamdesk.ui.customer_file.records_tab import RecordsTab
from kamdesk.ui.customer_file.visit_dialog import VisitDialog


class VisitsTab(RecordsTab[VisitView]):
    def __init__(self, context: FileContext, parent: QWidget | None = None) -> None:
        headers = [
            tr("Visit status"),
            tr("When"),
            tr("Account manager"),
            tr("Purpose"),
            tr("Participants"),
            tr("Explicit needs"),
            tr("Hidden needs"),
            tr("Next steps"),
        ]
        super().__init__(
            context,
            headers=headers,
            name=tr("Visits"),
            add_text=tr("Record a visit…"),
            parent=parent,
        )
        self.last_visit_label = QLabel()
        self.last_visit_label.setStyleSheet(NOTE_STYLE)
        self.add_button.clicked.connect(self.record_visit)
        self.done_button = QPushButton(tr("Record the planned visit as done…"))
        self.done_button.clicked.connect(self.record_planned_done)
        self._lay_out(self.done_button, trailing=self.last_visit_label)

    def _selected_planned(self) -> VisitView | None:
        visit = self.selected()
        return visit if visit is not None and visit.status == VisitStatus.PLANNED else None

    def _update_buttons(self) -> None:
        super()._update_buttons()
        self.done_button.setEnabled(self.editable and self._selected_planned() is not None)

    def show_visits(self, visits: Sequence[VisitView], last_visit: str) -> None:
        self.last_visit_label.setText(tr("Last visit: {when}", when=last_visit or tr("none")))
        self._show(visits, _cells)

    def record_visit(self) -> None:
        self._open(VisitDialog(self.context, parent=self))

    def record_planned_done(self) -> None:
        visit = self._selected_planned()
        if visit is None:
            return
        self._open(VisitDialog(self.context, fulfils=visit, parent=self))


def _cells(v: VisitView) -> tuple[str, ...]:
    return (
        label(VISIT_STATUS_LABELS, v.status),
        instant(v.when),
        v.owner_name,
        v.purpose,
        v.participants,
        v.explicit_needs,
        v.hidden_needs,
        v.next_steps,
    )
