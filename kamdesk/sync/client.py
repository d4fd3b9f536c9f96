"""HTTP client of the HQ sync API (httpx): timeouts, HTTPS with a configurable CA,
version headers on every request, and HQ's refusals as :class:`KamdeskError`.
Plain ``http://`` (loopback, tests) builds no TLS context at all.

Guarantees: a network failure (refused, reset, cut mid-body, timeout) raises
``sync.unreachable`` and nothing else; an answer that is not the expected JSON raises
``protocol.bad_response``; a refusal raises HQ's own code with its parameters, so the
user reads it in their language. The client never retries: the engine decides.
"""

from __future__ import annotations

import functools
import ssl
from typing import Any

import certifi
import httpx

import kamdesk
from kamdesk.errors import KamdeskError, define
from kamdesk.i18n import N_
from kamdesk.sync.messages import (
    AuditHeadAnswer,
    AuditHeadReport,
    PullResponse,
    PushRequest,
    PushResponse,
)
from kamdesk.sync.protocol import (
    API_PREFIX,
    HEADER_CLIENT,
    HEADER_PROTOCOL,
    HEADER_SCHEMA,
    PROTOCOL_VERSION,
    SCHEMA_VERSION,
    ErrorBody,
    RegisterRequest,
    RegisterResponse,
    WhoAmI,
)

DEFAULT_TIMEOUT = httpx.Timeout(30.0, connect=10.0)

define(
    {
        "sync.unreachable": N_("Cannot reach HQ at {url}: {detail}"),
        "sync.bad_url": N_("{url} is not an HQ address (it must start with https:// or http://)."),
    }
)


def _headers(token: str | None) -> dict[str, str]:
    headers = {
        HEADER_PROTOCOL: str(PROTOCOL_VERSION),
        HEADER_SCHEMA: str(SCHEMA_VERSION),
        HEADER_CLIENT: f"kamdesk/{getattr(kamdesk, '__version__', '0')}",
    }
    if token:
        headers["Authorization"] = f"Bearer {token}"
    return headers


@functools.lru_cache(maxsize=8)
def _tls(ca_bundle: str | None) -> ssl.SSLContext:
    """The TLS context trusting ``ca_bundle`` (else the system's CAs), built once per
    process: loading the CA store costs more than an idle sync round."""
    if ca_bundle:
        return ssl.create_default_context(cafile=ca_bundle)
    return ssl.create_default_context(cafile=certifi.where())


class HqClient:
    """One HQ address; ``ca_bundle`` is a PEM file to trust instead of the system's CAs."""

    def __init__(
        self,
        base_url: str,
        token: str | None = None,
        *,
        ca_bundle: str | None = None,
        timeout: httpx.Timeout = DEFAULT_TIMEOUT,
        transport: httpx.BaseTransport | None = None,
    ) -> None:
        if not base_url.startswith(("https://", "http://")):
            raise KamdeskError("sync.bad_url", url=base_url)
        self.base_url = base_url.rstrip("/")
        self._http = httpx.Client(
            base_url=self.base_url,
            headers=_headers(token),
            verify=_tls(ca_bundle) if self.base_url.startswith("https://") else False,
            timeout=timeout,
            transport=transport,
        )

    def close(self) -> None:
        self._http.close()

    def __enter__(self) -> HqClient:
        return self

    def __exit__(self, *_exc: object) -> None:
        self.close()

    def _send(self, method: str, path: str, **kwargs: Any) -> httpx.Response:
        try:
            response = self._http.request(method, f"{API_PREFIX}{path}", **kwargs)
        except httpx.TransportError as exc:
            raise KamdeskError(
                "sync.unreachable", url=self.base_url, detail=type(exc).__name__
            ) from exc
        if response.status_code >= 400:
            raise self._refusal(response)
        return response

    @staticmethod
    def _refusal(response: httpx.Response) -> KamdeskError:
        try:
            return ErrorBody.from_wire(response.json()).to_error()
        except (ValueError, KamdeskError, AttributeError):
            return KamdeskError("request.failed", http_status=response.status_code)

    def _json(self, method: str, path: str, **kwargs: Any) -> dict[str, Any]:
        response = self._send(method, path, **kwargs)
        try:
            data = response.json()
        except ValueError as exc:
            raise KamdeskError("protocol.bad_response", detail="not JSON") from exc
        if not isinstance(data, dict):
            raise KamdeskError("protocol.bad_response", detail="not a JSON object")
        return data

    def register(self, request: RegisterRequest) -> RegisterResponse:
        return RegisterResponse.from_wire(self._json("POST", "/register", json=request.to_wire()))

    def whoami(self) -> WhoAmI:
        return WhoAmI.from_wire(self._json("GET", "/whoami"))

    def push(self, batch: PushRequest) -> PushResponse:
        return PushResponse.from_wire(self._json("POST", "/push", json=batch.to_wire()))

    def pull(
        self,
        cursor: int,
        limit: int,
        *,
        snapshot: bool = False,
        held: tuple[int, int] | None = None,
    ) -> PullResponse:
        """A page after ``cursor``; ``snapshot`` re-reads past HQ's tombstone horizon;
        ``held``: the batches whose stored-as-sent new rows need not come back."""
        params: dict[str, Any] = {"cursor": cursor, "limit": limit}
        if snapshot:
            params["snapshot"] = "true"
        elif held is not None:
            params["held_from"], params["held_to"] = held
        return PullResponse.from_wire(self._json("GET", "/pull", params=params))

    def missing_rows(self, table: str, ids: list[str]) -> list[str]:
        """Those of ``ids`` (at most ``MAX_MISSING_IDS``) that HQ holds no row of ``table`` for."""
        data = self._json("POST", "/missing-rows", json={"table": table, "ids": ids})
        missing = data.get("missing")
        if not isinstance(missing, list) or not all(isinstance(i, str) for i in missing):
            raise KamdeskError("protocol.bad_response", detail="missing is not a list of ids")
        return list(missing)

    def report_audit_head(self, report: AuditHeadReport) -> AuditHeadAnswer:
        return AuditHeadAnswer.from_wire(self._json("POST", "/audit-head", json=report.to_wire()))

    def put_blob(self, sha256: str, data: bytes) -> None:
        self._send(
            "PUT",
            f"/blobs/{sha256}",
            content=data,
            headers={"Content-Type": "application/octet-stream"},
        )

    def get_blob(self, sha256: str) -> bytes:
        return self._send("GET", f"/blobs/{sha256}").content
