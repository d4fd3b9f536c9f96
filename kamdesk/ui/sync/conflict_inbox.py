"""冲突: open conflicts, each with both values, who made them and when, and a choice.

When two people changed the same field, sync keeps one value in the record and the
other in a conflict record (G6). Here a person sees both side by side and keeps one:
keeping the value now in effect only closes the conflict; keeping the other writes it
back, and the next sync carries it to HQ and every colleague. Resolving needs a
signed-in person (it is recorded who decided); without one the buttons say so.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QFont
from PySide6.QtWidgets import (
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from kamdesk.i18n import tr
from kamdesk.services.actor import Actor
from kamdesk.services.sync import ConflictView, Keep, SyncService
from kamdesk.ui.customer_file.formatting import ERROR_STYLE, NOTE_STYLE, instant
from kamdesk.ui.customer_file.record_table import RecordTable, RecordTableModel, Row
from kamdesk.ui.sync.words import (
    error_words,
    field_label,
    record_text,
    value_text,
    when_text,
    who_text,
)
from kamdesk.ui.tasks import Lane, TaskHandle, TaskRunner


class ValueCard(QGroupBox):
    """One side of a conflict: the value, who made it and when, and a button to keep it."""

    def __init__(self, title: str, button_text: str, parent: QWidget | None = None) -> None:
        super().__init__(title, parent)
        self.value_label = QLabel()
        self.value_label.setWordWrap(True)
        self.value_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        font = QFont(self.value_label.font())
        font.setPointSizeF(font.pointSizeF() * 1.2)
        font.setBold(True)
        self.value_label.setFont(font)
        self.origin_label = QLabel()
        self.origin_label.setWordWrap(True)
        self.origin_label.setStyleSheet(NOTE_STYLE)
        self.keep_button = QPushButton(button_text)
        self.keep_button.setAccessibleName(button_text)
        layout = QVBoxLayout(self)
        layout.addWidget(self.value_label)
        layout.addWidget(self.origin_label)
        layout.addWidget(self.keep_button, 0, Qt.AlignmentFlag.AlignRight)

    def show_value(
        self, value: object, here: bool, device: str | None, at: datetime | None
    ) -> None:
        self.value_label.setText(value_text(value))
        self.origin_label.setText(
            tr("Made on {who}, {when}", who=who_text(here, device), when=when_text(at))
        )


class ConflictInbox(QWidget):
    """The list of open conflicts and the chosen one's two values."""

    resolved = Signal(int)
    """Fires after a conflict was resolved and saved; carries its id."""

    def __init__(
        self, service: SyncService, runner: TaskRunner, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self._service = service
        self._runner = runner
        self._actor: Actor | None = None
        self._conflicts: dict[int, ConflictView] = {}
        self._resolving: int | None = None

        self.empty_label = QLabel(
            tr(
                "No conflicts to resolve. When two people change the same field at the "
                "same time, the value that lost waits here for you to decide."
            )
        )
        self.empty_label.setWordWrap(True)
        self.empty_label.setStyleSheet(NOTE_STYLE)
        self.table = RecordTable(RecordTableModel([tr("Record"), tr("Field"), tr("Found at")]))
        self.table.setAccessibleName(tr("Open conflicts"))

        self.title_label = QLabel()
        self.title_label.setWordWrap(True)
        title_font = QFont(self.title_label.font())
        title_font.setBold(True)
        self.title_label.setFont(title_font)
        self.kept_card = ValueCard(tr("Value in effect now"), tr("Keep this value"))
        self.lost_card = ValueCard(tr("Value that was overwritten"), tr("Use this value instead"))
        self.kept_card.keep_button.clicked.connect(lambda: self.keep("kept"))
        self.lost_card.keep_button.clicked.connect(lambda: self.keep("lost"))
        cards = QHBoxLayout()
        cards.addWidget(self.kept_card, 1)
        cards.addWidget(self.lost_card, 1)
        self.note_label = QLabel(
            tr(
                "The value you keep is sent to HQ with the next sync and reaches every "
                "colleague; the other one stays in the conflict's record."
            )
        )
        self.note_label.setWordWrap(True)
        self.note_label.setStyleSheet(NOTE_STYLE)
        self.failure_label = QLabel()
        self.failure_label.setWordWrap(True)
        self.failure_label.setStyleSheet(ERROR_STYLE)
        self.failure_label.setVisible(False)
        self.detail = QWidget()
        detail_layout = QVBoxLayout(self.detail)
        detail_layout.addWidget(self.title_label)
        detail_layout.addLayout(cards)
        detail_layout.addWidget(self.note_label)
        detail_layout.addWidget(self.failure_label)
        detail_layout.addStretch(1)

        splitter = QSplitter(Qt.Orientation.Horizontal)
        splitter.addWidget(self.table)
        splitter.addWidget(self.detail)
        splitter.setStretchFactor(0, 2)
        splitter.setStretchFactor(1, 3)
        layout = QVBoxLayout(self)
        layout.addWidget(self.empty_label)
        layout.addWidget(splitter, 1)
        self.table.selectionModel().selectionChanged.connect(self._show_selected)
        self.show_conflicts([])

    # --- showing --------------------------------------------------------------------

    def set_actor(self, actor: Actor | None) -> None:
        """Who decides; without one nobody can resolve here."""
        self._actor = actor
        self._update_buttons()

    def show_conflicts(self, conflicts: Sequence[ConflictView]) -> None:
        """Show ``conflicts`` (the open ones), keeping the selection when it is still there."""
        chosen = self.table.current_id()
        self._conflicts = {c.id: c for c in conflicts}
        self.table.records.set_rows(
            [
                Row(
                    str(c.id),
                    (record_text(c.table, c.record), field_label(c.field), instant(c.detected_at)),
                )
                for c in conflicts
            ]
        )
        self.empty_label.setVisible(not conflicts)
        ids = [str(c.id) for c in conflicts]
        if ids:
            self.table.selectRow(ids.index(chosen) if chosen in ids else 0)
        self._show_selected()

    def current(self) -> ConflictView | None:
        chosen = self.table.current_id()
        return None if chosen is None else self._conflicts.get(int(chosen))

    def _show_selected(self) -> None:
        conflict = self.current()
        self.detail.setVisible(conflict is not None)
        self.failure_label.setVisible(False)
        if conflict is not None:
            self.title_label.setText(
                tr(
                    "{record}: “{field}” was changed in two places at once.",
                    record=record_text(conflict.table, conflict.record),
                    field=field_label(conflict.field),
                )
            )
            self.kept_card.show_value(
                conflict.kept_value, conflict.kept_here, conflict.kept_by, conflict.kept_at
            )
            self.lost_card.show_value(
                conflict.lost_value, conflict.lost_here, conflict.lost_by, conflict.lost_at
            )
        self._update_buttons()

    def _update_buttons(self) -> None:
        reason = None
        if self.current() is None:
            reason = tr("Choose a conflict in the list first.")
        elif self._actor is None:
            reason = tr("Only a signed-in person can decide; nobody is signed in.")
        for card in (self.kept_card, self.lost_card):
            card.keep_button.setEnabled(reason is None)
            card.keep_button.setToolTip(reason or "")

    # --- resolving ------------------------------------------------------------------

    def keep(self, which: Keep) -> TaskHandle | None:
        """Resolve the selected conflict keeping its ``kept`` or ``lost`` value."""
        conflict, actor = self.current(), self._actor
        if conflict is None or actor is None:
            return None
        for card in (self.kept_card, self.lost_card):
            card.keep_button.setEnabled(False)
        self._resolving = conflict.id
        return self._runner.run(
            lambda progress, cancel: self._service.resolve(actor, conflict.id, which),
            title=tr("Resolving a conflict"),
            lane=Lane.WRITE,
            show_progress=False,
            parent=self,
            on_success=self._on_resolved,
            on_failure=self._failed,
        )

    def _on_resolved(self, _result: object) -> None:
        if self._resolving is not None:
            self.resolved.emit(self._resolving)
            self._resolving = None

    def _failed(self, error: BaseException) -> None:
        self.failure_label.setText(error_words(error))
        self.failure_label.setVisible(True)
        self._update_buttons()
