"""UUIDv7 identifiers made on the desktop (RFC 9562), as 36-character strings.

Guarantee: ids made by one process are strictly increasing, even within one
millisecond and when the wall clock steps back (the last timestamp is kept and a
12-bit counter plus random bits carry the order), so keys sort by creation.
"""

from __future__ import annotations

import os
import threading
import time
import uuid

_lock = threading.Lock()
_last_ms = 0
_last_counter = 0


def uuid7(now_ms: int | None = None) -> str:
    """Return a new UUIDv7 string, monotonic within this process."""
    global _last_ms, _last_counter
    with _lock:
        ms = time.time_ns() // 1_000_000 if now_ms is None else now_ms
        if ms <= _last_ms:
            ms = _last_ms
            _last_counter += 1
            if _last_counter > 0xFFF:
                ms += 1
                _last_counter = int.from_bytes(os.urandom(2), "big") & 0x7FF
        else:
            _last_counter = int.from_bytes(os.urandom(2), "big") & 0x7FF
        _last_ms = ms
        counter = _last_counter
    rand_b = int.from_bytes(os.urandom(8), "big") & ((1 << 62) - 1)
    value = (ms & ((1 << 48) - 1)) << 80 | 0x7 << 76 | counter << 64 | 0b10 << 62 | rand_b
    return str(uuid.UUID(int=value))


def uuid7_time_ms(value: str) -> int:
    """The Unix time in milliseconds encoded in a UUIDv7 string."""
    return uuid.UUID(value).int >> 80
