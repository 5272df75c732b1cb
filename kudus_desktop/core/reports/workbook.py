"""The spreadsheet writer every export uses: XlsxWriter in constant-memory mode, rows streamed.

Chosen by measurement (``benchmarks/bench_import.py``): it writes the 100,000-participant roster
about twice as fast as openpyxl's write-only mode and holds one row in memory at a time. What
goes in a cell is decided here once, for every export:

* text is written as text, never as a formula or a link; text that a spreadsheet program would
  read as the start of a formula once typed again or converted to CSV (OWASP, "CSV Injection")
  carries Excel's quote prefix;
* the control characters a workbook cannot hold are dropped (tab, line feed and carriage return
  stay); nothing a participant's record holds can stop an export;
* dates are real dates shown as 17/08/1985, numbers are numbers.
"""

from __future__ import annotations

import contextlib
import re
import shutil
import tempfile
from collections.abc import Iterable, Sequence
from datetime import date
from pathlib import Path
from typing import Any, Protocol

import xlsxwriter
from xlsxwriter.format import Format
from xlsxwriter.worksheet import Worksheet

from kudus_desktop.core.rules.card_layout import Paper

DATE_FORMAT = "DD/MM/YYYY"
MONEY_FORMAT = "#,##0"
#: What a spreadsheet program reads as the start of a formula in a cell someone types or a file
#: converted to CSV: such text is written as text, and marked so.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
#: Characters no XML 1.0 document may hold (what openpyxl refuses as "illegal").
ILLEGAL_CHARACTERS_RE = re.compile(r"[\000-\010\013\014\016-\037]")
#: Cell text is limited to this many characters by Excel.
MAX_TEXT = 32_767
#: Excel's paper codes: 9 is A4, 14 is Folio (8.5 x 13 in, 216 x 330 mm), what offices call F4.
PAPER_CODE: dict[Paper, int] = {Paper.A4: 9, Paper.F4: 14}


def safe_text(value: str) -> str:
    """``value`` without the control characters a workbook cannot hold; tab, line feed and
    carriage return stay."""
    return ILLEGAL_CHARACTERS_RE.sub("", value) if ILLEGAL_CHARACTERS_RE.search(value) else value


class SheetColumn(Protocol):
    """A column as a sheet needs it: its header and its width in characters."""

    @property
    def header(self) -> str: ...

    @property
    def width(self) -> float: ...


class Sheet:
    """One worksheet, written top to bottom: title lines, a header row, rows of values."""

    def __init__(self, book: Book, ws: Worksheet, columns: Sequence[SheetColumn]) -> None:
        self.book = book
        self.ws = ws
        self.columns = columns
        self.next_row = 0
        for i, c in enumerate(columns):
            ws.set_column(i, i, c.width)
        # Printed from Excel or LibreOffice, on the office's paper, never cut off at the side.
        ws.set_paper(PAPER_CODE[book.paper])
        ws.fit_to_pages(1, 0)

    def freeze(self, cell: str) -> None:
        """Rows above and columns left of ``cell`` (``"A5"``) stay in view when scrolling."""
        self.ws.freeze_panes(cell)

    def landscape(self, *, header_row: int) -> None:
        """A wide sheet prints landscape, its header row (1-based) on every page."""
        self.ws.set_landscape()
        self.repeat_header(header_row)

    def repeat_header(self, header_row: int) -> None:
        """The header row (1-based) printed again at the top of every page."""
        self.ws.repeat_rows(header_row - 1)

    def letterhead(self, lines: Sequence[tuple[str, int]], annex: Sequence[tuple[str, str]] = ()) -> int:
        """The office's letterhead centred across the sheet (weight 2 the office, 1 the governments
        above it, 0 the address), a double rule under it, then a decree's annex block when the
        list belongs to one, and a blank row; returns the rows written."""
        last = max(len(self.columns) - 1, 0)
        start = self.next_row
        for n, (text, weight) in enumerate(lines):
            style = self.book.letterhead_style(weight, rule=n == len(lines) - 1)
            r = self.next_row
            self.next_row += 1
            if last:
                self.ws.merge_range(r, 0, r, last, safe_text(text), style)
            else:
                self.book.write_text(self.ws, r, 0, text, style)
        for label, value in annex:
            self.row([f"{label} : {value}"])
        self.text_rows([""])
        return self.next_row - start

    def text_rows(self, lines: Iterable[str], *, bold: bool = False) -> None:
        for line in lines:
            self.row([line], bold=bold)

    def header(self) -> None:
        self.row([c.header for c in self.columns], style=self.book.header_style)

    def row(
        self, values: Sequence[Any], *, bold: bool = False, money_from: int | None = None, style: Any = None
    ) -> None:
        """One row. ``money_from``: integers from this column on are rupiah amounts."""
        book, ws, r = self.book, self.ws, self.next_row
        self.next_row += 1
        strong = bold or style is not None
        for c, v in enumerate(values):
            if v is None or v == "":
                if strong:
                    ws.write_blank(r, c, None, style or book.bold)
                continue
            if isinstance(v, str):
                book.write_text(ws, r, c, v, style or (book.bold if bold else None))
            elif isinstance(v, date):
                ws.write_datetime(r, c, v, book.bold_date if bold else book.date)
            elif isinstance(v, bool):
                ws.write_boolean(r, c, v, book.bold if bold else None)
            elif isinstance(v, (int, float)):
                money = money_from is not None and c >= money_from and isinstance(v, int)
                fmt = (book.bold_money if bold else book.money) if money else (book.bold if bold else None)
                ws.write_number(r, c, v, fmt)
            else:
                book.write_text(ws, r, c, str(v), book.bold if bold else None)


class Book:
    """A workbook streamed into ``path`` (a temporary file the caller renames into place)."""

    def __init__(self, path: Path, paper: Paper = Paper.A4) -> None:
        self.paper = paper
        # Row data and the file's parts are streamed into a folder of their own beside the target,
        # not the system's temporary folder (on a village PC often the fullest disk); the folder
        # goes when the book is closed or discarded, whatever happened.
        self.parts = Path(tempfile.mkdtemp(dir=path.parent, prefix=f".{path.stem}-"))
        self.wb = xlsxwriter.Workbook(
            str(path), {"constant_memory": True, "tmpdir": str(self.parts), "strings_to_numbers": False}
        )
        self.sheets: list[Sheet] = []
        self.bold = self.wb.add_format({"bold": True})
        self.header_style = self.wb.add_format(
            {"bold": True, "align": "center", "valign": "vcenter", "text_wrap": True}
        )
        self.date = self.wb.add_format({"num_format": DATE_FORMAT})
        self.bold_date = self.wb.add_format({"num_format": DATE_FORMAT, "bold": True})
        self.money = self.wb.add_format({"num_format": MONEY_FORMAT})
        self.bold_money = self.wb.add_format({"num_format": MONEY_FORMAT, "bold": True})
        self._quoted: dict[int, Format] = {}
        self._letterhead: dict[tuple[int, bool], Format] = {}
        self._plain = self.wb.add_format({})

    def letterhead_style(self, weight: int, *, rule: bool) -> Format:
        key = (weight, rule)
        found = self._letterhead.get(key)
        if found is None:
            props: dict[str, Any] = {"align": "center", "bold": weight > 0, "font_size": (10, 12, 14)[min(weight, 2)]}
            if rule:
                props["bottom"] = 6  # a double rule under the letterhead, as on the office's paper
            found = self._letterhead[key] = self.wb.add_format(props)
        return found

    def sheet(self, name: str, columns: Sequence[SheetColumn]) -> Sheet:
        sheet = Sheet(self, self.wb.add_worksheet(name), columns)
        self.sheets.append(sheet)
        return sheet

    def write_text(self, ws: Worksheet, r: int, c: int, text: str, fmt: Format | None) -> None:
        clean = safe_text(text)[:MAX_TEXT]
        if clean.startswith(FORMULA_STARTS):
            fmt = self._quoted_style(fmt)
        if clean.startswith("<r>") and clean.endswith("</r>"):
            # In constant-memory mode such text would be taken for rich-text markup and written
            # unescaped: as two escaped runs it reads back exactly as typed.
            half = len(clean) // 2
            style = fmt or self._plain
            cell_style = () if fmt is None else (fmt,)
            ws.write_rich_string(r, c, style, clean[:half], style, clean[half:], *cell_style)
            return
        ws.write_string(r, c, clean, fmt)

    def _quoted_style(self, fmt: Format | None) -> Format:
        key = id(fmt)
        found = self._quoted.get(key)
        if found is None:
            props: dict[str, Any] = {"quote_prefix": True}
            if fmt is not None and fmt.bold:
                props["bold"] = True
            found = self._quoted[key] = self.wb.add_format(props)
        return found

    def close(self) -> None:
        """Write the file. Raises OSError when the disk is full or the folder is gone."""
        if not self.sheets:
            self.wb.add_worksheet()
        try:
            self.wb.close()
        finally:
            self.discard()

    def discard(self) -> None:
        """After a failed export: close the row files streamed so far (they delete themselves)."""
        for sheet in self.sheets:
            handle = getattr(sheet.ws, "row_data_fh", None)
            if handle is not None:
                with contextlib.suppress(OSError):
                    handle.close()
        shutil.rmtree(self.parts, ignore_errors=True)
