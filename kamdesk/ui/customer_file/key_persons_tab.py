"""关键人: the key persons' table (role in decisions, tier, relationship, last contact)
beside the drawn influence map, with 新增/编辑."""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QPushButton, QScrollArea, QSplitter, QWidget

from kamdesk.i18n import label, tr
from kamdesk.services.customer_file.views import KeyPersonView
from kamdesk.services.customer_file.vocabulary import DECISION_ROLE_LABELS, TIER_LABELS
from kamdesk.ui.customer_file.context import FileContext
from kamdesk.ui.customer_file.formatting import instant
from kamdesk.ui.customer_file.influence_map import InfluenceMap
from kamdesk.ui.customer_file.key_person_dialog import KeyPersonDialog
from kamdesk.ui.customer_file.records_tab import RecordsTab


class KeyPersonsTab(RecordsTab[KeyPersonView]):
    def __init__(self, context: FileContext, parent: QWidget | None = None) -> None:
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
        super().__init__(
            context,
            headers=headers,
            name=tr("Key persons"),
            add_text=tr("New key person…"),
            right_aligned=frozenset({4}),
            parent=parent,
        )
        self.table.doubleClicked.connect(lambda _index: self.edit_person())
        self.map = InfluenceMap()
        scroll = QScrollArea()
        scroll.setWidget(self.map)
        scroll.setWidgetResizable(True)
        splitter = QSplitter(Qt.Orientation.Vertical)
        splitter.addWidget(self.table)
        splitter.addWidget(scroll)
        self.add_button.clicked.connect(self.add_person)
        self.edit_button = QPushButton(tr("Edit…"))
        self.edit_button.clicked.connect(self.edit_person)
        self._lay_out(self.edit_button, body=splitter)

    def _update_buttons(self) -> None:
        super()._update_buttons()
        self.edit_button.setEnabled(self.editable)

    def show_people(self, people: Sequence[KeyPersonView]) -> None:
        self._show(people, _cells)
        self.map.set_people(people)

    def add_person(self) -> None:
        self._open(KeyPersonDialog(self.context, parent=self))

    def edit_person(self) -> None:
        person = self.selected()
        if person is None or not self.edit_button.isEnabled():
            return
        self._open(KeyPersonDialog(self.context, person.id, person.draft(), parent=self))


def _cells(p: KeyPersonView) -> tuple[str, ...]:
    return (
        p.name,
        p.title,
        label(DECISION_ROLE_LABELS, p.decision_role),
        label(TIER_LABELS, p.tier),
        "★" * p.relationship,
        p.mobile if not p.masked else "***",
        p.reports_to_name,
        instant(p.last_contact_at),
    )
