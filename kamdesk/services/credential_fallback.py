"""A last-resort credential store for machines without one (headless Linux).

Windows (Credential Manager), macOS (Keychain) and Linux desktops (Secret Service)
have a real store and this module leaves them alone. Where ``keyring`` finds none,
:func:`install_if_needed` installs :class:`FileKeyring`: secrets in one JSON file in
the per-user data folder, readable by the user only (mode 0600), so the audit log
and sync keep working instead of refusing every write.

Hazard: a file key protects the audit chain and the device token only as well as the
user's account and file permissions do; a real store is better, and the log says so.
"""

from __future__ import annotations

import json
import logging
import os
import threading
from pathlib import Path

import keyring
from keyring.backend import KeyringBackend
from keyring.backends import fail

log = logging.getLogger(__name__)

FILE_NAME = "credentials.json"


class FileKeyring(KeyringBackend):
    """Secrets in a user-only JSON file; writes replace the file atomically."""

    priority = 0.1

    def __init__(self, path: Path) -> None:
        super().__init__()  # type: ignore[no-untyped-call]
        self.path = path
        self._lock = threading.Lock()

    def _load(self) -> dict[str, str]:
        try:
            data = json.loads(self.path.read_text(encoding="utf-8"))
        except FileNotFoundError:
            return {}
        return {str(k): str(v) for k, v in data.items()}

    def _save(self, secrets: dict[str, str]) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        temporary = self.path.with_suffix(".tmp")
        fd = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            json.dump(secrets, fh)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(temporary, self.path)

    @staticmethod
    def _key(service: str, username: str) -> str:
        return f"{service}\x1f{username}"

    def get_password(self, service: str, username: str) -> str | None:
        with self._lock:
            return self._load().get(self._key(service, username))

    def set_password(self, service: str, username: str, password: str) -> None:
        with self._lock:
            secrets = self._load()
            secrets[self._key(service, username)] = password
            self._save(secrets)

    def delete_password(self, service: str, username: str) -> None:
        with self._lock:
            secrets = self._load()
            secrets.pop(self._key(service, username), None)
            self._save(secrets)


def install_if_needed(folder: Path) -> bool:
    """Use :class:`FileKeyring` in ``folder`` when no real store works; True if installed."""
    if not isinstance(keyring.get_keyring(), fail.Keyring):
        return False
    path = folder / FILE_NAME
    keyring.set_keyring(FileKeyring(path))
    log.info("no system credential store: keeping KAMDesk's secrets in %s (user-only)", path)
    return True
