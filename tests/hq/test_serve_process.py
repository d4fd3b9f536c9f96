"""``kamdesk-hq serve`` as a real process on loopback: register and whoami over HTTP."""

from __future__ import annotations

import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest
import sqlalchemy as sa

from kamdesk.hq.cli import main
from kamdesk.hq.database import SERVING_ROLE
from tests.hq.support import HEADERS, auth, register_body

STARTUP_TIMEOUT_S = 30


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _wait_until_healthy(proc: subprocess.Popen[bytes], base: str, log: Path) -> None:
    deadline = time.monotonic() + STARTUP_TIMEOUT_S
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            pytest.fail(f"kamdesk-hq serve exited with {proc.returncode}:\n{log.read_text()}")
        try:
            if httpx.get(f"{base}/v1/health", timeout=1).status_code == 200:
                return
        except httpx.TransportError:
            pass
        time.sleep(0.1)
    pytest.fail(f"kamdesk-hq serve did not answer within {STARTUP_TIMEOUT_S} s:\n{log.read_text()}")


@pytest.mark.slow
def test_serve_registers_and_answers_whoami_over_real_http(
    db_url: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
):
    """On PostgreSQL the service logs in as the serving role itself (``--serve-db``)."""
    db = db_url
    serve_db: list[str] = []
    if db.startswith("postgresql"):
        as_role = sa.make_url(db).set(username=SERVING_ROLE, password=None)
        serve_db = ["--serve-db", as_role.render_as_string(hide_password=False)]
    assert main(["branch", "add", "HZ", "杭州分公司", "--db", db]) == 0
    capsys.readouterr()
    assert main(["device", "code", "HZ", "--db", db]) == 0
    code = capsys.readouterr().out.strip()
    port = _free_port()
    base = f"http://127.0.0.1:{port}"
    script = Path(sys.executable).with_name("kamdesk-hq")
    command = [str(script)] if script.exists() else [sys.executable, "-m", "kamdesk.hq.cli"]
    log = tmp_path / "serve.log"
    with log.open("wb") as sink:
        proc = subprocess.Popen(
            [*command, "serve", "--db", db, *serve_db, "--host", "127.0.0.1", "--port", str(port)],
            stdout=sink,
            stderr=subprocess.STDOUT,
        )
    try:
        _wait_until_healthy(proc, base, log)
        with httpx.Client(base_url=base, timeout=10) as http:
            reg = http.post("/v1/register", json=register_body(code, "前台电脑-1"), headers=HEADERS)
            assert reg.status_code == 200, reg.text
            me = http.get("/v1/whoami", headers=auth(reg.json()["token"]))
            reuse = http.post("/v1/register", json=register_body(code), headers=HEADERS)
        assert me.status_code == 200
        assert me.json() == {
            "device_id": reg.json()["device_id"],
            "device_name": "前台电脑-1",
            "branch_code": "HZ",
            "branch_name": "杭州分公司",
        }
        assert reuse.status_code == 409
        assert "server" not in {k.lower() for k in me.headers}
    finally:
        proc.send_signal(signal.SIGTERM)
        try:
            returncode = proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
            raise
    # uvicorn shuts down gracefully, then re-raises SIGTERM so the exit status says why.
    assert returncode in (0, -signal.SIGTERM), log.read_text()
    assert "Application shutdown complete" in log.read_text()
    assert "Traceback" not in log.read_text()
