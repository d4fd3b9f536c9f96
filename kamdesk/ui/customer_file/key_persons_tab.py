"""关键人: the key persons' table (role in decisions, tier, relationship, last contact)
beside the drawn influence map, with 新增/编辑."""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QHBoxLayout,
    QPushButton,
    QScrollArea,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from kamdesk.i18n import tr
from kamdesk.services.customer_file.views import KeyPersonView
from kamdesk.services.customer_file.vocabulary import DECISION_ROLE_LABELS, TIER_LABELS
from kamdesk.ui.customer_file.context import FileContext
from kamdesk.ui.customer_file.formatting import instant, label
from kamdesk.ui.customer_file.influence_map import InfluenceMap
from kamdesk.ui.customer_file.key_person_dialog import KeyPersonDialog
from kamdesk.ui.customer_file.record_table import RecordTable, RecordTableModel, Row


class KeyPersonsTab(QWidget):
    def __init__(self, context: FileContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.context = context
        self.people: dict[str, KeyPersonView] = {}
        self.dialog: KeyPersonDialog | None = None
        headers = [
            tr("Name"),
            tr("Job title"),
            tr("Role in decisions"),
            tr("Contact tier"),
            tr("Relationship strength"),
            tr("Mobile"),
            tr("Reports to"),
            tr("Last contact"),
        ]
        self.table = RecordTable(RecordTableModel(headers, frozenset({4})))
        self.table.setAccessibleName(tr("Key persons"))
        self.table.doubleClicked.connect(lambda _index: self.edit_person())
        self.map = InfluenceMap()
        scroll = QScrollArea()
        scroll.setWidget(self.map)
        scroll.setWidgetResizable(True)
        splitter = QSplitter(Qt.Orientation.Vertical)
        splitter.addWidget(self.table)
        splitter.addWidget(scroll)
        self.add_button = QPushButton(tr("New key person…"))
        self.add_button.clicked.connect(self.add_person)
        self.edit_button = QPushButton(tr("Edit…"))
        self.edit_button.clicked.connect(self.edit_person)
        buttons = QHBoxLayout()
        buttons.addWidget(self.add_button)
        buttons.addWidget(self.edit_button)
        buttons.addStretch(1)
        layout = QVBoxLayout(self)
        layout.addLayout(buttons)
        layout.addWidget(splitter, 1)

    def set_editable(self, editable: bool) -> None:
        self.add_button.setEnabled(editable)
        self.edit_button.setEnabled(editable)

    def show_people(self, people: Sequence[KeyPersonView]) -> None:
        self.people = {p.id: p for p in people}
        self.table.records.set_rows(
            [
                Row(
                    p.id,
                    (
                        p.name,
                        p.title,
                        label(DECISION_ROLE_LABELS, p.decision_role),
                        label(TIER_LABELS, p.tier),
                        "★" * p.relationship,
                        p.mobile if not p.masked else "***",
                        p.reports_to_name,
                        instant(p.last_contact_at),
                    ),
                )
                for p in people
            ]
        )
        self.map.set_people(people)

    def add_person(self) -> None:
        self._open(KeyPersonDialog(self.context, parent=self))

    def edit_person(self) -> None:
        person_id = self.table.current_id()
        if person_id is None or not self.edit_button.isEnabled():
            return
        person = self.people[person_id]
        self._open(KeyPersonDialog(self.context, person_id, person.draft(), parent=self))

    def _open(self, dialog: KeyPersonDialog) -> None:
        self.dialog = dialog
        dialog.saved.connect(lambda _result: self.context.reload())
        dialog.open()
