"""A pull page as response bytes, built without decoding the stored rows (the pull's hot path).

A change reads exactly as :func:`kamdesk.hq.rowstore.change_wire` of
:func:`~kamdesk.hq.rowstore.as_change` writes it: the same keys and values, key order
and spacing aside (JSON objects are unordered). On PostgreSQL the stored documents come
back as their JSON text and are spliced into each change as they are: no
``json.loads``/``json.dumps`` round trip and no response-model pass over thousands of
rows (a page of 500 customers is about 3.5 MB). On SQLite each row goes through
``as_change`` and :func:`json.dumps`.

Hazard: the splice relies on PostgreSQL's ``jsonb`` text form (an object is ``{…}``
with nothing after its closing brace); stored keys the change sets itself
(:data:`SET_KEYS`) are taken out in SQL first, as ``as_change`` overrides them.
"""

from __future__ import annotations

import json

import sqlalchemy as sa
from sqlalchemy.orm import Session

from kamdesk.hq import rowstore
from kamdesk.sync.policies import Policy, policy_of

SET_KEYS = ("id", "row_version", "updated_hlc", "field_hlc")
"""Payload keys a change sets from the row's own columns (they win over stored ones)."""

_KEYS = "ARRAY[" + ", ".join(f"'{k}'" for k in SET_KEYS) + "]"
_PG_PAGE = sa.text(  # texts made for the page's rows only (the planner may sort them all)
    "SELECT change_seq, to_json(table_name)::text, table_name, to_json(row_id)::text,"
    " row_version, to_json(hlc)::text, deleted,"
    f" CASE WHEN payload ?| {_KEYS} THEN (payload - {_KEYS})::text ELSE payload::text END,"
    " field_hlc::text, field_versions::text"
    " FROM (SELECT * FROM sync_rows WHERE branch_id = :branch AND change_seq > :cursor"
    " AND (held_batch_seq IS NULL OR origin_device_id IS DISTINCT FROM :device"
    " OR held_batch_seq NOT BETWEEN :held_from AND :held_to)"
    " ORDER BY change_seq LIMIT :limit) AS page ORDER BY change_seq"
)


def page_json(
    session: Session,
    branch_id: str,
    cursor: int,
    limit: int,
    held: rowstore.Held = rowstore.NOTHING_HELD,
) -> tuple[list[str], int | None, bool]:
    """The branch's changes after ``cursor`` in changelog order (at most ``limit``, each
    one JSON object's text; ``held`` rows left out), the number of the last one (None:
    none) and whether more follow."""
    if session.get_bind().dialect.name != "postgresql":
        rows, more = rowstore.page(session, branch_id, cursor, limit, held)
        changes = [rowstore.change_wire(rowstore.as_change(row)) for row in rows]
        last = changes[-1]["seq"] if changes else None
        return [json.dumps(c, ensure_ascii=False) for c in changes], last, more
    found = session.execute(
        _PG_PAGE,
        {"branch": branch_id, "cursor": cursor, "limit": limit + 1, "device": held.device_id,
         "held_from": held.first, "held_to": held.last},
    ).all()  # fmt: skip
    more = len(found) > limit
    found = found[:limit]
    return [_spliced(*row) for row in found], (found[-1][0] if found else None), more


def _spliced(
    seq: int,
    table_json: str,
    table: str,
    row_id_json: str,
    version: int,
    hlc_json: str,
    deleted: bool,
    payload: str,
    field_hlc: str,
    field_versions: str,
) -> str:
    own = f'"id": {row_id_json}, "row_version": {version}, "updated_hlc": {hlc_json}'
    if policy_of(table) is Policy.FIELD_LWW:
        own += f', "field_hlc": {field_hlc}'
    stored = payload[:-1].rstrip()  # "{…" without its closing brace
    merged = f"{{{own}}}" if stored == "{" else f"{stored}, {own}}}"
    flag = "true" if deleted else "false"
    return (
        f'{{"seq": {seq}, "table": {table_json}, "row_id": {row_id_json}, '
        f'"row_version": {version}, "hlc": {hlc_json}, "deleted": {flag}, '
        f'"payload": {merged}, "field_hlc": {field_hlc}, "field_versions": {field_versions}}}'
    )


def page_body(changes: list[str], *, cursor: int, more: bool, head: int, horizon: int) -> bytes:
    """The pull response (:class:`kamdesk.hq.api_models.PullOut`) as UTF-8 JSON."""
    tail = json.dumps({"cursor": cursor, "more": more, "head": head, "horizon": horizon})
    return "".join(('{"changes": [', ", ".join(changes), "], ", tail[1:])).encode()
