"""The HQ API's outer walls: body size limit, version checks, and uniform JSON errors.

Guarantees:
- Every refusal is JSON ``{"code", "message", "params"}`` with an English message; no
  stack trace, SQL or exception text ever reaches the client (it goes to the log).
- A body larger than the limit is refused with 413 before any of it is parsed,
  whether the client declares its length or streams it chunked.
- A client older than HQ's minimum protocol or schema gets 426 and a plain message.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable, Mapping, MutableMapping
from typing import Any

from fastapi import Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException

from kamdesk.errors import KamdeskError, message_template
from kamdesk.hq.devices import ClientVersions
from kamdesk.sync.protocol import (
    HEADER_PROTOCOL,
    MIN_PROTOCOL_VERSION,
    MIN_SCHEMA_VERSION,
    PROTOCOL_VERSION,
)

log = logging.getLogger("kamdesk.hq")

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]

DEFAULT_MAX_BODY_BYTES = 1024 * 1024
MAX_DETAIL_CHARS = 600

STATUS = {
    "protocol.missing": 400,
    "protocol.too_new": 400,
    "protocol.too_old": 426,
    "protocol.schema_too_old": 426,
    "auth.missing": 401,
    "auth.unknown_token": 401,
    "auth.revoked": 401,
    "register.malformed_code": 400,
    "register.unknown_code": 403,
    "register.code_used": 409,
    "register.code_expired": 410,
    "push.sequence_gap": 409,
    "push.batch_mismatch": 409,
    "pull.resnapshot_needed": 410,
    "audit.anchor_moved": 409,
    "blob.hash_mismatch": 422,
    "blob.not_found": 404,
    "request.malformed_json": 400,
    "request.invalid": 422,
    "request.too_large": 413,
    "request.not_found": 404,
    "request.method_not_allowed": 405,
    "server.internal": 500,
    "server.unavailable": 503,
}


def error_response(
    code: str,
    params: Mapping[str, object] | None = None,
    *,
    status: int | None = None,
    headers: dict[str, str] | None = None,
) -> JSONResponse:
    """The JSON refusal for ``code``, its message in English (the desktop translates)."""
    template = message_template(code)
    clean = {k: v if isinstance(v, int) else str(v) for k, v in (params or {}).items()}
    try:
        message = template.format(**clean) if template else code
    except (KeyError, IndexError, ValueError):
        message = template or code
    if code.startswith("auth."):
        headers = {"WWW-Authenticate": "Bearer", **(headers or {})}
    return JSONResponse(
        {"code": code, "message": message, "params": clean},
        status_code=status or STATUS.get(code, 400),
        headers=headers,
    )


def parse_version(raw: str | None, header: str = HEADER_PROTOCOL) -> int:
    """A version header's value; refuses a missing or non-numeric one."""
    if raw is None or not raw.strip().isdigit() or len(raw.strip()) > 7:
        raise KamdeskError("protocol.missing", header=header)
    return int(raw.strip())


def check_versions(
    protocol: int, schema: int | None, client: str | None, min_protocol: int
) -> ClientVersions:
    """Refuse a client HQ cannot serve; otherwise what it said about itself."""
    if protocol < min_protocol:
        raise KamdeskError("protocol.too_old", client=protocol, minimum=min_protocol)
    if protocol > PROTOCOL_VERSION:
        raise KamdeskError("protocol.too_new", client=protocol, current=PROTOCOL_VERSION)
    if schema is not None and schema < MIN_SCHEMA_VERSION:
        raise KamdeskError("protocol.schema_too_old", client=schema, minimum=MIN_SCHEMA_VERSION)
    return ClientVersions(protocol=protocol, schema=schema, client=client)


async def on_kamdesk_error(_request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, KamdeskError)
    headers = None
    if exc.code == "protocol.too_old":
        headers = {"X-Kamdesk-Protocol-Min": str(MIN_PROTOCOL_VERSION)}
    return error_response(exc.code, exc.params, headers=headers)


async def on_validation_error(_request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, RequestValidationError)
    errors = exc.errors()
    if any(e.get("type") == "json_invalid" for e in errors):
        return error_response("request.malformed_json")
    parts = []
    for e in errors:
        where = ".".join(str(p) for p in e.get("loc", ()) if p != "body") or "body"
        parts.append(f"{where}: {e.get('msg', 'invalid')}")
    detail = "; ".join(parts)
    if len(detail) > MAX_DETAIL_CHARS:
        detail = detail[:MAX_DETAIL_CHARS] + " …"
    return error_response("request.invalid", {"detail": detail})


async def on_http_error(_request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, StarletteHTTPException)
    if exc.status_code == 400:  # FastAPI's own refusal: a body it could not decode
        return error_response("request.malformed_json")
    if exc.status_code == 404:
        return error_response("request.not_found")
    if exc.status_code == 405:
        return error_response("request.method_not_allowed")
    return error_response(
        "request.failed", {"http_status": exc.status_code}, status=exc.status_code
    )


async def on_unexpected_error(request: Request, exc: Exception) -> JSONResponse:
    log.error("internal error on %s %s", request.method, request.url.path, exc_info=exc)
    return error_response("server.internal")


class BodySizeLimit:
    """ASGI middleware: refuse bodies over ``max_bytes`` (declared or streamed) with 413,
    and stamp every response with HQ's protocol version."""

    def __init__(self, app: ASGIApp, max_bytes: int = DEFAULT_MAX_BODY_BYTES) -> None:
        self.app = app
        self.max_bytes = max_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def send_stamped(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = list(message.get("headers", []))
                headers.append((HEADER_PROTOCOL.lower().encode(), str(PROTOCOL_VERSION).encode()))
                message["headers"] = headers
            await send(message)

        declared = dict(scope.get("headers", [])).get(b"content-length")
        if declared is not None:
            text = declared.decode("latin-1").strip()
            if not text.isdigit():
                await error_response("request.invalid", {"detail": "bad Content-Length"})(
                    scope, receive, send_stamped
                )
                return
            if int(text) > self.max_bytes:
                await self._too_large(scope, receive, send_stamped)
                return
        buffered: list[Message] = []
        total = 0
        while True:
            message = await receive()
            buffered.append(message)
            if message["type"] != "http.request":
                break
            total += len(message.get("body", b""))
            if total > self.max_bytes:
                await self._too_large(scope, receive, send_stamped)
                return
            if not message.get("more_body", False):
                break

        async def replay() -> Message:
            return buffered.pop(0) if buffered else await receive()

        await self.app(scope, replay, send_stamped)

    async def _too_large(self, scope: Scope, receive: Receive, send: Send) -> None:
        await error_response("request.too_large", {"limit": self.max_bytes})(scope, receive, send)
