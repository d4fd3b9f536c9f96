"""The HQ HTTP API (FastAPI): ``create_app(db_url)`` builds it; ``kamdesk-hq serve`` runs it.

Endpoints (all under ``/v1``; OpenAPI at ``/openapi.json``):
- ``GET /v1/health`` — no version header or token needed (for load balancers);
- ``POST /v1/register`` — one-time code → device token bound to the code's branch;
- ``GET /v1/whoami`` — the device and branch behind the bearer token;
- ``POST /v1/push``, ``GET /v1/pull``, ``PUT|GET /v1/blobs/{sha256}``,
  ``POST /v1/audit-head`` — sync (:mod:`kamdesk.hq.sync_api`).

Every other request names its protocol in ``X-Kamdesk-Protocol`` (checked before the
token and before the body). The app is stateless: run replicas over one database.
It does not migrate; ``kamdesk-hq serve`` does that first.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

import sqlalchemy as sa
from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException

import kamdesk
from kamdesk.errors import KamdeskError
from kamdesk.hq import http_guards as guards
from kamdesk.hq.api_models import ErrorOut, HealthOut, RegisterIn, RegisterOut, WhoAmIOut
from kamdesk.hq.app_deps import CurrentDevice, Versions, engine_of
from kamdesk.hq.database import serving_engine
from kamdesk.hq.devices import register_device
from kamdesk.hq.sync_api import add_sync_routes
from kamdesk.sync.protocol import (
    API_PREFIX,
    HEADER_PROTOCOL,
    MIN_PROTOCOL_VERSION,
    MIN_SCHEMA_VERSION,
    PROTOCOL_VERSION,
    SCHEMA_VERSION,
)

_ERRORS: dict[int | str, dict[str, Any]] = {
    status: {"model": ErrorOut} for status in (400, 401, 413, 422, 426, 500)
}


def _health(request: Request) -> HealthOut | JSONResponse:
    try:
        with engine_of(request).connect() as conn:
            conn.execute(sa.text("SELECT 1"))
    except sa.exc.SQLAlchemyError:
        guards.log.exception("health check: database unreachable")
        return guards.error_response("server.unavailable")
    return HealthOut(
        status="ok",
        protocol=PROTOCOL_VERSION,
        min_protocol=request.app.state.min_protocol,
        schema=SCHEMA_VERSION,
        min_schema=MIN_SCHEMA_VERSION,
    )


def _register(request: Request, body: RegisterIn, versions: Versions) -> RegisterOut:
    checked = guards.check_versions(
        body.protocol, body.schema_, versions.client, request.app.state.min_protocol
    )
    if body.protocol != versions.protocol:
        raise KamdeskError("request.invalid", detail=f"protocol differs from {HEADER_PROTOCOL}")
    done = register_device(engine_of(request), body.code, body.device_name, checked)
    who = done.identity
    return RegisterOut(
        device_id=who.device_id,
        token=done.token,
        branch_code=who.branch_code,
        branch_name=who.branch_name,
    )


def _whoami(device: CurrentDevice) -> WhoAmIOut:
    return WhoAmIOut(
        device_id=device.device_id,
        device_name=device.device_name,
        branch_code=device.branch_code,
        branch_name=device.branch_name,
    )


def create_app(
    db_url: str,
    *,
    min_protocol: int = MIN_PROTOCOL_VERSION,
    max_body_bytes: int = guards.DEFAULT_MAX_BODY_BYTES,
) -> FastAPI:
    """The HQ API over the (already migrated) database at ``db_url``."""
    engine = serving_engine(db_url)

    @asynccontextmanager
    async def lifespan(_app: FastAPI) -> AsyncIterator[None]:
        yield
        engine.dispose()

    app = FastAPI(
        title="KAMDesk HQ",
        version=getattr(kamdesk, "__version__", "0"),
        description="Branch desktops register here and sync with HQ.",
        openapi_url="/openapi.json",
        docs_url="/docs",
        redoc_url=None,
        lifespan=lifespan,
    )
    app.state.engine = engine
    app.state.min_protocol = min_protocol
    app.add_middleware(guards.BodySizeLimit, max_bytes=max_body_bytes)
    app.add_exception_handler(KamdeskError, guards.on_kamdesk_error)
    app.add_exception_handler(RequestValidationError, guards.on_validation_error)
    app.add_exception_handler(StarletteHTTPException, guards.on_http_error)
    app.add_exception_handler(Exception, guards.on_unexpected_error)

    app.add_api_route(
        f"{API_PREFIX}/health",
        _health,
        methods=["GET"],
        response_model=HealthOut,
        responses={503: {"model": ErrorOut}},
        summary="Is HQ up and its database reachable",
    )
    app.add_api_route(
        f"{API_PREFIX}/register",
        _register,
        methods=["POST"],
        response_model=RegisterOut,
        responses={**_ERRORS, 403: {"model": ErrorOut}, 409: {"model": ErrorOut}},
        summary="Trade a one-time registration code for a device token",
    )
    app.add_api_route(
        f"{API_PREFIX}/whoami",
        _whoami,
        methods=["GET"],
        response_model=WhoAmIOut,
        responses=_ERRORS,
        summary="The device and branch behind the bearer token",
    )
    add_sync_routes(app)
    return app
