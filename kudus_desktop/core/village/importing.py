"""Importing candidate lists (DTKS, DTSEN, P3KE, rosters) from spreadsheets.

Reading is done by python-calamine (about ten times faster than openpyxl in read-only mode
and it reads .xlsx, .xls and .ods alike); CSV by the standard library. The importer finds
the sheet and the header row itself, maps columns by known header names, checks every row
with the same rules as the form, and returns a preview. Nothing is written until
:meth:`ImportService.commit`, which applies the whole preview in one transaction.
"""

from __future__ import annotations

import dataclasses
import re
import threading
import zipfile
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from enum import StrEnum
from functools import lru_cache
from pathlib import Path
from typing import Any

from sqlalchemy import Connection

from kudus_desktop.core.enrolment.participants import ParticipantService
from kudus_desktop.core.errors import CancelledError
from kudus_desktop.core.rules.codes import Category, Funding, Status
from kudus_desktop.core.rules.dates import format_date, parse_date_text
from kudus_desktop.core.rules.labels import CODES
from kudus_desktop.core.rules.names import likely_same
from kudus_desktop.core.rules.nik import NumberError, clean_number, parse_nik
from kudus_desktop.core.rules.progress import CancelCheck, Progress, cycle_collection_paused, never_cancelled
from kudus_desktop.core.rules.records import OpChanges
from kudus_desktop.core.rules.regions import kudus_district_digits
from kudus_desktop.core.rules.validation import (
    Issue,
    ParticipantDraft,
    ParticipantFields,
    ValidationContext,
    errors_of,
    validate_participant,
    warnings_of,
)
from kudus_desktop.core.storage import settings
from kudus_desktop.core.village.eligibility import absent_from, record_absences
from kudus_desktop.core.village.sourcefile import (
    Kind,
    SheetScan,
    SourceFileError,
    csv_records,
    decode_text,
    scan_ods,
    scan_xlsx,
    scan_xlsx_strings,
    sniff,
)

HEADER_SCAN_ROWS = 30
#: Checked rows are handed on in batches while the rest are checked, so the page shows a
#: screenful at once: the first batch after this many rows, then about every NEXT_BATCH.
FIRST_BATCH = 100
NEXT_BATCH = 5000
#: Called with each batch of checked rows, in file order; a row handed on never changes.
RowsFound = Callable[[Sequence["ImportRow"]], None]
SUFFIXES = {".xlsx", ".xlsm", ".xls", ".ods", ".csv"}

#: Fields a column can be mapped to, in the order the mapping editor shows them.
IMPORT_FIELDS: tuple[str, ...] = (
    "nik", "full_name", "kk", "birth_place", "birth_date", "sex", "address", "dusun", "rt", "rw", "phone",
    "occupation", "category", "funding", "start_date", "term_end", "source_id", "desil",
)  # fmt: skip
#: Kept from the source list as they are (not typed in the form): its row ID and the desil.
SOURCE_FIELDS = ("source_id", "desil")
MAX_SOURCE_ID = 40

_NO_CELLS: dict[str, Any] = dict.fromkeys(IMPORT_FIELDS)

#: Header names seen in village lists, normalised (upper case, letters and digits only).
SYNONYMS: dict[str, tuple[str, ...]] = {
    "nik": ("NIK", "NONIK", "NOMORNIK", "NIKKTP", "NOKTP", "NOMORKTP", "NOINDUKKEPENDUDUKAN", "NOMORINDUKKEPENDUDUKAN"),
    "full_name": ("NAMA", "NAMALENGKAP", "NAMAPESERTA", "NAMAANGGOTA", "NAMASESUAIKTP", "NAMAPEKERJA"),
    "kk": ("NOKK", "NOMORKK", "KK", "NOKARTUKELUARGA", "NOMORKARTUKELUARGA"),
    "birth_place": ("TEMPATLAHIR", "TMPLAHIR", "TMPTLAHIR", "TPTLAHIR"),
    "birth_date": ("TANGGALLAHIR", "TGLLAHIR", "TGLLHR", "TANGGALLHR"),
    "sex": ("JENISKELAMIN", "JK", "LP", "KELAMIN", "SEX", "GENDER"),
    "address": ("ALAMAT", "ALAMATLENGKAP", "ALAMATRUMAH"),
    "dusun": ("DUSUN", "DUKUH", "NAMADUSUN"),
    "rt": ("RT", "NORT"),
    "rw": ("RW", "NORW"),
    "phone": ("NOHP", "HP", "NOMORHP", "TELEPON", "TELP", "NOTELP", "NOTELEPON", "NOMORTELEPON", "WA", "NOWA"),
    "occupation": ("PEKERJAAN", "JENISPEKERJAAN", "PROFESI"),
    "category": ("KATEGORI", "KELOMPOK", "JENISPESERTA"),
    "funding": ("SUMBERDANA", "PEMBIAYAAN"),
    "start_date": ("TANGGALMULAI", "TMT", "MULAI", "TANGGALKEPESERTAAN"),
    "term_end": (
        "AKHIRMASAJABATAN",
        "MASAJABATANSD",
        "MASAJABATANSAMPAI",
        "AKHIRJABATAN",
        "MASABAKTISD",
        "BERAKHIRJABATAN",
    ),
    "source_id": (
        "IDDTSEN",
        "IDDTKS",
        "IDP3KE",
        "IDART",
        "IDINDIVIDU",
        "IDKELUARGA",
        "IDSUMBER",
        "IDBDT",
        "NOURUTDTKS",
        "IDDATA",
    ),
    "desil": ("DESIL", "DESILNASIONAL", "DESILKESEJAHTERAAN", "PERINGKATDESIL", "PERINGKATKESEJAHTERAAN"),
}
_SYNONYM_FIELD = {name: fld for fld, names in SYNONYMS.items() for name in names}
#: A row whose mapped cells are all among these is blank.
_BLANK = frozenset((None, ""))
_TOTAL_ROW = re.compile(r"^\s*(jumlah|total|jml|grand total)\b", re.IGNORECASE)
_SEX = {"L": "L", "LK": "L", "LAKILAKI": "L", "LAKI": "L", "PRIA": "L", "P": "P", "PR": "P", "PEREMPUAN": "P",
        "WANITA": "P"}  # fmt: skip


class RowStatus(StrEnum):
    ADD = "add"
    UPDATE = "update"
    UNCHANGED = "unchanged"
    REJECTED = "rejected"


def normalise_header(text: object) -> str:
    return re.sub(r"[^0-9A-Z]", "", str(text).upper())


@dataclass(frozen=True, slots=True)
class SheetGuess:
    """Where the list starts in one sheet and how its columns map to fields."""

    name: str
    header_row: int  # as Excel numbers it (1-based); 0 when no header was found
    headers: tuple[str, ...]
    mapping: dict[str, int] = field(default_factory=dict)  # field -> column index (0-based)
    has_data: bool = False

    @property
    def score(self) -> int:
        return len(self.mapping) + (10 if "nik" in self.mapping else 0)


@dataclass(frozen=True, slots=True)
class WorkbookInfo:
    path: Path
    sheets: tuple[SheetGuess, ...]
    best: SheetGuess | None
    has_formulas: bool = False


@dataclass(frozen=True, slots=True)
class ImportOptions:
    """What the file does not say: where the list comes from and the enrolment's terms."""

    source_list: str = ""
    source_date: str = ""
    category: str = Category.PEKERJA_RENTAN
    funding: str = Funding.PADES
    start_date: str = ""
    #: The file is the newest complete list of its source: who it no longer holds is reported
    #: and put on the review list (nobody is ended).
    complete_list: bool = False


@dataclass(frozen=True, slots=True)
class ImportRow:
    row: int  # the sheet's row number as Excel shows it
    nik: str  # as found in the cell
    name: str
    status: RowStatus
    issues: tuple[Issue, ...]
    values: ParticipantFields | None = None
    existing_id: int | None = None
    changes: dict[str, str | int | None] = field(default_factory=dict)
    source_id: str | None = None
    desil: int | None = None

    @property
    def errors(self) -> tuple[Issue, ...]:
        return errors_of(self.issues)

    @property
    def warnings(self) -> tuple[Issue, ...]:
        return warnings_of(self.issues)


@dataclass(frozen=True, slots=True)
class ImportPreview:
    path: Path
    sheet: str
    header_row: int
    mapping: dict[str, int]
    headers: tuple[str, ...]
    options: ImportOptions
    rows: tuple[ImportRow, ...]
    has_formulas: bool = False
    dropped: tuple[int, ...] = ()  # a complete list: active participants of its source it no longer holds

    def count(self, status: RowStatus) -> int:
        return sum(1 for r in self.rows if r.status == status)

    @property
    def to_write(self) -> int:
        return self.count(RowStatus.ADD) + self.count(RowStatus.UPDATE)

    def warned_kinds(self) -> list[tuple[str, int]]:
        """Rows that will be written despite a warning, counted by the warning's code (a row
        with two warnings counts under both), most frequent first."""
        counts: dict[str, int] = {}
        for r in self.rows:
            if r.status in (RowStatus.ADD, RowStatus.UPDATE):
                for code in {i.code for i in r.issues if i.severity == "warning"}:
                    counts[code] = counts.get(code, 0) + 1
        return sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))

    def left_out_by(self, codes: frozenset[str]) -> int:
        """How many rows to write carry a warning with one of ``codes``."""
        return sum(1 for r in self.rows if _left_out(r, codes))


def _left_out(row: ImportRow, codes: frozenset[str]) -> bool:
    return (
        bool(codes)
        and row.status in (RowStatus.ADD, RowStatus.UPDATE)
        and any(i.code in codes and i.severity == "warning" for i in row.issues)
    )


@dataclass(frozen=True, slots=True)
class ImportResult:
    added: int
    updated: int
    changes: OpChanges
    left_out: int = 0  # rows with a warning the clerk chose to leave out


# -- reading -------------------------------------------------------------------------------


class _Book:
    """Rows of each sheet as Python values; CSV is one sheet named after the file. The file is
    read for what its bytes are and bounded before a reader expands it (:mod:`sourcefile`)."""

    def __init__(self, path: Path) -> None:
        self.kind = sniff(path)
        self.path = path
        self.csv = self.kind == Kind.CSV
        # Each sheet is parsed once per book, though the header search and the rows both read it
        # (parsing 100,000 rows takes a second); the book lives only as long as one preview.
        self._sheets: dict[str, Any] = {}
        self._scans: dict[str, SheetScan] = {}
        if self.csv:
            self.names: list[str] = [path.stem]
            self._text = decode_text(path)
            return
        if self.kind == Kind.ODS:
            scan_ods(path)
        elif self.kind == Kind.XLSX:
            scan_xlsx_strings(path)
        from python_calamine import CalamineError, CalamineWorkbook

        try:
            # By content, not by name: calamine picks its reader from what it is handed.
            with path.open("rb") as fh:
                self._wb = CalamineWorkbook.from_filelike(fh)
            self.names = list(self._wb.sheet_names)
        except CalamineError as exc:
            text = str(exc).lower()
            code = "file_protected" if "password" in text or "encrypt" in text else "file_corrupt"
            raise SourceFileError(code, path=path.name, detail=str(exc)[:200]) from None

    def rows(self, name: str) -> Iterator[tuple[int, list[Any]]]:
        """(Excel row number, cell values) for every row of a sheet."""
        if self.csv:
            yield from enumerate(csv_records(self.path, self._text), start=1)
            return
        from python_calamine import CalamineError

        try:
            sheet = self._sheets.get(name)
            if sheet is None:
                if self.kind == Kind.XLSX and name not in self._scans:
                    self._scans[name] = scan_xlsx(self.path, self.names.index(name) + 1, name)
                sheet = self._sheets[name] = self._wb.get_sheet_by_name(name)
            first = sheet.start[0] if sheet.start else 0
            # iter_rows makes a new list per row: handed on as it is, not copied.
            yield from enumerate(sheet.iter_rows(), start=first + 1)
        except CalamineError as exc:
            raise SourceFileError("file_corrupt", path=self.path.name, detail=str(exc)[:200]) from None

    def height(self, name: str) -> int:
        """How many rows a sheet holds once it has been read (0 for CSV: not known beforehand)."""
        sheet = self._sheets.get(name)
        return int(getattr(sheet, "total_height", 0) or 0) if sheet is not None else 0

    def require_values(self, name: str) -> None:
        """Refuse a sheet whose formulas were never computed: every value read would be empty."""
        scan = self._scans.get(name)
        if scan is not None and scan.unsaved_formulas:
            raise SourceFileError("formulas_unsaved", path=self.path.name, sheet=name, count=scan.unsaved_formulas)

    def has_formulas(self, name: str) -> bool:
        """Whether an .xlsx sheet holds formulas (their last computed values are what we read)."""
        if self.csv or self.path.suffix.lower() not in {".xlsx", ".xlsm"}:
            return False
        try:
            index = self.names.index(name) + 1
            with zipfile.ZipFile(self.path) as zf, zf.open(f"xl/worksheets/sheet{index}.xml") as fh:
                tail = b""
                while chunk := fh.read(1 << 22):
                    # One scan for "<f" per chunk (a formula is <f> or <f ...>); the exact
                    # look, over the joined tail, only where that turns up.
                    if b"<f" in chunk or b"<f" in tail + chunk[:2]:
                        block = tail + chunk
                        if b"<f>" in block or b"<f " in block:
                            return True
                    tail = chunk[-2:]
        except (KeyError, ValueError, OSError, zipfile.BadZipFile):
            return False
        return False


def _guess_sheet(book: _Book, name: str, fields: Mapping[str, str] = _SYNONYM_FIELD) -> SheetGuess:
    """The row within the first rows of a sheet whose cells name the most known fields."""
    best = SheetGuess(name, 0, ())
    has_data = False
    for number, values in book.rows(name):
        if number > HEADER_SCAN_ROWS:
            break
        has_data = has_data or any(_text(v) for v in values)
        mapping: dict[str, int] = {}
        for col, value in enumerate(values):
            fld = fields.get(normalise_header(value)) if isinstance(value, str) else None
            if fld and fld not in mapping:
                mapping[fld] = col
        guess = SheetGuess(name, number, tuple(_text(v) for v in values), mapping, True)
        if len(mapping) >= 2 and guess.score > best.score:
            best = guess
    return best if best.header_row else SheetGuess(name, 0, (), {}, has_data)


def inspect_workbook(path: Path) -> WorkbookInfo:
    """Find, in every sheet, the header row and the column of each known field."""
    return _inspect(_Book(path))


def _inspect(book: _Book) -> WorkbookInfo:
    path = book.path
    guesses = tuple(_guess_sheet(book, n) for n in book.names)
    usable = [g for g in guesses if "nik" in g.mapping]
    best = max(usable, key=lambda g: g.score) if usable else None
    return WorkbookInfo(path, guesses, best, book.has_formulas(best.name) if best else False)


def mapping_from_headers(headers: Sequence[str], saved: Mapping[str, str]) -> dict[str, int]:
    """Turn a remembered {field: header text} mapping into column indexes for this file."""
    index = {normalise_header(h): i for i, h in enumerate(headers) if h}
    return {fld: index[normalise_header(h)] for fld, h in saved.items() if normalise_header(h) in index}


@dataclass(frozen=True, slots=True)
class ListSheet:
    """A list other than a candidate list (the APBD scheme's NIKs, BPJS's answers), read raw."""

    path: Path
    sheet: str
    header_row: int
    headers: tuple[str, ...]
    mapping: dict[str, int]
    rows: tuple[tuple[int, dict[str, Any]], ...]  # (Excel row number, field -> cell value)


def read_list(
    path: Path,
    synonyms: Mapping[str, Sequence[str]],
    *,
    sheet: str | None = None,
    mapping: Mapping[str, int] | None = None,
) -> ListSheet:
    """Find the sheet and header row of a NIK list the way :meth:`ImportService.preview`
    does, with other header synonyms; blank rows and a total row are left out."""
    fields = {normalise_header(n): f for f, names in synonyms.items() for n in names}
    book = _Book(path)
    if sheet is not None and sheet not in book.names:
        raise SourceFileError("sheet_not_found", path=path.name, sheet=sheet)
    guesses = [_guess_sheet(book, n, fields) for n in ([sheet] if sheet else book.names)]
    usable = [g for g in guesses if "nik" in g.mapping]
    if not usable:
        if not any(g.has_data for g in guesses):
            raise SourceFileError("sheet_empty", path=path.name, sheet=sheet or book.names[0])
        raise SourceFileError("no_nik_column", path=path.name, sheet=sheet or ", ".join(book.names))
    guess = max(usable, key=lambda g: g.score)
    chosen = dict(guess.mapping if mapping is None else mapping)
    if "nik" not in chosen:
        raise SourceFileError("no_nik_column", path=path.name, sheet=guess.name)
    book.require_values(guess.name)
    rows = []
    for number, values in book.rows(guess.name):
        if number <= guess.header_row:
            continue
        cells = {f: values[c] if c < len(values) else None for f, c in chosen.items()}
        if all(v is None or v == "" for v in cells.values()):
            continue
        if not _text(cells["nik"]).isdigit() and _is_total(values):
            continue
        rows.append((number, cells))
    return ListSheet(path, guess.name, guess.header_row, guess.headers, chosen, tuple(rows))


# -- values --------------------------------------------------------------------------------


def _is_total(values: Sequence[Any]) -> bool:
    """A total or summary row: a label such as JUMLAH or TOTAL in any column (the rest counts,
    sums or "14 orang"). Asked only of rows whose NIK cell is not a number."""
    return any(isinstance(v, str) and _TOTAL_ROW.match(v) for v in values)


#: Numbers a summary row sums (counts, members, amounts); NIKs, KKs and phones are far larger.
_SUMMED_BELOW = 10**12


#: What a total row may hold where a person's name would be: nothing, or a count ("14 orang").
_COUNT_TEXT = re.compile(r"^\s*\d+(?:[.,]\d+)?\s*(?:orang|jiwa|peserta|kk|kepala keluarga)?\s*$", re.IGNORECASE)


def _add_sums(values: Sequence[Any], sums: dict[int, tuple[float, int]]) -> None:
    """Add the row's plain numbers to the running (sum, count) of each column."""
    for col, v in enumerate(values):
        if (type(v) is int or type(v) is float) and abs(v) < _SUMMED_BELOW:
            total, n = sums.get(col, (0, 0))
            sums[col] = (total + v, n + 1)


def _sums_a_column(values: Sequence[Any], name: Any, sums: Mapping[int, tuple[float, int]]) -> bool:
    """A row without a name that holds, in some column, the sum of at least two numbers above it
    (a SUM() formula's saved value): a total row, not a person. Asked only of rows whose NIK
    cell is not a number."""
    if name not in (None, "") and not (type(name) is int or type(name) is float) and not _COUNT_TEXT.match(str(name)):
        return False
    for col, v in enumerate(values):
        if (type(v) is int or type(v) is float) and v:
            total, n = sums.get(col, (0, 0))
            if n >= 2 and total == v:
                return True
    return False


def _excel_serial(value: float) -> date | None:
    if 1 <= value < 73051:  # 1900-01-01 .. 2099-12-31
        return date(1899, 12, 30) + timedelta(days=int(value))
    return None


def _text(value: Any) -> str:
    """A cell as the text a clerk would have typed."""
    if type(value) is str:  # most cells: checked first, a list has a million of them
        return " ".join(value.split())
    if value is None or value == "":
        return ""
    if isinstance(value, bool):
        return "1" if value else "0"
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() else str(value)
    if isinstance(value, datetime):
        return format_date(value.date())
    if isinstance(value, date):
        return format_date(value)
    return " ".join(str(value).split())


def _date_text(value: Any) -> str:
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        serial = _excel_serial(float(value))
        return format_date(serial) if serial else _text(value)
    return _text(value)


def _sex(value: Any) -> str:
    return _sex_text(_text(value))


@lru_cache(maxsize=256)
def _sex_text(text: str) -> str:
    """L, P, Laki-laki, PEREMPUAN ... as L or P (a list writes it a handful of ways)."""
    return _SEX.get(normalise_header(text), text)


def _choice(group: str, value: Any, default: str) -> str:
    text = _text(value)
    if not text:
        return default
    key = normalise_header(text)
    for code_key, label in CODES.items():
        g, code = code_key.split(":", 1)
        if g == group and key in (normalise_header(code), normalise_header(label)):
            return code
    return text


#: A number written out as text by the program that made the file: 3319015708850019.0, 3,31903E+15.
_NUMBER_TEXT = re.compile(r"^\s*(\d+)\.0+\s*$|^\s*\d+(?:[.,]\d+)?[eE]\+?\d+\s*$")


#: A NIK or KK (16 digits) below this is exact as a float: every Kudus number (3319...) is.
_EXACT_BELOW = 2**53


def _number_cell_issue(fld: str, value: Any) -> Issue | None:
    """A NIK or KK stored as a number. Excel keeps 15 significant digits and writes the 16th as
    0, so a 16-digit number whose last digit is not 0 was never cut: it is accepted, with a
    warning that says why. One ending in 0 may have been cut and is refused, as is one written
    in scientific notation (digits lost on its way into a CSV)."""
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        digits = f"{value:.0f}"
        exact = isinstance(value, int) or (value.is_integer() and abs(value) < _EXACT_BELOW)
    elif isinstance(value, str) and len(value) < 40 and (m := _NUMBER_TEXT.match(value)):
        digits = m.group(1) or f"{float(value.strip().replace(',', '.')):.0f}"
        exact = m.group(1) is not None  # "…0019.0" was printed whole; an exponent was not
    else:
        return None
    if exact and len(digits) == 16 and digits[-1] != "0":
        return Issue(fld, f"{fld}_number_cell_kept", "warning", {"digits": digits})
    return Issue(fld, f"{fld}_number_cell", "error", {"digits": digits})


def row_nik(value: Any) -> tuple[str, str | None, dict[str, object]]:
    """A NIK cell of a plain NIK list: (the NIK as found, problem code or None, its params).
    A number cell is a problem unless its digits cannot have been cut (see :func:`_number_cell_issue`)."""
    issue = _number_cell_issue("nik", value)
    if issue is not None and issue.severity == "error":
        return issue.params["digits"], issue.code, dict(issue.params)  # type: ignore[return-value]
    text = str(issue.params["digits"]) if issue is not None else _text(value)
    try:
        return parse_nik(text).nik, None, {}
    except NumberError as exc:
        return text, exc.code, dict(exc.params)


def cell_text(value: Any) -> str:
    """A cell as the text a clerk would have typed (numbers without ``.0``, dates as dd/mm/yyyy)."""
    return _text(value)


def cell_date(value: Any) -> date | None:
    """A cell holding a date as Excel or a clerk writes it, or None."""
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    text = _date_text(value)
    if not text:
        return None
    try:
        return parse_date_text(text)
    except ValueError:
        return None


# -- preview and commit --------------------------------------------------------------------


class ImportService:
    """Preview and commit an imported list for the office's participants."""

    def __init__(self, participants: ParticipantService) -> None:
        self.participants = participants
        # The book read to find its sheets is kept for the preview that follows, so choosing a
        # file reads it once; a changed file (size or time) is read again.
        self._kept: tuple[tuple[str, int, int], _Book] | None = None
        self._lock = threading.Lock()

    def inspect(self, path: Path) -> WorkbookInfo:
        return _inspect(self._book(path))

    def forget(self) -> None:
        """Let go of the book kept since the last inspect or preview (its parsed sheets)."""
        with self._lock:
            self._kept = None

    def _book(self, path: Path) -> _Book:
        try:
            st = path.stat()
            key: tuple[str, int, int] | None = (str(path.absolute()), st.st_size, st.st_mtime_ns)
        except OSError:
            key = None  # the reader says what is wrong with it
        with self._lock:
            if key is not None and self._kept is not None and self._kept[0] == key:
                return self._kept[1]
        book = _Book(path)
        with self._lock:
            self._kept = (key, book) if key is not None else None
        return book

    def saved_mapping(self, source: str) -> dict[str, str]:
        """Header names remembered for a source list (field -> header text)."""
        return dict(settings.import_mappings(self.participants.db).get(source.strip().upper(), {}))

    def save_mapping(self, source: str, headers: Mapping[str, str]) -> None:
        settings.save_import_mapping(self.participants.db, source.strip().upper(), dict(headers))

    def preview(
        self,
        path: Path,
        *,
        sheet: str | None = None,
        mapping: Mapping[str, int] | None = None,
        header_row: int | None = None,
        options: ImportOptions = ImportOptions(),
        progress: Progress | None = None,
        cancelled: CancelCheck = never_cancelled,
        found: RowsFound | None = None,
    ) -> ImportPreview:
        """Read the file and classify every row: add, update, unchanged or rejected.

        ``found``: called with each batch of checked rows as the check goes on (see
        :data:`FIRST_BATCH`), the last batch before this returns."""
        book = self._book(path)
        if sheet is not None and sheet not in book.names:
            raise SourceFileError("sheet_not_found", path=path.name, sheet=sheet)
        if sheet is None or mapping is None or header_row is None:
            guesses = [_guess_sheet(book, sheet)] if sheet else [_guess_sheet(book, n) for n in book.names]
            usable = [g for g in guesses if "nik" in g.mapping]
            if not usable:
                if all(g.header_row == 0 and not g.headers for g in guesses) and not any(
                    any(_text(v) for v in values)
                    for n in ([sheet] if sheet else book.names)
                    for _, values in book.rows(n)
                ):
                    raise SourceFileError("sheet_empty", path=path.name, sheet=sheet or book.names[0])
                raise SourceFileError("no_nik_column", path=path.name, sheet=sheet or ", ".join(book.names))
            guess = max(usable, key=lambda g: g.score)
            sheet = guess.name
            header_row = guess.header_row if header_row is None else header_row
            mapping = dict(guess.mapping) if mapping is None else dict(mapping)
            headers = guess.headers
        else:
            headers = ()
            for number, values in book.rows(sheet):
                if number == header_row:
                    headers = tuple(_text(v) for v in values)
                    break
        if "nik" not in mapping:
            raise SourceFileError("no_nik_column", path=path.name, sheet=sheet)
        book.require_values(sheet)

        db = self.participants.db
        with db.read() as conn:
            max_age = int(settings.read_all(conn)[settings.MAX_AGE.key])
        ctx = ValidationContext(
            today=self.participants.today(), max_age=max_age, kudus_districts=kudus_district_digits()
        )
        existing = self.participants.existing_by_nik()
        defaults = {
            "category": options.category,
            "funding": options.funding,
            "start_date": options.start_date or format_date(self.participants.today()),
        }
        seen: dict[str, int] = {}
        # Who is enrolled (and who came earlier in this file), by birth date: a new row born the
        # same day with the same KK and a similar name, or the same name, is likely the same person.
        born: dict[date, list[tuple[str, str | None, str, str, int]]] = {}
        for p in existing.values():
            if p.status == Status.AKTIF:
                born.setdefault(p.birth_date, []).append((p.nik, p.kk or None, p.full_name, p.reg_no, 0))
        sums: dict[int, tuple[float, int]] = {}
        rows: list[ImportRow] = []
        total = sent = 0
        batch = FIRST_BATCH
        picks = tuple((f, mapping[f]) for f in IMPORT_FIELDS if f in mapping)
        height = max(book.height(sheet) - header_row, 0)
        with cycle_collection_paused():
            for number, values in book.rows(sheet):
                if number <= header_row:
                    continue
                total += 1
                if total % 1000 == 0:
                    if cancelled():
                        raise CancelledError()
                    if progress:
                        progress(total, max(height, total))
                row = self._row(number, values, picks, mapping, defaults, options, ctx, existing, seen, sums)
                if row is not None:
                    if row.status == RowStatus.ADD and row.values is not None:
                        row = _with_likely_same(row, born)
                    rows.append(row)
                    _add_sums(values, sums)
                    if found is not None and len(rows) - sent >= batch:
                        found(rows[sent:])
                        sent, batch = len(rows), NEXT_BATCH
        if found is not None and len(rows) > sent:
            found(rows[sent:])
        if progress:
            progress(total, total)
        dropped: list[int] = []
        if options.complete_list and options.source_list:
            with db.read() as conn:
                desa = settings.read_all(conn)[settings.REGION_CODE.key]
                dropped = absent_from(conn, desa, options.source_list, _listed_niks(rows))
        return ImportPreview(
            path, sheet, header_row, dict(mapping), headers, options, tuple(rows), book.has_formulas(sheet),
            tuple(dropped),
        )  # fmt: skip

    def _row(
        self,
        number: int,
        values: Sequence[Any],
        picks: Sequence[tuple[str, int]],
        mapping: Mapping[str, int],
        defaults: Mapping[str, str],
        options: ImportOptions,
        ctx: ValidationContext,
        existing: Mapping[str, Any],
        seen: dict[str, int],
        sums: Mapping[int, tuple[float, int]],
    ) -> ImportRow | None:
        # Runs for every row of lists of 100,000: the mapped cells are picked in one plain loop
        # (a column past the row's end, or a field not mapped, reads as empty).
        n = len(values)
        cell = _NO_CELLS.copy()
        for fld, col in picks:
            if col < n:
                cell[fld] = values[col]
        if _BLANK.issuperset(cell.values()):
            return None  # blank row
        nik_cell = cell["nik"]
        shown_nik = _text(nik_cell)
        if not shown_nik.isdigit() and (_is_total(values) or _sums_a_column(values, cell["full_name"], sums)):
            return None  # the total row under the table: "JUMLAH" in any column, or a column's sum
        issues: list[Issue] = []
        kk_cell = cell["kk"]
        shown_kk = _text(kk_cell)
        for fld, value in (("nik", nik_cell), ("kk", kk_cell)):
            # Most cells are plain text without a dot or an exponent: passed over at once.
            if value is None or (type(value) is str and "." not in value and "E" not in value and "e" not in value):
                continue
            damaged = _number_cell_issue(fld, value)
            if damaged:
                issues.append(damaged)
                # The number's digits, not its text: "…0019.0" is a 16-digit NIK, not 17 digits.
                if fld == "nik":
                    shown_nik = str(damaged.params["digits"])
                else:
                    shown_kk = str(damaged.params["digits"])
        category, funding, start = cell["category"], cell["funding"], cell["start_date"]
        draft = ParticipantDraft(
            nik=shown_nik,
            kk=shown_kk,
            full_name=_text(cell["full_name"]),
            birth_place=_text(cell["birth_place"]),
            birth_date=_date_text(cell["birth_date"]),
            sex=_sex(cell["sex"]),
            address=_text(cell["address"]),
            dusun=_text(cell["dusun"]),
            rt=_text(cell["rt"]),
            rw=_text(cell["rw"]),
            phone=_phone(cell["phone"]),
            occupation=_text(cell["occupation"]),
            category=defaults["category"] if category is None else _choice("category", category, defaults["category"]),
            source_list=options.source_list,
            source_date=options.source_date,
            funding=defaults["funding"] if funding is None else _choice("funding", funding, defaults["funding"]),
            start_date=(start is not None and _date_text(start)) or defaults["start_date"],
            term_end=_date_text(cell["term_end"]),
        )
        result = validate_participant(draft, ctx)
        clean = result.values
        issues.extend(result.issues)
        source_id, desil = _source_cells(cell["source_id"], cell["desil"], issues)
        nik = clean.nik if clean is not None else clean_number(draft.nik)
        if nik in seen:
            if not any(i.field == "nik" and i.severity == "error" for i in issues):
                issues.insert(0, Issue("nik", "duplicate_in_file", "error", {"first_row": seen[nik]}))
        elif nik:
            seen[nik] = number
        if clean is None or (issues and any(i.severity == "error" for i in issues)):
            return ImportRow(number, shown_nik, draft.full_name, RowStatus.REJECTED, tuple(issues))
        current = existing.get(clean.nik)
        if current is None:
            return ImportRow(
                number, shown_nik, draft.full_name, RowStatus.ADD, tuple(issues), clean, source_id=source_id,
                desil=desil,
            )  # fmt: skip
        changes = _changes(current, clean, mapping, options, source_id, desil)
        status = RowStatus.UPDATE if changes else RowStatus.UNCHANGED
        return ImportRow(
            number, shown_nik, draft.full_name, status, tuple(issues), clean, current.id, changes, source_id, desil
        )

    def commit(
        self,
        preview: ImportPreview,
        *,
        leave_out: frozenset[str] = frozenset(),
        progress: Progress | None = None,
        cancelled: CancelCheck = never_cancelled,
    ) -> ImportResult:
        """Write every row to add or update, in one transaction; rejected rows are left out, and
        so are rows carrying a warning whose code is in ``leave_out``."""
        kept = [r for r in preview.rows if not _left_out(r, leave_out)]
        added = [r for r in kept if r.status == RowStatus.ADD and r.values is not None]
        updates = [(r.existing_id, r.changes) for r in kept if r.status == RowStatus.UPDATE and r.existing_id]
        # Someone may have enrolled one of these NIKs since the preview: enrol nobody twice.
        enrolled = self.participants.enrolled_niks()
        fresh_rows = [r for r in added if r.values is not None and r.values.nik not in enrolled]
        fresh = [r.values for r in fresh_rows if r.values is not None]
        extras = [(r.source_id, r.desil) for r in fresh_rows]
        detail = f"{preview.path.name}, lembar {preview.sheet}, sumber {preview.options.source_list or '-'}"
        left_out = len(preview.rows) - len(kept)
        if left_out:
            detail += f"; {left_out} baris berperingatan dilewati ({', '.join(sorted(leave_out))})"
        after = None
        if preview.options.complete_list and preview.options.source_list:
            source, niks, name = preview.options.source_list, _listed_niks(preview.rows), preview.path.name
            detail += f"; daftar lengkap: {len(preview.dropped)} peserta {source} tidak ada lagi"

            def after(conn: Connection) -> int:
                return record_absences(conn, source, niks, name)

        changes = self.participants.bulk_write(
            fresh, updates, extras=extras, after=after, progress=progress, cancelled=cancelled, audit_detail=detail
        )
        return ImportResult(len(fresh), len(updates), changes, left_out)


def _phone(value: Any) -> str:
    text = _text(value)
    # A phone number typed as a number lost its leading zero: 81234567890 -> 081234567890.
    if isinstance(value, (int, float)) and text.startswith("8"):
        return "0" + text
    return text


def _with_likely_same(row: ImportRow, born: dict[date, list[tuple[str, str | None, str, str, int]]]) -> ImportRow:
    """``row`` with a warning when someone enrolled, or an earlier row, is likely the same person.
    ``born`` holds (NIK, KK, name, registration number, row) by birth date; row 0 is enrolled."""
    v = row.values
    assert v is not None
    same_day = born.setdefault(v.birth_date, [])
    hit = next((o for o in same_day if o[0] != v.nik and likely_same(v.kk, v.full_name, o[1], o[2])), None)
    same_day.append((v.nik, v.kk, v.full_name, "", row.row))
    if hit is None:
        return row
    nik, _, name, reg_no, at = hit
    if at:
        warn = Issue("full_name", "likely_same_row", "warning", {"name": name, "row": at, "nik4": nik[-4:]})
    else:
        warn = Issue("full_name", "likely_same_person", "warning", {"name": name, "reg_no": reg_no, "nik4": nik[-4:]})
    return dataclasses.replace(row, issues=(*row.issues, warn))


def _listed_niks(rows: Sequence[ImportRow]) -> set[str]:
    """The NIKs a list holds, its refused rows included (a person on the list with a typo in the
    birth date is still on it)."""
    return {clean_number(r.nik) for r in rows} | {r.values.nik for r in rows if r.values is not None}


def _source_cells(id_cell: Any, desil_cell: Any, issues: list[Issue]) -> tuple[str | None, int | None]:
    """The row's ID in its source list (kept as text, at most 40 characters) and its desil
    (1-10; anything else is dropped with a warning, the row itself is not refused)."""
    source_id = _text(id_cell)[:MAX_SOURCE_ID] or None
    if source_id is not None and not source_id.isprintable():
        source_id = None
    desil: int | None = None
    text = _text(desil_cell)
    if text:
        if text.isascii() and text.isdigit() and 1 <= int(text) <= 10:
            desil = int(text)
        else:
            issues.append(Issue("desil", "desil_invalid", "warning", {"value": text[:20]}))
    return source_id, desil


def _changes(
    current: Any,
    values: ParticipantFields,
    mapping: Mapping[str, int],
    options: ImportOptions,
    source_id: str | None = None,
    desil: int | None = None,
) -> dict[str, str | int | None]:
    """Columns the file changes for an enrolled participant: only fields the file carries."""
    fields_in_file = set(mapping) - {"nik", *SOURCE_FIELDS}
    if options.source_list:
        fields_in_file |= {"source_list"}
    if options.source_date:
        fields_in_file |= {"source_date"}
    out: dict[str, str | int | None] = {}
    if "source_id" in mapping and source_id and source_id != (current.source_id or None):
        out["source_id"] = source_id
    if "desil" in mapping and desil is not None and desil != current.desil:
        out["desil"] = desil
    for fld in sorted(fields_in_file):
        new = getattr(values, fld)
        new_text = new.isoformat() if isinstance(new, date) else new
        old = getattr(current, fld)
        old_text = old.isoformat() if isinstance(old, date) else (old or None)
        if (new_text or None) != old_text:
            out[fld] = new_text
    return out
