"""The user's choices that outlive a run: database file, HQ address, language, window layout.

Stored with ``QSettings`` under organization and application "KAMDesk", in
``QSettings.defaultFormat()`` (the registry on Windows, an INI file elsewhere; tests
point the INI format at a temporary folder). Values read back are checked, so a
hand-edited or foreign value falls back to the default instead of failing start-up.
"""

from __future__ import annotations

from pathlib import Path
from urllib.parse import urlsplit

from PySide6.QtCore import QByteArray, QSettings

from kamdesk.i18n import DEFAULT_LANGUAGE, LANGUAGES, tr

ORGANIZATION = "KAMDesk"
APPLICATION = "KAMDesk"

KEY_DATABASE = "database/path"
KEY_HQ_URL = "sync/hq_url"
KEY_LANGUAGE = "ui/language"
KEY_GEOMETRY = "window/geometry"
KEY_STATE = "window/state"
KEY_PAGE = "window/page"


def open_settings() -> QSettings:
    """The app's settings store in the current default format."""
    return QSettings(
        QSettings.defaultFormat(), QSettings.Scope.UserScope, ORGANIZATION, APPLICATION
    )


def hq_url_problem(text: str) -> str | None:
    """Why ``text`` is not a usable HQ address (translated), or None if it is.

    Empty means "not set" and is fine. Otherwise a full ``https://`` (or ``http://``)
    address with a host name is needed, without spaces.
    """
    text = text.strip()
    if not text:
        return None
    if any(ch.isspace() for ch in text):
        return tr("The address must not contain spaces.")
    try:
        parts = urlsplit(text)
        port = parts.port  # raises ValueError for a bad port
    except ValueError:
        return tr("The port number is not valid. Example: https://hq.example.cn:8443")
    if parts.scheme not in ("http", "https"):
        return tr("Start the address with https://, for example https://hq.example.cn")
    if not parts.hostname:
        return tr("The address needs a server name, for example https://hq.example.cn")
    if port == 0:
        return tr("The port number is not valid. Example: https://hq.example.cn:8443")
    return None


class Preferences:
    """Typed access to the settings store; every setter writes through at once."""

    def __init__(self, settings: QSettings | None = None) -> None:
        self._s = settings if settings is not None else open_settings()

    @property
    def store(self) -> QSettings:
        return self._s

    def reset(self) -> None:
        """Forget every stored choice (``kamdesk`` started with reset_settings)."""
        self._s.clear()
        self._s.sync()

    def sync(self) -> None:
        self._s.sync()

    @property
    def database_path(self) -> Path | None:
        """The chosen database file, or None for the default place."""
        value = self._s.value(KEY_DATABASE, "")
        return Path(value) if isinstance(value, str) and value.strip() else None

    @database_path.setter
    def database_path(self, path: Path | None) -> None:
        if path is None:
            self._s.remove(KEY_DATABASE)
        else:
            self._s.setValue(KEY_DATABASE, str(path))
        self._s.sync()

    @property
    def hq_url(self) -> str:
        value = self._s.value(KEY_HQ_URL, "")
        return value.strip() if isinstance(value, str) else ""

    @hq_url.setter
    def hq_url(self, url: str) -> None:
        if hq_url_problem(url) is not None:
            raise ValueError(f"not a valid HQ address: {url!r}")
        self._s.setValue(KEY_HQ_URL, url.strip())
        self._s.sync()

    @property
    def language(self) -> str:
        value = self._s.value(KEY_LANGUAGE, DEFAULT_LANGUAGE)
        return value if isinstance(value, str) and value in LANGUAGES else DEFAULT_LANGUAGE

    @language.setter
    def language(self, language: str) -> None:
        if language not in LANGUAGES:
            raise ValueError(f"unknown language {language!r}")
        self._s.setValue(KEY_LANGUAGE, language)
        self._s.sync()

    def window_layout(self) -> tuple[QByteArray | None, QByteArray | None, int]:
        """``(geometry, state, page index)`` as saved by :meth:`save_window_layout`."""
        geometry = self._s.value(KEY_GEOMETRY)
        state = self._s.value(KEY_STATE)
        page = self._s.value(KEY_PAGE, 0)
        try:
            page_index = int(page) if isinstance(page, int | str) else 0
        except ValueError:
            page_index = 0
        return (
            geometry if isinstance(geometry, QByteArray) else None,
            state if isinstance(state, QByteArray) else None,
            page_index,
        )

    def save_window_layout(self, geometry: QByteArray, state: QByteArray, page: int) -> None:
        self._s.setValue(KEY_GEOMETRY, geometry)
        self._s.setValue(KEY_STATE, state)
        self._s.setValue(KEY_PAGE, page)
        self._s.sync()
