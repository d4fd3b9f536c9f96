"""Step 1: the interface language, applied and remembered at once (Settings has it too)."""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QButtonGroup, QRadioButton, QVBoxLayout, QWidget

from kamdesk.i18n import LANGUAGES, current_language, tr
from kamdesk.ui.first_run.step import StepPage, note_label
from kamdesk.ui.language import LanguageSwitcher
from kamdesk.ui.preferences import Preferences


class LanguagePage(StepPage):
    """One radio button per language, each named in its own language."""

    language_chosen = Signal(str)
    """Fires after another language was applied and remembered; carries its code."""

    def __init__(
        self, prefs: Preferences, switcher: LanguageSwitcher, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self._prefs = prefs
        self._switcher = switcher
        self.group = QButtonGroup(self)
        self.buttons: dict[str, QRadioButton] = {}
        layout = QVBoxLayout(self)
        for code, name in LANGUAGES.items():
            button = QRadioButton(name)
            button.setChecked(code == current_language())
            button.toggled.connect(lambda on, code=code: on and self._choose(code))
            self.group.addButton(button)
            self.buttons[code] = button
            layout.addWidget(button)
        self.note = note_label()
        layout.addSpacing(8)
        layout.addWidget(self.note)
        layout.addStretch(1)
        self.retranslate()

    def retranslate(self) -> None:
        self.setTitle(tr("Welcome to KAMDesk"))
        self.setSubTitle(tr("Choose the language of the program."))
        self.note.setText(tr("You can change the language later in Settings."))
        for code, button in self.buttons.items():
            button.setAccessibleName(tr("Language: {name}", name=LANGUAGES[code]))

    def initializePage(self) -> None:
        self.buttons[current_language()].setFocus()

    def _choose(self, code: str) -> None:
        if code == current_language():
            return
        self._prefs.language = code
        self._switcher.apply(code)
        self.language_chosen.emit(code)
