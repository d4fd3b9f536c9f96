"""Helpers to render work orders and read them back with poppler's command-line tools."""

from __future__ import annotations

import re
import shutil
import subprocess
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from kamdesk import i18n
from kamdesk.reports.workorder_context import WorkOrderContext
from kamdesk.reports.workorder_pdf import render_workorder_pdf

POPPLER = shutil.which("pdftotext") and shutil.which("pdffonts")
needs_poppler = pytest.mark.skipif(
    not POPPLER, reason="poppler-utils not installed (apt-get install -y poppler-utils)"
)


@pytest.fixture(autouse=True)
def _chinese() -> Iterator[None]:
    i18n.set_language("zh_CN")
    yield
    i18n.set_language("zh_CN")


@pytest.fixture()
def render(tmp_path: Path) -> Callable[[WorkOrderContext], Path]:
    counter = iter(range(10_000))

    def _render(ctx: WorkOrderContext) -> Path:
        out = tmp_path / f"order-{next(counter)}.pdf"
        render_workorder_pdf(ctx, out)
        return out

    return _render


def pages_text(pdf: Path) -> list[str]:
    """Text of each page (pdftotext splits pages with form feeds)."""
    out = subprocess.run(
        ["pdftotext", "-enc", "UTF-8", str(pdf), "-"], capture_output=True, check=True
    ).stdout.decode("utf-8")
    pages = out.split("\f")
    return pages[:-1] if pages and not pages[-1].strip() else pages


def squeeze(text: str) -> str:
    """Text without white space: wrapped lines compare equal to the source."""
    return re.sub(r"\s+", "", text)


def word_boxes(pdf: Path, page: int, word: str) -> list[tuple[float, float, float, float]]:
    """(xMin, yMin, xMax, yMax) of each occurrence of ``word`` on 1-based ``page``.

    Points from the top-left corner of the page.
    """
    html = subprocess.run(
        ["pdftotext", "-bbox", "-f", str(page), "-l", str(page), str(pdf), "-"],
        capture_output=True,
        check=True,
    ).stdout.decode("utf-8")
    pattern = r'<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="([\d.]+)">'
    return [
        (float(a), float(b), float(c), float(d))
        for a, b, c, d in re.findall(pattern + re.escape(word) + "<", html)
    ]


def word_top(pdf: Path, page: int, word: str) -> float:
    """Top edge (points from the page top) of the first ``word`` on 1-based ``page``."""
    boxes = word_boxes(pdf, page, word)
    assert boxes, f"{word!r} not on page {page}"
    return boxes[0][1]
