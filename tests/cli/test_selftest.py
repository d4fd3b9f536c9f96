"""``kamdesk --self-test`` in this process: every check passes on a working install,
a broken one exits 1 naming the check, and the system credential store is left as it was."""

from __future__ import annotations

import io
from pathlib import Path

import keyring
import pytest

from kamdesk import cli
from kamdesk.commands import selftest

pytestmark = pytest.mark.usefixtures("english")


def test_self_test_passes_and_leaves_the_credential_store_alone(
    capsys: pytest.CaptureFixture[str],
) -> None:
    store = keyring.get_keyring()
    before = dict(getattr(store, "secrets", {}))

    assert cli.main(["--self-test"]) == 0

    out = capsys.readouterr().out
    assert "ok Work-order PDF:" in out
    assert "ok KPI workbook: 2026-11:" in out
    assert "ok Qt Chinese catalog: 取消" in out
    assert out.rstrip().splitlines()[-1].startswith("Self-test passed")
    assert keyring.get_keyring() is store
    assert dict(getattr(store, "secrets", {})) == before


def test_a_failing_check_exits_1_and_stops(tmp_path: Path) -> None:
    ran: list[str] = []

    def broken(folder: Path) -> str:
        raise FileNotFoundError("kamdesk.mo")

    def never(folder: Path) -> str:
        ran.append("never")
        return ""

    out, err = io.StringIO(), io.StringIO()
    status = selftest.run(
        [selftest.Check("Catalog", broken), selftest.Check("Later", never)], out, err
    )

    assert status == 1
    assert "FAILED Catalog: kamdesk.mo" in out.getvalue()
    assert "FileNotFoundError" in err.getvalue()
    assert ran == []
