"""设置: database file, HQ address and registration, language, Excel import, demo data,
and where the log is.

The database file and HQ address are saved with the Save button (which says why it
is disabled); a new database file takes effect the next time KAMDesk starts. The
language applies at once: the page only announces the choice, the window rebuilds.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QFileDialog,
    QGroupBox,
    QHBoxLayout,
    QLineEdit,
    QPushButton,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from kamdesk.i18n import LANGUAGES, current_language, tr
from kamdesk.ui.form_parts import message_label, set_message, settings_form, stack
from kamdesk.ui.page_header import PageHeader
from kamdesk.ui.preferences import Preferences, hq_url_problem

ERROR_STYLE = "color: #b3261e;"
NOTE_STYLE = "color: #5b6775;"


def database_path_problem(text: str) -> str | None:
    """Why ``text`` cannot be a database file (translated), or None; empty means default."""
    text = text.strip()
    if not text:
        return None
    path = Path(text).expanduser()
    if not path.is_absolute():
        return tr("Give the full path of the file, for example D:\\KAMDesk\\kamdesk.sqlite")
    if path.is_dir():
        return tr("This is a folder. Choose or type a file name inside it.")
    return None


class SettingsPage(QWidget):
    """Edits :class:`Preferences`; announces language and demo-data requests."""

    language_chosen = Signal(str)
    """Fires when the user picks another interface language; carries its code."""
    demo_requested = Signal()
    """Fires when the user clicks "Generate demo data…"."""
    registration_requested = Signal()
    """Fires when the user clicks "Register this computer…" (the sync page has the form)."""
    import_requested = Signal()
    """Fires when the user clicks "Import key accounts from Excel…"."""
    saved = Signal()
    """Fires after the database file and HQ address were written to the preferences."""

    def __init__(
        self,
        prefs: Preferences,
        *,
        database_in_use: str,
        default_database: Path,
        log_file: Path | None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self._prefs = prefs
        self._default_database = default_database
        self.header = PageHeader(tr("Settings"))

        # --- database -----------------------------------------------------------
        self.db_in_use_field = _path_field(database_in_use or tr("(in memory)"))
        self.db_edit = QLineEdit(str(prefs.database_path or ""))
        self.db_edit.setPlaceholderText(tr("Default: {path}", path=str(default_database)))
        self.db_edit.textChanged.connect(self._update_state)
        self.db_edit.editingFinished.connect(self._show_db_problem)
        self.db_browse = QPushButton(tr("Choose…"))
        self.db_browse.clicked.connect(self._choose_database)
        db_row = QHBoxLayout()
        db_row.addWidget(self.db_edit, 1)
        db_row.addWidget(self.db_browse)
        self.db_problem = message_label(ERROR_STYLE, hidden=True)
        db_note = message_label(NOTE_STYLE)
        db_note.setText(
            tr(
                "A new database file takes effect the next time KAMDesk starts. Keep it on "
                "this computer's local disk; a file that does not exist yet is created empty."
            )
        )
        db_form = settings_form()
        db_form.addRow(tr("In use now:"), self.db_in_use_field)
        db_form.addRow(
            tr("Database file:"), stack(db_row, self.db_problem, db_note, expanding=True)
        )
        db_group = QGroupBox(tr("Database"))
        db_group.setLayout(db_form)

        # --- HQ -----------------------------------------------------------------
        self.hq_edit = QLineEdit(prefs.hq_url)
        self.hq_edit.setPlaceholderText("https://hq.example.cn")
        self.hq_edit.textChanged.connect(self._update_state)
        self.hq_edit.editingFinished.connect(self._show_hq_problem)
        self.hq_problem = message_label(ERROR_STYLE, hidden=True)
        hq_note = message_label(NOTE_STYLE)
        hq_note.setText(tr("The address of the head-office sync service, given by IT."))
        hq_form = settings_form()
        hq_form.addRow(
            tr("HQ address:"), stack(self.hq_edit, self.hq_problem, hq_note, expanding=True)
        )
        self.register_button = QPushButton(tr("Register this computer…"))
        self.register_button.clicked.connect(self.registration_requested)
        hq_form.addRow(tr("This computer:"), stack(_left(self.register_button), expanding=True))
        hq_group = QGroupBox(tr("Sync with head office"))
        hq_group.setLayout(hq_form)

        # --- save ---------------------------------------------------------------
        self.save_button = QPushButton(tr("Save"))
        self.save_button.setDefault(True)
        self.save_button.clicked.connect(self.save)
        self.save_reason = message_label(NOTE_STYLE)
        save_row = QHBoxLayout()
        save_row.addStretch(1)
        save_row.addWidget(self.save_reason)
        save_row.addWidget(self.save_button)

        # --- language -----------------------------------------------------------
        self.language_combo = QComboBox()
        self.language_combo.setMaximumWidth(260)
        for code, name in LANGUAGES.items():
            self.language_combo.addItem(name, code)
        self.language_combo.setCurrentIndex(self.language_combo.findData(current_language()))
        self.language_combo.activated.connect(self._on_language_activated)
        language_note = message_label(NOTE_STYLE)
        language_note.setText(tr("The whole window switches at once; the choice is remembered."))
        language_form = settings_form()
        language_form.addRow(
            tr("Language:"), stack(self.language_combo, language_note, expanding=True)
        )
        language_group = QGroupBox(tr("Language"))
        language_group.setLayout(language_form)

        # --- demo data ----------------------------------------------------------
        demo_note = message_label(NOTE_STYLE)
        demo_note.setText(
            tr(
                "Fills a NEW database file with invented key accounts, staff and work "
                "orders for training and trying KAMDesk. The database in use is not touched."
            )
        )
        self.demo_button = QPushButton(tr("Generate demo data…"))
        self.demo_button.clicked.connect(self.demo_requested)
        demo_row = QHBoxLayout()
        demo_row.addWidget(demo_note, 1)
        demo_row.addWidget(self.demo_button, 0, Qt.AlignmentFlag.AlignTop)
        demo_group = QGroupBox(tr("Demo data"))
        demo_group.setLayout(demo_row)

        # --- key accounts from Excel ----------------------------------------------
        import_note = message_label(NOTE_STYLE)
        import_note.setText(tr("Adds key accounts from an Excel sheet; you see a preview first."))
        self.import_button = QPushButton(tr("Import key accounts from Excel…"))
        self.import_button.clicked.connect(self.import_requested)
        import_row = QHBoxLayout()
        import_row.addWidget(import_note, 1)
        import_row.addWidget(self.import_button, 0, Qt.AlignmentFlag.AlignTop)
        import_group = QGroupBox(tr("Key accounts"))
        import_group.setLayout(import_row)

        # --- log ----------------------------------------------------------------
        log_label = _path_field(str(log_file) if log_file else tr("(not written to a file)"))
        log_form = settings_form()
        log_form.addRow(tr("Log file:"), log_label)
        log_group = QGroupBox(tr("Support"))
        log_group.setLayout(log_form)

        content = QWidget()
        body = self._body = QVBoxLayout(content)
        body.setContentsMargins(20, 4, 20, 20)
        body.setSpacing(12)
        for widget in (db_group, hq_group):
            body.addWidget(widget)
        body.addLayout(save_row)
        for widget in (language_group, import_group, demo_group, log_group):
            body.addWidget(widget)
        body.addStretch(1)
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QScrollArea.Shape.NoFrame)
        scroll.setWidget(content)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.header)
        layout.addWidget(scroll, 1)
        self._update_state()

    # --- behaviour ------------------------------------------------------------------

    def save(self) -> None:
        """Write the database file and HQ address; does nothing while one is invalid."""
        if self._blocking_reason() is not None:
            return
        db_text = self.db_edit.text().strip()
        self._prefs.database_path = Path(db_text).expanduser() if db_text else None
        self._prefs.hq_url = self.hq_edit.text().strip()
        self._update_state()
        self.save_reason.setText(tr("Saved."))
        self.saved.emit()

    def add_section(self, widget: QWidget) -> None:
        """Show ``widget`` (a group box built by the window) below the other groups."""
        self._body.insertWidget(self._body.count() - 1, widget)

    def set_database_choice(self, path: Path) -> None:
        """Put ``path`` in the database field (not yet saved)."""
        self.db_edit.setText(str(path))

    def _blocking_reason(self) -> str | None:
        if database_path_problem(self.db_edit.text()) is not None:
            return tr("Correct the database file first.")
        if hq_url_problem(self.hq_edit.text()) is not None:
            return tr("Correct the HQ address first.")
        if not self._changed():
            return tr("Nothing changed.")
        return None

    def _changed(self) -> bool:
        db_text = self.db_edit.text().strip()
        stored_db = str(self._prefs.database_path or "")
        return db_text != stored_db or self.hq_edit.text().strip() != self._prefs.hq_url

    def _update_state(self) -> None:
        reason = self._blocking_reason()
        self.save_button.setEnabled(reason is None)
        self.save_button.setToolTip(reason or "")
        self.save_reason.setText(reason or "")
        # A problem already shown disappears as soon as the text is fixed.
        if self.hq_problem.text() and hq_url_problem(self.hq_edit.text()) is None:
            set_message(self.hq_problem, "")
        if self.db_problem.text() and database_path_problem(self.db_edit.text()) is None:
            set_message(self.db_problem, "")

    def _show_hq_problem(self) -> None:
        set_message(self.hq_problem, hq_url_problem(self.hq_edit.text()) or "")

    def _show_db_problem(self) -> None:
        set_message(self.db_problem, database_path_problem(self.db_edit.text()) or "")

    def _choose_database(self) -> None:
        start = Path(self.db_edit.text().strip() or self._default_database)
        path, _ = QFileDialog.getSaveFileName(
            self,
            tr("Choose the database file"),
            str(start),
            tr("KAMDesk database (*.sqlite);;All files (*)"),
            options=QFileDialog.Option.DontConfirmOverwrite,
        )
        if path:
            self.db_edit.setText(path)
            self._show_db_problem()

    def _on_language_activated(self, index: int) -> None:
        code = self.language_combo.itemData(index)
        if isinstance(code, str) and code != current_language():
            self.language_chosen.emit(code)


def _left(button: QPushButton) -> QHBoxLayout:
    row = QHBoxLayout()
    row.addWidget(button)
    row.addStretch(1)
    return row


def _path_field(text: str) -> QLineEdit:
    """A file path shown whole: read-only, selectable, scrolls instead of wrapping."""
    field = QLineEdit(text)
    field.setReadOnly(True)
    field.setFrame(False)
    field.setStyleSheet("background: transparent;")
    field.setCursorPosition(0)
    return field
