#!/usr/bin/env python3
"""An update round trip between two real installations of the Linux bundle (run by `.ci/run`).

    python installer/roundtrip.py [--bundle dist/KudusDesktop]

The bundle `installer/build.py` made is version A. This script builds version B (A's patch
number plus one) from a copy of the tracked files with PyInstaller, installs A twice (a regency
PC and a village PC, each with its own data folder), joins the village to the regency's sync
server on 127.0.0.1, and then, only through the installed programs' own command line:

- refuses at the village: B's bundle itself (no signature), B signed and then one byte altered,
  B with its signature blanked, 0.0.9 signed by the regency, B signed by another regency;
- refuses to install B with a file its selftest needs taken out (A stays, nothing left beside it);
- installs B fetched over HTTP, loses a file of it afterwards (as an antivirus quarantine
  does), and sees `update finish` put A back;
- installs B from a stick, `update finish` keeps it, the village's next package reaches the
  regency, and the regency's device list shows the village on B.

Each step prints its time; any step that does not hold ends the script with its reason.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import signal
import socket
import sqlite3
import struct
import subprocess
import sys
import tarfile
import tempfile
import time
import urllib.request
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from kudus_desktop import __version__  # noqa: E402
from kudus_desktop.core.paths import DB_FILE_NAME  # noqa: E402
from kudus_desktop.core.sync.updates import MAGIC  # noqa: E402

DESA = "33.19.03.2008"
PASSWORD = "roundtrip-kudus-1"
#: A file the selftest reads (the first release's schema) and nothing else needs to start.
SELFTEST_FILE = Path("_internal") / "resources" / "selftest" / "schema_v1.sql"
STEP_SECONDS = 900


class Failed(SystemExit):
    def __init__(self, what: str) -> None:
        super().__init__(f"round trip: {what}")


def step(title: str) -> None:
    print(f"== {title}", flush=True)


@dataclass
class Installation:
    """One PC: an installed bundle folder and a data folder."""

    program: Path
    data: Path
    password_file: Path

    def env(self) -> dict[str, str]:
        return {**os.environ, "QT_QPA_PLATFORM": "offscreen", "KUDUS_DATA_DIR": str(self.data)}

    def raw(self, *args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [str(self.program / "kudus-desktop"), *args], capture_output=True, text=True, env=self.env(),
            timeout=STEP_SECONDS, check=False,
        )  # fmt: skip

    def run(self, *args: str, expect: int = 0) -> dict:  # type: ignore[type-arg]
        """A command with the admin's account, as JSON; ``expect`` is the exit code it must end with."""
        started = time.perf_counter()
        done = self.raw(*args, "--json", "--user", "admin", "--password-file", str(self.password_file))
        took = time.perf_counter() - started
        try:
            out = json.loads(done.stdout or done.stderr)
        except json.JSONDecodeError:
            said = f"{done.stdout[-800:]} {done.stderr[-800:]}"
            raise Failed(f"{' '.join(args)}: no JSON ({done.returncode}): {said}") from None
        print(f"   {' '.join(args[:3])}: exit {done.returncode}, {took:.1f} s", flush=True)
        if done.returncode != expect:
            raise Failed(f"{' '.join(args)} ended with {done.returncode}, expected {expect}: {out}")
        return out  # type: ignore[no-any-return]

    def version(self) -> str:
        return self.raw("--version").stdout.strip()


def refused(out: dict, code: str) -> None:  # type: ignore[type-arg]
    if out.get("error") != code:
        raise Failed(f"expected the refusal {code}, got {out}")
    print(f"   refused, {code}: {out.get('message', '')}"[:240], flush=True)


def next_version(version: str) -> str:
    major, minor, patch = (int(p) for p in version.split("."))
    return f"{major}.{minor}.{patch + 1}"


def build_b(work: Path, version: str) -> Path:
    """Version ``version`` built by PyInstaller from a copy of the tracked files."""
    source = work / "sumber"
    files = subprocess.run(["git", "ls-files", "-z"], cwd=ROOT, capture_output=True, check=True).stdout
    for name in filter(None, files.decode().split("\0")):
        if (ROOT / name).is_file():
            (source / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(ROOT / name, source / name)
    init = source / "kudus_desktop" / "__init__.py"
    text = init.read_text(encoding="utf-8")
    bumped = re.sub(r'__version__ = "[^"]+"', f'__version__ = "{version}"', text)
    if bumped == text:
        raise Failed("__version__ not found in kudus_desktop/__init__.py")
    init.write_text(bumped, encoding="utf-8")
    started = time.perf_counter()
    subprocess.run([sys.executable, str(source / "installer" / "build.py")], cwd=source, check=True)
    print(f"   bundle {version} built in {time.perf_counter() - started:.0f} s", flush=True)
    return source / "dist" / "KudusDesktop"


def pack(folder: Path, target: Path, *, leave_out: Path | None = None) -> Path:
    """The bundle as the regency publishes it: a .tar.gz with one top folder."""
    with tarfile.open(target, "w:gz", compresslevel=1) as tar:
        tar.add(folder, arcname="KudusDesktop", filter=lambda m: None if leave_out and m.name ==
                f"KudusDesktop/{leave_out.as_posix()}" else m)  # fmt: skip
    return target


def install_copy(bundle: Path, place: Path) -> Path:
    """A bundle installed: its folder copied (hard links: the swap renames folders, never edits files)."""
    target = place / "KudusDesktop"
    place.mkdir(parents=True)
    shutil.copytree(bundle, target, symlinks=True, copy_function=_link_or_copy)
    return target


def _link_or_copy(source: str, target: str) -> None:
    try:
        os.link(source, target)
    except OSError:  # another file system
        shutil.copy2(source, target)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def wait_for(url: str, proc: subprocess.Popen[bytes]) -> None:
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise Failed(f"the sync server ended: {proc.stdout.read().decode() if proc.stdout else ''}")
        try:
            with urllib.request.urlopen(url + "/v1/health", timeout=2) as reply:
                if reply.status == 200:
                    return
        except OSError:
            time.sleep(0.2)
    raise Failed("the sync server did not answer /v1/health")


def altered(path: Path, target: Path, *, blank_signature: bool = False) -> Path:
    """A copy of a signed update with its last payload byte flipped, or its signature zeroed."""
    data = bytearray(path.read_bytes())
    if blank_signature:
        (length,) = struct.unpack(">I", data[len(MAGIC) : len(MAGIC) + 4])
        start = len(MAGIC) + 4 + length
        data[start : start + 64] = bytes(64)
    else:
        data[-1] ^= 0x01
    target.write_bytes(bytes(data))
    return target


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--bundle", type=Path, default=ROOT / "dist" / "KudusDesktop", help="version A's bundle")
    parser.add_argument("--keep", action="store_true", help="keep the work folder")
    args = parser.parse_args()
    if not sys.platform.startswith("linux"):
        print("SKIPPED: the bundle round trip runs on Linux (on Windows the installer is the payload)")
        return 0
    a_bundle: Path = args.bundle.resolve()
    if not (a_bundle / "kudus-desktop").is_file():
        raise Failed(f"no bundle at {a_bundle}: run installer/build.py first")
    b_version = next_version(__version__)
    work = Path(tempfile.mkdtemp(prefix="kudus-roundtrip-"))
    server: subprocess.Popen[bytes] | None = None
    started = time.perf_counter()
    try:
        step(f"build {b_version}")
        b_bundle = build_b(work, b_version)
        password = work / "sandi"
        password.write_text(PASSWORD + "\n")
        password.chmod(0o600)
        kab = Installation(install_copy(a_bundle, work / "pc-kabupaten"), work / "data-kabupaten", password)
        desa = Installation(install_copy(a_bundle, work / "pc-desa"), work / "data-desa", password)
        other = Installation(kab.program, work / "data-kabupaten-lain", password)
        for pc in (kab, desa):
            if pc.version() != f"kudus-desktop {__version__}":
                raise Failed(f"installed A says {pc.version()!r}")

        step("set up the regency and the village, join over HTTP")
        kab.run("init", "--kabupaten", "33.19", "--admin", "admin")
        other.run("init", "--kabupaten", "33.19", "--admin", "admin")
        desa.run("init", "--desa", DESA, "--admin", "admin")
        port = free_port()
        url = f"http://127.0.0.1:{port}"
        setup = kab.run("sync", "setup-file", "--desa", DESA, "--out", str(work / "setup"), "--server", url)
        fingerprint = desa.run("sync", "join", setup["out"])["device_fingerprint"]
        server = subprocess.Popen(
            [str(kab.program / "kudus-desktop"), "server", "serve", "--port", str(port), "--user", "admin",
             "--password-file", str(password)], env=kab.env(),
            stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
        )  # fmt: skip
        wait_for(url, server)
        desa.run("sync", "push")
        (device,) = kab.run("server", "pending")["pending"]
        kab.run("server", "confirm", "--device", device["device"], "--fingerprint", fingerprint)

        step("refusals at the village")
        good_tar = pack(b_bundle, work / f"kudus-desktop-{b_version}-linux-x64.tar.gz")
        stick = work / "flashdisk"
        stick.mkdir()
        signed = Path(kab.run("update", "publish", "--file", str(good_tar), "--version", b_version, "--platform",
                              "linux-x64", "--notes", "Perbaikan uji", "--to", str(stick))["file"])  # fmt: skip
        refused(desa.run("update", "receive", str(good_tar), expect=2), "update_not_update")
        refused(desa.run("update", "receive", str(altered(signed, work / "ubah.kdu")), expect=2), "update_altered")
        blank = altered(signed, work / "tanpa-tanda.kdu", blank_signature=True)
        refused(desa.run("update", "receive", str(blank), expect=2), "update_bad_signature")
        # Any payload will do: an older version is refused before anything of it runs.
        old_tar = pack(a_bundle, work / "kudus-desktop-0.0.9-linux-x64.tar.gz")
        old_kdu = kab.run("update", "publish", "--file", str(old_tar), "--version", "0.0.9", "--platform", "linux-x64")
        refused(desa.run("update", "receive", old_kdu["file"], expect=2), "update_not_newer")
        foreign = other.run("update", "publish", "--file", str(good_tar), "--version", b_version, "--platform",
                            "linux-x64")  # fmt: skip
        refused(desa.run("update", "receive", foreign["file"], expect=2), "update_bad_signature")
        if list((desa.data / "pembaruan").glob("*.kdu*")):
            raise Failed("a refused update was kept in the village's data folder")

        step("a bundle that fails its selftest is never swapped in")
        (work / "rusak").mkdir()
        broken_tar = pack(b_bundle, work / "rusak" / good_tar.name, leave_out=SELFTEST_FILE)
        broken = kab.run("update", "publish", "--file", str(broken_tar), "--version", b_version, "--platform",
                         "linux-x64")  # fmt: skip
        desa.run("update", "receive", broken["file"])
        refused(desa.run("update", "install", expect=2), "update_selftest_failed")
        if desa.version() != f"kudus-desktop {__version__}" or sorted(
            p.name for p in desa.program.parent.iterdir()
        ) != ["KudusDesktop"]:
            raise Failed("the refused bundle touched the installed one")

        step("over HTTP: installed, then a file of it lost, and the old version comes back")
        kab.run("update", "publish", "--file", str(good_tar), "--version", b_version, "--platform", "linux-x64",
                "--notes", "Perbaikan uji")  # fmt: skip
        offered = desa.run("update", "check")
        if offered.get("version") != b_version or "Perbaikan uji" not in offered["message"]:
            raise Failed(f"update check over HTTP: {offered}")
        desa.run("update", "install")
        if desa.version() != f"kudus-desktop {b_version}":
            raise Failed(f"after install the program says {desa.version()!r}")
        (desa.program / SELFTEST_FILE).unlink()
        back = desa.run("update", "finish")
        if back.get("ok") is not False or desa.version() != f"kudus-desktop {__version__}":
            raise Failed(f"rollback: {back}, program says {desa.version()!r}")
        print(f"   {back['message']}", flush=True)

        step("from the stick: installed, proven at its first start, and its package reaches the regency")
        desa.run("update", "receive", str(stick / signed.name))
        desa.run("update", "install")
        kept = desa.run("update", "finish")
        if kept.get("ok") is not True or desa.version() != f"kudus-desktop {b_version}":
            raise Failed(f"finish: {kept}, program says {desa.version()!r}")
        if (desa.program.parent / "KudusDesktop.lama").exists():
            raise Failed("the old version's folder was kept after the new one passed")
        desa.run("sync", "push")
        devices = kab.run("sync", "devices")["devices"]
        if [d.get("app_version") for d in devices] != [b_version]:
            raise Failed(f"the regency does not see the village on {b_version}: {devices}")
        with sqlite3.connect(desa.data / DB_FILE_NAME) as conn:
            actions = {row[0] for row in conn.execute("SELECT action FROM audit_event")}
        for action in ("update_refused", "update_rolled_back", "update_installed"):
            if action not in actions:
                raise Failed(f"the village's audit log has no {action}: {actions}")
    finally:
        if server is not None:
            server.send_signal(signal.SIGINT)
            try:
                server.communicate(timeout=60)
            except subprocess.TimeoutExpired:
                server.kill()
        if not args.keep:
            shutil.rmtree(work, ignore_errors=True)
    print(f"round trip {__version__} -> {b_version}: every step held, {time.perf_counter() - started:.0f} s")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
