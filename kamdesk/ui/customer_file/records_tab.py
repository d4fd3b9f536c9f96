"""The shape of a customer-file tab that lists one kind of record: a row of buttons
(新增 first) above a :class:`RecordTable`, dialogs that reload the file once they saved,
and writes of their own that do the same.

Guarantees: :attr:`RecordsTab.by_id` holds the records shown; the buttons are brought
up to date (:meth:`RecordsTab._update_buttons`) whenever the records, the selection or
whether the file may be edited change. Hazard: the last dialog opened is kept in
:attr:`RecordsTab.dialog` until the next one replaces it.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Generic, Protocol, TypeVar

from PySide6.QtWidgets import QHBoxLayout, QPushButton, QVBoxLayout, QWidget

from kamdesk.ui.customer_file.context import FileContext
from kamdesk.ui.customer_file.edit_dialog import EditDialog
from kamdesk.ui.customer_file.record_table import RecordTable, RecordTableModel, Row
from kamdesk.ui.tasks import Lane


class Record(Protocol):
    @property
    def id(self) -> str: ...


RecordT = TypeVar("RecordT", bound=Record)


class RecordsTab(QWidget, Generic[RecordT]):
    """Subclasses make their other buttons, then call :meth:`_lay_out`; they show
    records with :meth:`_show` and extend :meth:`_update_buttons` for buttons that
    depend on the selected record."""

    def __init__(
        self,
        context: FileContext,
        *,
        headers: Sequence[str],
        name: str,
        add_text: str,
        right_aligned: frozenset[int] = frozenset(),
        parent: QWidget | None = None,
    ) -> None:
        """``name`` is the table's accessible name, ``add_text`` the 新增 button's."""
        super().__init__(parent)
        self.context = context
        self.by_id: dict[str, RecordT] = {}
        self.dialog: EditDialog | None = None
        self.editable = True
        self.table = RecordTable(RecordTableModel(headers, right_aligned))
        self.table.setAccessibleName(name)
        self.table.selectionModel().selectionChanged.connect(self._update_buttons)
        self.add_button = QPushButton(add_text)

    def _lay_out(
        self, *buttons: QWidget, body: QWidget | None = None, trailing: QWidget | None = None
    ) -> None:
        """The add button and ``buttons`` on the left, ``trailing`` on the right, and
        below them ``body`` (the table when None) taking the rest of the height."""
        row = QHBoxLayout()
        for widget in (self.add_button, *buttons):
            row.addWidget(widget)
        row.addStretch(1)
        if trailing is not None:
            row.addWidget(trailing)
        layout = QVBoxLayout(self)
        layout.addLayout(row)
        layout.addWidget(self.table if body is None else body, 1)
        self._update_buttons()

    def set_editable(self, editable: bool) -> None:
        self.editable = editable
        self._update_buttons()

    def _update_buttons(self) -> None:
        """Enable what the file being editable and the selected record allow."""
        self.add_button.setEnabled(self.editable)

    def selected(self) -> RecordT | None:
        """The record of the selected row, or None."""
        return self.by_id.get(self.table.current_id() or "")

    def _show(
        self, records: Sequence[RecordT], cells: Callable[[RecordT], tuple[str, ...]]
    ) -> None:
        """Show ``records`` in this order, each row's texts made by ``cells``."""
        self.by_id = {r.id: r for r in records}
        self.table.records.set_rows([Row(r.id, cells(r)) for r in records])
        self._update_buttons()

    def _open(self, dialog: EditDialog) -> None:
        """Open ``dialog``; the file reloads once it saved."""
        self.dialog = dialog
        dialog.saved.connect(lambda _result: self.context.reload())
        dialog.open()

    def _write(self, title: str, work: Callable[[str], object]) -> None:
        """Run ``work(customer_id)`` on the writer lane, then reload the file."""
        context, customer_id = self.context, self.context.require_id()
        context.runner.run(
            lambda progress, cancel: work(customer_id),
            title=title,
            lane=Lane.WRITE,
            show_progress=False,
            on_success=lambda _result: context.reload(),
            parent=self,
        )
