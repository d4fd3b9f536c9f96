"""A streaming writer of flat workbooks: sheets of a header row and typed value rows.

What the customer export, the import templates and the error workbooks need, and no
more: column widths, a frozen bold header, an autofilter over the written rows, money
with two decimals, and a highlight for marked rows. Each row becomes one piece of
SpreadsheetML text written straight into the deflated zip entry, so 100k rows cost no
more memory than ten and about a third of XlsxWriter's time (``benchmarks/
customer_export.py`` measures both).

Guarantees: every text is an inline string, so no cell can be a formula
(``=HYPERLINK(...)`` typed into a name comes back as that text); characters XML
cannot hold are written as Excel's ``_xHHHH_`` escapes, and a literal ``_xHHHH_`` is
kept literal. Numbers (``int``, ``float``, ``Decimal``) are numbers, ``bool`` is a
boolean, a date is ``YYYY-MM-DD`` text, a naive datetime with a time of day reads
``YYYY-MM-DD HH:MM:SS`` (as the importers read it back), anything else its ``str``.
Hazard: sheets are written one after the other; a sheet is complete once the next
one is started or the workbook is closed, and a workbook that is not closed is not a
valid file.
"""

from __future__ import annotations

import re
import zipfile
from collections.abc import Sequence
from datetime import date, datetime, time
from decimal import Decimal
from pathlib import Path
from types import TracebackType
from typing import IO, Any

_FLUSH_ROWS = 1000
_MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
_REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
_PKG_REL = "http://schemas.openxmlformats.org/package/2006/relationships"
_DECL = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'

# Styles (cellXfs indexes): header, money, marked row, marked money.
_HEADER, _MONEY, _MARKED, _MARKED_MONEY = 1, 2, 3, 4
_STYLES = (
    f'{_DECL}<styleSheet xmlns="{_MAIN}">'
    '<numFmts count="1"><numFmt numFmtId="164" formatCode="#,##0.00"/></numFmts>'
    '<fonts count="2"><font><sz val="11"/><name val="Calibri"/></font>'
    '<font><b/><sz val="11"/><name val="Calibri"/></font></fonts>'
    '<fills count="4"><fill><patternFill patternType="none"/></fill>'
    '<fill><patternFill patternType="gray125"/></fill>'
    '<fill><patternFill patternType="solid"><fgColor rgb="FFDDEBF7"/></patternFill></fill>'
    '<fill><patternFill patternType="solid"><fgColor rgb="FFFFF2CC"/></patternFill></fill>'
    "</fills>"
    '<borders count="1"><border><left/><right/><top/><bottom/><diagonal/></border></borders>'
    '<cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs>'
    '<cellXfs count="5"><xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/>'
    '<xf numFmtId="0" fontId="1" fillId="2" borderId="0" xfId="0" applyFont="1" applyFill="1"/>'
    '<xf numFmtId="164" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/>'
    '<xf numFmtId="0" fontId="0" fillId="3" borderId="0" xfId="0" applyFill="1"/>'
    '<xf numFmtId="164" fontId="0" fillId="3" borderId="0" xfId="0" applyNumberFormat="1"'
    ' applyFill="1"/></cellXfs>'
    '<cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/></cellStyles>'
    "</styleSheet>"
)

_UNSAFE = re.compile(r"[&<>\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]|_(?=x[0-9A-Fa-f]{4}_)")
_ENTITIES = {"&": "&amp;", "<": "&lt;", ">": "&gt;", "_": "_x005F_"}


def _escaped(match: re.Match[str]) -> str:
    char = match.group()
    return _ENTITIES.get(char) or f"_x{ord(char):04X}_"


def _xml_text(text: str) -> str:
    """``text`` as SpreadsheetML character data (see the module docstring)."""
    return _UNSAFE.sub(_escaped, text) if _UNSAFE.search(text) else text


def _column_letters(count: int) -> list[str]:
    letters = []
    for index in range(count):
        name, n = "", index + 1
        while n:
            n, rest = divmod(n - 1, 26)
            name = chr(65 + rest) + name
        letters.append(name)
    return letters


def _string_cell(ref: str, text: str, style: int) -> str:
    body = _xml_text(text)
    space = ' xml:space="preserve"' if body[:1].isspace() or body[-1:].isspace() else ""
    styled = f' s="{style}"' if style else ""
    return f'<c r="{ref}"{styled} t="inlineStr"><is><t{space}>{body}</t></is></c>'


def _cell(ref: str, value: Any, marked: bool) -> str:
    """One cell's XML; ``""`` for None or empty text (an empty cell is not written)."""
    kind = type(value)
    if kind is str and value:
        return _string_cell(ref, value, _MARKED if marked else 0)
    if value is None or kind is str:
        return f'<c r="{ref}" s="{_MARKED}"/>' if marked else ""
    if kind is bool:
        return f'<c r="{ref}"{_marked(marked)} t="b"><v>{int(value)}</v></c>'
    if kind is Decimal:
        style = _MARKED_MONEY if marked else _MONEY
        return f'<c r="{ref}" s="{style}"><v>{value:f}</v></c>'
    if kind is int or kind is float:
        return f'<c r="{ref}"{_marked(marked)}><v>{value!r}</v></c>'
    return _string_cell(ref, _as_text(value), _MARKED if marked else 0)


def _marked(marked: bool) -> str:
    return f' s="{_MARKED}"' if marked else ""


def _as_text(value: object) -> str:
    if isinstance(value, datetime) and value.tzinfo is None and value.time() != time(0):
        return value.isoformat(sep=" ", timespec="seconds")
    if isinstance(value, date):
        return value.isoformat()[:10]
    return str(value)


class FlatSheet:
    """One sheet being written; rows go to the file as they are appended."""

    def __init__(self, stream: IO[bytes], index: int, headers: Sequence[tuple[str, int]]) -> None:
        self.index = index
        self.rows = 0  # data rows written (the header is row 1)
        self.width = len(headers)
        self.closed = False
        self._stream = stream
        self._letters = _column_letters(self.width)
        self._pending: list[str] = []
        cols = "".join(
            f'<col min="{i}" max="{i}" width="{width}" customWidth="1"/>'
            for i, (_, width) in enumerate(headers, start=1)
        )
        header = "".join(
            _string_cell(f"{letter}1", text, _HEADER)
            for letter, (text, _) in zip(self._letters, headers, strict=True)
        )
        selected = ' tabSelected="1"' if index == 1 else ""
        self._put(
            f'{_DECL}<worksheet xmlns="{_MAIN}" xmlns:r="{_REL}"><sheetViews>'
            f'<sheetView workbookViewId="0"{selected}>'
            '<pane ySplit="1" topLeftCell="A2" activePane="bottomLeft" state="frozen"/>'
            '<selection pane="bottomLeft" activeCell="A2" sqref="A2"/></sheetView>'
            f'</sheetViews><sheetFormatPr defaultRowHeight="15"/><cols>{cols}</cols>'
            f'<sheetData><row r="1">{header}</row>'
        )

    def append(self, values: Sequence[Any], *, marked: bool = False) -> None:
        """Write one row (at most as many values as there are columns)."""
        self.rows += 1
        number = self.rows + 1
        cells = "".join(
            [_cell(f"{letter}{number}", value, marked)
             for letter, value in zip(self._letters, values, strict=False)]
        )  # fmt: skip
        self._pending.append(f'<row r="{number}">{cells}</row>')
        if len(self._pending) >= _FLUSH_ROWS:
            self._flush()

    @property
    def filter_range(self) -> str:
        return f"A1:{self._letters[-1]}{max(self.rows, 1) + 1}"

    def close(self) -> None:
        self._pending.append(f'</sheetData><autoFilter ref="{self.filter_range}"/></worksheet>')
        self._flush()
        self._stream.close()
        self.closed = True

    def _flush(self) -> None:
        self._put("".join(self._pending))
        self._pending.clear()

    def _put(self, text: str) -> None:
        self._stream.write(text.encode("utf-8"))


class FlatWorkbook:
    """A workbook of :class:`FlatSheet` sheets at ``path``; a context manager that
    closes it (a failed block still leaves a valid file of the rows written)."""

    def __init__(self, path: Path, *, compresslevel: int = 1) -> None:
        self._zip = zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=compresslevel)
        self._sheets: list[tuple[str, FlatSheet]] = []

    def __enter__(self) -> FlatWorkbook:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()

    def add_sheet(self, name: str, headers: Sequence[tuple[str, int]]) -> FlatSheet:
        """Start the next sheet (finishing the one before) with ``(text, width)`` headers."""
        self._finish_last()
        index = len(self._sheets) + 1
        stream = self._zip.open(f"xl/worksheets/sheet{index}.xml", "w", force_zip64=True)
        sheet = FlatSheet(stream, index, headers)
        self._sheets.append((name, sheet))
        return sheet

    def close(self) -> None:
        if self._zip.fp is None:
            return
        self._finish_last()
        try:
            for name, text in self._package_parts():
                self._zip.writestr(name, text)
        finally:
            self._zip.close()

    def _finish_last(self) -> None:
        if self._sheets and not self._sheets[-1][1].closed:
            self._sheets[-1][1].close()

    def _package_parts(self) -> list[tuple[str, str]]:
        sheets = [(_xml_attr(name), sheet) for name, sheet in self._sheets]
        overrides = "".join(
            f'<Override PartName="/xl/worksheets/sheet{s.index}.xml" ContentType="application/'
            'vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
            for _, s in sheets
        )
        entries = "".join(
            f'<sheet name="{name}" sheetId="{s.index}" r:id="rId{s.index}"/>' for name, s in sheets
        )
        filters = "".join(
            f'<definedName name="_xlnm._FilterDatabase" localSheetId="{s.index - 1}" hidden="1">'
            f"'{name.replace(chr(39), chr(39) * 2)}'!{_absolute(s.filter_range)}</definedName>"
            for name, s in sheets
        )
        links = "".join(
            f'<Relationship Id="rId{s.index}" Type="{_REL}/worksheet" '
            f'Target="worksheets/sheet{s.index}.xml"/>'
            for _, s in sheets
        )
        styles_id = len(sheets) + 1
        return [
            ("[Content_Types].xml",
             f'{_DECL}<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
             '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.'
             'relationships+xml"/><Default Extension="xml" ContentType="application/xml"/>'
             '<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-'
             'officedocument.spreadsheetml.sheet.main+xml"/><Override PartName="/xl/styles.xml" '
             'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"'
             f"/>{overrides}</Types>"),
            ("_rels/.rels",
             f'{_DECL}<Relationships xmlns="{_PKG_REL}"><Relationship Id="rId1" '
             f'Type="{_REL}/officeDocument" Target="xl/workbook.xml"/></Relationships>'),
            ("xl/workbook.xml",
             f'{_DECL}<workbook xmlns="{_MAIN}" xmlns:r="{_REL}"><bookViews><workbookView/>'
             f"</bookViews><sheets>{entries}</sheets><definedNames>{filters}</definedNames>"
             "</workbook>"),
            ("xl/_rels/workbook.xml.rels",
             f'{_DECL}<Relationships xmlns="{_PKG_REL}">{links}<Relationship '
             f'Id="rId{styles_id}" Type="{_REL}/styles" Target="styles.xml"/></Relationships>'),
            ("xl/styles.xml", _STYLES),
        ]  # fmt: skip


def _xml_attr(text: str) -> str:
    return _xml_text(text).replace('"', "&quot;")


def _absolute(cells: str) -> str:
    """``A1:L9`` → ``$A$1:$L$9``."""
    return ":".join(re.sub(r"([A-Z]+)(\d+)", r"$\1$\2", part) for part in cells.split(":"))
