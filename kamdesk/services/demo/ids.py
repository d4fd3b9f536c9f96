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
_HEX4 = tuple(f"{i:04x}" for i in range(1 << 16))
"""Four hex digits of every 16-bit number: an id is text-joined, not formatted, per row."""


class IdMinter:
    """Ids for one chunk. Not thread-safe; one per chunk job."""

    __slots__ = ("_bits", "_count", "_prefix")

    def __init__(self, ms: int, rng: random.Random) -> None:
        hex_ms = f"{ms & ((1 << 48) - 1):012x}"
        self._prefix = f"{hex_ms[:8]}-{hex_ms[8:]}-7000-"
        self._count = 0
        self._bits = rng.getrandbits

    def __call__(self) -> str:
        # rand_b = 0b10 (variant), 30 counter bits, 32 random bits; written as the
        # 4 hex digits "8000 | counter >> 16", "-", 4 for the counter's low 16 bits, 8 random.
        n = self._count
        if n >= MAX_ROWS_PER_CHUNK:
            raise OverflowError("too many rows in one demo chunk")
        self._count = n + 1
        return f"{self._prefix}{_HEX4[0x8000 | n >> 16]}-{_HEX4[n & 0xFFFF]}{self._bits(32):08x}"

    def many(self, count: int) -> list[str]:
        """``count`` ids at once: the same ids as ``count`` calls, for less time."""
        n = self._count
        if n + count > MAX_ROWS_PER_CHUNK:
            raise OverflowError("too many rows in one demo chunk")
        self._count = n + count
        prefix, bits, hex4 = self._prefix, self._bits, _HEX4
        return [
            f"{prefix}{hex4[0x8000 | k >> 16]}-{hex4[k & 0xFFFF]}{bits(32):08x}"
            for k in range(n, n + count)
        ]

    @property
    def minted(self) -> int:
        return self._count
