"""The retry timer's backoff grows with failures, stays under its cap, and is jittered."""

from __future__ import annotations

import random

from kamdesk.sync.engine import backoff_delay


def test_backoff_grows_is_capped_and_jittered():
    rng = random.Random(4)
    first = [backoff_delay(1, base_s=30, cap_s=900, rng=rng) for _ in range(200)]
    late = [backoff_delay(12, base_s=30, cap_s=900, rng=rng) for _ in range(200)]
    assert all(15 <= d <= 60 for d in first)
    assert all(15 <= d <= 900 for d in late)
    assert max(late) > 600  # it does grow
    assert len({round(d, 3) for d in late}) > 150  # jitter: desktops do not retry in step
    assert backoff_delay(0, base_s=30) == 30
