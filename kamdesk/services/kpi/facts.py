"""The SQL behind every KPI: one *family* per kind of row counted.

A family is a SELECT over the local database yielding one row per counted entity
(order, confirmation, step, return, complaint, account, revenue line, target) with
its id, ``at`` (what places the row in time), the dimension keys (branch, grp, am,
product, ws), a K14 target ``scope``, a K13 ``bucket`` (month) and, per code, a
numerator and a denominator contribution. Every contribution is an INTEGER
(durations in milliseconds, money in fen; :attr:`KpiDef.scale` converts after
summing), so sums are exact whatever order they are added in.

The same family rows feed three readers, so they can never disagree:
- :func:`grain_sql`: sums per finest grain for a period (the raw engine);
- :func:`ids_sql`: the ids behind one figure;
- :mod:`kamdesk.services.kpi.summary`: the monthly summary table (rows restricted
  to changed subjects, or all rows for a rebuild).

A family's :class:`Span` says how a period selects rows: ``INSTANT`` families by a
stored instant in [start, end), ``MONTH`` families by a month date, ``STATE``
families describe accounts at one instant (``:end`` or ``:start``; the summary
evaluates them at every month boundary of ``temp.kpi_bounds``).

Parameters (bound by :mod:`kamdesk.services.kpi.params`): ``start``/``end`` of the
period as stored UTC text; ``first_month``/``after_month`` (``YYYY-MM-01``, the
month after is exclusive) and the same with ``prev_``/``year_`` for the previous and
year-before periods; ``offset`` (``+480 minutes``) turns stored UTC into Shanghai
local time; ``target_ms`` is the K03b target and ``visit_a``/``visit_b``/``visit_c``
the visit intervals of K15 in days. K03b reads the working calendar from the
connection's temporary table ``kpi_calendar`` (:data:`CALENDAR_TABLE`).
The counted table is always the outer loop (``CROSS JOIN`` fixes SQLite's join
order): a period reads it through its time index, a subject through its id, a
rebuild scans it once and looks its account up by key.
Hazard: SQLite only (``julianday``, ``strftime``, ``CROSS JOIN`` ordering).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from enum import StrEnum

DIMENSIONS = ("branch", "grp", "am", "product", "ws")


class Span(StrEnum):
    INSTANT = "instant"  # ``at`` is a stored instant
    MONTH = "month"  # ``at`` is a month's first day (DATE text)
    STATE = "state"  # accounts at one instant
    FIXED = "fixed"  # the template carries its own period filter (raw engine only)


@dataclass(frozen=True)
class Family:
    """``template`` yields ``id, at, branch, grp, am, product, ws, scope, bucket`` and, for
    each code in ``codes``, the columns ``n_<code>`` and ``d_<code>``.

    Placeholders: ``{where}`` (the period or subject filter), ``{scan}`` after the
    counted table (its index hint; not in ``STATE`` templates) and, for ``STATE``
    families, ``{t}`` (the instant), ``{month}`` (the ``at`` column) and ``{source}``
    (what the accounts are joined to). ``subject`` is the kind of changed entity
    (order, complaint, account, revenue, forecast, target) whose rows the family
    recounts, and the id column that selects them."""

    name: str
    codes: tuple[str, ...]
    template: str
    span: Span
    at: str = ""
    subject: tuple[str, str] = ("", "")
    instant: str = ":end"

    @property
    def select(self) -> str:
        """The rows of the period the bound parameters describe."""
        if self.span is Span.INSTANT:
            where = f"{self.at} >= :start AND {self.at} < :end"
        elif self.span is Span.MONTH:
            where = f"{self.at} >= :first_month AND {self.at} < :after_month"
        else:
            where = "1"
        return self.template.format(where=where, t=self.instant, month="NULL", source="", scan="")

    def rows(self, where: str) -> str:
        """Every row of the family matching ``where`` (summary readers; ``STATE``
        families once per boundary of ``temp.kpi_bounds``). For ``where`` = ``"1"``
        (a full recount) the counted table is read in storage order (``NOT INDEXED``):
        a walk along one of its indexes would fetch every row out of order."""
        if self.span is Span.STATE:
            return self.template.format(
                where=where, t="b.at", month="b.month", source="temp.kpi_bounds b JOIN"
            )
        return self.template.format(
            where=f"{self.at} IS NOT NULL AND ({where})",
            scan="NOT INDEXED" if where == "1" else "",
        )


def code_column(code: str) -> str:
    return code.lower()


def ms_between(later: str, earlier: str) -> str:
    """SQL: whole milliseconds from ``earlier`` to ``later`` (stored instants)."""
    return f"CAST(round((julianday({later}) - julianday({earlier})) * 86400000) AS INTEGER)"


_ORDER_KEYS = "o.branch_id AS branch, c.industry_group_id AS grp, o.owner_id AS am, " \
    "o.product_id AS product, NULL AS ws, NULL AS scope, NULL AS bucket"  # fmt: skip
_ACCOUNT_KEYS = "c.branch_id AS branch, c.industry_group_id AS grp, c.owner_id AS am, " \
    "NULL AS product, NULL AS ws, NULL AS scope, NULL AS bucket"  # fmt: skip
_ACTIVE_AT = "c.opened_at < {t} AND (c.left_at IS NULL OR c.left_at > {t}) AND c.deleted_at IS NULL"
_MS_IN_DAY = (
    "CAST(round((strftime('%H', {t}, :offset) * 3600 + strftime('%M', {t}, :offset) * 60"
    " + strftime('%f', {t}, :offset)) * 1000) AS INTEGER)"
)
_COUNTED = "({cal}.cum_ms + {cal}.working * " + _MS_IN_DAY + ")"
_BY_ORDER = ("order", "o.id")
_BY_COMPLAINT = ("complaint", "k.id")
_BY_ACCOUNT = ("account", "c.id")

COMPLETED = Family(
    "completed",
    ("K01", "K02", "K04", "K05", "K12"),
    f"""
    SELECT o.id AS id, o.accepted_at AS at, {_ORDER_KEYS},
      CASE WHEN o.on_time = 1 THEN 1 ELSE 0 END AS n_k01, 1 AS d_k01,
      {ms_between("o.accepted_at", "o.issued_at")} AS n_k02,
      CASE WHEN o.issued_at IS NULL THEN 0 ELSE 1 END AS d_k02,
      CASE WHEN o.return_count = 0 THEN 1 ELSE 0 END AS n_k04, 1 AS d_k04,
      CASE WHEN o.return_count > 0 THEN 1 ELSE 0 END AS n_k05, 1 AS d_k05,
      coalesce(o.satisfaction, 0) AS n_k12,
      CASE WHEN o.satisfaction IS NULL THEN 0 ELSE 1 END AS d_k12
    FROM work_orders o {{scan}} CROSS JOIN customers c ON c.id = o.customer_id
    WHERE {{where}} AND o.deleted_at IS NULL
    """,
    Span.INSTANT,
    "o.accepted_at",
    _BY_ORDER,
)

CONFIRMATIONS = Family(
    "confirmations",
    ("K03a", "K03b"),
    f"""
    SELECT o.id AS id, o.confirmed_at AS at, {_ORDER_KEYS},
      {ms_between("o.confirmed_at", "o.confirm_requested_at")} AS n_k03a, 1 AS d_k03a,
      CASE
        WHEN rq.day IS NULL OR cf.day IS NULL THEN 0
        WHEN {_COUNTED.format(cal="cf", t="o.confirmed_at")}
             - {_COUNTED.format(cal="rq", t="o.confirm_requested_at")} < :target_ms THEN 1
        WHEN {_COUNTED.format(cal="cf", t="o.confirmed_at")}
             - {_COUNTED.format(cal="rq", t="o.confirm_requested_at")} = :target_ms
             AND (cf.working = 1 OR {_MS_IN_DAY.format(t="o.confirmed_at")} = 0) THEN 1
        ELSE 0 END AS n_k03b,
      1 AS d_k03b
    FROM work_orders o {{scan}} CROSS JOIN customers c ON c.id = o.customer_id
      LEFT JOIN temp.kpi_calendar rq ON rq.day = date(o.confirm_requested_at, :offset)
      LEFT JOIN temp.kpi_calendar cf ON cf.day = date(o.confirmed_at, :offset)
    WHERE {{where}} AND o.confirm_requested_at IS NOT NULL AND o.deleted_at IS NULL
    """,
    Span.INSTANT,
    "o.confirmed_at",
    _BY_ORDER,
)

FAULTS = Family(
    "faults",
    ("K10",),
    f"""
    SELECT o.id AS id, o.restored_at AS at, {_ORDER_KEYS},
      {ms_between("o.restored_at", "o.reported_at")} AS n_k10, 1 AS d_k10
    FROM work_orders o {{scan}} CROSS JOIN customers c ON c.id = o.customer_id
    WHERE {{where}} AND o.kind = 'fault' AND o.reported_at IS NOT NULL
      AND o.deleted_at IS NULL
    """,
    Span.INSTANT,
    "o.restored_at",
    _BY_ORDER,
)

STEPS = Family(
    "steps",
    ("K06", "K07"),
    """
    SELECT s.id AS id, s.done_at AS at, o.branch_id AS branch, c.industry_group_id AS grp,
      o.owner_id AS am, o.product_id AS product, s.workstation_id AS ws, NULL AS scope,
      NULL AS bucket,
      CASE WHEN s.return_count = 0 THEN 1 ELSE 0 END AS n_k06, 1 AS d_k06,
      0 AS n_k07, 1 AS d_k07
    FROM work_order_steps s {scan} CROSS JOIN work_orders o ON o.id = s.order_id
      CROSS JOIN customers c ON c.id = o.customer_id
    WHERE {where} AND s.deleted_at IS NULL AND o.deleted_at IS NULL
    """,
    Span.INSTANT,
    "s.done_at",
    ("order", "s.order_id"),
)

EXECUTION_ERRORS = Family(
    "execution_errors",
    ("K07",),
    """
    SELECT r.id AS id, r.raised_at AS at, o.branch_id AS branch, c.industry_group_id AS grp,
      o.owner_id AS am, o.product_id AS product, s.workstation_id AS ws, NULL AS scope,
      NULL AS bucket, 1 AS n_k07, 0 AS d_k07
    FROM return_orders r {scan} CROSS JOIN work_orders o ON o.id = r.order_id
      CROSS JOIN customers c ON c.id = o.customer_id
      LEFT JOIN work_order_steps s ON s.id = r.step_id
    WHERE {where} AND r.reason = 'execution_error' AND r.deleted_at IS NULL
      AND o.deleted_at IS NULL
    """,
    Span.INSTANT,
    "r.raised_at",
    ("order", "r.order_id"),
)

COMPLAINTS_RECEIVED = Family(
    "complaints_received",
    ("K08",),
    f"""
    SELECT k.id AS id, k.received_at AS at, {_ACCOUNT_KEYS}, 1 AS n_k08, 0 AS d_k08
    FROM complaints k {{scan}} CROSS JOIN customers c ON c.id = k.customer_id
    WHERE {{where}} AND k.deleted_at IS NULL
    """,
    Span.INSTANT,
    "k.received_at",
    _BY_COMPLAINT,
)

COMPLAINTS_CLOSED = Family(
    "complaints_closed",
    ("K09",),
    f"""
    SELECT k.id AS id, k.closed_at AS at, {_ACCOUNT_KEYS},
      CASE WHEN k.followed_up_at IS NOT NULL THEN 1 ELSE 0 END AS n_k09, 1 AS d_k09
    FROM complaints k {{scan}} CROSS JOIN customers c ON c.id = k.customer_id
    WHERE {{where}} AND k.deleted_at IS NULL
    """,
    Span.INSTANT,
    "k.closed_at",
    _BY_COMPLAINT,
)


def _accounts_at(columns: str) -> str:
    return f"""
    SELECT c.id AS id, {{month}} AS at, {_ACCOUNT_KEYS}, {columns}
    FROM {{source}} customers c
    WHERE {_ACTIVE_AT.format(t="{t}")} AND {{where}}
    """


ACCOUNTS_AT_END = Family(
    "accounts_at_end",
    ("K08", "K15"),
    _accounts_at(
        """0 AS n_k08, 1 AS d_k08,
      EXISTS (SELECT 1 FROM visits v WHERE v.customer_id = c.id AND v.status = 'done'
              AND v.deleted_at IS NULL AND v.done_at < {t}
              AND v.done_at >= datetime({t}, '-' || (CASE c.grade WHEN 'A' THEN :visit_a
                  WHEN 'B' THEN :visit_b ELSE :visit_c END) || ' days')) AS n_k15,
      1 AS d_k15"""
    ),
    Span.STATE,
    subject=_BY_ACCOUNT,
)

ACTIVE_AT_START = Family(
    "active_at_start",
    ("K11",),
    _accounts_at("0 AS n_k11, 1 AS d_k11"),
    Span.STATE,
    subject=_BY_ACCOUNT,
    instant=":start",
)

ACCOUNTS_LEFT = Family(
    "accounts_left",
    ("K11",),
    f"""
    SELECT c.id AS id, c.left_at AS at, {_ACCOUNT_KEYS}, 1 AS n_k11, 0 AS d_k11
    FROM customers c {{scan}}
    WHERE {{where}} AND c.deleted_at IS NULL
    """,
    Span.INSTANT,
    "c.left_at",
    _BY_ACCOUNT,
)

FORECAST_ACTUALS = Family(
    "forecast_actuals",
    ("K13",),
    """
    SELECT o.id AS id, o.issued_at AS at, o.branch_id AS branch, c.industry_group_id AS grp,
      o.owner_id AS am, o.product_id AS product, NULL AS ws, NULL AS scope,
      strftime('%Y-%m', o.issued_at, :offset) AS bucket, 1 AS n_k13, 0 AS d_k13
    FROM work_orders o {scan} CROSS JOIN customers c ON c.id = o.customer_id
    WHERE {where} AND o.kind = 'demand' AND o.deleted_at IS NULL
    """,
    Span.INSTANT,
    "o.issued_at",
    _BY_ORDER,
)

FORECAST_PLANS = Family(
    "forecast_plans",
    ("K13",),
    """
    SELECT f.id AS id, f.month AS at, f.branch_id AS branch, f.industry_group_id AS grp,
      f.owner_id AS am, f.product_id AS product, NULL AS ws, NULL AS scope,
      strftime('%Y-%m', f.month) AS bucket, 0 AS n_k13, f.quantity AS d_k13
    FROM demand_forecasts f {scan}
    WHERE {where} AND f.period = 'monthly' AND f.deleted_at IS NULL
    """,
    Span.MONTH,
    "f.month",
    ("forecast", "f.id"),
)

REVENUE_LINES = Family(
    "revenue_lines",
    ("REV",),
    """
    SELECT r.id AS id, r.month AS at, c.branch_id AS branch, c.industry_group_id AS grp,
      c.owner_id AS am, r.product_id AS product, NULL AS ws, NULL AS scope, NULL AS bucket,
      r.amount AS n_rev, 0 AS d_rev
    FROM revenue_months r {scan} CROSS JOIN customers c ON c.id = r.customer_id
    WHERE {where} AND r.deleted_at IS NULL
    """,
    Span.MONTH,
    "r.month",
    ("revenue", "r.id"),
)
"""Revenue (fen) per line and month: the summary's ``REV`` rows, K14's numerator and
K16's parts."""


def _in_months(prefix: str, column: str = "at") -> str:
    return f"({column} >= :{prefix}first_month AND {column} < :{prefix}after_month)"


_CURRENT, _PREVIOUS, _YEAR = (f"CASE WHEN {_in_months(p)} THEN n_rev ELSE 0 END"
                              for p in ("", "prev_", "year_"))  # fmt: skip

REVENUE = Family(
    "revenue",
    ("K14", "K16a", "K16b"),
    f"""
    SELECT id, at, branch, grp, am, product, ws, scope, bucket,
      {_CURRENT} AS n_k14, 0 AS d_k14,
      {_CURRENT} - {_PREVIOUS} AS n_k16a, {_PREVIOUS} AS d_k16a,
      {_CURRENT} - {_YEAR} AS n_k16b, {_YEAR} AS d_k16b
    FROM ({REVENUE_LINES.rows(
        " OR ".join(_in_months(p, "r.month") for p in ("", "prev_", "year_"))
    )})
    """,
    Span.FIXED,
)

TARGETS = Family(
    "targets",
    ("K14",),
    """
    SELECT t.id AS id, t.month AS at, t.branch_id AS branch,
      CASE t.scope WHEN 'group' THEN t.scope_id WHEN 'am' THEN s.industry_group_id END AS grp,
      CASE WHEN t.scope = 'am' THEN t.scope_id END AS am,
      NULL AS product, NULL AS ws, t.scope AS scope, NULL AS bucket,
      0 AS n_k14, coalesce(t.amount, 0) AS d_k14
    FROM targets t {scan} LEFT JOIN staff s ON t.scope = 'am' AND s.id = t.scope_id
    WHERE {where} AND t.metric = 'revenue' AND t.deleted_at IS NULL
    """,
    Span.MONTH,
    "t.month",
    ("target", "t.id"),
)

FAMILIES: tuple[Family, ...] = (
    COMPLETED, CONFIRMATIONS, FAULTS, STEPS, EXECUTION_ERRORS, COMPLAINTS_RECEIVED,
    COMPLAINTS_CLOSED, ACCOUNTS_AT_END, ACCOUNTS_LEFT, ACTIVE_AT_START, FORECAST_ACTUALS,
    FORECAST_PLANS, REVENUE, TARGETS,
)  # fmt: skip
"""What the raw engine sums for a period."""

SUMMARY_FAMILIES: tuple[Family, ...] = (
    COMPLETED, CONFIRMATIONS, FAULTS, STEPS, EXECUTION_ERRORS, COMPLAINTS_RECEIVED,
    COMPLAINTS_CLOSED, ACCOUNTS_AT_END, ACCOUNTS_LEFT, FORECAST_ACTUALS, FORECAST_PLANS,
    REVENUE_LINES, TARGETS,
)  # fmt: skip
"""What the summary table holds per month (K11's denominator is ``ACCOUNTS_AT_END``'s
active count at the period's first boundary; K14/K16 are composed from ``REV``)."""


CALENDAR_TABLE = (
    "CREATE TEMP TABLE IF NOT EXISTS kpi_calendar "
    "(day TEXT PRIMARY KEY, working INTEGER NOT NULL, cum_ms INTEGER NOT NULL)"
)
"""Per day: working (0/1) and the counted milliseconds of the days before it."""


def grain_sql(family: Family) -> str:
    """Sums per finest grain: keys, scope, bucket, then ``n``/``d`` per code."""
    keys = ", ".join((*DIMENSIONS, "scope", "bucket"))
    sums = ", ".join(f"sum(n_{code_column(c)}), sum(d_{code_column(c)})" for c in family.codes)
    return f"SELECT {keys}, {sums} FROM ({family.select}) GROUP BY {keys}"


def ids_sql(
    family: Family, code: str, part: str, dimension: str | None, within: Sequence[str] = ()
) -> str:
    """Ids of the rows contributing to ``part`` ("n" or "d") of ``code``, optionally
    restricted to ``dimension = :key`` and to ``column = :in_<column>`` for each
    column of ``within`` (a reader's rows)."""
    for column in (dimension, *within):
        if column is not None and column not in DIMENSIONS:
            raise ValueError(f"unknown dimension column {column!r}")
    where = f"{part}_{code_column(code)} != 0"
    if dimension is not None:
        where += f" AND {dimension} = :key"
    where += "".join(f" AND {column} = :in_{column}" for column in within)
    return f"SELECT id FROM ({family.select}) WHERE {where} ORDER BY id"
