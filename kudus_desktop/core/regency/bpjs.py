"""The regency's exchange with BPJS Ketenagakerjaan: registration lists out, results in.

The registration list uses the column layout of the village export (a setting, because
BPJS's template is not public) and marks every listed person as sent, with the date. BPJS's
answer is a spreadsheet of NIK, KPJ number, status and reason, read like a source list; a
KPJ number or a rejection is recorded on the enrolment it answers and reaches the village in
its next receipt. Answers about NIKs that were never sent are reported, never added.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, and_, func, or_, select

from kudus_desktop.core.enrolment.participants import ParticipantService
from kudus_desktop.core.errors import KudusError
from kudus_desktop.core.reports.exporting import export_bpjs_list
from kudus_desktop.core.rules.codes import BPJS_RESULT_FIELDS, HistoryAction, Mode, Status
from kudus_desktop.core.rules.dates import now_iso
from kudus_desktop.core.rules.labels import describe
from kudus_desktop.core.rules.nik import clean_number
from kudus_desktop.core.rules.records import ChangesParticipants, UserView
from kudus_desktop.core.storage import settings
from kudus_desktop.core.storage.audit import write_audit
from kudus_desktop.core.storage.db import Database, executemany
from kudus_desktop.core.storage.sync_rules import MAX_KPJ
from kudus_desktop.core.storage.tables import (
    bpjs_status_table,
    duplicate_case_table,
    participant_sync_table,
    participant_table,
)
from kudus_desktop.core.village.importing import cell_text, normalise_header, read_list, row_nik

P = participant_table.c
S = participant_sync_table.c
B = bpjs_status_table.c
CHUNK = 500
MIN_KPJ = 6  # shorter is a misread cell, not a card number

RESULT_SYNONYMS: dict[str, tuple[str, ...]] = {
    "nik": ("NIK", "NONIK", "NOMORNIK", "NIKKTP", "NOKTP", "NOMORINDUKKEPENDUDUKAN"),
    "kpj": ("KPJ", "NOKPJ", "NOMORKPJ", "NOPESERTA", "NOMORPESERTA", "NOKARTU", "NOMORKARTU", "NOMORKPJBARU"),
    "status": ("STATUS", "STATUSPENDAFTARAN", "HASIL", "HASILVERIFIKASI", "STATUSKEPESERTAAN", "STATUSDATA"),
    "reason": ("ALASAN", "KETERANGAN", "KET", "CATATAN", "ALASANPENOLAKAN", "PESAN", "KETERANGANPENOLAKAN"),
    "full_name": ("NAMA", "NAMALENGKAP", "NAMAPESERTA", "NAMATENAGAKERJA"),
}
#: Fields a column of BPJS's answer can be mapped to, in the order the mapping editor shows them.
RESULT_FIELDS = BPJS_RESULT_FIELDS
_REJECTED_WORDS = ("TOLAK", "GAGAL", "REJECT", "TIDAK", "INVALID", "BATAL", "DOBEL", "GANDA")
_REGISTERED_WORDS = ("TERDAFTAR", "BERHASIL", "SUKSES", "DITERIMA", "AKTIF", "VALID", "OK", "SUCCESS", "REGISTERED")


class BpjsError(KudusError):
    """A registration list or a result file the regency desk refuses."""


@dataclass(frozen=True, slots=True)
class BpjsExport(ChangesParticipants):
    path: Path
    count: int
    sent_on: str


@dataclass(frozen=True, slots=True)
class ResultRow:
    """One line of BPJS's answer and what it will do."""

    row: int
    nik: str  # as found in the cell
    kpj: str
    result: str  # 'registered', 'rejected' or '' when unreadable
    reason: str
    action: str  # 'kpj', 'rejected', 'unchanged', 'unknown', 'not_sent', 'invalid'
    problem: str = ""  # message code when action is 'invalid'
    params: Mapping[str, object] | None = None
    participant_ids: tuple[int, ...] = ()
    desa_codes: tuple[str, ...] = ()

    @property
    def problem_text(self) -> str:
        return describe(self.problem, dict(self.params or {})) if self.problem else ""


@dataclass(frozen=True, slots=True)
class ResultPreview:
    path: Path
    sheet: str
    header_row: int
    headers: tuple[str, ...]
    mapping: dict[str, int]
    rows: tuple[ResultRow, ...]

    def count(self, action: str) -> int:
        return sum(1 for r in self.rows if r.action == action)

    @property
    def warned(self) -> tuple[ResultRow, ...]:
        """Rows that will be applied but deserve a look (a KPJ of an unusual length)."""
        return tuple(r for r in self.rows if r.problem and r.action != "invalid")


@dataclass(frozen=True, slots=True)
class ResultApplied(ChangesParticipants):
    kpj: int
    rejected: int
    unchanged: int
    unknown: int
    not_sent: int
    invalid: int
    desa_codes: tuple[str, ...]  # villages whose next receipt carries something new


def parse_result(text: str) -> str:
    """'registered' or 'rejected' from how BPJS writes a status, or '' when it says neither."""
    key = normalise_header(text)
    if not key:
        return ""
    if any(w in key for w in _REJECTED_WORDS):
        return "rejected"
    if any(w in key for w in _REGISTERED_WORDS):
        return "registered"
    return ""


class BpjsService:
    """Registration lists to BPJS and BPJS's answers, at the regency, acting as ``user``."""

    def __init__(self, db: Database, user: UserView, *, today: Callable[[], date] = date.today) -> None:
        self.db = db
        self.user = user
        self.today = today

    def _require_regency(self, conn: Connection) -> None:
        if settings.read_all(conn)[settings.MODE.key] != Mode.KABUPATEN:
            raise BpjsError("regency_only")

    # -- registration list -----------------------------------------------------------------

    def pending_ids(self, *, desa: str = "", include_sent: bool = False) -> list[int]:
        """Participants to register: active, accepted (not in review, not rejected), without a
        KPJ number, not sent yet unless ``include_sent``; ``desa`` is a desa or kecamatan code."""
        stmt = (
            select(P.id)
            .select_from(
                participant_table.outerjoin(participant_sync_table, S.participant_id == P.id).outerjoin(
                    bpjs_status_table, B.participant_id == P.id
                )
            )
            .where(
                P.status == Status.AKTIF,
                or_(S.outcome.is_(None), S.outcome == "accepted"),
                or_(P.kpj.is_(None), P.kpj == ""),
            )
            .order_by(P.desa_code, P.full_name, P.id)
        )
        if desa:
            stmt = stmt.where(or_(P.desa_code == desa, P.desa_code.like(desa + ".%")))
        if not include_sent:
            stmt = stmt.where(B.sent_at.is_(None))
        with self.db.read() as conn:
            self._require_regency(conn)
            return [int(i) for i in conn.execute(stmt).scalars()]

    def export_list(
        self, path: Path, *, desa: str = "", include_sent: bool = False, columns: Sequence[str] | None = None
    ) -> BpjsExport:
        """Write the registration list and mark everyone on it as sent today."""
        ids = self.pending_ids(desa=desa, include_sent=include_sent)
        if not ids:
            raise BpjsError("bpjs_nothing_to_send", desa=desa or "semua desa")
        service = ParticipantService(self.db, self.user, today=self.today)
        export_bpjs_list(service, path, columns=columns, ids=ids, audit=False)
        day = self.today().isoformat()
        with self.db.begin() as conn:
            executemany(
                conn,
                "INSERT INTO bpjs_status (participant_id, sent_at, sent_by) VALUES (?, ?, ?) "
                "ON CONFLICT (participant_id) DO UPDATE SET sent_at = excluded.sent_at, sent_by = excluded.sent_by",
                [(i, day, self.user.username) for i in ids],
            )
            # The date each person went to BPJS stays in their history (Riwayat).
            note = json.dumps([["bpjs", "", f"Dikirim ke BPJS dalam {path.name}"]], ensure_ascii=False)
            stamp = now_iso()
            executemany(
                conn,
                "INSERT INTO participant_history (participant_id, at, username, action, changes, rev) "
                "SELECT id, ?, ?, ?, ?, rev FROM participant WHERE id = ?",
                [(stamp, self.user.username, HistoryAction.BPJS, note, i) for i in ids],
            )
            write_audit(conn, self.user.username, "bpjs_list_exported", f"{len(ids)} peserta ke {path.name}")
        return BpjsExport(path, len(ids), day)

    def sent_counts(self) -> dict[str, int]:
        """How many enrolments were sent, registered and rejected."""
        with self.db.read() as conn:
            row = conn.execute(
                select(
                    func.count().filter(B.sent_at.is_not(None)),
                    func.count().filter(B.result == "registered"),
                    func.count().filter(B.result == "rejected"),
                ).select_from(bpjs_status_table)
            ).one()
        return {"sent": int(row[0]), "registered": int(row[1]), "rejected": int(row[2])}

    # -- BPJS's answer ---------------------------------------------------------------------

    def preview_results(
        self, path: Path, *, sheet: str | None = None, mapping: Mapping[str, int] | None = None
    ) -> ResultPreview:
        """Read BPJS's answer and say, row by row, what applying it would do. Nothing is written."""
        with self.db.read() as conn:
            digits = int(settings.read_all(conn)[settings.KPJ_DIGITS.key])
        listing = read_list(path, RESULT_SYNONYMS, sheet=sheet, mapping=mapping)
        if "kpj" not in listing.mapping and "status" not in listing.mapping:
            raise BpjsError("bpjs_result_columns", path=path.name, sheet=listing.sheet)
        parsed: list[tuple[int, str, str, str, str, str | None, dict[str, object]]] = []
        for number, cells in listing.rows:
            nik, problem, params = row_nik(cells.get("nik"))
            kpj_cell = cells.get("kpj")
            kpj = clean_number(cell_text(kpj_cell))
            status_text = cell_text(cells.get("status"))
            result = parse_result(status_text) or ("registered" if kpj else "")
            reason = cell_text(cells.get("reason"))
            if problem is None:
                if not result:
                    problem, params = "bpjs_status_unknown", {"status": status_text or "(kosong)"}
                elif result == "registered" and not kpj:
                    problem, params = "bpjs_kpj_missing", {}
                elif result == "registered" and (
                    not kpj.isascii() or not kpj.isdigit() or not MIN_KPJ <= len(kpj) <= MAX_KPJ
                ):
                    problem, params = "bpjs_kpj_invalid", {"kpj": kpj[:40], "low": MIN_KPJ, "high": MAX_KPJ}
            parsed.append((number, nik, kpj, result, reason, problem, params))
        niks = sorted({p[1] for p in parsed if p[5] is None})
        held: dict[str, list[Any]] = {}
        with self.db.read() as conn:
            self._require_regency(conn)
            for start in range(0, len(niks), CHUNK):
                part = niks[start : start + CHUNK]
                for r in conn.execute(
                    select(P.id, P.nik, P.desa_code, P.kpj, B.sent_at, B.result, B.reason)
                    .select_from(participant_table.outerjoin(bpjs_status_table, B.participant_id == P.id))
                    .where(P.nik.in_(part))
                    .order_by(P.id)
                ):
                    held.setdefault(r.nik, []).append(r)
        rows = []
        seen: set[str] = set()
        for number, nik, kpj, result, reason, problem, params in parsed:
            if problem is None and nik in seen:
                problem, params = "list_nik_repeated", {}
            if problem is not None:
                rows.append(ResultRow(number, nik, kpj, result, reason, "invalid", problem, params))
                continue
            seen.add(nik)
            mine = held.get(nik, [])
            sent = [r for r in mine if r.sent_at is not None]
            if not mine or not sent:
                action = "unknown" if not mine else "not_sent"
                rows.append(ResultRow(number, nik, kpj, result, reason, action,
                                      desa_codes=tuple(r.desa_code for r in mine)))  # fmt: skip
                continue
            if result == "registered":
                same = all(r.kpj == kpj and r.result == "registered" for r in sent)
                action = "unchanged" if same else "kpj"
                if len(kpj) != digits:
                    # 11 digits is what BPJS's answers carry, not a published rule: kept, with a warning.
                    problem, params = "bpjs_kpj_length", {"kpj": kpj, "found": len(kpj), "digits": digits}
            else:
                same = all(r.result == "rejected" and r.reason == reason for r in sent)
                action = "unchanged" if same else "rejected"
            rows.append(
                ResultRow(number, nik, kpj, result, reason, action, problem or "", params,
                          participant_ids=tuple(r.id for r in sent), desa_codes=tuple(r.desa_code for r in sent))
            )  # fmt: skip
        return ResultPreview(path, listing.sheet, 0, listing.headers, dict(listing.mapping), tuple(rows))

    def apply_results(self, preview: ResultPreview) -> ResultApplied:
        """Record KPJ numbers and rejections in one transaction; the villages' next receipts carry them."""
        stamp = now_iso()
        registered = [r for r in preview.rows if r.action == "kpj"]
        rejected = [r for r in preview.rows if r.action == "rejected"]
        touched = sorted({d for r in (*registered, *rejected) for d in r.desa_codes})
        with self.db.begin() as conn:
            self._require_regency(conn)
            ids = [i for r in (*registered, *rejected) for i in r.participant_ids]
            before: dict[int, Any] = {}
            for start in range(0, len(ids), CHUNK):
                part = ids[start : start + CHUNK]
                for r in conn.execute(
                    select(P.id, P.kpj, P.rev, S.outcome, S.reason, B.result)
                    .select_from(
                        participant_table.outerjoin(participant_sync_table, S.participant_id == P.id).outerjoin(
                            bpjs_status_table, B.participant_id == P.id
                        )
                    )
                    .where(P.id.in_(part))
                ):
                    before[r.id] = r
            history = []
            status_rows = []
            kpj_rows = []
            outcome_rows = []
            for row in registered:
                for pid in row.participant_ids:
                    old = before[pid]
                    if old.kpj != row.kpj:
                        kpj_rows.append((row.kpj, pid))
                        change = json.dumps([["kpj", old.kpj, row.kpj]], ensure_ascii=False)
                        history.append((pid, stamp, self.user.username, HistoryAction.BPJS, change, old.rev))
                    status_rows.append(("registered", row.reason, stamp, pid))
                    if old.result == "rejected" and old.outcome == "rejected":
                        outcome_rows.append(("accepted", "", stamp, pid))
            for row in rejected:
                text = f"BPJS: {row.reason}" if row.reason else "BPJS"
                for pid in row.participant_ids:
                    old = before[pid]
                    status_rows.append(("rejected", row.reason, stamp, pid))
                    history.append((pid, stamp, self.user.username, HistoryAction.BPJS,
                                    json.dumps([["bpjs", "", text]], ensure_ascii=False), old.rev))  # fmt: skip
                    if old.outcome != "rejected" or old.result == "rejected":
                        outcome_rows.append(("rejected", text, stamp, pid))
            executemany(conn, "UPDATE participant SET kpj = ? WHERE id = ?", kpj_rows)
            executemany(
                conn,
                "UPDATE bpjs_status SET result = ?, reason = ?, result_at = ? WHERE participant_id = ?",
                status_rows,
            )
            executemany(
                conn,
                "UPDATE participant_sync SET outcome = ?, reason = ?, outcome_at = ?, outcome_rev = sent_rev "
                "WHERE participant_id = ?",
                outcome_rows,
            )
            executemany(
                conn,
                "INSERT INTO participant_history (participant_id, at, username, action, changes, rev) "
                "VALUES (?, ?, ?, ?, ?, ?)",
                history,
            )
            applied = ResultApplied(
                kpj=len(registered), rejected=len(rejected), unchanged=preview.count("unchanged"),
                unknown=preview.count("unknown"), not_sent=preview.count("not_sent"),
                invalid=preview.count("invalid"), desa_codes=tuple(touched),
            )  # fmt: skip
            write_audit(
                conn, self.user.username, "bpjs_results_imported",
                f"{preview.path.name}: {applied.kpj} KPJ, {applied.rejected} ditolak, {applied.unknown} tidak dikenal, "
                f"{applied.not_sent} belum pernah dikirim, {applied.invalid} baris salah",
            )  # fmt: skip
        return applied


def reconsider_after_correction(conn: Connection, ids: Sequence[int]) -> None:
    """A village sent a newer version of enrolments BPJS had rejected: they become
    candidates for the next registration list again, unless a double-enrolment decision
    rejected them."""
    C = duplicate_case_table.c  # noqa: N806 - table columns, as elsewhere
    ids = list(ids)
    for start in range(0, len(ids), CHUNK):
        part = ids[start : start + CHUNK]
        bpjs_rejected = {
            int(i)
            for i in conn.execute(
                select(B.participant_id).where(B.participant_id.in_(part), B.result == "rejected")
            ).scalars()
        }
        if not bpjs_rejected:
            continue
        lost = set()
        for first, second, decision in conn.execute(
            select(C.first_id, C.second_id, C.decision).where(
                C.status == "resolved",
                or_(
                    and_(C.decision == "keep_first", C.second_id.in_(bpjs_rejected)),
                    and_(C.decision == "keep_second", C.first_id.in_(bpjs_rejected)),
                ),
            )
        ):
            lost.add(second if decision == "keep_first" else first)
        again = sorted(bpjs_rejected - lost)
        executemany(
            conn,
            "UPDATE bpjs_status SET sent_at = NULL, result = NULL, reason = '', result_at = NULL "
            "WHERE participant_id = ?",
            [(i,) for i in again],
        )
        executemany(
            conn,
            "UPDATE participant_sync SET outcome = 'accepted', reason = '' WHERE participant_id = ? "
            "AND outcome = 'rejected'",
            [(i,) for i in again],
        )
