"""Register with a one-time code, then act as that device; refusals are clear (SQLite + PG)."""

from __future__ import annotations

from datetime import timedelta

import sqlalchemy as sa
from fastapi.testclient import TestClient

from kamdesk.domain.clock import utcnow
from kamdesk.hq import admin
from kamdesk.hq.app import create_app
from kamdesk.hq.credentials import hash_token
from kamdesk.hq.models import Device
from kamdesk.sync.protocol import HEADER_PROTOCOL, HEADER_SCHEMA, RegisterResponse, WhoAmI
from tests.hq.support import HEADERS, assert_clean_refusal, auth, register_body


def _branch_with_code(engine: sa.Engine, branch: str = "HZ", name: str = "杭州分公司") -> str:
    admin.add_branch(engine, branch, name)
    return admin.issue_code(engine, branch).code


def test_a_code_registers_one_device_of_its_branch(client: TestClient, admin_db: sa.Engine):
    code = _branch_with_code(admin_db)
    admin.add_branch(admin_db, "SH", "上海分公司")

    response = client.post("/v1/register", json=register_body(code), headers=HEADERS)

    assert response.status_code == 200, response.text
    reg = RegisterResponse.from_wire(response.json())
    assert (reg.branch_code, reg.branch_name) == ("HZ", "杭州分公司")
    me = WhoAmI.from_wire(client.get("/v1/whoami", headers=auth(reg.token)).json())
    assert me == WhoAmI(reg.device_id, "前台电脑-1", "HZ", "杭州分公司")
    with admin_db.connect() as conn:
        stored = conn.execute(sa.select(Device.token_hash, Device.schema_version)).one()
    assert stored.token_hash == hash_token(reg.token) != reg.token
    assert stored.schema_version == 1


def test_the_code_works_once_and_is_forgiving_about_how_it_is_typed(
    client: TestClient, admin_db: sa.Engine
):
    code = _branch_with_code(admin_db)
    typed = " " + code.lower().replace("-", " ") + " "

    first = client.post("/v1/register", json=register_body(typed), headers=HEADERS)
    second = client.post("/v1/register", json=register_body(code, "another"), headers=HEADERS)

    assert first.status_code == 200
    assert_clean_refusal(second, 409, "register.code_used")
    assert [d.name for d in admin.list_devices(admin_db)] == ["前台电脑-1"]


def test_unknown_malformed_and_expired_codes_are_refused(client: TestClient, admin_db: sa.Engine):
    admin.add_branch(admin_db, "HZ", "杭州分公司")
    expired = admin.issue_code(
        admin_db, "HZ", timedelta(days=1), now=utcnow() - timedelta(days=2)
    ).code

    unknown = client.post(
        "/v1/register", json=register_body("ABCD-EFGH-JKMN-PQRS"), headers=HEADERS
    )
    malformed = client.post("/v1/register", json=register_body("1234"), headers=HEADERS)
    old = client.post("/v1/register", json=register_body(expired), headers=HEADERS)

    assert_clean_refusal(unknown, 403, "register.unknown_code")
    assert_clean_refusal(malformed, 400, "register.malformed_code")
    body = assert_clean_refusal(old, 410, "register.code_expired")
    assert "expired on 20" in body["message"]
    assert admin.list_devices(admin_db) == []


def test_unknown_missing_and_revoked_tokens_get_401(client: TestClient, admin_db: sa.Engine):
    code = _branch_with_code(admin_db)
    token = client.post("/v1/register", json=register_body(code), headers=HEADERS).json()["token"]
    assert client.get("/v1/whoami", headers=auth(token)).status_code == 200

    unknown = client.get("/v1/whoami", headers=auth("kdt_" + "x" * 43))
    missing = client.get("/v1/whoami", headers=HEADERS)
    device_id = admin.list_devices(admin_db)[0].id
    _, newly = admin.revoke_device(admin_db, device_id)
    revoked = client.get("/v1/whoami", headers=auth(token))

    assert newly
    assert_clean_refusal(unknown, 401, "auth.unknown_token")
    assert_clean_refusal(missing, 401, "auth.missing")
    body = assert_clean_refusal(revoked, 401, "auth.revoked")
    assert "revoked" in body["message"]
    assert revoked.headers["www-authenticate"] == "Bearer"


def test_a_too_old_client_gets_426_before_anything_else(client: TestClient, admin_db: sa.Engine):
    code = _branch_with_code(admin_db)
    old = {HEADER_PROTOCOL: "0"}

    whoami = client.get("/v1/whoami", headers={**old, "Authorization": "Bearer nonsense"})
    register = client.post("/v1/register", json={"unexpected": True}, headers=old)
    old_body = client.post("/v1/register", json=register_body(code, protocol=0), headers=HEADERS)
    old_schema = client.post("/v1/register", json=register_body(code, schema=0), headers=HEADERS)
    old_schema_header = client.get("/v1/whoami", headers={**HEADERS, HEADER_SCHEMA: "0"})

    body = assert_clean_refusal(whoami, 426, "protocol.too_old")
    assert "Please update KAMDesk" in body["message"]
    assert body["params"] == {"client": 0, "minimum": 1}
    assert_clean_refusal(register, 426, "protocol.too_old")
    assert_clean_refusal(old_body, 426, "protocol.too_old")
    assert_clean_refusal(old_schema, 426, "protocol.schema_too_old")
    assert_clean_refusal(old_schema_header, 426, "protocol.schema_too_old")
    assert admin.list_devices(admin_db) == [], "the code was not spent by refused requests"


def test_requests_must_name_a_protocol_hq_speaks(client: TestClient):
    missing = client.get("/v1/whoami")
    garbage = client.get("/v1/whoami", headers={HEADER_PROTOCOL: "one"})
    newer = client.get("/v1/whoami", headers={HEADER_PROTOCOL: "99"})

    assert_clean_refusal(missing, 400, "protocol.missing")
    assert_clean_refusal(garbage, 400, "protocol.missing")
    bad_schema = client.get("/v1/whoami", headers={**HEADERS, HEADER_SCHEMA: "v2"})
    assert assert_clean_refusal(bad_schema, 400, "protocol.missing")["params"] == {
        "header": HEADER_SCHEMA
    }
    body = assert_clean_refusal(newer, 400, "protocol.too_new")
    assert "update the HQ service" in body["message"]


def test_health_needs_no_token_and_reports_versions(client: TestClient):
    response = client.get("/v1/health")

    assert response.status_code == 200
    assert response.json() == {
        "status": "ok",
        "protocol": 1,
        "min_protocol": 1,
        "schema": 1,
        "min_schema": 1,
    }
    assert response.headers[HEADER_PROTOCOL] == "1"


def test_last_seen_and_client_version_follow_the_device(client: TestClient, admin_db: sa.Engine):
    code = _branch_with_code(admin_db)
    token = client.post("/v1/register", json=register_body(code), headers=HEADERS).json()["token"]
    with admin_db.begin() as conn:
        conn.execute(sa.update(Device).values(last_seen_at=utcnow() - timedelta(hours=3)))

    client.get("/v1/whoami", headers={**auth(token), "X-Kamdesk-Client": "kamdesk 0.2.0"})

    device = admin.list_devices(admin_db)[0]
    assert device.last_seen_at is not None
    assert utcnow() - device.last_seen_at < timedelta(minutes=1)
    assert device.client_version == "kamdesk 0.2.0"


def test_health_says_503_when_the_database_is_away(tmp_path):
    app = create_app(f"sqlite:///{tmp_path / 'missing-dir' / 'hq.sqlite'}")
    with TestClient(app, raise_server_exceptions=False) as test_client:
        response = test_client.get("/v1/health")
    assert_clean_refusal(response, 503, "server.unavailable")


def test_a_code_is_valid_for_seven_days_by_default(admin_db: sa.Engine):
    admin.add_branch(admin_db, "HZ", "杭州分公司")
    now = utcnow()
    issued = admin.issue_code(admin_db, "hz", now=now)
    assert issued.expires_at == now + timedelta(days=7)
    assert (issued.branch_code, issued.branch_name) == ("HZ", "杭州分公司")
