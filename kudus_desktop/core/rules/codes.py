"""Stable codes stored in the database and carried in sync packages.

The codes never change once released; their wording lives in :mod:`labels`.
"""

from __future__ import annotations

from enum import StrEnum


class Mode(StrEnum):
    """Which kind of office an installation serves."""

    DESA = "desa"
    KABUPATEN = "kabupaten"


class Role(StrEnum):
    """Account roles; what each may do is in the ``can_*`` functions below. Every account may see
    full NIKs (each showing is written to the audit log); a command run without an account sees
    them masked."""

    ADMIN = "admin"
    OPERATOR = "operator"
    VERIFIKATOR = "verifikator"


class Sex(StrEnum):
    L = "L"
    P = "P"


class Category(StrEnum):
    """Why a person is enrolled by the village."""

    PEKERJA_RENTAN = "pekerja_rentan"
    RT_RW = "rt_rw"
    LINMAS = "linmas"
    BPD = "bpd"
    PERANGKAT_LEMBAGA = "perangkat_lembaga"
    BURUH_TANI = "buruh_tani"
    LAINNYA = "lainnya"


class Funding(StrEnum):
    """Who pays the premium."""

    PADES = "pades"
    BAGI_HASIL = "bagi_hasil"
    APBD = "apbd"
    LAINNYA = "lainnya"


class Status(StrEnum):
    AKTIF = "aktif"
    BERHENTI = "berhenti"


class ExitReason(StrEnum):
    MENINGGAL = "meninggal"
    PINDAH = "pindah"
    MASA_JABATAN_BERAKHIR = "masa_jabatan_berakhir"
    MENGUNDURKAN_DIRI = "mengundurkan_diri"
    TIDAK_MEMENUHI_SYARAT = "tidak_memenuhi_syarat"


class HistoryAction(StrEnum):
    CREATE = "create"
    UPDATE = "update"
    END = "end"
    REACTIVATE = "reactivate"
    SYNC = "sync"  # a value set by the regency's receipt (KPJ number)
    BPJS = "bpjs"  # the regency recorded BPJS's answer (KPJ number or rejection)
    APPROVE = "approve"  # a verifikator approved the data as it stands
    DECLINE = "decline"  # a verifikator sent it back to the operator, with a reason


def can_edit_settings(role: str) -> bool:
    """Whether a role may change the office profile and rules."""
    return role == Role.ADMIN


def can_enrol(role: str) -> bool:
    """Whether a role may enrol, correct, end or import participants (the makers)."""
    return role in {Role.ADMIN, Role.OPERATOR}


def can_approve(role: str) -> bool:
    """Whether a role may approve or send back enrolments (never a change of one's own)."""
    return role in {Role.ADMIN, Role.VERIFIKATOR}


def can_decide_doubles(role: str) -> bool:
    """Whether a role may decide which of two enrolments stands (the regency's checkers)."""
    return role in {Role.ADMIN, Role.VERIFIKATOR}


#: Columns the BPJS registration list can carry, by key, in the order the settings list them
#: (``exporting.BPJS_COLUMNS`` gives each its header and value; a test keeps the two the same).
BPJS_COLUMN_KEYS = (
    "nik", "full_name", "birth_place", "birth_date", "sex", "kk", "address", "phone", "occupation", "wadah",
    "start_date", "desa_code", "reg_no", "kpj",
)  # fmt: skip
#: Fields a column of BPJS's answer can be mapped to, in the order the mapping editor shows them.
BPJS_RESULT_FIELDS = ("nik", "kpj", "status", "reason", "full_name")
