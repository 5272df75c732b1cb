"""The one-page information sheet a participant receives at enrolment (UU 27/2022 Pasal 5).

Pasal 5 gives the data subject the right to information on who asks for their personal data,
on what legal basis, for what purpose, and who is accountable. The sheet says that in plain
Indonesian, with the person's rights (access, correction, deletion, objection) and whom to
contact, and ends with a receipt the person may sign. Words only, without Qt:
:mod:`kudus_desktop.render.notice` paints them.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from kudus_desktop.core.enrolment.participants import PAGE, ParticipantService
from kudus_desktop.core.rules.dates import format_date_long
from kudus_desktop.core.rules.nik import mask_nik
from kudus_desktop.core.rules.records import OfficeProfile, ParticipantView
from kudus_desktop.core.storage import settings


@dataclass(frozen=True, slots=True)
class Notice:
    title: str
    subtitle: str
    person: tuple[tuple[str, str], ...]  # (label, value) of whom the sheet was given to; empty when blank
    sections: tuple[tuple[str, str], ...]  # (heading, paragraph)
    receipt: tuple[str, ...]  # the lines above the signatures
    office_title: str  # "Petugas" or the preparer's role
    office_name: str
    footer: str


def privacy_notice(
    profile: OfficeProfile, retention_years: int, today: date, preparer: str, person: ParticipantView | None = None
) -> Notice:
    """The sheet for ``person`` (or a blank one to fill in by hand)."""
    village = f"Pemerintah Desa {profile.region_name}" if profile.region_name else "Pemerintah Kabupaten Kudus"
    where = f"{village}, Kecamatan {profile.kecamatan_name}, Kabupaten Kudus" if profile.kecamatan_name else village
    phone = f", telepon {profile.office_phone}" if profile.office_phone else ""
    people: tuple[tuple[str, str], ...] = ()
    if person is not None:
        people = (
            ("Nama", person.full_name),
            ("NIK", mask_nik(person.nik)),
            ("No. Registrasi", person.reg_no),
        )
    sections = (
        (
            "Siapa yang mengelola data Anda",
            f"{where} (pengendali data), bersama Pemerintah Kabupaten Kudus melalui Dinas Pemberdayaan Masyarakat "
            "dan Desa yang menghimpun data seluruh desa, dan BPJS Ketenagakerjaan yang mendaftarkan Anda sebagai "
            "peserta. Data tidak diberikan kepada pihak lain dan tidak dipakai untuk keperluan lain.",
        ),
        (
            "Dasar hukum",
            "Inpres Nomor 2 Tahun 2021 tentang Optimalisasi Pelaksanaan Program Jaminan Sosial Ketenagakerjaan; "
            "PP Nomor 44 Tahun 2015 tentang Jaminan Kecelakaan Kerja dan Jaminan Kematian beserta perubahannya; "
            "UU Nomor 27 Tahun 2022 tentang Pelindungan Data Pribadi; serta anggaran desa (APBDes) yang membayar "
            "iuran Anda.",
        ),
        (
            "Untuk apa data dipakai",
            "Mendaftarkan Anda dalam Jaminan Kecelakaan Kerja (JKK) dan Jaminan Kematian (JKM) BPJS "
            "Ketenagakerjaan, membayar iurannya dari anggaran desa, mencetak kartu peserta, dan memastikan "
            "tidak ada yang terdaftar dua kali. Yang dicatat: nama, NIK, nomor KK, tempat dan tanggal lahir, "
            "jenis kelamin, alamat, nomor telepon, pekerjaan, dan daftar asal (misalnya DTSEN).",
        ),
        (
            "Berapa lama disimpan",
            (
                f"Selama Anda menjadi peserta dan {retention_years} tahun sesudahnya, untuk pertanggungjawaban "
                "anggaran; setelah itu data dihapus."
            )
            if retention_years > 0
            else "Selama Anda menjadi peserta dan sesudahnya selama diperlukan untuk pertanggungjawaban anggaran "
            "desa; data yang tidak diperlukan lagi dihapus.",
        ),
        (
            "Hak Anda",
            "Anda berhak mengetahui data apa yang disimpan dan mendapat salinannya, meminta data yang salah "
            "dibetulkan, meminta data dihapus atau kepesertaan dihentikan, dan menyatakan keberatan. Permintaan "
            "dijawab paling lambat 3 x 24 jam. Bila data Anda bocor, kantor desa wajib memberi tahu Anda.",
        ),
        (
            "Hubungi",
            f"Kantor {village}{phone}, pada jam kerja. Untuk kepesertaan dan klaim: BPJS Ketenagakerjaan, "
            "layanan 175 atau aplikasi JMO.",
        ),
    )
    return Notice(
        title="PEMBERITAHUAN PENGOLAHAN DATA PRIBADI",
        subtitle=f"Pendaftaran Jaminan Sosial Ketenagakerjaan Pekerja Rentan · {where}",
        person=people,
        sections=sections,
        receipt=(
            "Saya telah menerima dan memahami pemberitahuan ini.",
            f"{profile.region_name or 'Kudus'}, {format_date_long(today)}",
        ),
        office_title="Petugas,",
        office_name=preparer,
        footer="Lembar untuk peserta · Kudus Desktop",
    )


def notices_for(service: ParticipantService, profile: OfficeProfile, ids: Sequence[int]) -> list[Notice]:
    """One sheet per participant of ``ids`` (a blank one when empty), as ``service``'s user hands them out."""
    with service.db.read() as conn:
        years = int(settings.read_all(conn)[settings.RETENTION_YEARS.key])
    today, preparer = service.today(), service.user.full_name
    if not ids:
        return [privacy_notice(profile, years, today, preparer)]
    out: list[Notice] = []
    for start in range(0, len(ids), PAGE):
        out += [privacy_notice(profile, years, today, preparer, p) for p in service.views(ids[start : start + PAGE])]
    return out


def notices_beside(cards_pdf: Path) -> Path:
    """Where the information sheets of a card run go: beside the cards' PDF."""
    return cards_pdf.with_name(f"{cards_pdf.stem}-informasi-data-pribadi.pdf")
