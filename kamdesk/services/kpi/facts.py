"""The SQL behind every KPI: one *family* per kind of row counted.

A family is a SELECT over the local database yielding one row per counted entity
(order, confirmation, step, return, complaint, account, revenue line, target) with
its id, the dimension keys (branch, grp, am, product, ws), a K14 target ``scope``, a
K13 ``bucket`` (month) and, per KPI code, a numerator and a denominator
contribution. The engine sums these columns grouped by the keys (:func:`grain_sql`)
or lists the ids behind one figure (:func:`ids_sql`): both read the same SELECT, so
the ids always explain the sums.

Parameters (bound by :mod:`kamdesk.services.kpi.params`): ``start``/``end`` of the
period as stored UTC text; ``first_month``/``after_month`` (``YYYY-MM-01``, the
month after is exclusive) and the same with ``prev_``/``year_`` for the previous and
year-before periods; ``offset`` (``+480 minutes``) turns stored UTC into Shanghai
local time; ``target_ms`` is the K03b target and ``visit_a``/``visit_b``/``visit_c``
the visit intervals of K15 in days. K03b reads the working calendar from the
connection's temporary table ``kpi_calendar`` (:func:`calendar_table_sql`).
Hazard: SQLite only (``julianday``, ``strftime``, ``json_each``).
"""

from __future__ import annotations

from dataclasses import dataclass

DIMENSIONS = ("branch", "grp", "am", "product", "ws")


@dataclass(frozen=True)
class Family:
    """``select`` yields ``id, branch, grp, am, product, ws, scope, bucket`` and, for each
    code in ``codes``, the columns ``n_<code>`` and ``d_<code>``."""

    name: str
    codes: tuple[str, ...]
    select: str


def _col(code: str) -> str:
    return code.lower()


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

COMPLETED = Family(
    "completed",
    ("K01", "K02", "K04", "K05", "K12"),
    f"""
    SELECT o.id AS id, {_ORDER_KEYS},
      CASE WHEN o.on_time = 1 THEN 1 ELSE 0 END AS n_k01, 1 AS d_k01,
      julianday(o.accepted_at) - julianday(o.issued_at) AS n_k02,
      CASE WHEN o.issued_at IS NULL THEN 0 ELSE 1 END AS d_k02,
      CASE WHEN o.return_count = 0 THEN 1 ELSE 0 END AS n_k04, 1 AS d_k04,
      CASE WHEN o.return_count > 0 THEN 1 ELSE 0 END AS n_k05, 1 AS d_k05,
      coalesce(o.satisfaction, 0) AS n_k12,
      CASE WHEN o.satisfaction IS NULL THEN 0 ELSE 1 END AS d_k12
    FROM work_orders o JOIN customers c ON c.id = o.customer_id
    WHERE o.accepted_at >= :start AND o.accepted_at < :end AND o.deleted_at IS NULL
    """,
)

CONFIRMATIONS = Family(
    "confirmations",
    ("K03a", "K03b"),
    f"""
    SELECT o.id AS id, {_ORDER_KEYS},
      (julianday(o.confirmed_at) - julianday(o.confirm_requested_at)) * 24 AS n_k03a,
      1 AS d_k03a,
      CASE
        WHEN rq.day IS NULL OR cf.day IS NULL THEN 0
        WHEN {_COUNTED.format(cal="cf", t="o.confirmed_at")}
             - {_COUNTED.format(cal="rq", t="o.confirm_requested_at")} < :target_ms THEN 1
        WHEN {_COUNTED.format(cal="cf", t="o.confirmed_at")}
             - {_COUNTED.format(cal="rq", t="o.confirm_requested_at")} = :target_ms
             AND (cf.working = 1 OR {_MS_IN_DAY.format(t="o.confirmed_at")} = 0) THEN 1
        ELSE 0 END AS n_k03b,
      1 AS d_k03b
    FROM work_orders o JOIN customers c ON c.id = o.customer_id
      LEFT JOIN temp.kpi_calendar rq ON rq.day = date(o.confirm_requested_at, :offset)
      LEFT JOIN temp.kpi_calendar cf ON cf.day = date(o.confirmed_at, :offset)
    WHERE o.confirmed_at >= :start AND o.confirmed_at < :end
      AND o.confirm_requested_at IS NOT NULL AND o.deleted_at IS NULL
    """,
)

FAULTS = Family(
    "faults",
    ("K10",),
    f"""
    SELECT o.id AS id, {_ORDER_KEYS},
      (julianday(o.restored_at) - julianday(o.reported_at)) * 24 AS n_k10, 1 AS d_k10
    FROM work_orders o JOIN customers c ON c.id = o.customer_id
    WHERE o.restored_at >= :start AND o.restored_at < :end AND o.kind = 'fault'
      AND o.reported_at IS NOT NULL AND o.deleted_at IS NULL
    """,
)

STEPS = Family(
    "steps",
    ("K06", "K07"),
    """
    SELECT s.id AS id, o.branch_id AS branch, c.industry_group_id AS grp, o.owner_id AS am,
      o.product_id AS product, s.workstation_id AS ws, NULL AS scope, NULL AS bucket,
      CASE WHEN s.return_count = 0 THEN 1 ELSE 0 END AS n_k06, 1 AS d_k06,
      0 AS n_k07, 1 AS d_k07
    FROM work_order_steps s JOIN work_orders o ON o.id = s.order_id
      JOIN customers c ON c.id = o.customer_id
    WHERE s.done_at >= :start AND s.done_at < :end AND s.deleted_at IS NULL
      AND o.deleted_at IS NULL
    """,
)

EXECUTION_ERRORS = Family(
    "execution_errors",
    ("K07",),
    """
    SELECT r.id AS id, o.branch_id AS branch, c.industry_group_id AS grp, o.owner_id AS am,
      o.product_id AS product, s.workstation_id AS ws, NULL AS scope, NULL AS bucket,
      1 AS n_k07, 0 AS d_k07
    FROM return_orders r JOIN work_orders o ON o.id = r.order_id
      JOIN customers c ON c.id = o.customer_id
      LEFT JOIN work_order_steps s ON s.id = r.step_id
    WHERE r.raised_at >= :start AND r.raised_at < :end AND r.reason = 'execution_error'
      AND r.deleted_at IS NULL AND o.deleted_at IS NULL
    """,
)

COMPLAINTS_RECEIVED = Family(
    "complaints_received",
    ("K08",),
    f"""
    SELECT k.id AS id, {_ACCOUNT_KEYS}, 1 AS n_k08, 0 AS d_k08
    FROM complaints k JOIN customers c ON c.id = k.customer_id
    WHERE k.received_at >= :start AND k.received_at < :end AND k.deleted_at IS NULL
    """,
)

COMPLAINTS_CLOSED = Family(
    "complaints_closed",
    ("K09",),
    f"""
    SELECT k.id AS id, {_ACCOUNT_KEYS},
      CASE WHEN k.followed_up_at IS NOT NULL THEN 1 ELSE 0 END AS n_k09,
      1 AS d_k09
    FROM complaints k JOIN customers c ON c.id = k.customer_id
    WHERE k.closed_at >= :start AND k.closed_at < :end AND k.deleted_at IS NULL
    """,
)

ACCOUNTS_AT_END = Family(
    "accounts_at_end",
    ("K08", "K15"),
    f"""
    SELECT c.id AS id, {_ACCOUNT_KEYS},
      0 AS n_k08, 1 AS d_k08,
      EXISTS (SELECT 1 FROM visits v WHERE v.customer_id = c.id AND v.status = 'done'
              AND v.deleted_at IS NULL AND v.done_at < :end
              AND v.done_at >= datetime(:end, '-' || (CASE c.grade WHEN 'A' THEN :visit_a
                  WHEN 'B' THEN :visit_b ELSE :visit_c END) || ' days')) AS n_k15,
      1 AS d_k15
    FROM customers c
    WHERE {_ACTIVE_AT.format(t=":end")}
    """,
)

ACCOUNTS_LEFT = Family(
    "accounts_left",
    ("K11",),
    f"""
    SELECT c.id AS id, {_ACCOUNT_KEYS}, 1 AS n_k11, 0 AS d_k11
    FROM customers c
    WHERE c.left_at >= :start AND c.left_at < :end AND c.deleted_at IS NULL
    UNION ALL
    SELECT c.id AS id, {_ACCOUNT_KEYS}, 0 AS n_k11, 1 AS d_k11
    FROM customers c
    WHERE {_ACTIVE_AT.format(t=":start")}
    """,
)

FORECASTS = Family(
    "forecasts",
    ("K13",),
    """
    SELECT o.id AS id, o.branch_id AS branch, c.industry_group_id AS grp, o.owner_id AS am,
      o.product_id AS product, NULL AS ws, NULL AS scope,
      strftime('%Y-%m', o.issued_at, :offset) AS bucket, 1 AS n_k13, 0 AS d_k13
    FROM work_orders o JOIN customers c ON c.id = o.customer_id
    WHERE o.issued_at >= :start AND o.issued_at < :end AND o.kind = 'demand'
      AND o.deleted_at IS NULL
    UNION ALL
    SELECT f.id AS id, f.branch_id AS branch, f.industry_group_id AS grp, f.owner_id AS am,
      f.product_id AS product, NULL AS ws, NULL AS scope, strftime('%Y-%m', f.month) AS bucket,
      0 AS n_k13, f.quantity AS d_k13
    FROM demand_forecasts f
    WHERE f.period = 'monthly' AND f.month >= :first_month AND f.month < :after_month
      AND f.deleted_at IS NULL
    """,
)

REVENUE = Family(
    "revenue",
    ("K14", "K16a", "K16b"),
    """
    SELECT r.id AS id, c.branch_id AS branch, c.industry_group_id AS grp, c.owner_id AS am,
      r.product_id AS product, NULL AS ws, NULL AS scope, NULL AS bucket,
      CASE WHEN (r.month >= :first_month AND r.month < :after_month) THEN r.amount
           ELSE 0 END / 100.0 AS n_k14,
      0 AS d_k14,
      (CASE WHEN (r.month >= :first_month AND r.month < :after_month) THEN r.amount ELSE 0 END
       - CASE WHEN (r.month >= :prev_first_month AND r.month < :prev_after_month) THEN r.amount
              ELSE 0 END) / 100.0 AS n_k16a,
      CASE WHEN (r.month >= :prev_first_month AND r.month < :prev_after_month) THEN r.amount
           ELSE 0 END / 100.0 AS d_k16a,
      (CASE WHEN (r.month >= :first_month AND r.month < :after_month) THEN r.amount ELSE 0 END
       - CASE WHEN (r.month >= :year_first_month AND r.month < :year_after_month) THEN r.amount
              ELSE 0 END) / 100.0 AS n_k16b,
      CASE WHEN (r.month >= :year_first_month AND r.month < :year_after_month) THEN r.amount
           ELSE 0 END / 100.0 AS d_k16b
    FROM revenue_months r JOIN customers c ON c.id = r.customer_id
    WHERE r.deleted_at IS NULL AND ((r.month >= :first_month AND r.month < :after_month)
      OR (r.month >= :prev_first_month AND r.month < :prev_after_month)
      OR (r.month >= :year_first_month AND r.month < :year_after_month))
    """,
)

TARGETS = Family(
    "targets",
    ("K14",),
    """
    SELECT t.id AS id, t.branch_id AS branch,
      CASE t.scope WHEN 'group' THEN t.scope_id WHEN 'am' THEN s.industry_group_id END AS grp,
      CASE WHEN t.scope = 'am' THEN t.scope_id END AS am,
      NULL AS product, NULL AS ws, t.scope AS scope, NULL AS bucket,
      0 AS n_k14, coalesce(t.amount, 0) / 100.0 AS d_k14
    FROM targets t LEFT JOIN staff s ON t.scope = 'am' AND s.id = t.scope_id
    WHERE t.metric = 'revenue' AND t.month >= :first_month AND t.month < :after_month
      AND t.deleted_at IS NULL
    """,
)

FAMILIES: tuple[Family, ...] = (
    COMPLETED, CONFIRMATIONS, FAULTS, STEPS, EXECUTION_ERRORS, COMPLAINTS_RECEIVED,
    COMPLAINTS_CLOSED, ACCOUNTS_AT_END, ACCOUNTS_LEFT, FORECASTS, REVENUE, TARGETS,
)  # fmt: skip


CALENDAR_TABLE = (
    "CREATE TEMP TABLE IF NOT EXISTS kpi_calendar "
    "(day TEXT PRIMARY KEY, working INTEGER NOT NULL, cum_ms INTEGER NOT NULL)"
)
"""Per day: working (0/1) and the counted milliseconds of the days before it."""


def grain_sql(family: Family) -> str:
    """Sums per finest grain: keys, scope, bucket, then ``n``/``d`` per code."""
    keys = ", ".join((*DIMENSIONS, "scope", "bucket"))
    sums = ", ".join(f"sum(n_{_col(c)}), sum(d_{_col(c)})" for c in family.codes)
    return f"SELECT {keys}, {sums} FROM ({family.select}) GROUP BY {keys}"


def ids_sql(family: Family, code: str, part: str, dimension: str | None) -> str:
    """Ids of the rows contributing to ``part`` ("n" or "d") of ``code``, optionally
    restricted to ``dimension = :key``."""
    if dimension is not None and dimension not in DIMENSIONS:
        raise ValueError(f"unknown dimension column {dimension!r}")
    where = f"{part}_{_col(code)} != 0"
    if dimension is not None:
        where += f" AND {dimension} = :key"
    return f"SELECT id FROM ({family.select}) WHERE {where} ORDER BY id"
