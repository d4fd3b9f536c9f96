"""Font discovery fails clearly; the report modules stay out of the app's start-up."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from kamdesk.errors import KamdeskError
from kamdesk.reports import fonts


def test_the_chinese_font_is_registered_once() -> None:
    from reportlab.pdfbase import pdfmetrics

    assert fonts.register_cjk_font() == fonts.FONT_NAME
    first = pdfmetrics.getFont(fonts.FONT_NAME)
    assert fonts.register_cjk_font() == fonts.FONT_NAME
    assert pdfmetrics.getFont(fonts.FONT_NAME) is first
    assert fonts.registered_font() is not None


def test_no_usable_font_names_every_place_searched(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    not_a_font = tmp_path / "broken.ttf"
    not_a_font.write_bytes(b"not a font")
    missing = tmp_path / "msyh.ttc"
    monkeypatch.setattr(fonts, "_registered", None)
    monkeypatch.setattr(
        fonts,
        "candidates",
        lambda: [fonts.FontCandidate(missing, 0), fonts.FontCandidate(not_a_font)],
    )
    with pytest.raises(KamdeskError) as failure:
        fonts.register_cjk_font()
    assert failure.value.code == "reports.no_cjk_font"
    text = failure.value.message()
    assert f"{missing}#0 (不存在)" in text
    assert f"{not_a_font} (无法使用" in text
    assert "fonts-wqy-zenhei" in text


def test_the_environment_variable_comes_first(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(fonts.ENV_VAR, r"D:\fonts\simsun.ttc#1")
    first = fonts.candidates()[0]
    assert (first.path, first.subfont_index) == (Path(r"D:\fonts\simsun.ttc"), 1)


def test_windows_fonts_are_searched_first_on_windows(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(fonts.ENV_VAR, raising=False)
    monkeypatch.setattr(sys, "platform", "win32")
    monkeypatch.setenv("WINDIR", r"C:\Windows")
    names = [c.path.name for c in fonts.candidates()]
    assert names[:2] == ["msyh.ttc", "msyh.ttf"]
    assert "simsun.ttc" in names and "wqy-zenhei.ttc" in names


def test_importing_the_report_api_does_not_load_reportlab_or_pypdf() -> None:
    code = (
        "import sys\n"
        "import kamdesk.reports.workorder_pdf, kamdesk.reports.verify\n"
        "import kamdesk.reports.workorder_context, kamdesk.reports.fonts\n"
        "loaded = [m for m in ('reportlab', 'pypdf') if m in sys.modules]\n"
        "print(','.join(loaded))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == ""
