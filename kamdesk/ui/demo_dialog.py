"""Asks where and how much demo data to generate; only ever a NEW file."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from kamdesk.i18n import tr

DEFAULT_ACCOUNTS = 3000
DEFAULT_ORDERS = 30000
MAX_ACCOUNTS = 200_000
MAX_ORDERS = 2_000_000


@dataclass(frozen=True)
class DemoRequest:
    """What the user asked for: a new file and the size and seed of the data."""

    path: Path
    accounts: int
    orders: int
    seed: int


def demo_path_problem(text: str, database_in_use: str) -> str | None:
    """Why ``text`` cannot receive demo data (translated), or None."""
    text = text.strip()
    if not text:
        return tr("Choose a file name for the new demo database.")
    path = Path(text).expanduser()
    if not path.is_absolute():
        return tr("Give the full path of the file, for example D:\\KAMDesk\\demo.sqlite")
    if database_in_use and path.absolute() == Path(database_in_use).absolute():
        return tr("This is the database in use. Demo data only goes into a new file.")
    if path.exists():
        return tr("This file already exists. Demo data only goes into a new file.")
    return None


class DemoDataDialog(QDialog):
    """File, number of accounts and orders, seed; Generate stays disabled with a reason."""

    def __init__(
        self, *, suggested_path: Path, database_in_use: str, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self._in_use = database_in_use
        self.setWindowTitle(tr("Generate demo data"))
        self.setMinimumWidth(520)

        self.path_edit = QLineEdit(str(suggested_path))
        self.path_edit.textChanged.connect(self._update_state)
        browse = QPushButton(tr("Choose…"))
        browse.clicked.connect(self._choose_file)
        path_row = QHBoxLayout()
        path_row.addWidget(self.path_edit, 1)
        path_row.addWidget(browse)

        self.accounts_spin = _spin(1, MAX_ACCOUNTS, DEFAULT_ACCOUNTS)
        self.orders_spin = _spin(0, MAX_ORDERS, DEFAULT_ORDERS)
        self.seed_spin = _spin(1, 2_147_483_647, 1)
        self.seed_spin.setGroupSeparatorShown(False)
        self.seed_spin.setToolTip(tr("The same seed gives the same data."))

        form = QFormLayout()
        form.setLabelAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        form.addRow(tr("New database file *:"), path_row)
        form.addRow(tr("Key accounts:"), self.accounts_spin)
        form.addRow(tr("Work orders:"), self.orders_spin)
        form.addRow(tr("Seed:"), self.seed_spin)

        self.problem_label = QLabel()
        self.problem_label.setWordWrap(True)
        self.problem_label.setStyleSheet("color: #b3261e;")
        note = QLabel(
            tr(
                "The data is invented. The database in use is not changed; you can switch "
                "to the new file in Settings afterwards."
            )
        )
        note.setWordWrap(True)
        note.setStyleSheet("color: #5b6775;")

        self.buttons = QDialogButtonBox()
        self.generate_button = self.buttons.addButton(
            tr("Generate"), QDialogButtonBox.ButtonRole.AcceptRole
        )
        self.buttons.addButton(tr("Cancel"), QDialogButtonBox.ButtonRole.RejectRole)
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)

        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.problem_label)
        layout.addWidget(note)
        layout.addWidget(self.buttons)
        self.path_edit.setFocus()
        self._update_state()

    def request(self) -> DemoRequest:
        return DemoRequest(
            path=Path(self.path_edit.text().strip()).expanduser().absolute(),
            accounts=self.accounts_spin.value(),
            orders=self.orders_spin.value(),
            seed=self.seed_spin.value(),
        )

    def accept(self) -> None:
        if self._update_state():
            super().accept()

    def _update_state(self) -> bool:
        problem = demo_path_problem(self.path_edit.text(), self._in_use)
        self.problem_label.setText(problem or "")
        self.generate_button.setEnabled(problem is None)
        self.generate_button.setToolTip(problem or "")
        return problem is None

    def _choose_file(self) -> None:
        path, _ = QFileDialog.getSaveFileName(
            self,
            tr("New demo database file"),
            self.path_edit.text(),
            tr("KAMDesk database (*.sqlite);;All files (*)"),
            options=QFileDialog.Option.DontConfirmOverwrite,
        )
        if path:
            self.path_edit.setText(path)


def _spin(low: int, high: int, value: int) -> QSpinBox:
    spin = QSpinBox()
    spin.setRange(low, high)
    spin.setValue(value)
    spin.setGroupSeparatorShown(True)
    spin.setAlignment(Qt.AlignmentFlag.AlignRight)
    spin.setMinimumWidth(140)
    return spin
