"""One translation catalog for every layer (domain, services, reports, UI, CLI).

Source strings are English; Simplified Chinese (``zh_CN``) is the shipped default and
complete. Strings are marked with :func:`tr` (translate now) or :func:`N_` (mark for
extraction, translate later, e.g. module-level tables). Nothing is installed into
builtins.

Guarantee: a translation whose ``{fields}`` do not match its source never raises at
run time; the English source is formatted instead (a test keeps that from happening).
"""

from __future__ import annotations

import gettext
import threading
from collections.abc import Mapping
from pathlib import Path
from typing import Any

DOMAIN = "kamdesk"
LOCALE_DIR = Path(__file__).resolve().parent / "locale"
LANGUAGES = {"zh_CN": "简体中文", "en": "English"}
DEFAULT_LANGUAGE = "zh_CN"

_lock = threading.Lock()
_language = DEFAULT_LANGUAGE
_catalog: gettext.NullTranslations = gettext.NullTranslations()


def _load(language: str) -> gettext.NullTranslations:
    if language == "en":
        return gettext.NullTranslations()
    return gettext.translation(DOMAIN, LOCALE_DIR, languages=[language], fallback=True)


def set_language(language: str) -> None:
    """Switch every later :func:`tr` call to ``language`` (``zh_CN`` or ``en``)."""
    global _catalog, _language
    if language not in LANGUAGES:
        language = DEFAULT_LANGUAGE
    with _lock:
        _catalog = _load(language)
        _language = language


def current_language() -> str:
    return _language


def N_(message: str) -> str:
    """Mark ``message`` for extraction without translating it yet."""
    return message


def tr(message: str, /, **params: object) -> str:
    """Translate ``message`` into the current language and fill its ``{fields}``."""
    text = _catalog.gettext(message)
    if not params:
        return text
    try:
        return text.format(**params)
    except (KeyError, IndexError, ValueError):
        return message.format(**params)


def label(labels: Mapping[Any, str], code: str) -> str:
    """The translated label of ``code`` in an N_-marked table (StrEnum keys match a
    code); an unknown code is shown as it is."""
    text = labels.get(code)
    return tr(text) if text is not None else code


def ntr(singular: str, plural: str, n: int, /, **params: object) -> str:
    """Plural-aware :func:`tr`; ``n`` is also available as ``{n}``."""
    text = _catalog.ngettext(singular, plural, n)
    try:
        return text.format(n=n, **params)
    except (KeyError, IndexError, ValueError):
        return (singular if n == 1 else plural).format(n=n, **params)


set_language(DEFAULT_LANGUAGE)
