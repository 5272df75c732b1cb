"""The regency's sync server, without HTTP: who is asking, what they sent, what they get back.

The wire protocol (``docs/sync-server.md``) moves the same sealed package and receipt bytes
a USB stick carries, through the same verification:

* ``POST /v1/packages``: the body is one package file. Imported once whatever the number of
  tries (the inbox is keyed by device and package number); a repeat answers ``already``.
* ``GET /v1/receipt``: the village's current receipt, sealed for its current device.
* ``GET /v1/update/<platform>/head`` and ``GET /v1/update/<platform>``: the newest update the
  regency published for that platform, its signed manifest alone or the whole file
  (:mod:`kudus_desktop.core.sync.updates`); 204 when there is none.
* ``GET /v1/health``: the regency code and the server's version, unauthenticated.

Every request but health carries the device id and an Ed25519 signature by the device's key
over the method, path, device and the SHA-256 of the body (:func:`request_message`): no shared
passwords. A replayed request does nothing a first one would not (uploads are idempotent,
receipts are read-only and readable only by the device), so no clock or nonce is needed, which
matters on office PCs whose clocks are often wrong.

Nothing a request claims is believed before it is checked: the headers' shape before the
body is read (:meth:`SyncServer.admit`), the request's signature before anything is counted
against a device (rate limits per verified device; before that, per client address), and the
package itself exactly as a file from a stick.

:class:`SyncServer` is what the HTTP shell in :mod:`kudus_desktop.server` calls; it never sees
a request object. Ingest runs one package at a time per process: SQLite has one writer, and on
PostgreSQL the inbox's unique key still makes a second server process's attempt a harmless repeat.
"""

from __future__ import annotations

import base64
import binascii
import re
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey
from sqlalchemy import select

from kudus_desktop import __version__
from kudus_desktop.core.regency.doubles import scan_cases
from kudus_desktop.core.rules.codes import Mode, Role
from kudus_desktop.core.rules.records import UserView
from kudus_desktop.core.storage import settings
from kudus_desktop.core.storage.db import Database
from kudus_desktop.core.storage.signing import identity
from kudus_desktop.core.storage.syncfile import SyncError, parse
from kudus_desktop.core.storage.tables import hub_pending_table, sync_device_table
from kudus_desktop.core.sync import RegencySync, package_name, updates
from kudus_desktop.core.sync.protocol import (
    PACKAGES_PATH,
    body_digest,
    request_message,
)

#: A village's full resend is about 100 bytes per participant compressed; 32 MB is far above any,
#: and with DEFAULT_MAX_BODIES at once the server never holds more than 128 MB of bodies.
DEFAULT_MAX_BODY = 32 * 1024 * 1024
#: Bodies being received at once; one more is answered 503 at once (the village tries later).
DEFAULT_MAX_BODIES = 4
#: Each village device may send this many requests at once, then this many a minute.
DEFAULT_BURST = 20
DEFAULT_PER_MINUTE = 60.0
#: Before a request is verified it counts against its client address. Every village behind one
#: address (a regency network, a provider's NAT) shares it, so it is far looser than a device's:
#: it stops a flood from one address, while each verified device has its own, tighter limit.
DEFAULT_ADDRESS_BURST = 1000
DEFAULT_ADDRESS_PER_MINUTE = 12_000.0
#: The audit log's name for work done by the server itself.
SERVER_USER = UserView(0, "server-sinkron", "Server sinkronisasi", Role.ADMIN)
#: The look-alike scan spans villages; under load it runs at most this often (seconds).
WHOLE_SCAN_EVERY = 300.0
_DEVICE = re.compile(r"[0-9a-f]{16}\Z")


class SyncServerError(SyncError):
    """A request the server refuses; ``status`` is the HTTP status to answer with."""

    def __init__(self, status: int, code: str, /, **params: object) -> None:
        super().__init__(code, **params)
        self.status = status


@dataclass(frozen=True, slots=True)
class Caller:
    """Who a request comes from, after its signature was checked."""

    device: str
    desa: str


@dataclass(frozen=True, slots=True)
class Admission:
    """What the headers of a request say, checked for shape before its body is read."""

    device: str
    signature: bytes
    registered: bool


@dataclass(frozen=True, slots=True)
class ReceiptReply:
    name: str
    seq: int
    data: bytes


class RateLimiter:
    """A token bucket per key: ``burst`` requests at once, then ``per_minute``.

    Thread-safe; ``clock`` is injectable so the tests need not sleep. Keys are a verified
    device (``dev:<id>``) or, before any verification, a client address (``ip:<address>``),
    never a value the sender merely claims. At most ``max_keys`` buckets are kept (the oldest
    full ones are forgotten first), so many addresses cannot fill the server's memory.
    """

    def __init__(
        self, per_minute: float, burst: int, clock: Callable[[], float] = time.monotonic, max_keys: int = 100_000
    ) -> None:
        self.rate = per_minute / 60.0
        self.burst = float(burst)
        self.clock = clock
        self.max_keys = max_keys
        self._buckets: dict[str, tuple[float, float]] = {}
        self._lock = threading.Lock()

    def take(self, key: str) -> float:
        """Spend one token; returns 0 when allowed, else the seconds until one is free."""
        now = self.clock()
        with self._lock:
            tokens, then = self._buckets.get(key, (self.burst, now))
            tokens = min(self.burst, tokens + (now - then) * self.rate)
            if len(self._buckets) >= self.max_keys and key not in self._buckets:
                self._forget(now)
            if tokens >= 1.0:
                self._buckets[key] = (tokens - 1.0, now)
                return 0.0
            self._buckets[key] = (tokens, now)
            return (1.0 - tokens) / self.rate if self.rate > 0 else 60.0

    def _forget(self, now: float) -> None:
        full = [k for k, (t, then) in self._buckets.items() if t + (now - then) * self.rate >= self.burst]
        for k in full or list(self._buckets)[: len(self._buckets) // 2]:
            del self._buckets[k]


class SyncServer:
    """The server's work on one store: authenticate, take packages, hand out receipts."""

    def __init__(self, db: Database, *, limiter: RateLimiter | None = None) -> None:
        self.db = db
        self.sync = RegencySync(db, SERVER_USER)
        values = self.sync._values()  # refuses a village installation
        self.regency = values[settings.REGION_CODE.key]
        self.limiter = limiter or RateLimiter(DEFAULT_PER_MINUTE, DEFAULT_BURST)
        self._ingest = threading.Lock()
        self._last_whole_scan = 0.0
        self._scan_due = False

    # -- authentication ------------------------------------------------------------------

    @staticmethod
    def _signature(text: str | None) -> bytes:
        if not text or len(text) != 88:
            raise SyncServerError(401, "hub_auth_missing")
        try:
            raw = base64.b64decode(text, validate=True)
        except (binascii.Error, ValueError):
            raw = b""
        if len(raw) != 64:
            raise SyncServerError(401, "hub_auth_missing")
        return raw

    @staticmethod
    def _check(key: bytes, signature: bytes, message: bytes) -> None:
        try:
            Ed25519PublicKey.from_public_bytes(key).verify(signature, message)
        except (InvalidSignature, ValueError):
            raise SyncServerError(401, "hub_signature_invalid") from None

    def _registered(self, device: str) -> Any:
        with self.db.read() as conn:
            return conn.execute(select(sync_device_table).where(sync_device_table.c.device_id == device)).first()

    def _limit(self, device: str) -> None:
        wait = self.limiter.take(f"dev:{device}")
        if wait:
            raise SyncServerError(429, "hub_rate_limited", seconds=max(1, round(wait)))

    def admit(self, device: str | None, signature: str | None) -> Admission:
        """The request's headers, checked before its body is read: a well-formed device id
        and signature, and no revoked device. Unknown devices may upload (to be confirmed)."""
        raw = self._signature(signature)
        if not device or not _DEVICE.match(device):
            raise SyncServerError(401, "hub_auth_missing")
        row = self._registered(device)
        if row is not None and row.revoked_at:
            raise SyncServerError(403, "hub_device_revoked", device=device[:8])
        return Admission(device, raw, row is not None)

    def authenticate(self, method: str, path: str, device: str | None, signature: str | None, body: bytes) -> Caller:
        """The registered device that signed this request, or a refusal."""
        admission = self.admit(device, signature)
        row = self._registered(admission.device)
        if row is None:
            pending = self._pending_fingerprint(admission.device)
            if pending:
                raise SyncServerError(403, "hub_device_pending", fingerprint=pending)
            raise SyncServerError(403, "hub_device_unknown", device=admission.device[:8])
        self._check(
            bytes(row.sign_key), admission.signature, request_message(method, path, admission.device, body_digest(body))
        )
        self._limit(admission.device)
        return Caller(admission.device, str(row.desa_code))

    def _pending_fingerprint(self, device: str) -> str:
        hp = hub_pending_table.c
        with self.db.read() as conn:
            return str(conn.execute(select(hp.fingerprint).where(hp.device_id == device).limit(1)).scalar() or "")

    # -- requests ------------------------------------------------------------------------

    def health(self) -> dict[str, Any]:
        with self.db.read() as conn:
            mode = settings.read_all(conn)[settings.MODE.key]
        return {
            "status": "ok" if mode == Mode.KABUPATEN else "wrong_mode",
            "regency": self.regency,
            "version": __version__,
            "store": self.db.engine.dialect.name,
        }

    def upload(self, device: str | None, signature: str | None, body: bytes) -> tuple[int, dict[str, Any]]:
        """Take one package. 200 imported or already held, 202 waiting for the device to be
        confirmed; a refusal raises :class:`SyncServerError` and changes nothing."""
        admission = self.admit(device, signature)
        try:
            file = parse(body, "unggahan", "package")
        except SyncError as exc:
            raise SyncServerError(400, exc.code, **exc.params) from None
        h = file.header
        if admission.device != h.device:
            raise SyncServerError(400, "hub_device_mismatch")
        name = package_name(h.desa, h.device, h.seq)
        row = self._registered(admission.device)
        message = request_message("POST", PACKAGES_PATH, admission.device, body_digest(body))
        # A registered device's request is checked with its registered key; an unknown one's with
        # the key its package names (the package must be signed by that key as well).
        self._check(bytes(row.sign_key) if row is not None else h.sender_sign, admission.signature, message)
        self._limit(admission.device)
        try:
            if row is None and h.rotation is None:
                pending = self.sync.park(body, name)
                return 202, {
                    "status": "pending",
                    "desa": pending.desa,
                    "seq": h.seq,
                    "fingerprint": pending.fingerprint,
                }
            with self._ingest:
                try:
                    result = self.sync.import_package(body, name)
                except SyncError as exc:
                    if exc.code != "sync_unknown_device":
                        raise
                    # New keys whose statement the registry does not accept (a revoked predecessor):
                    # confirmed by fingerprint like any new device.
                    pending = self.sync.park(body, name)
                    return 202, {"status": "pending", "desa": pending.desa, "seq": h.seq,
                                 "fingerprint": pending.fingerprint}  # fmt: skip
                if not result.already:
                    self._scan_due = True
                    self._whole_scan(force=False)
        except SyncServerError:
            raise
        except SyncError as exc:
            status = {"sync_seq_reused": 409, "sync_conflict": 409, "sync_device_revoked": 403,
                      "sync_device_retired": 409, "hub_device_known": 409}.get(exc.code, 400)  # fmt: skip
            raise SyncServerError(status, exc.code, **exc.params) from None
        return 200, {
            "status": "already" if result.already else "imported",
            "desa": result.desa,
            "seq": result.seq,
            "added": result.added,
            "updated": result.updated,
            "unchanged": result.unchanged,
            "duplicates": result.duplicates,
            "rejected": result.rejected,
        }

    def _whole_scan(self, *, force: bool) -> None:
        """The cross-village look-alike scan, at most every :data:`WHOLE_SCAN_EVERY` seconds
        (the same-NIK check already ran inside each package's import)."""
        now = time.monotonic()
        if self._scan_due and (force or now - self._last_whole_scan >= WHOLE_SCAN_EVERY):
            with self.db.begin() as conn:
                scan_cases(conn)
            self._last_whole_scan = now
            self._scan_due = False

    def flush(self) -> None:
        """Run a scan that is still due (the server calls this when idle and at shutdown)."""
        with self._ingest:
            self._whole_scan(force=True)

    def receipt(self, caller: Caller) -> ReceiptReply | None:
        """The caller's village's current receipt; ``None`` before its first package arrived."""
        with self._ingest:
            receipt = self.sync.current_receipt(caller.desa)
        if receipt is None:
            return None
        if receipt.device != caller.device:
            raise SyncServerError(409, "hub_device_replaced")
        return ReceiptReply(receipt.name, receipt.seq, receipt.data)

    def update(self, caller: Caller, tag: str) -> tuple[Path, updates.UpdateInfo] | None:
        """The newest update published for ``tag``'s villages, verified by the regency's own key."""
        if tag not in updates.PLATFORMS:
            raise SyncServerError(404, "hub_not_found", path=f"update/{tag[:40]}")
        return updates.published(self.db.data_dir, tag, identity(self.db).sign_public)
