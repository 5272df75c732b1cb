"""A village installation's side of the round trip: join a regency with its setup file, write a
package of every change since the last one, apply the regency's receipts, renew its keys.

A village keeps working after restoring any older backup: its counters (package numbers,
registration numbers, the change counter) only ever go up, raised from what the regency's
receipt says it holds; a registration number the regency finds taken is replaced; a record
the regency holds in a newer version than the restored one is sent again as it now stands.
"""

from __future__ import annotations

import contextlib
import json
import time
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, and_, func, literal, select, update

from kudus_desktop import __version__
from kudus_desktop.core.enrolment.approval import approved_only
from kudus_desktop.core.errors import CancelledError
from kudus_desktop.core.rules.codes import HistoryAction, Mode
from kudus_desktop.core.rules.dates import now_iso
from kudus_desktop.core.rules.progress import CancelCheck, Progress, never_cancelled
from kudus_desktop.core.rules.records import ChangesParticipants, ChangesSettings, UserView
from kudus_desktop.core.rules.regions import region
from kudus_desktop.core.rules.sync_state import RecordState, record_state
from kudus_desktop.core.storage import faults, settings
from kudus_desktop.core.storage.audit import write_audit
from kudus_desktop.core.storage.counters import reserve_counter
from kudus_desktop.core.storage.db import SCHEMA_VERSION, Database, upsert
from kudus_desktop.core.storage.signing import (
    Identity,
    device_fingerprint,
    device_id,
    forget_retired,
    identity,
    retired_identities,
    rotate_identity,
)
from kudus_desktop.core.storage.sync_rules import (
    HISTORY_COLUMNS,
    PAID_COLUMNS,
    PARTICIPANT_COLUMNS,
    PAYMENT_COLUMNS,
    RECEIPT_TABLES,
    RowError,
    check_records,
    plain_text,
)
from kudus_desktop.core.storage.syncfile import (
    MAX_INT,
    MAX_SEQ,
    Rotation,
    SyncError,
    b64decode_exact,
    open_payload,
    parse,
    rotation_message,
    seal,
    verify,
)
from kudus_desktop.core.storage.tables import (
    counter_table,
    history_table,
    participant_review_table,
    participant_sync_table,
    participant_table,
    premium_paid_table,
    premium_payment_table,
    sync_outbox_table,
)
from kudus_desktop.core.sync.common import (
    CHUNK,
    OUTBOX_DIR,
    SEQ_FILE,
    SetupFile,
    b64,
    counter,
    package_name,
    ranges_from_json,
    read_setup_file_bytes,
    read_sync_file,
    require_mode,
    seq_ranges,
    write_safely,
)
from kudus_desktop.core.sync.common import MAX_SETUP_FILE as _MAX_SETUP

P = participant_table.c
S = participant_sync_table.c
R = participant_review_table.c
O = sync_outbox_table.c  # noqa: E741 - the outbox's columns, as P is the participant's
#: An outbox file with no row this old was left by an export killed before its commit.
ORPHAN_AGE = 3600.0
#: Receipt reason codes the village acts on by itself.
REG_NO_TAKEN = "sync_reg_no_taken"


@dataclass(frozen=True, slots=True)
class PackageResult(ChangesParticipants):
    seq: int
    file_name: str
    outbox_path: Path
    copied_to: Path | None
    participants: int
    history: int
    full: bool


@dataclass(frozen=True, slots=True)
class ReceiptResult(ChangesParticipants):
    seq: int
    already_applied: bool
    records: int
    accepted: int
    rejected: int
    review: int
    kpj_assigned: int
    unknown: int
    missing: tuple[tuple[int, int], ...]
    full_resend: bool
    missing_count: int = 0
    resent: int = 0  # held at the regency in a newer version than here (an older backup restored): sent again
    renumbered: int = 0  # their registration number was taken at the regency: given a new one
    superseded: tuple[int, ...] = ()  # package numbers the regency holds with other contents
    payments_rejected: int = 0


@dataclass(frozen=True, slots=True)
class OutboxEntry:
    seq: int
    created_at: str
    username: str
    file_name: str
    participants: int
    full: bool
    acknowledged_at: str | None
    uploaded_at: str | None = None
    superseded_at: str | None = None


@dataclass(frozen=True, slots=True)
class RegencyDevice:
    """A device of this village as the regency's last receipt listed it."""

    device_id: str
    fingerprint: str
    state: str  # current, retired, revoked


@dataclass(frozen=True, slots=True)
class VillageStatus:
    joined: bool
    regency: str
    regency_name: str
    regency_fingerprint: str
    server: str
    device_id: str
    fingerprint: str
    unsent: int
    last_seq: int
    receipt_seq: int
    missing: tuple[tuple[int, int], ...]
    full_resend: bool
    packages: tuple[OutboxEntry, ...]
    unsent_payments: int = 0  # premium payments recorded or voided since the last package
    awaiting_approval: int = 0  # participants waiting for (or sent back by) a verifikator: not sent yet
    missing_count: int = 0
    rotation_from: str = ""  # keys renewed: the fingerprint of the previous device, until the regency takes the new
    version_unreported: bool = False  # no package has told the regency the version running here yet

    @property
    def has_changes(self) -> bool:
        return bool(self.unsent or self.unsent_payments or self.version_unreported)


@dataclass(frozen=True, slots=True)
class RotationResult(ChangesSettings):
    old_device: str
    old_fingerprint: str
    new_device: str
    new_fingerprint: str


def _legacy_floor(data_dir: Path) -> int:
    """The number in ``sync-seq.txt`` left by an earlier version (0 when none)."""
    try:
        text = (data_dir / SEQ_FILE).read_text(encoding="ascii").strip()
    except (OSError, UnicodeDecodeError):
        return 0
    return int(text) if text.isdigit() and len(text) <= 10 and int(text) <= MAX_SEQ else 0


def _payment_rows(conn: Connection, from_rev: int) -> tuple[list[list[Any]], list[list[Any]]]:
    """The village's payments changed after ``from_rev`` and the months their live ones paid."""
    pay = premium_payment_table.c
    paid = premium_paid_table.c
    payments = [
        list(r)
        for r in conn.execute(
            select(*(getattr(pay, c) for c in PAYMENT_COLUMNS)).where(pay.rev > from_rev).order_by(pay.rev)
        )
    ]
    items = [
        list(r)
        for r in conn.execute(
            select(pay.uid, P.uid, paid.month, paid.amount)
            .select_from(
                premium_paid_table.join(premium_payment_table, pay.id == paid.payment_id).join(
                    participant_table, P.id == paid.participant_id
                )
            )
            .where(pay.rev > from_rev)
            .order_by(pay.id, P.id, paid.month)
        )
    ]
    return payments, items


class VillageSync:
    """A village installation's side of the round trip. One short transaction per call."""

    def __init__(self, db: Database, user: UserView) -> None:
        self.db = db
        self.user = user

    @property
    def outbox_dir(self) -> Path:
        return self.db.data_dir / OUTBOX_DIR

    # -- joining -----------------------------------------------------------------------------

    def read_setup(self, path: Path) -> SetupFile:
        """A setup file checked against this village, without joining yet (to show its fingerprint)."""
        setup = read_setup_file_bytes(read_sync_file(path, _MAX_SETUP), path.name)
        with self.db.read() as conn:
            values = require_mode(conn, Mode.DESA)
        own = values[settings.REGION_CODE.key]
        if setup.desa != own:
            reg = region(own)
            raise SyncError(
                "sync_setup_other_desa", name=path.name, code=setup.desa, desa_name=setup.desa_name,
                own=f"{reg.name if reg else own} ({own})",
            )  # fmt: skip
        return setup

    def join(self, path: Path) -> SetupFile:
        """Adopt the regency's keys and server address from its setup file."""
        setup = self.read_setup(path)
        with self.db.begin() as conn:
            settings.write(
                conn,
                {
                    settings.SYNC_REGENCY: setup.regency,
                    settings.SYNC_REGENCY_NAME: setup.regency_name,
                    settings.SYNC_REGENCY_SIGN: b64(setup.regency_sign),
                    settings.SYNC_REGENCY_BOX: b64(setup.regency_box),
                    settings.SYNC_SERVER: setup.server,
                },
            )
            detail = f"{setup.regency_name}, sidik jari {setup.fingerprint}"
            write_audit(conn, self.user.username, "sync_joined", detail)
        return setup

    @staticmethod
    def _regency(values: dict[str, str]) -> tuple[str, bytes, bytes]:
        sign = b64decode_exact(values[settings.SYNC_REGENCY_SIGN.key], 32)
        box = b64decode_exact(values[settings.SYNC_REGENCY_BOX.key], 32)
        if sign is None or box is None:
            raise SyncError("sync_not_joined")
        return values[settings.SYNC_REGENCY.key], sign, box

    # -- status ------------------------------------------------------------------------------

    def status(self) -> VillageStatus:
        me = identity(self.db)
        with self.db.read() as conn:
            values = require_mode(conn, Mode.DESA)
            last_to = conn.execute(
                select(func.coalesce(func.max(O.to_rev), 0)).where(O.superseded_at.is_(None))
            ).scalar_one()
            unsent = conn.execute(
                select(func.count()).select_from(participant_table).where(P.rev > last_to, approved_only())
            ).scalar_one()
            awaiting = conn.execute(select(func.count()).select_from(participant_review_table)).scalar_one()
            unsent_payments = conn.execute(
                select(func.count()).select_from(premium_payment_table).where(premium_payment_table.c.rev > last_to)
            ).scalar_one()
            outbox = conn.execute(select(sync_outbox_table).order_by(O.seq.desc())).all()
            last_seq = max(counter(conn, "sync_seq"), _legacy_floor(self.db.data_dir))
        try:
            regency_fp = device_fingerprint(*self._regency(values)[1:])
            joined = True
        except SyncError:
            regency_fp, joined = "", False
        stored = _json(values[settings.SYNC_MISSING.key])
        missing = ranges_from_json(stored)
        if missing is None:  # written before version 10 as the numbers themselves
            listed = stored if type(stored) is list else []
            missing = seq_ranges(n for n in listed[:100_000] if type(n) is int and 1 <= n <= MAX_SEQ)
        rotation = _json(values[settings.SYNC_ROTATION.key])
        return VillageStatus(
            joined=joined,
            regency=values[settings.SYNC_REGENCY.key],
            regency_name=values[settings.SYNC_REGENCY_NAME.key],
            regency_fingerprint=regency_fp,
            server=values[settings.SYNC_SERVER.key],
            device_id=me.device_id,
            fingerprint=me.fingerprint,
            unsent=int(unsent),
            unsent_payments=int(unsent_payments),
            awaiting_approval=int(awaiting),
            last_seq=last_seq,
            receipt_seq=int(values[settings.SYNC_RECEIPT_SEQ.key]),
            missing=tuple(missing),
            missing_count=sum(b - a + 1 for a, b in missing),
            full_resend=values[settings.SYNC_FULL_REQUESTED.key] == "1",
            rotation_from=str(rotation.get("old_fingerprint", "")) if isinstance(rotation, dict) else "",
            version_unreported=values[settings.SYNC_REPORTED_VERSION.key] != __version__,
            packages=tuple(
                OutboxEntry(
                    r.seq,
                    r.created_at,
                    r.username,
                    r.file_name,
                    r.participants,
                    bool(r.full),
                    r.acknowledged_at,
                    r.uploaded_at,
                    r.superseded_at,
                )
                for r in outbox
            ),
        )

    # -- packages ----------------------------------------------------------------------------

    def _rotation(self, values: dict[str, str]) -> Rotation | None:
        raw = _json(values[settings.SYNC_ROTATION.key])
        if not isinstance(raw, dict):
            return None
        old_sign = b64decode_exact(raw.get("old_sign"), 32)
        signature = b64decode_exact(raw.get("signature"), 64)
        old_device = raw.get("old_device")
        if old_sign is None or signature is None or not isinstance(old_device, str):
            return None
        return Rotation(old_device, old_sign, signature)

    def export_package(
        self,
        target_dir: Path | None = None,
        *,
        full: bool = False,
        progress: Progress | None = None,
        cancelled: CancelCheck = never_cancelled,
    ) -> PackageResult:
        """Write the next package (every change since the last one, or everything) to the
        outbox in the data directory, then copy it safely to ``target_dir`` if given.

        The package number is taken in the same transaction that records the package: an
        export that fails or is killed leaves no number used and nothing for the regency to
        miss. Raises ``sync_no_changes`` when there is nothing new to send and the regency already
        knows the version running here (otherwise an empty package tells it).
        """
        me = identity(self.db)
        h = history_table.c
        outbox_path: Path | None = None
        try:
            with self.db.begin() as conn:
                values = require_mode(conn, Mode.DESA)
                regency, _, regency_box = self._regency(values)
                desa = values[settings.REGION_CODE.key]
                full = full or values[settings.SYNC_FULL_REQUESTED.key] == "1"
                last_to = int(
                    conn.execute(
                        select(func.coalesce(func.max(O.to_rev), 0)).where(O.superseded_at.is_(None))
                    ).scalar_one()
                )
                from_rev = 0 if full else last_to
                to_rev = counter(conn, "change")
                cols = [getattr(P, c) for c in PARTICIPANT_COLUMNS]
                # Only approved data leaves the office; what waits for a verifikator stays for a later package.
                ready = and_(P.rev > from_rev, approved_only())
                rows = [list(r) for r in conn.execute(select(*cols).where(ready).order_by(P.rev))]
                payments, paid = _payment_rows(conn, from_rev)
                floor = _legacy_floor(self.db.data_dir)
                if not rows and not payments:
                    waiting = conn.execute(select(func.count()).select_from(participant_review_table)).scalar_one()
                    if waiting:
                        raise SyncError("sync_only_unapproved", count=waiting)
                    if values[settings.SYNC_REPORTED_VERSION.key] == __version__:
                        raise SyncError("sync_no_changes", seq=max(counter(conn, "sync_seq"), floor))
                if progress:
                    progress(1, 4)
                # A participant's history since the regency last got it: a change held back for approval
                # is older than this package's from_rev but not yet at the regency.
                since = literal(0) if full else func.coalesce(S.sent_rev, 0)
                history = [
                    list(r)
                    for r in conn.execute(
                        select(P.uid, h.at, h.username, h.action, h.changes, h.rev)
                        .join(participant_table, P.id == h.participant_id)
                        .outerjoin(participant_sync_table, S.participant_id == P.id)
                        .where(ready, h.rev > since)
                        .order_by(h.id)
                    )
                ]
                if cancelled():
                    raise CancelledError()
                seq = max(counter(conn, "sync_seq"), floor) + 1
                if seq > MAX_SEQ:
                    raise SyncError("sync_seq_exhausted", seq=seq)
                conn.execute(update(counter_table).where(counter_table.c.name == "sync_seq").values(value=seq))
                payload = {
                    "from_rev": from_rev,
                    "to_rev": to_rev,
                    "full": full,
                    "participants": {"columns": list(PARTICIPANT_COLUMNS), "rows": rows},
                    "history": {"columns": list(HISTORY_COLUMNS), "rows": history},
                    "payments": {"columns": list(PAYMENT_COLUMNS), "rows": payments},
                    "paid": {"columns": list(PAID_COLUMNS), "rows": paid},
                }
                data = seal(
                    "package", regency=regency, desa=desa, seq=seq, created=now_iso(), schema=SCHEMA_VERSION,
                    payload=payload, sender=me, recipient_box=regency_box, rotation=self._rotation(values),
                    app=__version__,
                )  # fmt: skip
                if progress:
                    progress(2, 4)
                name = package_name(desa, me.device_id, seq)

                def check(back: bytes) -> None:
                    verify(parse(back, name, "package"), me.sign_public)

                outbox_path = write_safely(self.outbox_dir / name, data, check)
                digest = parse(data, name, "package").digest
                conn.execute(
                    sync_outbox_table.insert().values(
                        seq=seq, created_at=now_iso(), username=self.user.username, file_name=name, digest=digest,
                        from_rev=from_rev, to_rev=to_rev, participants=len(rows), full=int(full),
                    )
                )  # fmt: skip
                ids = dict(conn.execute(select(P.uid, P.id).where(ready)).all())
                sent = [(ids[r[0]], seq, r[-1]) for r in rows]
                if sent:
                    stmt = upsert(conn, participant_sync_table)
                    conn.execute(
                        stmt.on_conflict_do_update(
                            index_elements=["participant_id"],
                            set_={"sent_seq": stmt.excluded.sent_seq, "sent_rev": stmt.excluded.sent_rev},
                        ),
                        [{"participant_id": pid, "sent_seq": s, "sent_rev": rev} for pid, s, rev in sent],
                    )
                settings.write(conn, {settings.SYNC_FULL_REQUESTED: "0", settings.SYNC_REPORTED_VERSION: __version__})
                write_audit(
                    conn, self.user.username, "sync_package",
                    f"paket {seq}: {len(rows)} peserta, {len(payments)} pembayaran{' (lengkap)' if full else ''}",
                )  # fmt: skip
                faults.point("package.recorded")  # file in the outbox, package recorded, not committed
        except BaseException:
            # The transaction did not commit, so its number is free again: the file must go too.
            if outbox_path is not None:
                with contextlib.suppress(OSError):
                    outbox_path.unlink(missing_ok=True)
            raise
        # Committed: the database counter holds the number from now on.
        with contextlib.suppress(OSError):
            (self.db.data_dir / SEQ_FILE).unlink(missing_ok=True)
        self._clean_outbox()
        if progress:
            progress(3, 4)
        copied = self.copy_package(name, target_dir) if target_dir is not None else None
        if progress:
            progress(4, 4)
        return PackageResult(seq, name, outbox_path, copied, len(rows), len(history), full)

    def _clean_outbox(self) -> None:
        """Remove what killed exports left in the outbox: temporary files and package files
        whose transaction never committed (older than an hour, so a concurrent export's file
        between its write and its commit is left alone)."""
        with self.db.read() as conn:
            known = set(conn.execute(select(O.file_name)).scalars())
        limit = time.time() - ORPHAN_AGE
        try:
            entries = list(self.outbox_dir.iterdir())
        except OSError:
            return
        for entry in entries:
            stale = entry.name.startswith("~") or (entry.name.startswith("KDP_") and entry.name not in known)
            with contextlib.suppress(OSError):
                if stale and entry.is_file() and entry.stat().st_mtime < limit:
                    entry.unlink()

    def copy_package(self, file_name: str, target_dir: Path) -> Path:
        """Copy a package from the outbox to removable media, safely, and check the copy."""
        me = identity(self.db)
        signers = [me.sign_public, *(r.sign_public for r in retired_identities(self.db))]
        source = self.outbox_dir / file_name
        data = read_sync_file(source)

        def check(back: bytes) -> None:
            file = parse(back, file_name, "package")
            key = next((k for k in signers if device_id(k) == file.header.device), me.sign_public)
            verify(file, key)

        return write_safely(target_dir / file_name, data, check, crash_point="package.stick_copy")

    # -- keys ----------------------------------------------------------------------------------

    def rotate_keys(self) -> RotationResult:
        """Make new keys for this device. Until a receipt for the new device comes back, every
        package carries a statement signed by the registered device's key that vouches for the
        new keys, so the regency registers them without a new fingerprint check; a revoked
        device's word counts for nothing there, and the new device is confirmed by telephone."""
        with self.db.read() as conn:
            values = require_mode(conn, Mode.DESA)
        desa = values[settings.REGION_CODE.key]
        pending = _json(values[settings.SYNC_ROTATION.key])
        old, new = rotate_identity(self.db)
        voucher: Identity = old
        if isinstance(pending, dict):  # renewed again before the regency took the last renewal
            earlier = next((r for r in retired_identities(self.db) if r.device_id == pending.get("old_device")), None)
            voucher = earlier or old
        statement = {
            "old_device": voucher.device_id,
            "old_sign": b64(voucher.sign_public),
            "old_fingerprint": voucher.fingerprint,
            "signature": b64(
                voucher.sign.sign(rotation_message(desa, voucher.device_id, new.sign_public, new.box_public))
            ),
        }
        with self.db.begin() as conn:
            # The first package of the new keys carries everything: what the old keys sent may have
            # been refused (a revoked device) without this office hearing of it.
            settings.write(conn, {settings.SYNC_ROTATION: json.dumps(statement), settings.SYNC_FULL_REQUESTED: "1"})
            write_audit(
                conn, self.user.username, "sync_keys_rotated",
                f"perangkat {old.device_id} (sidik jari {old.fingerprint}) diganti {new.device_id} "
                f"(sidik jari {new.fingerprint})",
            )  # fmt: skip
        return RotationResult(old.device_id, old.fingerprint, new.device_id, new.fingerprint)

    # -- receipts ------------------------------------------------------------------------------

    def import_receipt(self, path: Path) -> ReceiptResult:
        """Apply the regency's receipt: statuses, reasons and KPJ numbers. Applying the same
        receipt twice changes nothing; an older one than the last applied is refused."""
        return self.import_receipt_data(read_sync_file(path), path.name)

    def import_receipt_data(self, data: bytes, name: str) -> ReceiptResult:
        """:meth:`import_receipt` for bytes that came another way (the sync server).

        Checked in order: the container; that it comes from this village's regency, for this
        desa and one of this installation's keys; its signature; then every member of the payload.
        """
        file = parse(data, name, "receipt")
        with self.db.read() as conn:
            values = require_mode(conn, Mode.DESA)
        regency, regency_sign, _ = self._regency(values)
        h = file.header
        if h.sender_sign != regency_sign or h.regency != regency or h.device != device_id(regency_sign):
            raise SyncError("sync_receipt_foreign", name=name)
        own = values[settings.REGION_CODE.key]
        if h.desa != own:
            raise SyncError("sync_receipt_other_desa", name=name, desa=h.desa)
        me = identity(self.db)
        keys = [me, *retired_identities(self.db)]
        addressed = next((k for k in keys if k.box_public == h.recipient), None)
        if addressed is None:
            raise SyncError("sync_wrong_recipient", name=name)
        verify(file, regency_sign)
        payload = open_payload(file, addressed.box, RECEIPT_TABLES)
        facts = _receipt_facts(payload.meta, h.format, addressed.device_id, name)
        try:
            records = check_records(payload.rows("records"))
        except RowError as exc:
            raise SyncError("sync_payload_invalid", name=name, detail=f"records: {exc.field}") from None
        codes = _record_codes(payload, name)
        numbers = _numbers(payload, name)
        payments_rejected = sum(1 for r in payload.rows("payment_records") if len(r) > 2 and r[2] == "rejected")
        counts = dict.fromkeys(("accepted", "rejected", "review"), 0)
        kpj_assigned = unknown = resent = renumbered = 0
        stamp = now_iso()
        digest = file.digest
        superseded: list[int] = []
        with self.db.begin() as conn:
            current = settings.read_all(conn)
            applied = int(current[settings.SYNC_RECEIPT_SEQ.key])
            if h.seq < applied:
                raise SyncError("sync_receipt_old", name=name, seq=h.seq, applied=applied)
            if h.seq == applied:
                seen = current[settings.SYNC_RECEIPT_DIGEST.key]
                if seen and seen != digest:
                    raise SyncError("sync_receipt_conflict", name=name, seq=h.seq)
                return ReceiptResult(
                    h.seq, True, len(records), 0, 0, 0, 0, 0, facts.missing, facts.full_resend, facts.missing_count
                )
            local = {r.uid: r for r in conn.execute(select(P.id, P.uid, P.kpj, P.rev, P.reg_no)).all()}
            outcome_rows = []
            restamp: list[int] = []
            retake: list[Any] = []
            highest_rev = 0
            # A registration number the regency holds for another record of this desa was handed
            # out here twice (an older backup restored): this record gets a new one before it travels.
            retake.extend(r for r in local.values() if numbers.get(r.reg_no, r.uid) != r.uid)
            for uid, rev, outcome, reason, kpj in records:
                highest_rev = max(highest_rev, rev)
                row = local.get(uid)
                if row is None:
                    unknown += 1
                    continue
                counts[outcome] += 1
                if rev > row.rev:
                    restamp.append(row.id)
                outcome_rows.append(
                    {"participant_id": row.id, "outcome": outcome, "reason": reason, "outcome_rev": rev,
                     "outcome_at": stamp}
                )  # fmt: skip
                if outcome == "rejected" and codes.get(uid) == REG_NO_TAKEN and rev == row.rev and row not in retake:
                    retake.append(row)
                if kpj and kpj != row.kpj:
                    conn.execute(update(participant_table).where(P.id == row.id).values(kpj=kpj))
                    self._history(conn, row.id, stamp, [["kpj", row.kpj, kpj]], row.rev)
                    kpj_assigned += 1
            if outcome_rows:
                stmt = upsert(conn, participant_sync_table)
                conn.execute(
                    stmt.on_conflict_do_update(
                        index_elements=["participant_id"],
                        set_={c: stmt.excluded[c] for c in ("outcome", "reason", "outcome_rev", "outcome_at")},
                    ),
                    outcome_rows,
                )
            # Counters only go up: what the regency holds was numbered by this office already.
            _raise_counter(conn, "sync_seq", facts.last_seq)
            _raise_counter(conn, "reg_no", facts.last_reg_no)
            _raise_counter(conn, "change", highest_rev)
            renumbered = self._renumber(conn, retake, stamp)
            resent = self._restamp(conn, [pid for pid in restamp if pid not in {r.id for r in retake}])
            superseded = self._acknowledge(conn, facts, stamp)
            writes = {
                settings.SYNC_RECEIPT_SEQ: str(h.seq),
                settings.SYNC_RECEIPT_DIGEST: digest,
                settings.SYNC_MISSING: json.dumps([list(r) for r in facts.missing]),
                settings.SYNC_FULL_REQUESTED: "1" if facts.full_resend or superseded else "0",
                settings.SYNC_REGENCY_TIME: max(current[settings.SYNC_REGENCY_TIME.key], h.created),
            }
            if addressed.device_id == me.device_id and current[settings.SYNC_ROTATION.key]:
                writes[settings.SYNC_ROTATION] = ""  # the regency addresses the new keys now
            settings.write(conn, writes)
            write_audit(
                conn, self.user.username, "sync_receipt",
                f"tanda terima {h.seq}: {counts['accepted']} diterima, {counts['rejected']} ditolak, "
                f"{counts['review']} ditinjau, {kpj_assigned} KPJ"
                + (f", {resent} dikirim ulang" if resent else "") + (f", {renumbered} nomor baru" if renumbered else "")
                + (f", paket {', '.join(map(str, superseded))} diganti" if superseded else ""),
            )  # fmt: skip
        if addressed.device_id == me.device_id:
            forget_retired(self.db)
        return ReceiptResult(
            h.seq, False, len(records), counts["accepted"], counts["rejected"], counts["review"], kpj_assigned,
            unknown, facts.missing, facts.full_resend or bool(superseded), facts.missing_count, resent, renumbered,
            tuple(superseded), payments_rejected,
        )  # fmt: skip

    def _history(self, conn: Connection, pid: int, stamp: str, changes: list[list[Any]], rev: int) -> None:
        conn.execute(
            history_table.insert().values(
                participant_id=pid, at=stamp, username=self.user.username, action=HistoryAction.SYNC,
                changes=json.dumps(changes, ensure_ascii=False), rev=rev,
            )
        )  # fmt: skip

    def _restamp(self, conn: Connection, ids: list[int]) -> int:
        """Give records the regency holds in a newer version a new change number above it, so the
        next package sends them as they stand here (after a restore, this office's data wins)."""
        if not ids:
            return 0
        first = reserve_counter(conn, "change", len(ids))
        for n, pid in enumerate(ids):
            conn.execute(update(participant_table).where(P.id == pid).values(rev=first + n))
        return len(ids)

    def _renumber(self, conn: Connection, rows: list[Any], stamp: str) -> int:
        """A new registration number for each record whose number the regency found taken by
        another enrolment of this desa (numbers reused after a restore)."""
        if not rows:
            return 0
        reg = region(settings.read_all(conn)[settings.REGION_CODE.key])
        prefix = reg.digits if reg else rows[0].reg_no.split("-", 1)[0]
        held = set(conn.execute(select(P.reg_no)).scalars())
        first_rev = reserve_counter(conn, "change", len(rows))
        for n, row in enumerate(rows):
            while True:
                number = f"{prefix}-{reserve_counter(conn, 'reg_no', 1):05d}"
                if number not in held:
                    break
            held.add(number)
            conn.execute(update(participant_table).where(P.id == row.id).values(reg_no=number, rev=first_rev + n))
            self._history(conn, row.id, stamp, [["reg_no", row.reg_no, number]], first_rev + n)
        # A refusal of the number is no rejection of the person: they are enrolled as before, and
        # the regency's answer to the renumbered record comes with the next receipt.
        ids = [row.id for row in rows]
        conn.execute(
            update(participant_sync_table)
            .where(participant_sync_table.c.participant_id.in_(ids), participant_sync_table.c.outcome == "rejected")
            .values(outcome=None, reason="", outcome_rev=None, outcome_at=None)
        )
        return len(rows)

    def _acknowledge(self, conn: Connection, facts: _ReceiptFacts, stamp: str) -> list[int]:
        """Mark the packages the regency has; one it holds with other bytes (the same number was
        used again after a restore) is superseded, and everything is sent again."""
        waiting = conn.execute(
            select(O.seq, O.digest).where(O.acknowledged_at.is_(None), O.superseded_at.is_(None))
        ).all()
        have = [(seq, digest) for seq, digest in waiting if any(a <= seq <= b for a, b in facts.received)]
        other = [seq for seq, digest in have if seq in facts.digests and facts.digests[seq] != digest]
        same = [seq for seq, _ in have if seq not in other]
        for part in (same[i : i + CHUNK] for i in range(0, len(same), CHUNK)):
            conn.execute(update(sync_outbox_table).where(O.seq.in_(part)).values(acknowledged_at=stamp))
        if other:
            conn.execute(update(sync_outbox_table).where(O.seq.in_(other)).values(superseded_at=stamp))
        return other

    def mark_superseded(self, seq: int, regency_last: int) -> None:
        """The regency refused package ``seq`` because it holds other bytes under that number
        (the sync server says so): raise the counter past what it holds and send everything."""
        with self.db.begin() as conn:
            conn.execute(update(sync_outbox_table).where(O.seq == seq).values(superseded_at=now_iso()))
            _raise_counter(conn, "sync_seq", min(max(regency_last, seq), MAX_SEQ))
            settings.write(conn, {settings.SYNC_FULL_REQUESTED: "1"})
            write_audit(conn, self.user.username, "sync_package_superseded", f"paket {seq}")

    def record_states(self, ids: Iterable[int]) -> dict[int, RecordState]:
        """Each participant's sync state: not sent, sent in package N, accepted, rejected, in review."""
        ids = list(ids)
        out: dict[int, RecordState] = {}
        for start in range(0, len(ids), CHUNK):
            part = ids[start : start + CHUNK]
            with self.db.read() as conn:
                rows = conn.execute(
                    select(P.id, P.rev, S.sent_seq, S.sent_rev, S.outcome, S.reason, S.outcome_rev,
                           R.state.label("review"), R.reason.label("review_reason"))
                    .select_from(
                        participant_table.outerjoin(participant_sync_table, S.participant_id == P.id)
                        .outerjoin(participant_review_table, R.participant_id == P.id)
                    )
                    .where(P.id.in_(part))
                ).all()  # fmt: skip
            for r in rows:
                out[r.id] = record_state(
                    r.rev, r.sent_seq, r.sent_rev, r.outcome, r.reason, r.outcome_rev, r.review, r.review_reason
                )
        return out


def _raise_counter(conn: Connection, name: str, value: int) -> None:
    c = counter_table.c
    conn.execute(update(counter_table).where(c.name == name, c.value < value).values(value=value))


def _json(text: str) -> Any:
    try:
        return json.loads(text) if text else None
    except ValueError:
        return None


@dataclass(frozen=True, slots=True)
class _ReceiptFacts:
    """What a receipt says about packages and numbers, each member checked."""

    received: tuple[tuple[int, int], ...]
    missing: tuple[tuple[int, int], ...]
    missing_count: int
    last_seq: int
    last_reg_no: int
    full_resend: bool
    digests: dict[int, str]


def _receipt_facts(meta: dict[str, Any], fmt: int, device: str, name: str) -> _ReceiptFacts:
    def bad(detail: str) -> SyncError:
        return SyncError("sync_payload_invalid", name=name, detail=detail)

    packages = meta.get("packages")
    if type(packages) is not dict:
        raise bad("packages")
    if packages.get("device") != device:
        raise SyncError("sync_receipt_other_device", name=name, device=str(packages.get("device"))[:16])
    last_seq = packages.get("last_seq", 0)
    if type(last_seq) is not int or not 0 <= last_seq <= MAX_SEQ:
        raise bad("packages.last_seq")
    full_resend = meta.get("full_resend", False)
    if type(full_resend) is not bool:
        raise bad("full_resend")
    digests: dict[int, str] = {}
    last_reg_no = 0
    if fmt >= 2:
        received = ranges_from_json(packages.get("received"))
        missing = ranges_from_json(packages.get("missing"))
        if received is None or missing is None:
            raise bad("packages.received/missing")
        raw_digests = packages.get("digests", [])
        if type(raw_digests) is not list or len(raw_digests) > 10_000:
            raise bad("packages.digests")
        for item in raw_digests:
            if (
                type(item) is not list or len(item) != 2 or type(item[0]) is not int
                or not plain_text(item[1], 64) or not 1 <= item[0] <= MAX_SEQ
            ):  # fmt: skip
                raise bad("packages.digests")
            digests[item[0]] = item[1]
        last_reg_no = meta.get("last_reg_no", 0)
        if type(last_reg_no) is not int or not 0 <= last_reg_no <= MAX_INT:
            raise bad("last_reg_no")
    else:
        listed = packages.get("received", [])
        holes = packages.get("missing", [])
        if (
            type(listed) is not list or type(holes) is not list or len(listed) > 100_000 or len(holes) > 100_000
            or not all(type(n) is int and 1 <= n <= MAX_SEQ for n in (*listed, *holes))
        ):  # fmt: skip
            raise bad("packages.received/missing")
        received = seq_ranges(listed)
        missing = seq_ranges(holes)
    if any(b > last_seq for _, b in received):
        raise bad("packages.last_seq")
    count = sum(b - a + 1 for a, b in missing)
    if fmt >= 2:
        declared = packages.get("missing_count", count)
        if declared != count:
            raise bad("packages.missing_count")
    return _ReceiptFacts(tuple(received), tuple(missing), count, last_seq, last_reg_no, full_resend, digests)


def _numbers(payload: Any, name: str) -> dict[str, str]:
    """reg_no -> uid of every registration number the regency holds for this desa."""
    out: dict[str, str] = {}
    for reg_no, uid in payload.rows("numbers"):
        if not plain_text(reg_no, 32) or type(uid) is not str:
            raise SyncError("sync_payload_invalid", name=name, detail="numbers")
        out[reg_no] = uid
    return out


def _record_codes(payload: Any, name: str) -> dict[str, str]:
    """uid -> reason code of the rejected records that carry one (format 2 receipts): the
    codes the village acts on by itself."""
    out: dict[str, str] = {}
    for uid, code in payload.rows("record_codes"):
        if type(uid) is not str or not plain_text(code, 64):
            raise SyncError("sync_payload_invalid", name=name, detail="record_codes")
        out[uid] = code
    return out
