"""Run the benchmarks: ``python -m benchmarks.run [--scale small|full] [--only NAME]``.

Imports every module of the ``benchmarks`` package (one per area; names starting with
``_`` are helpers), runs the registered benchmarks in their order, prints each figure
with its baseline and ratio, and records them in ``benchmarks/RESULTS.md``. The exit
status is 1 when a benchmark failed or a figure is over its budget.
"""

from __future__ import annotations

import argparse
import importlib
import pkgutil
import sys
import traceback
from pathlib import Path

import benchmarks
from benchmarks import datasets, results
from benchmarks.registry import REGISTRY, Context, Measurement

HELPERS = {"run", "registry", "datasets", "results"}


def discover() -> None:
    for module in pkgutil.iter_modules(benchmarks.__path__):
        if module.name.startswith("_") or module.name in HELPERS:
            continue
        importlib.import_module(f"benchmarks.{module.name}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.run", description=__doc__)
    parser.add_argument("--scale", choices=sorted(datasets.SCALES), default="small")
    parser.add_argument("--only", action="append", help="benchmark name (repeatable)")
    parser.add_argument("--list", action="store_true", help="list the benchmarks and exit")
    args = parser.parse_args(argv)
    discover()
    chosen = sorted(REGISTRY.values(), key=lambda b: (b.order, b.name))
    if args.list:
        for bench in chosen:
            print(f"{bench.name:20s} {bench.description}")
        return 0
    if args.only:
        unknown = set(args.only) - set(REGISTRY)
        if unknown:
            parser.error(f"unknown benchmark(s): {', '.join(sorted(unknown))}")
        chosen = [b for b in chosen if b.name in args.only]

    scale = datasets.SCALES[args.scale]
    built: list[Path] = []

    def dataset() -> Path:
        if not built:
            built.append(datasets.ensure(scale))
        return built[0]

    command = f".venv/bin/python -m benchmarks.run --scale {args.scale}"
    if args.only:
        command += "".join(f" --only {name}" for name in args.only)
    ctx = Context(scale=args.scale, dataset=dataset)
    measured: list[tuple[str, Measurement]] = []
    failed = False
    for bench in chosen:
        print(f"== {bench.name}: {bench.description}", flush=True)
        try:
            found = bench.run(ctx)
        except Exception:
            traceback.print_exc()
            failed = True
            continue
        for m in found:
            budget = "" if m.budget is None else f", budget {m.budget:g} {m.unit}"
            print(
                f"   {m.name}: {m.figure:,.3f} {m.unit} | baseline {m.baseline:,.3f} {m.unit} "
                f"({m.baseline_label}) | ratio {m.ratio:.2f}{budget} | {m.verdict}",
                flush=True,
            )
            measured.append((bench.name, m))
            failed = failed or m.verdict == "OVER BUDGET"
    if measured:
        results.record(args.scale, measured, command)
        print(f"recorded in {results.RESULTS_MD.relative_to(datasets.ROOT)}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
