"""The per-branch audit key, kept in the operating system's credential store.

Guarantees: the key of a branch is 32 random bytes stored with :mod:`keyring` under
the service :data:`KEYRING_SERVICE` and the branch id as user name (Windows
Credential Manager, macOS Keychain, Secret Service on Linux desktops). It is created
on first use, read back once so a store that silently drops secrets is caught, and
cached for the life of the process.

Hazards:
- Without a working credential store (a headless Linux box has none) nothing can be
  audited, so every write fails with ``audit.no_keyring``; IT must install one.
- Creating a key is not atomic across processes. Appends create it inside a write
  transaction (the SQLite write lock serialises them per database); two databases of
  the same branch on one account started at the same instant could still race.
- Losing the key (a new Windows profile, a moved database) makes the existing chain
  unverifiable: ``audit verify`` then says the key is missing instead of guessing.
"""

from __future__ import annotations

import secrets
import threading

import keyring
from keyring.errors import KeyringError

from kamdesk.errors import KamdeskError, define
from kamdesk.i18n import N_

KEYRING_SERVICE = "KAMDesk audit"
KEY_BYTES = 32

define(
    {
        "audit.no_keyring": N_(
            "The audit log needs the system credential store to keep its key, but none "
            "works here ({error}). On Linux install and unlock a Secret Service keyring "
            "(GNOME Keyring or KWallet); nothing was saved."
        ),
        "audit.key_missing": N_(
            "The audit key of branch {branch} is not in this computer's credential store, "
            "so the audit log cannot be checked here. Check it on the computer and user "
            "account that wrote it."
        ),
    }
)

_cache: dict[str, bytes] = {}
_lock = threading.Lock()


def audit_key(branch_id: str, *, create: bool = True) -> bytes:
    """The HMAC key of ``branch_id``; created and stored on first use if ``create``.

    Raises ``KamdeskError``: ``audit.no_keyring`` when the credential store fails,
    ``audit.key_missing`` when there is no key and ``create`` is false.
    """
    with _lock:
        cached = _cache.get(branch_id)
        if cached is not None:
            return cached
        try:
            stored = keyring.get_password(KEYRING_SERVICE, branch_id)
            if stored is None:
                if not create:
                    raise KamdeskError("audit.key_missing", branch=branch_id)
                keyring.set_password(KEYRING_SERVICE, branch_id, secrets.token_hex(KEY_BYTES))
                stored = keyring.get_password(KEYRING_SERVICE, branch_id)
                if stored is None:
                    raise KeyringError("the credential store did not keep the key")
        except KeyringError as exc:
            raise KamdeskError("audit.no_keyring", error=str(exc) or type(exc).__name__) from exc
        key = bytes.fromhex(stored)
        _cache[branch_id] = key
        return key


def forget_keys() -> None:
    """Drop the in-process cache (tests that swap the credential store)."""
    with _lock:
        _cache.clear()
