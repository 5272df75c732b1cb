"""Updates over the sync server on 127.0.0.1: the regency publishes, a village asks after its
sync, takes a signed newer version and refuses one altered on the way."""

from __future__ import annotations

from pathlib import Path

import httpx
import pytest

from kudus_desktop.core.errors import KudusError
from kudus_desktop.core.sync import updates
from kudus_desktop.core.sync.online import OnlineSync
from kudus_desktop.core.sync.protocol import UPDATE_PATH
from tests.conftest import Office
from tests.factories import make_draft
from tests.server.conftest import Regency, Server, confirm, error_of

WIN, LINUX = "windows-x64", "linux-x64"


def joined(village: Office, regency: Regency) -> OnlineSync:
    village.participants.create(make_draft(1))
    client = OnlineSync(village.db, village.user)
    client.run()
    confirm(regency, village)
    return client


def payload(tmp: Path, name: str, size: int = 2_500_000) -> Path:
    path = tmp / name
    path.write_bytes(bytes(range(256)) * (size // 256))  # several chunks on the wire
    return path


def test_a_village_takes_a_signed_newer_version_after_its_sync(
    villages: dict[str, Office], regency: Regency, hub: Server, tmp_path: Path
) -> None:
    a = villages["a"]
    client = joined(a, regency)
    assert client.fetch_update(tag=WIN) is None, "nothing published yet"

    setup = payload(tmp_path, "setup.exe")
    updates.publish(regency.db, regency.user, setup, "0.2.0", "Perbaikan cetak kartu", WIN)
    got = client.fetch_update(tag=WIN)
    assert got is not None and got.info.version == "0.2.0" and got.info.notes == "Perbaikan cetak kartu"
    assert updates.extract_payload(got, tmp_path / "keluar.exe").read_bytes() == setup.read_bytes()
    assert client.fetch_update(tag=WIN) == got, "the version already here is not fetched again"
    assert not (a.path / updates.UPDATE_DIR / "unduhan.part").exists()

    # The sync itself asks, for this machine's own platform.
    updates.publish(regency.db, regency.user, payload(tmp_path, "bundle.tar.gz"), "0.3.0", "", updates.platform_tag()
                    if updates.platform_tag() in updates.PLATFORMS else LINUX)  # fmt: skip
    result = client.run()
    if updates.platform_tag() in updates.PLATFORMS:
        assert result.update is not None and result.update.info.version == "0.3.0" and not result.update_error

    # An older one published later is never offered as new.
    updates.publish(regency.db, regency.user, setup, "0.1.5", "", WIN)
    assert client.fetch_update(tag=WIN) == got


def test_an_update_altered_on_the_server_is_refused_and_nothing_is_kept(
    villages: dict[str, Office], regency: Regency, hub: Server, tmp_path: Path
) -> None:
    a = villages["a"]
    client = joined(a, regency)
    kdu = updates.publish(regency.db, regency.user, payload(tmp_path, "setup.exe"), "0.2.0", "", WIN)
    data = bytearray(kdu.read_bytes())
    data[-5] ^= 0xFF  # the payload changed after signing (a tampered server folder)
    kdu.write_bytes(bytes(data))
    with pytest.raises(KudusError) as caught:
        client.fetch_update(tag=WIN)
    assert caught.value.code == "update_altered"
    assert not list((a.path / updates.UPDATE_DIR).glob("*.kdu*")) and updates.staged(a.db, tag=WIN) is None

    # A sync that meets it still succeeds, and says why the update was not taken.
    result = OnlineSync(a.db, a.user).run()
    assert result.update is None
    if updates.platform_tag() == WIN:
        assert "tidak sama" in result.update_error


def test_updates_are_served_only_to_registered_devices(
    villages: dict[str, Office], regency: Regency, hub: Server, tmp_path: Path
) -> None:
    updates.publish(regency.db, regency.user, payload(tmp_path, "setup.exe", 10_000), "0.2.0", "", WIN)
    with httpx.Client(base_url=hub.url) as raw:
        unsigned = raw.get(f"{UPDATE_PATH}/{WIN}")
        assert unsigned.status_code == 401 and error_of(unsigned) == "hub_auth_missing"
    client = OnlineSync(villages["b"].db, villages["b"].user)  # joined, never confirmed
    with pytest.raises(KudusError) as caught:
        client.fetch_update(tag=WIN)
    assert caught.value.code == "hub_refused"
