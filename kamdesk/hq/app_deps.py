"""Request dependencies of the HQ API: the engine, the client's versions, the device.

Every endpoint except health and register depends on :data:`CurrentDevice`, so the
protocol is checked before the token, and the token before the body is used.
"""

from __future__ import annotations

from typing import Annotated

import sqlalchemy as sa
from fastapi import Depends, Header, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer

from kamdesk.errors import KamdeskError
from kamdesk.hq import http_guards as guards
from kamdesk.hq.devices import ClientVersions, DeviceIdentity, authenticate
from kamdesk.sync.protocol import HEADER_CLIENT, HEADER_PROTOCOL, HEADER_SCHEMA

MAX_TOKEN_CHARS = 200
_bearer = HTTPBearer(auto_error=False, description="Device token from /v1/register")


def engine_of(request: Request) -> sa.Engine:
    engine: sa.Engine = request.app.state.engine
    return engine


def client_versions(
    request: Request,
    protocol: Annotated[str | None, Header(alias=HEADER_PROTOCOL)] = None,
    schema: Annotated[str | None, Header(alias=HEADER_SCHEMA)] = None,
    client: Annotated[str | None, Header(alias=HEADER_CLIENT, max_length=40)] = None,
) -> ClientVersions:
    """The versions a request names; refuses a client HQ cannot serve (426)."""
    schema_version = None if schema is None else guards.parse_version(schema, HEADER_SCHEMA)
    return guards.check_versions(
        guards.parse_version(protocol),
        schema_version,
        client,
        request.app.state.min_protocol,
    )


Versions = Annotated[ClientVersions, Depends(client_versions)]


def current_device(
    request: Request,
    versions: Versions,
    credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)],
) -> DeviceIdentity:
    """The device behind ``Authorization: Bearer <token>``; its branch is the scope."""
    if credentials is None or not credentials.credentials:
        raise KamdeskError("auth.missing")
    token = credentials.credentials
    if len(token) > MAX_TOKEN_CHARS:
        raise KamdeskError("auth.unknown_token")
    return authenticate(engine_of(request), token, versions)


CurrentDevice = Annotated[DeviceIdentity, Depends(current_device)]
