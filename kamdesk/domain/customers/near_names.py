"""Near-identical names among many: an index that finds them without comparing all.

A sheet of 5,000 new accounts checked against 100k stored ones would be 500 million
comparisons. :class:`NearNameIndex` keeps, for every character, the keys holding it,
and compares a name only with the keys that hold at least one of its rarest
characters — exactly the keys that can still reach the threshold:

    ratio(a, b) >= t  ⇔  LCS(a, b) >= t·(|a| + |b|) / 2

and ``|b| >= |a|·t/(2−t)`` (else the ratio is below ``t`` whatever the characters),
so at most ``k = |a| − t·(|a| + ⌈|a|·t/(2−t)⌉)/2`` positions of ``a`` stay outside
the common subsequence. A key holding none of the characters at ``k + 1`` chosen
positions of ``a`` misses all of them, so it cannot be a match: the filter never
drops a real one. The scores are those of :func:`.names.name_similarity`.
"""

from __future__ import annotations

import math
from collections import Counter

from rapidfuzz import fuzz, process

from kamdesk.domain.customers.names import DEFAULT_THRESHOLD, NearDuplicate, normalize_name


class NearNameIndex:
    """Names added with an id; :meth:`find` returns those near a given name."""

    def __init__(self, threshold: float = DEFAULT_THRESHOLD) -> None:
        self.threshold = threshold
        self._keys: list[str] = []
        self._entries: list[tuple[str, str]] = []  # (id, name as stored)
        self._holding: dict[str, list[int]] = {}  # character → indexes of keys holding it

    def __len__(self) -> int:
        return len(self._keys)

    def add(self, entry_id: str, name: str, key: str | None = None) -> None:
        """Index ``name`` (``key``: its stored :func:`normalize_name`, if known)."""
        key = normalize_name(name) if key is None else key
        if not key:
            return
        index = len(self._keys)
        self._keys.append(key)
        self._entries.append((entry_id, name))
        for char in set(key):
            self._holding.setdefault(char, []).append(index)

    def find(self, name: str, *, limit: int = 3) -> list[NearDuplicate]:
        """Indexed names at least ``threshold`` alike to ``name``, best first (ties in
        the order they were added)."""
        key = normalize_name(name)
        if not key:
            return []
        candidates = self._candidates(key)
        if not candidates:
            return []
        keys = [self._keys[i] for i in candidates]
        matches = process.extract(
            key, keys, scorer=fuzz.ratio, score_cutoff=self.threshold, limit=None
        )
        found = sorted(((-score, candidates[at]) for _, score, at in matches))[:limit]
        return [NearDuplicate(*self._entries[i], score=-score) for score, i in found]

    def _candidates(self, key: str) -> list[int]:
        t = self.threshold / 100
        shortest = _ceil(len(key) * t / (2 - t))
        outside = len(key) - _ceil(t * (len(key) + shortest) / 2)
        chosen = sorted(Counter(key).items(), key=lambda kv: len(self._holding.get(kv[0], ())))
        picked: set[int] = set()
        positions = 0
        for char, count in chosen:  # rarest first, each character for all its positions
            picked.update(self._holding.get(char, ()))
            positions += count
            if positions > outside:
                return sorted(picked)
        return list(range(len(self._keys)))  # too short to filter: compare with all


def _ceil(value: float) -> int:
    """``ceil`` that does not round a whole number up for a float error (which would
    make the filter drop real matches)."""
    return math.ceil(value - 1e-9)
