"""A chosen list file, checked before any parser sees it: what it really is, and whether it
fits the bounds a village or regency list can reach.

A file is read for what its bytes are, not for its name (a workbook renamed ``.csv`` is read
as the workbook); what cannot be a list (a PDF, a Word document, a web page, an encrypted
file) is refused naming what it is. A zip-based workbook is bounded while it is streamed,
before calamine expands it: the uncompressed size of each sheet, the rows and cells that hold
values, and the length of one cell (Excel's own limit). A sheet of formulas whose values were
never computed (written by another program) is refused, since every value read would be empty.
CSV text is decoded from its byte-order mark (UTF-8, UTF-16) or as UTF-8, then Windows-1252,
and its delimiter is found from the records themselves.

Written here rather than taken from a library: no maintained package bounds a spreadsheet's
expansion before a reader loads it (defusedxml guards XML entities only).
"""

from __future__ import annotations

import codecs
import csv
import io
import itertools
import re
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path
from typing import IO
from xml.parsers import expat

from kudus_desktop.core.errors import KudusError

MAX_FILE_BYTES = 30 * 1024 * 1024
#: One sheet's XML once inflated: 100,000 rows of a wide list take about 60 MB.
MAX_SHEET_BYTES = 256 * 1024 * 1024
#: Rows and cells that hold a value: a regency list of 100,000 people, with room to spare.
MAX_ROWS = 250_000
MAX_CELLS = 6_000_000
#: Excel holds at most 32,767 characters in a cell; a longer one was made by something else.
MAX_CELL_CHARS = 32_767
# In the XML a character takes up to 4 bytes, or 6 as an entity, plus the cell's markup.
_MAX_CELL_BYTES = MAX_CELL_CHARS * 6 + 4096
_CHUNK = 1 << 22

_ZIP_MAGIC = b"PK\x03\x04"
_CFB_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # old .xls, Word .doc, and Office files encrypted with a password
_ODS_MIME = b"application/vnd.oasis.opendocument.spreadsheet"


class SourceFileError(KudusError):
    """The file cannot be imported at all (not a list, protected, beyond a bound ...)."""


class Kind(StrEnum):
    XLSX = "xlsx"
    ODS = "ods"
    XLS = "xls"
    CSV = "csv"


#: What a file that is not a list turned out to be, as the refusal names it (format names,
#: the same in every language).
_OTHER = {
    "pdf": "PDF",
    "word": "Microsoft Word",
    "html": "HTML",
    "xml2003": "XML Spreadsheet 2003",
    "zip": "ZIP",
    "image": "PNG/JPEG/GIF",
}


def _other(path: Path, what: str) -> SourceFileError:
    if what == "binary":
        return SourceFileError("file_binary", path=path.name)
    return SourceFileError("file_is_other", path=path.name, what=_OTHER[what])


def sniff(path: Path) -> Kind:
    """The kind the file's bytes say it is; refused when it is no list at all."""
    if not path.is_file():
        raise SourceFileError("file_not_found", path=str(path))
    size = path.stat().st_size
    if size > MAX_FILE_BYTES:
        raise SourceFileError("file_too_big", path=path.name, size=size // 2**20, max=MAX_FILE_BYTES // 2**20)
    if size == 0:
        raise SourceFileError("sheet_empty", path=path.name, sheet="")
    with path.open("rb") as fh:
        head = fh.read(4096)
    if head.startswith(_ZIP_MAGIC):
        return _zip_kind(path)
    if head.startswith(_CFB_MAGIC):
        return _cfb_kind(path)
    if head.startswith(b"%PDF"):
        raise _other(path, "pdf")
    if head.startswith((b"\x89PNG", b"\xff\xd8\xff", b"GIF8")):
        raise _other(path, "image")
    start = head.lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    if start.startswith((b"<html", b"<!doctype html")) or b"<table" in start[:512]:
        raise _other(path, "html")
    if start.startswith(b"<?xml") and b"urn:schemas-microsoft-com:office:spreadsheet" in head:
        raise _other(path, "xml2003")
    return Kind.CSV


def _zip_kind(path: Path) -> Kind:
    try:
        with zipfile.ZipFile(path) as zf:
            names = set(zf.namelist())
            if "xl/workbook.xml" in names:
                return Kind.XLSX
            # The mimetype part is a few dozen bytes; a bigger one is not read at all.
            if (
                "mimetype" in names
                and zf.getinfo("mimetype").file_size <= 256
                and zf.read("mimetype").strip() == _ODS_MIME
            ):
                return Kind.ODS
            if "word/document.xml" in names:
                raise _other(path, "word")
    except (zipfile.BadZipFile, OSError, KeyError, ValueError, EOFError) as exc:
        raise SourceFileError("file_corrupt", path=path.name, detail=str(exc)[:200]) from None
    raise _other(path, "zip")


def _cfb_kind(path: Path) -> Kind:
    """An OLE compound file: an old .xls, a Word document, or an Office file under a password
    (its directory names the streams ``EncryptionInfo`` and ``EncryptedPackage``)."""
    data = path.read_bytes()  # bounded by MAX_FILE_BYTES
    if "EncryptionInfo".encode("utf-16-le") in data or "EncryptedPackage".encode("utf-16-le") in data:
        raise SourceFileError("file_protected", path=path.name)
    if "WordDocument".encode("utf-16-le") in data:
        raise _other(path, "word")
    return Kind.XLS


# -- bounds of a zip-based workbook ------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class SheetScan:
    rows: int  # rows holding at least one value
    cells: int  # cells with content (closed by </c>)
    unsaved_formulas: int  # formula cells without a stored result


_ROW_END = re.compile(rb"</(?:\w+:)?row>")
_CELL_END = re.compile(rb"</(?:\w+:)?c>")
# A formula cell closed without a value: <f>..</f></c>, <f .../></c>, or with an empty <v/>.
_NO_RESULT = (b"</f></c>", b"</f><v/></c>", b"</f><v /></c>", b"</f><v></v></c>")
_SHARED_NO_RESULT = re.compile(rb"<f\b[^>]*/>(?:<v ?/>|<v></v>)?</c>")


def _blocks(fh: IO[bytes], too_big: SourceFileError, too_long: SourceFileError) -> Iterator[bytes]:
    """The stream in blocks that end after a ``>``, so no tag is split."""
    carry, seen = b"", 0
    while chunk := fh.read(_CHUNK):
        seen += len(chunk)
        if seen > MAX_SHEET_BYTES:
            raise too_big
        block = carry + chunk
        cut = block.rfind(b">") + 1
        if cut == 0:
            carry = block
            if len(carry) > _MAX_CELL_BYTES:
                raise too_long
            continue
        yield block[:cut]
        carry = block[cut:]
    if carry:
        yield carry


def _long_text(block: bytes) -> bool:
    """Whether a run of text without "<" in ``block`` reaches the cell bound (a block begins
    after a ">", so its first run is one too).

    A run that long covers a whole window of half its length: one find per window, which stops
    at the window's first "<" a few bytes in, looks at next to nothing of a block of markup;
    only a window without any "<" is measured. (A pattern pass over every "<" of a 68 MB sheet
    took a quarter of a second.)"""
    size, step = len(block), _MAX_CELL_BYTES // 2
    for start in range(0, size, step):
        end = min(start + step, size)
        if block.find(b"<", start, end) < 0:
            left = block.rfind(b"<", 0, start) + 1
            right = block.find(b"<", end)
            if (size if right < 0 else right) - left >= _MAX_CELL_BYTES:
                return True
    return False


def scan_xlsx(path: Path, sheet_index: int, sheet_name: str) -> SheetScan:
    """Stream one sheet of an .xlsx, refusing what passes a bound, before a reader parses it."""
    where = {"path": path.name, "sheet": sheet_name}
    too_big = SourceFileError("sheet_too_big", **where, max=MAX_SHEET_BYTES // 2**20)
    too_long = SourceFileError("cell_too_long", **where, max=f"{MAX_CELL_CHARS:,}".replace(",", "."))
    try:
        with zipfile.ZipFile(path) as zf:
            member = _sheet_member(zf, sheet_index)
            if member is None:
                return SheetScan(0, 0, 0)
            if zf.getinfo(member).file_size > MAX_SHEET_BYTES:
                raise too_big
            rows = cells = unsaved = 0
            with zf.open(member) as fh:
                for block in _blocks(fh, too_big, too_long):
                    # Rows with cells end with </row> (an empty row is <row .../>), cells with
                    # content with </c>; the usual, unprefixed markup is counted by bytes.count
                    # (each a pass over the block: as few as may be), a prefixed one by pattern.
                    in_block = block.count(b"</row>")
                    if in_block:
                        rows += in_block
                        cells += block.count(b"</c>")
                    else:
                        rows += len(_ROW_END.findall(block))
                        cells += len(_CELL_END.findall(block))
                    # A formula, <f> or <f .../>: does each have its result? (A sheet without one
                    # mostly has no "f" at all, which one memchr finds out.)
                    if b"f" in block and b"<f" in block:
                        unsaved += sum(block.count(end) for end in _NO_RESULT)
                        if b"/></c>" in block:
                            unsaved += len(_SHARED_NO_RESULT.findall(block))
                    if _long_text(block):
                        raise too_long
                    if rows > MAX_ROWS or cells > MAX_CELLS:
                        raise _too_many(path, sheet_name)
    except (zipfile.BadZipFile, OSError, KeyError, ValueError, EOFError, zipfile.LargeZipFile) as exc:
        raise SourceFileError("file_corrupt", path=path.name, detail=str(exc)[:200]) from None
    return SheetScan(rows, cells, unsaved)


def scan_xlsx_strings(path: Path) -> None:
    """Stream the shared strings, which a reader loads whole when it opens the workbook."""
    too_big = SourceFileError("sheet_too_big", path=path.name, sheet="sharedStrings", max=MAX_SHEET_BYTES // 2**20)
    too_long = SourceFileError(
        "cell_too_long", path=path.name, sheet="sharedStrings", max=f"{MAX_CELL_CHARS:,}".replace(",", ".")
    )
    try:
        with zipfile.ZipFile(path) as zf:
            if "xl/sharedStrings.xml" not in zf.namelist():
                return
            if zf.getinfo("xl/sharedStrings.xml").file_size > MAX_SHEET_BYTES:
                raise too_big
            with zf.open("xl/sharedStrings.xml") as fh:
                for block in _blocks(fh, too_big, too_long):
                    if _long_text(block):
                        raise too_long
    except (zipfile.BadZipFile, OSError, KeyError, ValueError, EOFError, zipfile.LargeZipFile) as exc:
        raise SourceFileError("file_corrupt", path=path.name, detail=str(exc)[:200]) from None


def _too_many(path: Path, sheet: str) -> SourceFileError:
    return SourceFileError(
        "too_many_rows", path=path.name, sheet=sheet, rows=f"{MAX_ROWS:,}".replace(",", "."),
        cells=f"{MAX_CELLS:,}".replace(",", "."),
    )  # fmt: skip


def _small_part(zf: zipfile.ZipFile, name: str) -> bytes:
    """A part that lists sheets or relationships: a few KB; past 8 MB it is not read."""
    if zf.getinfo(name).file_size > 8 * 2**20:
        raise ValueError(f"{name}: {zf.getinfo(name).file_size} bytes")
    return zf.read(name)


def _sheet_member(zf: zipfile.ZipFile, index: int) -> str | None:
    """The XML part of the workbook's ``index``-th sheet (1-based), through its relationships."""
    workbook = _small_part(zf, "xl/workbook.xml")
    ids = re.findall(rb"<(?:\w+:)?sheet\b[^>]*?\br:id=\"([^\"]+)\"", workbook) or re.findall(
        rb"<(?:\w+:)?sheet\b[^>]*?\bid=\"([^\"]+)\"", workbook
    )
    if not 1 <= index <= len(ids):
        return None
    rels = _small_part(zf, "xl/_rels/workbook.xml.rels") if "xl/_rels/workbook.xml.rels" in zf.namelist() else b""
    for rel in re.finditer(rb"<(?:\w+:)?Relationship\b[^>]*>", rels):
        tag = rel.group(0)
        rid = re.search(rb"\bId=\"([^\"]+)\"", tag)
        target = re.search(rb"\bTarget=\"([^\"]+)\"", tag)
        if rid and target and rid.group(1) == ids[index - 1]:
            name = target.group(1).decode("utf-8", "replace").lstrip("/")
            name = name if name.startswith("xl/") else f"xl/{name}"
            return name if name in zf.namelist() else None
    fallback = f"xl/worksheets/sheet{index}.xml"
    return fallback if fallback in zf.namelist() else None


def scan_ods(path: Path) -> None:
    """Stream an .ods's content, counting rows and cells as repeated, before calamine expands
    them: a one-row file repeated a million times is a million rows to a reader."""
    too_big = SourceFileError("sheet_too_big", path=path.name, sheet="", max=MAX_SHEET_BYTES // 2**20)
    state = {"rows": 0, "cells": 0, "row_repeat": 1, "row_cells": 0, "cell_repeat": 1, "in_cell": False}
    text = {"chars": 0}

    def start(name: str, attrs: dict[str, str]) -> None:
        if name.endswith(":table-row"):
            state["row_repeat"] = _repeat(attrs.get("table:number-rows-repeated"))
            state["row_cells"] = 0
        elif name.endswith((":table-cell", ":covered-table-cell")):
            has_value = "office:value-type" in attrs or "office:value" in attrs
            state["cell_repeat"] = _repeat(attrs.get("table:number-columns-repeated"))
            state["in_cell"] = True
            text["chars"] = 0
            if has_value:
                state["row_cells"] += state["cell_repeat"]

    def end(name: str) -> None:
        if name.endswith(":table-row"):
            if state["row_cells"]:
                state["rows"] += state["row_repeat"]
                state["cells"] += state["row_cells"] * state["row_repeat"]
                if state["rows"] > MAX_ROWS or state["cells"] > MAX_CELLS:
                    raise _too_many(path, "")
        elif name.endswith(":table-cell"):
            state["in_cell"] = False

    def chars(data: str) -> None:
        if state["in_cell"]:
            text["chars"] += len(data)
            if text["chars"] > MAX_CELL_CHARS:
                raise SourceFileError(
                    "cell_too_long", path=path.name, sheet="", max=f"{MAX_CELL_CHARS:,}".replace(",", ".")
                )

    def no_doctype(*_: object) -> None:
        raise SourceFileError("file_corrupt", path=path.name, detail="DOCTYPE")

    parser = expat.ParserCreate()
    parser.buffer_text = True
    parser.StartElementHandler = start
    parser.EndElementHandler = end
    parser.CharacterDataHandler = chars
    parser.StartDoctypeDeclHandler = no_doctype
    parser.EntityDeclHandler = no_doctype
    try:
        with zipfile.ZipFile(path) as zf:
            if zf.getinfo("content.xml").file_size > MAX_SHEET_BYTES:
                raise too_big
            with zf.open("content.xml") as fh:
                seen = 0
                while chunk := fh.read(_CHUNK):
                    seen += len(chunk)
                    if seen > MAX_SHEET_BYTES:
                        raise too_big
                    parser.Parse(chunk, False)
                parser.Parse(b"", True)
    except (zipfile.BadZipFile, OSError, KeyError, ValueError, EOFError, expat.ExpatError) as exc:
        raise SourceFileError("file_corrupt", path=path.name, detail=str(exc)[:200]) from None


def _repeat(value: str | None) -> int:
    try:
        return max(1, int(value)) if value else 1
    except ValueError:
        return 1


# -- CSV ---------------------------------------------------------------------------------------------


def decode_text(path: Path) -> str:
    """The file as text: by its byte-order mark (Excel's "Unicode text" is UTF-16), else UTF-8,
    else Windows-1252 (Excel's CSV on an Indonesian Windows). Binary data is refused."""
    raw = path.read_bytes()  # bounded by MAX_FILE_BYTES
    marks = ((codecs.BOM_UTF8, "utf-8-sig"), (codecs.BOM_UTF16_LE, "utf-16"), (codecs.BOM_UTF16_BE, "utf-16"))
    for bom, encoding in marks:
        if raw.startswith(bom):
            try:
                return raw.decode(encoding)
            except UnicodeDecodeError:
                raise _other(path, "binary") from None
    sample = raw[:65536]
    if sample.count(b"\x00") > len(sample) // 4:  # UTF-16 without its mark: every other byte zero
        odd_zeros = sample[1::2].count(b"\x00")
        encoding = "utf-16-le" if odd_zeros > sample[0::2].count(b"\x00") else "utf-16-be"
        try:
            return raw.decode(encoding)
        except UnicodeDecodeError:
            raise _other(path, "binary") from None
    controls = sum(1 for b in sample if b < 32 and b not in (9, 10, 13))
    if b"\x00" in sample or controls > len(sample) // 100:
        raise _other(path, "binary")
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError:
        return raw.decode("cp1252", errors="replace")


def csv_dialect(text: str) -> type[csv.Dialect]:
    """Excel's quoting with the delimiter that splits the first records most consistently
    (semicolons where the decimal separator is a comma, as in Indonesia; commas; tabs)."""
    sample = text[:65536]
    best: tuple[tuple[int, int, int], str] = ((0, 0, 0), ",")
    for delimiter in (";", ",", "\t", "|"):
        try:
            reader = csv.reader(io.StringIO(sample, newline=""), delimiter=delimiter)
            counts = [len(r) for r in itertools.islice(reader, 50) if any(r)]
        except csv.Error:
            continue
        if not counts:
            continue
        common = max(set(counts), key=counts.count)
        score = (int(common > 1), counts.count(common), common)
        if score > best[0]:
            best = (score, delimiter)

    class Dialect(csv.excel):
        delimiter = best[1]

    return Dialect


def csv_records(path: Path, text: str) -> Iterator[list[str]]:
    """Records of the text, quoted line breaks kept inside their field (only CR and LF end a
    record; U+2028 and the like are text); each refusal names the bound and the record."""
    reader = csv.reader(io.StringIO(text, newline=""), csv_dialect(text))
    number = 0
    try:
        for number, record in enumerate(reader, start=1):
            if number > MAX_ROWS:
                raise _too_many(path, path.stem)
            for value in record:
                if len(value) > MAX_CELL_CHARS:
                    raise _long_field(path, number)
            yield record
    except csv.Error as exc:
        if "field larger" in str(exc):
            raise _long_field(path, number + 1) from None
        raise SourceFileError("file_corrupt", path=path.name, detail=f"baris {number + 1}: {exc}"[:200]) from None


def _long_field(path: Path, row: int) -> SourceFileError:
    return SourceFileError("csv_cell_too_long", path=path.name, row=row, max=f"{MAX_CELL_CHARS:,}".replace(",", "."))
