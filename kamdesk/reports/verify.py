"""Check a printed work-order PDF against the order's current record.

``read_pdf_stamp(path)`` reads what the renderer sealed into the file (order number,
SHA-256 of the canonical content, and the embedded canonical record);
``compare(stamp, ctx)`` lists what differs from the record as it is now — empty means
the document matches. Differences name fields in the user's language, e.g.
``客户签收 / 满意度：5 → 3`` or ``处理记录 10：— → {…}`` (an event added since).

Uses pypdf, which reads any well-formed PDF (also one that another tool re-saved with
object streams or compression), imported only when a file is read.

Hazard: the check proves that the file's stamp and embedded record correspond to the
database; it does not re-read the visible page text, so a file whose pages were edited
but whose metadata was left intact still needs the QR/footer hash compared by eye.
"""

from __future__ import annotations

import hashlib
import json
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from kamdesk.errors import KamdeskError, define
from kamdesk.i18n import N_, tr
from kamdesk.reports.pdf_stamp import HASH_TAG, ORDER_TAG, RECORD_FILENAME
from kamdesk.reports.workorder_context import (
    WorkOrderContext,
    canonical_record,
    content_hash,
)
from kamdesk.reports.workorder_labels import field_label

define(
    {
        "reports.pdf_unreadable": N_("{path} cannot be read as a PDF: {error}"),
        "reports.pdf_not_stamped": N_(
            "{path} is not a KAMDesk work-order PDF: it carries no content stamp."
        ),
    }
)

_HASH_RE = re.compile(re.escape(HASH_TAG) + r"([0-9a-fA-F]{64})")
_ORDER_RE = re.compile(re.escape(ORDER_TAG) + r"(.+)$")
EMPTY = "—"
_MAX_VALUE = 80


@dataclass(frozen=True)
class PdfStamp:
    """What a work-order PDF says about itself."""

    order_no: str
    sha256: str
    record: bytes | None = None  # the embedded canonical JSON, when present

    @property
    def record_is_intact(self) -> bool:
        return self.record is not None and hashlib.sha256(self.record).hexdigest() == self.sha256


@dataclass(frozen=True)
class Difference:
    """One way in which the printed document and the current record differ.

    ``field`` is a stable path (``acceptance.satisfaction``, ``steps[2].state`` with
    1-based positions, or the special ``order_no``, ``sha256``, ``record``).
    """

    field: str
    printed: str
    current: str

    def label(self) -> str:
        if self.field == "sha256":
            return tr("Content hash")
        if self.field == "record":
            return tr("Embedded record")
        parts = []
        for key, index in re.findall(r"(\w+)(?:\[(\d+)\])?", self.field):
            parts.append(f"{field_label(key)} {index}" if index else field_label(key))
        return " / ".join(parts)

    def message(self) -> str:
        return tr(
            "{field}: {printed} → {current}",
            field=self.label(),
            printed=self.printed,
            current=self.current,
        )

    def __str__(self) -> str:
        return self.message()


def read_pdf_stamp(path: Path | str) -> PdfStamp:
    """The stamp of a work-order PDF; ``KamdeskError`` if unreadable or not stamped."""
    from pypdf import PdfReader
    from pypdf.errors import PyPdfError

    try:
        reader = PdfReader(str(path))
        meta = reader.metadata
        subject = str(meta.get("/Subject") or "") if meta else ""
        keywords = str(meta.get("/Keywords") or "") if meta else ""
        attachments = reader.attachments
        blobs = attachments.get(RECORD_FILENAME) if attachments else None
    except (OSError, PyPdfError, ValueError, KeyError) as exc:
        raise KamdeskError("reports.pdf_unreadable", path=str(path), error=exc) from exc
    found = _HASH_RE.search(subject) or _HASH_RE.search(keywords)
    order = next(
        (m.group(1).strip() for part in keywords.split(", ") if (m := _ORDER_RE.match(part))),
        None,
    )
    if found is None or order is None:
        raise KamdeskError("reports.pdf_not_stamped", path=str(path))
    record = bytes(blobs[0]) if blobs else None
    return PdfStamp(order_no=order, sha256=found.group(1).lower(), record=record)


def compare(stamp: PdfStamp, ctx: WorkOrderContext) -> list[Difference]:
    """Every difference between the document and ``ctx``; empty when they match."""
    differences: list[Difference] = []
    if stamp.order_no != ctx.order_no:
        differences.append(Difference("order_no", stamp.order_no, ctx.order_no))
    current_hash = content_hash(ctx)
    if stamp.sha256 == current_hash:
        return differences
    fields: list[Difference] = []
    if stamp.record_is_intact and stamp.record is not None:
        printed = json.loads(stamp.record.decode("utf-8"))
        fields = diff_records(printed, canonical_record(ctx))
    elif stamp.record is not None:
        differences.append(Difference("record", tr("does not match the document's hash"), EMPTY))
    # Field differences explain the new hash; without them the hash is all we can name.
    differences += fields or [Difference("sha256", stamp.sha256[:12], current_hash[:12])]
    return differences


def diff_records(printed: Any, current: Any, path: str = "") -> list[Difference]:
    """Field-level differences between two canonical records (JSON values)."""
    if isinstance(printed, dict) and isinstance(current, dict):
        out: list[Difference] = []
        for key in sorted(set(printed) | set(current)):
            sub = f"{path}.{key}" if path else key
            out += diff_records(printed.get(key), current.get(key), sub)
        return out
    if isinstance(printed, list) and isinstance(current, list):
        out = []
        for i in range(max(len(printed), len(current))):
            left = printed[i] if i < len(printed) else None
            right = current[i] if i < len(current) else None
            out += diff_records(left, right, f"{path}[{i + 1}]")
        return out
    if printed == current:
        return []
    return [Difference(path, _show(printed), _show(current))]


def _show(value: Any) -> str:
    if value is None:
        return EMPTY
    text = value if isinstance(value, str) else json.dumps(value, ensure_ascii=False)
    return text if len(text) <= _MAX_VALUE else text[: _MAX_VALUE - 1] + "…"
