"""The import contracts in pyproject.toml really bite: a wrong arrow fails the suite."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
LINT_IMPORTS = Path(sys.executable).with_name("lint-imports")


def _lint(tree: Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONPATH": str(tree)}
    return subprocess.run(
        [str(LINT_IMPORTS), "--config", str(tree / "pyproject.toml"), "--no-cache"],
        cwd=tree,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


@pytest.fixture()
def tree_copy(tmp_path: Path) -> Path:
    shutil.copytree(ROOT / "kamdesk", tmp_path / "kamdesk", ignore=shutil.ignore_patterns("*.pyc"))
    shutil.copy(ROOT / "pyproject.toml", tmp_path / "pyproject.toml")
    return tmp_path


def test_the_untouched_tree_keeps_its_contracts(tree_copy: Path):
    result = _lint(tree_copy)
    assert result.returncode == 0, result.stdout


@pytest.mark.parametrize(
    ("module", "line", "contract"),
    [
        ("domain/clock.py", "import PySide6.QtCore", "Only kamdesk.ui and kamdesk.app import Qt"),
        ("domain/clock.py", "import sqlalchemy", "Domain is pure"),
        ("reports/__init__.py", "import kamdesk.db.models", "Reports read plain contexts"),
        ("db/__init__.py", "import kamdesk.services", "Layers"),
    ],
)
def test_a_forbidden_import_breaks_the_contracts(tree_copy: Path, module: str, line: str, contract):
    target = tree_copy / "kamdesk" / module
    target.write_text(target.read_text(encoding="utf-8") + f"\n{line}\n", encoding="utf-8")
    result = _lint(tree_copy)
    assert result.returncode != 0
    assert contract in result.stdout
    assert "BROKEN" in result.stdout
