"""The body of the signed work order: the three forms, the record, the signature blocks.

:func:`build_story` turns a :class:`WorkOrderContext` into platypus flowables in print
order. Guarantees: labels go through ``tr`` (the print language follows the app's
switch); the signature blocks come last inside :class:`BottomAnchored`, so they sit
together at the foot of the last page whatever the length of the content before them.
"""

from __future__ import annotations

import struct
from io import BytesIO

from reportlab.lib.units import mm
from reportlab.lib.utils import ImageReader
from reportlab.platypus import CondPageBreak, Flowable, Image, Paragraph, Spacer, Table, TableStyle

from kamdesk.i18n import tr
from kamdesk.reports.pdf_blocks import (
    EMPTY,
    HEAD_FILL,
    INK,
    LABEL_SIZE,
    RULE,
    BottomAnchored,
    FormGrid,
    SectionBar,
    Styles,
    cell,
    close_section,
    day,
    list_table,
    long_text_table,
    text_or_dash,
    when,
)
from kamdesk.reports.workorder_context import (
    SIGNATURE_ROLES,
    ActorStamp,
    Signature,
    WorkOrderContext,
)
from kamdesk.reports.workorder_labels import (
    SIGNATURE_TITLES,
    field_label,
    form_title,
    hours_and_minutes,
)

SIGNATURE_IMAGE_HEIGHT = 16 * mm


def _stamp(value: ActorStamp | None) -> str:
    if value is None:
        return EMPTY
    text = f"{value.name}  {when(value.at)}"
    return f"{text}\n{value.comment}" if value.comment.strip() else text


def _stars(score: int) -> str:
    return "★" * score + "☆" * (5 - score) + f"  {score}/5"


def _hours(value: object) -> str:
    text = format(value, "f")
    return text.rstrip("0").rstrip(".") if "." in text else text


def _size(n: int) -> str:
    if n < 1024:
        return f"{n} B"
    if n < 1024 * 1024:
        return f"{n / 1024:.1f} KB"
    return f"{n / 1024 / 1024:.1f} MB"


def _demand(ctx: WorkOrderContext, st: Styles, width: float) -> list[Flowable]:
    grid = FormGrid(st, width)
    grid.wide(tr("Customer name"), ctx.customer_name)
    grid.pair(
        (field_label("credit_code"), text_or_dash(ctx.customer_credit_code)),
        (field_label("kind"), ctx.kind_label or ctx.kind),
    )
    grid.pair(
        (field_label("product"), ctx.product_name),
        (field_label("quantity"), str(ctx.quantity)),
    )
    grid.pair(
        (field_label("requested_date"), day(ctx.requested_date)),
        (field_label("importance"), ctx.importance_label or ctx.importance),
    )
    grid.pair(
        (field_label("owner_am"), ctx.owner_am_name),
        (field_label("order_no"), ctx.order_no),
    )
    c = ctx.circuit
    if c is not None:
        grid.wide(field_label("a_end"), text_or_dash(c.a_end))
        grid.wide(field_label("z_end"), text_or_dash(c.z_end))
        grid.pair(
            (field_label("bandwidth"), text_or_dash(c.bandwidth)),
            (field_label("interface"), text_or_dash(c.interface)),
        )
        grid.wide(field_label("circuit_no"), text_or_dash(c.circuit_no))
    if ctx.repair is not None:
        grid.pair(
            (field_label("reported_at"), when(ctx.repair.reported_at)),
            (field_label("restored_at"), when(ctx.repair.restored_at) or EMPTY),
        )
        grid.wide(field_label("repair_time"), hours_and_minutes(ctx.repair.duration) or EMPTY)
    review = FormGrid(st, width)
    review.pair(
        (field_label("review"), _stamp(ctx.review)),
        (field_label("approval"), _stamp(ctx.approval)),
    )
    review.wide(field_label("issue"), _stamp(ctx.issue))
    return [
        SectionBar("demand", form_title("demand"), st.font),
        *grid.tables(),
        long_text_table(st, field_label("requirement"), text_or_dash(ctx.requirement), width),
        *close_section(review.tables()),
    ]


def _dispatch(ctx: WorkOrderContext, st: Styles, width: float) -> list[Flowable]:
    r = ctx.resource
    grid = FormGrid(st, width)
    if r is None:
        grid.wide(field_label("resource"), EMPTY)
    else:
        grid.pair(
            (field_label("resource"), r.result_label or r.result),
            (tr("Confirmed by"), f"{r.confirmed_by}  {when(r.confirmed_at)}"),
        )
        if r.note.strip():
            grid.wide(field_label("note"), r.note)
    steps = list_table(
        st,
        [
            field_label("seq"),
            field_label("workstation"),
            field_label("planned_hours"),
            field_label("deadline"),
            field_label("state"),
            field_label("done_at"),
        ],
        [11 * mm, width - 127 * mm, 20 * mm, 33 * mm, 30 * mm, 33 * mm],
        [
            [
                str(s.seq),
                s.workstation,
                _hours(s.planned_hours),
                when(s.deadline),
                s.state_label or s.state,
                when(s.done_at),
            ]
            for s in sorted(ctx.steps, key=lambda s: s.seq)
        ],
        ["CENTER", "LEFT", "RIGHT", "CENTER", "CENTER", "CENTER"],
        tr("No steps dispatched"),
    )
    returns = list_table(
        st,
        [
            field_label("step_seq"),
            field_label("reason"),
            field_label("description"),
            field_label("emergency_handling"),
            field_label("raised_by"),
            field_label("raised_at"),
        ],
        [11 * mm, 24 * mm, width - 140 * mm, 50 * mm, 22 * mm, 33 * mm],
        [
            [
                str(x.step_seq) if x.step_seq is not None else EMPTY,
                x.reason_label or x.reason,
                text_or_dash(x.description),
                text_or_dash(x.emergency_handling),
                x.raised_by,
                when(x.raised_at),
            ]
            for x in sorted(ctx.returns, key=lambda x: x.raised_at)
        ],
        ["CENTER", "CENTER", "LEFT", "LEFT", "CENTER", "CENTER"],
        EMPTY,
    )
    story: list[Flowable] = [
        SectionBar("dispatch", form_title("dispatch"), st.font),
        *close_section(grid.tables()),
        _caption(tr("Dispatch steps"), st, width),
        steps,
    ]
    if ctx.returns:
        story += [_caption(tr("Return orders (exceptions)"), st, width), returns]
    else:
        story.append(_caption(tr("Return orders (exceptions): none"), st, width, glue=False))
    return story


def _completion(ctx: WorkOrderContext, st: Styles, width: float) -> list[Flowable]:
    done = ctx.completion
    acc = ctx.acceptance
    grid = FormGrid(st, width)
    grid.pair(
        (field_label("completed_at"), when(done.completed_at) if done else EMPTY),
        (field_label("accepted_at"), when(acc.accepted_at) if acc else EMPTY),
    )
    grid.wide(field_label("satisfaction"), _stars(acc.satisfaction) if acc else EMPTY)
    return [
        SectionBar("completion", form_title("completion"), st.font),
        long_text_table(
            st, field_label("results"), text_or_dash(done.results if done else None), width
        ),
        long_text_table(
            st,
            field_label("test_results"),
            text_or_dash(done.test_results if done else None),
            width,
        ),
        *close_section(grid.tables()),
    ]


def _records(ctx: WorkOrderContext, st: Styles, width: float) -> list[Flowable]:
    timeline = list_table(
        st,
        [field_label("at"), field_label("actor"), field_label("action"), tr("State change")],
        [32 * mm, 40 * mm, 36 * mm, width - 108 * mm],
        [
            [
                when(e.at),
                e.actor,
                e.action_label or e.action,
                f"{e.from_label or e.from_state or EMPTY} → {e.to_label or e.to_state}",
            ]
            for e in sorted(ctx.timeline, key=lambda e: e.at)
        ],
        ["CENTER", "CENTER", "LEFT", "LEFT"],
        tr("No events recorded"),
    )
    attachments = list_table(
        st,
        [field_label("filename"), field_label("size"), field_label("sha256")],
        [width - 123 * mm, 18 * mm, 105 * mm],
        [
            [a.filename, _size(a.size), a.sha256.lower()]
            for a in sorted(ctx.attachments, key=lambda a: (a.filename, a.sha256))
        ],
        ["LEFT", "RIGHT", "LEFT"],
        EMPTY,
        column_styles={2: st.small},
    )
    story: list[Flowable] = [SectionBar("records", form_title("records"), st.font), timeline]
    if ctx.attachments:
        story += [_caption(tr("Attachments"), st, width), attachments]
    else:
        story.append(_caption(tr("Attachments: none"), st, width, glue=False))
    return story


def _caption(text: str, st: Styles, width: float, glue: bool = True) -> Table:
    """A small heading; with ``glue`` it never ends a page without rows of its table.

    (A conditional page break, not keep-with-next: that would push a long table whole
    to the next page and leave a gap.)
    """
    table = Table([[text]], colWidths=[width], hAlign="LEFT")
    table.setStyle(
        TableStyle(
            [
                ("FONT", (0, 0), (-1, -1), st.font, LABEL_SIZE + 0.5),
                ("TEXTCOLOR", (0, 0), (-1, -1), INK),
                ("LEFTPADDING", (0, 0), (-1, -1), 1),
                ("TOPPADDING", (0, 0), (-1, -1), 4.5),
                ("BOTTOMPADDING", (0, 0), (-1, -1), 2),
            ]
        )
    )
    if glue:
        table.needs_room = 22 * mm
    return table


def _png_size(data: bytes) -> tuple[int, int]:
    if data[:8] == b"\x89PNG\r\n\x1a\n" and data[12:16] == b"IHDR":
        w, h = struct.unpack(">II", data[16:24])
        return int(w), int(h)
    w, h = ImageReader(BytesIO(data)).getSize()
    return int(w), int(h)


def _signature_image(sig: Signature | None, width: float) -> Flowable | str:
    if sig is None:
        return ""
    w, h = _png_size(sig.png)
    scale = min((width - 8) / w, (SIGNATURE_IMAGE_HEIGHT - 4) / h)
    return Image(BytesIO(sig.png), width=w * scale, height=h * scale, mask="auto")


def signature_blocks(ctx: WorkOrderContext, st: Styles, width: float) -> Flowable:
    """客户 / 客户经理 / 工位负责人 blocks, one block that only ever moves as a whole."""
    col = width / len(SIGNATURE_ROLES)
    sigs = [ctx.signature(role) for role in SIGNATURE_ROLES]
    blank_date = tr("Date: ____-__-__")
    rows: list[list[object]] = [
        [tr(SIGNATURE_TITLES[role]) for role in SIGNATURE_ROLES],
        [_signature_image(s, col) for s in sigs],
        [
            cell(tr("Name: {name}", name=s.signer_name) if s else tr("Name:"), st.value, col)
            for s in sigs
        ],
        [tr("Date: {date}", date=when(s.signed_at)) if s else blank_date for s in sigs],
    ]
    table = Table(
        rows,
        colWidths=[col] * len(SIGNATURE_ROLES),
        rowHeights=[None, SIGNATURE_IMAGE_HEIGHT, None, None],
        hAlign="LEFT",
    )
    table.setStyle(
        TableStyle(
            [
                ("FONT", (0, 0), (-1, -1), st.font, 9, 12.4),
                ("FONTSIZE", (0, 0), (-1, 0), LABEL_SIZE + 0.5),
                ("TEXTCOLOR", (0, 0), (-1, -1), INK),
                ("BACKGROUND", (0, 0), (-1, 0), HEAD_FILL),
                ("ALIGN", (0, 0), (-1, 0), "CENTER"),
                ("ALIGN", (0, 1), (-1, 1), "CENTER"),
                ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
                ("VALIGN", (0, 1), (-1, 1), "BOTTOM"),
                ("LEFTPADDING", (0, 0), (-1, -1), 6),
                ("TOPPADDING", (0, 0), (-1, -1), 3),
                ("BOTTOMPADDING", (0, 0), (-1, -1), 3.6),
                ("BOTTOMPADDING", (0, 1), (-1, 1), 1),
                ("LINEBELOW", (0, 0), (-1, 0), 0.45, RULE),
                ("LINEBELOW", (0, 1), (-1, 1), 0.45, RULE, None, (1.5, 1.5)),
                ("LINEAFTER", (0, 0), (-2, -1), 0.45, RULE),
                ("BOX", (0, 0), (-1, -1), 0.9, INK),
                ("TEXTCOLOR", (0, 2), (-1, -1), INK),
            ]
        )
    )
    declaration = Paragraph(
        tr("The undersigned confirm that the content of this work order is correct."),
        st.note,
    )
    alone = Paragraph(
        tr("(This page carries no further content: it holds the signatures for the pages before.)"),
        st.small,
    )
    return BottomAnchored(
        [Spacer(width, 4 * mm), declaration, Spacer(width, 1.5 * mm), table], alone_note=alone
    )


def build_story(ctx: WorkOrderContext, st: Styles, width: float) -> list[Flowable]:
    """All flowables of the document body, in print order, signature blocks last."""
    story: list[Flowable] = []
    story += _demand(ctx, st, width)
    story += _dispatch(ctx, st, width)
    story += _completion(ctx, st, width)
    story += _records(ctx, st, width)
    story.append(signature_blocks(ctx, st, width))
    out: list[Flowable] = []
    for flowable in story:
        room = getattr(flowable, "needs_room", 0)
        if room:
            out.append(CondPageBreak(room))
        out.append(flowable)
    return out
