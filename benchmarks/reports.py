"""Benchmarks of the report renderers, adapted from their own modules.

``workorder-pdf`` runs :func:`benchmarks.workorder_pdf.bench_workorder_pdf` (issue 4:
one signed work-order PDF, median of 30 renders, baseline plain reportlab text).
"""

from __future__ import annotations

from benchmarks.registry import Context, Measurement, benchmark


@benchmark(
    "workorder-pdf",
    "render one signed work-order PDF (baseline: the same text drawn plainly)",
    order=50,
)
def workorder_pdf(ctx: Context) -> list[Measurement]:
    from benchmarks.workorder_pdf import bench_workorder_pdf

    result = bench_workorder_pdf()
    return [
        Measurement(
            str(result["name"]),
            float(result["median_ms"]),
            float(result["baseline_median_ms"]),
            "ms",
            budget=float(result["budget_ms"]),
            baseline_label="plain reportlab drawString of the same text and pages",
            detail=f"median of {result['runs']} renders, {result['pages']} pages, "
            f"p90 {result['p90_ms']} ms",
        )
    ]
