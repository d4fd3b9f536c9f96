"""变更历史: who changed what in this file, newest first, from the audit chain."""

from __future__ import annotations

import json
from collections.abc import Sequence

from PySide6.QtWidgets import QLabel, QVBoxLayout, QWidget

from kamdesk.i18n import N_, label, tr
from kamdesk.services.customer_file.views import HistoryEntry
from kamdesk.ui.customer_file.formatting import NOTE_STYLE, instant
from kamdesk.ui.customer_file.record_table import RecordTable, RecordTableModel, Row

ENTITY_LABELS = {
    "customers": N_("Account"),
    "key_persons": N_("Key person"),
    "visits": N_("Visit"),
    "care_actions": N_("Care action"),
    "complaints": N_("Complaint"),
    "agreements": N_("Agreement"),
    "opportunities": N_("Opportunity"),
}


class HistoryTab(QWidget):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        headers = [tr("When"), tr("Who"), tr("What"), tr("Record"), tr("Details")]
        self.table = RecordTable(RecordTableModel(headers))
        self.table.setAccessibleName(tr("Change history"))
        self.empty_label = QLabel(tr("No changes have been recorded for this account yet."))
        self.empty_label.setStyleSheet(NOTE_STYLE)
        layout = QVBoxLayout(self)
        layout.addWidget(self.empty_label)
        layout.addWidget(self.table, 1)

    def show_history(self, entries: Sequence[HistoryEntry]) -> None:
        self.empty_label.setVisible(not entries)
        self.table.records.set_rows(
            [
                Row(
                    f"{e.entity}:{e.entity_id}:{i}",
                    (
                        instant(e.at),
                        e.actor_name,
                        e.action,
                        label(ENTITY_LABELS, e.entity),
                        json.dumps(e.details, ensure_ascii=False, default=str),
                    ),
                )
                for i, e in enumerate(entries)
            ]
        )
