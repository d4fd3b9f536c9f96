"""Deterministic UUIDv7 ids for demo rows.

:func:`kamdesk.domain.ids.uuid7` reads the wall clock and ``os.urandom``, so the same
seed would give different ids on every run. Demo ids are minted as if by one bulk
import that ended before the demo's "now": each generation chunk gets its own
millisecond (``base_ms + chunk``) and numbers its rows with a 30-bit counter at the
top of ``rand_b`` (``rand_a`` is zero); the low 32 bits of ``rand_b`` come from the
chunk's seeded random generator.

Guarantees: valid RFC 9562 version-7 variant-10 ids; unique across every table of
one database; strictly increasing in insertion order, because chunks are inserted in
chunk order and rows of a chunk in minting order. That keeps every primary-key index
growing at its right edge, which is what makes a million-order load fast.
Hazard: an id's timestamp is the import instant, not the row's ``created_at``.
"""

from __future__ import annotations

import random

MAX_ROWS_PER_CHUNK = 1 << 30
_RAND_BITS = 32  # rand_b (62 bits) = 30 counter bits + 32 random bits


class IdMinter:
    """Ids for one chunk. Not thread-safe; one per chunk job."""

    __slots__ = ("_count", "_prefix", "_rng")

    def __init__(self, ms: int, rng: random.Random) -> None:
        hex_ms = f"{ms & ((1 << 48) - 1):012x}"
        self._prefix = f"{hex_ms[:8]}-{hex_ms[8:]}-7000-"
        self._count = 0
        self._rng = rng

    def __call__(self) -> str:
        n = self._count
        if n >= MAX_ROWS_PER_CHUNK:
            raise OverflowError("too many rows in one demo chunk")
        self._count = n + 1
        low = (0b10 << 62) | (n << _RAND_BITS) | self._rng.getrandbits(_RAND_BITS)
        return f"{self._prefix}{low >> 48:04x}-{low & 0xFFFFFFFFFFFF:012x}"

    @property
    def minted(self) -> int:
        return self._count
