"""Small helpers shared by the HQ tests."""

from __future__ import annotations

from typing import Any

import httpx

from kamdesk.sync.protocol import HEADER_PROTOCOL, PROTOCOL_VERSION, SCHEMA_VERSION

HEADERS = {HEADER_PROTOCOL: str(PROTOCOL_VERSION)}


def auth(token: str) -> dict[str, str]:
    return {**HEADERS, "Authorization": f"Bearer {token}"}


def register_body(code: str, name: str = "前台电脑-1", **extra: Any) -> dict[str, Any]:
    return {
        "code": code,
        "device_name": name,
        "protocol": PROTOCOL_VERSION,
        "schema": SCHEMA_VERSION,
        **extra,
    }


def assert_clean_refusal(response: httpx.Response, status: int, code: str) -> dict[str, Any]:
    """A refusal is JSON {code, message, params} with the given status and no internals."""
    assert response.status_code == status, response.text
    assert response.headers["content-type"].startswith("application/json")
    assert "Traceback" not in response.text
    assert 'File "' not in response.text
    body = response.json()
    assert body["code"] == code, body
    assert isinstance(body["message"], str)
    assert body["message"]
    assert "{" not in body["message"], "every template field is filled"
    return body
