"""Without a system credential store, secrets go to a user-only file and work goes on."""

from __future__ import annotations

import stat
from collections.abc import Iterator
from pathlib import Path

import keyring
import pytest
from keyring.backends import fail

from kamdesk.services.credential_fallback import FileKeyring, install_if_needed


@pytest.fixture()
def no_store() -> Iterator[None]:
    before = keyring.get_keyring()
    keyring.set_keyring(fail.Keyring())
    yield
    keyring.set_keyring(before)


def test_a_machine_without_a_store_gets_a_user_only_file(no_store: None, tmp_path: Path) -> None:
    assert install_if_needed(tmp_path)
    keyring.set_password("KAMDesk audit", "branch-1", "ab" * 32)
    path = tmp_path / "credentials.json"
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    again = FileKeyring(path)  # as after a restart
    assert again.get_password("KAMDesk audit", "branch-1") == "ab" * 32
    again.delete_password("KAMDesk audit", "branch-1")
    assert FileKeyring(path).get_password("KAMDesk audit", "branch-1") is None


def test_a_working_store_is_left_alone(tmp_path: Path) -> None:
    assert not install_if_needed(tmp_path)
    assert not (tmp_path / "credentials.json").exists()
