"""Explanations (:class:`Reason`) as the customer file stores them in JSON columns.

The stored form is ``[{"code": ..., "params": {name: text}}, ...]`` — the form the
demo generator writes too — with every parameter as text, so a ``Decimal`` keeps its
exact digits. Reading back gives the texts; :func:`describe` formats them as they are.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from kamdesk.domain.customers.reasons import Reason, reason


def reasons_to_json(reasons: Iterable[Reason]) -> list[dict[str, Any]]:
    return [{"code": r.code, "params": {k: str(v) for k, v in r.params.items()}} for r in reasons]


def reasons_from_json(stored: object) -> tuple[Reason, ...]:
    """The reasons of a stored column; anything not in the stored form is skipped."""
    if not isinstance(stored, list):
        return ()
    out: list[Reason] = []
    for item in stored:
        if not isinstance(item, dict) or not isinstance(item.get("code"), str):
            continue
        params = item.get("params")
        values = params if isinstance(params, dict) else {}
        out.append(reason(item["code"], **{str(k): str(v) for k, v in values.items()}))
    return tuple(out)
