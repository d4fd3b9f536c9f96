"""How a work-order PDF carries its seal: metadata keys and the embedded canonical record.

Writing side (used by the renderer while the canvas is open):

- ``/Subject``  = ``kamdesk-sha256:<64 hex>``
- ``/Keywords`` = ``kamdesk-sha256:<64 hex>, kamdesk-order:<order no>`` (order no last)
- an embedded file :data:`RECORD_FILENAME` (``application/json``) holding the canonical
  record, listed in the catalog's ``/EmbeddedFiles`` name tree, so
  ``kamdesk verify`` can name the fields that changed and a person can open it from
  the viewer's attachment pane.

Reading is in :mod:`kamdesk.reports.verify`. This module imports reportlab only inside
:func:`embed_record`.
"""

from __future__ import annotations

from typing import Any

HASH_TAG = "kamdesk-sha256:"
ORDER_TAG = "kamdesk-order:"
RECORD_FILENAME = "kamdesk-workorder.json"


def subject(sha256: str) -> str:
    return f"{HASH_TAG}{sha256}"


def keywords(sha256: str, order_no: str) -> str:
    return f"{HASH_TAG}{sha256}, {ORDER_TAG}{order_no}"


def embed_record(canvas: Any, record: bytes, description: str) -> None:
    """Attach ``record`` to the document being written by ``canvas`` (before ``save``)."""
    from reportlab.pdfbase.pdfdoc import (
        PDFArray,
        PDFDictionary,
        PDFName,
        PDFStream,
        PDFString,
    )

    doc = canvas._doc  # reportlab has no public API for embedded files
    stream = PDFStream(
        PDFDictionary(
            {
                "Type": PDFName("EmbeddedFile"),
                "Subtype": "/application#2Fjson",  # a PDF name may not contain "/"
                "Params": PDFDictionary({"Size": len(record)}),
            }
        ),
        content=record,
    )
    filespec = PDFDictionary(
        {
            "Type": PDFName("Filespec"),
            "F": PDFString(RECORD_FILENAME),
            "UF": PDFString(RECORD_FILENAME),
            "Desc": PDFString(description),
            "AFRelationship": PDFName("Data"),
            "EF": PDFDictionary({"F": doc.Reference(stream)}),
        }
    )
    ref = doc.Reference(filespec)
    names = PDFDictionary(
        {"EmbeddedFiles": PDFDictionary({"Names": PDFArray([PDFString(RECORD_FILENAME), ref])})}
    )
    doc.Catalog.Names = names
