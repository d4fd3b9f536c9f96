"""Render the signed work order (业务需求单 / 业务调度单 / 业务竣工单) as an A4 PDF.

``render_workorder_pdf(ctx, out)`` writes one document. Guarantees:

- every page carries the branch header, the QR code (order number + full SHA-256 of
  :func:`~kamdesk.reports.workorder_context.content_hash`), and a footer with
  第 X 页 / 共 Y 页, the full SHA-256 (64 hex) and the printed-at time;
- the signature blocks (客户签字 / 客户经理签字 / 工位负责人签字) are kept together at the
  bottom of the last page; when that page lacks room they move, whole, to a new one;
- reprints (``print_number > 1``) carry a translucent 副本 watermark on every page;
- the full hash and order number are in the document metadata and the canonical
  record is embedded as a JSON file, for :mod:`kamdesk.reports.verify`;
- every font is the embedded CJK subset (no non-embedded standard fonts).

Labels follow the current language of :mod:`kamdesk.i18n`. The first call registers
the font (slow, once per process); later renders take a few tens of milliseconds.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from functools import partial
from pathlib import Path
from typing import BinaryIO

from kamdesk.domain.clock import local
from kamdesk.i18n import tr
from kamdesk.reports.fonts import register_cjk_font
from kamdesk.reports.pdf_stamp import keywords, subject
from kamdesk.reports.workorder_context import (
    WorkOrderContext,
    canonical_content,
    content_hash,
)

_MM = 72 / 25.4


def render_workorder_pdf(ctx: WorkOrderContext, out: Path | BinaryIO) -> None:
    """Write the signed work-order PDF of ``ctx`` to a path or a binary file object."""
    from reportlab.lib.pagesizes import A4
    from reportlab.platypus import BaseDocTemplate, Frame, PageTemplate

    from kamdesk.reports.pdf_blocks import Styles
    from kamdesk.reports.workorder_chrome import (
        FOOTER_H,
        HEADER_H,
        MARGIN_X,
        TOP,
        Chrome,
        ChromeCanvas,
    )
    from kamdesk.reports.workorder_sections import build_story

    font = register_cjk_font()
    record = canonical_content(ctx)
    digest = content_hash(ctx)
    page_w, _page_h = A4
    body_top = TOP - HEADER_H - 2 * _MM
    body_bottom = FOOTER_H + 4 * _MM
    width = page_w - 2 * MARGIN_X
    frame = Frame(
        MARGIN_X,
        body_bottom,
        width,
        body_top - body_bottom,
        leftPadding=0,
        rightPadding=0,
        topPadding=0,
        bottomPadding=0,
        id="body",
    )
    title = tr("Work order {order_no}", order_no=ctx.order_no)
    doc = BaseDocTemplate(
        str(out) if isinstance(out, Path) else out,
        pagesize=A4,
        leftMargin=MARGIN_X,
        rightMargin=MARGIN_X,
        topMargin=A4[1] - body_top,
        bottomMargin=body_bottom,
        title=title,
        author=ctx.branch_name,
        subject=subject(digest),
        keywords=keywords(digest, ctx.order_no),
        creator="KAMDesk",
        initialFontName=font,
        initialFontSize=9,
        pageTemplates=[PageTemplate(id="workorder", frames=[frame])],
    )
    chrome = Chrome(
        font=font,
        branch_name=ctx.branch_name,
        order_no=ctx.order_no,
        kind_label=ctx.kind_label,
        sha256=digest,
        printed_at_text=local(ctx.printed_at).strftime("%Y-%m-%d %H:%M"),
        print_number=ctx.print_number,
        logo_png=ctx.logo_png,
        record=record,
        audit_head=ctx.audit_head,
    )
    story = build_story(ctx, Styles.create(font), width)
    with _binary_streams():
        doc.build(story, canvasmaker=partial(ChromeCanvas, chrome=chrome))


_streams_lock = threading.Lock()


@contextmanager
def _binary_streams() -> Iterator[None]:
    """Switch off reportlab's ASCII85 stream encoding while one document is written.

    ASCII85 (a global reportlab default) only serves 7-bit mail transports, makes files
    25 % larger and costs ~10 ms per work order in pure Python. The setting is global,
    so it is switched under a lock and restored afterwards; another thread rendering
    with reportlab meanwhile merely gets binary streams too (still valid PDF).
    """
    from reportlab import rl_config

    with _streams_lock:
        saved = rl_config.useA85
        rl_config.useA85 = 0
        try:
            yield
        finally:
            rl_config.useA85 = saved
