"""KAMDesk developer entry point: the two commands of the README.

    python kd.py app    start the desktop app on a local demo database
    python kd.py test   lint, import contracts, type checks and the whole test suite

Needs only Python 3.11+. Each command creates (or reuses) the isolated environment
``.venv`` next to this file and re-installs the project only when ``pyproject.toml``
changed, so a second run starts in seconds. Extra arguments after ``test`` go to
pytest, which runs one process per core unless they say otherwise (``-n 0``);
extra arguments after ``app`` go to ``kamdesk``.
"""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys
import venv
from pathlib import Path

ROOT = Path(__file__).resolve().parent
VENV = ROOT / ".venv"
STAMP = VENV / "kamdesk-install.stamp"
DEMO_DB = ROOT / ".demo" / "kamdesk-demo.sqlite"
DEMO_ARGS = ["--accounts", "3000", "--orders", "30000", "--seed", "20261122"]


def _bin(name: str) -> Path:
    sub = "Scripts" if os.name == "nt" else "bin"
    suffix = ".exe" if os.name == "nt" else ""
    return VENV / sub / f"{name}{suffix}"


def _run(args: list[str | Path], **kw: object) -> int:
    print("+", " ".join(str(a) for a in args), flush=True)
    return subprocess.call([str(a) for a in args], cwd=ROOT, **kw)  # type: ignore[arg-type]


def ensure_env() -> Path:
    """Create .venv and install the project in it unless it is already current."""
    if sys.version_info < (3, 11):  # noqa: UP036 - kd.py runs on whatever python the user has
        sys.exit("KAMDesk needs Python 3.11 or newer.")
    want = hashlib.sha256((ROOT / "pyproject.toml").read_bytes()).hexdigest()
    python = _bin("python")
    if python.exists() and STAMP.exists() and STAMP.read_text().strip() == want:
        return python
    if not python.exists():
        print("Creating the isolated environment in .venv …", flush=True)
        venv.EnvBuilder(with_pip=True, clear=True).create(VENV)
    pip = [python, "-m", "pip", "install", "--disable-pip-version-check", "-q"]
    if _run([*pip, "--upgrade", "pip"]) or _run([*pip, "-e", f"{ROOT}[dev]"]):
        sys.exit("Installing the project into .venv failed (see pip's message above).")
    STAMP.write_text(want)
    return python


def _test_processes(extra: list[str]) -> list[str]:
    """pytest-xdist options: one test process per core (at most four), a test file's
    tests kept in one process (they share module fixtures); none if ``extra`` chose."""
    if any(a.startswith(("-n", "--numprocesses", "--dist")) or a == "no:xdist" for a in extra):
        return []
    workers = min(4, os.cpu_count() or 1)
    return ["-n", str(workers), "--dist", "loadfile"] if workers > 1 else []


def cmd_test(extra: list[str]) -> int:
    python = ensure_env()
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    steps: list[tuple[str, list[str | Path]]] = [
        ("ruff lint", [python, "-m", "ruff", "check", "."]),
        ("ruff format", [python, "-m", "ruff", "format", "--check", "."]),
        ("import contracts", [_bin("lint-imports")]),
        ("mypy", [python, "-m", "mypy"]),
        ("pytest", [python, "-m", "pytest", *_test_processes(extra), *extra]),
    ]
    failed = [name for name, args in steps if _run(args) != 0]
    if failed:
        print(f"\nFAILED steps: {', '.join(failed)}", flush=True)
        return 1
    print("\nAll checks passed.", flush=True)
    return 0


def cmd_app(extra: list[str]) -> int:
    ensure_env()
    kamdesk = _bin("kamdesk")
    if not DEMO_DB.exists():
        DEMO_DB.parent.mkdir(exist_ok=True)
        rc = _run([kamdesk, "demo", "--db", DEMO_DB, *DEMO_ARGS])
        if rc:
            return rc
    return _run([kamdesk, "--db", DEMO_DB, *extra])


def main() -> int:
    commands = {"app": cmd_app, "test": cmd_test}
    if len(sys.argv) < 2 or sys.argv[1] not in commands:
        print(__doc__)
        return 2
    return commands[sys.argv[1]](sys.argv[2:])


if __name__ == "__main__":
    sys.exit(main())
