"""Build the one-folder bundle, check it with ``--self-test``, then (Windows) the installer.

    py packaging\\build.py                 Windows: bundle + self-test + Setup .exe
    python packaging/build.py --dist /tmp/kd-dist --work /tmp/kd-work   (Linux: bundle + self-test)

Run it with the project's environment (``.venv``, with the ``build`` extra installed:
``pip install -e .[build]``). The bundle lands in ``<dist>/KAMDesk``; the installer
in ``<dist>/KAMDesk-<version>-setup.exe`` (needs Inno Setup 6's ``ISCC.exe`` on PATH
or in its default folder; ``--no-installer`` skips it). Exit status 0 only when every
step passed.
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
from importlib.metadata import version
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
SPEC = HERE / "kamdesk.spec"
ISS = HERE / "kamdesk.iss"
BUNDLE_NAME = "KAMDesk"
ICON_NAME = "kamdesk.ico"
ISCC_FOLDERS = (
    Path(os.environ.get("PROGRAMFILES(X86)", r"C:\Program Files (x86)")) / "Inno Setup 6",
    Path(os.environ.get("PROGRAMFILES", r"C:\Program Files")) / "Inno Setup 6",
    Path(os.environ.get("LOCALAPPDATA", r"C:\missing")) / "Programs" / "Inno Setup 6",
)


def build_bundle(dist: Path, work: Path) -> Path:
    """Run PyInstaller on the spec; returns the bundle folder. Raises on failure."""
    if shutil.which("pyinstaller") is None and not _has_pyinstaller():
        raise SystemExit("PyInstaller is not installed: pip install -e .[build]")
    write_icon(work / ICON_NAME)
    args = [sys.executable, "-m", "PyInstaller", "--noconfirm"]
    args += ["--distpath", str(dist), "--workpath", str(work), str(SPEC)]
    _run(args, env={**os.environ, "KAMDESK_ICO": str(work / ICON_NAME)})
    return dist / BUNDLE_NAME


def write_icon(path: Path) -> None:
    """The Windows icon of the programs and the installer, drawn from the app's SVG."""
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PySide6.QtGui import QGuiApplication

    from kamdesk.ui.icons import write_ico

    _app = QGuiApplication.instance() or QGuiApplication([])
    path.parent.mkdir(parents=True, exist_ok=True)
    write_ico(path)


def self_test(bundle: Path) -> None:
    """Start the bundled console program with ``--self-test``; raises unless it exits 0."""
    suffix = ".exe" if sys.platform == "win32" else ""
    _run([str(bundle / f"kamdesk-cli{suffix}"), "--self-test"])


def build_installer(bundle: Path, dist: Path, work: Path) -> Path:
    """Compile the Inno Setup script over ``bundle``; returns the Setup program."""
    iscc = shutil.which("ISCC") or next(
        (str(f / "ISCC.exe") for f in ISCC_FOLDERS if (f / "ISCC.exe").is_file()), None
    )
    if iscc is None:
        raise SystemExit("Inno Setup 6 (ISCC.exe) was not found; install it or pass --no-installer")
    app_version = version("kamdesk")
    _run(
        [
            iscc,
            f"/DAppVersion={app_version}",
            f"/DBundleDir={bundle}",
            f"/DIconFile={work / ICON_NAME}",
            f"/O{dist}",
            str(ISS),
        ]
    )
    return dist / f"KAMDesk-{app_version}-setup.exe"


def _has_pyinstaller() -> bool:
    try:
        import PyInstaller  # noqa: F401
    except ImportError:
        return False
    return True


def _run(args: list[str], env: dict[str, str] | None = None) -> None:
    print("+", " ".join(args), flush=True)
    subprocess.run(args, cwd=ROOT, check=True, env=env)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--dist", type=Path, default=ROOT / "dist", help="output folder")
    parser.add_argument("--work", type=Path, default=ROOT / "build", help="PyInstaller's cache")
    parser.add_argument(
        "--no-installer", action="store_true", help="bundle and self-test only (Windows)"
    )
    args = parser.parse_args(argv)
    try:
        bundle = build_bundle(args.dist.absolute(), args.work.absolute())
        self_test(bundle)
        print(f"Bundle: {bundle}")
        if sys.platform == "win32" and not args.no_installer:
            print(
                f"Installer: {build_installer(bundle, args.dist.absolute(), args.work.absolute())}"
            )
    except subprocess.CalledProcessError as exc:
        print(f"FAILED ({exc.returncode}): {' '.join(map(str, exc.cmd))}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
