"""The sync round trip: a village's packages to the regency, the regency's receipts back.

Village side (:class:`VillageSync`): join a regency with its setup file, write a package of
every change since the last one, apply the regency's receipts. Regency side
(:class:`RegencySync`): issue setup files, import packages from registered devices in any
order and any number of times, flag the same NIK in two villages, write receipts.

Packages carry state, not operations: each participant row as it is now, with the village's
``rev``; the regency keeps a row only when its ``rev`` is newer than the one it holds, so
packages may arrive in any order and a repeat changes nothing. History rows are keyed by
(participant, rev) for the same reason. The file format lives in
:mod:`kudus_desktop.core.syncfile` and ``docs/sync-format.md``.
"""

from __future__ import annotations

import base64
import binascii
import contextlib
import hashlib
import json
import os
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey
from sqlalchemy import Connection, and_, func, literal, select, update
from sqlalchemy.exc import IntegrityError

from kudus_desktop.core import settings
from kudus_desktop.core.audit import write_audit
from kudus_desktop.core.bpjs import reconsider_after_correction
from kudus_desktop.core.codes import HistoryAction, Mode, Status
from kudus_desktop.core.dates import now_iso
from kudus_desktop.core.db import SCHEMA_VERSION, Database, executemany, keep_statistics, upsert
from kudus_desktop.core.doubles import ScanResult, scan_cases
from kudus_desktop.core.errors import CancelledError
from kudus_desktop.core.jobs import CancelCheck, Progress, never_cancelled
from kudus_desktop.core.participants import reserve_counter
from kudus_desktop.core.regions import all_regions, region
from kudus_desktop.core.review import approved_only
from kudus_desktop.core.signing import Identity, device_fingerprint, device_id, identity
from kudus_desktop.core.sync_state import RecordState, record_state
from kudus_desktop.core.syncfile import (
    MAX_FILE,
    SyncError,
    canonical_json,
    open_payload,
    parse,
    seal,
    table_rows,
    verify,
)
from kudus_desktop.core.tables import (
    counter_table,
    duplicate_case_table,
    history_table,
    hub_pending_table,
    participant_review_table,
    participant_sync_table,
    participant_table,
    premium_paid_table,
    premium_payment_table,
    sync_device_table,
    sync_inbox_table,
    sync_outbox_table,
    sync_receipt_table,
)
from kudus_desktop.core.views import UserView

P = participant_table.c
S = participant_sync_table.c
R = participant_review_table.c

#: Participant columns a package carries, in this order (the regency's own id and rev stay local).
PARTICIPANT_COLUMNS = (
    "uid", "reg_no", "desa_code", "nik", "kk", "full_name", "birth_place", "birth_date", "sex", "address", "dusun",
    "rt", "rw", "phone", "occupation", "category", "source_list", "source_date", "funding", "start_date", "status",
    "exit_reason", "exit_date", "kpj", "created_at", "updated_at", "created_by", "updated_by", "rev",
)  # fmt: skip
HISTORY_COLUMNS = ("uid", "at", "username", "action", "changes", "rev")
RECORD_COLUMNS = ("uid", "rev", "outcome", "reason", "kpj")
#: Premium payments as they stand (voided ones too, so the regency drops their months) and the
#: participant-months each live payment paid; months are ``year * 12 + month - 1``.
PAYMENT_COLUMNS = (
    "uid", "paid_on", "amount", "reference", "note", "first_month", "last_month", "people", "created_at",
    "created_by", "voided_at", "voided_by", "void_reason", "rev",
)  # fmt: skip
PAID_COLUMNS = ("payment_uid", "participant_uid", "month", "amount")
OUTCOMES = ("accepted", "rejected", "review")
_REQUIRED: tuple[str, ...] = ("uid", "reg_no", "desa_code", "nik", "full_name", "birth_date", "sex", "category")
_REQUIRED += ("funding", "start_date", "status", "created_at", "updated_at", "created_by", "updated_by", "rev")
SETUP_KIND = "kudus-desktop-setup"
SETUP_FORMAT = 1
SEQ_FILE = "sync-seq.txt"  # the highest package number this data directory ever used
OUTBOX_DIR = Path("sync") / "outbox"
CHUNK = 500


def _b64(raw: bytes) -> str:
    return base64.b64encode(raw).decode("ascii")


def _unb64(text: str) -> bytes:
    return base64.b64decode(text, validate=True)


def package_name(desa_code: str, device: str, seq: int) -> str:
    """File name of a package: ASCII, no characters FAT32 forbids, sortable by number."""
    return f"KDP_{desa_code.replace('.', '')}_{device[:8]}_{seq:06d}.kdp"


def receipt_name(desa_code: str, seq: int) -> str:
    return f"KDR_{desa_code.replace('.', '')}_{seq:06d}.kdr"


def setup_name(desa_code: str) -> str:
    return f"KDS_{desa_code.replace('.', '')}.kdsetup"


def read_sync_file(path: Path) -> bytes:
    """A sync file's bytes; refuses what cannot be read or is absurdly large."""
    try:
        if path.stat().st_size > MAX_FILE:
            raise SyncError("sync_too_large", name=path.name, limit=MAX_FILE // (1024 * 1024))
        return path.read_bytes()
    except OSError as exc:
        raise SyncError("sync_read_failed", name=str(path), detail=exc.strerror or str(exc)) from None


def write_safely(target: Path, data: bytes, check: Callable[[bytes], None]) -> Path:
    """Write ``data`` to ``target`` so that a pulled stick or a power cut never leaves a file
    under the final name that is not complete: temporary name, flush and fsync, rename, fsync
    of the folder, then read back and ``check``. On failure nothing is left behind."""
    tmp = target.with_name(f"~{target.name}.tmp")
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        with open(tmp, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        tmp.replace(target)
        _fsync_dir(target.parent)
        back = target.read_bytes()
    except OSError as exc:
        with contextlib.suppress(OSError):
            tmp.unlink(missing_ok=True)
        raise SyncError("sync_write_failed", path=str(target), detail=exc.strerror or str(exc)) from None
    try:
        if back != data:
            raise SyncError("sync_verify_failed", path=str(target))
        check(back)
    except SyncError:
        with contextlib.suppress(OSError):
            target.unlink()
        raise SyncError("sync_verify_failed", path=str(target)) from None
    return target


def _fsync_dir(path: Path) -> None:
    # Makes the rename itself durable on POSIX; Windows has no directory handles to sync.
    if os.name != "posix":
        return
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _counter(conn: Connection, name: str) -> int:
    return int(conn.execute(select(counter_table.c.value).where(counter_table.c.name == name)).scalar_one())


def normalise_fingerprint(text: str) -> str:
    """What an operator typed, as a fingerprint: spaces and dashes ignored, upper case."""
    clean = "".join(ch for ch in text.upper() if ch.isalnum())
    return "-".join(clean[i : i + 4] for i in range(0, len(clean), 4))


# ----------------------------------------------------------------------------- setup file


@dataclass(frozen=True, slots=True)
class SetupFile:
    """What a regency hands a village: its keys, the village's code and the server address."""

    regency: str
    regency_name: str
    desa: str
    desa_name: str
    regency_sign: bytes
    regency_box: bytes
    server: str
    created: str

    @property
    def fingerprint(self) -> str:
        return device_fingerprint(self.regency_sign, self.regency_box)

    def body(self) -> dict[str, Any]:
        return {
            "kind": SETUP_KIND,
            "format": SETUP_FORMAT,
            "regency": self.regency,
            "regency_name": self.regency_name,
            "desa": self.desa,
            "desa_name": self.desa_name,
            "regency_sign": _b64(self.regency_sign),
            "regency_box": _b64(self.regency_box),
            "server": self.server,
            "created": self.created,
        }


def write_setup_file(setup: SetupFile, sender: Identity, path: Path) -> Path:
    body = setup.body()
    body["signature"] = _b64(sender.sign.sign(canonical_json(body)))
    text = json.dumps(body, ensure_ascii=False, indent=2, sort_keys=True) + "\n"

    def check(data: bytes) -> None:
        read_setup_file_bytes(data, path.name)

    return write_safely(path, text.encode("utf-8"), check)


def read_setup_file_bytes(data: bytes, name: str) -> SetupFile:
    """A setup file, checked: well formed and signed by the regency key it carries."""
    try:
        raw = json.loads(data.decode("utf-8"))
        if not isinstance(raw, dict) or raw.get("kind") != SETUP_KIND:
            raise ValueError
        if raw.get("format") != SETUP_FORMAT:
            raise SyncError("sync_setup_format", name=name, found=raw.get("format"))
        signature = _unb64(str(raw.pop("signature")))
        setup = SetupFile(
            regency=str(raw["regency"]),
            regency_name=str(raw["regency_name"]),
            desa=str(raw["desa"]),
            desa_name=str(raw["desa_name"]),
            regency_sign=_unb64(str(raw["regency_sign"])),
            regency_box=_unb64(str(raw["regency_box"])),
            server=str(raw["server"]),
            created=str(raw["created"]),
        )
        if len(setup.regency_sign) != 32 or len(setup.regency_box) != 32 or setup.body() != raw:
            raise ValueError
        Ed25519PublicKey.from_public_bytes(setup.regency_sign).verify(signature, canonical_json(raw))
    except (UnicodeDecodeError, ValueError, KeyError, TypeError, binascii.Error, InvalidSignature):
        raise SyncError("sync_setup_invalid", name=name) from None
    return setup


# ----------------------------------------------------------------------------- village side


@dataclass(frozen=True, slots=True)
class PackageResult:
    seq: int
    file_name: str
    outbox_path: Path
    copied_to: Path | None
    participants: int
    history: int
    full: bool


@dataclass(frozen=True, slots=True)
class ReceiptResult:
    seq: int
    already_applied: bool
    records: int
    accepted: int
    rejected: int
    review: int
    kpj_assigned: int
    unknown: int
    missing: tuple[int, ...]
    full_resend: bool


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
    missing: tuple[int, ...]
    full_resend: bool
    packages: tuple[OutboxEntry, ...]
    unsent_payments: int = 0  # premium payments recorded or voided since the last package
    awaiting_approval: int = 0  # participants waiting for (or sent back by) a verifikator: not sent yet

    @property
    def has_changes(self) -> bool:
        return bool(self.unsent or self.unsent_payments)


def _require_mode(conn: Connection, mode: str) -> dict[str, str]:
    values = settings.read_all(conn)
    if values[settings.MODE.key] != mode:
        raise SyncError("sync_wrong_mode", mode=mode)
    return values


class VillageSync:
    """A village installation's side of the round trip. One short transaction per call."""

    def __init__(self, db: Database, user: UserView) -> None:
        self.db = db
        self.user = user

    @property
    def outbox_dir(self) -> Path:
        return self.db.data_dir / OUTBOX_DIR

    def _seq_file(self) -> Path:
        return self.db.data_dir / SEQ_FILE

    def _seq_floor(self) -> int:
        """The highest number this data directory has used, kept outside the database so
        that restoring an older backup never makes the village reuse a package number."""
        try:
            return int(self._seq_file().read_text(encoding="ascii").strip() or 0)
        except (OSError, ValueError):
            return 0

    def _raise_seq_floor(self, seq: int) -> None:
        if seq > self._seq_floor():
            tmp = self._seq_file().with_suffix(".tmp")
            tmp.write_text(str(seq), encoding="ascii")
            tmp.replace(self._seq_file())

    def read_setup(self, path: Path) -> SetupFile:
        """A setup file checked against this village, without joining yet (to show its fingerprint)."""
        setup = read_setup_file_bytes(read_sync_file(path), path.name)
        with self.db.begin() as conn:
            values = _require_mode(conn, Mode.DESA)
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
                    settings.SYNC_REGENCY_SIGN: _b64(setup.regency_sign),
                    settings.SYNC_REGENCY_BOX: _b64(setup.regency_box),
                    settings.SYNC_SERVER: setup.server,
                },
            )
            detail = f"{setup.regency_name}, sidik jari {setup.fingerprint}"
            write_audit(conn, self.user.username, "sync_joined", detail)
        return setup

    @staticmethod
    def _regency(values: dict[str, str]) -> tuple[str, bytes, bytes]:
        sign, box = values[settings.SYNC_REGENCY_SIGN.key], values[settings.SYNC_REGENCY_BOX.key]
        if not sign or not box:
            raise SyncError("sync_not_joined")
        return values[settings.SYNC_REGENCY.key], _unb64(sign), _unb64(box)

    def status(self) -> VillageStatus:
        me = identity(self.db)
        o = sync_outbox_table.c
        with self.db.begin() as conn:
            values = _require_mode(conn, Mode.DESA)
            last_to = conn.execute(select(func.coalesce(func.max(o.to_rev), 0))).scalar_one()
            unsent = conn.execute(
                select(func.count()).select_from(participant_table).where(P.rev > last_to, approved_only())
            ).scalar_one()
            awaiting = conn.execute(select(func.count()).select_from(participant_review_table)).scalar_one()
            unsent_payments = conn.execute(
                select(func.count()).select_from(premium_payment_table).where(premium_payment_table.c.rev > last_to)
            ).scalar_one()
            outbox = conn.execute(select(sync_outbox_table).order_by(o.seq.desc())).all()
            last_seq = max(_counter(conn, "sync_seq"), self._seq_floor())
        sign, box = values[settings.SYNC_REGENCY_SIGN.key], values[settings.SYNC_REGENCY_BOX.key]
        joined = bool(sign and box)
        return VillageStatus(
            joined=joined,
            regency=values[settings.SYNC_REGENCY.key],
            regency_name=values[settings.SYNC_REGENCY_NAME.key],
            regency_fingerprint=device_fingerprint(_unb64(sign), _unb64(box)) if joined else "",
            server=values[settings.SYNC_SERVER.key],
            device_id=me.device_id,
            fingerprint=me.fingerprint,
            unsent=int(unsent),
            unsent_payments=int(unsent_payments),
            awaiting_approval=int(awaiting),
            last_seq=last_seq,
            receipt_seq=int(values[settings.SYNC_RECEIPT_SEQ.key]),
            missing=tuple(json.loads(values[settings.SYNC_MISSING.key])),
            full_resend=values[settings.SYNC_FULL_REQUESTED.key] == "1",
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
                )
                for r in outbox
            ),
        )

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

        Raises ``sync_no_changes`` when there is nothing new to send.
        """
        me = identity(self.db)
        o = sync_outbox_table.c
        h = history_table.c
        with self.db.begin() as conn:
            values = _require_mode(conn, Mode.DESA)
            regency, _, regency_box = self._regency(values)
            desa = values[settings.REGION_CODE.key]
            full = full or values[settings.SYNC_FULL_REQUESTED.key] == "1"
            last_to = int(conn.execute(select(func.coalesce(func.max(o.to_rev), 0))).scalar_one())
            from_rev = 0 if full else last_to
            to_rev = _counter(conn, "change")
            cols = [getattr(P, c) for c in PARTICIPANT_COLUMNS]
            # Only approved data leaves the office; what waits for a verifikator stays for a later package.
            ready = and_(P.rev > from_rev, approved_only())
            rows = [list(r) for r in conn.execute(select(*cols).where(ready).order_by(P.rev))]
            payments, paid = _payment_rows(conn, from_rev)
            if not rows and not payments:
                waiting = conn.execute(select(func.count()).select_from(participant_review_table)).scalar_one()
                if waiting:
                    raise SyncError("sync_only_unapproved", count=waiting)
                raise SyncError("sync_no_changes", seq=max(_counter(conn, "sync_seq"), self._seq_floor()))
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
            seq = max(_counter(conn, "sync_seq"), self._seq_floor()) + 1
            conn.execute(update(counter_table).where(counter_table.c.name == "sync_seq").values(value=seq))
            # Reserved outside the database first: whatever happens next, this number is used.
            self._raise_seq_floor(seq)
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
                "package",
                regency=regency,
                desa=desa,
                seq=seq,
                created=now_iso(),
                schema=SCHEMA_VERSION,
                payload=payload,
                sender=me,
                recipient_box=regency_box,
            )
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
            settings.write(conn, {settings.SYNC_FULL_REQUESTED: "0"})
            write_audit(
                conn, self.user.username, "sync_package",
                f"paket {seq}: {len(rows)} peserta, {len(payments)} pembayaran{' (lengkap)' if full else ''}",
            )  # fmt: skip
        if progress:
            progress(3, 4)
        copied = self.copy_package(name, target_dir) if target_dir is not None else None
        if progress:
            progress(4, 4)
        return PackageResult(seq, name, outbox_path, copied, len(rows), len(history), full)

    def copy_package(self, file_name: str, target_dir: Path) -> Path:
        """Copy a package from the outbox to removable media, safely, and check the copy."""
        me = identity(self.db)
        source = self.outbox_dir / file_name
        data = read_sync_file(source)

        def check(back: bytes) -> None:
            verify(parse(back, file_name, "package"), me.sign_public)

        return write_safely(target_dir / file_name, data, check)

    def import_receipt(self, path: Path) -> ReceiptResult:
        """Apply the regency's receipt: statuses, reasons and KPJ numbers. Applying the same
        receipt twice changes nothing; an older one than the last applied is refused."""
        return self.import_receipt_data(read_sync_file(path), path.name)

    def import_receipt_data(self, data: bytes, name: str) -> ReceiptResult:
        """:meth:`import_receipt` for bytes that came another way (the sync server)."""
        file = parse(data, name, "receipt")
        me = identity(self.db)
        with self.db.begin() as conn:
            values = _require_mode(conn, Mode.DESA)
        regency, regency_sign, _ = self._regency(values)
        h = file.header
        if h.sender_sign != regency_sign or h.regency != regency:
            raise SyncError("sync_receipt_foreign", name=name)
        verify(file, regency_sign)
        own = values[settings.REGION_CODE.key]
        if h.desa != own:
            raise SyncError("sync_receipt_other_desa", name=name, desa=h.desa)
        payload = open_payload(file, me.box)
        records = table_rows(payload, "records", RECORD_COLUMNS, name)
        packages = payload.get("packages")
        if not isinstance(packages, dict):
            raise SyncError("sync_payload_invalid", name=name, detail="packages")
        try:
            received = [int(x) for x in packages.get("received", [])]
            missing = tuple(int(x) for x in packages.get("missing", []))
            last_seen = int(packages.get("last_seq", 0))
        except (TypeError, ValueError):
            raise SyncError("sync_payload_invalid", name=name, detail="packages") from None
        for r in records:
            if r[2] not in OUTCOMES or not isinstance(r[1], int):
                raise SyncError("sync_payload_invalid", name=name, detail="records")
        full_resend = payload.get("full_resend") is True
        counts = dict.fromkeys(OUTCOMES, 0)
        kpj_assigned = unknown = 0
        stamp = now_iso()
        with self.db.begin() as conn:
            applied = int(settings.read_all(conn)[settings.SYNC_RECEIPT_SEQ.key])
            if h.seq < applied:
                raise SyncError("sync_receipt_old", name=name, seq=h.seq, applied=applied)
            if h.seq == applied:
                return ReceiptResult(h.seq, True, len(records), 0, 0, 0, 0, 0, missing, full_resend)
            local = {r.uid: r for r in conn.execute(select(P.id, P.uid, P.kpj, P.rev, P.full_name, P.reg_no)).all()}
            outcome_rows = []
            for uid, rev, outcome, reason, kpj in records:
                row = local.get(uid)
                if row is None:
                    unknown += 1
                    continue
                counts[outcome] += 1
                outcome_rows.append(
                    {"participant_id": row.id, "outcome": outcome, "reason": reason or "", "outcome_rev": rev,
                     "outcome_at": stamp}
                )  # fmt: skip
                if kpj and kpj != row.kpj:
                    conn.execute(update(participant_table).where(P.id == row.id).values(kpj=kpj))
                    conn.execute(
                        history_table.insert().values(
                            participant_id=row.id, at=stamp, username=self.user.username, action=HistoryAction.SYNC,
                            changes=json.dumps([["kpj", row.kpj, kpj]], ensure_ascii=False), rev=row.rev,
                        )
                    )  # fmt: skip
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
            seq_now = max(_counter(conn, "sync_seq"), last_seen)
            conn.execute(update(counter_table).where(counter_table.c.name == "sync_seq").values(value=seq_now))
            o = sync_outbox_table.c
            if received:
                conn.execute(
                    update(sync_outbox_table)
                    .where(o.seq.in_(received), o.acknowledged_at.is_(None))
                    .values(acknowledged_at=stamp)
                )
            settings.write(
                conn,
                {
                    settings.SYNC_RECEIPT_SEQ: str(h.seq),
                    settings.SYNC_MISSING: json.dumps(list(missing)),
                    settings.SYNC_FULL_REQUESTED: "1" if full_resend else "0",
                },
            )
            write_audit(
                conn, self.user.username, "sync_receipt",
                f"tanda terima {h.seq}: {counts['accepted']} diterima, {counts['rejected']} ditolak, "
                f"{counts['review']} ditinjau, {kpj_assigned} KPJ",
            )  # fmt: skip
        self._raise_seq_floor(last_seen)
        return ReceiptResult(
            h.seq, False, len(records), counts["accepted"], counts["rejected"], counts["review"], kpj_assigned,
            unknown, missing, full_resend,
        )  # fmt: skip

    def record_states(self, ids: Iterable[int]) -> dict[int, RecordState]:
        """Each participant's sync state: not sent, sent in package N, accepted, rejected, in review."""
        ids = list(ids)
        out: dict[int, RecordState] = {}
        for start in range(0, len(ids), CHUNK):
            part = ids[start : start + CHUNK]
            with self.db.begin() as conn:
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


# ----------------------------------------------------------------------------- regency side


@dataclass(frozen=True, slots=True)
class IngestResult:
    """What importing one package did."""

    name: str
    desa: str
    seq: int
    device: str
    already: bool = False
    registered: bool = False
    added: int = 0
    updated: int = 0
    unchanged: int = 0
    history: int = 0
    duplicates: int = 0
    payments: int = 0  # premium payments taken (new or changed)


@dataclass(frozen=True, slots=True)
class ImportFailure:
    name: str
    code: str
    message: str
    fingerprint: str = ""
    desa: str = ""


@dataclass(frozen=True, slots=True)
class VillageRow:
    code: str
    name: str
    kecamatan: str
    devices: int
    last_seq: int
    last_contact: str | None
    active: int
    missing: tuple[int, ...]
    packages: int


@dataclass(frozen=True, slots=True)
class DeviceRow:
    device_id: str
    desa_code: str
    fingerprint: str
    registered_at: str
    registered_by: str
    last_seq: int
    full_resend: bool


@dataclass(frozen=True, slots=True)
class PendingDevice:
    """An unregistered device found on a package: what the operator must confirm."""

    name: str
    desa: str
    device: str
    fingerprint: str


@dataclass
class BatchReport:
    done: list[IngestResult] = field(default_factory=list)
    failed: list[ImportFailure] = field(default_factory=list)
    scan: ScanResult | None = None  # the double-enrolment scan after the batch


def _missing(seqs: Iterable[int]) -> tuple[int, ...]:
    got = set(seqs)
    return tuple(n for n in range(1, max(got, default=0) + 1) if n not in got)


def package_files(paths: Iterable[Path]) -> list[Path]:
    """The package files named: files as given, folders searched (one level) for ``*.kdp``."""
    out: list[Path] = []
    for p in paths:
        if p.is_dir():
            out.extend(sorted(x for x in p.glob("*.kdp") if x.is_file() and not x.name.startswith("~")))
        else:
            out.append(p)
    return out


class RegencySync:
    """The regency installation's side of the round trip."""

    def __init__(self, db: Database, user: UserView) -> None:
        self.db = db
        self.user = user

    def _values(self) -> dict[str, str]:
        with self.db.begin() as conn:
            return _require_mode(conn, Mode.KABUPATEN)

    def make_setup_file(self, desa_code: str, out: Path, *, server: str | None = None) -> tuple[Path, SetupFile]:
        """The file that lets a village send packages here: this regency's public keys."""
        values = self._values()
        reg = region(desa_code)
        if reg is None or reg.level != "desa":
            raise SyncError("sync_desa_unknown", code=desa_code)
        me = identity(self.db)
        own = region(values[settings.REGION_CODE.key])
        setup = SetupFile(
            regency=values[settings.REGION_CODE.key],
            regency_name=own.name if own else values[settings.REGION_CODE.key],
            desa=reg.code,
            desa_name=reg.name,
            regency_sign=me.sign_public,
            regency_box=me.box_public,
            server=values[settings.SYNC_SERVER.key] if server is None else server,
            created=now_iso(),
        )
        target = out / setup_name(reg.code) if out.is_dir() else out
        path = write_setup_file(setup, me, target)
        with self.db.begin() as conn:
            write_audit(conn, self.user.username, "sync_setup_file", f"{reg.name} ({reg.code})")
        return path, setup

    def inspect(self, path: Path) -> PendingDevice | None:
        """The unregistered device that sent this package, or ``None`` when it is known
        (or the file is refused anyway: the import names the reason)."""
        try:
            file = parse(read_sync_file(path), path.name, "package")
        except SyncError:
            return None
        h = file.header
        with self.db.begin() as conn:
            known = conn.execute(
                select(sync_device_table.c.device_id).where(sync_device_table.c.device_id == h.device)
            ).first()
        if known is not None:
            return None
        return PendingDevice(path.name, h.desa, h.device, device_fingerprint(h.sender_sign, h.sender_box))

    def import_files(
        self,
        paths: Sequence[Path],
        *,
        confirm: Callable[[PendingDevice], str | None] | None = None,
        progress: Progress | None = None,
        cancelled: CancelCheck = never_cancelled,
    ) -> BatchReport:
        """Import packages one by one; a refused file is reported and the others go on.

        ``confirm`` is asked for the fingerprint the village read out when a package comes
        from an unregistered device; returning ``None`` leaves the package refused.
        """
        report = BatchReport()
        for i, path in enumerate(paths):
            if cancelled():
                break
            try:
                data = read_sync_file(path)
                typed: str | None = None
                if confirm is not None:
                    pending = self.inspect(path)
                    if pending is not None:
                        typed = confirm(pending)
                report.done.append(self.import_package(data, path.name, confirm_fingerprint=typed))
            except SyncError as exc:
                report.failed.append(
                    ImportFailure(path.name, exc.code, str(exc), str(exc.params.get("fingerprint", "")),
                                  str(exc.params.get("desa", "")))
                )  # fmt: skip
            if progress:
                progress(i + 1, len(paths))
        if any(not r.already for r in report.done):
            # Look-alikes under different NIKs span villages: one whole scan after the batch.
            with self.db.begin() as conn:
                report.scan = scan_cases(conn)
        return report

    def import_package(self, data: bytes, name: str, *, confirm_fingerprint: str | None = None) -> IngestResult:
        """Verify, open and apply one package in one transaction; a refusal changes nothing."""
        values = self._values()
        file = parse(data, name, "package")
        h = file.header
        if h.regency != values[settings.REGION_CODE.key]:
            raise SyncError("sync_foreign_regency", name=name, code=h.regency)
        me = identity(self.db)
        if h.recipient != me.box_public:
            raise SyncError("sync_wrong_recipient", name=name)
        if device_id(h.sender_sign) != h.device:
            raise SyncError("sync_header_invalid", name=name, detail="device")
        reg = region(h.desa)
        if reg is None or reg.level != "desa" or not h.desa.startswith(values[settings.REGION_CODE.key] + "."):
            raise SyncError("sync_header_invalid", name=name, detail="desa")
        d = sync_device_table.c
        with self.db.begin() as conn:
            device = conn.execute(select(sync_device_table).where(d.device_id == h.device)).first()
            seen = conn.execute(
                select(sync_inbox_table.c.digest).where(
                    sync_inbox_table.c.device_id == h.device, sync_inbox_table.c.seq == h.seq
                )
            ).scalar()
        fingerprint = device_fingerprint(h.sender_sign, h.sender_box)
        register = device is None
        if device is None:
            if confirm_fingerprint is None:
                raise SyncError("sync_unknown_device", name=name, desa=h.desa, fingerprint=fingerprint)
            if normalise_fingerprint(confirm_fingerprint) != fingerprint:
                raise SyncError(
                    "sync_fingerprint_mismatch", name=name, typed=normalise_fingerprint(confirm_fingerprint),
                    fingerprint=fingerprint,
                )  # fmt: skip
            sign_key = h.sender_sign
        else:
            if device.desa_code != h.desa:
                raise SyncError("sync_device_other_desa", name=name, desa=h.desa, registered=device.desa_code)
            sign_key = bytes(device.sign_key)
        verify(file, sign_key)
        if seen is not None:
            if seen != file.digest:
                raise SyncError("sync_seq_reused", name=name, seq=h.seq)
            return IngestResult(name, h.desa, h.seq, h.device, already=True)
        payload = open_payload(file, me.box)
        rows = table_rows(payload, "participants", PARTICIPANT_COLUMNS, name)
        history = table_rows(payload, "history", HISTORY_COLUMNS, name)
        # Packages from before premiums were kept carry no payments.
        payments = table_rows(payload, "payments", PAYMENT_COLUMNS, name) if "payments" in payload else []
        paid = table_rows(payload, "paid", PAID_COLUMNS, name) if "paid" in payload else []
        full = payload.get("full") is True
        _check_rows(rows, h.desa, name)
        try:
            with self.db.begin() as conn:
                if register:
                    conn.execute(
                        sync_device_table.insert().values(
                            device_id=h.device, desa_code=h.desa, sign_key=h.sender_sign, box_key=h.sender_box,
                            registered_at=now_iso(), registered_by=self.user.username,
                        )
                    )  # fmt: skip
                    write_audit(conn, self.user.username, "sync_device_registered", f"{h.desa}: {fingerprint}")
                conn.execute(
                    sync_inbox_table.insert().values(
                        device_id=h.device, desa_code=h.desa, seq=h.seq, digest=file.digest, created_at=h.created,
                        received_at=now_iso(), username=self.user.username, participants=len(rows), full=int(full),
                    )
                )  # fmt: skip
                result = _apply(conn, h.desa, h.seq, rows, history, name, h.device)
                taken, _skipped = _apply_payments(conn, h.desa, payments, paid, name)
                if full:
                    conn.execute(update(sync_device_table).where(d.device_id == h.device).values(full_resend=0))
                write_audit(
                    conn, self.user.username, "sync_package_imported",
                    f"{h.desa} paket {h.seq}: {result.added} baru, {result.updated} diubah, "
                    f"{result.duplicates} NIK ganda, {taken} pembayaran iuran",
                )  # fmt: skip
        except IntegrityError as exc:
            # Another importer took the same package meanwhile, or the rows break a rule.
            with self.db.begin() as conn:
                again = conn.execute(
                    select(sync_inbox_table.c.digest).where(
                        sync_inbox_table.c.device_id == h.device, sync_inbox_table.c.seq == h.seq
                    )
                ).scalar()
            if again == file.digest:
                return IngestResult(name, h.desa, h.seq, h.device, already=True)
            raise SyncError("sync_conflict", name=name, detail=str(exc.orig)) from None
        return IngestResult(
            name, h.desa, h.seq, h.device, registered=register, added=result.added, updated=result.updated,
            unchanged=result.unchanged, history=result.history, duplicates=result.duplicates, payments=taken,
        )  # fmt: skip

    def park(self, data: bytes, name: str) -> PendingDevice:
        """Keep a package from an unregistered device (sent over the network) until an operator
        confirms its fingerprint. Checked as far as it can be without that confirmation: ours,
        from a desa of this regency, signed by the key in its own header. Parking it again is harmless."""
        values = self._values()
        file = parse(data, name, "package")
        h = file.header
        if h.regency != values[settings.REGION_CODE.key]:
            raise SyncError("sync_foreign_regency", name=name, code=h.regency)
        if h.recipient != identity(self.db).box_public:
            raise SyncError("sync_wrong_recipient", name=name)
        reg = region(h.desa)
        if device_id(h.sender_sign) != h.device or reg is None or reg.level != "desa":
            raise SyncError("sync_header_invalid", name=name, detail="device/desa")
        verify(file, h.sender_sign)
        fingerprint = device_fingerprint(h.sender_sign, h.sender_box)
        with self.db.begin() as conn:
            conn.execute(
                upsert(conn, hub_pending_table)
                .values(
                    device_id=h.device, seq=h.seq, desa_code=h.desa, digest=file.digest, fingerprint=fingerprint,
                    file_name=name, received_at=now_iso(), data=data,
                )
                .on_conflict_do_nothing()
            )  # fmt: skip
        return PendingDevice(name, h.desa, h.device, fingerprint)

    def pending(self) -> list[PendingDevice]:
        """Devices that uploaded packages but are not registered yet, one row per device."""
        hp = hub_pending_table.c
        with self.db.begin() as conn:
            rows = conn.execute(
                select(hp.device_id, hp.desa_code, hp.fingerprint, func.count())
                .group_by(hp.device_id, hp.desa_code, hp.fingerprint)
                .order_by(hp.desa_code)
            ).all()
        return [PendingDevice(f"{n} paket", desa, dev, fp) for dev, desa, fp, n in rows]

    def confirm_pending(self, device: str, typed_fingerprint: str) -> BatchReport:
        """Register a waiting device with the fingerprint the village read out and import its
        packages in order, exactly as from a stick. A wrong fingerprint imports nothing."""
        hp = hub_pending_table.c
        with self.db.begin() as conn:
            rows = conn.execute(
                select(hp.seq, hp.file_name, hp.data).where(hp.device_id == device).order_by(hp.seq)
            ).all()
        if not rows:
            raise SyncError("hub_pending_unknown", device=device)
        report = BatchReport()
        for seq, name, data in rows:
            try:
                report.done.append(self.import_package(bytes(data), name, confirm_fingerprint=typed_fingerprint))
            except SyncError as exc:
                report.failed.append(ImportFailure(name, exc.code, str(exc)))
                if exc.code == "sync_fingerprint_mismatch":
                    return report
            with self.db.begin() as conn:
                conn.execute(hub_pending_table.delete().where(hp.device_id == device, hp.seq == seq))
        if any(not r.already for r in report.done):
            with self.db.begin() as conn:
                report.scan = scan_cases(conn)
        return report

    def request_full_resend(self, desa_code: str) -> int:
        """Ask every device of a village for all its data in its next package (via the receipt)."""
        self._values()
        with self.db.begin() as conn:
            n = conn.execute(
                update(sync_device_table).where(sync_device_table.c.desa_code == desa_code).values(full_resend=1)
            ).rowcount
            write_audit(conn, self.user.username, "sync_full_resend", desa_code)
        return int(n)

    def write_receipts(self, target_dir: Path, desa_codes: Sequence[str] | None = None) -> list[Path]:
        """One receipt per village that has sent a package: signed by the regency, readable
        only by the village's newest device; every record's outcome and KPJ, the packages
        received and the gaps."""
        values = self._values()
        me = identity(self.db)
        i = sync_inbox_table.c
        written: list[Path] = []
        with self.db.begin() as conn:
            desas = [str(x) for x in conn.execute(select(i.desa_code).distinct().order_by(i.desa_code)).scalars()]
        for desa in desas:
            if desa_codes and desa not in desa_codes:
                continue
            with self.db.begin() as conn:
                receipt = _receipt(conn, values, me, desa, self.user.username, reuse=False)
                assert receipt is not None  # the village has sent a package
                path = write_safely(target_dir / receipt.name, receipt.data, receipt.check(me))
            written.append(path)
        return written

    def current_receipt(self, desa: str) -> Receipt | None:
        """The village's receipt as of now, for the sync server: the last one again when
        nothing it reports has changed (same number, same bytes), else the next one.
        ``None`` when no package from the village has arrived yet."""
        values = self._values()
        me = identity(self.db)
        with self.db.begin() as conn:
            return _receipt(conn, values, me, desa, self.user.username, reuse=True)

    def villages(self) -> list[VillageRow]:
        """Every desa of the regency with what has arrived from it."""
        i = sync_inbox_table.c
        d = sync_device_table.c
        with self.db.begin() as conn:
            _require_mode(conn, Mode.KABUPATEN)
            own = settings.read_all(conn)[settings.REGION_CODE.key]
            devices: dict[str, int] = dict(conn.execute(select(d.desa_code, func.count()).group_by(d.desa_code)).all())
            inbox = conn.execute(select(i.desa_code, func.max(i.received_at), func.count()).group_by(i.desa_code)).all()
            seqs: dict[str, dict[str, list[int]]] = {}
            for desa, dev, seq in conn.execute(select(i.desa_code, i.device_id, i.seq)):
                seqs.setdefault(desa, {}).setdefault(dev, []).append(seq)
            active: dict[str, int] = dict(
                conn.execute(
                    select(P.desa_code, func.count()).where(P.status == Status.AKTIF).group_by(P.desa_code)
                ).all()
            )
        contact = {r[0]: (r[1], r[2]) for r in inbox}
        out = []
        for reg in all_regions():
            if reg.level != "desa" or not reg.code.startswith(own + "."):
                continue
            parent = region(reg.parent_code or "")
            per_device = seqs.get(reg.code, {})
            missing = tuple(sorted({m for s in per_device.values() for m in _missing(s)}))
            out.append(
                VillageRow(
                    code=reg.code, name=reg.name, kecamatan=parent.name if parent else "",
                    devices=int(devices.get(reg.code, 0)),
                    last_seq=max((max(s) for s in per_device.values()), default=0),
                    last_contact=contact.get(reg.code, (None, 0))[0], active=int(active.get(reg.code, 0)),
                    missing=missing, packages=int(contact.get(reg.code, (None, 0))[1]),
                )
            )  # fmt: skip
        return out

    def devices(self) -> list[DeviceRow]:
        i = sync_inbox_table.c
        with self.db.begin() as conn:
            last = dict(conn.execute(select(i.device_id, func.max(i.seq)).group_by(i.device_id)).all())
            rows = conn.execute(select(sync_device_table).order_by(sync_device_table.c.desa_code)).all()
        return [
            DeviceRow(
                r.device_id, r.desa_code, device_fingerprint(bytes(r.sign_key), bytes(r.box_key)), r.registered_at,
                r.registered_by, int(last.get(r.device_id, 0)), bool(r.full_resend),
            )
            for r in rows
        ]  # fmt: skip

    def open_duplicates(self) -> int:
        with self.db.begin() as conn:
            return int(
                conn.execute(
                    select(func.count())
                    .select_from(duplicate_case_table)
                    .where(duplicate_case_table.c.status == "open")
                ).scalar_one()
            )


@dataclass(frozen=True, slots=True)
class Receipt:
    """A sealed receipt and what it answers for."""

    desa: str
    seq: int
    name: str
    device: str
    data: bytes
    records: int
    reused: bool

    def check(self, me: Identity) -> Callable[[bytes], None]:
        def check(back: bytes) -> None:
            verify(parse(back, self.name, "receipt"), me.sign_public)

        return check


def _receipt(
    conn: Connection, values: dict[str, str], me: Identity, desa: str, username: str, *, reuse: bool
) -> Receipt | None:
    """Build (and record) the receipt for ``desa`` inside the caller's transaction."""
    i = sync_inbox_table.c
    r = sync_receipt_table.c
    newest = conn.execute(select(i.device_id).where(i.desa_code == desa).order_by(i.id.desc()).limit(1)).scalar()
    if newest is None:
        return None
    device = conn.execute(select(sync_device_table).where(sync_device_table.c.device_id == newest)).one()
    seqs = [int(x) for x in conn.execute(select(i.seq).where(i.device_id == newest)).scalars()]
    records = [
        [row.uid, row.sent_rev, row.outcome or "accepted", row.reason or "", row.kpj]
        for row in conn.execute(
            select(P.uid, S.sent_rev, S.outcome, S.reason, P.kpj)
            .join(participant_sync_table, S.participant_id == P.id)
            .where(P.desa_code == desa, S.sent_rev.is_not(None))
            .order_by(P.id)
        )
    ]
    payload = {
        "packages": {
            "device": newest, "received": sorted(seqs), "last_seq": max(seqs, default=0),
            "missing": list(_missing(seqs)),
        },
        "full_resend": bool(device.full_resend),
        "records": {"columns": list(RECORD_COLUMNS), "rows": records},
    }  # fmt: skip
    content = hashlib.sha256(canonical_json(payload)).hexdigest()
    last = conn.execute(
        select(r.seq, r.file_name, r.content, r.data, r.device_id)
        .where(r.desa_code == desa)
        .order_by(r.seq.desc())
        .limit(1)
    ).first()
    if reuse and last is not None and last.content == content and last.device_id == newest and last.data:
        return Receipt(desa, int(last.seq), str(last.file_name), newest, bytes(last.data), len(records), True)
    seq = (int(last.seq) if last is not None else 0) + 1
    data = seal(
        "receipt", regency=values[settings.REGION_CODE.key], desa=desa, seq=seq, created=now_iso(),
        schema=SCHEMA_VERSION, payload=payload, sender=me, recipient_box=bytes(device.box_key),
    )  # fmt: skip
    name = receipt_name(desa, seq)
    conn.execute(
        sync_receipt_table.insert().values(
            desa_code=desa, seq=seq, created_at=now_iso(), username=username, device_id=newest, file_name=name,
            records=len(records), content=content, data=data,
        )
    )  # fmt: skip
    # Only the newest receipt is ever served again: older ones keep their record, not their bytes.
    conn.execute(update(sync_receipt_table).where(r.desa_code == desa, r.seq < seq).values(data=None))
    write_audit(conn, username, "sync_receipt_written", f"{desa}: {name}, {len(records)} data")
    return Receipt(desa, seq, name, newest, data, len(records), False)


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


def _apply_payments(
    conn: Connection, desa: str, payments: list[list[Any]], paid: list[list[Any]], name: str
) -> tuple[int, int]:
    """Keep the newer state of each payment (by the village's rev); a voided payment's months
    are dropped, a live one's replaced. Returns payments taken and participant-months skipped
    because their participant has not arrived (a missing package; the full resend brings both)."""
    if not payments:
        return 0, 0
    pay = premium_payment_table.c
    index = {c: n for n, c in enumerate(PAYMENT_COLUMNS)}
    for row in payments:
        if not isinstance(row[index["rev"]], int) or not isinstance(row[index["amount"]], int):
            raise SyncError("sync_payload_invalid", name=name, detail="payments")
    held = {
        r.uid: r
        for r in conn.execute(
            select(pay.id, pay.uid, pay.rev, pay.desa_code).where(pay.uid.in_([r[0] for r in payments]))
        )
    }
    newer = []
    for row in payments:
        prior = held.get(row[0])
        if prior is not None and prior.desa_code != desa:
            raise SyncError("sync_payload_invalid", name=name, detail="payment uid")
        if prior is None or prior.rev < row[index["rev"]]:
            newer.append(row)
    if not newer:
        return 0, 0
    values = [{**dict(zip(PAYMENT_COLUMNS, row, strict=True)), "desa_code": desa} for row in newer]
    stmt = upsert(conn, premium_payment_table)
    conn.execute(
        stmt.on_conflict_do_update(
            index_elements=["uid"], set_={c: stmt.excluded[c] for c in PAYMENT_COLUMNS if c != "uid"}
        ),
        values,
    )
    ids = dict(conn.execute(select(pay.uid, pay.id).where(pay.uid.in_([r[0] for r in newer]))).all())
    conn.execute(premium_paid_table.delete().where(premium_paid_table.c.payment_id.in_(list(ids.values()))))
    live = {row[0] for row in newer if not row[index["voided_at"]]}
    people = dict(conn.execute(select(P.uid, P.id).where(P.desa_code == desa)).all())
    items = []
    skipped = 0
    for payment_uid, participant_uid, month, amount in paid:
        if payment_uid not in live:
            continue
        pid = people.get(participant_uid)
        if pid is None:
            skipped += 1
            continue
        items.append((pid, month, ids[payment_uid], amount))
    executemany(
        conn,
        "INSERT INTO premium_paid (participant_id, month, payment_id, amount) VALUES (?, ?, ?, ?) "
        "ON CONFLICT (participant_id, month) DO UPDATE SET payment_id = excluded.payment_id, amount = excluded.amount",
        items,
    )
    return len(newer), skipped


def _check_rows(rows: list[list[Any]], desa: str, name: str) -> None:
    """Every row belongs to the package's village and has what a participant must have."""
    index = {c: n for n, c in enumerate(PARTICIPANT_COLUMNS)}
    required = [index[c] for c in _REQUIRED]
    desa_at, sex_at, status_at, rev_at = index["desa_code"], index["sex"], index["status"], index["rev"]
    uids = set()
    for row in rows:
        if row[desa_at] != desa:
            raise SyncError("sync_payload_invalid", name=name, detail=f"desa {row[desa_at]}")
        if any(row[n] is None or row[n] == "" for n in required):
            raise SyncError("sync_payload_invalid", name=name, detail="kolom wajib kosong")
        if row[sex_at] not in ("L", "P") or row[status_at] not in (Status.AKTIF, Status.BERHENTI):
            raise SyncError("sync_payload_invalid", name=name, detail="sex/status")
        if not isinstance(row[rev_at], int):
            raise SyncError("sync_payload_invalid", name=name, detail="rev")
        uids.add(row[0])
    if len(uids) != len(rows):
        raise SyncError("sync_payload_invalid", name=name, detail="uid ganda")


@dataclass(frozen=True, slots=True)
class _Applied:
    added: int
    updated: int
    unchanged: int
    history: int
    duplicates: int


_DATA_COLUMNS = PARTICIPANT_COLUMNS[:-1]  # without the village's rev
_UPDATE_COLUMNS = tuple(c for c in _DATA_COLUMNS if c not in ("uid", "kpj"))


def _apply(
    conn: Connection, desa: str, seq: int, rows: list[list[Any]], history: list[list[Any]], name: str, device: str
) -> _Applied:
    """Apply a verified package's rows: set-based, inside the caller's transaction."""
    stamp = now_iso()
    held = {
        r.uid: r
        for r in conn.execute(
            select(P.id, P.uid, S.sent_rev, S.outcome)
            .select_from(participant_table.outerjoin(participant_sync_table, S.participant_id == P.id))
            .where(P.desa_code == desa)
        )
    }
    new = [r for r in rows if r[0] not in held]
    newer = [r for r in rows if r[0] in held and (held[r[0]].sent_rev or 0) < r[-1]]
    unchanged = len(rows) - len(new) - len(newer)
    first_rev = reserve_counter(conn, "change", len(new) + len(newer)) if new or newer else 0
    cols = ", ".join((*_DATA_COLUMNS, "rev"))
    executemany(
        conn,
        f"INSERT INTO participant ({cols}) VALUES ({', '.join('?' * (len(_DATA_COLUMNS) + 1))})",
        [(*r[:-1], first_rev + n) for n, r in enumerate(new)],
    )
    setters = ", ".join(f"{c} = ?" for c in _UPDATE_COLUMNS)
    index = {c: n for n, c in enumerate(PARTICIPANT_COLUMNS)}
    upd_pos = [index[c] for c in _UPDATE_COLUMNS]
    kpj_at = index["kpj"]
    executemany(
        conn,
        f"UPDATE participant SET {setters}, kpj = COALESCE(?, kpj), rev = ? WHERE id = ?",
        [(*(r[p] for p in upd_pos), r[kpj_at], first_rev + len(new) + n, held[r[0]].id) for n, r in enumerate(newer)],
    )
    ids = dict(conn.execute(select(P.uid, P.id).where(P.desa_code == desa)).all())
    sync_rows = []
    for r in (*new, *newer):
        prior = held.get(r[0])
        outcome = prior.outcome if prior and prior.outcome else "accepted"
        sync_rows.append((ids[r[0]], seq, r[-1], outcome, r[-1], stamp))
    executemany(
        conn,
        "INSERT INTO participant_sync (participant_id, sent_seq, sent_rev, outcome, outcome_rev, outcome_at) "
        "VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (participant_id) DO UPDATE SET sent_seq = excluded.sent_seq, "
        "sent_rev = excluded.sent_rev, outcome = excluded.outcome, outcome_rev = excluded.outcome_rev, "
        "outcome_at = excluded.outcome_at",
        sync_rows,
    )
    reconsider_after_correction(conn, [held[r[0]].id for r in newer])
    keep_statistics(conn, "participant")
    # Double enrolment: this village's NIKs active elsewhere or in the APBD scheme.
    scan = scan_cases(conn, desa=desa)
    # History: keyed by (participant, village rev); what is already held is skipped.
    h = history_table.c
    have: set[tuple[Any, ...]] = {
        tuple(r)
        for r in conn.execute(
            select(h.participant_id, h.rev, h.action)
            .join(participant_table, P.id == h.participant_id)
            .where(P.desa_code == desa)
        )
    }
    add_history = []
    for uid, at, username, action, changes, rev in history:
        pid = ids.get(uid)
        if pid is None:
            raise SyncError("sync_payload_invalid", name=name, detail="history uid")
        if (pid, rev, action) not in have:
            have.add((pid, rev, action))
            add_history.append((pid, at, username, action, changes, rev))
    executemany(
        conn,
        "INSERT INTO participant_history (participant_id, at, username, action, changes, rev) "
        "VALUES (?, ?, ?, ?, ?, ?)",
        add_history,
    )
    return _Applied(len(new), len(newer), unchanged, len(add_history), scan.opened["nik"] + scan.opened["apbd"])
