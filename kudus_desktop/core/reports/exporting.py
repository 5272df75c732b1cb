"""Spreadsheets for the village and for BPJS: roster, registration list, import problems.

Written through :mod:`kudus_desktop.core.reports.workbook` (streamed, bounded memory). NIK, KK
and KPJ are written as text so Excel shows every digit; dates are real dates shown as 17/08/1985.
"""

from __future__ import annotations

import functools
import json
import os
import tempfile
import threading
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any, ParamSpec, TypeVar

from kudus_desktop.core.enrolment.participants import PAGE, ParticipantQuery, ParticipantService
from kudus_desktop.core.errors import CancelledError, KudusError
from kudus_desktop.core.paths import is_no_space, space_error
from kudus_desktop.core.reports.workbook import FORMULA_STARTS, Book, Sheet, safe_text
from kudus_desktop.core.rules.card_layout import Paper
from kudus_desktop.core.rules.codes import Category, Funding
from kudus_desktop.core.rules.dates import check_clock, format_date_long, format_month, format_stamp
from kudus_desktop.core.rules.labels import code_label, describe_issue, field_label
from kudus_desktop.core.rules.letterhead import decree_annex, letterhead_lines, sign_place, signature_block
from kudus_desktop.core.rules.nik import mask_nik
from kudus_desktop.core.rules.progress import CancelCheck, Progress, never_cancelled
from kudus_desktop.core.rules.records import OfficeProfile, OpChanges, ParticipantView
from kudus_desktop.core.storage import settings
from kudus_desktop.core.storage.audit import AuditEvent, audit_events
from kudus_desktop.core.storage.db import Database
from kudus_desktop.core.village.eligibility import ReviewEntry
from kudus_desktop.core.village.importing import ImportPreview, RowStatus
from kudus_desktop.core.village.lost_media import LostReport
from kudus_desktop.core.village.premiums import BudgetPlan, YearRecap

if TYPE_CHECKING:
    from kudus_desktop.core.regency.overview import AreaSummary, RegencyOverview

__all__ = ["FORMULA_STARTS", "safe_text"]  # the rule of what a cell may hold, said in workbook.py


def wadah_code(funding: str) -> str:
    """BPJS participation code: SD for the village budget, SA for the regency's, SL otherwise."""
    if funding in (Funding.PADES, Funding.BAGI_HASIL):
        return "SD"
    if funding == Funding.APBD:
        return "SA"
    return "SL"


@dataclass(frozen=True, slots=True)
class Column:
    key: str
    header: str
    width: float
    value: Callable[[ParticipantView], Any]


def _sex(p: ParticipantView) -> str:
    return p.sex


ROSTER_COLUMNS: tuple[Column, ...] = (
    Column("reg_no", "No. Registrasi", 18, lambda p: p.reg_no),
    Column("nik", "NIK", 19, lambda p: p.nik),
    Column("kk", "No. KK", 19, lambda p: p.kk or None),
    Column("full_name", "Nama Lengkap", 28, lambda p: p.full_name),
    Column("birth_place", "Tempat Lahir", 14, lambda p: p.birth_place or None),
    Column("birth_date", "Tanggal Lahir", 13, lambda p: p.birth_date),
    Column("sex", "L/P", 5, _sex),
    Column("address", "Alamat", 26, lambda p: p.address or None),
    Column("dusun", "Dusun", 12, lambda p: p.dusun or None),
    Column("rt", "RT", 6, lambda p: p.rt or None),
    Column("rw", "RW", 6, lambda p: p.rw or None),
    Column("category", "Kategori", 22, lambda p: code_label("category", p.category)),
    Column("funding", "Sumber Dana", 16, lambda p: code_label("funding", p.funding)),
    Column("start_date", "Mulai", 12, lambda p: p.start_date),
    Column("status", "Status", 10, lambda p: code_label("status", p.status)),
    Column("kpj", "No. KPJ", 14, lambda p: p.kpj or None),
)

#: Every column the BPJS registration list can carry; the order and choice are a setting
#: because BPJS's collective-registration template is not public.
BPJS_COLUMNS: dict[str, Column] = {
    c.key: c
    for c in (
        Column("nik", "NIK", 19, lambda p: p.nik),
        Column("full_name", "NAMA", 28, lambda p: p.full_name.upper()),
        Column("birth_place", "TEMPAT_LAHIR", 14, lambda p: p.birth_place or None),
        Column("birth_date", "TGL_LAHIR", 12, lambda p: p.birth_date),
        Column("sex", "JENIS_KELAMIN", 8, _sex),
        Column("kk", "NO_KK", 19, lambda p: p.kk or None),
        Column("address", "ALAMAT", 30, lambda p: ", ".join(x for x in (p.address, _rt_rw(p), p.dusun) if x) or None),
        Column("phone", "NO_HP", 15, lambda p: p.phone or None),
        Column("occupation", "PEKERJAAN", 18, lambda p: p.occupation or None),
        Column("wadah", "KODE_WADAH", 8, lambda p: wadah_code(p.funding)),
        Column("start_date", "TGL_KEPESERTAAN", 12, lambda p: p.start_date),
        Column("desa_code", "KODE_DESA", 14, lambda p: p.desa_code),
        Column("reg_no", "NO_REGISTRASI", 18, lambda p: p.reg_no),
        Column("kpj", "KPJ", 14, lambda p: p.kpj or None),
    )
}
DEFAULT_BPJS_COLUMNS = (
    "nik", "full_name", "birth_place", "birth_date", "sex", "kk", "address", "phone", "occupation", "wadah",
    "start_date",
)  # fmt: skip


def bpjs_columns(db: Database) -> list[str]:
    """The office's chosen BPJS list columns, or the default set."""
    with db.read() as conn:
        raw = settings.read_all(conn)[settings.BPJS_COLUMNS.key]
    try:
        chosen = [c for c in json.loads(raw) if c in BPJS_COLUMNS]
    except (ValueError, TypeError):
        chosen = []
    return chosen or list(DEFAULT_BPJS_COLUMNS)


def save_bpjs_columns(db: Database, columns: Sequence[str]) -> OpChanges:
    """Remember the BPJS list columns in this order; unknown or no columns are refused."""
    _check_columns(columns)
    with db.begin() as conn:
        settings.write(conn, {settings.BPJS_COLUMNS: json.dumps(list(columns))})
    return OpChanges(settings=True)


def _check_columns(columns: Sequence[str]) -> None:
    unknown = [c for c in columns if c not in BPJS_COLUMNS]
    if unknown or not columns:
        raise KudusError("columns_unknown", columns=", ".join(unknown) or "-", known=", ".join(BPJS_COLUMNS))


def _rt_rw(p: ParticipantView) -> str:
    return f"RT {p.rt}/RW {p.rw}" if p.rt or p.rw else ""


_pending = threading.local()
_P = ParamSpec("_P")
_T = TypeVar("_T")


def _temp_beside(path: Path) -> Path:
    """A temporary file next to ``path``; proves the folder is writable before any work."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, name = tempfile.mkstemp(dir=path.parent, prefix=f".{path.stem}-", suffix=".xlsx")
        os.close(fd)
    except OSError as exc:
        raise KudusError("export_failed", path=str(path), detail=exc.strerror or str(exc)) from None
    getattr(_pending, "files", []).append(Path(name))
    return Path(name)


def _leaves_nothing(fn: Callable[_P, _T]) -> Callable[_P, _T]:
    """An export that fails, however, leaves no file under any name: its temporary files go, and a
    failure the export did not foresee is refused with its reason, not a traceback."""

    @functools.wraps(fn)
    def export(*args: _P.args, **kwargs: _P.kwargs) -> _T:
        outer = (getattr(_pending, "files", None), getattr(_pending, "workbooks", None))
        _pending.files, _pending.workbooks = [], []
        try:
            check_clock()  # a workbook's zip cannot be dated before 1980
            return fn(*args, **kwargs)
        except BaseException as exc:
            for wb in _pending.workbooks:
                wb.discard()
            for tmp in _pending.files:
                tmp.unlink(missing_ok=True)
            if isinstance(exc, (KudusError, KeyboardInterrupt, SystemExit, MemoryError)):
                raise
            target = next((a for a in args if isinstance(a, Path)), kwargs.get("path", ""))
            if is_no_space(exc):  # openpyxl's own temporary files fill the disk first
                full = space_error(Path(str(target)).parent, 0, seen=exc)
                if full is not None:
                    raise full from None
            raise KudusError("export_failed", path=str(target), detail=f"{type(exc).__name__}: {exc}"[:200]) from exc
        finally:
            _pending.files, _pending.workbooks = outer[0] or [], outer[1] or []

    return export


def _book(tmp: Path, paper: Paper = Paper.A4) -> Book:
    """A workbook streamed into ``tmp``, discarded by :func:`_leaves_nothing` when the export fails."""
    book = Book(tmp, paper)
    getattr(_pending, "workbooks", []).append(book)
    return book


def _save_atomically(book: Book, tmp: Path, path: Path) -> None:
    """Write the temporary file and rename it over the target: never half a file."""
    try:
        book.close()
        tmp.replace(path)
    except OSError as exc:
        tmp.unlink(missing_ok=True)
        # The size it would have had is unknown; a workbook of this kind is rarely above a few MB.
        raise space_error(path.parent, 0, seen=exc) or KudusError(
            "export_failed", path=str(path), detail=exc.strerror or str(exc)
        ) from None


def _participants(service: ParticipantService, ids: Sequence[int]) -> Iterable[ParticipantView]:
    for start in range(0, len(ids), PAGE):
        yield from service.views(ids[start : start + PAGE])


def _signatory(sheet: Sheet, profile: OfficeProfile, preparer: str, today: date) -> None:
    """The signature as the printed lists set it (Pengaturan: a.n., Plt., rank, NIP), then the preparer."""
    block = signature_block(profile)
    place = sign_place(profile)
    sheet.text_rows(["", f"{place}, {format_date_long(today)}", "Mengetahui,", *block.above])
    sheet.text_rows(["", "", ""])
    sheet.text_rows([block.name], bold=True)
    sheet.text_rows(block.below)
    sheet.text_rows(["", "Yang membuat,", "", "", preparer])


@_leaves_nothing
def export_roster(
    service: ParticipantService,
    profile: OfficeProfile,
    path: Path,
    *,
    query: ParticipantQuery = ParticipantQuery(),  # noqa: B008 - frozen
    progress: Progress | None = None,
    cancelled: CancelCheck = never_cancelled,
    paper: Paper = Paper.A4,
) -> int:
    """The participant roster (as filtered in the list) with title and signatory block, set up to
    print landscape on ``paper``, one page wide, its header on every page."""
    tmp = _temp_beside(path)
    ids = service.query_ids(query)
    wb = _book(tmp, paper)
    sheet = wb.sheet("Daftar Peserta", ROSTER_COLUMNS)
    # On the office's paper, as the printed list: its letterhead, and the decree it belongs to.
    above = sheet.letterhead(letterhead_lines(profile), decree_annex(profile))
    sheet.freeze(f"A{above + 5}")
    sheet.landscape(header_row=above + 4)
    title = f"DAFTAR PESERTA JAMINAN SOSIAL KETENAGAKERJAAN PEKERJA RENTAN DESA {profile.region_name.upper()}"
    sheet.text_rows([title], bold=True)
    sheet.text_rows([f"Kecamatan {profile.kecamatan_name}, Kabupaten Kudus · per {format_date_long(service.today())}"])
    sheet.text_rows([""])
    sheet.header()
    try:
        for n, p in enumerate(_participants(service, ids), start=1):
            sheet.row([c.value(p) for c in ROSTER_COLUMNS])
            if n % 1000 == 0:
                if cancelled():
                    raise CancelledError()
                if progress:
                    progress(n, len(ids))
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    _signatory(sheet, profile, service.user.full_name, service.today())
    _save_atomically(wb, tmp, path)
    service.log_event("export_roster", f"{len(ids)} peserta ke {path.name}")
    return len(ids)


@_leaves_nothing
def export_bpjs_list(
    service: ParticipantService,
    path: Path,
    *,
    columns: Sequence[str] | None = None,
    query: ParticipantQuery = ParticipantQuery(status="aktif", approved=True),  # noqa: B008 - frozen
    ids: Sequence[int] | None = None,
    audit: bool = True,
    paper: Paper = Paper.A4,
) -> int:
    """The collective-registration list for BPJS: one header row, then one row per participant
    (by default the active ones whose data the verifikator approved).

    ``columns`` defaults to the office's setting (see :func:`bpjs_columns`); ``ids``, when
    given, are the participants to list instead of those matching ``query``. ``audit=False``:
    the caller writes the audit entry in its own transaction (the regency's list, which marks
    everyone on it as sent in the same one).
    """
    if columns is None:
        columns = bpjs_columns(service.db)
    _check_columns(columns)
    chosen = [BPJS_COLUMNS[c] for c in columns]
    tmp = _temp_beside(path)
    ids = service.query_ids(query) if ids is None else list(ids)
    wb = _book(tmp, paper)
    sheet = wb.sheet("Pendaftaran", chosen)
    sheet.freeze("A2")
    if len(chosen) > 6:  # portrait holds six columns readably
        sheet.landscape(header_row=1)
    else:
        sheet.repeat_header(1)
    sheet.header()
    for p in _participants(service, ids):
        sheet.row([c.value(p) for c in chosen])
    _save_atomically(wb, tmp, path)
    if audit:
        service.log_event("export_bpjs", f"{len(ids)} peserta ke {path.name}")
    return len(ids)


@_leaves_nothing
def export_problem_report(preview: ImportPreview, path: Path) -> int:
    """Rejected and warned rows of an import, for whoever made the list."""
    columns = (
        Column("row", "Baris", 7, lambda p: None),
        Column("nik", "NIK (seperti tertulis)", 20, lambda p: None),
        Column("name", "Nama", 26, lambda p: None),
        Column("status", "Hasil", 12, lambda p: None),
        Column("field", "Kolom", 16, lambda p: None),
        Column("reason", "Masalah", 90, lambda p: None),
    )
    tmp = _temp_beside(path)
    wb = _book(tmp)
    sheet = wb.sheet("Masalah Impor", columns)
    sheet.freeze("A4")
    sheet.text_rows([f"Masalah pada berkas {preview.path.name}, lembar {preview.sheet}"], bold=True)
    sheet.text_rows([""])
    sheet.header()
    count = 0
    for r in preview.rows:
        if not r.issues:
            continue
        result = "Ditolak" if r.status == RowStatus.REJECTED else "Peringatan"
        for issue in r.issues:
            sheet.row([r.row, r.nik, r.name, result, field_label(issue.field), describe_issue(issue)])
        count += 1
    _save_atomically(wb, tmp, path)
    return count


@_leaves_nothing
def export_audit(events: Sequence[AuditEvent], path: Path) -> int:
    """The audit log as shown in the viewer, for an inspection or a breach report."""
    columns = (
        Column("at", "Waktu", 20, lambda p: None),
        Column("username", "Pengguna", 16, lambda p: None),
        Column("action", "Kejadian", 24, lambda p: None),
        Column("detail", "Keterangan", 70, lambda p: None),
    )
    tmp = _temp_beside(path)
    wb = _book(tmp)
    sheet = wb.sheet("Log Audit", columns)
    sheet.freeze("A2")
    sheet.header()
    for e in events:
        sheet.row([e.at, e.username, e.action, e.detail])
    _save_atomically(wb, tmp, path)
    return len(events)


@_leaves_nothing
def export_review_list(entries: Sequence[ReviewEntry], path: Path, *, title: str) -> int:
    """The eligibility review list (age limit, end of term, gone from the source list); NIKs
    masked: the list goes round the office for decisions."""
    columns = (
        Column("no", "No.", 6, lambda p: None),
        Column("reg", "No. Registrasi", 20, lambda p: None),
        Column("name", "Nama", 28, lambda p: None),
        Column("nik", "NIK", 20, lambda p: None),
        Column("category", "Kategori", 22, lambda p: None),
        Column("rtrw", "RT/RW", 9, lambda p: None),
        Column("reason", "Perlu ditinjau karena", 26, lambda p: None),
        Column("detail", "Keterangan", 60, lambda p: None),
        Column("decision", "Keputusan (diisi)", 24, lambda p: None),
    )
    tmp = _temp_beside(path)
    wb = _book(tmp)
    sheet = wb.sheet("Tinjauan", columns)
    sheet.freeze("A4")
    sheet.text_rows([title], bold=True)
    sheet.text_rows([""])
    sheet.header()
    for n, e in enumerate(entries, 1):
        sheet.row([
            n, e.reg_no, e.full_name, mask_nik(e.nik), code_label("category", e.category),
            f"{e.rt or '-'}/{e.rw or '-'}", code_label("review_reason", e.reason), e.detail, "",
        ])  # fmt: skip
    _save_atomically(wb, tmp, path)
    return len(entries)


@_leaves_nothing
def export_person_report(service: ParticipantService, participant_id: int, path: Path) -> int:
    """Everything held about one person: the record, its full history and the audit entries.

    Answers a data subject's access request (UU 27/2022). The full NIK is in it: hand it to the
    person only. Returns the number of history events written.
    """
    p = service.get(participant_id)
    history = service.history(participant_id)
    events = [e for e in audit_events(service.db, limit=100_000) if p.reg_no in e.detail or e.detail == p.reg_no]
    columns = (Column("a", "Data", 26, lambda _p: None), Column("b", "Isi", 40, lambda _p: None),
               Column("c", "", 22, lambda _p: None), Column("d", "", 22, lambda _p: None),
               Column("e", "", 22, lambda _p: None))  # fmt: skip
    tmp = _temp_beside(path)
    wb = _book(tmp)
    sheet = wb.sheet("Data Pribadi", columns)
    sheet.text_rows([f"DATA YANG DISIMPAN TENTANG {p.full_name.upper()}"], bold=True)
    sheet.text_rows([f"Dicetak {format_date_long(service.today())} oleh {service.user.full_name}", ""])
    values: list[tuple[str, Any]] = [
        (field_label("reg_no"), p.reg_no), (field_label("nik"), p.nik), (field_label("kk"), p.kk),
        (field_label("full_name"), p.full_name), (field_label("birth_place"), p.birth_place),
        (field_label("birth_date"), p.birth_date), (field_label("sex"), code_label("sex", p.sex)),
        (field_label("address"), p.address), (field_label("dusun"), p.dusun), (field_label("rt"), p.rt),
        (field_label("rw"), p.rw), (field_label("phone"), p.phone), (field_label("occupation"), p.occupation),
        (field_label("category"), code_label("category", p.category)), (field_label("source_list"), p.source_list),
        (field_label("source_date"), p.source_date), (field_label("funding"), code_label("funding", p.funding)),
        (field_label("start_date"), p.start_date), (field_label("status"), code_label("status", p.status)),
        (field_label("exit_reason"), code_label("exit_reason", p.exit_reason)), (field_label("exit_date"), p.exit_date),
        (field_label("kpj"), p.kpj), ("Kode desa", p.desa_code), ("ID global", p.uid),
        ("Dicatat", p.created_at), ("Terakhir diubah", p.updated_at),
    ]  # fmt: skip
    for label, value in values:
        sheet.row([label, value if value not in ("", None) else None])
    sheet.text_rows(["", "RIWAYAT"], bold=True)
    sheet.row(["Waktu", "Kejadian", "Pengguna", "Data", "Sebelumnya → Menjadi"])
    for h in history:
        for fld, old, new in h.changes or (("", "", ""),):
            sheet.row(
                [h.at, code_label("action", h.action), h.username, field_label(fld) if fld else "", f"{old} → {new}"]
            )
    sheet.text_rows(["", "LOG AUDIT"], bold=True)
    for e in events:
        sheet.row([e.at, e.action, e.username, e.detail])
    _save_atomically(wb, tmp, path)
    service.log_event("person_report", p.reg_no)
    return len(history)


@_leaves_nothing
def export_coverage(overview: RegencyOverview, profile: OfficeProfile, path: Path, preparer: str) -> int:
    """The regency's coverage report: per kecamatan and desa (with subtotals), and the
    participants active at the end of each month per kecamatan. Returns the villages listed."""
    cats = [c.value for c in Category]
    columns = [
        Column("kecamatan", "Kecamatan", 16, lambda p: None),
        Column("desa", "Desa", 18, lambda p: None),
        Column("code", "Kode Desa", 14, lambda p: None),
        *(Column(c, code_label("category", c), 12, lambda p: None) for c in cats),
        Column("active", "Peserta Aktif", 11, lambda p: None),
        Column("new", "Baru Bulan Ini", 11, lambda p: None),
        Column("ended", "Berhenti Bulan Ini", 11, lambda p: None),
        Column("kpj", "Sudah Ber-KPJ", 11, lambda p: None),
        Column("sent", "Dikirim ke BPJS", 11, lambda p: None),
        Column("rejected", "Ditolak", 10, lambda p: None),
        Column("paid", "Iuran Bulan Ini Lunas", 11, lambda p: None),
        Column("cases", "Ganda Terbuka", 10, lambda p: None),
        Column("contact", "Kontak Terakhir", 17, lambda p: None),
        Column("missing", "Paket Hilang", 10, lambda p: None),
    ]

    def figures(a: AreaSummary) -> list[Any]:
        return [
            *(a.by_category.get(c, 0) for c in cats), a.active, a.new_month, a.ended_month, a.with_kpj, a.sent_bpjs,
            a.rejected, a.paid_month, a.open_cases,
        ]  # fmt: skip

    tmp = _temp_beside(path)
    wb = _book(tmp)
    sheet = wb.sheet("Cakupan", columns)
    above = sheet.letterhead(letterhead_lines(profile))  # the Dinas's own paper, as it is signed
    sheet.freeze(f"D{above + 5}")
    sheet.landscape(header_row=above + 4)
    sheet.text_rows(
        [f"CAKUPAN JAMINAN SOSIAL KETENAGAKERJAAN PEKERJA RENTAN DESA {profile.region_name.upper()}"], bold=True
    )
    sheet.text_rows([f"Keadaan per {format_date_long(overview.today)}"])
    sheet.text_rows([""])
    sheet.header()
    count = 0
    for kec in overview.kecamatan:
        for a in kec.villages:
            contact = format_stamp(a.last_contact) if a.last_contact else "belum pernah"
            sheet.row([kec.total.name, a.name, a.code, *figures(a), contact, a.missing or None])
            count += 1
        sheet.row([kec.total.name, "Jumlah kecamatan", kec.total.code, *figures(kec.total)], bold=True)
    sheet.row(["", "JUMLAH KABUPATEN", "", *figures(overview.total)], bold=True)
    _signatory(sheet, profile, preparer, overview.today)

    month_columns = [Column("kecamatan", "Kecamatan", 18, lambda p: None)] + [
        Column(f"{y}-{m}", format_month(y, m), 11, lambda p: None) for y, m in overview.months
    ]
    monthly = wb.sheet("Per Bulan", month_columns)
    monthly.freeze("B4")
    monthly.landscape(header_row=3)
    monthly.text_rows(["PESERTA AKTIF PADA AKHIR BULAN, PER KECAMATAN"], bold=True)
    monthly.text_rows([""])
    monthly.header()
    for kec in overview.kecamatan:
        monthly.row([kec.total.name, *kec.series])
    monthly.row(["Jumlah", *(sum(k.series[i] for k in overview.kecamatan) for i in range(len(overview.months)))])
    _save_atomically(wb, tmp, path)
    return count


@_leaves_nothing
def export_premium_report(
    recap: YearRecap, plan: BudgetPlan, profile: OfficeProfile, path: Path, preparer: str, today: date
) -> int:
    """The year's premium report: the monthly recap for accountability (with the signatory
    block), the APBDes line for the next year, and every payment. Amounts are numbers in
    rupiah, so the sheet adds them up itself. Returns the payments listed."""
    columns = [
        Column("month", "Bulan", 16, lambda p: None),
        Column("due", "Jatuh Tempo", 13, lambda p: None),
        Column("people", "Peserta Ditagih", 11, lambda p: None),
        Column("billed", "Tagihan (Rp)", 15, lambda p: None),
        Column("paid", "Dibayar untuk Bulan Ini (Rp)", 17, lambda p: None),
        Column("outstanding", "Belum Dibayar (Rp)", 15, lambda p: None),
        Column("received", "Pembayaran Bulan Ini (Rp)", 17, lambda p: None),
    ]
    tmp = _temp_beside(path)
    wb = _book(tmp)
    sheet = wb.sheet("Rekap Bulanan", columns)
    above = sheet.letterhead(letterhead_lines(profile))  # signed for accountability: on the office's paper
    sheet.freeze(f"A{above + 6}")
    sheet.landscape(header_row=above + 5)

    def amounts(values: Sequence[Any], *, strong: bool = False) -> None:
        sheet.row(values, bold=strong, money_from=3)

    sheet.text_rows([f"REKAPITULASI IURAN BPJS KETENAGAKERJAAN TAHUN {recap.year}"], bold=True)
    place = f"Desa {profile.region_name}" + (f", Kecamatan {profile.kecamatan_name}" if profile.kecamatan_name else "")
    sheet.text_rows([place])
    sheet.text_rows([f"Keadaan per {format_date_long(today)}"])
    sheet.text_rows([""])
    sheet.header()
    for m in recap.months:
        label = format_month(m.month // 12, m.month % 12 + 1)
        amounts([label, m.due, m.people, m.billed, m.paid, m.outstanding if m.overdue else 0, m.received])
    amounts(["JUMLAH", "", "", recap.billed, recap.paid, recap.arrears, recap.received], strong=True)
    sheet.text_rows([""])
    if recap.budget:
        pct = recap.realisation_pct or 0.0
        sheet.text_rows(
            [f"Anggaran APBDes {recap.year}: Rp{recap.budget:,}".replace(",", "."),
             f"Realisasi pembayaran: Rp{recap.received:,} ({pct:.1f}%)".replace(",", ".")]
        )  # fmt: skip
    else:
        sheet.text_rows([f"Anggaran APBDes {recap.year} belum dicatat."])
    _signatory(sheet, profile, preparer, today)

    budget = wb.sheet(
        f"Anggaran {plan.year}",
        [Column("item", "Uraian", 46, lambda p: None), Column("value", "Nilai", 18, lambda p: None)],
    )
    budget.text_rows([f"RENCANA ANGGARAN IURAN JKK DAN JKM TAHUN {plan.year} (APBDes)"], bold=True)
    budget.text_rows([""])
    budget.header()
    budget.row(["Peserta aktif (dibiayai desa)", plan.active])
    budget.row(["Rencana tambahan peserta", plan.planned_additions])
    budget.row(["Jumlah peserta dianggarkan", plan.people])
    for month, rate in plan.monthly:
        budget.row([f"Iuran per orang, {format_month(month // 12, month % 12 + 1)} (Rp)", rate])
    budget.row(["Iuran per orang setahun (Rp)", sum(r for _, r in plan.monthly)])
    budget.row(["JUMLAH ANGGARAN (Rp)", plan.total], bold=True, money_from=1)
    _signatory(budget, profile, preparer, today)

    payments = wb.sheet(
        "Pembayaran",
        [
            Column("paid_on", "Tanggal Bayar", 13, lambda p: None),
            Column("amount", "Jumlah (Rp)", 15, lambda p: None),
            Column("period", "Untuk Bulan", 30, lambda p: None),
            Column("people", "Peserta", 9, lambda p: None),
            Column("reference", "Referensi", 22, lambda p: None),
            Column("by", "Dicatat Oleh", 14, lambda p: None),
            Column("void", "Dibatalkan", 30, lambda p: None),
        ],
    )
    payments.freeze("A3")
    payments.text_rows([f"PEMBAYARAN IURAN TAHUN {recap.year}"], bold=True)
    payments.header()
    for p in recap.payments:
        void = f"{p.voided_at[:10]}: {p.void_reason}" if p.voided_at else ""
        payments.row([date.fromisoformat(p.paid_on), p.amount, p.period, p.people, p.reference, p.created_by, void])
    _save_atomically(wb, tmp, path)
    return len(recap.payments)


@_leaves_nothing
def export_lost_report(report: LostReport, profile: OfficeProfile, path: Path, preparer: str, today: date) -> int:
    """Whose data a lost stick or computer held: the list the office notifies from."""
    columns = [
        Column("no", "No.", 6, lambda p: None),
        Column("name", "Nama", 28, lambda p: None),
        Column("nik", "NIK", 20, lambda p: None),
        Column("reg_no", "No. Registrasi", 18, lambda p: None),
        Column("desa", "Kode Desa", 14, lambda p: None),
        Column("rt_rw", "RT/RW", 10, lambda p: None),
        Column("status", "Status", 10, lambda p: None),
        Column("packages", "Paket", 14, lambda p: None),
    ]
    tmp = _temp_beside(path)
    wb = _book(tmp)
    sheet = wb.sheet("Data Terpapar", columns)
    sheet.freeze("A6")
    sheet.landscape(header_row=5)
    what = (
        f"flashdisk berisi paket {', '.join(map(str, report.packages))}"
        if report.what == "packages"
        else "perangkat (seluruh basis data)"
    )
    sheet.text_rows([f"DAFTAR ORANG YANG DATANYA ADA DI {what.upper()} YANG HILANG"], bold=True)
    sheet.text_rows([f"{profile.region_name}; keadaan per {format_date_long(today)}; {len(report.people)} orang"])
    sheet.text_rows(["Data: nama, NIK, nomor KK, tanggal lahir, alamat, kategori kepesertaan."])
    sheet.text_rows([""])
    sheet.header()
    for n, p in enumerate(report.people, start=1):
        rt_rw = f"{p.rt}/{p.rw}" if p.rt or p.rw else ""
        packages = ", ".join(map(str, p.packages))
        sheet.row([n, p.full_name, p.nik, p.reg_no, p.desa_code, rt_rw, code_label("status", p.status), packages])
    _signatory(sheet, profile, preparer, today)
    _save_atomically(wb, tmp, path)
    return len(report.people)
