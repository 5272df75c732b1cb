"""The regency's sync server, without HTTP: who is asking, what they sent, what they get back.

The wire protocol (``docs/sync-server.md``) moves the same sealed package and receipt bytes
a USB stick carries, through the same verification:

* ``POST /v1/packages``: the body is one package file. Imported once whatever the number of
  tries (the inbox is keyed by device and package number); a repeat answers ``already``.
* ``GET /v1/receipt``: the village's current receipt, sealed for its newest device.
* ``GET /v1/health``: the regency code and the server's version, unauthenticated.

Every request but health carries the device id and an Ed25519 signature by the device's key
over the method, path, device and the SHA-256 of the body (:func:`request_message`): no shared
passwords. A replayed request does nothing a first one would not (uploads are idempotent,
receipts are read-only and readable only by the device), so no clock or nonce is needed, which
matters on office PCs whose clocks are often wrong.

:class:`HubService` is what the HTTP shell in :mod:`kudus_desktop.server` calls; it never sees
a request object. Ingest runs one package at a time per process: SQLite has one writer, and on
PostgreSQL the inbox's unique key still makes a second server process's attempt a harmless repeat.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey
from sqlalchemy import select

from kudus_desktop import __version__
from kudus_desktop.core import settings
from kudus_desktop.core.codes import Mode, Role
from kudus_desktop.core.db import Database
from kudus_desktop.core.doubles import scan_cases
from kudus_desktop.core.signing import Identity
from kudus_desktop.core.sync import RegencySync, package_name
from kudus_desktop.core.syncfile import SyncError, parse
from kudus_desktop.core.tables import hub_pending_table, sync_device_table
from kudus_desktop.core.views import UserView

PROTOCOL = "kudus-hub-1"
DEVICE_HEADER = "X-Kudus-Device"
SIGNATURE_HEADER = "X-Kudus-Signature"
PACKAGES_PATH = "/v1/packages"
RECEIPT_PATH = "/v1/receipt"
HEALTH_PATH = "/v1/health"
#: A village's full resend is about 1 KB per participant; 64 MB leaves room for 50,000.
DEFAULT_MAX_BODY = 64 * 1024 * 1024
#: The audit log's name for work done by the server itself.
HUB_USER = UserView(0, "server-sinkron", "Server sinkronisasi", Role.ADMIN)
#: The look-alike scan spans villages; under load it runs at most this often (seconds).
WHOLE_SCAN_EVERY = 300.0


def body_digest(body: bytes) -> str:
    return hashlib.sha256(body).hexdigest()


def request_message(method: str, path: str, device: str, digest: str) -> bytes:
    """The bytes a device signs for one request."""
    return f"{PROTOCOL}\n{method.upper()}\n{path}\n{device}\n{digest}".encode("ascii")


def sign_request(me: Identity, device: str, method: str, path: str, body: bytes = b"") -> dict[str, str]:
    """The headers that authenticate a request from this device."""
    signature = me.sign.sign(request_message(method, path, device, body_digest(body)))
    return {DEVICE_HEADER: device, SIGNATURE_HEADER: base64.b64encode(signature).decode("ascii")}


class HubError(SyncError):
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
class ReceiptReply:
    name: str
    seq: int
    data: bytes


class RateLimiter:
    """A token bucket per key (the village): ``burst`` requests at once, then ``per_minute``.

    Thread-safe; ``clock`` is injectable so the tests need not sleep.
    """

    def __init__(self, per_minute: float, burst: int, clock: Callable[[], float] = time.monotonic) -> None:
        self.rate = per_minute / 60.0
        self.burst = float(burst)
        self.clock = clock
        self._buckets: dict[str, tuple[float, float]] = {}
        self._lock = threading.Lock()

    def take(self, key: str) -> float:
        """Spend one token; returns 0 when allowed, else the seconds until one is free."""
        now = self.clock()
        with self._lock:
            tokens, then = self._buckets.get(key, (self.burst, now))
            tokens = min(self.burst, tokens + (now - then) * self.rate)
            if tokens >= 1.0:
                self._buckets[key] = (tokens - 1.0, now)
                return 0.0
            self._buckets[key] = (tokens, now)
            return (1.0 - tokens) / self.rate if self.rate > 0 else 60.0


class HubService:
    """The server's work on one store: authenticate, take packages, hand out receipts."""

    def __init__(self, db: Database) -> None:
        self.db = db
        self.sync = RegencySync(db, HUB_USER)
        values = self.sync._values()  # refuses a village installation
        self.regency = values[settings.REGION_CODE.key]
        self._ingest = threading.Lock()
        self._last_whole_scan = 0.0
        self._scan_due = False

    # -- authentication ------------------------------------------------------------------

    @staticmethod
    def _signature(text: str | None) -> bytes:
        try:
            raw = base64.b64decode(text or "", validate=True)
        except (binascii.Error, ValueError):
            raw = b""
        if len(raw) != 64:
            raise HubError(401, "hub_auth_missing")
        return raw

    @staticmethod
    def _check(key: bytes, signature: bytes, message: bytes) -> None:
        try:
            Ed25519PublicKey.from_public_bytes(key).verify(signature, message)
        except (InvalidSignature, ValueError):
            raise HubError(401, "hub_signature_invalid") from None

    def _registered(self, device: str) -> Any:
        with self.db.begin() as conn:
            return conn.execute(select(sync_device_table).where(sync_device_table.c.device_id == device)).first()

    def authenticate(self, method: str, path: str, device: str | None, signature: str | None, body: bytes) -> Caller:
        """The registered device that signed this request, or a refusal."""
        raw = self._signature(signature)
        if not device:
            raise HubError(401, "hub_auth_missing")
        row = self._registered(device)
        if row is None:
            pending = self._pending_fingerprint(device)
            if pending:
                raise HubError(403, "hub_device_pending", fingerprint=pending)
            raise HubError(403, "hub_device_unknown", device=device[:8])
        self._check(bytes(row.sign_key), raw, request_message(method, path, device, body_digest(body)))
        return Caller(device, str(row.desa_code))

    def _pending_fingerprint(self, device: str) -> str:
        hp = hub_pending_table.c
        with self.db.begin() as conn:
            return str(conn.execute(select(hp.fingerprint).where(hp.device_id == device).limit(1)).scalar() or "")

    # -- requests ------------------------------------------------------------------------

    def health(self) -> dict[str, Any]:
        with self.db.begin() as conn:
            mode = settings.read_all(conn)[settings.MODE.key]
        return {
            "status": "ok" if mode == Mode.KABUPATEN else "wrong_mode",
            "regency": self.regency,
            "version": __version__,
            "store": self.db.engine.dialect.name,
        }

    def upload(self, device: str | None, signature: str | None, body: bytes) -> tuple[int, dict[str, Any]]:
        """Take one package. 200 imported or already held, 202 waiting for the device to be
        confirmed; a refusal raises :class:`HubError` and changes nothing."""
        raw = self._signature(signature)
        try:
            file = parse(body, "unggahan", "package")
        except SyncError as exc:
            raise HubError(400, exc.code, **exc.params) from None
        h = file.header
        if not device or device != h.device:
            raise HubError(400, "hub_device_mismatch")
        name = package_name(h.desa, h.device, h.seq)
        row = self._registered(device)
        message = request_message("POST", PACKAGES_PATH, device, body_digest(body))
        try:
            if row is None:
                self._check(h.sender_sign, raw, message)
                pending = self.sync.park(body, name)
                return 202, {
                    "status": "pending",
                    "desa": pending.desa,
                    "seq": h.seq,
                    "fingerprint": pending.fingerprint,
                }
            self._check(bytes(row.sign_key), raw, message)
            with self._ingest:
                result = self.sync.import_package(body, name)
                if not result.already:
                    self._scan_due = True
                    self._whole_scan(force=False)
        except HubError:
            raise
        except SyncError as exc:
            raise HubError(
                409 if exc.code in ("sync_seq_reused", "sync_conflict") else 400, exc.code, **exc.params
            ) from None
        return 200, {
            "status": "already" if result.already else "imported",
            "desa": result.desa,
            "seq": result.seq,
            "added": result.added,
            "updated": result.updated,
            "unchanged": result.unchanged,
            "duplicates": result.duplicates,
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
            raise HubError(409, "hub_device_replaced")
        return ReceiptReply(receipt.name, receipt.seq, receipt.data)
