"""Switching the interface language: the app's own catalog and Qt's standard dialogs.

Qt's ``qtbase_<lang>`` translations (the 是/否/取消 buttons of standard dialogs, file
dialogs, context menus of text fields) are loaded from ``QLibraryInfo``'s translations
folder. A missing Qt translation is logged and tolerated: the app's own strings still
follow the language.

Hazard: widgets already built keep their text; whoever switches must rebuild them
(the main window does).
"""

from __future__ import annotations

import logging

from PySide6.QtCore import QCoreApplication, QLibraryInfo, QLocale, QTranslator

from kamdesk.i18n import current_language, set_language

log = logging.getLogger(__name__)

QT_CATALOGS = ("qtbase",)


class LanguageSwitcher:
    """Owns the installed Qt translators; one per application."""

    def __init__(self) -> None:
        self._translators: list[QTranslator] = []

    @property
    def language(self) -> str:
        return current_language()

    def apply(self, language: str) -> None:
        """Make ``language`` (``zh_CN`` or ``en``) current for kamdesk and Qt."""
        set_language(language)
        app = QCoreApplication.instance()
        for translator in self._translators:
            if app is not None:
                QCoreApplication.removeTranslator(translator)
        self._translators.clear()
        language = current_language()
        QLocale.setDefault(QLocale(language if language != "en" else "en_US"))
        if language == "en" or app is None:
            return
        folder = QLibraryInfo.path(QLibraryInfo.LibraryPath.TranslationsPath)
        for catalog in QT_CATALOGS:
            translator = QTranslator()
            if translator.load(f"{catalog}_{language}", folder):
                QCoreApplication.installTranslator(translator)
                self._translators.append(translator)
            else:
                log.warning("Qt translation %s_%s not found in %s", catalog, language, folder)

    def qt_catalogs_loaded(self) -> int:
        return len(self._translators)
