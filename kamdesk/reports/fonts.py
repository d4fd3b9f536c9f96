"""Find and register the Chinese TrueType font that every KAMDesk PDF embeds.

Guarantees: :func:`register_cjk_font` registers exactly one font under :data:`FONT_NAME`
(once per process, thread-safe) and returns that name; the font covers common Chinese
characters and is embedded as a subset by reportlab, so PDFs print the same on any
printer. When no usable font exists it raises ``KamdeskError("reports.no_cjk_font")``
listing every place searched and why each candidate was refused.

Search order: ``KAMDESK_PDF_FONT`` (``path`` or ``path#index`` for a .ttc), fonts
bundled in ``kamdesk/resources/fonts``, then the operating system's fonts (Windows
first on Windows). Hazard: OpenType/CFF fonts (e.g. most Noto Sans CJK .ttc builds)
cannot be embedded by reportlab; they are tried and skipped with a reason.
"""

from __future__ import annotations

import os
import sys
import threading
from dataclasses import dataclass
from pathlib import Path

from kamdesk.errors import KamdeskError, define
from kamdesk.i18n import N_, tr

FONT_NAME = "KamdeskCJK"
ENV_VAR = "KAMDESK_PDF_FONT"
_PROBE = "业务单号签字"  # characters every work-order PDF prints

define(
    {
        "reports.no_cjk_font": N_(
            "No Chinese font for PDF output was found. Install Microsoft YaHei or SimSun "
            "(Windows) or WenQuanYi Zen Hei (Linux: apt-get install fonts-wqy-zenhei), or set "
            "KAMDESK_PDF_FONT to a TrueType font file. Searched: {places}"
        )
    }
)


@dataclass(frozen=True)
class FontCandidate:
    path: Path
    subfont_index: int = 0

    def describe(self) -> str:
        return (
            f"{self.path}#{self.subfont_index}"
            if self.path.suffix.lower() == ".ttc"
            else str(self.path)
        )


def _windows_candidates() -> list[FontCandidate]:
    dirs = [Path(os.environ.get("WINDIR", r"C:\Windows")) / "Fonts"]
    if local := os.environ.get("LOCALAPPDATA"):
        dirs.append(Path(local) / "Microsoft" / "Windows" / "Fonts")
    names = [("msyh.ttc", 0), ("msyh.ttf", 0), ("simsun.ttc", 0), ("simsun.ttf", 0)]
    return [FontCandidate(d / n, i) for d in dirs for n, i in names]


def _unix_candidates() -> list[FontCandidate]:
    files = [
        ("/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc", 0),
        ("/usr/share/fonts/wqy-zenhei/wqy-zenhei.ttc", 0),
        ("/usr/share/fonts/wenquanyi/wqy-zenhei/wqy-zenhei.ttc", 0),
        ("/usr/share/fonts/truetype/wqy/wqy-microhei.ttc", 0),
        ("/usr/share/fonts/truetype/noto/NotoSansSC-Regular.ttf", 0),
        ("/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc", 2),
        ("/usr/share/fonts/noto-cjk/NotoSansCJK-Regular.ttc", 2),
        ("/usr/share/fonts/google-noto-cjk/NotoSansCJK-Regular.ttc", 2),
        ("/usr/share/fonts/truetype/droid/DroidSansFallbackFull.ttf", 0),
        ("/Library/Fonts/Arial Unicode.ttf", 0),
        ("/System/Library/Fonts/Supplemental/Arial Unicode.ttf", 0),
    ]
    return [FontCandidate(Path(p), i) for p, i in files]


def candidates() -> list[FontCandidate]:
    """Every place searched, in order of preference."""
    found: list[FontCandidate] = []
    if spec := os.environ.get(ENV_VAR):
        path, _, index = spec.partition("#")
        found.append(FontCandidate(Path(path), int(index) if index.isdigit() else 0))
    bundled = Path(__file__).resolve().parent.parent / "resources" / "fonts"
    if bundled.is_dir():
        found += [FontCandidate(p) for p in sorted(bundled.glob("*.tt[cf]"))]
    system = [*_windows_candidates(), *_unix_candidates()]
    if sys.platform != "win32":
        system = [*_unix_candidates(), *_windows_candidates()]
    return found + system


_lock = threading.Lock()
_registered: FontCandidate | None = None


def _try_register(candidate: FontCandidate) -> str | None:
    """Register ``candidate``; returns ``None`` on success or the reason it was refused."""
    from reportlab.lib.fonts import addMapping
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import TTFont

    if not candidate.path.is_file():
        return tr("not found")
    try:
        font = TTFont(FONT_NAME, str(candidate.path), subfontIndex=candidate.subfont_index)
    except Exception as exc:
        return tr("unusable: {error}", error=exc)
    if any(ord(ch) not in font.face.charToGlyph for ch in _PROBE):
        return tr("no Chinese glyphs")
    pdfmetrics.registerFont(font)
    for bold in (0, 1):
        for italic in (0, 1):
            addMapping(FONT_NAME, bold, italic, FONT_NAME)
    return None


def register_cjk_font() -> str:
    """Register the first usable Chinese font (once) and return its reportlab name."""
    global _registered
    with _lock:
        if _registered is not None:
            return FONT_NAME
        searched: list[str] = []
        for candidate in candidates():
            reason = _try_register(candidate)
            if reason is None:
                _registered = candidate
                return FONT_NAME
            searched.append(f"{candidate.describe()} ({reason})")
        raise KamdeskError("reports.no_cjk_font", places="; ".join(searched))


def registered_font() -> FontCandidate | None:
    """The font file in use, or ``None`` before :func:`register_cjk_font` succeeded."""
    return _registered


FALLBACKS = str.maketrans({"\u2212": "-", "\u2022": "·"})
"""Characters some embeddable CJK fonts lack (WenQuanYi Zen Hei has neither the U+2212
minus sign nor the U+2022 bullet), with a look-alike printed instead so nothing
silently disappears."""


def printable(text: str) -> str:
    """``text`` with :data:`FALLBACKS` applied: what the embedded font can draw."""
    return text.translate(FALLBACKS)
