"""Errors that carry a code and parameters; words come from the catalog when shown.

Layers below the UI raise ``KamdeskError(code, **params)``. The UI, CLI and reports
call :meth:`KamdeskError.message` to get the text in the user's language, so the
same failure reads the same everywhere. Each area registers its codes with
:func:`define` at import time; an unknown code still shows its code and parameters.
"""

from __future__ import annotations

from collections.abc import Mapping

from kamdesk.i18n import tr

_MESSAGES: dict[str, str] = {}


def define(messages: Mapping[str, str]) -> None:
    """Register ``code → English template`` pairs (templates marked with ``N_``)."""
    for code, template in messages.items():
        if _MESSAGES.get(code, template) != template:
            raise ValueError(f"error code {code!r} defined twice with different text")
        _MESSAGES[code] = template


def message_template(code: str) -> str | None:
    return _MESSAGES.get(code)


class KamdeskError(Exception):
    """A failure a person can act on. ``code`` is stable; ``params`` fill the text."""

    def __init__(self, code: str, **params: object) -> None:
        super().__init__(code)
        self.code = code
        self.params = params

    def message(self) -> str:
        template = _MESSAGES.get(self.code)
        if template is None:
            details = ", ".join(f"{k}={v}" for k, v in self.params.items())
            return f"{self.code} ({details})" if details else self.code
        return tr(template, **self.params)

    def __str__(self) -> str:
        return self.message()
