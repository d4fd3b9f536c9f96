"""Where PostgreSQL tests get their server.

Rule (the CI contract): when something listens on 127.0.0.1:5432 (or KAMDESK_PG_URL is
set) tests marked ``postgres`` must run — a connection failure fails them. They skip
only when no server is there, and never under CI (``CI=true``), where a skip would
hide a broken set-up.
"""

from __future__ import annotations

import os
import socket

DEFAULT_URL = "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"


def pg_url() -> str:
    return os.environ.get("KAMDESK_PG_URL", DEFAULT_URL)


def server_listening(host: str = "127.0.0.1", port: int = 5432) -> bool:
    try:
        with socket.create_connection((host, port), timeout=0.5):
            return True
    except OSError:
        return False


def must_run() -> bool:
    return bool(os.environ.get("KAMDESK_PG_URL")) or server_listening() or _under_ci()


def _under_ci() -> bool:
    return os.environ.get("CI", "").lower() in {"1", "true", "yes"}
