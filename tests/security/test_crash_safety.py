"""The kill harness in small: SIGKILLed writers lose no committed transaction.

The full run (``python tools/kill_harness.py --kills 200``) takes about ten minutes;
this runs five kills.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.slow
@pytest.mark.skipif(sys.platform == "win32", reason="SIGKILL is POSIX")
def test_killed_writers_lose_no_committed_transaction(tmp_path: Path) -> None:
    result = subprocess.run(
        [sys.executable, str(ROOT / "tools" / "kill_harness.py"), "--kills", "5",
         "--db", str(tmp_path / "kill.sqlite"), "--seed", "7"],
        capture_output=True, text=True, timeout=300, check=False,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    assert "0 kills with problems, audit chain ok" in result.stdout
