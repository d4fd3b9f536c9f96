"""How a benchmark declares itself and what it reports.

A benchmark is a function ``(ctx: Context) -> list[Measurement]`` registered with
:func:`benchmark`. Each :class:`Measurement` is one figure with the baseline measured
in the same run, and optionally a budget; the ratio is figure / baseline.
"""

from __future__ import annotations

import statistics
import subprocess
import sys
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


@dataclass(frozen=True)
class Measurement:
    """``figure`` against ``baseline`` (same unit); ``budget`` limits the figure."""

    name: str
    figure: float
    baseline: float
    unit: str
    budget: float | None = None
    higher_is_better: bool = False
    baseline_label: str = ""
    detail: str = ""

    @property
    def ratio(self) -> float:
        return self.figure / self.baseline if self.baseline else float("inf")

    @property
    def verdict(self) -> str:
        if self.budget is None:
            return "no budget"
        ok = self.figure >= self.budget if self.higher_is_better else self.figure <= self.budget
        return "within budget" if ok else "OVER BUDGET"


@dataclass
class Context:
    """What a benchmark may use: the scale, the dataset (built or reused), the python."""

    scale: str
    dataset: Callable[[], Path]
    python: str = sys.executable
    notes: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class Benchmark:
    name: str
    description: str
    run: Callable[[Context], list[Measurement]]
    order: int = 100


REGISTRY: dict[str, Benchmark] = {}


def benchmark(
    name: str, description: str, order: int = 100
) -> Callable[[Callable[[Context], list[Measurement]]], Callable[[Context], list[Measurement]]]:
    """Register the decorated function as benchmark ``name`` (lower ``order`` runs first)."""

    def register(
        func: Callable[[Context], list[Measurement]],
    ) -> Callable[[Context], list[Measurement]]:
        if name in REGISTRY:
            raise ValueError(f"benchmark {name!r} registered twice")
        REGISTRY[name] = Benchmark(name, description, func, order)
        return func

    return register


def timed_runs(
    command: Sequence[str], runs: int, env: dict[str, str] | None = None, warmup: int = 1
) -> list[float]:
    """Wall-clock seconds of ``runs`` runs of ``command`` (after ``warmup`` untimed runs);
    a failing run raises with its output."""
    samples = []
    for i in range(warmup + runs):
        start = time.perf_counter()
        done = subprocess.run(command, env=env, capture_output=True, text=True, cwd=ROOT)
        elapsed = time.perf_counter() - start
        if done.returncode != 0:
            raise RuntimeError(
                f"{' '.join(command)} exited with {done.returncode}:\n{done.stdout}{done.stderr}"
            )
        if i >= warmup:
            samples.append(elapsed)
    return samples


def median(samples: Sequence[float]) -> float:
    return statistics.median(samples)
