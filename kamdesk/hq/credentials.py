"""Device tokens and one-time registration codes: made here, stored only as hashes.

- A device token is 32 random bytes (URL-safe text with a ``kdt_`` prefix so secret
  scanners recognise it). HQ stores SHA-256 of it and can never show it again.
- A registration code is 80 random bits written as four groups of four Crockford
  base32 characters (``7K3M-Q9TZ-…``): no I, L, O or U, so it reads out loud and types
  without confusion. Reading is forgiving: case, spaces and dashes are ignored and
  ``I/L → 1``, ``O → 0`` as Crockford prescribes. HQ stores SHA-256 of the normal form.

80 bits make guessing hopeless within a code's lifetime (days), so a fast hash is
enough; nothing here needs a slow password hash.
"""

from __future__ import annotations

import hashlib
import secrets

from kamdesk.errors import KamdeskError

TOKEN_PREFIX = "kdt_"
TOKEN_BYTES = 32
CROCKFORD = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
CODE_GROUPS = 4
CODE_GROUP_LEN = 4
CODE_LEN = CODE_GROUPS * CODE_GROUP_LEN
_READ_AS = str.maketrans({"I": "1", "L": "1", "O": "0"})


def _sha256(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def new_token() -> tuple[str, str]:
    """A fresh device token and its hash; hand the token out once, keep the hash."""
    token = TOKEN_PREFIX + secrets.token_urlsafe(TOKEN_BYTES)
    return token, hash_token(token)


def hash_token(token: str) -> str:
    return _sha256(token)


def new_registration_code() -> str:
    """A fresh code in display form, e.g. ``7K3M-Q9TZ-B2XR-HN0W``."""
    chars = "".join(secrets.choice(CROCKFORD) for _ in range(CODE_LEN))
    return "-".join(chars[i : i + CODE_GROUP_LEN] for i in range(0, CODE_LEN, CODE_GROUP_LEN))


def normalize_code(typed: str) -> str:
    """The canonical 16 characters of a typed code; refuses anything that cannot be one."""
    text = "".join(typed.split()).replace("-", "").upper().translate(_READ_AS)
    if len(text) != CODE_LEN or any(ch not in CROCKFORD for ch in text):
        raise KamdeskError("register.malformed_code")
    return text


def hash_code(typed: str) -> str:
    """SHA-256 of the normal form, so ``abcd efgh…`` and ``ABCD-EFGH-…`` match."""
    return _sha256(normalize_code(typed))
