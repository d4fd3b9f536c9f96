"""Benchmark: render one signed work-order PDF (issue 4, budget ≤ 50 ms once fonts are registered).

``bench_workorder_pdf(runs=30)`` renders a representative signed order (3 dispatch
steps, a return order, 9 timeline events, 3 signature images, 2 attachments; 2 A4
pages) ``runs`` times into memory, each run with its own order number so nothing is
reused between runs, and reports the median. The baseline, measured in the same run,
draws the same text (extracted from the rendered PDF) with ``drawString`` on a plain
reportlab canvas in the same embedded font over the same number of pages: the gap is
the cost of the layout (grids, wrapping, QR code, images, page furniture).

    .venv/bin/python benchmarks/workorder_pdf.py
"""

from __future__ import annotations

import statistics
import sys
import time
from dataclasses import replace
from io import BytesIO
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from kamdesk import i18n  # noqa: E402
from kamdesk.reports.fonts import register_cjk_font  # noqa: E402
from kamdesk.reports.workorder_pdf import render_workorder_pdf  # noqa: E402
from tests.reports.samples import short_order  # noqa: E402

BUDGET_MS = 50.0


def _median_ms(samples: list[float]) -> float:
    return statistics.median(samples) * 1000


def _page_lines(pdf: bytes) -> list[list[str]]:
    from pypdf import PdfReader

    reader = PdfReader(BytesIO(pdf))
    return [
        [line for line in (page.extract_text() or "").splitlines() if line.strip()]
        for page in reader.pages
    ]


def _baseline(pages: list[list[str]], font: str) -> bytes:
    from reportlab.lib.pagesizes import A4
    from reportlab.pdfgen.canvas import Canvas

    out = BytesIO()
    canvas = Canvas(out, pagesize=A4, initialFontName=font)
    for lines in pages:
        canvas.setFont(font, 9)
        y = A4[1] - 40
        for line in lines:
            canvas.drawString(40, y, line)
            y -= 11
        canvas.showPage()
    canvas.save()
    return out.getvalue()


def bench_workorder_pdf(runs: int = 30) -> dict[str, float | int | bool | str]:
    """Median render time of one signed work order vs a plain-text baseline, in ms."""
    from reportlab import rl_config

    i18n.set_language("zh_CN")
    font = register_cjk_font()
    base = short_order()
    contexts = [replace(base, order_no=f"WO-2026-{100000 + i:06d}") for i in range(runs + 1)]
    warm = BytesIO()
    render_workorder_pdf(contexts[-1], warm)  # imports and first-use caches, not timed
    pages = _page_lines(warm.getvalue())

    rendered: list[float] = []
    for ctx in contexts[:runs]:
        start = time.perf_counter()
        render_workorder_pdf(ctx, BytesIO())
        rendered.append(time.perf_counter() - start)

    saved = rl_config.useA85
    rl_config.useA85 = 0  # the renderer writes binary streams too
    try:
        _baseline(pages, font)
        plain: list[float] = []
        for _ in range(runs):
            start = time.perf_counter()
            _baseline(pages, font)
            plain.append(time.perf_counter() - start)
    finally:
        rl_config.useA85 = saved

    median = _median_ms(rendered)
    baseline = _median_ms(plain)
    return {
        "name": "signed work-order PDF (2 pages, 3 signatures, QR)",
        "runs": runs,
        "pages": len(pages),
        "median_ms": round(median, 1),
        "p90_ms": round(sorted(rendered)[int(0.9 * (runs - 1))] * 1000, 1),
        "baseline_median_ms": round(baseline, 1),
        "ratio_to_baseline": round(median / baseline, 1) if baseline else float("inf"),
        "budget_ms": BUDGET_MS,
        "within_budget": median <= BUDGET_MS,
    }


if __name__ == "__main__":
    for key, value in bench_workorder_pdf().items():
        print(f"{key:>20}: {value}")
