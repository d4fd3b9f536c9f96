"""Hostile or broken requests get a clear 4xx JSON refusal, never a stack trace."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
import sqlalchemy as sa
from fastapi.testclient import TestClient

from kamdesk.hq import admin
from kamdesk.hq.app import create_app
from kamdesk.hq.database import admin_engine
from kamdesk.sync.protocol import HEADER_PROTOCOL
from tests.hq.support import HEADERS, assert_clean_refusal, auth, register_body

LIMIT = 4096
JSON = {**HEADERS, "Content-Type": "application/json"}


@pytest.fixture()
def small_client(sqlite_url: str) -> Iterator[TestClient]:
    app = create_app(sqlite_url, max_body_bytes=LIMIT)
    with TestClient(app, raise_server_exceptions=False) as test_client:
        yield test_client


@pytest.mark.parametrize(
    "raw",
    [b'{"code": "ABCD-EFGH', b"\xff\xfe not json", b"{'code': 'single quotes'}", b"[1, 2,"],
)
def test_malformed_json_is_a_400_that_says_so(small_client: TestClient, raw: bytes):
    response = small_client.post("/v1/register", content=raw, headers=JSON)

    body = assert_clean_refusal(response, 400, "request.malformed_json")
    assert body["message"] == "The request body is not valid JSON."


@pytest.mark.parametrize(
    ("body", "field"),
    [
        (register_body("ABCD-EFGH-JKMN-PQRS", branch_code="SH"), "branch_code"),
        (register_body("ABCD-EFGH-JKMN-PQRS", protocol="1"), "protocol"),
        (register_body("ABCD-EFGH-JKMN-PQRS", name=""), "device_name"),
        (register_body("ABCD-EFGH-JKMN-PQRS", name="长" * 101), "device_name"),
        (register_body("A" * 500), "code"),
        ({"code": "ABCD-EFGH-JKMN-PQRS"}, "device_name"),
        ([1, 2, 3], "body"),
    ],
)
def test_bodies_outside_the_schema_are_refused_naming_the_field(
    small_client: TestClient, body: object, field: str
):
    response = small_client.post("/v1/register", json=body, headers=HEADERS)

    refusal = assert_clean_refusal(response, 422, "request.invalid")
    assert refusal["message"].startswith("The request was refused: ")
    assert field in refusal["params"]["detail"]


def test_a_body_declared_too_large_is_refused_unread(small_client: TestClient):
    response = small_client.post("/v1/register", content=b"x" * (LIMIT + 1), headers=JSON)

    body = assert_clean_refusal(response, 413, "request.too_large")
    assert body["params"] == {"limit": LIMIT}


def test_a_streamed_body_growing_too_large_is_refused(small_client: TestClient):
    def chunks() -> Iterator[bytes]:
        yield b'{"code": "'
        for _ in range(10):
            yield b"A" * 1024

    response = small_client.post("/v1/register", content=chunks(), headers=JSON)

    assert "content-length" not in response.request.headers
    assert_clean_refusal(response, 413, "request.too_large")


def test_a_body_just_under_the_limit_is_read(small_client: TestClient, sqlite_url: str):
    engine = admin_engine(sqlite_url)
    admin.add_branch(engine, "HZ", "杭州分公司")
    code = admin.issue_code(engine, "HZ").code
    engine.dispose()
    body = register_body(code, name="前台" + " " * 3000)  # spaces are stripped after parsing

    response = small_client.post("/v1/register", json=body, headers=HEADERS)

    assert response.status_code == 200, response.text
    assert response.json()["branch_code"] == "HZ"


def test_an_absurd_token_or_header_is_refused_plainly(small_client: TestClient):
    long_token = small_client.get("/v1/whoami", headers=auth("k" * 5000))
    long_version = small_client.get("/v1/whoami", headers={HEADER_PROTOCOL: "9" * 40})

    assert_clean_refusal(long_token, 401, "auth.unknown_token")
    assert_clean_refusal(long_version, 400, "protocol.missing")


def test_unknown_paths_and_methods_answer_in_the_same_shape(small_client: TestClient):
    assert_clean_refusal(small_client.get("/v1/nothing", headers=HEADERS), 404, "request.not_found")
    assert_clean_refusal(
        small_client.delete("/v1/register", headers=HEADERS), 405, "request.method_not_allowed"
    )


def test_an_internal_failure_shows_no_trace_sql_or_path(small_client: TestClient, sqlite_url: str):
    engine = admin_engine(sqlite_url)
    with engine.begin() as conn:
        conn.execute(sa.text("DROP TABLE registration_codes"))
    engine.dispose()

    response = small_client.post(
        "/v1/register", json=register_body("ABCD-EFGH-JKMN-PQRS"), headers=HEADERS
    )

    body = assert_clean_refusal(response, 500, "server.internal")
    assert "nothing was changed" in body["message"]
    for leak in ("registration_codes", "sqlite", "SELECT", "hq.sqlite", "Error:"):
        assert leak not in response.text


def test_the_openapi_schema_is_published_with_the_contract(small_client: TestClient):
    schema = small_client.get("/openapi.json").json()

    assert set(schema["paths"]) == {
        "/v1/health",
        "/v1/register",
        "/v1/whoami",
        "/v1/push",
        "/v1/pull",
        "/v1/blobs/{sha256}",
        "/v1/audit-head",
        "/v1/missing-rows",
    }
    register = schema["paths"]["/v1/register"]["post"]
    params = {p["name"] for p in register["parameters"]}
    assert HEADER_PROTOCOL in params
    body_ref = register["requestBody"]["content"]["application/json"]["schema"]["$ref"]
    register_in = schema["components"]["schemas"][body_ref.rsplit("/", 1)[-1]]
    assert register_in["additionalProperties"] is False
    assert set(register_in["required"]) == {"code", "device_name", "protocol", "schema"}
    assert "426" in register["responses"]
    whoami = schema["paths"]["/v1/whoami"]["get"]
    assert whoami["security"] == [{"HTTPBearer": []}]
