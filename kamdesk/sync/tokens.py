"""The device token in the operating system's credential store (``keyring``).

HQ keeps only a hash of the token; the desktop keeps the token itself only here,
never in its database or settings files. Entries are keyed by the local database's
device id, so two databases on one computer keep their own tokens.
"""

from __future__ import annotations

import keyring
from keyring.errors import KeyringError, PasswordDeleteError

from kamdesk.errors import KamdeskError, define
from kamdesk.i18n import N_

SERVICE = "kamdesk-sync"

define(
    {
        "sync.keyring_unavailable": N_(
            "The system's credential store cannot be used to keep the HQ token: {detail}"
        ),
    }
)


def save_token(device_id: str, token: str) -> None:
    try:
        keyring.set_password(SERVICE, device_id, token)
    except KeyringError as exc:
        raise KamdeskError("sync.keyring_unavailable", detail=str(exc)) from exc


def load_token(device_id: str) -> str | None:
    try:
        return keyring.get_password(SERVICE, device_id)
    except KeyringError as exc:
        raise KamdeskError("sync.keyring_unavailable", detail=str(exc)) from exc


def forget_token(device_id: str) -> None:
    try:
        keyring.delete_password(SERVICE, device_id)
    except PasswordDeleteError:
        return
    except KeyringError as exc:
        raise KamdeskError("sync.keyring_unavailable", detail=str(exc)) from exc
