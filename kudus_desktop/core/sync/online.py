"""The village's side of online sync: upload waiting packages, fetch the current receipt.

The packages are the outbox files a USB stick would carry, byte for byte; the receipt goes
through the same :meth:`VillageSync.import_receipt_data` as one from a stick. A package is
marked uploaded only after the server answered for it, so a connection that drops halfway
leaves it waiting for the next try; the server imports a package once however often it
arrives. No database transaction is open while the network is used.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
from sqlalchemy import select, update

from kudus_desktop import __version__
from kudus_desktop.core.errors import KudusError
from kudus_desktop.core.rules.codes import Mode
from kudus_desktop.core.rules.dates import now_iso
from kudus_desktop.core.rules.progress import CancelCheck, never_cancelled
from kudus_desktop.core.rules.records import UserView
from kudus_desktop.core.storage import settings
from kudus_desktop.core.storage.db import Database
from kudus_desktop.core.storage.signing import identity, retired_identities
from kudus_desktop.core.storage.syncfile import MAX_FILE, SyncError, parse
from kudus_desktop.core.storage.tables import sync_outbox_table
from kudus_desktop.core.sync import OUTBOX_DIR, PackageResult, ReceiptResult, VillageSync, read_sync_file, updates
from kudus_desktop.core.sync.protocol import HEALTH_PATH, PACKAGES_PATH, RECEIPT_PATH, UPDATE_PATH, sign_request

#: Seconds to wait for the server to connect and for each read; a poor line gets time.
CONNECT_TIMEOUT = 10.0
READ_TIMEOUT = 120.0


@dataclass(frozen=True, slots=True)
class OnlineState:
    """What the status bar says about online sync."""

    server: str
    joined: bool
    waiting: int  # packages written but not yet taken by the server (or a stick's receipt)
    unsent_changes: int  # participants and payments changed since the last package
    last_ok: str  # ISO time of the last good exchange, or ""
    last_error: str  # the last failure's message, cleared by a good exchange
    pending_fingerprint: str  # the regency has still to confirm this device


@dataclass
class RunResult:
    made: PackageResult | None = None
    uploaded: list[int] = field(default_factory=list)
    pending: list[int] = field(default_factory=list)  # taken, waiting for the regency's confirmation
    receipt: ReceiptResult | None = None
    superseded: list[int] = field(default_factory=list)  # numbers the regency holds with other bytes
    update: updates.StagedUpdate | None = None  # a newer version, verified and waiting to install
    update_error: str = ""  # why an offered update was not taken (the sync itself went well)


class Backoff:
    """When to try next: every ``interval`` seconds while things work; after a failure
    ``first`` seconds, doubling with each further failure up to ``cap``."""

    def __init__(self, interval: float = 300.0, first: float = 30.0, cap: float = 1800.0) -> None:
        self.interval = interval
        self.first = first
        self.cap = cap
        self.failures = 0

    def succeeded(self) -> None:
        self.failures = 0

    def failed(self) -> None:
        self.failures += 1

    def delay(self) -> float:
        if self.failures == 0:
            return self.interval
        return float(min(self.cap, self.first * 2 ** (self.failures - 1)))


class OnlineSync:
    """Talks to the regency's sync server on behalf of one village installation."""

    def __init__(self, db: Database, user: UserView, *, transport: httpx.BaseTransport | None = None) -> None:
        self.db = db
        self.user = user
        self.village = VillageSync(db, user)
        self.transport = transport
        self._open: set[httpx.Client] = set()
        self._aborted = False

    def abort(self) -> None:
        """Stop the exchange in progress from another thread (the window is closing): the open
        connection is closed, the request fails, and what was not answered stays waiting."""
        self._aborted = True
        for client in list(self._open):
            client.close()

    # -- state -----------------------------------------------------------------------------

    def state(self) -> OnlineState:
        o = sync_outbox_table.c
        status = self.village.status()
        with self.db.read() as conn:
            values = settings.read_all(conn)
            waiting = len(conn.execute(select(o.seq).where(*_waiting(o))).all())
        return OnlineState(
            server=values[settings.SYNC_SERVER.key],
            joined=status.joined,
            waiting=waiting,
            unsent_changes=status.unsent + status.unsent_payments,
            last_ok=values[settings.SYNC_LAST_OK.key],
            last_error=values[settings.SYNC_LAST_ERROR.key],
            pending_fingerprint=values[settings.SYNC_HUB_PENDING.key],
        )

    def _server(self) -> str:
        with self.db.read() as conn:
            values = settings.read_all(conn)
        if values[settings.MODE.key] != Mode.DESA:
            raise SyncError("sync_wrong_mode", mode=Mode.DESA)
        if not values[settings.SYNC_REGENCY_SIGN.key]:
            raise SyncError("sync_not_joined")
        server = values[settings.SYNC_SERVER.key].strip()
        if not server:
            raise SyncError("hub_no_server")
        if not server.startswith(("http://", "https://")):
            raise SyncError("hub_server_invalid", server=server)
        return server.rstrip("/")

    @contextmanager
    def _client(self, server: str) -> Iterator[httpx.Client]:
        if self._aborted:
            raise SyncError("hub_unreachable", server=server, detail="dihentikan")
        timeout = httpx.Timeout(READ_TIMEOUT, connect=CONNECT_TIMEOUT)
        client = httpx.Client(base_url=server, timeout=timeout, transport=self.transport, follow_redirects=False)
        self._open.add(client)
        try:
            yield client
        finally:
            self._open.discard(client)
            client.close()

    @staticmethod
    def _refusal(response: httpx.Response) -> SyncError:
        try:
            body: Any = response.json()
            reason = " ".join(str(body.get("reason") or "").split())[:300]
            code = str(body.get("error") or "")[:64]
        except (ValueError, AttributeError):
            reason, code = " ".join(response.text[:200].split()), ""
        return SyncError("hub_refused", status=response.status_code, reason=reason or response.reason_phrase, code=code)

    def _request(self, client: httpx.Client, server: str, method: str, path: str, **kw: Any) -> httpx.Response:
        """One request, given up at once when :meth:`abort` is called. A blocked socket read
        cannot be interrupted from outside, so the request runs on a daemon thread of its own
        and is abandoned (it ends with its timeout, or with the process)."""
        outcome: dict[str, Any] = {}
        done = threading.Event()

        def call() -> None:
            try:
                # Whatever answers is read only up to the largest file a receipt can be.
                with client.stream(method, path, **kw) as streamed:
                    body = bytearray()
                    for chunk in streamed.iter_bytes():
                        body += chunk
                        if len(body) > MAX_FILE:
                            raise SyncError("hub_reply_too_large", server=server, limit=MAX_FILE // (1024 * 1024))
                    outcome["response"] = httpx.Response(
                        streamed.status_code, headers=streamed.headers, content=bytes(body), request=streamed.request
                    )
            except BaseException as exc:  # noqa: BLE001 - handed back to the waiting thread
                outcome["error"] = exc
            finally:
                done.set()

        threading.Thread(target=call, name="kudus-sync-request", daemon=True).start()
        while not done.wait(0.1):
            if self._aborted:
                raise SyncError("hub_unreachable", server=server, detail="dihentikan")
        error = outcome.get("error")
        if isinstance(error, httpx.TimeoutException):
            raise SyncError("hub_unreachable", server=server, detail="waktu habis")
        if isinstance(error, httpx.HTTPError | RuntimeError):
            raise SyncError("hub_unreachable", server=server, detail=type(error).__name__)
        if error is not None:
            raise error
        response: httpx.Response = outcome["response"]
        return response

    # -- requests --------------------------------------------------------------------------

    def health(self) -> dict[str, Any]:
        server = self._server()
        with self._client(server) as client:
            response = self._request(client, server, "GET", HEALTH_PATH)
        if response.status_code != 200:
            raise self._refusal(response)
        try:
            info: dict[str, Any] = response.json()
        except ValueError:
            raise SyncError("hub_not_kudus", server=server) from None
        if not isinstance(info, dict) or "regency" not in info:
            raise SyncError("hub_not_kudus", server=server)
        with self.db.read() as conn:
            regency = settings.read_all(conn)[settings.SYNC_REGENCY.key]
        if info["regency"] != regency:
            raise SyncError("hub_other_regency", server=server, found=str(info["regency"]), expected=regency)
        return info

    def push(self, *, make_package: bool = True, cancelled: CancelCheck = never_cancelled) -> RunResult:
        """Upload every package the server has not taken yet, oldest first; with
        ``make_package``, first write a package of the changes not yet in one (only once the
        server answered, so an office offline for a week does not pile up packages)."""
        server = self._server()
        self.health()
        result = RunResult()
        if make_package and self.village.status().has_changes:
            try:
                result.made = self.village.export_package()
            except SyncError as exc:
                if exc.code != "sync_no_changes":
                    raise
        o = sync_outbox_table.c
        with self.db.read() as conn:
            waiting = conn.execute(select(o.seq, o.file_name).where(*_waiting(o)).order_by(o.seq)).all()
        me = identity(self.db)
        # A package made before the keys were renewed is sent by the key that signed it.
        keys = {k.device_id: k for k in (*retired_identities(self.db), me)}
        with self._client(server) as client:
            for seq, file_name in waiting:
                if cancelled():
                    break
                data = read_sync_file(self.db.data_dir / OUTBOX_DIR / file_name)
                signer = keys.get(_device_of(data), me)
                headers = sign_request(signer, signer.device_id, "POST", PACKAGES_PATH, data)
                headers["Content-Type"] = "application/octet-stream"
                response = self._request(client, server, "POST", PACKAGES_PATH, content=data, headers=headers)
                code = _error_code(response)
                if response.status_code == 409 and code == "sync_seq_reused":
                    # The regency holds other bytes under this number (an older backup was restored
                    # here): this package is set aside and everything goes in the next one.
                    self.village.mark_superseded(int(seq), _param_int(response, "last"))
                    result.superseded.append(int(seq))
                    continue
                if response.status_code == 403 and code == "hub_device_revoked" and signer is not me:
                    # Made by keys the regency has since revoked: it will never be taken; the new
                    # device sends everything instead.
                    self.village.mark_superseded(int(seq), 0)
                    result.superseded.append(int(seq))
                    continue
                if response.status_code not in (200, 202):
                    raise self._refusal(response)
                try:
                    reply = response.json()
                except ValueError:
                    raise SyncError("hub_not_kudus", server=server) from None
                if not isinstance(reply, dict):
                    raise SyncError("hub_not_kudus", server=server)
                with self.db.begin() as conn:
                    conn.execute(update(sync_outbox_table).where(o.seq == seq).values(uploaded_at=now_iso()))
                    if response.status_code == 202:
                        settings.write(conn, {settings.SYNC_HUB_PENDING: str(reply.get("fingerprint", ""))[:24]})
                (result.pending if response.status_code == 202 else result.uploaded).append(int(seq))
        return result

    def pull(self) -> ReceiptResult | None:
        """Fetch and apply the village's current receipt; ``None`` when the regency has none
        for it yet or still waits to confirm this device."""
        server = self._server()
        me = identity(self.db)
        # Until the regency has taken renewed keys, the receipt is still addressed to the old ones.
        answers: list[httpx.Response] = []
        with self._client(server) as client:
            for key in (me, *retired_identities(self.db)):
                headers = sign_request(key, key.device_id, "GET", RECEIPT_PATH)
                answers.append(self._request(client, server, "GET", RECEIPT_PATH, headers=headers))
                if _error_code(answers[-1]) not in _NOT_THIS_KEY:
                    break
        # None of this office's keys is served: the answer for its current key says why.
        response = answers[-1] if _error_code(answers[-1]) not in _NOT_THIS_KEY else answers[0]
        if response.status_code == 204:
            return None
        if response.status_code == 403 and _error_code(response) == "hub_device_pending":
            return None
        if response.status_code != 200:
            raise self._refusal(response)
        name = _file_name(response) or "tanda-terima.kdr"
        result = self.village.import_receipt_data(response.content, name)
        with self.db.begin() as conn:
            settings.write(conn, {settings.SYNC_HUB_PENDING: ""})
        return result

    def fetch_update(self, *, tag: str | None = None, running: str = __version__) -> updates.StagedUpdate | None:
        """Ask for a newer version: its signed manifest first (small), the file only when that
        manifest is the regency's, for this installation and newer than what runs; the file is
        then streamed to the data folder and verified as one from a stick is. ``None`` when
        there is nothing newer."""
        server = self._server()
        tag = tag or updates.platform_tag()
        if tag not in updates.PLATFORMS:
            return None  # no update is ever made for this machine
        path = f"{UPDATE_PATH}/{tag}"
        me = identity(self.db)
        with self._client(server) as client:
            head_path = f"{path}/head"
            headers = sign_request(me, me.device_id, "GET", head_path)
            response = self._request(client, server, "GET", head_path, headers=headers)
            if response.status_code == 204:
                return None
            if response.status_code == 403 and _error_code(response) == "hub_device_pending":
                return None  # served once the regency has confirmed this device
            if response.status_code != 200:
                raise self._refusal(response)
            name = updates.update_name("?", tag)
            head = response.content
            if len(head) > updates.MAX_HEAD:
                raise updates.UpdateError("update_damaged", name=name, detail="manifes")
            info = updates.verify_head(head, updates.regency_key(self.db), name)
            name = updates.update_name(info.version, tag)
            try:
                updates.check(self.db, info, name, tag=tag, running=running)
            except updates.UpdateError as exc:
                if exc.code == "update_not_newer":
                    return None
                raise
            kept = updates.staged(self.db, tag=tag, running=running)
            if kept is not None and kept.info == info:
                return kept
            part = self.db.data_dir / updates.UPDATE_DIR / "unduhan.part"
            part.parent.mkdir(parents=True, exist_ok=True)
            signed = sign_request(me, me.device_id, "GET", path)
            self._download(client, server, path, signed, part, len(head) + info.size)
        try:
            return updates.receive_file(self.db, part, tag=tag, running=running)
        finally:
            part.unlink(missing_ok=True)

    def _download(
        self, client: httpx.Client, server: str, path: str, headers: dict[str, str], target: Path, limit: int
    ) -> None:
        """Stream one GET into ``target``, never more than ``limit`` bytes; :meth:`abort`
        closes the client, which ends the stream."""
        try:
            with client.stream("GET", path, headers=headers) as streamed:
                if streamed.status_code != 200:
                    streamed.read()
                    raise self._refusal(streamed)
                received = 0
                with target.open("wb") as out:
                    for chunk in streamed.iter_bytes(1024 * 1024):
                        received += len(chunk)
                        if received > limit or self._aborted:
                            raise SyncError("hub_reply_too_large", server=server, limit=limit // (1024 * 1024) + 1)
                        out.write(chunk)
        except httpx.TimeoutException:
            raise SyncError("hub_unreachable", server=server, detail="waktu habis") from None
        except (httpx.HTTPError, RuntimeError) as exc:
            raise SyncError("hub_unreachable", server=server, detail=type(exc).__name__) from None

    def run(self, *, make_package: bool = True, cancelled: CancelCheck = never_cancelled) -> RunResult:
        """Push then pull, then ask for a newer version, remembering when it last worked or why
        it failed. An update that cannot be taken never fails the sync: its reason is kept."""
        try:
            result = self.push(make_package=make_package, cancelled=cancelled)
            if not cancelled():
                result.receipt = self.pull()
            if not cancelled():
                try:
                    result.update = self.fetch_update()
                except KudusError as exc:
                    result.update_error = str(exc)
        except KudusError as exc:
            with self.db.begin() as conn:
                settings.write(conn, {settings.SYNC_LAST_ERROR: str(exc)})
            raise
        with self.db.begin() as conn:
            settings.write(conn, {settings.SYNC_LAST_OK: now_iso(), settings.SYNC_LAST_ERROR: ""})
        return result


#: Answers that mean "ask with another of your keys" (the regency has not taken renewed keys yet).
_NOT_THIS_KEY = frozenset(("hub_device_unknown", "hub_device_pending", "hub_device_replaced", "hub_device_revoked"))


def _device_of(data: bytes) -> str:
    """The device id in a package's header (the outbox holds only our own, already checked)."""
    try:
        return parse(data, "paket", "package").header.device
    except SyncError:
        return ""


def _waiting(o: Any) -> tuple[Any, ...]:
    """Outbox packages the server has still to take."""
    return (o.uploaded_at.is_(None), o.acknowledged_at.is_(None), o.superseded_at.is_(None))


def _error_code(response: httpx.Response) -> str:
    try:
        return str(json.loads(response.content).get("error", ""))[:64]
    except (ValueError, AttributeError):
        return ""


def _param_int(response: httpx.Response, name: str) -> int:
    try:
        value = str(json.loads(response.content).get("params", {}).get(name, "0"))
    except (ValueError, AttributeError):
        return 0
    return int(value) if value.isdigit() and len(value) <= 10 else 0


def _file_name(response: httpx.Response) -> str:
    disposition = str(response.headers.get("content-disposition", ""))
    if 'filename="' in disposition:
        name = disposition.split('filename="', 1)[1].split('"', 1)[0]
        if name.endswith(".kdr") and "/" not in name and "\\" not in name:
            return name
    return ""
