"""Start-up stays fast: the app imports heavy libraries only when a feature needs them."""

from __future__ import annotations

import subprocess
import sys

HEAVY = (
    "openpyxl",
    "reportlab",
    "xlsxwriter",
    "pypdf",
    "pypinyin",
    "PySide6.QtCharts",
    "PySide6.QtPdf",
)


def test_importing_the_app_and_building_its_services_loads_no_heavy_library() -> None:
    probe = (
        "import sys\n"
        "import kamdesk.app, kamdesk.cli\n"
        "from kamdesk.services.container import Services\n"
        f"print(','.join(m for m in {HEAVY!r} if m in sys.modules))\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, check=True, timeout=120
    )
    assert result.stdout.strip() == ""
