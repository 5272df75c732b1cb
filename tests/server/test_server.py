"""Online sync through a real server on 127.0.0.1, on SQLite and on PostgreSQL: the same
package bytes as a stick, the same verification, imported once, and clear JSON refusals."""

from __future__ import annotations

import base64
import contextlib
import random
import socket
from pathlib import Path

import httpx
import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PrivateKey
from sqlalchemy import func, select

from kudus_desktop.core.regency.sync_server import RateLimiter, SyncServer
from kudus_desktop.core.rules.sync_state import SyncState
from kudus_desktop.core.storage.signing import Identity, identity
from kudus_desktop.core.storage.syncfile import SyncError
from kudus_desktop.core.storage.tables import hub_pending_table, participant_table, sync_inbox_table, sync_receipt_table
from kudus_desktop.core.sync import RegencySync, VillageSync
from kudus_desktop.core.sync.online import Backoff, OnlineSync
from kudus_desktop.core.sync.protocol import DEVICE_HEADER, PACKAGES_PATH, RECEIPT_PATH, SIGNATURE_HEADER, sign_request
from tests.conftest import Office
from tests.factories import make_draft
from tests.server.conftest import Regency, Server, confirm, count, error_of


def test_first_upload_waits_for_the_fingerprint_then_the_receipt_comes_back(
    villages: dict[str, Office], regency: Regency
) -> None:
    a = villages["a"]
    a.participants.create(make_draft(1))
    a.participants.create(make_draft(2))
    client = OnlineSync(a.db, a.user)

    first = client.run()
    assert first.made is not None and first.pending == [first.made.seq] and not first.uploaded
    state = client.state()
    assert state.pending_fingerprint == identity(a.db).fingerprint
    assert state.waiting == 0  # the server holds it
    assert count(regency, sync_inbox_table) == 0  # nothing imported before the confirmation
    assert [p.fingerprint for p in RegencySync(regency.db, regency.user).pending()] == [state.pending_fingerprint]

    confirm(regency, a)
    assert count(regency, participant_table) == 2
    assert count(regency, hub_pending_table) == 0

    receipt = client.pull()
    assert receipt is not None and receipt.accepted == 2
    person = a.participants.find_by_nik(make_draft(1).nik)
    assert person is not None
    assert VillageSync(a.db, a.user).record_states([person.id])[person.id].state == SyncState.ACCEPTED
    assert client.state().pending_fingerprint == ""

    # From now on a change travels by itself: package, upload, import, receipt.
    a.participants.create(make_draft(3))
    second = client.run()
    assert second.made is not None and second.uploaded == [second.made.seq]
    assert second.receipt is not None and second.receipt.accepted == 3
    assert count(regency, participant_table) == 3
    state = client.state()
    assert state.waiting == 0 and state.last_ok and not state.last_error

    # Nothing new: nothing is made or sent, and the same receipt is served again unchanged.
    third = client.run()
    assert third.made is None and not third.uploaded
    assert third.receipt is not None and third.receipt.already_applied
    # Two receipts were made; only the newest keeps its bytes for serving again.
    r = sync_receipt_table.c
    with regency.db.begin() as conn:
        assert [tuple(x) for x in conn.execute(select(r.seq, r.data.is_not(None)).order_by(r.seq))] == [
            (1, False),
            (2, True),
        ]


def test_the_same_upload_twice_is_imported_once(villages: dict[str, Office], regency: Regency, hub: Server) -> None:
    a = villages["a"]
    a.participants.create(make_draft(1))
    client = OnlineSync(a.db, a.user)
    client.run()
    confirm(regency, a)
    a.participants.create(make_draft(2))
    result = VillageSync(a.db, a.user).export_package()
    data = result.outbox_path.read_bytes()
    me = identity(a.db)
    headers = sign_request(me, me.device_id, "POST", PACKAGES_PATH, data)
    answers = [httpx.post(hub.url + PACKAGES_PATH, content=data, headers=headers) for _ in range(3)]
    assert [r.json()["status"] for r in answers] == ["imported", "already", "already"]
    with regency.db.begin() as conn:
        seqs = conn.execute(select(sync_inbox_table.c.seq).where(sync_inbox_table.c.device_id == me.device_id))
        assert sorted(seqs.scalars()) == [1, 2]
    # The village never saw the answers: its own push sends it again, harmlessly.
    again = client.push(make_package=False)
    assert again.uploaded == [result.seq]
    assert count(regency, participant_table) == 2


def test_refusals_are_json_with_a_reason(villages: dict[str, Office], regency: Regency, hub: Server) -> None:
    a = villages["a"]
    a.participants.create(make_draft(1))
    OnlineSync(a.db, a.user).run()
    confirm(regency, a)
    me = identity(a.db)
    data = VillageSync(a.db, a.user).export_package(full=True).outbox_path.read_bytes()
    url = hub.url

    assert error_of(httpx.post(url + PACKAGES_PATH, content=data)) == "hub_auth_missing"
    stranger = Identity(Ed25519PrivateKey.generate(), X25519PrivateKey.generate())
    forged = sign_request(stranger, me.device_id, "POST", PACKAGES_PATH, data)
    r = httpx.post(url + PACKAGES_PATH, content=data, headers=forged)
    assert r.status_code == 401 and error_of(r) == "hub_signature_invalid"
    # A valid signature over other bytes does not carry over to these.
    other = sign_request(me, me.device_id, "POST", PACKAGES_PATH, data[:-1] + bytes([data[-1] ^ 1]))
    assert httpx.post(url + PACKAGES_PATH, content=data, headers=other).status_code == 401
    junk = b"Ini bukan paket" * 10
    r = httpx.post(
        url + PACKAGES_PATH, content=junk, headers=sign_request(me, me.device_id, "POST", PACKAGES_PATH, junk)
    )
    assert r.status_code == 400 and error_of(r) == "sync_not_sync_file"
    r = httpx.get(url + RECEIPT_PATH, headers=sign_request(stranger, stranger.device_id, "GET", RECEIPT_PATH))
    assert r.status_code == 403 and error_of(r) == "hub_device_unknown"
    r = httpx.get(url + "/v1/apa-saja")
    assert r.status_code == 404 and error_of(r) == "hub_not_found"
    r = httpx.get(url + PACKAGES_PATH)
    assert r.status_code == 405 and error_of(r) == "hub_not_found"
    assert count(regency, sync_inbox_table) == 1  # only the confirmed first package


def test_body_limit_and_rate_limit(villages: dict[str, Office], regency: Regency) -> None:
    a = villages["a"]
    a.participants.create(make_draft(1))
    client = OnlineSync(a.db, a.user)
    clock = [0.0]
    service = SyncServer(regency.db, limiter=RateLimiter(60, 3, clock=lambda: clock[0]))
    small = Server(service, max_body=4096)
    try:
        with a.db.begin() as conn:
            from kudus_desktop.core.storage import settings

            settings.write(conn, {settings.SYNC_SERVER: small.url})
        client.run()
        confirm(regency, a)
        me = identity(a.db)
        big = b"\x00" * 10_000
        # Without well-formed credentials nothing is read at all.
        r = httpx.post(small.url + PACKAGES_PATH, content=big, headers={DEVICE_HEADER: "x"})
        assert r.status_code == 401 and error_of(r) == "hub_auth_missing"
        # With them, a body over the limit is refused by its declared length...
        signed = sign_request(me, me.device_id, "POST", PACKAGES_PATH, big)
        r = httpx.post(small.url + PACKAGES_PATH, content=big, headers=signed)
        assert r.status_code == 413 and error_of(r) == "hub_body_too_large"

        # ... and a chunked body with no length is cut off at the limit too.
        def chunks():  # type: ignore[no-untyped-def]
            for _ in range(10):
                yield b"\x00" * 1000

        r = httpx.post(small.url + PACKAGES_PATH, content=chunks(), headers=signed)
        assert r.status_code == 413
        # A verified device's requests are counted: three at once, then one a second.
        clock[0] += 60.0  # what the village's own run spent is long refilled
        receipt = sign_request(me, me.device_id, "GET", RECEIPT_PATH)
        codes = [httpx.get(small.url + RECEIPT_PATH, headers=receipt).status_code for _ in range(4)]
        assert codes == [200, 200, 200, 429]
        r = httpx.get(small.url + RECEIPT_PATH, headers=receipt)
        assert error_of(r) == "hub_rate_limited" and int(r.headers["retry-after"]) >= 1
        clock[0] += 1.0
        assert httpx.get(small.url + RECEIPT_PATH, headers=receipt).status_code == 200
    finally:
        small.stop()


def test_health_names_the_regency_and_the_store(hub: Server, regency: Regency) -> None:
    body = httpx.get(hub.url + "/v1/health").json()
    assert body["status"] == "ok" and body["regency"] == "33.19"
    assert body["store"] == regency.db.engine.dialect.name


class CuttingProxy:
    """Forwards TCP to the server but closes the first ``cuts`` connections after a random
    number of bytes from the client, as a failing mobile line does mid-upload."""

    def __init__(self, target_port: int, cuts: int, seed: int) -> None:
        import threading

        self.target = target_port
        self.cuts = cuts
        self.rng = random.Random(seed)
        self.cut_at: list[int] = []
        self.sock = socket.socket()
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(16)
        self.port = self.sock.getsockname()[1]
        threading.Thread(target=self._accept, daemon=True).start()

    def _accept(self) -> None:
        import threading

        while True:
            try:
                client, _ = self.sock.accept()
            except OSError:
                return
            limit = None
            if self.cuts > 0:
                self.cuts -= 1
                limit = self.rng.randint(1, 6000)
                self.cut_at.append(limit)
            upstream = socket.create_connection(("127.0.0.1", self.target))
            threading.Thread(target=self._pipe, args=(client, upstream, limit), daemon=True).start()
            threading.Thread(target=self._pipe, args=(upstream, client, None), daemon=True).start()

    @staticmethod
    def _pipe(src: socket.socket, dst: socket.socket, limit: int | None) -> None:
        sent = 0
        try:
            while True:
                data = src.recv(4096)
                if not data:
                    break
                if limit is not None and sent + len(data) >= limit:
                    dst.sendall(data[: limit - sent])
                    break
                dst.sendall(data)
                sent += len(data)
        except OSError:
            pass  # the other side closed first
        for s in (src, dst):
            with contextlib.suppress(OSError):
                s.shutdown(socket.SHUT_RDWR)
            s.close()

    def close(self) -> None:
        self.sock.close()


def test_an_upload_cut_at_random_offsets_stays_waiting_and_lands_once(
    villages: dict[str, Office], regency: Regency, hub: Server, tmp_path: Path
) -> None:
    a = villages["a"]
    a.participants.create(make_draft(1))
    client = OnlineSync(a.db, a.user)
    client.run()
    confirm(regency, a)
    for serial in range(2, 60):
        a.participants.create(make_draft(serial))
    VillageSync(a.db, a.user).export_package()
    proxy = CuttingProxy(hub.port, cuts=4, seed=7)
    try:
        with a.db.begin() as conn:
            from kudus_desktop.core.storage import settings

            settings.write(conn, {settings.SYNC_SERVER: f"http://127.0.0.1:{proxy.port}"})
        failures = 0
        while True:
            try:
                result = client.run(make_package=False)
                break
            except SyncError as exc:
                assert exc.code == "hub_unreachable"
                failures += 1
                assert client.state().waiting == 1  # still waiting, never lost
                assert client.state().last_error.startswith("Server")
                assert count(regency, participant_table) == 1  # nothing half-imported
        assert failures >= 1 and proxy.cut_at
        assert result.uploaded == [2]
        assert count(regency, participant_table) == 59
        with regency.db.begin() as conn:
            assert conn.execute(select(func.count()).select_from(sync_inbox_table)).scalar_one() == 2
        assert client.state().waiting == 0 and not client.state().last_error
    finally:
        proxy.close()


def test_a_village_without_server_or_with_a_dead_one_gets_a_clear_message(
    offices: dict[str, Office], regency: Regency, tmp_path: Path
) -> None:
    a = offices["a"]
    path, _ = RegencySync(regency.db, regency.user).make_setup_file("33.19.03.2008", tmp_path, server="")
    VillageSync(a.db, a.user).join(path)
    with pytest.raises(SyncError) as err:
        OnlineSync(a.db, a.user).run()
    assert err.value.code == "hub_no_server" and "flashdisk" in str(err.value)
    path, _ = RegencySync(regency.db, regency.user).make_setup_file(
        "33.19.03.2008", tmp_path, server="http://127.0.0.1:9"
    )
    VillageSync(a.db, a.user).join(path)
    a.participants.create(make_draft(1))
    with pytest.raises(SyncError) as err:
        OnlineSync(a.db, a.user).run()
    assert err.value.code == "hub_unreachable"
    # Offline, no package is made: changes stay as changes until the line works.
    assert VillageSync(a.db, a.user).status().packages == ()
    assert OnlineSync(a.db, a.user).state().last_error == str(err.value)


def test_backoff_waits_longer_after_each_failure_and_resets() -> None:
    b = Backoff(interval=300, first=30, cap=600)
    assert b.delay() == 300
    delays = []
    for _ in range(6):
        b.failed()
        delays.append(b.delay())
    assert delays == [30, 60, 120, 240, 480, 600]
    b.succeeded()
    assert b.delay() == 300


def test_signature_headers_are_base64_of_64_bytes() -> None:
    me = Identity(Ed25519PrivateKey.generate(), X25519PrivateKey.generate())
    headers = sign_request(me, me.device_id, "GET", RECEIPT_PATH)
    assert len(base64.b64decode(headers[SIGNATURE_HEADER])) == 64
