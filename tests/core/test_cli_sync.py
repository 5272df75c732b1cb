"""``kudus-desktop sync ...`` as real processes: setup file, join, export, import, receipts."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.commands import cli
from tests.conftest import Office
from tests.factories import DESA, make_draft

pytestmark = pytest.mark.usefixtures("as_admin")


def run(office: Office, *args: str) -> dict:  # type: ignore[type-arg]
    result = cli(*args, "--data-dir", str(office.path), "--json")
    out = json.loads(result.stdout or result.stderr)
    out["returncode"] = result.returncode
    return out


def test_round_trip_on_the_command_line(offices: dict[str, Office], tmp_path: Path) -> None:
    a, kab = offices["a"], offices["kab"]
    stick = tmp_path / "stick"
    for n in (1, 2):
        a.participants.create(make_draft(n))
    a.db.close()
    kab.db.close()

    setup = run(kab, "sync", "setup-file", "--desa", DESA, "--out", str(tmp_path))
    assert setup["ok"] and Path(setup["out"]).name == "KDS_3319032008.kdsetup"
    # A village cannot write a package before it has joined, and says how to.
    refused = run(a, "sync", "export", "--to", str(stick))
    assert refused["returncode"] == 2 and refused["error"] == "sync_not_joined" and "sync join" in refused["message"]
    joined = run(a, "sync", "join", setup["out"])
    assert joined["regency_fingerprint"] == setup["fingerprint"]
    package = run(a, "sync", "export", "--to", str(stick))
    assert package["ok"] and package["seq"] == 1 and package["participants"] == 2

    # The regency refuses the unknown device until the fingerprint read out over the phone is given.
    first = run(kab, "sync", "import", str(stick))
    assert first["returncode"] == 2 and first["refused"][0]["code"] == "sync_unknown_device"
    assert first["refused"][0]["fingerprint"] == joined["device_fingerprint"]
    typed = joined["device_fingerprint"].replace("-", " ").lower()
    second = run(kab, "sync", "import", str(stick), "--confirm-device", typed)
    assert second["ok"] and second["imported"][0]["added"] == 2 and second["imported"][0]["registered"]
    again = run(kab, "sync", "import", package["file"])
    assert again["ok"] and again["imported"][0]["already"]
    status = run(kab, "sync", "status")
    row = next(v for v in status["villages"] if v["code"] == DESA)
    assert (row["last_seq"], row["active"], row["devices"]) == (1, 2, 1)

    receipts = run(kab, "sync", "receipts", "--to", str(tmp_path / "back"))
    (receipt,) = receipts["receipts"]
    applied = run(a, "sync", "import", receipt)
    assert applied["ok"] and applied["receipts"][0]["accepted"] == 2
    # A bad receipt among good ones is named and refused; the others are still applied.
    (tmp_path / "rusak.kdr").write_bytes(b"KUDUSRCT\x02" + b"[" * 5000)
    batch = run(a, "sync", "import", str(tmp_path / "rusak.kdr"), receipt)
    assert batch["returncode"] == 2 and [r["file"] for r in batch["refused"]] == [str(tmp_path / "rusak.kdr")]
    assert batch["receipts"][0]["already_applied"]
    village = run(a, "sync", "status")["status"]
    assert village["unsent"] == 0 and village["receipt_seq"] == 1
    assert village["fingerprint"] == joined["device_fingerprint"]

    # A garbage file among packages is named and refused; the good one still goes in.
    (stick / "KDP_rusak.kdp").write_bytes(b"bukan paket")
    mixed = run(kab, "sync", "import", str(stick))
    assert mixed["returncode"] == 2
    assert [r["name"] for r in mixed["refused"]] == ["KDP_rusak.kdp"]
    assert "bukan paket" in mixed["refused"][0]["message"]
    assert [r["already"] for r in mixed["imported"]] == [True]


def test_devices_revoke_rotate_and_the_payload_limit_on_the_command_line(
    offices: dict[str, Office], tmp_path: Path
) -> None:
    a, kab = offices["a"], offices["kab"]
    stick = tmp_path / "stick"
    a.participants.create(make_draft(1))
    a.db.close()
    kab.db.close()
    setup = run(kab, "sync", "setup-file", "--desa", DESA, "--out", str(tmp_path))
    joined = run(a, "sync", "join", setup["out"])
    run(a, "sync", "export", "--to", str(stick))
    run(kab, "sync", "import", str(stick), "--confirm-device", joined["device_fingerprint"])
    devices = run(kab, "sync", "devices")
    (device,) = devices["devices"]
    assert device["state"] == "current" and device["desa_name"] == "Getaspejaten"
    assert "Getaspejaten" in cli("sync", "devices", "--data-dir", str(kab.path)).stdout

    rotated = run(a, "sync", "rotate-keys")
    assert rotated["ok"] and rotated["old_fingerprint"] == joined["device_fingerprint"] != rotated["new_fingerprint"]
    assert "Kunci perangkat baru menunggu" in run(a, "sync", "status")["message"]
    run(a, "sync", "export", "--to", str(stick / "2"))
    taken = run(kab, "sync", "import", str(stick / "2"))
    assert taken["ok"] and taken["imported"][0]["rotated"]

    refused = run(kab, "sync", "revoke", rotated["new_device"], "--reason", "")
    assert refused["returncode"] == 2 and refused["error"] == "sync_revoke_reason"
    revoked = run(kab, "sync", "revoke", rotated["new_device"], "--reason", "laptop dicuri")
    assert revoked["ok"] and revoked["device"]["state"] == "revoked"
    unknown = run(kab, "sync", "revoke", "0123456789abcdef", "--reason", "x")
    assert unknown["returncode"] == 2 and unknown["error"] == "sync_device_unknown"

    limit = run(kab, "sync", "limit")
    assert limit["payload_mb"] == 32
    assert run(kab, "sync", "limit", "--payload-mb", "8")["payload_mb"] == 8
    bad = run(kab, "sync", "limit", "--payload-mb", "0")
    assert bad["returncode"] == 2 and bad["error"] == "settings_invalid"
    village_limit = run(a, "sync", "limit")
    assert village_limit["returncode"] == 2 and village_limit["error"] == "sync_wrong_mode"
