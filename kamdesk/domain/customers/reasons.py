"""Explanations as data: a reason is a stable code plus the parameters of its sentence.

The grading and churn engines return reasons instead of text so that screens, reports
and the HQ service render the same explanation in the reader's language. Every code
has an English template registered here (marked with ``N_`` for the catalog);
:func:`describe` fills it. Guarantee: an unknown code still renders (as the code and
its parameters) rather than raising, so an old client never fails on a newer reason.
"""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal
from types import MappingProxyType
from typing import NamedTuple

from kamdesk.i18n import tr

ReasonParam = str | int | Decimal


class Reason(NamedTuple):
    """One line of an explanation: ``(code, params)``."""

    code: str
    params: Mapping[str, ReasonParam]


def reason(code: str, **params: ReasonParam) -> Reason:
    """A :class:`Reason` whose parameters cannot be changed afterwards."""
    return Reason(code, MappingProxyType(dict(params)))


_TEMPLATES: dict[str, str] = {}


def define_reasons(templates: Mapping[str, str]) -> None:
    """Register ``code → English template``; a code may not change its text."""
    for code, template in templates.items():
        if _TEMPLATES.get(code, template) != template:
            raise ValueError(f"reason code {code!r} defined twice with different text")
        _TEMPLATES[code] = template


def reason_template(code: str) -> str | None:
    return _TEMPLATES.get(code)


def describe(reason: Reason) -> str:
    """The reason as a sentence in the current language."""
    template = _TEMPLATES.get(reason.code)
    if template is None:
        details = ", ".join(f"{k}={v}" for k, v in reason.params.items())
        return f"{reason.code} ({details})" if details else reason.code
    return tr(template, **reason.params)
