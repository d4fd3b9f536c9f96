"""The printed work order: Chinese text, embedded fonts, layout rules a branch relies on."""

from __future__ import annotations

import shutil
import subprocess
from collections.abc import Callable
from dataclasses import replace
from io import BytesIO
from pathlib import Path

import pytest

from kamdesk import i18n
from kamdesk.reports.verify import read_pdf_stamp
from kamdesk.reports.workorder_context import WorkOrderContext, content_hash
from kamdesk.reports.workorder_pdf import render_workorder_pdf
from tests.reports.conftest import needs_poppler, pages_text, squeeze, word_boxes, word_top
from tests.reports.samples import REQUIREMENT, long_order, one_page_order, short_order, timeline

Render = Callable[[WorkOrderContext], Path]
SIGNATURE_LABELS = ("客户签字", "客户经理签字", "工位负责人签字")

pytestmark = needs_poppler


def test_text_layer_carries_the_chinese_content(render: Render) -> None:
    ctx = short_order()
    text = squeeze("".join(pages_text(render(ctx))))
    for expected in (
        ctx.customer_name,
        "业务需求单",
        "业务调度单",
        "业务竣工单",
        squeeze(REQUIREMENT),
        "A端地址",
        "杭州市滨江区江南大道3880号",
        "HZ-DDN-2026-0815",
        "客户未就绪",
        "机房照片.jpg",
    ):
        assert squeeze(expected) in text, expected


def test_every_font_is_embedded(render: Render) -> None:
    report = subprocess.run(
        ["pdffonts", str(render(long_order()))], capture_output=True, text=True, check=True
    ).stdout.splitlines()[2:]
    assert report, "the PDF names no fonts at all"
    for line in report:
        emb = line.split()[-5]
        assert emb == "yes", f"font not embedded: {line}"


def test_a_small_order_fits_on_one_page_with_its_signature_blocks(render: Render) -> None:
    pages = pages_text(render(one_page_order()))
    assert len(pages) == 1
    for label in SIGNATURE_LABELS:
        assert label in pages[0]
    assert "第1页/共1页" in squeeze(pages[0])


def test_a_long_order_keeps_all_signature_blocks_on_its_last_page(render: Render) -> None:
    pdf = render(long_order(steps=60, events=40))
    pages = pages_text(pdf)
    assert len(pages) >= 4
    for label in SIGNATURE_LABELS:
        assert [i for i, page in enumerate(pages) if label in page] == [len(pages) - 1]
    for number, page in enumerate(pages, start=1):
        assert f"第{number}页/共{len(pages)}页" in squeeze(page)


def test_signature_blocks_sit_at_the_foot_of_the_last_page(render: Render) -> None:
    short = render(one_page_order())
    long = render(long_order())
    last = len(pages_text(long))
    assert word_top(short, 1, "客户签字") == pytest.approx(word_top(long, last, "客户签字"))
    assert word_top(long, last, "客户签字") > 600  # the lower part of an 842 pt page


def test_signature_blocks_never_split_whatever_the_length(render: Render) -> None:
    """Grow the timeline one event at a time across the page boundary."""
    page_counts = set()
    alone_seen = False
    for events in range(2, 26, 2):
        pages = pages_text(render(one_page_order(timeline=timeline(events))))
        page_counts.add(len(pages))
        # A page holding only the signatures says so; one with content does not.
        alone = "→" not in pages[-1] and "附件" not in pages[-1]
        assert ("本页无正文" in pages[-1]) == alone, events
        alone_seen |= alone
        holding = {
            label: [i for i, p in enumerate(pages) if label in p] for label in SIGNATURE_LABELS
        }
        assert all(found == [len(pages) - 1] for found in holding.values()), (events, holding)
    assert {1, 2} <= page_counts, "the sweep must cross a page boundary"
    assert alone_seen, "the sweep must push the whole block onto a page of its own"


def _watermarks(pdf: Path, page: int) -> list[tuple[float, float]]:
    """Positions of large (watermark-sized) 副 followed by 本 on a page."""
    big = [b for b in word_boxes(pdf, page, "副") if b[3] - b[1] > 80]
    ben = [b for b in word_boxes(pdf, page, "本") if b[3] - b[1] > 80]
    return [(f[0], f[1]) for f in big for b in ben if b[0] > f[0] and b[1] < f[1]]


def test_copy_watermark_only_on_reprints(render: Render) -> None:
    original = render(long_order(steps=30, events=10))
    reprint = render(long_order(steps=30, events=10, print_number=2))
    count = len(pages_text(original))
    assert count == len(pages_text(reprint)) > 1
    for page in range(1, count + 1):
        assert not _watermarks(original, page)
        # big, and rising to the right: a diagonal 副本 across the page
        assert len(_watermarks(reprint, page)) == 1, page
    assert "第2次打印" in squeeze(pages_text(reprint)[0])


def test_footer_and_metadata_carry_the_content_hash(render: Render) -> None:
    ctx = long_order(steps=30)
    pdf = render(ctx)
    digest = content_hash(ctx)
    pages = pages_text(pdf)
    assert len(digest) == 64
    assert all(f"校验码{digest}" in squeeze(page) for page in pages)
    for number in range(1, len(pages) + 1):
        # the full hash stays on the page and clear of "第 X 页 / 共 Y 页" on its line
        [(_, top, right, _)] = word_boxes(pdf, number, digest)
        page_word = [b for b in word_boxes(pdf, number, "第") if abs(b[1] - top) < 1]
        assert page_word and right < page_word[0][0] - 10
        assert right < 595 - 15 * 72 / 25.4
    stamp = read_pdf_stamp(pdf)
    assert (stamp.order_no, stamp.sha256) == (ctx.order_no, digest)
    assert stamp.record_is_intact


@pytest.mark.skipif(not shutil.which("zbarimg"), reason="zbar-tools not installed")
def test_qr_code_scans_to_order_number_and_full_hash(render: Render, tmp_path: Path) -> None:
    ctx = one_page_order()
    subprocess.run(
        [
            "pdftoppm",
            "-r",
            "150",
            "-png",
            "-f",
            "1",
            "-l",
            "1",
            str(render(ctx)),
            str(tmp_path / "p"),
        ],
        check=True,
    )
    scanned = subprocess.run(
        ["zbarimg", "-q", "--raw", "-Sdisable", "-Sqrcode.enable", str(tmp_path / "p-1.png")],
        capture_output=True,
        text=True,
    ).stdout.strip()
    assert scanned == f"KAMDESK {ctx.order_no} SHA256:{content_hash(ctx).upper()}"


def test_signature_images_are_embedded_and_a_missing_signature_leaves_a_blank(
    render: Render,
) -> None:
    signed = short_order()
    images = subprocess.run(
        ["pdfimages", "-list", str(render(signed))], capture_output=True, text=True, check=True
    ).stdout.splitlines()[2:]
    assert sum(1 for line in images if line.split()[2] == "image") == 3
    unsigned = replace(signed, signatures=signed.signatures[1:])
    last = pages_text(render(unsigned))[-1]
    assert "张经理" not in last.split("客户签字")[-1]
    assert "日期：年月日" in squeeze(last)
    assert "姓名：王海燕" in squeeze(last)


def test_english_switch_changes_labels_but_not_the_hash(render: Render) -> None:
    ctx = one_page_order()
    i18n.set_language("en")
    pdf = render(ctx)
    text = "".join(pages_text(pdf))
    assert "Service Demand Form" in text
    assert "Page1of1" in squeeze(text)
    assert "Signature of the customer" in text
    assert "业务需求单" not in text
    assert read_pdf_stamp(pdf).sha256 == content_hash(ctx)


def test_renders_to_a_file_object(render: Render) -> None:
    buffer = BytesIO()
    render_workorder_pdf(one_page_order(), buffer)
    assert buffer.getvalue().startswith(b"%PDF-")
    assert b"kamdesk-sha256:" in buffer.getvalue()


def test_long_free_text_in_any_field_flows_across_pages(render: Render) -> None:
    sentence = "客户机房未通电，需协调物业开通临时电源并加装UPS。"
    huge = sentence * 150  # ~3,900 characters
    base = short_order()
    ctx = replace(
        base,
        customer_name="杭州" + huge[:600],
        approval=replace(base.approval, comment=huge),
        returns=(replace(base.returns[0], description=huge),),
        completion=replace(base.completion, test_results=huge),
    )
    pages = pages_text(render(ctx))
    assert len(pages) > 4
    # Nothing is cut off: every sentence is there, bar those a page break runs through.
    assert squeeze("".join(pages)).count(sentence) >= 3 * 150 - 2 * len(pages)
    for label in SIGNATURE_LABELS:
        assert [i for i, page in enumerate(pages) if label in page] == [len(pages) - 1]


def test_a_fault_order_prints_its_repair_clock_and_a_demand_order_keeps_its_hash(
    render: Render,
) -> None:
    from datetime import datetime

    from kamdesk.domain.clock import SHANGHAI
    from kamdesk.reports.workorder_context import Repair, canonical_record

    demand = one_page_order()
    assert "repair" not in canonical_record(demand)  # the record demand orders always had
    reported = datetime(2026, 10, 8, 9, 15, tzinfo=SHANGHAI)
    restored = datetime(2026, 10, 8, 13, 5, tzinfo=SHANGHAI)
    fault = replace(demand, kind="fault", repair=Repair(reported, restored))
    assert content_hash(fault) != content_hash(demand)  # the repair clock is content
    i18n.set_language("en")
    text = squeeze("".join(pages_text(render(fault))))
    for expected in ("Faultreportedat2026-10-0809:15", "Servicerestoredat2026-10-0813:05"):
        assert expected in text
    assert squeeze("Repair time 3 h 50 min") in text
