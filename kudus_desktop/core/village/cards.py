"""Participant cards: who gets one, what each card says, and the log of every card printed.

The text of a card is decided here, without Qt, so the window, the command line and the
tests print the same words; :mod:`kudus_desktop.render.cards` only paints it. Cards go to
enrolled participants only (:mod:`kudus_desktop.core.enrolment.standing`): none for an enrolment waiting
for the verifikator, rejected or ended. A card claims protection only once BPJS has assigned a
KPJ; before that it says plainly that the person is waiting for BPJS, and its signed QR carries
that status. Each print records the status printed, so cards whose status has since changed are
listed to print again or to take back. Saving cards as PDF counts as printing them (the file
goes to a printer sooner or later), so both are logged, and a card printed before needs a reason.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from enum import StrEnum

import segno
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from sqlalchemy import Integer, exists, func, select

from kudus_desktop.core.enrolment.participants import PAGE, ParticipantService
from kudus_desktop.core.enrolment.standing import Standing, enrolled_now, standings
from kudus_desktop.core.errors import CancelledError, KudusError
from kudus_desktop.core.rules.dates import format_date_long, format_rupiah, now_iso
from kudus_desktop.core.rules.labels import code_label
from kudus_desktop.core.rules.nik import clean_number, mask_nik_last4
from kudus_desktop.core.rules.progress import CancelCheck, Progress, never_cancelled
from kudus_desktop.core.rules.records import OfficeProfile, OpChanges, ParticipantView
from kudus_desktop.core.storage.audit import write_audit
from kudus_desktop.core.storage.db import Database
from kudus_desktop.core.storage.signing import CARD_STATUSES, CardPayload, office_key, sign_payload
from kudus_desktop.core.storage.tables import card_print_table, nocase, participant_table

PROGRAMME_TITLE = "JAMINAN SOSIAL KETENAGAKERJAAN"
PROGRAMME_SUBTITLE = "PEKERJA RENTAN DESA"
#: JKM on a death not caused by work: Rp20,000,000 + Rp12,000,000 + Rp10,000,000 (domain facts).
JKM_DEATH_BENEFIT = 42_000_000
BPJS_CONTACT_CENTRE = "175"


#: segno's search over all eight masks costs about 9 ms a code (9 s for 1,000 cards); every
#: mask is valid and decodes the same, so one fixed mask keeps a run of cards fast.
QR_MASK = 2


@dataclass(frozen=True, slots=True)
class QrMatrix:
    """A QR code as runs of dark modules, ready to paint as a few hundred rectangles."""

    size: int  # modules per side, without the quiet zone
    runs: tuple[tuple[int, int, int], ...]  # (row, first column, length)


def qr_matrix(text: str) -> QrMatrix:
    """Encode ``text`` at error-correction level M (15% of the code may be smudged)."""
    qr = segno.make(text, error="m", micro=False, mask=QR_MASK)
    runs: list[tuple[int, int, int]] = []
    for r, row in enumerate(qr.matrix):
        c, n = 0, len(row)
        while c < n:
            if row[c]:
                start = c
                while c < n and row[c]:
                    c += 1
                runs.append((r, start, c - start))
            else:
                c += 1
    return QrMatrix(len(qr.matrix), tuple(runs))


class CardScope(StrEnum):
    SELECTED = "selected"
    UNPRINTED = "unprinted"
    ALL = "all"
    CHANGED = "changed"  # printed before with a status that has since changed: print again


@dataclass(frozen=True, slots=True)
class Card:
    """The front of one participant's card, as text ready to paint."""

    participant_id: int
    full_name: str
    nik_masked: str
    number_label: str  # "No. KPJ" once BPJS has assigned one, else "No. Registrasi"
    number: str
    category: str
    programmes: str
    status_label: str  # "Terlindungi sejak" once BPJS registered the person, else "Status"
    status_text: str  # the date, or that the person is waiting for BPJS and not yet protected
    qr_text: str
    qr: QrMatrix
    standing: Standing = Standing.REGISTERED


@dataclass(frozen=True, slots=True)
class CardSheetText:
    """What every card of a run shares: the header of the front and the whole back."""

    title: str
    subtitle: str
    village: str
    back_sections: tuple[tuple[str, tuple[str, ...]], ...]
    contact: str


@dataclass(frozen=True, slots=True)
class CardBatch:
    cards: tuple[Card, ...]
    shared: CardSheetText
    issue_date: date
    reprints: tuple[int, ...]  # participants whose card was printed before


@dataclass(frozen=True, slots=True)
class PrintRecord:
    at: str
    username: str
    issue_date: str
    reason: str
    standing: str = ""  # what the card said; '' for cards printed before it was recorded


class CardAction(StrEnum):
    REPRINT = "cetak_ulang"  # the card understates or misstates the status: print a new one
    RECALL = "tarik"  # the person is no longer enrolled: take the card back


@dataclass(frozen=True, slots=True)
class StaleCard:
    """A card in someone's hands that no longer says what is so."""

    participant_id: int
    reg_no: str
    full_name: str
    rt: str
    rw: str
    printed_at: str
    printed: str  # the standing printed ('' for a card that claimed protection, before statuses)
    now: Standing
    reason: str  # why the person is no longer enrolled, when that is the case
    action: CardAction


#: Cards printed before statuses were recorded all said "Terlindungi sejak".
LEGACY_CARD = Standing.REGISTERED
AWAITING_TEXT = "MENUNGGU PENDAFTARAN BPJS - belum terlindungi"


def sheet_text(profile: OfficeProfile) -> CardSheetText:
    village = f"Desa {profile.region_name}" if profile.region_name else "Kabupaten Kudus"
    where = f"{village}, Kec. {profile.kecamatan_name}, Kab. Kudus" if profile.kecamatan_name else village
    phone = f" · Telp. {profile.office_phone}" if profile.office_phone else ""
    return CardSheetText(
        title=PROGRAMME_TITLE,
        subtitle=f"{PROGRAMME_SUBTITLE} {profile.region_name.upper()}".strip(),
        village=where,
        back_sections=(
            (
                "MANFAAT PERLINDUNGAN",
                (
                    f"Jaminan Kematian (JKM): santunan {format_rupiah(JKM_DEATH_BENEFIT)} untuk ahli waris bila "
                    "peserta meninggal dunia bukan karena kecelakaan kerja.",
                    "Jaminan Kecelakaan Kerja (JKK): perawatan medis sesuai kebutuhan medis tanpa batas biaya; "
                    "santunan selama tidak mampu bekerja (hingga 12 bulan), santunan cacat, dan bila meninggal "
                    "karena kecelakaan kerja 48 x penghasilan yang dilaporkan ditambah santunan dan biaya pemakaman.",
                ),
            ),
            (
                "BILA TERJADI KECELAKAAN KERJA ATAU KEMATIAN",
                (
                    "Segera laporkan ke kantor desa dan ke BPJS Ketenagakerjaan, dalam batas waktu yang ditetapkan "
                    "BPJS. Bawa kartu ini dan KTP/KK.",
                    f"Layanan BPJS Ketenagakerjaan: {BPJS_CONTACT_CENTRE}. Cek kepesertaan dengan NIK di aplikasi JMO.",
                ),
            ),
        ),
        contact=f"Kantor {village}{phone}",
    )


class CardService:
    """Choosing participants for cards, preparing the cards, and the print log."""

    def __init__(self, db: Database, service: ParticipantService, profile: OfficeProfile) -> None:
        self.db = db
        self.service = service
        self.profile = profile

    def ids_for(self, scope: CardScope, selected: Sequence[int] = ()) -> list[int]:
        """Active, approved participants in scope, ordered by RW, RT and name so cards come out per
        neighbourhood."""
        if scope == CardScope.CHANGED:
            return [c.participant_id for c in self.stale_cards() if c.action == CardAction.REPRINT]
        pc = participant_table.c
        stmt = select(pc.id).where(enrolled_now())
        if scope == CardScope.SELECTED:
            stmt = stmt.where(pc.id.in_(list(selected)))
        elif scope == CardScope.UNPRINTED:
            stmt = stmt.where(~exists().where(card_print_table.c.participant_id == pc.id))
        stmt = stmt.order_by(pc.rw, pc.rt, nocase(pc.full_name), pc.id)
        with self.db.read() as conn:
            return list(conn.execute(stmt).scalars())

    def ids_for_niks(self, niks: Sequence[str]) -> list[int]:
        """The participants with these NIKs; an unknown or ended one is named in the error."""
        ids: list[int] = []
        for raw in niks:
            person = self.service.find_by_nik(clean_number(raw))
            if person is None:
                raise KudusError("card_nik_unknown", nik=raw)
            with self.db.read() as conn:
                info = standings(conn, [person.id])[person.id]
            if info.standing == Standing.ENDED:
                raise KudusError("card_participant_ended", name=person.full_name)
            if info.standing in (Standing.WAITING, Standing.SENT_BACK):
                raise KudusError("card_not_approved", name=person.full_name)
            if info.standing == Standing.REJECTED:
                raise KudusError("card_rejected", name=person.full_name, reason=info.reason or "-")
            ids.append(person.id)
        return ids

    def printed_before(self, ids: Sequence[int]) -> set[int]:
        c = card_print_table.c
        found: set[int] = set()
        with self.db.read() as conn:
            for start in range(0, len(ids), PAGE):
                chunk = list(ids[start : start + PAGE])
                found.update(conn.execute(select(c.participant_id).where(c.participant_id.in_(chunk))).scalars())
        return found

    def approved(self, ids: Sequence[int]) -> set[int]:
        """Those of ``ids`` who are enrolled now (approved, not rejected, not ended)."""
        found: set[int] = set()
        with self.db.read() as conn:
            for start in range(0, len(ids), PAGE):
                chunk = list(ids[start : start + PAGE])
                found.update(
                    conn.execute(
                        select(participant_table.c.id).where(participant_table.c.id.in_(chunk), enrolled_now())
                    ).scalars()
                )
        return found

    def scope_counts(self, scope: CardScope, selected: Sequence[int] = ()) -> tuple[int, int]:
        """(cards in scope, of which printed before), counted in SQL without listing the ids."""
        if scope == CardScope.CHANGED:
            n = len(self.ids_for(scope))
            return n, n
        pc = participant_table.c
        printed = exists().where(card_print_table.c.participant_id == pc.id)
        stmt = select(func.count(), func.coalesce(func.sum(printed.cast(Integer)), 0)).where(enrolled_now())
        if scope == CardScope.SELECTED:
            stmt = stmt.where(pc.id.in_(list(selected)))
        elif scope == CardScope.UNPRINTED:
            stmt = stmt.where(~printed)
        with self.db.read() as conn:
            total, again = conn.execute(stmt).one()
        return int(total), int(again)

    def unprinted_count(self) -> int:
        pc = participant_table.c
        stmt = select(func.count()).where(enrolled_now(), ~exists().where(card_print_table.c.participant_id == pc.id))
        with self.db.read() as conn:
            return int(conn.execute(stmt).scalar_one())

    def card(self, p: ParticipantView, issue_date: date, key: Ed25519PrivateKey) -> Card:
        registered = bool(p.kpj)
        status = CARD_STATUSES[0] if registered else CARD_STATUSES[1]
        qr_text = sign_payload(CardPayload(p.reg_no, p.kpj, p.desa_code, issue_date, status), key)
        return Card(
            participant_id=p.id,
            full_name=" ".join(p.full_name.split()),
            nik_masked=mask_nik_last4(p.nik),
            number_label="No. KPJ" if p.kpj else "No. Registrasi",
            number=p.kpj or p.reg_no,
            category=code_label("category", p.category),
            programmes="JKK + JKM",
            status_label="Terlindungi sejak" if registered else "Status",
            status_text=format_date_long(p.start_date) if registered else AWAITING_TEXT,
            qr_text=qr_text,
            qr=qr_matrix(qr_text),
            standing=Standing.REGISTERED if registered else Standing.AWAITING_BPJS,
        )

    def prepare(
        self,
        ids: Sequence[int],
        *,
        issue_date: date | None = None,
        progress: Progress | None = None,
        cancelled: CancelCheck = never_cancelled,
    ) -> CardBatch:
        """Every card's text and signed QR payload, in the order of ``ids``; anyone not enrolled
        (ended, rejected, not approved by the verifikator) is left out."""
        issued = issue_date or self.service.today()
        key = office_key(self.db)
        cards: list[Card] = []
        for start in range(0, len(ids), PAGE):
            if cancelled():
                raise CancelledError()
            chunk = ids[start : start + PAGE]
            ready = self.approved(chunk)
            for p in self.service.views(chunk):
                if p.id in ready:
                    cards.append(self.card(p, issued, key))
            if progress:
                progress(min(start + PAGE, len(ids)), len(ids))
        printed = self.printed_before([c.participant_id for c in cards])
        reprints = tuple(c.participant_id for c in cards if c.participant_id in printed)
        return CardBatch(tuple(cards), sheet_text(self.profile), issued, reprints)

    def record_print(self, batch: CardBatch, reason: str = "") -> OpChanges:
        """Log a run as printed, in one transaction; a run with reprints needs ``reason``."""
        reason = " ".join(reason.split())
        if batch.reprints and not reason:
            raise KudusError("card_reprint_reason", count=len(batch.reprints))
        again = set(batch.reprints)
        run = uuid.uuid4().hex
        stamp = now_iso()
        user = self.service.user.username
        rows: list[dict[str, object]] = [
            {
                "participant_id": c.participant_id,
                "batch": run,
                "at": stamp,
                "username": user,
                "issue_date": batch.issue_date.isoformat(),
                "reason": reason if c.participant_id in again else "",
                "standing": c.standing,
            }
            for c in batch.cards
        ]
        with self.db.begin() as conn:
            if rows:
                conn.execute(card_print_table.insert(), rows)
            detail = f"{len(rows)} kartu"
            if batch.reprints:
                detail += f", {len(batch.reprints)} cetak ulang: {reason}"
            write_audit(conn, user, "cards_printed", detail)
        return OpChanges(participants=True, participant_ids=tuple(c.participant_id for c in batch.cards))

    def print_log(self, participant_id: int) -> list[PrintRecord]:
        c = card_print_table.c
        stmt = (
            select(c.at, c.username, c.issue_date, c.reason, c.standing)
            .where(c.participant_id == participant_id)
            .order_by(c.id.desc())
        )
        with self.db.read() as conn:
            return [PrintRecord(*row) for row in conn.execute(stmt).all()]

    def stale_cards(self) -> list[StaleCard]:
        """Everyone whose last card says something no longer so: a card that claims protection
        for someone waiting for BPJS, a waiting card for someone now registered (print again), or
        any card for someone rejected or ended (take it back). Ordered by RW, RT and name."""
        c = card_print_table.c
        pc = participant_table.c
        last = select(c.participant_id, func.max(c.id).label("last_id")).group_by(c.participant_id).subquery()
        stmt = (
            select(pc.id, pc.reg_no, pc.full_name, pc.rt, pc.rw, c.at, c.standing)
            .select_from(
                last.join(card_print_table, c.id == last.c.last_id).join(participant_table, pc.id == c.participant_id)
            )
            .order_by(pc.rw, pc.rt, nocase(pc.full_name), pc.id)
        )
        out: list[StaleCard] = []
        with self.db.read() as conn:
            rows = conn.execute(stmt).all()
            now = standings(conn, [r.id for r in rows])
        for r in rows:
            info = now.get(r.id)
            if info is None:
                continue
            printed = Standing(r.standing) if r.standing in set(Standing) else LEGACY_CARD
            if info.standing == printed:
                continue
            action = CardAction.REPRINT if info.is_enrolled else CardAction.RECALL
            out.append(
                StaleCard(r.id, r.reg_no, r.full_name, r.rt or "", r.rw or "", r.at, r.standing or "", info.standing,
                          info.reason, action)
            )  # fmt: skip
        return out
