"""A seeded generator with cheaper ``choice``, ``randrange``, ``randint`` and single
weighted ``choices`` than :class:`random.Random`'s (which reject-sample bits in
Python). Each draw costs one call of the C ``random()``; the bias is below 2⁻³⁰ for
the ranges used here. Deterministic like its base: same seed, same sequence.
"""

from __future__ import annotations

import random
from bisect import bisect_right
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any, TypeVar

if TYPE_CHECKING:
    from _typeshed import SupportsLenAndGetItem

T = TypeVar("T")


class FastRandom(random.Random):
    def choice(self, seq: SupportsLenAndGetItem[T]) -> T:
        return seq[int(self.random() * len(seq))]

    def randrange(self, start: int, stop: int | None = None, step: int = 1) -> int:
        if stop is None:
            start, stop = 0, start
        if step != 1:
            return super().randrange(start, stop, step)
        if stop <= start:
            raise ValueError(f"empty range for randrange({start}, {stop})")
        return start + int(self.random() * (stop - start))

    def randint(self, a: int, b: int) -> int:
        return a + int(self.random() * (b - a + 1))

    def choices(  # type: ignore[override]
        self,
        population: Sequence[T],
        weights: Sequence[float] | None = None,
        *,
        cum_weights: Sequence[float] | None = None,
        k: int = 1,
    ) -> list[T]:
        if k != 1 or (weights is None and cum_weights is None):
            return super().choices(population, weights, cum_weights=cum_weights, k=k)
        if cum_weights is None:
            assert weights is not None
            total = 0.0
            cum: list[float] = []
            for w in weights:
                total += w
                cum.append(total)
            cum_weights = cum
        at = bisect_right(cum_weights, self.random() * cum_weights[-1], 0, len(population) - 1)
        return [population[at]]


def seeded(*parts: Any) -> FastRandom:
    """A generator seeded from its parts, e.g. ``seeded(seed, "orders", chunk)``."""
    return FastRandom(":".join(str(p) for p in parts))
