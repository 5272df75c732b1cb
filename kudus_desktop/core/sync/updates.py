"""New versions delivered by the regency: a file it signs, carried by the sync server or a stick.

An update file (``.kdu``) is::

    MAGIC | u32 manifest length | manifest (canonical JSON) | Ed25519 signature | payload

The signature is the regency's office key over everything before it; a village already trusts
that key from its setup file, so nothing else is needed to believe an update. The manifest names
the version, the platform, the payload's size and SHA-256, the notes shown to the clerk and the
oldest database schema the new version migrates from.

A village takes an update only when every check holds, before any of the payload runs: the file
is no larger than :data:`MAX_FILE`, the manifest no larger than :data:`MAX_MANIFEST`, the
signature is the regency's (checked before the manifest is parsed), the manifest's fields are
well formed, it is for this regency and this platform, its version is newer than the one running,
and the payload is exactly the size and hash the manifest says. The file is copied into the data
folder first and checked there, so a stick pulled or swapped while it is read changes nothing.

Installing (:func:`install`) backs the database up, then on Windows runs the Inno Setup installer
silently, and elsewhere unpacks the bundle beside the running one and swaps the two folders. The
new version's first start runs its selftest (:func:`finish`); when it fails, the old folder comes
back (on Windows the installer the old version came with is run again when it was kept).
"""

from __future__ import annotations

import hashlib
import json
import os
import platform
import re
import shutil
import struct
import subprocess
import sys
import tarfile
import tempfile
from collections.abc import Callable
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import IO, Any

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

from kudus_desktop import __version__
from kudus_desktop.core.rules.codes import Mode
from kudus_desktop.core.rules.dates import now_iso
from kudus_desktop.core.rules.records import UserView
from kudus_desktop.core.storage import settings
from kudus_desktop.core.storage.audit import write_audit
from kudus_desktop.core.storage.db import SCHEMA_VERSION, Database
from kudus_desktop.core.storage.signing import identity
from kudus_desktop.core.storage.syncfile import SyncError, b64decode_exact, canonical_json
from kudus_desktop.core.sync.common import require_mode

MAGIC = b"KUDUS-PEMBARUAN\x01"
MAX_MANIFEST = 16 * 1024
#: An installer is about 80 MB, a packed bundle about 150 MB: far below this.
MAX_PAYLOAD = 768 * 1024 * 1024
HEAD_FIXED = len(MAGIC) + 4 + 64
MAX_HEAD = HEAD_FIXED + MAX_MANIFEST
MAX_FILE = MAX_HEAD + MAX_PAYLOAD
#: The bundle's unpacked size is bounded too (a packed bomb would fill the disk).
MAX_UNPACKED = 3 * 1024 * 1024 * 1024
MAX_NOTES = 4000
UPDATE_DIR = Path("pembaruan")
SUFFIX = ".kdu"
PLATFORMS = ("windows-x64", "linux-x64")
KINDS = {"windows-x64": "installer", "linux-x64": "bundle"}
#: What Inno Setup is told: no questions, close the running application, and (our script's own
#: parameter) start the new version when done.
INSTALLER_FLAGS = ("/SILENT", "/SUPPRESSMSGBOXES", "/NORESTART", "/CLOSEAPPLICATIONS", "/PEMBARUAN=1")
_VERSION = re.compile(r"(\d{1,4})\.(\d{1,4})\.(\d{1,4})\Z")
_REGENCY = re.compile(r"\d{2}\.\d{2}\Z")
_FILE_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]{0,120}\Z")
_HEX64 = re.compile(r"[0-9a-f]{64}\Z")
_STAMP = re.compile(r"\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}\Z")
_CHUNK = 1024 * 1024
_FIELDS: dict[str, type] = {
    "kind": str, "format": int, "regency": str, "version": str, "platform": str, "payload": str, "file_name": str,
    "size": int, "sha256": str, "notes": str, "min_schema": int, "published_at": str, "signer": str,
}  # fmt: skip


class UpdateError(SyncError):
    """An update file or step was refused; nothing was installed."""


@dataclass(frozen=True, slots=True)
class UpdateInfo:
    """What a verified manifest says."""

    regency: str
    version: str
    platform: str
    payload: str  # "installer" or "bundle"
    file_name: str
    size: int
    sha256: str
    notes: str
    min_schema: int
    published_at: str
    signer: str


def version_key(text: str) -> tuple[int, int, int] | None:
    match = _VERSION.match(text)
    return None if match is None else (int(match[1]), int(match[2]), int(match[3]))


def is_newer(version: str, than: str = __version__) -> bool:
    new, old = version_key(version), version_key(than)
    return new is not None and old is not None and new > old


def platform_tag() -> str:
    """``windows-x64``, ``linux-x64``, or what another machine is (no update is made for it)."""
    machine = platform.machine().lower()
    arch = "x64" if machine in ("amd64", "x86_64") else machine or "unknown"
    system = "windows" if sys.platform == "win32" else sys.platform
    return f"{system}-{arch}"


def update_name(version: str, tag: str) -> str:
    return f"kudus-desktop-{version}-{tag}{SUFFIX}"


# ------------------------------------------------------------------------------- the regency


def publish(
    db: Database,
    user: UserView,
    payload_path: Path,
    version: str,
    notes: str,
    tag: str,
    *,
    min_schema: int = 1,
) -> Path:
    """Sign ``payload_path`` (the installer or the packed bundle) as version ``version`` for
    ``tag``'s villages; the file is kept in the regency's update folder, where the sync server
    offers it and from where it is copied to a stick."""
    with db.read() as conn:
        values = require_mode(conn, Mode.KABUPATEN)
    if version_key(version) is None:
        raise UpdateError("update_bad_version", version=version[:40])
    if tag not in PLATFORMS:
        raise UpdateError("update_bad_platform", platform=tag[:40], known=", ".join(PLATFORMS))
    notes = notes.strip()
    if len(notes) > MAX_NOTES:
        raise UpdateError("update_notes_too_long", limit=MAX_NOTES)
    if not 1 <= min_schema <= SCHEMA_VERSION:
        raise UpdateError("update_bad_schema", found=min_schema, supported=SCHEMA_VERSION)
    try:
        size = payload_path.stat().st_size
    except OSError as exc:
        raise UpdateError("update_unreadable", name=payload_path.name, reason=exc.strerror or str(exc)) from None
    if not 0 < size <= MAX_PAYLOAD:
        raise UpdateError("update_too_large", name=payload_path.name, limit=MAX_PAYLOAD // (1024 * 1024))
    with payload_path.open("rb") as f:
        digest, _size = _digest_rest(f)
    me = identity(db)
    manifest = {
        "kind": "kudus-desktop-update", "format": 1, "regency": values[settings.REGION_CODE.key], "version": version,
        "platform": tag, "payload": KINDS[tag], "file_name": _safe_name(payload_path.name, tag), "size": size,
        "sha256": digest, "notes": notes, "min_schema": min_schema, "published_at": now_iso(),
        "signer": me.device_id,
    }  # fmt: skip
    body = canonical_json(manifest)
    prefix = MAGIC + struct.pack(">I", len(body)) + body
    head = prefix + me.sign.sign(prefix)
    folder = db.data_dir / UPDATE_DIR / tag
    folder.mkdir(parents=True, exist_ok=True)
    target = folder / update_name(version, tag)
    part = target.with_name(target.name + ".part")
    with part.open("wb") as out, payload_path.open("rb") as src:
        out.write(head)
        shutil.copyfileobj(src, out, _CHUNK)
        out.flush()
        os.fsync(out.fileno())
    part.replace(target)
    with db.begin() as conn:
        write_audit(conn, user.username, "update_published", f"{version} {tag}, {size:,} bita, sha256 {digest[:16]}")
    return target


def copy_update(path: Path, folder: Path) -> Path:
    """A published update copied to ``folder`` (a stick) as packages are: under a temporary name,
    flushed to the device, then renamed, so a stick pulled midway holds no file a village takes."""
    target = folder / path.name
    part = folder / f"~{path.name}.tmp"
    try:
        with path.open("rb") as src, part.open("wb") as out:
            shutil.copyfileobj(src, out, _CHUNK)
            out.flush()
            os.fsync(out.fileno())
        part.replace(target)
    except OSError as exc:
        part.unlink(missing_ok=True)
        raise UpdateError("update_copy_failed", folder=str(folder), reason=exc.strerror or str(exc)) from None
    return target


def published(data_dir: Path, tag: str, regency_sign: bytes) -> tuple[Path, UpdateInfo] | None:
    """The newest update kept for ``tag`` whose head the regency's own key verifies."""
    folder = data_dir / UPDATE_DIR / tag
    best: tuple[Path, UpdateInfo] | None = None
    for path in sorted(folder.glob(f"*{SUFFIX}")) if folder.is_dir() else []:
        try:
            with path.open("rb") as f:
                info = verify_head(read_head(f, path.name), regency_sign, path.name)
        except (OSError, UpdateError):
            continue  # a half-copied or foreign file in the folder is never offered
        if info.platform == tag and (best is None or is_newer(info.version, best[1].version)):
            best = (path, info)
    return best


# ------------------------------------------------------------------------------- reading


def read_head(stream: IO[bytes], name: str) -> bytes:
    """The magic, manifest and signature of an update, read within their bounds."""
    fixed = stream.read(len(MAGIC) + 4)
    if len(fixed) < len(MAGIC) + 4 or fixed[: len(MAGIC)] != MAGIC:
        raise UpdateError("update_not_update", name=name)
    (length,) = struct.unpack(">I", fixed[len(MAGIC) :])
    if not 2 <= length <= MAX_MANIFEST:
        raise UpdateError("update_damaged", name=name, detail="panjang manifes")
    rest = stream.read(length + 64)
    if len(rest) < length + 64:
        raise UpdateError("update_damaged", name=name, detail="terpotong")
    return fixed + rest


def verify_head(head: bytes, regency_sign: bytes, name: str) -> UpdateInfo:
    """The manifest of ``head`` once the regency's signature over it holds, field by field."""
    length = struct.unpack(">I", head[len(MAGIC) : len(MAGIC) + 4])[0]
    prefix, signature = head[: len(MAGIC) + 4 + length], head[len(MAGIC) + 4 + length :]
    try:
        Ed25519PublicKey.from_public_bytes(regency_sign).verify(signature, prefix)
    except (InvalidSignature, ValueError):
        raise UpdateError("update_bad_signature", name=name) from None
    try:
        raw = json.loads(prefix[len(MAGIC) + 4 :].decode("utf-8"))
    except (UnicodeDecodeError, ValueError):
        raise UpdateError("update_damaged", name=name, detail="manifes") from None
    if not isinstance(raw, dict):
        raise UpdateError("update_damaged", name=name, detail="manifes")
    for key, want in _FIELDS.items():
        if type(raw.get(key)) is not want:
            raise UpdateError("update_damaged", name=name, detail=key)
    checks = {
        "kind": raw["kind"] == "kudus-desktop-update" and raw["format"] == 1,
        "regency": _REGENCY.match(raw["regency"]),
        "version": version_key(raw["version"]),
        "platform": raw["platform"] in PLATFORMS and raw["payload"] == KINDS[raw["platform"]],
        "file_name": _FILE_NAME.match(raw["file_name"]) and ".." not in raw["file_name"],
        "size": 0 < raw["size"] <= MAX_PAYLOAD,
        "sha256": _HEX64.match(raw["sha256"]),
        "notes": len(raw["notes"]) <= MAX_NOTES,
        "min_schema": 1 <= raw["min_schema"] <= 10_000,
        "published_at": _STAMP.match(raw["published_at"]),
        "signer": re.fullmatch(r"[0-9a-f]{16}", raw["signer"]),
    }
    for key, ok in checks.items():
        if not ok:
            raise UpdateError("update_damaged", name=name, detail=key)
    return UpdateInfo(**{k: raw[k] for k in UpdateInfo.__slots__})


# ------------------------------------------------------------------------------- the village


@dataclass(frozen=True, slots=True)
class StagedUpdate:
    """A verified update kept in the data folder, ready to install."""

    info: UpdateInfo
    path: Path  # the whole .kdu inside the data folder

    @property
    def payload_offset(self) -> int:
        with self.path.open("rb") as f:
            return len(read_head(f, self.path.name))


def regency_key(db: Database) -> bytes:
    """The regency's signing key a village trusts (from its setup file)."""
    return _village(db)[1]


def _village(db: Database) -> tuple[str, bytes]:
    with db.read() as conn:
        values = require_mode(conn, Mode.DESA)
    sign = b64decode_exact(values[settings.SYNC_REGENCY_SIGN.key], 32)
    if sign is None:
        raise SyncError("sync_not_joined")
    return values[settings.SYNC_REGENCY.key], sign


def check(db: Database, info: UpdateInfo, name: str, *, tag: str | None = None, running: str = __version__) -> None:
    """Refuse an update (verified or not yet fetched) that is not for this installation."""
    regency, _sign = _village(db)
    if info.regency != regency:
        raise UpdateError("update_other_regency", name=name, found=info.regency, expected=regency)
    here = tag or platform_tag()
    if info.platform != here:
        raise UpdateError("update_other_platform", name=name, found=info.platform, expected=here)
    if not is_newer(info.version, running):
        raise UpdateError("update_not_newer", name=name, found=info.version, running=running)
    if info.min_schema > SCHEMA_VERSION:
        raise UpdateError("update_needs_step", name=name, version=info.version, found=SCHEMA_VERSION)


def receive(
    db: Database, source: IO[bytes], name: str, *, tag: str | None = None, running: str = __version__
) -> StagedUpdate:
    """Copy an update from ``source`` (a stick's file, a download) into the data folder and
    verify the copy: head, signature, fields, this installation, and the payload's size and hash.
    A refused file is removed again; a good one replaces an older staged update."""
    _regency, sign = _village(db)
    head = read_head(source, name)
    info = verify_head(head, sign, name)
    check(db, info, name, tag=tag, running=running)
    folder = db.data_dir / UPDATE_DIR
    folder.mkdir(parents=True, exist_ok=True)
    target = folder / update_name(info.version, info.platform)
    part = target.with_name(target.name + ".part")
    digest = hashlib.sha256()
    received = 0
    try:
        with part.open("wb") as out:
            out.write(head)
            while chunk := source.read(_CHUNK):
                received += len(chunk)
                if received > info.size:
                    raise UpdateError("update_altered", name=name, detail="lebih panjang")
                digest.update(chunk)
                out.write(chunk)
            out.flush()
            os.fsync(out.fileno())
        if received != info.size:
            raise UpdateError("update_altered", name=name, detail="terpotong")
        if digest.hexdigest() != info.sha256:
            raise UpdateError("update_altered", name=name, detail="sidik SHA-256")
    except BaseException:
        part.unlink(missing_ok=True)
        raise
    for old in folder.glob(f"*{SUFFIX}"):
        if old != target:
            old.unlink(missing_ok=True)
    part.replace(target)
    return StagedUpdate(info, target)


def receive_file(db: Database, path: Path, **kw: Any) -> StagedUpdate:
    """:func:`receive` from a file (a stick), refusing one larger than any update can be."""
    try:
        if path.stat().st_size > MAX_FILE:
            raise UpdateError("update_too_large", name=path.name, limit=MAX_PAYLOAD // (1024 * 1024))
        with path.open("rb") as f:
            return receive(db, f, path.name, **kw)
    except OSError as exc:
        raise UpdateError("update_unreadable", name=path.name, reason=exc.strerror or str(exc)) from None


def staged(db: Database, *, tag: str | None = None, running: str = __version__) -> StagedUpdate | None:
    """The update waiting in the data folder, verified again in one read (it is read before it
    runs); one that is outdated (installed already) or altered on disk is removed."""
    folder = db.data_dir / UPDATE_DIR
    paths = sorted(folder.glob(f"*{SUFFIX}")) if folder.is_dir() else []
    if not paths:
        return None
    sign = regency_key(db)
    for path in paths:
        try:
            with path.open("rb") as f:
                info = verify_head(read_head(f, path.name), sign, path.name)
                check(db, info, path.name, tag=tag, running=running)
                if _digest_rest(f) != (info.sha256, info.size):
                    raise UpdateError("update_altered", name=path.name, detail="berkas berubah")
        except (OSError, SyncError):
            path.unlink(missing_ok=True)
            continue
        return StagedUpdate(info, path)
    return None


# ------------------------------------------------------------------------------- installing

PENDING_FILE = "pemasangan.json"
RESULT_FILE = "hasil-pemasangan.json"


@dataclass(frozen=True, slots=True)
class Pending:
    """An installation started by the old version, finished by the new one's first start."""

    old_version: str
    new_version: str
    platform: str
    bundle_dir: str  # the running bundle's folder ("" for an installer)
    previous_installer: str  # the installer the old version came with, when kept
    backup: str
    started_at: str


@dataclass(frozen=True, slots=True)
class Outcome:
    """What the new version's first start found: installed, or gone back to the old one."""

    ok: bool
    old_version: str
    new_version: str
    detail: str
    #: After a failure, whether the old version runs again (false: its folder or installer was gone).
    restored: bool = True


def bundle_dir() -> Path | None:
    """The installed bundle's folder; None when running from the source code."""
    return Path(sys.executable).resolve().parent if getattr(sys, "frozen", False) else None


def start_installer(command: list[str]) -> None:
    """Start the installer on its own: it closes this application and starts the new one."""
    flags = getattr(subprocess, "DETACHED_PROCESS", 0) | getattr(subprocess, "CREATE_NEW_PROCESS_GROUP", 0)
    subprocess.Popen(command, creationflags=flags, close_fds=True)


def extract_payload(update: StagedUpdate, target: Path) -> Path:
    """The payload as its own file (the installer the update carried)."""
    with update.path.open("rb") as src, target.open("wb") as out:
        src.seek(update.payload_offset)
        shutil.copyfileobj(src, out, _CHUNK)
    return target


def unpack_bundle(update: StagedUpdate, into: Path) -> Path:
    """Unpack a bundle payload (a .tar.gz of one top folder) into ``into``: only regular files
    and folders inside it, within :data:`MAX_UNPACKED` in all. Returns the top folder."""
    if into.exists():
        shutil.rmtree(into)
    into.mkdir(parents=True)
    with update.path.open("rb") as src:
        src.seek(update.payload_offset)
        try:
            with tarfile.open(fileobj=src, mode="r|gz") as archive:
                total = 0
                for member in archive:
                    total += max(member.size, 0)
                    if total > MAX_UNPACKED:
                        raise UpdateError("update_damaged", name=update.path.name, detail="isi terlalu besar")
                    if not (member.isfile() or member.isdir()):
                        continue  # links and devices are never unpacked
                    archive.extract(member, into, filter="data")
        except (tarfile.TarError, OSError, EOFError) as exc:
            raise UpdateError("update_damaged", name=update.path.name, detail=type(exc).__name__) from None
    tops = [p for p in into.iterdir() if p.is_dir()]
    if len(tops) != 1:
        raise UpdateError("update_damaged", name=update.path.name, detail="susunan berkas")
    return tops[0]


#: Where the Windows installer leaves a copy of itself in the program folder (installer/kudus-desktop.iss).
KEPT_INSTALLER_DIR = "pemasang"

#: The unpacked bundle's own selftest takes 10-30 s on a village PC; a bundle that hangs is refused.
PROVE_SECONDS = 600


def prove_bundle(folder: Path, version: str) -> None:
    """Run the unpacked bundle's own ``--version`` and ``selftest``, headless, in a throwaway data
    folder, before it replaces the running one: a bundle that cannot start or fails a step is
    refused with the step's reason, and the running version stays as it is."""
    exe = folder / ("kudus-desktop.exe" if os.name == "nt" else "kudus-desktop")
    if not exe.is_file():
        raise UpdateError("update_damaged", name=folder.name, detail="program kudus-desktop tidak ada")
    with tempfile.TemporaryDirectory(prefix="kudus-uji-") as data:
        env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "KUDUS_DATA_DIR": data}
        for args in (["--version"], ["selftest"]):
            try:
                done = subprocess.run(
                    [str(exe), *args], capture_output=True, text=True, errors="replace", env=env, cwd=data,
                    timeout=PROVE_SECONDS, check=False,
                )  # fmt: skip
            except subprocess.TimeoutExpired:
                raise UpdateError("update_selftest_failed", version=version, detail="tidak selesai") from None
            except OSError as exc:
                raise UpdateError(
                    "update_selftest_failed",
                    version=version,
                    detail=f"program tidak dapat dijalankan: {exc.strerror or exc}",
                ) from None
            said = (done.stdout.strip() or done.stderr.strip()).splitlines()
            if args == ["--version"] and done.returncode == 0 and said != [f"kudus-desktop {version}"]:
                found = said[0][:80] if said else "?"
                raise UpdateError("update_selftest_failed", version=version, detail=f"program melaporkan {found}")
            if done.returncode:
                last = next((line for line in reversed(said) if line.strip()), f"kode {done.returncode}")
                raise UpdateError("update_selftest_failed", version=version, detail=last.strip()[:200])


def install(
    db: Database,
    user: UserView,
    update: StagedUpdate,
    *,
    backup: Callable[[], Path],
    bundle_dir: Path | None = None,
    run_installer: Callable[[list[str]], None] | None = None,
    running: str = __version__,
    prove: Callable[[Path, str], None] = prove_bundle,
    program_dir: Path | None = None,
) -> Pending:
    """Back up, then put the new version in place; the caller restarts the application.

    A bundle (``bundle_dir`` is the running one) is unpacked beside it and proven there by its
    own selftest (``prove``); only then are the two folders swapped, the old one kept as
    ``<name>.lama`` until the new one passes its selftest again at its first start. An
    installer is handed to ``run_installer`` with Inno Setup's silent flags (it closes this
    application and starts the new one). The installer the running version came with is kept
    first, so a failed selftest can run it again: the one a previous update left in the data
    folder, else the copy the installer left in ``program_dir`` (:data:`KEPT_INSTALLER_DIR`)."""
    folder = db.data_dir / UPDATE_DIR
    fresh: Path | None = None
    if update.info.payload == "bundle":
        if bundle_dir is None:
            raise UpdateError("update_not_bundle")
        fresh = unpack_bundle(update, bundle_dir.with_name(bundle_dir.name + ".baru"))
        try:
            prove(fresh, update.info.version)
        except UpdateError as exc:
            shutil.rmtree(fresh.parent, ignore_errors=True)
            with db.begin() as conn:
                write_audit(conn, user.username, "update_refused", f"{update.info.version}: {exc}"[:300])
            raise
    copy = backup()
    previous = sorted(folder.glob(f"installer-{running}.exe"))
    if not previous and fresh is None and program_dir is not None:
        kept = program_dir / KEPT_INSTALLER_DIR / f"KudusDesktop-{running}-setup.exe"
        if kept.is_file():
            # The new installer replaces that copy, so it is taken out of the program folder first.
            folder.mkdir(parents=True, exist_ok=True)
            previous = [folder / f"installer-{running}.exe"]
            shutil.copyfile(kept, previous[0])
    pending = Pending(
        old_version=running, new_version=update.info.version, platform=update.info.platform,
        bundle_dir=str(bundle_dir or ""), previous_installer=str(previous[0]) if previous else "",
        backup=str(copy), started_at=now_iso(),
    )  # fmt: skip
    with db.begin() as conn:
        write_audit(conn, user.username, "update_started", f"{running} -> {update.info.version}, cadangan {copy.name}")
    _write_json(folder / PENDING_FILE, asdict(pending))
    if fresh is not None and bundle_dir is not None:
        old = bundle_dir.with_name(bundle_dir.name + ".lama")
        if old.exists():
            shutil.rmtree(old)
        bundle_dir.replace(old)
        try:
            fresh.replace(bundle_dir)
        except OSError:
            old.replace(bundle_dir)
            raise
        shutil.rmtree(fresh.parent, ignore_errors=True)
    else:
        installer = extract_payload(update, folder / f"installer-{update.info.version}.exe")
        if run_installer is None:
            raise UpdateError("update_not_bundle")
        run_installer([str(installer), *INSTALLER_FLAGS, f"/LOG={folder / 'pemasangan.log'}"])
    return pending


def finish(
    data_dir: Path,
    selftest: Callable[[], tuple[bool, str]],
    *,
    running: str = __version__,
    run_installer: Callable[[list[str]], None] | None = None,
) -> Outcome | None:
    """On start: when an installation is pending, prove the new version with its selftest and
    keep it, or put the old one back. ``None`` when nothing was pending."""
    folder = data_dir / UPDATE_DIR
    raw = _read_json(folder / PENDING_FILE)
    if raw is None:
        return None
    try:
        pending = Pending(**{k: str(raw[k]) for k in Pending.__slots__})
    except (KeyError, TypeError):
        (folder / PENDING_FILE).unlink(missing_ok=True)
        return None
    bundle = Path(pending.bundle_dir) if pending.bundle_dir else None
    old = bundle.with_name(bundle.name + ".lama") if bundle else None
    if running == pending.old_version:
        outcome = Outcome(False, pending.old_version, pending.new_version, "pemasangan tidak selesai")
    else:
        ok, detail = selftest()
        if ok:
            if old is not None:
                shutil.rmtree(old, ignore_errors=True)
            outcome = Outcome(True, pending.old_version, running, detail)
        else:
            restored = False
            if bundle is not None and old is not None and old.is_dir():
                failed = bundle.with_name(bundle.name + ".gagal")
                shutil.rmtree(failed, ignore_errors=True)
                bundle.replace(failed)
                old.replace(bundle)
                shutil.rmtree(failed, ignore_errors=True)
                restored = True
            elif pending.previous_installer and Path(pending.previous_installer).is_file() and run_installer:
                run_installer([pending.previous_installer, *INSTALLER_FLAGS])
                restored = True
            outcome = Outcome(False, pending.old_version, running, detail, restored)
    (folder / PENDING_FILE).unlink(missing_ok=True)
    _write_json(folder / RESULT_FILE, asdict(outcome))
    return outcome


def take_result(data_dir: Path) -> Outcome | None:
    """The last installation's outcome, once (the window says it after log-in)."""
    path = data_dir / UPDATE_DIR / RESULT_FILE
    raw = _read_json(path)
    path.unlink(missing_ok=True)
    if raw is None:
        return None
    try:
        return Outcome(
            bool(raw["ok"]), str(raw["old_version"]), str(raw["new_version"]), str(raw["detail"])[:300],
            bool(raw.get("restored", True)),
        )  # fmt: skip
    except (KeyError, TypeError):
        return None


def record_result(db: Database, user: UserView, outcome: Outcome) -> None:
    with db.begin() as conn:
        write_audit(
            conn, user.username,
            "update_installed" if outcome.ok else "update_rolled_back" if outcome.restored else "update_failed",
            f"{outcome.old_version} -> {outcome.new_version}: {outcome.detail}",
        )  # fmt: skip


# ------------------------------------------------------------------------------- helpers


def _safe_name(name: str, tag: str) -> str:
    cleaned = re.sub(r"[^A-Za-z0-9._-]", "_", name).lstrip("._-")[:120]
    return cleaned or f"kudus-desktop-{tag}"


def _digest_rest(stream: IO[bytes]) -> tuple[str, int]:
    """The SHA-256 and length of what is left of ``stream``."""
    digest = hashlib.sha256()
    size = 0
    while chunk := stream.read(_CHUNK):
        digest.update(chunk)
        size += len(chunk)
    return digest.hexdigest(), size


def _write_json(path: Path, value: dict[str, Any]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    part = path.with_name(path.name + ".part")
    part.write_text(json.dumps(value, ensure_ascii=False, indent=1), encoding="utf-8")
    part.replace(path)


def _read_json(path: Path) -> dict[str, Any] | None:
    try:
        if path.stat().st_size > 64 * 1024:
            return None
        value = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return value if isinstance(value, dict) else None


def head_bytes(path: Path) -> bytes:
    """The head of a kept update (what the server answers to "is there a new version?")."""
    with path.open("rb") as f:
        return read_head(f, path.name)
