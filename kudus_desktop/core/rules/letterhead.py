"""The office's official paper: the letterhead (kop surat), the signature block and the decree a
printed list is an annex to, as Indonesian government documents write them (tata naskah dinas,
Permendagri 1/2023): the position in capitals, a.n./u.b. when another official signs on the
head's behalf, Plt./Plh./Pj. when someone acts as head, rank and NIP under a civil servant's name.

Pure rules: the office keeps the settings (Pengaturan), the printouts and spreadsheets use the
lines made here, so a list printed, saved as PDF or exported signs alike.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from enum import StrEnum
from typing import TYPE_CHECKING

from kudus_desktop.core.rules.dates import DateParseError, format_date_long, parse_date_text
from kudus_desktop.core.rules.regions import region
from kudus_desktop.core.rules.validation import Issue, collapse

if TYPE_CHECKING:
    from kudus_desktop.core.rules.records import OfficeProfile

REGENCY = "Kabupaten Kudus"
#: The regency's office that runs the scheme; its head signs the regency's reports.
DEFAULT_AGENCY = "Dinas Pemberdayaan Masyarakat dan Desa"
UNSIGNED_NAME = "(.............................)"
#: Bounds of what a line on paper can hold; longer text is refused, never cut.
TITLE_MAX = 80
TEXT_MAX = 160
ABOUT_MAX = 240


class SignBasis(StrEnum):
    """On whose authority the signer signs."""

    DIRECT = "langsung"  # the head signs
    AN = "an"  # a.n. (atas nama): the secretary, say, signs on the head's behalf
    UB = "ub"  # a.n. ... u.b. (untuk beliau): an official under the a.n. one signs
    PLT = "plt"  # Plt. (pelaksana tugas): acting while the post is vacant or its holder away long
    PLH = "plh"  # Plh. (pelaksana harian): standing in for a short absence
    PJ = "pj"  # Pj. (penjabat): appointed to hold the post (Pj. Kepala Desa)


#: The prefix a position takes for each acting basis.
ACTING = {SignBasis.PLT: "Plt.", SignBasis.PLH: "Plh.", SignBasis.PJ: "Pj."}


@dataclass(frozen=True, slots=True)
class OfficialPaper:
    """What Pengaturan holds for letterhead and signature; the head's name and title are the
    profile's own (``head_name``, ``head_title``)."""

    basis: str = SignBasis.DIRECT
    #: a.n. and u.b.: the position of the official signing for the head ("Sekretaris Desa").
    signer_title: str = ""
    #: u.b.: the position of the official under that one who actually signs.
    ub_title: str = ""
    rank: str = ""  # pangkat/golongan of a civil servant, e.g. "Pembina Tk. I (IV/b)"
    nip: str = ""  # 18 digits, stored without spaces
    agency: str = DEFAULT_AGENCY  # the regency's office, on its letterhead and under its head's title
    office_address: str = ""  # the letterhead's address line (street, postcode)
    decree_kind: str = ""  # "Keputusan Kepala Desa", "Peraturan Kepala Desa", ...
    decree_number: str = ""  # empty: lists are no annex
    decree_date: date | None = None
    decree_about: str = ""


@dataclass(frozen=True, slots=True)
class SignatureBlock:
    """The approving side of a signature: the lines above the space for the signature, the name,
    and the lines under it (rank, NIP)."""

    above: tuple[str, ...]
    name: str
    below: tuple[str, ...]


_NIP_DIGITS = re.compile(r"\d{18}")


def nip_problem(digits: str) -> str:
    """Why ``digits`` (spaces already taken out) is no NIP, or "" when it is one.

    A civil servant's NIP is 18 digits: birth date (YYYYMMDD), month of appointment (YYYYMM), sex
    (1 or 2) and a number. The dates are checked too, so a digit typed twice is caught."""
    if not _NIP_DIGITS.fullmatch(digits):
        return "nip_length"
    try:
        born = date(int(digits[:4]), int(digits[4:6]), int(digits[6:8]))
    except ValueError:
        return "nip_date"
    appointed_year, appointed_month = int(digits[8:12]), int(digits[12:14])
    if not 1 <= appointed_month <= 12 or not born.year + 15 <= appointed_year <= born.year + 70:
        return "nip_date"
    if digits[14] not in "12":
        return "nip_sex"
    return ""


def format_nip(digits: str) -> str:
    """``NIP. 19750812 200003 1 004``, grouped as the civil service prints it."""
    return f"NIP. {digits[:8]} {digits[8:14]} {digits[14]} {digits[15:]}"


def check_paper(fields: dict[str, str]) -> tuple[OfficialPaper, list[Issue]]:
    """Read Pengaturan's letterhead and signature fields, each checked; the paper and the issues."""
    issues: list[Issue] = []
    clean = {k: collapse(v) for k, v in fields.items()}

    def text(name: str, limit: int = TITLE_MAX) -> str:
        value = clean.get(name, "")
        if len(value) > limit:
            issues.append(Issue(name, "too_long", params={"max": limit}))
        return value

    basis = clean.get("basis", "") or SignBasis.DIRECT
    if basis not in SignBasis.__members__.values():
        issues.append(Issue("basis", "choice_invalid", params={"value": basis}))
        basis = SignBasis.DIRECT
    signer_title, ub_title = text("signer_title"), text("ub_title")
    if basis in (SignBasis.AN, SignBasis.UB) and not signer_title:
        issues.append(Issue("signer_title", "signer_title_required"))
    if basis == SignBasis.UB and not ub_title:
        issues.append(Issue("ub_title", "ub_title_required"))
    nip = clean.get("nip", "").replace(" ", "").removeprefix("NIP.").removeprefix("NIP")
    if nip and (problem := nip_problem(nip)):
        issues.append(Issue("nip", problem, params={"value": clean.get("nip", "")}))
        nip = ""  # never printed as it was typed
    decree_date: date | None = None
    if raw_date := clean.get("decree_date", ""):
        try:
            decree_date = parse_date_text(raw_date)
        except DateParseError as exc:
            issues.append(Issue("decree_date", exc.code, params={"text": raw_date}))
    paper = OfficialPaper(
        basis=basis,
        signer_title=signer_title,
        ub_title=ub_title,
        rank=text("rank"),
        nip=nip,
        agency=text("agency") or DEFAULT_AGENCY,
        office_address=text("office_address", TEXT_MAX),
        decree_kind=text("decree_kind"),
        decree_number=text("decree_number"),
        decree_date=decree_date,
        decree_about=text("decree_about", ABOUT_MAX),
    )
    if paper.decree_number:
        # An annex names its decree whole, or the list is no annex at all.
        for name, value in (
            ("decree_kind", paper.decree_kind),
            ("decree_date", raw_date),
            ("decree_about", paper.decree_about),
        ):
            if not value:
                issues.append(Issue(name, "decree_incomplete"))
    return paper, issues


def _office_phrase(profile: OfficeProfile) -> str:
    """The office a position belongs to: "Desa Jati Wetan", "Kelurahan Purwosari", or the regency."""
    if profile.mode == "kabupaten" or not profile.region_name:
        return REGENCY
    known = region(profile.region_code) if profile.region_code else None
    kind = "Kelurahan" if known is not None and known.level == "kelurahan" else "Desa"
    return f"{kind} {profile.region_name}"


def _with_place(title: str, place: str) -> str:
    """``title`` of ``place``, never saying a place twice: "Kepala Desa" of "Desa Jati Wetan" is
    "Kepala Desa Jati Wetan", and a title that names its place already stays as it is."""
    if place.lower() in title.lower():
        return title
    kind, _, name = place.partition(" ")
    if title.lower().endswith(f" {kind.lower()}"):
        return f"{title} {name}"
    return f"{title} {place}"


def head_position(profile: OfficeProfile) -> str:
    """The head's position as written in full: "Kepala Desa Jati Wetan", "Kepala Dinas
    Pemberdayaan Masyarakat dan Desa Kabupaten Kudus"."""
    title = collapse(profile.head_title)
    agency = profile.paper.agency
    if profile.mode == "kabupaten" and title.lower() == "kepala dinas":
        title = f"Kepala {agency}" if agency.lower().startswith("dinas ") else f"{title} {agency}"
    return _with_place(title, _office_phrase(profile))


def sign_place(profile: OfficeProfile) -> str:
    """Where a document is signed, before its date: the village's name, or Kudus for the regency."""
    return profile.region_name if profile.region_name and profile.mode != "kabupaten" else "Kudus"


def signature_block(profile: OfficeProfile) -> SignatureBlock:
    """The approving signature as the basis writes it; positions in capitals, the signing
    position ending in a comma, as official documents set it."""
    paper = profile.paper
    position = head_position(profile).upper()
    basis = SignBasis(paper.basis) if paper.basis in SignBasis.__members__.values() else SignBasis.DIRECT
    if basis == SignBasis.AN:
        above: tuple[str, ...] = (f"a.n. {position}", f"{paper.signer_title.upper()},")
    elif basis == SignBasis.UB:
        above = (f"a.n. {position}", paper.signer_title.upper(), "u.b.", f"{paper.ub_title.upper()},")
    elif basis in ACTING:
        above = (f"{ACTING[basis]} {position},",)
    else:
        above = (f"{position},",)
    below = tuple(line for line in (paper.rank, format_nip(paper.nip) if paper.nip else "") if line)
    return SignatureBlock(above, collapse(profile.head_name) or UNSIGNED_NAME, below)


def letterhead_lines(profile: OfficeProfile) -> tuple[tuple[str, int], ...]:
    """The letterhead's lines with their weight: 2 the office's own name (largest), 1 the
    governments above it, 0 the address line."""
    paper = profile.paper
    phone = f"Telepon {profile.office_phone}" if profile.office_phone else ""
    contact = "; ".join(part for part in (paper.office_address, phone) if part)
    lines = [("PEMERINTAH KABUPATEN KUDUS", 1)]
    if profile.mode == "kabupaten":
        lines.append((paper.agency.upper(), 2))
    else:
        if profile.kecamatan_name:
            lines.append((f"KECAMATAN {profile.kecamatan_name.upper()}", 1))
        lines.append((_office_phrase(profile).upper(), 2))
    if contact:
        lines.append((contact, 0))
    return tuple(lines)


def decree_annex(profile: OfficeProfile) -> tuple[tuple[str, str], ...]:
    """The annex block over a list that belongs to a decree: (label, value) pairs, or none."""
    paper = profile.paper
    if not (paper.decree_number and paper.decree_kind and paper.decree_date):
        return ()
    return (
        ("LAMPIRAN", _with_place(paper.decree_kind, _office_phrase(profile)).upper()),
        ("NOMOR", paper.decree_number.upper()),
        ("TANGGAL", format_date_long(paper.decree_date)),
        ("TENTANG", paper.decree_about.upper()),
    )
