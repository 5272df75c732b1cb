"""Frozen records the services hand to the GUI and the command line."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from kudus_desktop.core.rules.letterhead import OfficialPaper


@dataclass(frozen=True, slots=True)
class UserView:
    id: int
    username: str
    full_name: str
    role: str


@dataclass(frozen=True, slots=True)
class AccountView:
    """An account as the admin's list shows it."""

    id: int
    username: str
    full_name: str
    role: str
    active: bool
    locked_until: str  # empty when not locked


@dataclass(frozen=True, slots=True)
class OfficeProfile:
    """Who this installation serves and who signs its printouts."""

    mode: str
    region_code: str
    region_name: str
    kecamatan_name: str
    head_name: str
    head_title: str
    office_phone: str
    max_age: int
    idle_lock_minutes: int = 10
    min_participants: int = 10
    kpj_digits: int = 11
    #: Letterhead, signature basis, rank and NIP, and the decree lists are annexed to.
    paper: OfficialPaper = field(default_factory=OfficialPaper)

    @property
    def initialised(self) -> bool:
        return bool(self.mode)


@dataclass(frozen=True, slots=True)
class ParticipantListRow:
    """What the participant table shows for one row."""

    id: int
    reg_no: str
    nik: str
    full_name: str
    category: str
    dusun: str
    rt: str
    rw: str
    status: str
    start_date: date
    kpj: str
    #: sync state as :func:`kudus_desktop.core.sync.record_state` names it, with its package and reason
    sync_state: str = ""
    sync_seq: int | None = None
    sync_reason: str = ""


@dataclass(frozen=True, slots=True)
class ParticipantView:
    """One participant in full, as the form and the history show it."""

    id: int
    uid: str
    reg_no: str
    desa_code: str
    nik: str
    kk: str
    full_name: str
    birth_place: str
    birth_date: date
    sex: str
    address: str
    dusun: str
    rt: str
    rw: str
    phone: str
    occupation: str
    category: str
    source_list: str
    source_date: date | None
    funding: str
    start_date: date
    status: str
    exit_reason: str
    exit_date: date | None
    kpj: str
    created_at: str
    updated_at: str
    rev: int
    term_end: date | None = None
    source_id: str = ""  # the row's ID in its source list (DTSEN/DTKS/P3KE)
    desil: int | None = None  # the family's welfare decile in DTSEN


@dataclass(frozen=True, slots=True)
class HistoryEntry:
    at: str
    username: str
    action: str
    changes: tuple[tuple[str, str, str], ...]  # (field, old, new) as stored text


@dataclass(frozen=True, slots=True)
class DashboardStats:
    today: date
    active_total: int
    ended_total: int
    active_by_category: dict[str, int] = field(default_factory=dict)
    new_this_month: int = 0
    ended_this_month: int = 0


@dataclass(frozen=True, slots=True)
class OpChanges:
    """What a mutating service changed, so each view can decide whether to reload."""

    participants: bool = False
    settings: bool = False
    participant_ids: tuple[int, ...] = ()


class ChangesParticipants:
    """The result of an act that changed participants (their rows, standing or sync state):
    its ``changes`` say so to every view, the same for every such result."""

    __slots__ = ()

    @property
    def changes(self) -> OpChanges:
        return OpChanges(participants=True)


class ChangesSettings:
    """The result of an act that changed the office's settings (its keys)."""

    __slots__ = ()

    @property
    def changes(self) -> OpChanges:
        return OpChanges(settings=True)
