"""UUIDv7 identifiers made on the desktop (RFC 9562), as 36-character strings.

Guarantee: ids made by one generator are strictly increasing, even within one
millisecond and when the wall clock steps back (the last timestamp is kept and a
12-bit counter plus random bits carry the order), so keys sort by creation.
The module-level :func:`uuid7` uses one process-wide generator.
"""

from __future__ import annotations

import os
import threading
import time
import uuid


class Uuid7Generator:
    """A monotonic UUIDv7 source; thread-safe."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._last_ms = 0
        self._last_counter = 0

    def __call__(self, now_ms: int | None = None) -> str:
        with self._lock:
            ms = time.time_ns() // 1_000_000 if now_ms is None else now_ms
            if ms <= self._last_ms:
                ms = self._last_ms
                self._last_counter += 1
                if self._last_counter > 0xFFF:
                    ms += 1
                    self._last_counter = _random_counter()
            else:
                self._last_counter = _random_counter()
            self._last_ms = ms
            counter = self._last_counter
        rand_b = int.from_bytes(os.urandom(8), "big") & ((1 << 62) - 1)
        value = (ms & ((1 << 48) - 1)) << 80 | 0x7 << 76 | counter << 64 | 0b10 << 62 | rand_b
        return str(uuid.UUID(int=value))


def _random_counter() -> int:
    return int.from_bytes(os.urandom(2), "big") & 0x7FF


uuid7 = Uuid7Generator()
"""Return a new UUIDv7 string, monotonic within this process."""


def uuid7_time_ms(value: str) -> int:
    """The Unix time in milliseconds encoded in a UUIDv7 string."""
    return uuid.UUID(value).int >> 80
