"""The words of printed lists: title, columns, rows and the signatory block, without Qt.

:mod:`kudus_desktop.render.table` lays them out on A4/F4 pages with the header row repeated
on every page and page numbers; the same table feeds the print preview, the printer and PDF.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import date
from enum import StrEnum

from kudus_desktop.core.enrolment.participants import PAGE, ParticipantQuery, ParticipantService
from kudus_desktop.core.errors import CancelledError
from kudus_desktop.core.rules.dates import format_date, format_date_long, format_month, format_number, format_rupiah
from kudus_desktop.core.rules.labels import code_label
from kudus_desktop.core.rules.letterhead import decree_annex, letterhead_lines, sign_place, signature_block
from kudus_desktop.core.rules.progress import CancelCheck, Progress, never_cancelled
from kudus_desktop.core.rules.records import OfficeProfile
from kudus_desktop.core.village.premiums import YearRecap


class Align(StrEnum):
    LEFT = "left"
    CENTRE = "centre"
    RIGHT = "right"


@dataclass(frozen=True, slots=True)
class PrintColumn:
    header: str
    width: float  # relative; the painter scales the widths to the page
    align: Align = Align.LEFT


@dataclass(frozen=True, slots=True)
class Signatory:
    """Place and date, then the preparer on the left and the approving head on the right."""

    place_date: str
    preparer_title: str
    preparer_name: str
    head_lines: tuple[str, ...]
    head_name: str
    head_below: tuple[str, ...] = ()  # rank and NIP of a civil servant


@dataclass(frozen=True, slots=True)
class Letterhead:
    """The office's kop over the first page, and the decree the list is an annex to."""

    lines: tuple[tuple[str, int], ...] = ()  # (text, weight): 2 the office, 1 above it, 0 the address
    annex: tuple[tuple[str, str], ...] = ()  # (LAMPIRAN/NOMOR/TANGGAL/TENTANG, value)


@dataclass(frozen=True, slots=True)
class PrintedTable:
    title: str
    subtitle: tuple[str, ...]
    running_title: str  # repeated small on the pages after the first
    columns: tuple[PrintColumn, ...]
    rows: tuple[tuple[str, ...], ...]
    signatory: Signatory
    footer: str
    letterhead: Letterhead = Letterhead()


PARTICIPANT_COLUMNS = (
    PrintColumn("No.", 7, Align.RIGHT),
    PrintColumn("Nama", 34),
    PrintColumn("NIK", 30),
    PrintColumn("L/P", 7, Align.CENTRE),
    PrintColumn("Tgl. Lahir", 17, Align.CENTRE),
    PrintColumn("Alamat", 30),
    PrintColumn("Kategori", 24),
    PrintColumn("Mulai", 17, Align.CENTRE),
    PrintColumn("Status", 13),
)


def signatory(profile: OfficeProfile, preparer: str, today_text: str) -> Signatory:
    """The preparer beside the head's signature, as Pengaturan sets it (a.n., Plt., NIP, ...)."""
    place = sign_place(profile)
    block = signature_block(profile)
    return Signatory(
        place_date=f"{place}, {today_text}",
        preparer_title="Yang membuat,",
        preparer_name=preparer,
        head_lines=("Mengetahui,", *block.above),
        head_name=block.name,
        head_below=block.below,
    )


def letterhead(profile: OfficeProfile, *, annex: bool = False) -> Letterhead:
    """The kop; with ``annex`` also the decree block, when Pengaturan names a decree."""
    return Letterhead(letterhead_lines(profile), decree_annex(profile) if annex else ())


def _address(dusun: str, rt: str, rw: str, address: str) -> str:
    parts = [address] if address else []
    if dusun:
        parts.append(f"Dusun {dusun}")
    if rt or rw:
        parts.append(f"RT {rt or '-'}/RW {rw or '-'}")
    return ", ".join(parts)


def participant_list(
    service: ParticipantService,
    profile: OfficeProfile,
    query: ParticipantQuery = ParticipantQuery(),  # noqa: B008 - frozen
    *,
    progress: Progress | None = None,
    cancelled: CancelCheck = never_cancelled,
) -> PrintedTable:
    """The participant list as filtered in the window, enrolled participants only (a signed list
    names nobody waiting for approval or rejected), with full NIKs: a person who logged in prints
    it, and the print dialog audits it."""
    ids = service.query_ids(replace(query, approved=True))
    left_out = len(service.query_ids(query)) - len(ids)
    rows: list[tuple[str, ...]] = []
    for start in range(0, len(ids), PAGE):
        if cancelled():
            raise CancelledError()
        for p in service.views(ids[start : start + PAGE]):
            rows.append(
                (
                    str(len(rows) + 1),
                    p.full_name,
                    p.nik,
                    p.sex,
                    format_date(p.birth_date),
                    _address(p.dusun, p.rt, p.rw, p.address),
                    code_label("category", p.category),
                    format_date(p.start_date),
                    code_label("status", p.status),
                )
            )
        if progress:
            progress(min(start + PAGE, len(ids)), len(ids))
    today = format_date_long(service.today())
    village = profile.region_name.upper()
    filters = _filter_text(query)
    return PrintedTable(
        title=f"DAFTAR PESERTA JAMINAN SOSIAL KETENAGAKERJAAN PEKERJA RENTAN DESA {village}",
        subtitle=(
            f"Kecamatan {profile.kecamatan_name}, Kabupaten Kudus · keadaan per {today}",
            f"{format_number(len(rows))} peserta{filters}"
            + (
                f"; {format_number(left_out)} orang yang belum disetujui atau ditolak tidak dicantumkan"
                if left_out
                else ""
            ),
        ),
        running_title=f"Daftar Peserta Jaminan Sosial Ketenagakerjaan · Desa {profile.region_name}",
        columns=PARTICIPANT_COLUMNS,
        rows=tuple(rows),
        signatory=signatory(profile, service.user.full_name, today),
        letterhead=letterhead(profile, annex=True),
        footer=f"Dicetak {format_date(service.today())} oleh {service.user.full_name} · Kudus Desktop",
    )


def _filter_text(query: ParticipantQuery) -> str:
    parts: Sequence[str] = [
        p
        for p in (
            f"kategori {code_label('category', query.category)}" if query.category else "",
            f"status {code_label('status', query.status)}" if query.status else "",
            f"dusun {query.dusun}" if query.dusun else "",
            f"RT {query.rt}" if query.rt else "",
            f"RW {query.rw}" if query.rw else "",
            f"pencarian \u201c{query.text}\u201d" if query.text else "",
        )
        if p
    ]
    return f" (saring: {', '.join(parts)})" if parts else ""


PREMIUM_COLUMNS = (
    PrintColumn("Bulan", 22),
    PrintColumn("Jatuh Tempo", 16, Align.CENTRE),
    PrintColumn("Peserta", 10, Align.RIGHT),
    PrintColumn("Tagihan", 20, Align.RIGHT),
    PrintColumn("Dibayar", 20, Align.RIGHT),
    PrintColumn("Belum Dibayar", 20, Align.RIGHT),
    PrintColumn("Pembayaran Diterima", 20, Align.RIGHT),
)


def premium_recap(recap: YearRecap, profile: OfficeProfile, preparer: str, today: date) -> PrintedTable:
    """The monthly premium recap for accountability reports, as a printed page."""
    rows: list[tuple[str, ...]] = []
    for m in recap.months:
        rows.append(
            (
                format_month(m.month // 12, m.month % 12 + 1),
                format_date(m.due),
                format_number(m.people),
                format_rupiah(m.billed),
                format_rupiah(m.paid),
                format_rupiah(m.outstanding) if m.overdue else "-",
                format_rupiah(m.received),
            )
        )
    rows.append(
        ("JUMLAH", "", "", format_rupiah(recap.billed), format_rupiah(recap.paid), format_rupiah(recap.arrears),
         format_rupiah(recap.received))
    )  # fmt: skip
    if recap.budget:
        budget_line = (
            f"Anggaran APBDes {recap.year}: {format_rupiah(recap.budget)}; realisasi {format_rupiah(recap.received)}"
            f" ({recap.realisation_pct or 0:.1f}%)"
        )
    else:
        budget_line = f"Anggaran APBDes {recap.year} belum dicatat"
    today_text = format_date_long(today)
    return PrintedTable(
        title=f"REKAPITULASI IURAN BPJS KETENAGAKERJAAN DESA {profile.region_name.upper()} TAHUN {recap.year}",
        subtitle=(f"Kecamatan {profile.kecamatan_name}, Kabupaten Kudus · keadaan per {today_text}", budget_line),
        running_title=f"Rekapitulasi Iuran {recap.year} · Desa {profile.region_name}",
        columns=PREMIUM_COLUMNS,
        rows=tuple(rows),
        signatory=signatory(profile, preparer, today_text),
        letterhead=letterhead(profile),
        footer=f"Dicetak {format_date(today)} oleh {preparer} · Kudus Desktop",
    )
