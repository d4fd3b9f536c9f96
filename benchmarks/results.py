"""``RESULTS.md``: the latest figure of every benchmark per scale, with the machine.

The latest results live in ``results.json`` (one entry per scale and figure, kept
when another benchmark runs alone) and ``RESULTS.md`` is written from it in full.
"""

from __future__ import annotations

import json
import os
import platform
import sqlite3
import sys
from dataclasses import asdict
from datetime import datetime
from importlib import metadata
from pathlib import Path

from benchmarks.registry import ROOT, Measurement

RESULTS_JSON = ROOT / "benchmarks" / "results.json"
RESULTS_MD = ROOT / "benchmarks" / "RESULTS.md"


def machine() -> dict[str, str]:
    cpu = platform.processor() or platform.machine()
    memory = ""
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal"):
                memory = f"{int(line.split()[1]) / 1024 / 1024:.1f} GB"
                break
    except OSError:
        pass
    try:
        pyside = metadata.version("PySide6-Essentials")
    except metadata.PackageNotFoundError:
        pyside = "not installed"
    return {
        "os": platform.platform(),
        "cpu": f"{cpu}, {os.cpu_count()} logical cores",
        "memory": memory or "unknown",
        "python": sys.version.split()[0],
        "sqlite": sqlite3.sqlite_version,
        "PySide6": pyside,
    }


def _fmt(value: float | None, unit: str) -> str:
    if value is None:
        return "—"
    if unit == "rows/s":
        return f"{value:,.0f} {unit}"
    if abs(value) >= 100:
        return f"{value:,.0f} {unit}"
    return f"{value:.2f} {unit}" if abs(value) < 10 else f"{value:.1f} {unit}"


def record(scale: str, measured: list[tuple[str, Measurement]], command: str) -> None:
    """Store this run's measurements and rewrite ``RESULTS.md``."""
    stored = json.loads(RESULTS_JSON.read_text()) if RESULTS_JSON.exists() else {}
    now = datetime.now().astimezone().isoformat(timespec="seconds")
    entries = stored.setdefault("results", {}).setdefault(scale, {})
    for bench, m in measured:
        entries[f"{bench}/{m.name}"] = {
            "benchmark": bench,
            "measurement": asdict(m),
            "ratio": m.ratio,
            "verdict": m.verdict,
            "date": now,
            "command": command,
        }
    stored.setdefault("machines", {})[scale] = machine()
    RESULTS_JSON.write_text(json.dumps(stored, indent=2, ensure_ascii=False) + "\n")
    RESULTS_MD.write_text(render(stored))


def render(stored: dict[str, object]) -> str:
    lines = [
        "# Benchmark results",
        "",
        "Written by `benchmarks/run.py` (do not edit by hand). Each figure comes with a",
        "baseline measured in the same run on the same machine; ratio = figure / baseline.",
        "",
    ]
    results = stored.get("results", {})
    machines = stored.get("machines", {})
    assert isinstance(results, dict) and isinstance(machines, dict)
    for scale in sorted(results):
        entries = results[scale]
        lines += [
            f"## Scale `{scale}`",
            "",
            "| benchmark | figure | baseline | ratio | budget | verdict | measured |",
            "|---|---|---|---|---|---|---|",
        ]
        commands = []
        for entry in entries.values():
            m = Measurement(**entry["measurement"])
            lines.append(
                f"| {entry['benchmark']}: {m.name} | {_fmt(m.figure, m.unit)} | "
                f"{_fmt(m.baseline, m.unit)} ({m.baseline_label}) | {m.ratio:.2f} | "
                f"{'≥' if m.higher_is_better else '≤'} {_fmt(m.budget, m.unit)} | "
                f"{entry['verdict']} | {entry['date']} |"
                if m.budget is not None
                else f"| {entry['benchmark']}: {m.name} | {_fmt(m.figure, m.unit)} | "
                f"{_fmt(m.baseline, m.unit)} ({m.baseline_label}) | {m.ratio:.2f} | — | "
                f"{entry['verdict']} | {entry['date']} |"
            )
            if entry["command"] not in commands:
                commands.append(entry["command"])
        lines.append("")
        details = [
            f"- {entry['benchmark']}: {entry['measurement']['name']}: "
            f"{entry['measurement']['detail']}"
            for entry in entries.values()
            if entry["measurement"]["detail"]
        ]
        if details:
            lines += ["Details:", "", *details, ""]
        lines += ["To repeat:", "", "```", *commands, "```", ""]
        machine_info = machines.get(scale, {})
        if machine_info:
            lines += ["Machine:", ""]
            lines += [f"- {key}: {value}" for key, value in machine_info.items()]
            lines.append("")
    return "\n".join(lines)
