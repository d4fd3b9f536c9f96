"""The one door an uploaded workbook passes before openpyxl parses it.

:func:`read_first_sheet` checks, cheapest first, and refuses with a
:class:`KamdeskError` whose message says what to do:

1. the file size (:data:`MAX_FILE_BYTES`) and that it is a zip at all (a CSV or an
   old ``.xls`` renamed ``.xlsx`` is not);
2. the zip directory: part count, part names (no absolute paths, ``..`` or
   backslashes), the declared uncompressed total and each large part's compression
   ratio (zip bombs), macros (``vbaProject.bin`` or a macro-enabled content type);
3. a ``<!DOCTYPE`` in the prologue of any XML part (entity expansion, external
   entities) — refused before any parser runs; openpyxl itself parses through
   defusedxml (it uses it whenever it is importable, which is checked here);
4. every worksheet part streamed once with a byte scan, before openpyxl sees it:
   more than :data:`MAX_ROWS` rows holding anything is refused, whatever the sheet's
   dimension claims (openpyxl parses a whole sheet that declares no dimension just
   to size it: a million rows took 10 s); merged cells on the sheet read are refused;
5. then openpyxl in read-only mode: a declared size beyond :data:`MAX_ROWS` rows or
   :data:`MAX_COLUMNS` columns is refused from the sheet's dimension, and the rows
   read are bounded by the same limits.

Guarantees: nothing is decompressed beyond what the zip directory declares (Python's
zipfile stops at the declared size and checks the CRC), and every refusal happens
before a single row reaches the caller. Empty rows are skipped; values are returned as
openpyxl gives them (str, int, float, bool, datetime, None), never evaluated: a
formula cell is its formula's text (``=1+1``), not the value Excel cached for it, so
the caller can flag it and store it as text.
"""

from __future__ import annotations

import re
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from kamdesk.domain.progress import CancelCheck, Progress, check_cancel
from kamdesk.errors import KamdeskError, define
from kamdesk.i18n import N_

MAX_FILE_BYTES = 50 * 1024 * 1024
MAX_UNCOMPRESSED_BYTES = 400 * 1024 * 1024
MAX_PARTS = 2000
MAX_RATIO = 200
"""Largest compression ratio of a part bigger than :data:`RATIO_FROM_BYTES`."""
RATIO_FROM_BYTES = 1024 * 1024
MAX_ROWS = 200_000
"""Data rows (below the header) a workbook may hold."""
MAX_COLUMNS = 100

define(
    {
        "xlsx.missing": N_("The file {name} cannot be read: {error}"),
        "xlsx.too_big": N_("The file is {size} MB; at most {limit} MB can be imported"),
        "xlsx.not_xlsx": N_(
            "{name} is not an Excel workbook (.xlsx); a CSV or an old .xls file renamed "
            ".xlsx is not accepted. Open it in Excel and save it as .xlsx"
        ),
        "xlsx.too_many_parts": N_(
            "The workbook holds {count} parts (at most {limit}); it is not an ordinary sheet"
        ),
        "xlsx.bad_part_name": N_("The workbook holds a part with a forbidden name: {part}"),
        "xlsx.bomb": N_(
            "The workbook would unpack to {size} MB (at most {limit} MB); it is refused "
            "as a possible zip bomb"
        ),
        "xlsx.ratio": N_(
            "The part {part} is compressed {ratio} times (at most {limit}); it is refused "
            "as a possible zip bomb"
        ),
        "xlsx.macros": N_(
            "The workbook contains macros (VBA); save it as a plain .xlsx without macros"
        ),
        "xlsx.unsafe_xml": N_(
            "The workbook contains XML declarations (DOCTYPE or entities) that Excel never "
            "writes; it is refused for safety"
        ),
        "xlsx.no_defusedxml": N_(
            "The safe XML reader (defusedxml) is not active; workbooks cannot be imported"
        ),
        "xlsx.unreadable": N_("The workbook cannot be read: {error}"),
        "xlsx.no_sheet": N_("The workbook has no worksheet"),
        "xlsx.merged": N_(
            "The sheet has merged cells ({cells}); unmerge them and fill in every cell"
        ),
        "xlsx.too_many_rows": N_(
            "The sheet has {count} rows; at most {limit} rows can be imported at once"
        ),
        "xlsx.too_many_columns": N_(
            "The sheet uses {count} columns; at most {limit} columns are read. Delete the "
            "unused columns on the right"
        ),
        "xlsx.empty": N_("The sheet is empty: the first row must hold the column headers"),
    }
)

_SAFE_PART = re.compile(r"^[A-Za-z0-9_%\-\[\]. ]+(?:/[A-Za-z0-9_%\-\[\]. ]+)*$")
_MACRO_TYPES = (b"macroEnabled", b"vbaProject", b"application/vnd.ms-office.activeX")
_MERGE = re.compile(rb'<(?:\w+:)?mergeCell\s+ref="([^"]{1,40})"')
_FILLED_ROW = re.compile(rb"<(?:\w+:)?row\b[^>]*(?<!/)>")
"""A row element with content (an empty ``<row .../>`` holds nothing)."""
_WORKSHEET = re.compile(r"^xl/worksheets/[^/]+\.xml$")
_CHUNK = 1024 * 1024


@dataclass(frozen=True)
class SheetData:
    """The first worksheet: its header texts and its non-empty rows.

    ``rows`` pairs each row's number on the sheet (header = 1) with its values, one per
    header column.
    """

    sheet_name: str
    header: tuple[str, ...]
    rows: tuple[tuple[int, tuple[Any, ...]], ...]


def _mb(size: int) -> str:
    return f"{size / 1024 / 1024:.1f}"


def check_archive(path: Path) -> dict[str, SheetScan]:
    """Steps 1-4 of the module docstring; raises on the first problem found. Returns
    what the scan found in each worksheet part."""
    try:
        size = path.stat().st_size
    except OSError as exc:
        raise KamdeskError("xlsx.missing", name=path.name, error=exc.strerror or str(exc)) from exc
    if size > MAX_FILE_BYTES:
        raise KamdeskError("xlsx.too_big", size=_mb(size), limit=MAX_FILE_BYTES // 1024 // 1024)
    if not zipfile.is_zipfile(path):
        raise KamdeskError("xlsx.not_xlsx", name=path.name)
    try:
        with zipfile.ZipFile(path) as archive:
            _check_directory(archive.infolist())
            _check_parts(archive)
            return {
                name: scan_sheet(archive, name)
                for name in archive.namelist()
                if _WORKSHEET.match(name)
            }
    except zipfile.BadZipFile as exc:
        raise KamdeskError("xlsx.not_xlsx", name=path.name) from exc


def _check_directory(parts: list[zipfile.ZipInfo]) -> None:
    if len(parts) > MAX_PARTS:
        raise KamdeskError("xlsx.too_many_parts", count=len(parts), limit=MAX_PARTS)
    names = [part.filename for part in parts]
    if "[Content_Types].xml" not in names:
        raise KamdeskError("xlsx.not_xlsx", name="[Content_Types].xml")
    for part in parts:
        name = part.filename
        if part.is_dir():
            continue
        if not _SAFE_PART.match(name) or ".." in name.split("/"):
            raise KamdeskError("xlsx.bad_part_name", part=name[:80])
        if "vba" in name.lower() and name.lower().endswith(".bin"):
            raise KamdeskError("xlsx.macros")
    total = sum(part.file_size for part in parts)
    if total > MAX_UNCOMPRESSED_BYTES:
        raise KamdeskError(
            "xlsx.bomb", size=_mb(total), limit=MAX_UNCOMPRESSED_BYTES // 1024 // 1024
        )
    for part in parts:
        if part.file_size > RATIO_FROM_BYTES:
            ratio = part.file_size // max(part.compress_size, 1)
            if ratio > MAX_RATIO:
                raise KamdeskError("xlsx.ratio", part=part.filename, ratio=ratio, limit=MAX_RATIO)


def _check_parts(archive: zipfile.ZipFile) -> None:
    content_types = archive.read("[Content_Types].xml")
    if any(marker in content_types for marker in _MACRO_TYPES):
        raise KamdeskError("xlsx.macros")
    for part in archive.infolist():
        if part.filename.endswith((".xml", ".rels", ".vml")):
            with archive.open(part) as stream:
                prologue = stream.read(4096)
            upper = prologue.upper()
            if b"<!DOCTYPE" in upper or b"<!ENTITY" in upper:
                raise KamdeskError("xlsx.unsafe_xml")


@dataclass(frozen=True)
class SheetScan:
    """One worksheet part as the byte scan saw it."""

    rows: int  # row elements with content, the header's included
    merges: list[str]  # merged ranges, as declared


def scan_sheet(archive: zipfile.ZipFile, part_name: str) -> SheetScan:
    """One worksheet part streamed in chunks: refused past :data:`MAX_ROWS` + 1 filled
    rows (the header and the data)."""
    merges: list[str] = []
    rows = 0
    tail = b""
    with archive.open(part_name) as stream:
        while chunk := stream.read(_CHUNK):
            data = tail + chunk
            rows += len(_FILLED_ROW.findall(data))
            if rows > MAX_ROWS + 1:
                raise KamdeskError("xlsx.too_many_rows", count=f"{MAX_ROWS}+", limit=MAX_ROWS)
            merges.extend(m.decode("ascii", "replace") for m in _MERGE.findall(data))
            # Keep the end of the chunk for a tag cut in half; never count a match twice.
            tail = _unfinished_tag(data)
    return SheetScan(rows, merges)


def _unfinished_tag(data: bytes) -> bytes:
    """The end of ``data`` from its last tag when that tag may be cut by the chunk's
    end (a complete row or merge tag there was counted already)."""
    last = data.rfind(b"<")
    if last < 0 or _FILLED_ROW.match(data, last) or _MERGE.match(data, last):
        return b""
    return data[last:]


def read_first_sheet(
    path: Path, *, progress: Progress | None = None, cancel: CancelCheck | None = None
) -> SheetData:
    """The first worksheet of ``path`` after every check of the module docstring."""
    scans = check_archive(path)
    import openpyxl

    if openpyxl.DEFUSEDXML is not True:
        raise KamdeskError("xlsx.no_defusedxml")
    try:
        workbook = openpyxl.load_workbook(path, read_only=True, data_only=False)
    except KamdeskError:
        raise
    except Exception as exc:  # openpyxl and defusedxml raise many kinds
        raise _unreadable(exc) from exc
    try:
        if not workbook.worksheets:
            raise KamdeskError("xlsx.no_sheet")
        sheet = workbook.worksheets[0]
        scan = scans.get(getattr(sheet, "_worksheet_path", ""), SheetScan(0, []))
        if scan.merges:
            raise KamdeskError("xlsx.merged", cells=", ".join(scan.merges[:5]))
        return _read(sheet, scan.rows, progress, cancel)
    except KamdeskError:
        raise
    except Exception as exc:
        raise _unreadable(exc) from exc
    finally:
        workbook.close()


def _unreadable(exc: Exception) -> KamdeskError:
    cause: BaseException | None = exc
    while cause is not None:  # openpyxl wraps what defusedxml raised
        if type(cause).__module__.startswith("defusedxml"):
            return KamdeskError("xlsx.unsafe_xml")
        cause = cause.__cause__ or cause.__context__
    return KamdeskError("xlsx.unreadable", error=str(exc)[:200] or type(exc).__name__)


def _read(
    sheet: Any, scanned_rows: int, progress: Progress | None, cancel: CancelCheck | None
) -> SheetData:
    declared_rows = sheet.max_row or 0
    declared_columns = sheet.max_column or 0
    if declared_rows > MAX_ROWS + 1:
        raise KamdeskError("xlsx.too_many_rows", count=declared_rows - 1, limit=MAX_ROWS)
    if declared_columns > MAX_COLUMNS:
        raise KamdeskError("xlsx.too_many_columns", count=declared_columns, limit=MAX_COLUMNS)
    rows = _bounded_rows(sheet)
    header_row = next(rows, None)
    if header_row is None or not any(_present(v) for v in header_row[1]):
        raise KamdeskError("xlsx.empty")
    width = max(i for i, v in enumerate(header_row[1]) if _present(v)) + 1
    header = tuple("" if v is None else str(v).strip() for v in header_row[1][:width])
    found: list[tuple[int, tuple[Any, ...]]] = []
    for number, values in rows:
        if number % 1000 == 0:
            check_cancel(cancel)
            if progress is not None:
                progress(number, max(declared_rows, scanned_rows, number), sheet.title)
        trimmed = tuple(values[:width]) + (None,) * (width - len(values))
        if any(_present(v) for v in trimmed):
            if len(found) >= MAX_ROWS:
                raise KamdeskError("xlsx.too_many_rows", count=f"{MAX_ROWS}+", limit=MAX_ROWS)
            found.append((number, trimmed))
    return SheetData(sheet.title, header, tuple(found))


def _bounded_rows(sheet: Any) -> Iterator[tuple[int, tuple[Any, ...]]]:
    """Rows 1 … MAX_ROWS + 1, at most MAX_COLUMNS wide, numbered as on the sheet."""
    values = sheet.iter_rows(min_row=1, max_row=MAX_ROWS + 2, max_col=MAX_COLUMNS, values_only=True)
    for number, row in enumerate(values, start=1):
        if number > MAX_ROWS + 1:
            if any(_present(v) for v in row):
                raise KamdeskError("xlsx.too_many_rows", count=f"{MAX_ROWS}+", limit=MAX_ROWS)
            continue
        yield number, tuple(row)


def _present(value: Any) -> bool:
    return value is not None and not (isinstance(value, str) and not value.strip())
