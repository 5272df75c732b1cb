"""What both ends of the round trip share: file names, safe writing, bounded reading, setup
files, fingerprints, and package numbers as ranges."""

from __future__ import annotations

import base64
import contextlib
import json
import os
import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey
from sqlalchemy import Connection, select

from kudus_desktop.core.paths import space_error
from kudus_desktop.core.storage import faults, settings
from kudus_desktop.core.storage.signing import Identity, device_fingerprint
from kudus_desktop.core.storage.sync_rules import plain_text
from kudus_desktop.core.storage.syncfile import (
    MAX_FILE,
    MAX_SEQ,
    MiB,
    SyncError,
    b64decode_exact,
    canonical_json,
    json_depth,
    strict_json,
)
from kudus_desktop.core.storage.tables import counter_table

SETUP_KIND = "kudus-desktop-setup"
SETUP_FORMAT = 1
#: A setup file holds two keys and a few names: anything larger is not one.
MAX_SETUP_FILE = 64 * 1024
#: Written by versions before 10: the highest package number used, kept outside the database.
#: Read once more (folded into the database counter) and then removed.
SEQ_FILE = "sync-seq.txt"
OUTBOX_DIR = Path("sync") / "outbox"
CHUNK = 500
_SERVER = re.compile(r"https?://[\x21-\x7e]{1,300}\Z")
_SETUP_KEYS = frozenset(
    ("kind", "format", "regency", "regency_name", "desa", "desa_name", "regency_sign", "regency_box", "server",
     "created", "signature")
)  # fmt: skip


def b64(raw: bytes) -> str:
    return base64.b64encode(raw).decode("ascii")


def package_name(desa_code: str, device: str, seq: int) -> str:
    """File name of a package: ASCII, no characters FAT32 forbids, sortable by number."""
    return f"KDP_{desa_code.replace('.', '')}_{device[:8]}_{seq:06d}.kdp"


def receipt_name(desa_code: str, seq: int) -> str:
    return f"KDR_{desa_code.replace('.', '')}_{seq:06d}.kdr"


def setup_name(desa_code: str) -> str:
    return f"KDS_{desa_code.replace('.', '')}.kdsetup"


def read_sync_file(path: Path, limit: int = MAX_FILE) -> bytes:
    """A sync file's bytes, never more than ``limit`` of them read: a file that is larger (or
    grows while it is read) is refused by its size."""
    try:
        with path.open("rb") as fh:
            data = fh.read(limit + 1)
    except OSError as exc:
        raise SyncError("sync_read_failed", name=str(path), detail=exc.strerror or str(exc)) from None
    if len(data) > limit:
        raise SyncError("sync_too_large", name=path.name, limit=max(1, limit // MiB))
    return data


def write_safely(target: Path, data: bytes, check: Callable[[bytes], None], *, crash_point: str = "") -> Path:
    """Write ``data`` to ``target`` so that a pulled stick or a power cut never leaves a file
    under the final name that is not complete: temporary name, flush and fsync, rename, fsync
    of the folder, then read back and ``check``. On failure nothing is left behind. The file is
    private to the OS user (it may sit in the data folder)."""
    tmp = target.with_name(f"~{target.name}.tmp")
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC | getattr(os, "O_BINARY", 0), 0o600)
        with os.fdopen(fd, "wb") as fh:
            fh.write(data[: len(data) // 2])
            if crash_point:
                fh.flush()
                faults.point(crash_point)  # half the file on the stick, under its temporary name
            fh.write(data[len(data) // 2 :])
            fh.flush()
            os.fsync(fh.fileno())
        tmp.replace(target)
        _fsync_dir(target.parent)
        back = target.read_bytes()
    except OSError as exc:
        with contextlib.suppress(OSError):
            tmp.unlink(missing_ok=True)
        raise space_error(target.parent, len(data), seen=exc) or SyncError(
            "sync_write_failed", path=str(target), detail=exc.strerror or str(exc)
        ) from None
    try:
        if back != data:
            raise SyncError("sync_verify_failed", path=str(target))
        check(back)
    except SyncError:
        with contextlib.suppress(OSError):
            target.unlink()
        raise SyncError("sync_verify_failed", path=str(target)) from None
    return target


def _fsync_dir(path: Path) -> None:
    # Makes the rename itself durable on POSIX; Windows has no directory handles to sync.
    if os.name != "posix":
        return
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def counter(conn: Connection, name: str) -> int:
    return int(conn.execute(select(counter_table.c.value).where(counter_table.c.name == name)).scalar_one())


def normalise_fingerprint(text: str) -> str:
    """What an operator typed, as a fingerprint: spaces and dashes ignored, upper case."""
    clean = "".join(ch for ch in text.upper() if ch.isascii() and ch.isalnum())[:32]
    return "-".join(clean[i : i + 4] for i in range(0, len(clean), 4))


def require_mode(conn: Connection, mode: str) -> dict[str, str]:
    values = settings.read_all(conn)
    if values[settings.MODE.key] != mode:
        raise SyncError("sync_wrong_mode", mode=mode)
    return values


# ----------------------------------------------------------------------------- package numbers


def seq_ranges(seqs: Iterable[int]) -> list[tuple[int, int]]:
    """Sorted numbers as ``(first, last)`` runs: ``[1, 2, 3, 7]`` -> ``[(1, 3), (7, 7)]``."""
    out: list[tuple[int, int]] = []
    for n in sorted(set(seqs)):
        if out and n == out[-1][1] + 1:
            out[-1] = (out[-1][0], n)
        else:
            out.append((n, n))
    return out


def gaps(seqs: Iterable[int]) -> tuple[list[tuple[int, int]], int]:
    """The numbers below the highest that never arrived, as runs, and how many they are;
    never enumerated one by one (a number may be as large as :data:`MAX_SEQ`)."""
    runs = seq_ranges(seqs)
    holes: list[tuple[int, int]] = []
    previous = 0
    for first, last in runs:
        if first > previous + 1:
            holes.append((previous + 1, first - 1))
        previous = last
    return holes, sum(b - a + 1 for a, b in holes)


def format_ranges(runs: Sequence[Sequence[int]], limit: int = 8) -> str:
    """``3-5, 9`` for people; the first ``limit`` runs and how many more."""
    parts = [f"{a}" if a == b else f"{a}-{b}" for a, b in runs[:limit]]
    if len(runs) > limit:
        parts.append(f"… (+{len(runs) - limit})")
    return ", ".join(parts)


def ranges_from_json(value: Any, limit: int = 10_000) -> list[tuple[int, int]] | None:
    """Runs as stored or received (``[[first, last], ...]``, increasing, within 1..MAX_SEQ);
    ``None`` when ``value`` is anything else."""
    if type(value) is not list or len(value) > limit:
        return None
    out: list[tuple[int, int]] = []
    for item in value:
        if type(item) is not list or len(item) != 2:
            return None
        a, b = item
        if type(a) is not int or type(b) is not int or not 1 <= a <= b <= MAX_SEQ or (out and a <= out[-1][1]):
            return None
        out.append((a, b))
    return out


# ----------------------------------------------------------------------------- setup file


@dataclass(frozen=True, slots=True)
class SetupFile:
    """What a regency hands a village: its keys, the village's code and the server address."""

    regency: str
    regency_name: str
    desa: str
    desa_name: str
    regency_sign: bytes
    regency_box: bytes
    server: str
    created: str

    @property
    def fingerprint(self) -> str:
        return device_fingerprint(self.regency_sign, self.regency_box)

    def body(self) -> dict[str, Any]:
        return {
            "kind": SETUP_KIND,
            "format": SETUP_FORMAT,
            "regency": self.regency,
            "regency_name": self.regency_name,
            "desa": self.desa,
            "desa_name": self.desa_name,
            "regency_sign": b64(self.regency_sign),
            "regency_box": b64(self.regency_box),
            "server": self.server,
            "created": self.created,
        }


def write_setup_file(setup: SetupFile, sender: Identity, path: Path) -> Path:
    body = setup.body()
    body["signature"] = b64(sender.sign.sign(canonical_json(body)))
    text = (json.dumps(body, ensure_ascii=False, indent=2, sort_keys=True) + "\n").encode("utf-8")

    def check(data: bytes) -> None:
        read_setup_file_bytes(data, path.name)

    return write_safely(path, text, check)


_REGENCY_CODE = re.compile(r"\d{2}\.\d{2}\Z")
_DESA_CODE = re.compile(r"\d{2}\.\d{2}\.\d{2}\.\d{4}\Z")
_STAMP = re.compile(r"\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}\Z")


def read_setup_file_bytes(data: bytes, name: str) -> SetupFile:
    """A setup file, checked in the order every sync input is: size, depth and strict JSON,
    format, every member (exactly these, each of its type and shape), then the signature by the
    regency key it carries. Trust in that key comes from comparing its fingerprint by telephone."""

    def bad() -> SyncError:
        return SyncError("sync_setup_invalid", name=name)

    if len(data) > MAX_SETUP_FILE or json_depth(data) > 1:
        raise bad()
    try:
        raw = strict_json(data.decode("utf-8"))
    except (UnicodeDecodeError, ValueError):
        raise bad() from None
    if type(raw) is not dict or raw.get("kind") != SETUP_KIND:
        raise bad()
    if raw.get("format") != SETUP_FORMAT:
        found = raw.get("format")
        raise SyncError("sync_setup_format", name=name, found=found if type(found) is int else "?")
    if set(raw) != _SETUP_KEYS:
        raise bad()
    regency_sign = b64decode_exact(raw["regency_sign"], 32)
    regency_box = b64decode_exact(raw["regency_box"], 32)
    signature = b64decode_exact(raw["signature"], 64)
    texts_ok = all(plain_text(raw[k], 100) for k in ("regency_name", "desa_name")) and plain_text(raw["server"], 300)
    if (
        regency_sign is None
        or regency_box is None
        or signature is None
        or not texts_ok
        or type(raw["regency"]) is not str
        or not _REGENCY_CODE.match(raw["regency"])
        or type(raw["desa"]) is not str
        or not _DESA_CODE.match(raw["desa"])
        or not raw["desa"].startswith(raw["regency"] + ".")
        or (raw["server"] and not _SERVER.match(raw["server"]))
        or type(raw["created"]) is not str
        or not _STAMP.match(raw["created"])
    ):
        raise bad()
    setup = SetupFile(
        regency=raw["regency"], regency_name=raw["regency_name"], desa=raw["desa"], desa_name=raw["desa_name"],
        regency_sign=regency_sign, regency_box=regency_box, server=raw["server"], created=raw["created"],
    )  # fmt: skip
    try:
        Ed25519PublicKey.from_public_bytes(regency_sign).verify(signature, canonical_json(setup.body()))
    except (InvalidSignature, ValueError):
        raise bad() from None
    return setup
