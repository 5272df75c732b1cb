"""The sync server on 127.0.0.1 against what an attacker on the network sends: spoofed device
headers, floods of packages from made-up keys, many large bodies at once, a revoked device,
a package number used again. Loops are bounded by counts, never by the clock."""

from __future__ import annotations

import base64
import threading
from pathlib import Path

import httpx
import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PrivateKey
from sqlalchemy import func, select

from kudus_desktop.core.regency.sync_server import RateLimiter, SyncServer
from kudus_desktop.core.storage.signing import Identity, identity
from kudus_desktop.core.storage.tables import hub_pending_table, participant_table, sync_inbox_table
from kudus_desktop.core.sync import RegencySync, VillageSync
from kudus_desktop.core.sync import regency as intake
from kudus_desktop.core.sync.online import OnlineSync
from kudus_desktop.core.sync.protocol import DEVICE_HEADER, PACKAGES_PATH, RECEIPT_PATH, SIGNATURE_HEADER, sign_request
from tests.conftest import Office
from tests.factories import DESA, make_draft
from tests.hostile import craft, package_text, person, row
from tests.server.conftest import Regency, Server, confirm, count, error_of


def point(village: Office, url: str) -> None:
    from kudus_desktop.core.storage import settings

    with village.db.begin() as conn:
        settings.write(conn, {settings.SYNC_SERVER: url})


def joined(villages: dict[str, Office], regency: Regency, url: str) -> tuple[Office, OnlineSync]:
    a = villages["a"]
    point(a, url)
    a.participants.create(make_draft(1))
    client = OnlineSync(a.db, a.user)
    client.run()
    confirm(regency, a)
    return a, client


def test_spoofed_device_headers_never_lock_a_village_out(villages: dict[str, Office], regency: Regency) -> None:
    clock = [0.0]
    hub = Server(SyncServer(regency.db, limiter=RateLimiter(60, 3, clock=lambda: clock[0])))
    try:
        a, client = joined(villages, regency, hub.url)
        clock[0] += 60.0
        me = identity(a.db)
        stranger = Identity(Ed25519PrivateKey.generate(), X25519PrivateKey.generate())
        forged = sign_request(stranger, me.device_id, "GET", RECEIPT_PATH)  # the village's id, another key
        codes = [httpx.get(hub.url + RECEIPT_PATH, headers=forged).status_code for _ in range(30)]
        assert set(codes) == {401}  # refused, and counted against nobody's device
        a.participants.create(make_draft(2))
        result = client.run()
        assert result.uploaded and result.receipt is not None and result.receipt.accepted == 2
    finally:
        hub.stop()


def test_requests_count_against_the_client_address_before_anything_is_verified(
    villages: dict[str, Office], regency: Regency
) -> None:
    clock = [0.0]
    hub = Server(SyncServer(regency.db), limiter=RateLimiter(60, 5, clock=lambda: clock[0]))
    try:
        junk = {DEVICE_HEADER: "0123456789abcdef", SIGNATURE_HEADER: base64.b64encode(b"\0" * 64).decode()}
        codes = [httpx.get(hub.url + RECEIPT_PATH, headers=junk).status_code for _ in range(7)]
        assert codes[:5] == [403] * 5 and codes[5:] == [429, 429]
        r = httpx.get(hub.url + RECEIPT_PATH, headers=junk)
        assert error_of(r) == "hub_rate_limited" and int(r.headers["retry-after"]) >= 1
    finally:
        hub.stop()


def test_made_up_keys_cannot_fill_the_store(
    villages: dict[str, Office], regency: Regency, hub: Server, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(intake, "PENDING_TOTAL_BYTES", 5_000)
    box = identity(regency.db).box_public
    codes = [DESA, "33.19.01.2001", "33.19.05.2001"]
    sent = 0
    for n in range(24):
        fake = Identity(Ed25519PrivateKey.generate(), X25519PrivateKey.generate())
        desa = codes[n % 3]
        payload, counts = package_text([row(person(desa, 2000 + n))] * 1)
        data = craft(fake, box, desa=desa, seq=1, text=payload + b" " * 0, counts=counts)
        headers = sign_request(fake, fake.device_id, "POST", PACKAGES_PATH, data)
        r = httpx.post(hub.url + PACKAGES_PATH, content=data, headers=headers)
        assert r.status_code == 202, r.text
        sent += len(data)
    with regency.db.begin() as conn:
        per_desa = dict(
            conn.execute(
                select(hub_pending_table.c.desa_code, func.count()).group_by(hub_pending_table.c.desa_code)
            ).all()
        )
        total = conn.execute(select(func.coalesce(func.sum(func.length(hub_pending_table.c.data)), 0))).scalar_one()
    assert all(n <= intake.PENDING_PER_DESA for n in per_desa.values()), per_desa
    assert total <= 5_000 < sent
    # The operator sees which village each waiting device claims to be, by name.
    pending = RegencySync(regency.db, regency.user).pending()
    assert {p.desa_name for p in pending} <= {"Getaspejaten", "Bakalankrapyak", "Gulang"}
    assert count(regency, participant_table) == 0 and count(regency, sync_inbox_table) == 0


def test_bodies_at_once_are_capped_and_the_rest_are_told_to_come_back(
    villages: dict[str, Office], regency: Regency
) -> None:
    hub = Server(SyncServer(regency.db), max_bodies=1)
    try:
        a, client = joined(villages, regency, hub.url)
        me = identity(a.db)
        release = threading.Event()
        started = threading.Event()
        body = b"\0" * 200_000

        def slow():  # type: ignore[no-untyped-def]
            yield body[:1000]
            started.set()
            release.wait(30)
            yield body[1000:]

        headers = sign_request(me, me.device_id, "POST", PACKAGES_PATH, body)
        answers: list[httpx.Response] = []
        first = threading.Thread(
            target=lambda: answers.append(httpx.post(hub.url + PACKAGES_PATH, content=slow(), headers=headers))
        )
        first.start()
        assert started.wait(10)
        # One body is being received: the next is told to come back, before its body is read.
        r = httpx.post(hub.url + PACKAGES_PATH, content=body, headers=headers)
        release.set()
        first.join(30)
        assert r.status_code == 503 and error_of(r) == "hub_busy" and int(r.headers["retry-after"]) >= 1
        assert answers and answers[0].status_code == 400  # the slow one was read whole, then refused by its bytes
        # Once it is done the slot is free again.
        a.participants.create(make_draft(2))
        assert client.run().uploaded
    finally:
        hub.stop()


def test_a_revoked_device_is_refused_before_its_body_is_read(
    villages: dict[str, Office], regency: Regency, hub: Server, tmp_path: Path
) -> None:
    a, client = joined(villages, regency, hub.url)
    me = identity(a.db)
    RegencySync(regency.db, regency.user).revoke_device(me.device_id, "laptop dicuri")
    a.participants.create(make_draft(2))
    data = VillageSync(a.db, a.user).export_package().outbox_path.read_bytes()
    r = httpx.post(
        hub.url + PACKAGES_PATH, content=data, headers=sign_request(me, me.device_id, "POST", PACKAGES_PATH, data)
    )
    assert r.status_code == 403 and error_of(r) == "hub_device_revoked"
    r = httpx.get(hub.url + RECEIPT_PATH, headers=sign_request(me, me.device_id, "GET", RECEIPT_PATH))
    assert r.status_code == 403 and error_of(r) == "hub_device_revoked"
    # From a stick it is refused by name as well; a rotation it vouches for counts for nothing.
    (stick,) = [
        VillageSync(a.db, a.user).copy_package(p.file_name, tmp_path)
        for p in VillageSync(a.db, a.user).status().packages[:1]
    ]
    with pytest.raises(Exception) as err:
        RegencySync(regency.db, regency.user).import_package(stick.read_bytes(), stick.name)
    assert getattr(err.value, "code", "") == "sync_device_revoked"
    VillageSync(a.db, a.user).rotate_keys()
    a.participants.create(make_draft(3))
    result = client.run()
    assert result.pending  # a new device, waiting for its fingerprint to be confirmed by telephone
    assert count(regency, participant_table) == 1


def test_a_package_number_the_regency_holds_with_other_bytes_heals_by_itself(
    villages: dict[str, Office], regency: Regency, hub: Server, tmp_path: Path
) -> None:
    a, client = joined(villages, regency, hub.url)
    from kudus_desktop.core.storage.backup import backup_database, restore_database

    copy = backup_database(a.db_file, tmp_path / "backups")
    a.participants.create(make_draft(2))
    client.run()
    # An older copy restored on a new PC (the number beside the old database is gone).
    fresh = tmp_path / "pc"
    fresh.mkdir()
    (fresh / "keys").mkdir()
    (fresh / "keys" / "device.key").write_bytes((a.path / "keys" / "device.key").read_bytes())
    restore_database(fresh, copy)
    pc = Office(fresh)
    pc.participants.create(make_draft(3))
    client = OnlineSync(pc.db, pc.user)
    first = client.run()
    assert first.superseded == [2]  # the regency holds another package 2: set aside, everything goes next
    second = client.run()
    assert second.uploaded and second.receipt is not None
    assert count(regency, participant_table) == 3
    village = next(v for v in RegencySync(regency.db, regency.user).villages() if v.code == DESA)
    assert village.missing == ()
