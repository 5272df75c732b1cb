"""Lists as real offices and hostile hands make them: bounded in memory before a reader expands
them, CSV dialects read faithfully, each refusal a sentence naming the limit.

Every file is written here byte for byte: zip bombs with zipfile (a 256 MB cell, two million
rows, an ODS row repeated a million times), CSV in the encodings and delimiters Excel writes.
Memory is the peak resident size of a real ``kudus-desktop import`` process, sampled with psutil.
"""

from __future__ import annotations

import codecs
import subprocess
import sys
import time
import zipfile
from collections.abc import Iterable
from pathlib import Path

import openpyxl
import psutil
import pytest

from kudus_desktop.core.enrolment.participants import ParticipantService
from kudus_desktop.core.village.importing import ImportOptions, ImportService, RowStatus
from kudus_desktop.core.village.sourcefile import MAX_CELL_CHARS, MAX_ROWS, SourceFileError
from tests.commands import cli
from tests.factories import make_nik

OPTIONS = ImportOptions(source_list="DTKS", source_date="01/10/2026", start_date="01/12/2026")
#: Far below what the unbounded reader reached (4 GB for the big cell, 3.7 GB for the rows).
PEAK_LIMIT = 400 * 2**20

_TYPES = (
    b'<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/'
    b'content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships'
    b'+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/xl/workbook.xml" '
    b'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/><Override '
    b'PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.'
    b'spreadsheetml.worksheet+xml"/><Override PartName="/xl/sharedStrings.xml" ContentType="application/'
    b'vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/></Types>'
)
_RELS = (
    b'<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/'
    b'relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
    b'relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>'
)
_WORKBOOK = (
    b'<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/'
    b'main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets><sheet '
    b'name="Data" sheetId="1" r:id="rId1"/></sheets></workbook>'
)
_WORKBOOK_RELS = (
    b'<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/'
    b'relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
    b'relationships/worksheet" Target="worksheets/sheet1.xml"/><Relationship Id="rId2" Type="http://schemas.'
    b'openxmlformats.org/officeDocument/2006/relationships/sharedStrings" Target="sharedStrings.xml"/>'
    b"</Relationships>"
)
_SHEET_HEAD = (
    b'<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/'
    b'2006/main"><sheetData>'
)


def raw_xlsx(path: Path, rows: Iterable[bytes], strings: Iterable[bytes] = ()) -> Path:
    """An .xlsx written part by part, streamed, as a crafted file would be."""
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as zf:
        zf.writestr("[Content_Types].xml", _TYPES)
        zf.writestr("_rels/.rels", _RELS)
        zf.writestr("xl/workbook.xml", _WORKBOOK)
        zf.writestr("xl/_rels/workbook.xml.rels", _WORKBOOK_RELS)
        with zf.open("xl/worksheets/sheet1.xml", "w", force_zip64=True) as fh:
            fh.write(_SHEET_HEAD)
            for row in rows:
                fh.write(row)
            fh.write(b"</sheetData></worksheet>")
        with zf.open("xl/sharedStrings.xml", "w", force_zip64=True) as fh:
            fh.write(b'<?xml version="1.0" encoding="UTF-8"?><sst xmlns="http://schemas.openxmlformats.org/'
                     b'spreadsheetml/2006/main">')  # fmt: skip
            for item in strings:
                fh.write(item)
            fh.write(b"</sst>")
    return path


def import_process(data_dir: Path, source: Path) -> tuple[subprocess.CompletedProcess[str], int]:
    """``kudus-desktop import`` (a preview) as its own process, with its peak resident memory."""
    cmd = [sys.executable, "-m", "kudus_desktop", "--data-dir", str(data_dir), "import", str(source)]
    proc = psutil.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    peak = 0
    while proc.poll() is None:
        try:
            peak = max(peak, proc.memory_info().rss)
        except psutil.Error:
            break
        time.sleep(0.005)
    out, err = proc.communicate(timeout=600)
    return subprocess.CompletedProcess(cmd, proc.returncode, out, err), peak


@pytest.mark.parametrize(("megabytes", "named"), [(200, "karakter"), (300, "MB")])
def test_one_huge_cell_is_refused_in_bounded_memory(tmp_path: Path, data_dir: Path, megabytes: int, named: str) -> None:
    """A small file whose one shared string inflates to hundreds of MB: refused for the cell's
    length while streaming, or at once for the part's declared size."""
    chunk = b"A" * (1 << 20)
    source = raw_xlsx(
        tmp_path / "daftar.xlsx",
        [
            b'<row r="1"><c r="A1" t="s"><v>0</v></c><c r="B1" t="s"><v>1</v></c></row>',
            b'<row r="2"><c r="A2" t="inlineStr"><is><t>%s</t></is></c><c r="B2" t="s"><v>2</v></c></row>'
            % make_nik(1).encode(),
        ],
        [b"<si><t>NIK</t></si><si><t>NAMA</t></si><si><t>", *(chunk for _ in range(megabytes)), b"</t></si>"],
    )
    assert source.stat().st_size < 2 * 2**20
    done, peak = import_process(data_dir, source)
    assert peak < PEAK_LIMIT, f"peak {peak / 2**20:.0f} MB"
    assert done.returncode == 2 and "Traceback" not in done.stderr
    assert named in done.stderr and "Tidak ada yang dibaca" in done.stderr
    if named == "karakter":
        assert f"{MAX_CELL_CHARS:,}".replace(",", ".") in done.stderr


def test_two_million_rows_are_refused_in_bounded_memory(tmp_path: Path, data_dir: Path) -> None:
    head = [b'<row r="1"><c r="A1" t="s"><v>0</v></c><c r="B1" t="s"><v>1</v></c></row>']
    rows = (b'<row r="%d"><c r="A%d"><v>1</v></c></row>' % (i, i) for i in range(2, 2_000_001))
    source = raw_xlsx(tmp_path / "baris.xlsx", [*head, *rows], [b"<si><t>NIK</t></si><si><t>NAMA</t></si>"])
    done, peak = import_process(data_dir, source)
    assert peak < PEAK_LIMIT, f"peak {peak / 2**20:.0f} MB"
    assert done.returncode == 2 and "Traceback" not in done.stderr
    assert f"{MAX_ROWS:,}".replace(",", ".") in done.stderr and "Pecah daftar" in done.stderr


def test_an_ods_row_repeated_a_million_times_is_refused(tmp_path: Path, service: ParticipantService) -> None:
    content = (
        '<?xml version="1.0" encoding="UTF-8"?><office:document-content '
        'xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
        'xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" '
        'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0"><office:body><office:spreadsheet>'
        '<table:table table:name="Data"><table:table-row><table:table-cell office:value-type="string">'
        "<text:p>NIK</text:p></table:table-cell></table:table-row>"
        '<table:table-row table:number-rows-repeated="1000000"><table:table-cell office:value-type="string">'
        f"<text:p>{make_nik(1)}</text:p></table:table-cell></table:table-row>"
        # LibreOffice's own trailing empty rows, repeated to the sheet's end, are not data.
        '<table:table-row table:number-rows-repeated="1048000"><table:table-cell/></table:table-row>'
        "</table:table></office:spreadsheet></office:body></office:document-content>"
    )
    path = tmp_path / "ulang.ods"
    with zipfile.ZipFile(path, "w") as zf:
        write_ods(zf, content)
    with pytest.raises(SourceFileError) as err:
        ImportService(service).preview(path, options=OPTIONS)
    assert err.value.code == "too_many_rows" and service.count() == 0


def test_an_ods_with_trailing_empty_rows_is_read(tmp_path: Path, service: ParticipantService) -> None:
    """The same file without the repeated person: LibreOffice's empty rows do not count."""
    head = ["NIK", "NAMA", "TGL LAHIR", "JK"]
    person = [make_nik(1), "Siti Aminah", "12/05/1980", "L"]

    def row(cells: list[str]) -> str:
        inner = "".join(
            f'<table:table-cell office:value-type="string"><text:p>{c}</text:p></table:table-cell>' for c in cells
        )
        return f"<table:table-row>{inner}</table:table-row>"

    content = (
        '<?xml version="1.0" encoding="UTF-8"?><office:document-content '
        'xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
        'xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" '
        'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0"><office:body><office:spreadsheet>'
        f'<table:table table:name="Data">{row(head)}{row(person)}'
        '<table:table-row table:number-rows-repeated="1048574"><table:table-cell '
        'table:number-columns-repeated="1024"/></table:table-row>'
        "</table:table></office:spreadsheet></office:body></office:document-content>"
    )
    path = tmp_path / "daftar.ods"
    with zipfile.ZipFile(path, "w") as zf:
        write_ods(zf, content)
    preview = ImportService(service).preview(path, options=OPTIONS)
    assert [(r.row, r.status) for r in preview.rows] == [(2, RowStatus.ADD)]


_MANIFEST = (
    '<?xml version="1.0" encoding="UTF-8"?><manifest:manifest xmlns:manifest="urn:oasis:names:tc:opendocument:'
    'xmlns:manifest:1.0" manifest:version="1.2"><manifest:file-entry manifest:full-path="/" manifest:media-type='
    '"application/vnd.oasis.opendocument.spreadsheet"/><manifest:file-entry manifest:full-path="content.xml" '
    'manifest:media-type="text/xml"/></manifest:manifest>'
)


def write_ods(zf: zipfile.ZipFile, content: str) -> None:
    zf.writestr("mimetype", "application/vnd.oasis.opendocument.spreadsheet", compress_type=zipfile.ZIP_STORED)
    zf.writestr("META-INF/manifest.xml", _MANIFEST)
    zf.writestr("content.xml", content)


def csv_file(path: Path, text: str, encoding: str = "utf-8") -> Path:
    path.write_bytes(text.encode(encoding))
    return path


HEADER = "NIK;NAMA;TGL LAHIR;JK;ALAMAT\r\n"


def test_quoted_line_breaks_stay_in_their_field_and_rows_keep_their_numbers(
    tmp_path: Path, service: ParticipantService
) -> None:
    text = (
        HEADER
        + f'{make_nik(1)};Siti Aminah;12/05/1980;L;"Jl. Raya 1\r\nRT 01"\r\n'
        + f"{make_nik(2)};Sri\u2028Wahyuni;12/05/1980;L;Dusun\x1cKrajan\r\n"
        + f"{make_nik(3)};Karsini;12/05/1980;L;Jl. Pemuda 3\r\n"
    )
    preview = ImportService(service).preview(csv_file(tmp_path / "daftar.csv", text), options=OPTIONS)
    assert [(r.row, r.status) for r in preview.rows] == [(2, RowStatus.ADD), (3, RowStatus.ADD), (4, RowStatus.ADD)]
    ImportService(service).commit(preview)
    found = service.find_by_nik(make_nik(1))
    assert found is not None and service.get(found.id).address == "Jl. Raya 1 RT 01"
    second = service.find_by_nik(make_nik(2))
    assert second is not None and service.get(second.id).full_name == "Sri Wahyuni"
    assert service.get(second.id).address == "Dusun Krajan"  # the separator character is a space


@pytest.mark.parametrize(
    ("encoding", "delimiter", "name"),
    [
        ("utf-16", "\t", "Excel: Teks Unicode"),  # UTF-16 with its byte-order mark, tab-separated
        ("utf-8-sig", ";", "Excel: CSV UTF-8, Indonesian list separator"),
        ("cp1252", ";", "Excel: CSV on an Indonesian Windows"),
        ("utf-8", ",", "LibreOffice: CSV, comma"),
    ],
)
def test_csv_as_offices_write_it(
    tmp_path: Path, service: ParticipantService, encoding: str, delimiter: str, name: str
) -> None:
    rows = [
        ["NIK", "NAMA", "TGL LAHIR", "JK", "ALAMAT", "IURAN"],
        [make_nik(1), "Siti Aminah", "12/05/1980", "L", "Dukuh Krajan – RT 02", "16,8"],
        [make_nik(2), "Ngatini", "12/05/1980", "L", "Jl. Sunan Muria 5", "16,8"],
    ]
    quote = '"' if delimiter == "," else ""
    text = "\r\n".join(delimiter.join(f"{quote}{c}{quote}" if "," in c else c for c in r) for r in rows) + "\r\n"
    path = tmp_path / "daftar.csv"
    path.write_bytes(text.encode(encoding))
    if encoding == "utf-16":
        assert path.read_bytes().startswith(codecs.BOM_UTF16_LE)
    preview = ImportService(service).preview(path, options=OPTIONS)
    assert [r.status for r in preview.rows] == [RowStatus.ADD, RowStatus.ADD], name
    values = preview.rows[0].values
    assert values is not None and values.address == "Dukuh Krajan – RT 02"


def test_a_field_longer_than_excel_allows_is_refused_with_a_sentence(
    tmp_path: Path, service: ParticipantService
) -> None:
    for size in (MAX_CELL_CHARS + 1, 200_000):  # the second is past csv's own field limit
        text = HEADER + f"{make_nik(1)};{'A' * size};12/05/1980;L;Jl. Raya\r\n"
        with pytest.raises(SourceFileError) as err:
            ImportService(service).preview(csv_file(tmp_path / "panjang.csv", text), options=OPTIONS)
        assert err.value.code == "csv_cell_too_long" and "Baris 2" in str(err.value)
    assert service.count() == 0


def test_a_workbook_renamed_csv_is_read_as_the_workbook(tmp_path: Path, service: ParticipantService) -> None:
    wb = openpyxl.Workbook()
    ws = wb.active
    assert ws is not None
    ws.append(["NIK", "NAMA", "TGL LAHIR", "JK"])
    ws.append([make_nik(1), "Siti Aminah", "12/05/1980", "L"])
    wb.save(tmp_path / "daftar.csv")
    preview = ImportService(service).preview(tmp_path / "daftar.csv", options=OPTIONS)
    assert [r.status for r in preview.rows] == [RowStatus.ADD]


def test_a_nik_written_as_a_number_is_named_so_with_its_sixteen_digits(
    tmp_path: Path, service: ParticipantService
) -> None:
    text = HEADER + f"{make_nik(1)}.0;Siti Aminah;12/05/1980;L;Jl. Raya\r\n" + "3,31903E+15;Ngatini;12/05/1980;L;-\r\n"
    preview = ImportService(service).preview(csv_file(tmp_path / "angka.csv", text), options=OPTIONS)
    first, second = preview.rows
    # Printed whole, 16 digits not ending in 0: not "17 digits", and safe to keep.
    assert first.errors == () and [i.code for i in first.warnings] == ["nik_number_cell_kept"]
    assert first.nik == make_nik(1)
    assert second.errors[0].code == "nik_number_cell"  # the Excel explanation, not "digits only"
    assert second.errors[0].params["digits"] == "3319030000000000"
    assert "nik_not_digits" not in {i.code for i in second.errors}


@pytest.mark.usefixtures("as_admin")
def test_a_long_file_name_is_a_source_name_not_a_rejection(tmp_path: Path, data_dir: Path) -> None:
    name = "Daftar calon peserta BPJS Ketenagakerjaan pekerja rentan Desa Getaspejaten tahun 2026 revisi"
    source = csv_file(tmp_path / f"{name}.csv", HEADER + f"{make_nik(1)};Siti Aminah;12/05/1980;L;Jl. Raya\r\n")
    done = cli("--data-dir", str(data_dir), "import", str(source), "--commit")
    assert done.returncode == 0 and "1 baru" in done.stdout and "0 ditolak" in done.stdout, done.stdout


def test_the_small_parts_of_a_workbook_are_not_read_when_they_are_large(
    tmp_path: Path, service: ParticipantService
) -> None:
    """The parts read before any bound applies (an ODS's mimetype, an xlsx's sheet list) are
    refused unread when they declare more than such a part ever holds."""
    ods = tmp_path / "besar.ods"
    with zipfile.ZipFile(ods, "w", zipfile.ZIP_DEFLATED) as zf, zf.open("mimetype", "w") as fh:
        for _ in range(64):
            fh.write(b" " * (1 << 20))
    with pytest.raises(SourceFileError) as err:
        ImportService(service).preview(ods, options=OPTIONS)
    assert err.value.code == "file_is_other"
    xlsx = raw_xlsx(
        tmp_path / "daftar.xlsx", [b'<row r="1"><c r="A1" t="s"><v>0</v></c></row>'], [b"<si><t>NIK</t></si>"]
    )
    padded = tmp_path / "lembar.xlsx"
    with zipfile.ZipFile(xlsx) as src, zipfile.ZipFile(padded, "w", zipfile.ZIP_DEFLATED) as dst:
        for item in src.infolist():
            data = src.read(item.filename)
            if item.filename == "xl/workbook.xml":
                data = data.replace(b"<sheets>", b"<sheets>" + b" " * (16 << 20))
            dst.writestr(item.filename, data)
    with pytest.raises(SourceFileError) as err:
        ImportService(service).preview(padded, options=OPTIONS)
    assert err.value.code == "file_corrupt" and "workbook.xml" in str(err.value)


def test_the_long_text_check_finds_exactly_the_runs_a_pattern_pass_finds() -> None:
    """The check looks at a window at a time; a run at the bound, one short of it, across a window's
    edge, at a block's start or end, is judged as the plain pattern ``<[^<]{N}`` judges it."""
    import re

    from kudus_desktop.core.village import sourcefile

    bound = sourcefile._MAX_CELL_BYTES
    pattern = re.compile(rb"<[^<]{%d}" % bound)
    markup = b'<c r="A1"><v>12</v></c>' * 20_000  # about twice the bound
    for length in (bound - 1, bound, bound + 1, 3 * bound):
        for at in (0, 1, bound // 2 - 3, bound // 2 + 5, len(markup) // 2, len(markup)):
            block = markup[:at] + b"<t>" + b"x" * length + markup[at:]
            assert sourcefile._long_text(block) == (pattern.search(block) is not None), (length, at)
        first_run = b"x" * length + markup  # a block begins after a ">": its first run is text too
        assert sourcefile._long_text(first_run) == (length >= bound)
    assert not sourcefile._long_text(markup) and not sourcefile._long_text(b"")


def test_a_huge_inline_cell_in_the_sheet_is_refused_before_it_is_parsed(tmp_path: Path, data_dir: Path) -> None:
    # Text may hold ">": the stream is cut into blocks there, so only the run check sees the cell.
    chunk = (b"B" * 1023 + b">") * 1024
    source = raw_xlsx(
        tmp_path / "sel.xlsx",
        [
            b'<row r="1"><c r="A1" t="s"><v>0</v></c><c r="B1" t="s"><v>1</v></c></row>',
            b'<row r="2"><c r="A2" t="inlineStr"><is><t>' + chunk * 150 + b"</t></is></c></row>",
        ],
        [b"<si><t>NIK</t></si><si><t>NAMA</t></si>"],
    )
    done, peak = import_process(data_dir, source)
    assert peak < PEAK_LIMIT, f"peak {peak / 2**20:.0f} MB"
    assert done.returncode == 2 and "Traceback" not in done.stderr
    assert f"{MAX_CELL_CHARS:,}".replace(",", ".") in done.stderr and "karakter" in done.stderr
