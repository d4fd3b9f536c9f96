"""The monthly evaluation sheets (月度评估表) as PDF (A4 portrait): an overview of every
person, then one sheet per person — KPIs against targets, the incentive with each
step of its computation, signature lines — and the schedule in force.

Guarantees: KPI values and targets are printed with :func:`format_value` (the same
rounding as the KPI report and the dashboard), money as ¥12,345.00 from the exact
``Decimal``; all text is in the embedded CJK font; every page says "page X of Y".
``progress``/``cancel`` are honoured between people.
"""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path
from typing import BinaryIO
from xml.sax.saxutils import escape

from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.platypus import (
    Flowable,
    KeepTogether,
    PageBreak,
    Paragraph,
    Spacer,
    Table,
)

from kamdesk.domain.clock import local
from kamdesk.domain.evaluation import (
    ROLE_LABELS,
    STATUS_LABELS,
    EvaluationReport,
    PersonSheet,
    schedule_rows,
)
from kamdesk.domain.kpi.definitions import (
    UNIT_LABELS,
    KpiDef,
    Unit,
    format_part,
    format_value,
)
from kamdesk.domain.progress import CancelCheck, Progress, check_cancel
from kamdesk.i18n import tr
from kamdesk.reports.fonts import printable, register_cjk_font
from kamdesk.reports.pdf_blocks import EMPTY, SectionBar, Styles, grid_style, list_table
from kamdesk.reports.pdf_pages import build_numbered

PAGE = A4
MARGIN = 15 * mm
WIDTH = PAGE[0] - 2 * MARGIN


def yuan(amount: Decimal | None) -> str:
    """¥12,345.00, or an em dash when there is no amount."""
    return EMPTY if amount is None else f"¥{amount:,.2f}"


def title() -> str:
    return tr("Monthly evaluation sheets")


def _heading(report: EvaluationReport, styles: Styles) -> list[Flowable]:
    big = ParagraphStyle("kd-eval-title", parent=styles.value, fontSize=18, leading=24)
    generated = local(report.generated_at).strftime("%Y-%m-%d %H:%M")
    return [
        Paragraph(f"{title()} · {report.period.label}", big),
        Spacer(1, 2 * mm),
        Paragraph(tr("Branch: {branch}", branch=report.branch_name), styles.value),
        Paragraph(
            tr("Incentive schedule: {schedule}", schedule=report.schedule.label()), styles.value
        ),
        Paragraph(tr("Generated {when}", when=generated), styles.note),
        Spacer(1, 3 * mm),
    ]


def _overview(report: EvaluationReport, styles: Styles) -> list[Flowable]:
    headers = [tr("Name"), tr("Industry group"), tr("Targets met"), tr("Revenue"),
               tr("Sales attainment"), tr("Staff type"), tr("Incentive")]  # fmt: skip
    widths = [26 * mm, 28 * mm, 20 * mm, 28 * mm, 22 * mm, 24 * mm]
    widths.append(WIDTH - sum(widths))
    rows = []
    for person in report.people:
        k14 = person.line("K14")
        rows.append([
            person.name, person.group or EMPTY,
            f"{person.targets_met} / {person.targets_set}",
            yuan(person.revenue), format_value(k14.kpi, k14.figure.value),
            tr(ROLE_LABELS[person.incentive.role]), yuan(person.incentive.amount),
        ])  # fmt: skip
    aligns = ["LEFT", "LEFT", "CENTER", "RIGHT", "RIGHT", "LEFT", "RIGHT"]
    empty = tr("No account manager to evaluate for this month")
    return [
        SectionBar("overview", tr("Overview"), styles.font),
        Spacer(1, 2 * mm),
        list_table(styles, headers, widths, rows, aligns, empty),
    ]


def _kpi_name(kpi: KpiDef) -> str:
    """The KPI's name, with its unit unless the value shows it (a percentage)."""
    if kpi.unit is Unit.PERCENT:
        return tr(kpi.name)
    return f"{tr(kpi.name)}（{tr(UNIT_LABELS[kpi.unit])}）"


def _kpi_table(person: PersonSheet, styles: Styles) -> Table:
    headers = [tr("Code"), tr("KPI"), tr("Target"), tr("Value"), tr("Numerator"),
               tr("Denominator"), tr("Result")]  # fmt: skip
    widths = [14 * mm, 50 * mm, 20 * mm, 20 * mm, 26 * mm, 26 * mm]
    widths.append(WIDTH - sum(widths))
    rows = [
        [line.kpi.code, _kpi_name(line.kpi),
         format_value(line.kpi, line.target), format_value(line.kpi, line.figure.value),
         format_part(line.figure.numerator), format_part(line.figure.denominator),
         tr(STATUS_LABELS[line.status])]
        for line in person.lines
    ]  # fmt: skip
    aligns = ["CENTER", "LEFT", "RIGHT", "RIGHT", "RIGHT", "RIGHT", "CENTER"]
    return list_table(styles, headers, widths, rows, aligns, EMPTY)


def _incentive(person: PersonSheet, styles: Styles) -> list[Flowable]:
    incentive = person.incentive
    amount = ParagraphStyle("kd-eval-amount", parent=styles.value, fontSize=12, leading=17)
    story: list[Flowable] = [
        SectionBar(f"incentive-{person.staff_id}", tr("Incentive"), styles.font),
        Spacer(1, 2 * mm),
    ]
    for number, text in enumerate(incentive.explanation(), start=1):
        story.append(Paragraph(f"{number}. {escape(printable(text))}", styles.note))
    story += [
        Spacer(1, 2 * mm),
        Paragraph(tr("Incentive for the month: {amount}", amount=yuan(incentive.amount)), amount),
    ]
    return story


def _signatures(styles: Styles) -> Flowable:
    labels = [tr("Signature of the person evaluated"), tr("Signature of the evaluator"),
              tr("Date")]  # fmt: skip
    width = WIDTH / len(labels)
    table = Table([labels, [""] * len(labels)], colWidths=[width] * len(labels),
                  rowHeights=[7 * mm, 14 * mm], hAlign="LEFT")  # fmt: skip
    table.setStyle(grid_style(styles))
    return table


def _person(report: EvaluationReport, person: PersonSheet, styles: Styles) -> list[Flowable]:
    who = f"{person.name}（{person.login}）"
    if person.group:
        who += f" · {person.group}"
    return [
        PageBreak(),
        SectionBar(f"person-{person.staff_id}", who, styles.font),
        Spacer(1, 1.5 * mm),
        Paragraph(
            tr(
                "{month} · {staff_type} · targets met {met} of {set}",
                month=report.period.label,
                staff_type=tr(ROLE_LABELS[person.incentive.role]),
                met=person.targets_met,
                set=person.targets_set,
            ),
            styles.note,
        ),
        Spacer(1, 2 * mm),
        _kpi_table(person, styles),
        *_incentive(person, styles),
        Spacer(1, 6 * mm),
        KeepTogether([_signatures(styles)]),
    ]


def _schedule(report: EvaluationReport, styles: Styles) -> list[Flowable]:
    rows = [[what, value] for what, value in schedule_rows(report.schedule.schedule)]
    widths = [90 * mm, WIDTH - 90 * mm]
    notes = (
        tr("Targets are the person's targets of scope AM for the month, published by HQ."),
        tr("A KPI target is met when the value is at least the target (higher is better) "
           "or at most the target (lower is better)."),
        tr("A = the person's historical average monthly revenue; B = performance-pay quota; "
           "C = commission in CNY per 100 CNY of revenue."),
    )  # fmt: skip
    return [
        PageBreak(),
        SectionBar("schedule", tr("Appendix: incentive schedule"), styles.font),
        Spacer(1, 2 * mm),
        Paragraph(report.schedule.label(), styles.value),
        Spacer(1, 2 * mm),
        list_table(styles, [tr("Rule"), tr("Value")], widths, rows, ["LEFT", "LEFT"], EMPTY),
        Spacer(1, 3 * mm),
        *(Paragraph(escape(printable(f"• {note}")), styles.note) for note in notes),
    ]


def render_evaluation_pdf(
    report: EvaluationReport,
    out: Path | BinaryIO,
    progress: Progress | None = None,
    cancel: CancelCheck | None = None,
) -> None:
    """Write the evaluation sheets of ``report`` to a path or a binary file object."""
    font = register_cjk_font()
    styles = Styles.create(font)
    story = _heading(report, styles) + _overview(report, styles)
    total = len(report.people) + 1
    for i, person in enumerate(report.people):
        check_cancel(cancel)
        if progress is not None:
            progress(i, total, tr("Laying out the sheet of {name}…", name=person.name))
        story += _person(report, person, styles)
    story += _schedule(report, styles)
    check_cancel(cancel)
    footer = f"{report.branch_name} · {title()} · {report.period.label}"
    build_numbered(
        out, story, font=font, pagesize=PAGE, margin=MARGIN,
        title=f"{title()} {report.period.label}", author=report.branch_name, footer=footer,
    )  # fmt: skip
    if progress is not None:
        progress(total, total, tr("Evaluation sheets written"))
