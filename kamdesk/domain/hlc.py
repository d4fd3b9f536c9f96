"""Hybrid logical clock (HLC) stamps that order edits across devices.

A stamp is ``"{wall_ms:013d}-{counter:05d}-{node}"``; comparing the strings compares
the stamps (wall time, then counter, then node as the tie-break), so SQL can order
by them. Guarantee: stamps issued by one :class:`HybridClock` strictly increase,
even when the wall clock steps back; :meth:`HybridClock.observe` folds in a remote
stamp so causality holds. Hazard: a remote stamp further ahead than ``max_drift_ms``
is clamped to our wall time plus that drift, so one bad clock cannot poison the rest.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from dataclasses import dataclass


@dataclass(frozen=True, order=True)
class Stamp:
    wall_ms: int
    counter: int
    node: str

    def encode(self) -> str:
        return f"{self.wall_ms:013d}-{self.counter:05d}-{self.node}"

    @classmethod
    def decode(cls, text: str) -> Stamp:
        wall, counter, node = text.split("-", 2)
        return cls(int(wall), int(counter), node)


class HybridClock:
    """One per device (node). Thread-safe."""

    def __init__(
        self,
        node: str,
        last: str | None = None,
        now_ms: Callable[[], int] | None = None,
        max_drift_ms: int = 5 * 60_000,
    ) -> None:
        self.node = node
        self._now = now_ms or (lambda: time.time_ns() // 1_000_000)
        self._last = Stamp.decode(last) if last else Stamp(0, 0, node)
        self._max_drift = max_drift_ms
        self._lock = threading.Lock()

    def now(self) -> str:
        """A new stamp, greater than every stamp issued or observed before."""
        with self._lock:
            wall = self._now()
            if wall > self._last.wall_ms:
                self._last = Stamp(wall, 0, self.node)
            else:
                self._last = Stamp(self._last.wall_ms, self._last.counter + 1, self.node)
            return self._last.encode()

    def observe(self, remote: str) -> str:
        """Fold a received stamp into the clock; returns the clamped remote stamp."""
        stamp = Stamp.decode(remote)
        with self._lock:
            ceiling = self._now() + self._max_drift
            if stamp.wall_ms > ceiling:
                stamp = Stamp(ceiling, stamp.counter, stamp.node)
            if (stamp.wall_ms, stamp.counter) > (self._last.wall_ms, self._last.counter):
                self._last = Stamp(stamp.wall_ms, stamp.counter, self.node)
            return stamp.encode()

    @property
    def last(self) -> str:
        return self._last.encode()
