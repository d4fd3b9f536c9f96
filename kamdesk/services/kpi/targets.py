"""KPI targets as HQ publishes them in the ``targets`` reference rows, for a period and
one dimension key.

A row whose ``metric`` is a KPI code (``K01``…) holds the target in ``ratio``, in the
KPI's own unit (0.95 for 95 %, 3.5 days, 4.5 points), or else in ``amount`` (the
convention of :mod:`kamdesk.domain.evaluation`). Scope ``branch`` answers the total and
a branch, ``group`` an industry group, ``am`` an account manager; workstations and
products have none. The ``revenue`` rows are K14's denominator, not a KPI target
(:func:`kamdesk.domain.evaluation.target_of` turns them into K14's 100 %).

Hazard: a ratio cannot be added up over months, so a period of several months takes,
per KPI, the target of its latest month that has one. The total of a database holding
several branches takes the branch targets of the highest branch id.
"""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from kamdesk.db.models import Target
from kamdesk.domain.kpi.definitions import KPI_BY_CODE
from kamdesk.domain.kpi.figures import NO_KEY, TARGET_SCOPE, Dimension
from kamdesk.domain.kpi.period import Period


def kpi_targets(
    session: Session, period: Period, dimension: Dimension = Dimension.TOTAL, key: str = NO_KEY
) -> dict[str, float]:
    """``{code: target}`` for ``dimension = key`` in ``period`` (the total ignores ``key``)."""
    scope = TARGET_SCOPE.get(dimension)
    if scope is None:
        return {}
    query = (
        select(Target.metric, Target.ratio, Target.amount)
        .where(
            Target.scope == scope,
            Target.metric.in_(list(KPI_BY_CODE)),
            Target.month.in_(period.months()),
            Target.deleted_at.is_(None),
        )
        .order_by(Target.month, Target.scope_id)
    )
    if dimension is not Dimension.TOTAL:
        query = query.where(Target.scope_id == key)
    found: dict[str, float] = {}
    for metric, ratio, amount in session.execute(query):
        value = ratio if ratio is not None else amount
        if value is not None:
            found[metric] = float(value)
    return found
