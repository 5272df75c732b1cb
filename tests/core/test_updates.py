"""Updates from the regency, from a stick: signed and newer installs; anything else is refused
before a byte of it runs; a new version that fails its selftest gives the old one back."""

from __future__ import annotations

import io
import json
import os
import shutil
import struct
import tarfile
from pathlib import Path

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from kudus_desktop.core.errors import KudusError
from kudus_desktop.core.storage.audit import audit_events
from kudus_desktop.core.storage.signing import identity
from kudus_desktop.core.storage.syncfile import canonical_json
from kudus_desktop.core.sync import updates
from tests.conftest import Office

WIN = "windows-x64"
LINUX = "linux-x64"


def installer(tmp: Path, size: int = 300_000) -> Path:
    path = tmp / "KudusDesktop-setup.exe"
    path.write_bytes(b"MZ" + bytes(range(256)) * (size // 256))
    return path


def program(version: str, selftest: str = "echo '12 langkah lulus'") -> bytes:
    """A bundle's command-line program as far as installing it needs: its version, its selftest."""
    return (
        f'#!/bin/sh\ncase "$1" in\n  --version) echo "kudus-desktop {version}" ;;\n  selftest) {selftest} ;;\n'
        "  *) exit 2 ;;\nesac\n"
    ).encode()


def bundle(tmp: Path, marker: str, cli: bytes | None = None) -> Path:
    """A packed bundle: one top folder holding the programs and a marker of its version."""
    buf = io.BytesIO()
    with tarfile.open(fileobj=buf, mode="w:gz") as tar:
        for name, data in (
            ("kudus-desktop/VERSI", marker.encode()),
            ("kudus-desktop/KudusDesktop", b"\x7fELF..."),
            ("kudus-desktop/kudus-desktop", program(marker) if cli is None else cli),
        ):
            info = tarfile.TarInfo(name)
            info.size = len(data)
            info.mode = 0o755
            tar.addfile(info, io.BytesIO(data))
    path = tmp / f"kudus-desktop-{marker}.tar.gz"
    path.write_bytes(buf.getvalue())
    return path


def publish(regency: Office, payload: Path, version: str = "0.2.0", tag: str = WIN, notes: str = "Perbaikan") -> Path:
    return updates.publish(regency.db, regency.user, payload, version, notes, tag)


def forged(regency_like_key: Ed25519PrivateKey, manifest: dict[str, object], payload: bytes) -> bytes:
    body = canonical_json(manifest)
    prefix = updates.MAGIC + struct.pack(">I", len(body)) + body
    return prefix + regency_like_key.sign(prefix) + payload


def manifest_of(path: Path) -> dict[str, object]:
    head = updates.head_bytes(path)
    length = struct.unpack(">I", head[len(updates.MAGIC) : len(updates.MAGIC) + 4])[0]
    return dict(json.loads(head[len(updates.MAGIC) + 4 : len(updates.MAGIC) + 4 + length]))


def test_a_signed_newer_update_from_a_stick_is_kept_and_its_installer_runs_silently(
    world: dict[str, Office], tmp_path: Path
) -> None:
    regency, village = world["kab"], world["a"]
    setup = installer(tmp_path)
    kdu = publish(regency, setup, notes="Kolom KPJ dapat disembunyikan.")
    assert kdu.parent == regency.path / updates.UPDATE_DIR / WIN
    stick = tmp_path / "stick" / kdu.name
    stick.write_bytes(kdu.read_bytes())

    staged = updates.receive_file(village.db, stick, tag=WIN)
    info = staged.info
    assert (info.version, info.notes, info.size) == ("0.2.0", "Kolom KPJ dapat disembunyikan.", setup.stat().st_size)
    assert staged.path.parent == village.path / updates.UPDATE_DIR
    stick.unlink()  # the stick is pulled: the copy in the data folder is what installs
    again = updates.staged(village.db, tag=WIN)
    assert again is not None and again.info == staged.info

    ran: list[list[str]] = []
    backups: list[Path] = []

    def backup() -> Path:
        backups.append(tmp_path / "cadangan.sqlite")
        return backups[-1]

    pending = updates.install(village.db, village.user, again, backup=backup, run_installer=ran.append)
    assert backups, "the database is backed up before anything is installed"
    command = ran[0]
    assert "/SILENT" in command and "/SUPPRESSMSGBOXES" in command
    assert Path(command[0]).read_bytes() == setup.read_bytes()
    assert (pending.old_version, pending.new_version) == ("0.1.0", "0.2.0")
    actions = [e.action for e in audit_events(village.db)]
    assert "update_started" in actions
    assert "update_published" in [e.action for e in audit_events(regency.db)]


def test_the_first_update_keeps_the_installer_the_running_version_came_with_and_runs_it_on_failure(
    world: dict[str, Office], tmp_path: Path
) -> None:
    village = world["a"]
    staged = updates.receive_file(village.db, publish(world["kab"], installer(tmp_path)), tag=WIN)
    program = tmp_path / "Kudus Desktop"
    (program / updates.KEPT_INSTALLER_DIR).mkdir(parents=True)
    (program / updates.KEPT_INSTALLER_DIR / "KudusDesktop-0.1.0-setup.exe").write_bytes(b"MZ pemasang 0.1.0")
    ran: list[list[str]] = []
    pending = updates.install(village.db, village.user, staged, backup=lambda: tmp_path / "cadangan.sqlite",
                              run_installer=ran.append, program_dir=program, running="0.1.0")  # fmt: skip
    kept = Path(pending.previous_installer)
    assert kept.parent == village.path / updates.UPDATE_DIR and kept.read_bytes() == b"MZ pemasang 0.1.0"
    # The new installer empties the program folder's copy; the one in the data folder stays.
    (program / updates.KEPT_INSTALLER_DIR / "KudusDesktop-0.1.0-setup.exe").unlink()
    outcome = updates.finish(village.path, lambda: (False, "langkah 'kartu' gagal"), running="0.2.0",
                             run_installer=ran.append)  # fmt: skip
    assert outcome is not None and not outcome.ok
    assert ran[-1][0] == str(kept) and "/SILENT" in ran[-1], "the old version's installer runs again"


def refusal(village: Office, data: bytes, tmp: Path, name: str = "pembaruan.kdu", tag: str = WIN) -> str:
    path = tmp / name
    path.write_bytes(data)
    with pytest.raises(KudusError) as caught:
        updates.receive_file(village.db, path, tag=tag)
    assert not list((village.path / updates.UPDATE_DIR).glob("*.kdu*")), "nothing refused is kept"
    return caught.value.code


def test_unsigned_altered_older_and_foreign_updates_are_refused_with_a_reason(
    world: dict[str, Office], tmp_path: Path
) -> None:
    regency, village = world["kab"], world["a"]
    good = publish(regency, installer(tmp_path)).read_bytes()
    manifest = manifest_of(publish(regency, installer(tmp_path)))
    payload = installer(tmp_path).read_bytes()
    regency_key = identity(regency.db).sign

    assert refusal(village, forged(Ed25519PrivateKey.generate(), manifest, payload), tmp_path) == "update_bad_signature"
    flipped = bytearray(good)
    flipped[-10] ^= 1
    assert refusal(village, bytes(flipped), tmp_path) == "update_altered"
    assert refusal(village, good[:-1000], tmp_path) == "update_altered"
    assert refusal(village, good + b"tambahan", tmp_path) == "update_altered"
    head_flip = bytearray(good)
    head_flip[len(updates.MAGIC) + 20] ^= 1  # a manifest byte: the signature no longer holds
    assert refusal(village, bytes(head_flip), tmp_path) == "update_bad_signature"
    older = forged(regency_key, {**manifest, "version": "0.1.0"}, payload)
    assert refusal(village, older, tmp_path) == "update_not_newer"
    other = forged(regency_key, {**manifest, "regency": "33.20"}, payload)
    assert refusal(village, other, tmp_path) == "update_other_regency"
    assert refusal(village, good, tmp_path, tag=LINUX) == "update_other_platform"
    needs = forged(regency_key, {**manifest, "min_schema": 999}, payload)
    assert refusal(village, needs, tmp_path) == "update_needs_step"
    odd_name = forged(regency_key, {**manifest, "file_name": "../../evil.exe"}, payload)
    assert refusal(village, odd_name, tmp_path) == "update_damaged"
    assert refusal(village, b"PK\x03\x04 bukan pembaruan", tmp_path) == "update_not_update"
    huge_head = updates.MAGIC + struct.pack(">I", 2**31) + b"{}"
    assert refusal(village, huge_head, tmp_path) == "update_damaged"
    at_regency = tmp_path / "di-kabupaten.kdu"
    at_regency.write_bytes(good)
    with pytest.raises(KudusError) as caught:
        updates.receive_file(regency.db, at_regency, tag=WIN)
    assert caught.value.code == "sync_wrong_mode", "a regency takes no update as a village does"


def test_a_file_larger_than_any_update_is_refused_before_it_is_read(world: dict[str, Office], tmp_path: Path) -> None:
    path = tmp_path / "besar.kdu"
    with path.open("wb") as f:
        f.truncate(updates.MAX_FILE + 1)  # sparse: no disk used
    with pytest.raises(KudusError) as caught:
        updates.receive_file(world["a"].db, path, tag=WIN)
    assert caught.value.code == "update_too_large" and "MB" in str(caught.value)


def test_a_bundle_is_swapped_in_and_given_back_when_its_selftest_fails(
    world: dict[str, Office], tmp_path: Path
) -> None:
    regency, village = world["kab"], world["a"]
    place = tmp_path / "program"
    (place / "kudus-desktop").mkdir(parents=True)
    (place / "kudus-desktop" / "VERSI").write_text("lama")
    running = place / "kudus-desktop"

    def take(version: str) -> updates.StagedUpdate:
        kdu = publish(regency, bundle(tmp_path, version), version, LINUX)
        return updates.receive_file(village.db, kdu, tag=LINUX)

    updates.install(village.db, village.user, take("0.2.0"), backup=lambda: tmp_path / "c", bundle_dir=running)
    assert (running / "VERSI").read_text() == "0.2.0"
    assert (place / "kudus-desktop.lama" / "VERSI").read_text() == "lama"
    outcome = updates.finish(village.path, lambda: (False, "langkah 'kartu' gagal"), running="0.2.0")
    assert outcome is not None and not outcome.ok and "kartu" in outcome.detail
    assert (running / "VERSI").read_text() == "lama", "the old version is back"
    assert not (place / "kudus-desktop.lama").exists()
    told = updates.take_result(village.path)
    assert told == outcome and updates.take_result(village.path) is None, "said once"

    updates.install(village.db, village.user, take("0.2.1"), backup=lambda: tmp_path / "c", bundle_dir=running)
    outcome = updates.finish(village.path, lambda: (True, "12 langkah lulus"), running="0.2.1")
    assert outcome is not None and outcome.ok
    assert (running / "VERSI").read_text() == "0.2.1" and not (place / "kudus-desktop.lama").exists()
    assert updates.finish(village.path, lambda: (True, ""), running="0.2.1") is None, "nothing pending any more"


def test_a_failed_version_whose_predecessor_is_gone_says_so_instead_of_claiming_it_back(
    world: dict[str, Office], tmp_path: Path
) -> None:
    regency, village = world["kab"], world["a"]
    running = tmp_path / "program" / "kudus-desktop"
    running.mkdir(parents=True)
    staged = updates.receive_file(village.db, publish(regency, bundle(tmp_path, "0.2.0"), "0.2.0", LINUX), tag=LINUX)
    updates.install(village.db, village.user, staged, backup=lambda: tmp_path / "c", bundle_dir=running)
    shutil.rmtree(running.with_name("kudus-desktop.lama"))  # removed by hand, or by a cleaning tool
    outcome = updates.finish(village.path, lambda: (False, "langkah 'kartu' gagal"), running="0.2.0")
    assert outcome is not None and not outcome.ok and not outcome.restored
    assert (running / "VERSI").read_text() == "0.2.0", "the only version there is stays"
    assert updates.take_result(village.path) == outcome
    updates.record_result(village.db, village.user, outcome)
    assert audit_events(village.db)[0].action == "update_failed"


@pytest.mark.skipif(os.name == "nt", reason="the bundle's stand-in program is a shell script")
@pytest.mark.parametrize(
    ("cli", "reason"),
    [
        (program("0.2.0", "echo \"langkah 'wilayah' gagal: kudus_wilayah.csv tidak ada\"; exit 1"), "wilayah"),
        (program("0.1.9"), "program melaporkan kudus-desktop 0.1.9"),
        (b"\x7fELF rusak", "program tidak dapat dijalankan"),
    ],
    ids=["selftest fails", "another version inside", "cannot start"],
)
def test_a_bundle_that_fails_its_own_selftest_is_never_swapped_in(
    world: dict[str, Office], tmp_path: Path, cli: bytes, reason: str
) -> None:
    regency, village = world["kab"], world["a"]
    running = tmp_path / "program" / "kudus-desktop"
    running.mkdir(parents=True)
    (running / "VERSI").write_text("lama")
    kdu = publish(regency, bundle(tmp_path, "0.2.0", cli), "0.2.0", LINUX)
    staged = updates.receive_file(village.db, kdu, tag=LINUX)
    backups: list[str] = []
    with pytest.raises(KudusError) as caught:
        updates.install(village.db, village.user, staged, backup=lambda: backups.append("x") or tmp_path,
                        bundle_dir=running)  # fmt: skip
    assert caught.value.code == "update_selftest_failed" and reason in str(caught.value)
    assert "Versi yang terpasang tetap dipakai" in str(caught.value)
    assert (running / "VERSI").read_text() == "lama" and sorted(p.name for p in running.parent.iterdir()) == [
        "kudus-desktop"
    ], "the running version is untouched and nothing is left beside it"
    assert backups == [] and updates.finish(village.path, lambda: (True, ""), running="0.1.0") is None
    assert "update_refused" in [e.action for e in audit_events(village.db)]


def test_a_bundle_that_reaches_outside_its_folder_is_refused(world: dict[str, Office], tmp_path: Path) -> None:
    regency, village = world["kab"], world["a"]
    buf = io.BytesIO()
    with tarfile.open(fileobj=buf, mode="w:gz") as tar:
        info = tarfile.TarInfo("../../lepas.txt")
        info.size = 4
        tar.addfile(info, io.BytesIO(b"jahat"[:4]))
    payload = tmp_path / "jahat.tar.gz"
    payload.write_bytes(buf.getvalue())
    staged = updates.receive_file(village.db, publish(regency, payload, "0.3.0", LINUX), tag=LINUX)
    running = tmp_path / "program" / "kudus-desktop"
    running.mkdir(parents=True)
    with pytest.raises(KudusError) as caught:
        updates.install(village.db, village.user, staged, backup=lambda: tmp_path / "c", bundle_dir=running)
    assert caught.value.code == "update_damaged"
    assert not (tmp_path / "lepas.txt").exists() and running.is_dir()


@pytest.mark.usefixtures("as_admin")
def test_the_command_line_publishes_to_a_stick_and_a_village_takes_it(world: dict[str, Office], tmp_path: Path) -> None:
    from tests.commands import cli

    regency, village = world["kab"], world["a"]
    stick = tmp_path / "stick"

    def run(office: Office, *args: str) -> dict[str, object]:
        result = cli(*args, "--data-dir", str(office.path), "--json")
        out = dict(json.loads(result.stdout or result.stderr))
        out["returncode"] = result.returncode
        return out

    setup = installer(tmp_path)
    published = run(regency, "update", "publish", "--file", str(setup), "--version", "0.2.0", "--platform", WIN,
                    "--notes", "Perbaikan", "--to", str(stick))  # fmt: skip
    assert published["returncode"] == 0 and "ditandatangani" in str(published["message"])
    on_stick = stick / updates.update_name("0.2.0", WIN)
    assert on_stick.is_file()
    bad = run(regency, "update", "publish", "--file", str(setup), "--version", "dua", "--platform", WIN)
    assert bad["returncode"] == 2 and bad["error"] == "update_bad_version"

    if updates.platform_tag() == WIN:
        taken = run(village, "update", "receive", str(on_stick))
        assert taken["version"] == "0.2.0" and "Versi baru tersedia" in str(taken["message"])
    else:  # this machine is not the update's platform: refused with the reason
        taken = run(village, "update", "receive", str(on_stick))
        assert taken["returncode"] == 2 and taken["error"] == "update_other_platform"
    from_source = run(village, "update", "install")
    assert from_source["returncode"] == 2 and from_source["error"] in ("update_none", "update_not_bundle")
    nothing = run(village, "update", "finish")
    assert nothing["returncode"] == 0 and nothing["pending"] is False
