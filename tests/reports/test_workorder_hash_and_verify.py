"""The content hash seals what matters legally, and verify names what changed."""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from pathlib import Path

import pytest

from kamdesk import i18n
from kamdesk.errors import KamdeskError
from kamdesk.reports.verify import PdfStamp, compare, diff_records, read_pdf_stamp
from kamdesk.reports.workorder_context import (
    Acceptance,
    Attachment,
    Circuit,
    Signature,
    WorkOrderContext,
    canonical_content,
    content_hash,
)
from tests.reports.samples import T0, short_order, signature_png

Render = Callable[[WorkOrderContext], Path]
BASE = short_order()


def _first_step_state(ctx: WorkOrderContext) -> WorkOrderContext:
    return replace(ctx, steps=(replace(ctx.steps[0], state="returned"), *ctx.steps[1:]))


LEGAL_EDITS: dict[str, Callable[[WorkOrderContext], WorkOrderContext]] = {
    "customer name": lambda c: replace(c, customer_name=c.customer_name + "（新）"),
    "credit code": lambda c: replace(c, customer_credit_code="91330106MA2H0ABC2X"),
    "requirement": lambda c: replace(c, requirement=c.requirement + "增加备用线路。"),
    "quantity": lambda c: replace(c, quantity=2),
    "bandwidth": lambda c: replace(c, circuit=replace(c.circuit, bandwidth="100M")),
    "satisfaction": lambda c: replace(c, acceptance=Acceptance(3, c.acceptance.accepted_at)),
    "step state": _first_step_state,
    "planned hours": lambda c: replace(
        c, steps=(replace(c.steps[0], planned_hours=Decimal("9")), *c.steps[1:])
    ),
    "timeline actor": lambda c: replace(
        c, timeline=(replace(c.timeline[0], actor="别人"), *c.timeline[1:])
    ),
    "signature image": lambda c: replace(
        c, signatures=(replace(c.signatures[0], png=signature_png(9)), *c.signatures[1:])
    ),
    "attachment": lambda c: replace(c, attachments=c.attachments[:1]),
    "return order": lambda c: replace(c, returns=()),
    "completion time": lambda c: replace(
        c,
        completion=replace(
            c.completion, completed_at=c.completion.completed_at + timedelta(hours=1)
        ),
    ),
}


@pytest.mark.parametrize("edit", LEGAL_EDITS, ids=list(LEGAL_EDITS))
def test_any_legal_change_changes_the_hash(edit: str) -> None:
    assert content_hash(LEGAL_EDITS[edit](BASE)) != content_hash(BASE)


def test_printing_details_and_labels_do_not_change_the_hash() -> None:
    reprinted = replace(
        BASE,
        printed_at=BASE.printed_at + timedelta(days=30),
        print_number=3,
        logo_png=signature_png(5),
        kind_label="Demand",
        importance_label="Grade A",
        steps=tuple(replace(s, state_label="done") for s in BASE.steps),
    )
    assert content_hash(reprinted) == content_hash(BASE)


def test_the_same_facts_in_another_order_or_zone_hash_the_same() -> None:
    shuffled = replace(
        BASE,
        signatures=tuple(reversed(BASE.signatures)),
        attachments=tuple(reversed(BASE.attachments)),
        steps=tuple(reversed(BASE.steps)),
        requirement=BASE.requirement.replace("\n", "\r\n"),
        issue=replace(BASE.issue, at=BASE.issue.at.astimezone(UTC)),
    )
    assert content_hash(shuffled) == content_hash(BASE)


def test_canonical_content_is_sorted_compact_json() -> None:
    raw = canonical_content(BASE)
    record = json.loads(raw)
    assert (
        raw
        == json.dumps(record, ensure_ascii=False, sort_keys=True, separators=(",", ":")).encode()
    )
    assert record["acceptance"] == {"accepted_at": "2026-09-30T07:30:00Z", "satisfaction": 5}
    assert "printed_at" not in raw.decode() and "print_number" not in raw.decode()


def test_naive_times_and_impossible_values_are_refused() -> None:
    with pytest.raises(ValueError, match="naive"):
        content_hash(replace(BASE, issue=replace(BASE.issue, at=datetime(2026, 9, 28, 9))))
    with pytest.raises(ValueError):
        replace(BASE, acceptance=Acceptance(6, T0))
    with pytest.raises(ValueError):
        replace(BASE, print_number=0)
    with pytest.raises(ValueError):
        replace(BASE, signatures=(*BASE.signatures, Signature("am", "又一人", T0, b"")))


def test_verify_accepts_an_unchanged_order(render: Render) -> None:
    stamp = read_pdf_stamp(render(BASE))
    assert compare(stamp, replace(BASE, printed_at=T0 + timedelta(days=9))) == []


def test_verify_names_the_field_that_was_edited_after_printing(render: Render) -> None:
    stamp = read_pdf_stamp(render(BASE))
    edited = replace(BASE, acceptance=Acceptance(3, BASE.acceptance.accepted_at))
    differences = compare(stamp, edited)
    assert [(d.field, d.printed, d.current) for d in differences] == [
        ("acceptance.satisfaction", "5", "3")
    ]
    assert differences[0].message() == "客户签收 / 满意度：5 → 3"
    i18n.set_language("en")
    assert differences[0].message() == "Customer acceptance / Satisfaction: 5 → 3"


def test_verify_lists_every_difference_with_positions(render: Render) -> None:
    stamp = read_pdf_stamp(render(BASE))
    edited = replace(
        BASE,
        circuit=replace(BASE.circuit, bandwidth="100M"),
        steps=(BASE.steps[0], replace(BASE.steps[1], workstation="别的工位"), *BASE.steps[2:]),
        attachments=(*BASE.attachments, Attachment("补充.png", "ab" * 32, 10)),
    )
    fields = {d.field: d for d in compare(stamp, edited)}
    assert set(fields) == {"circuit.bandwidth", "steps[2].workstation", "attachments[3]"}
    assert (fields["circuit.bandwidth"].printed, fields["circuit.bandwidth"].current) == (
        "10M",
        "100M",
    )
    assert fields["attachments[3]"].printed == "—"
    assert "补充.png" in fields["attachments[3]"].current
    assert fields["steps[2].workstation"].label() == "调度步骤 2 / 工位"


def test_verify_flags_another_order_and_a_tampered_record() -> None:
    record = canonical_content(BASE)
    genuine = PdfStamp("WO-2026-000999", content_hash(BASE), record)
    assert [d.field for d in compare(genuine, BASE)] == ["order_no"]
    tampered = PdfStamp(
        BASE.order_no, content_hash(BASE), record.replace(b'"quantity":1', b'"quantity":2')
    )
    changed = replace(BASE, quantity=5)
    assert [d.field for d in compare(tampered, changed)] == ["record", "sha256"]
    without_record = PdfStamp(BASE.order_no, content_hash(BASE))
    assert [d.field for d in compare(without_record, changed)] == ["sha256"]


def test_diff_records_handles_sections_that_appear_later() -> None:
    before = {"acceptance": None, "steps": []}
    after = {"acceptance": {"satisfaction": 4}, "steps": [{"seq": 1}]}
    assert {d.field for d in diff_records(before, after)} == {"acceptance", "steps[1]"}


def test_files_that_are_not_stamped_work_orders_are_refused(tmp_path: Path) -> None:
    from reportlab.pdfgen.canvas import Canvas

    plain = tmp_path / "plain.pdf"
    canvas = Canvas(str(plain))
    canvas.drawString(100, 700, "hello")
    canvas.save()
    with pytest.raises(KamdeskError) as not_stamped:
        read_pdf_stamp(plain)
    assert not_stamped.value.code == "reports.pdf_not_stamped"
    junk = tmp_path / "junk.pdf"
    junk.write_bytes(b"this is not a pdf")
    with pytest.raises(KamdeskError) as unreadable:
        read_pdf_stamp(junk)
    assert unreadable.value.code == "reports.pdf_unreadable"
    assert "junk.pdf" in unreadable.value.message()


def test_a_circuit_number_added_after_printing_is_reported(render: Render) -> None:
    unbuilt = replace(BASE, circuit=Circuit("A 端", "Z 端", "2M", "E1"))
    stamp = read_pdf_stamp(render(unbuilt))
    built = replace(unbuilt, circuit=replace(unbuilt.circuit, circuit_no="HZ-2M-0001"))
    assert [(d.field, d.printed, d.current) for d in compare(stamp, built)] == [
        ("circuit.circuit_no", "—", "HZ-2M-0001")
    ]
