"""The KPI report as PDF (A4 landscape): cover, summary with numerators and
denominators, charts, one table pair per dimension (for the context's ``parts``
dimensions also every KPI's numerator and denominator per row), and the definitions
appendix.

Guarantees: every value is printed with :func:`format_value` (the same rounding as
the dashboard and the workbook); all text is in the embedded CJK font; every page
says "page X of Y". ``progress``/``cancel`` are honoured between sections.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import BinaryIO
from xml.sax.saxutils import escape

from reportlab.lib.pagesizes import A4, landscape
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.platypus import (
    CondPageBreak,
    Flowable,
    PageBreak,
    Paragraph,
    Spacer,
    Table,
)

from kamdesk.domain.clock import local
from kamdesk.domain.kpi.definitions import (
    COMMON_RULES,
    DIRECTION_LABELS,
    KPI_BY_CODE,
    KPIS,
    UNIT_LABELS,
    format_part,
    format_value,
)
from kamdesk.domain.kpi.figures import DIMENSION_LABELS, KpiRow
from kamdesk.domain.progress import CancelCheck, Progress, check_cancel
from kamdesk.i18n import tr
from kamdesk.reports.fonts import printable, register_cjk_font
from kamdesk.reports.kpi_context import KpiReportContext
from kamdesk.reports.kpi_pdf_charts import bar_chart
from kamdesk.reports.pdf_blocks import SectionBar, Styles, list_table
from kamdesk.reports.pdf_pages import build_numbered

PAGE = landscape(A4)
MARGIN = 15 * mm
WIDTH = PAGE[0] - 2 * MARGIN
KPIS_PER_TABLE = 9
PARTS_PER_TABLE = 3
PART_WIDTH = 25 * mm
CHARTED = ("K01", "K14")


def _cover(ctx: KpiReportContext, styles: Styles) -> list[Flowable]:
    pack = ctx.pack
    big = ParagraphStyle("kd-cover", parent=styles.value, fontSize=26, leading=34)
    mid = ParagraphStyle("kd-cover-mid", parent=styles.value, fontSize=15, leading=22)
    generated = local(ctx.generated_at).strftime("%Y-%m-%d %H:%M")
    return [
        Spacer(1, 45 * mm),
        Paragraph(tr("Key-account KPI report"), big),
        Spacer(1, 8 * mm),
        Paragraph(tr("Branch: {branch}", branch=pack.branch_name), mid),
        Paragraph(tr("Period: {period}", period=pack.period.label), mid),
        Paragraph(
            tr(
                "{first} to {last} (Asia/Shanghai)",
                first=pack.period.first.isoformat(),
                last=pack.period.last.isoformat(),
            ),
            styles.note,
        ),
        Spacer(1, 10 * mm),
        Paragraph(tr("Generated {when}", when=generated), styles.note),
        PageBreak(),
    ]


def _summary(ctx: KpiReportContext, styles: Styles) -> list[Flowable]:
    total, previous = ctx.pack.total, ctx.pack.previous_total
    headers = [tr("Code"), tr("KPI"), tr("Value"), tr("Numerator"), tr("Denominator"),
               tr("Unit"), tr("Previous period")]  # fmt: skip
    widths = [16 * mm, 72 * mm, 26 * mm, 36 * mm, 36 * mm, 44 * mm]
    widths.append(WIDTH - sum(widths))
    rows = []
    for kpi in KPIS:
        fig = total.figures[kpi.code]
        before = previous.figures[kpi.code].value if previous is not None else None
        rows.append([kpi.code, tr(kpi.name), format_value(kpi, fig.value),
                     format_part(fig.numerator), format_part(fig.denominator),
                     tr(UNIT_LABELS[kpi.unit]), format_value(kpi, before)])  # fmt: skip
    aligns = ["CENTER", "LEFT", "RIGHT", "RIGHT", "RIGHT", "LEFT", "RIGHT"]
    return [
        SectionBar("summary", tr("Summary"), styles.font),
        Spacer(1, 2 * mm),
        list_table(styles, headers, widths, rows, aligns, tr("No data")),
    ]


def _dimension(title: str, rows: Sequence[KpiRow], styles: Styles) -> list[Flowable]:
    story: list[Flowable] = [CondPageBreak(60 * mm), SectionBar(title, title, styles.font)]
    for first in range(0, len(KPIS), KPIS_PER_TABLE):
        chunk = KPIS[first : first + KPIS_PER_TABLE]
        name_w = WIDTH - KPIS_PER_TABLE * 25 * mm
        headers = [title, *(f"{k.code} {tr(k.name)}" for k in chunk)]
        widths = [name_w, *([25 * mm] * len(chunk))]
        body = [[r.name, *(format_value(k, r.figures[k.code].value) for k in chunk)] for r in rows]
        aligns = ["LEFT", *(["RIGHT"] * len(chunk))]
        story += [Spacer(1, 2 * mm), list_table(styles, headers, widths, body, aligns, "—")]
    chart_w = (WIDTH - 6 * mm) / 2
    charts = [
        bar_chart(
            tr("{kpi} by {dimension}", kpi=tr(KPI_BY_CODE[code].name), dimension=title),
            rows, code, styles.font, chart_w, 62 * mm,
        )
        for code in CHARTED
    ]  # fmt: skip
    side_by_side = Table([charts], colWidths=[WIDTH / 2, WIDTH / 2], hAlign="LEFT")
    return [*story, Spacer(1, 3 * mm), side_by_side]


def _parts(title: str, rows: Sequence[KpiRow], styles: Styles) -> list[Flowable]:
    """Every row's KPIs as value, numerator and denominator, :data:`PARTS_PER_TABLE`
    KPIs per table (the rows side by side down each table)."""
    heading = tr(
        "{dimension} in detail: value, numerator and denominator of every KPI", dimension=title
    )
    bar = SectionBar(f"{title}-parts", heading, styles.font)
    story: list[Flowable] = [CondPageBreak(60 * mm), bar]
    numbers = ParagraphStyle("kd-parts", parent=styles.value_right, fontSize=8, leading=10.4)
    name_w = WIDTH - 3 * PARTS_PER_TABLE * PART_WIDTH
    for first in range(0, len(KPIS), PARTS_PER_TABLE):
        chunk = KPIS[first : first + PARTS_PER_TABLE]
        headers = [title]
        for k in chunk:
            headers += [f"{k.code} {tr(k.name)}", f"{k.code} {tr('Numerator')}",
                        f"{k.code} {tr('Denominator')}"]  # fmt: skip
        widths = [name_w, *([PART_WIDTH] * (3 * len(chunk)))]
        body = []
        for r in rows:
            line = [r.name]
            for k in chunk:
                fig = r.figures[k.code]
                line += [format_value(k, fig.value), format_part(fig.numerator),
                         format_part(fig.denominator)]  # fmt: skip
            body.append(line)
        aligns = ["LEFT", *(["RIGHT"] * (3 * len(chunk)))]
        styled = dict.fromkeys(range(1, len(widths)), numbers)
        story += [Spacer(1, 2 * mm), list_table(styles, headers, widths, body, aligns, "—", styled)]
    return story


def _definitions(styles: Styles) -> list[Flowable]:
    headers = [tr("Code"), tr("KPI"), tr("Numerator"), tr("Denominator"), tr("Unit"),
               tr("Direction")]  # fmt: skip
    widths = [16 * mm, 46 * mm, 84 * mm, 66 * mm, 26 * mm]
    widths.append(WIDTH - sum(widths))
    rows = [
        [k.code, tr(k.name), tr(k.numerator) + (f"（{tr(k.note)}）" if k.note else ""),
         tr(k.denominator), tr(UNIT_LABELS[k.unit]), tr(DIRECTION_LABELS[k.direction])]
        for k in KPIS
    ]  # fmt: skip
    aligns = ["CENTER", "LEFT", "LEFT", "LEFT", "LEFT", "LEFT"]
    story: list[Flowable] = [
        PageBreak(),
        SectionBar("definitions", tr("Appendix: KPI definitions"), styles.font),
        Spacer(1, 2 * mm),
        list_table(styles, headers, widths, rows, aligns, "—"),
        Spacer(1, 3 * mm),
    ]
    story += [Paragraph(escape(printable(f"• {tr(rule)}")), styles.note) for rule in COMMON_RULES]
    return story


def render_kpi_pdf(
    ctx: KpiReportContext,
    out: Path | BinaryIO,
    progress: Progress | None = None,
    cancel: CancelCheck | None = None,
) -> None:
    """Write the KPI report of ``ctx`` to a path or a binary file object."""
    font = register_cjk_font()
    styles = Styles.create(font)
    steps = 3 + len(ctx.dimensions)
    story = _cover(ctx, styles) + _summary(ctx, styles)
    for i, dim in enumerate(ctx.dimensions):
        check_cancel(cancel)
        if progress is not None:
            progress(2 + i, steps, tr("Laying out the KPI report…"))
        story += _dimension(tr(DIMENSION_LABELS[dim]), ctx.pack.rows.get(dim, ()), styles)
        if dim in ctx.parts:
            story += _parts(tr(DIMENSION_LABELS[dim]), ctx.pack.rows.get(dim, ()), styles)
    story += _definitions(styles)
    check_cancel(cancel)
    title = tr("Key-account KPI report")
    footer = f"{ctx.pack.branch_name} · {title} · {ctx.pack.period.label}"
    build_numbered(
        out, story, font=font, pagesize=PAGE, margin=MARGIN,
        title=f"{title} {ctx.pack.period.label}", author=ctx.pack.branch_name, footer=footer,
    )  # fmt: skip
    if progress is not None:
        progress(steps, steps, tr("KPI report written"))
