"""``kamdesk-hq serve`` for the crash tests, dying on purpose at one point of a push.

    python -m tests.hq.crashing_hq after_commit|mid_apply DB_URL PORT

``after_commit``: the first push is applied and committed, then the process exits
before a byte of the answer is sent. ``mid_apply``: the process exits while applying
the first push, after its rows were written and before commit. Either way the
exit is ``os._exit`` (no clean-up, like a kill); every other request is served.
"""

from __future__ import annotations

import os
import sys
from typing import Any

from kamdesk.hq import cli, rowstore, sync_api

CRASHED = 70


def _after_commit() -> None:
    real = sync_api.push_batch

    def push_then_die(*args: Any) -> dict[str, Any]:
        real(*args)
        os._exit(CRASHED)

    sync_api.push_batch = push_then_die  # type: ignore[assignment]


def _mid_apply() -> None:
    real = rowstore.RowSet.flush

    def flush_then_die(self: rowstore.RowSet) -> None:
        real(self)
        os._exit(CRASHED)

    rowstore.RowSet.flush = flush_then_die  # type: ignore[method-assign]


if __name__ == "__main__":
    mode, db_url, port = sys.argv[1:4]
    {"after_commit": _after_commit, "mid_apply": _mid_apply}[mode]()
    sys.exit(cli.main(["serve", "--db", db_url, "--port", port, "--log-level", "warning"]))
