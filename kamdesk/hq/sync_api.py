"""The sync endpoints of the HQ API: push, pull, blobs, missing rows and the audit head
(see SYNC.md, :mod:`kamdesk.sync.messages` and :mod:`kamdesk.hq.tombstones`).

Every endpoint acts for the device behind the bearer token; the branch scope comes
from that token alone and every transaction is scoped to it (row-level security on
PostgreSQL, the service's own ``branch_id`` filters everywhere).
"""

from __future__ import annotations

import hashlib
import re
from typing import Annotated, Any

import sqlalchemy as sa
from fastapi import FastAPI, Query, Request, Response
from sqlalchemy.orm import Session
from starlette.concurrency import run_in_threadpool

from kamdesk.errors import KamdeskError
from kamdesk.hq import pull_page, rowstore, tombstones
from kamdesk.hq.api_models import (
    AuditHeadIn,
    AuditHeadOut,
    BlobOut,
    ErrorOut,
    MissingRowsIn,
    MissingRowsOut,
    PullOut,
    PushIn,
    PushOut,
)
from kamdesk.hq.app_deps import CurrentDevice, engine_of
from kamdesk.hq.audit_heads import record_head
from kamdesk.hq.database import scope_to_branch
from kamdesk.hq.devices import DeviceIdentity
from kamdesk.hq.models import Device, SyncBlob
from kamdesk.hq.push import push_batch
from kamdesk.sync.messages import MAX_PULL_LIMIT, AuditHeadReport, PushOp, PushRequest
from kamdesk.sync.protocol import API_PREFIX

SHA256 = re.compile(r"^[0-9a-f]{64}$")
DEFAULT_PULL_LIMIT = 500
_COMMON: dict[int | str, dict[str, Any]] = {
    status: {"model": ErrorOut} for status in (400, 401, 413, 422, 426, 500)
}


def _push(request: Request, body: PushIn, device: CurrentDevice) -> dict[str, Any]:
    batch = PushRequest(
        batch_id=body.batch_id,
        batch_seq=body.batch_seq,
        ops=tuple(
            PushOp(o.seq, o.table, o.row_id, o.op, o.payload, o.base_version, o.hlc)
            for o in body.ops
        ),
    )
    return push_batch(engine_of(request), device, batch)


def _pull(
    request: Request,
    device: CurrentDevice,
    cursor: Annotated[int, Query(ge=0)] = 0,
    limit: Annotated[int, Query(ge=1, le=MAX_PULL_LIMIT)] = DEFAULT_PULL_LIMIT,
    snapshot: Annotated[bool, Query()] = False,
    held_from: Annotated[int | None, Query(ge=1)] = None,
    held_to: Annotated[int | None, Query(ge=0)] = None,
) -> Response:
    """A :class:`PullOut` body, built as bytes (:mod:`kamdesk.hq.pull_page`).

    ``held_from``/``held_to``: the device's acknowledged batches whose rows it still
    holds; new rows those batches stored as sent are left out (never in a snapshot).
    """
    held = rowstore.NOTHING_HELD
    if held_from is not None and held_to is not None and not snapshot:
        held = rowstore.Held(device.device_id, held_from, held_to)
    with Session(engine_of(request)) as session, session.begin():
        scope_to_branch(session, device.branch_id)
        purged = tombstones.check_cursor(session, device.branch_id, cursor, snapshot=snapshot)
        # the head first: every change numbered up to it has committed, so the page
        # (read after it) holds them all; a last page may then move the cursor to the
        # head over numbers whose rows are gone (purged tombstones)
        top = rowstore.head(session, device.branch_id)
        changes, last, more = pull_page.page_json(session, device.branch_id, cursor, limit, held)
        reached = cursor if last is None else last
        if not more:
            reached = max(reached, top)
        session.execute(  # for sync health; no write when the cursor did not move
            sa.update(Device)
            .where(
                Device.id == device.device_id,
                sa.or_(Device.pulled_cursor.is_(None), Device.pulled_cursor < reached),
            )
            .values(pulled_cursor=reached)
        )
    body = pull_page.page_body(
        changes, cursor=reached, more=more, head=max(top, reached), horizon=purged
    )
    return Response(content=body, media_type="application/json")


def _missing_rows(request: Request, body: MissingRowsIn, device: CurrentDevice) -> dict[str, Any]:
    with Session(engine_of(request)) as session, session.begin():
        scope_to_branch(session, device.branch_id)
        missing = tombstones.missing_rows(session, device.branch_id, body.table, body.ids)
    return {"table": body.table, "missing": missing}


def _audit_head(request: Request, body: AuditHeadIn, device: CurrentDevice) -> dict[str, Any]:
    report = AuditHeadReport(body.seq, body.mac, body.anchor_seq, body.anchor_mac)
    return record_head(engine_of(request), device, report)


def _checked_name(sha256: str) -> str:
    if not SHA256.match(sha256):
        raise KamdeskError("request.invalid", detail="a blob is named by 64 lowercase hex digits")
    return sha256


def _store_blob(engine: sa.Engine, device: DeviceIdentity, sha256: str, data: bytes) -> None:
    with Session(engine) as session, session.begin():
        scope_to_branch(session, device.branch_id)
        if session.get(SyncBlob, (device.branch_id, sha256)) is None:
            session.add(
                SyncBlob(branch_id=device.branch_id, sha256=sha256, size=len(data), data=data)
            )


def _load_blob(engine: sa.Engine, device: DeviceIdentity, sha256: str) -> bytes:
    with Session(engine) as session, session.begin():
        scope_to_branch(session, device.branch_id)
        blob = session.get(SyncBlob, (device.branch_id, sha256))
        if blob is None:
            raise KamdeskError("blob.not_found", sha256=sha256)
        return bytes(blob.data)


async def _put_blob(request: Request, sha256: str, device: CurrentDevice) -> BlobOut:
    name = _checked_name(sha256)
    data = await request.body()
    if hashlib.sha256(data).hexdigest() != name:
        raise KamdeskError("blob.hash_mismatch")
    await run_in_threadpool(_store_blob, engine_of(request), device, name, data)
    return BlobOut(sha256=name, size=len(data))


def _get_blob(request: Request, sha256: str, device: CurrentDevice) -> Response:
    data = _load_blob(engine_of(request), device, _checked_name(sha256))
    return Response(content=data, media_type="application/octet-stream")


def add_sync_routes(app: FastAPI) -> None:
    app.add_api_route(
        f"{API_PREFIX}/push",
        _push,
        methods=["POST"],
        response_model=PushOut,
        responses={**_COMMON, 409: {"model": ErrorOut}},
        summary="Apply a frozen batch of changes once; replays answer the same",
    )
    app.add_api_route(
        f"{API_PREFIX}/pull",
        _pull,
        methods=["GET"],
        response_model=PullOut,
        responses={**_COMMON, 410: {"model": ErrorOut}},
        summary="The branch's changes after a cursor, in commit order",
    )
    app.add_api_route(
        f"{API_PREFIX}/missing-rows",
        _missing_rows,
        methods=["POST"],
        response_model=MissingRowsOut,
        responses=_COMMON,
        summary="Which of these rows HQ no longer holds (after a re-snapshot)",
    )
    app.add_api_route(
        f"{API_PREFIX}/audit-head",
        _audit_head,
        methods=["POST"],
        response_model=AuditHeadOut,
        responses={**_COMMON, 409: {"model": ErrorOut}},
        summary="Record the device's audit chain head; say if it went backwards or forked",
    )
    app.add_api_route(
        f"{API_PREFIX}/blobs/{{sha256}}",
        _put_blob,
        methods=["PUT"],
        response_model=BlobOut,
        responses=_COMMON,
        summary="Store bytes under their SHA-256 (a retry is free)",
    )
    app.add_api_route(
        f"{API_PREFIX}/blobs/{{sha256}}",
        _get_blob,
        methods=["GET"],
        responses={**_COMMON, 404: {"model": ErrorOut}},
        response_class=Response,
        summary="The bytes stored under a SHA-256",
    )
