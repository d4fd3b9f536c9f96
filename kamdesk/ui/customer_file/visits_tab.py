"""拜访: planned and done visits, newest first, with their needs and next steps."""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtWidgets import QHBoxLayout, QLabel, QPushButton, QVBoxLayout, QWidget

from kamdesk.i18n import tr
from kamdesk.services.customer_file.views import VisitView
from kamdesk.services.customer_file.vocabulary import VISIT_STATUS_LABELS, VisitStatus
from kamdesk.ui.customer_file.context import FileContext
from kamdesk.ui.customer_file.formatting import NOTE_STYLE, instant, label
from kamdesk.ui.customer_file.record_table import RecordTable, RecordTableModel, Row
from kamdesk.ui.customer_file.visit_dialog import VisitDialog


class VisitsTab(QWidget):
    def __init__(self, context: FileContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.context = context
        self.visits: dict[str, VisitView] = {}
        self.dialog: VisitDialog | None = None
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
        self.table = RecordTable(RecordTableModel(headers))
        self.table.setAccessibleName(tr("Visits"))
        self.last_visit_label = QLabel()
        self.last_visit_label.setStyleSheet(NOTE_STYLE)
        self.add_button = QPushButton(tr("Record a visit…"))
        self.add_button.clicked.connect(self.record_visit)
        self.done_button = QPushButton(tr("Record the planned visit as done…"))
        self.done_button.clicked.connect(self.record_planned_done)
        self.done_button.setEnabled(False)
        self.editable = True
        self.table.selectionModel().selectionChanged.connect(self._selection_changed)
        buttons = QHBoxLayout()
        buttons.addWidget(self.add_button)
        buttons.addWidget(self.done_button)
        buttons.addStretch(1)
        buttons.addWidget(self.last_visit_label)
        layout = QVBoxLayout(self)
        layout.addLayout(buttons)
        layout.addWidget(self.table, 1)

    def set_editable(self, editable: bool) -> None:
        self.editable = editable
        self.add_button.setEnabled(editable)
        self._selection_changed()

    def _selected_planned(self) -> VisitView | None:
        visit = self.visits.get(self.table.current_id() or "")
        return visit if visit is not None and visit.status == VisitStatus.PLANNED else None

    def _selection_changed(self) -> None:
        self.done_button.setEnabled(self.editable and self._selected_planned() is not None)

    def show_visits(self, visits: Sequence[VisitView], last_visit: str) -> None:
        self.visits = {v.id: v for v in visits}
        self.last_visit_label.setText(tr("Last visit: {when}", when=last_visit or tr("none")))
        self.table.records.set_rows(
            [
                Row(
                    v.id,
                    (
                        label(VISIT_STATUS_LABELS, v.status),
                        instant(v.when),
                        v.owner_name,
                        v.purpose,
                        v.participants,
                        v.explicit_needs,
                        v.hidden_needs,
                        v.next_steps,
                    ),
                )
                for v in visits
            ]
        )
        self._selection_changed()

    def record_visit(self) -> None:
        self._open(VisitDialog(self.context, parent=self))

    def record_planned_done(self) -> None:
        visit = self._selected_planned()
        if visit is None:
            return
        self._open(VisitDialog(self.context, fulfils=visit, parent=self))

    def _open(self, dialog: VisitDialog) -> None:
        self.dialog = dialog
        dialog.saved.connect(lambda _result: self.context.reload())
        dialog.open()
