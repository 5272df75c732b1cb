"""The sync file container: sealed packages (village -> regency) and receipts (regency -> village).

Layout (``docs/sync-format.md`` is the specification; this module is its reference reader):

    magic (8) | format (1) | header length (4, big-endian) | header (UTF-8 JSON)
    | ciphertext (header["length"] bytes) | Ed25519 signature (64)

The header travels in clear so a reader can route and refuse a file before opening it; it
is authenticated twice: as AES-GCM associated data and under the signature. The payload is
zlib-compressed text, encrypted with AES-256-GCM under a key derived by HKDF-SHA256 from an
X25519 exchange between a fresh ephemeral key and the recipient's key. The signature covers
every byte before it, and the sender's signing key is bound into the key derivation, so a
signature cannot be stripped and replaced by another device's.

Every file is hostile until proven otherwise, including one signed by a registered device:
each step below is bounded in time and memory before the next one runs. Format 2 declares in
the header how many rows each table holds and the exact size of the inflated payload; the
payload is then one line of JSON per row, inflated and parsed a line at a time, so a
compression bomb or a deep or huge JSON value is refused after at most one line's worth of
work. Format 1 (a single JSON object) is still read, inflated up to the absolute ceiling.

Nothing here touches a database: the services in :mod:`kudus_desktop.core.sync` decide who
may send and what a payload changes.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import json
import os
import re
import struct
import zlib
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from itertools import chain, islice
from typing import Any

from cryptography.exceptions import InvalidSignature, InvalidTag
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey
from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PrivateKey, X25519PublicKey
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

from kudus_desktop.core.errors import KudusError
from kudus_desktop.core.storage.signing import Identity, raw_public

MiB = 1024 * 1024
MAGIC = {"package": b"KUDUSPKG", "receipt": b"KUDUSRCT"}
FORMAT = 2  # what this version writes
OLDEST_FORMAT = 1  # the oldest format this version still reads
SIGNATURE_LEN = 64
PREFIX_LEN = 8 + 1 + 4
MAX_HEADER = 4096
#: The header is an object holding at most objects of scalars (``counts``, ``rotation``).
MAX_HEADER_DEPTH = 2
#: A village's full resend is well under 10 MB; nothing larger is read at all.
MAX_FILE = 64 * MiB
#: The absolute ceiling of an inflated payload unless the regency sets its own
#: (``settings.SYNC_MAX_PAYLOAD_MB``); a declared size above it is refused before inflating.
DEFAULT_MAX_PAYLOAD = 32 * MiB
#: Every integer in a header or a row: PostgreSQL's ``integer`` column holds no more.
MAX_INT = 2**31 - 1
MAX_SEQ = MAX_INT
#: The first payload line (what the payload is, and its tables) is at most this long.
MAX_META_LINE = 64 * 1024
MAX_META_DEPTH = 4
#: Rows of a table this version does not know are skipped; each is still at most this long.
DEFAULT_MAX_LINE = 64 * 1024
MAX_TABLES = 16
MAX_COLUMNS = 64
INFLATE_CHUNK = 1 * MiB
HKDF_INFO = b"kudus-desktop sync v1"

_REGENCY = re.compile(r"\d{2}\.\d{2}\Z")
_DESA = re.compile(r"\d{2}\.\d{2}\.\d{2}\.\d{4}\Z")
_DEVICE = re.compile(r"[0-9a-f]{16}\Z")
_APP = re.compile(r"\d{1,4}\.\d{1,4}\.\d{1,4}\Z")  # a version such as 0.2.0
_STAMP = re.compile(r"\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}\Z")
_NAME = re.compile(r"[a-z][a-z0-9_]{0,31}\Z")

#: Header members of every format: name -> type.
_HEADER_FIELDS: dict[str, type] = {
    "kind": str,
    "format": int,
    "regency": str,
    "desa": str,
    "device": str,
    "seq": int,
    "created": str,
    "schema": int,
    "sender_sign": str,
    "sender_box": str,
    "recipient": str,
    "ephemeral": str,
    "nonce": str,
    "length": int,
}
#: What format 2 adds: the row count of each payload table and the inflated payload's size.
_HEADER_FIELDS_V2: dict[str, type] = {**_HEADER_FIELDS, "counts": dict, "size": int}


class SyncError(KudusError):
    """A sync file or step was refused; nothing was changed."""


@dataclass(frozen=True, slots=True)
class Rotation:
    """A village's new keys vouched for by its previous signing key (format 2 packages)."""

    old_device: str
    old_sign: bytes
    signature: bytes


@dataclass(frozen=True, slots=True)
class Header:
    """The clear, authenticated part of a sync file."""

    kind: str
    format: int
    regency: str
    desa: str
    device: str
    seq: int
    created: str
    schema: int
    sender_sign: bytes
    sender_box: bytes
    recipient: bytes
    ephemeral: bytes
    nonce: bytes
    length: int
    counts: Mapping[str, int] = field(default_factory=dict)
    size: int | None = None  # format 2: the exact length of the inflated payload
    rotation: Rotation | None = None
    app: str = ""  # the sender's Kudus Desktop version (written since schema 13; "" before)


@dataclass(frozen=True, slots=True)
class SyncFile:
    """A structurally sound sync file, not yet verified or opened."""

    name: str
    data: bytes
    header: Header
    body_start: int  # offset of the ciphertext

    @property
    def signed_part(self) -> bytes:
        return self.data[:-SIGNATURE_LEN]

    @property
    def aad(self) -> bytes:
        return self.data[: self.body_start]

    @property
    def ciphertext(self) -> bytes:
        return self.data[self.body_start : -SIGNATURE_LEN]

    @property
    def signature(self) -> bytes:
        return self.data[-SIGNATURE_LEN:]

    @property
    def digest(self) -> str:
        return hashlib.sha256(self.data).hexdigest()


@dataclass(frozen=True, slots=True)
class TableSpec:
    """What a reader needs of one payload table: the columns it uses, in this order, and the
    longest row line it accepts. ``optional`` tables may be absent (older writers)."""

    columns: tuple[str, ...]
    max_line: int
    optional: bool = False
    #: The reader checks every cell's type with the table's own rules (and rejects the row, not
    #: the file, when one is of the wrong kind).
    checks_cells: bool = False


@dataclass(frozen=True, slots=True)
class Payload:
    """An opened payload: its descriptive members and each known table's rows, projected
    onto the :class:`TableSpec` columns (cells are ``str``, ``int`` or ``None``)."""

    meta: dict[str, Any]
    tables: dict[str, list[list[Any]]]

    def rows(self, name: str) -> list[list[Any]]:
        return self.tables.get(name, [])


# ----------------------------------------------------------------------------- strict JSON


def _no_duplicates(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for key, value in pairs:
        if key in out:
            raise ValueError(f"duplicate key {key[:32]!r}")
        out[key] = value
    return out


def _refuse_number(text: str) -> Any:
    raise ValueError(f"not an integer: {text[:32]}")


#: JSON as this format allows it: no duplicate keys, no NaN or Infinity, no fractions or
#: exponents (every number is an integer); one decoder reused for every line.
STRICT_JSON = json.JSONDecoder(
    object_pairs_hook=_no_duplicates, parse_float=_refuse_number, parse_constant=_refuse_number
)
_scan = STRICT_JSON.scan_once  # type: ignore[attr-defined]  # the C scanner itself, for a row per line
_STRING = re.compile(rb'"(?:[^"\\]|\\.)*"', re.DOTALL)
_NOT_BRACKETS = bytes(b for b in range(256) if b not in b"[]{}")


def json_depth(data: bytes) -> int:
    """How deeply arrays and objects nest in ``data`` (strings skipped); cheap, never recursive."""
    depth = deepest = 0
    for ch in _STRING.sub(b"", data).translate(None, _NOT_BRACKETS):
        if ch in b"[{":
            depth += 1
            deepest = max(deepest, depth)
        else:
            depth -= 1
    return deepest


def strict_json(text: str) -> Any:
    """Parse ``text`` as strict JSON (see :data:`STRICT_JSON`); ``ValueError`` on anything else,
    including nesting deep enough to reach the interpreter's recursion limit."""
    try:
        return STRICT_JSON.decode(text)
    except RecursionError:
        raise ValueError("nested too deeply") from None


def canonical_json(value: Any) -> bytes:
    """Deterministic JSON: keys sorted by code point, no spaces, UTF-8 without escaping
    anything but ``"``, ``\\`` and U+0000-U+001F (exactly Python's ``json.dumps`` with
    ``ensure_ascii=False``)."""
    return json.dumps(value, ensure_ascii=False, sort_keys=True, separators=(",", ":")).encode("utf-8")


_ROW_ENCODER = json.JSONEncoder(ensure_ascii=False, separators=(",", ":"))


# ----------------------------------------------------------------------------- writing


def _b64(raw: bytes) -> str:
    return base64.b64encode(raw).decode("ascii")


def b64decode_exact(text: object, length: int) -> bytes | None:
    """Standard base64 (RFC 4648 section 4, with padding, no whitespace) of exactly
    ``length`` bytes, or ``None``."""
    if not isinstance(text, str) or len(text) != 4 * ((length + 2) // 3):
        return None
    try:
        raw = base64.b64decode(text, validate=True)
    except (binascii.Error, ValueError):
        return None
    return raw if len(raw) == length else None


def _derive_key(shared: bytes, kind: str, ephemeral: bytes, recipient: bytes, sender_sign: bytes) -> bytes:
    info = HKDF_INFO + b"|" + kind.encode("ascii") + b"|" + ephemeral + recipient + sender_sign
    return HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=info).derive(shared)


def _is_table(value: object) -> bool:
    return isinstance(value, dict) and set(value) == {"columns", "rows"}


def encode_payload(payload: Mapping[str, Any]) -> tuple[bytes, dict[str, int]]:
    """The format-2 payload text of ``payload`` (written as the format-1 object: members
    ``{"columns": [...], "rows": [...]}`` are tables, everything else describes them) and
    the row count of each table."""
    meta = {k: v for k, v in payload.items() if not _is_table(v)}
    tables = [(k, v) for k, v in payload.items() if _is_table(v)]
    counts = {name: len(t["rows"]) for name, t in tables}
    first = {**meta, "tables": [[name, list(t["columns"]), len(t["rows"])] for name, t in tables]}
    encode = _ROW_ENCODER.encode
    lines = [canonical_json(first).decode("utf-8")]
    for _, t in tables:
        lines.extend(encode(row) for row in t["rows"])
    return ("\n".join(lines) + "\n").encode("utf-8"), counts


def seal(
    kind: str,
    *,
    regency: str,
    desa: str,
    seq: int,
    created: str,
    schema: int,
    payload: Mapping[str, Any],
    sender: Identity,
    recipient_box: bytes,
    ephemeral: X25519PrivateKey | None = None,
    nonce: bytes | None = None,
    format_version: int = FORMAT,
    rotation: Rotation | None = None,
    app: str = "",
) -> bytes:
    """A complete, signed, encrypted sync file.

    ``payload`` is given as the format-1 object (tables as ``{"columns", "rows"}``); format 2
    writes it a row per line. ``ephemeral`` and ``nonce`` are drawn fresh unless given: only
    the golden test fixtures pass them, to make byte-identical files.
    """
    eph = ephemeral or X25519PrivateKey.generate()
    nonce = nonce or os.urandom(12)
    eph_public = raw_public(eph.public_key())
    sender_sign = sender.sign_public
    key = _derive_key(
        eph.exchange(X25519PublicKey.from_public_bytes(recipient_box)), kind, eph_public, recipient_box, sender_sign
    )
    header: dict[str, Any] = {
        "kind": kind,
        "format": format_version,
        "regency": regency,
        "desa": desa,
        "device": sender.device_id,
        "seq": seq,
        "created": created,
        "schema": schema,
        "sender_sign": _b64(sender_sign),
        "sender_box": _b64(sender.box_public),
        "recipient": _b64(recipient_box),
        "ephemeral": _b64(eph_public),
        "nonce": _b64(nonce),
    }
    if app:
        header["app"] = app
    if format_version >= 2:
        text, counts = encode_payload(payload)
        header["counts"] = counts
        header["size"] = len(text)
        if rotation is not None:
            header["rotation"] = {
                "old_device": rotation.old_device,
                "old_sign": _b64(rotation.old_sign),
                "signature": _b64(rotation.signature),
            }
    else:
        text = canonical_json(payload)
    plaintext = zlib.compress(text, 6)
    header["length"] = len(plaintext) + 16  # AES-GCM appends a 16-byte tag
    header_bytes = canonical_json(header)
    prefix = MAGIC[kind] + bytes([format_version]) + struct.pack(">I", len(header_bytes)) + header_bytes
    ciphertext = AESGCM(key).encrypt(nonce, plaintext, prefix)
    signed = prefix + ciphertext
    return signed + sender.sign.sign(signed)


def rotation_message(desa: str, old_device: str, new_sign: bytes, new_box: bytes) -> bytes:
    """What a village's previous signing key signs to vouch for its new keys."""
    return (
        b"kudus-desktop rotate v1|"
        + desa.encode("ascii")
        + b"|"
        + old_device.encode("ascii")
        + b"|"
        + new_sign
        + new_box
    )


# ----------------------------------------------------------------------------- reading


def _int_in(value: object, low: int, high: int) -> bool:
    return type(value) is int and low <= value <= high


def _stamp_ok(value: str) -> bool:
    if not _STAMP.match(value):
        return False
    try:
        datetime.strptime(value, "%Y-%m-%d %H:%M:%S")
    except ValueError:
        return False
    return True


def _header(raw: dict[str, Any], version: int, kind: str, name: str) -> Header:
    """Every header member checked for presence, type and range; ``sync_header_invalid``
    names the first one that fails."""

    def bad(detail: str) -> SyncError:
        return SyncError("sync_header_invalid", name=name, detail=detail)

    fields_ = _HEADER_FIELDS_V2 if version >= 2 else _HEADER_FIELDS
    for key, want in fields_.items():
        value = raw.get(key)
        if type(value) is not want:
            raise bad(key)
    if raw["kind"] != kind or raw["format"] != version:
        raise bad("kind/format")
    checks = {
        "regency": _REGENCY.match(raw["regency"]),
        "desa": _DESA.match(raw["desa"]),
        "device": _DEVICE.match(raw["device"]),
        "seq": _int_in(raw["seq"], 1, MAX_SEQ),
        "created": _stamp_ok(raw["created"]),
        "schema": _int_in(raw["schema"], 0, 10_000),
        "length": _int_in(raw["length"], 16, MAX_FILE),
    }
    for key, ok in checks.items():
        if not ok:
            raise bad(key)
    keys = {}
    for key, length in (("sender_sign", 32), ("sender_box", 32), ("recipient", 32), ("ephemeral", 32), ("nonce", 12)):
        decoded = b64decode_exact(raw[key], length)
        if decoded is None:
            raise bad(key)
        keys[key] = decoded
    counts: dict[str, int] = {}
    size: int | None = None
    rotation: Rotation | None = None
    if version >= 2:
        if len(raw["counts"]) > MAX_TABLES:
            raise bad("counts")
        for table, n in raw["counts"].items():
            if not _NAME.match(table) or not _int_in(n, 0, MAX_INT):
                raise bad("counts")
            counts[table] = n
        if not _int_in(raw["size"], 1, MAX_INT):
            raise bad("size")
        size = raw["size"]
        if "rotation" in raw:
            rot = raw["rotation"]
            old_sign = b64decode_exact(rot.get("old_sign"), 32) if isinstance(rot, dict) else None
            sig = b64decode_exact(rot.get("signature"), 64) if isinstance(rot, dict) else None
            old_device = rot.get("old_device") if isinstance(rot, dict) else None
            if kind != "package" or old_sign is None or sig is None or not isinstance(old_device, str):
                raise bad("rotation")
            if not _DEVICE.match(old_device):
                raise bad("rotation")
            rotation = Rotation(old_device, old_sign, sig)
    app = raw.get("app", "")
    if not isinstance(app, str) or (app and not _APP.match(app)):
        raise bad("app")
    return Header(
        kind=raw["kind"], format=raw["format"], regency=raw["regency"], desa=raw["desa"], device=raw["device"],
        seq=raw["seq"], created=raw["created"], schema=raw["schema"], sender_sign=keys["sender_sign"],
        sender_box=keys["sender_box"], recipient=keys["recipient"], ephemeral=keys["ephemeral"],
        nonce=keys["nonce"], length=raw["length"], counts=counts, size=size, rotation=rotation, app=app,
    )  # fmt: skip


def parse(data: bytes, name: str, kind: str) -> SyncFile:
    """Structural checks, in the order a reader must make them; raises :class:`SyncError`.

    Size, magic and kind, format, header length, header depth and strict JSON, every header
    member, then the file's exact length. Nothing is decrypted or looked up here.
    """
    if len(data) > MAX_FILE:
        raise SyncError("sync_too_large", name=name, limit=MAX_FILE // MiB)
    magic = data[:8]
    found_kind = next((k for k, v in MAGIC.items() if v == magic), None)
    if found_kind is None:
        raise SyncError("sync_not_sync_file", name=name)
    if found_kind != kind:
        raise SyncError("sync_wrong_kind", name=name, found=found_kind, expected=kind)
    if len(data) < PREFIX_LEN:
        raise SyncError("sync_truncated", name=name, have=len(data), need=PREFIX_LEN + SIGNATURE_LEN)
    version = data[8]
    if version > FORMAT:
        raise SyncError("sync_format_newer", name=name, found=version, supported=FORMAT)
    if version < OLDEST_FORMAT:
        raise SyncError("sync_format_older", name=name, found=version, oldest=OLDEST_FORMAT)
    (header_len,) = struct.unpack(">I", data[9:13])
    if header_len > MAX_HEADER:
        raise SyncError("sync_header_invalid", name=name, detail="length")
    if len(data) < PREFIX_LEN + header_len:
        raise SyncError("sync_truncated", name=name, have=len(data), need=PREFIX_LEN + header_len + SIGNATURE_LEN)
    header_bytes = data[PREFIX_LEN : PREFIX_LEN + header_len]
    if json_depth(header_bytes) > MAX_HEADER_DEPTH:
        raise SyncError("sync_header_invalid", name=name, detail="depth")
    try:
        raw = strict_json(header_bytes.decode("utf-8"))
    except (UnicodeDecodeError, ValueError):
        raise SyncError("sync_header_invalid", name=name, detail="json") from None
    if not isinstance(raw, dict):
        raise SyncError("sync_header_invalid", name=name, detail="json")
    header = _header(raw, version, kind, name)
    need = PREFIX_LEN + header_len + header.length + SIGNATURE_LEN
    if len(data) < need:
        raise SyncError("sync_truncated", name=name, have=len(data), need=need)
    if len(data) > need:
        raise SyncError("sync_trailing", name=name, extra=len(data) - need)
    return SyncFile(name, data, header, PREFIX_LEN + header_len)


def verify(file: SyncFile, sign_public: bytes) -> None:
    """Check the signature with the sender's key; ``sync_signature_invalid`` otherwise."""
    try:
        Ed25519PublicKey.from_public_bytes(sign_public).verify(file.signature, file.signed_part)
    except (InvalidSignature, ValueError):
        raise SyncError("sync_signature_invalid", name=file.name) from None


def _decrypt(file: SyncFile, recipient: X25519PrivateKey) -> bytes:
    h = file.header
    if h.recipient != raw_public(recipient.public_key()):
        raise SyncError("sync_wrong_recipient", name=file.name)
    try:
        shared = recipient.exchange(X25519PublicKey.from_public_bytes(h.ephemeral))
    except ValueError:  # a low-order point: no shared secret
        raise SyncError("sync_decrypt_failed", name=file.name) from None
    key = _derive_key(shared, h.kind, h.ephemeral, h.recipient, h.sender_sign)
    try:
        return AESGCM(key).decrypt(h.nonce, file.ciphertext, file.aad)
    except InvalidTag:
        raise SyncError("sync_decrypt_failed", name=file.name) from None


def _inflate(compressed: bytes, limit: int, name: str) -> Iterator[bytes]:
    """The inflated stream in chunks, at most ``limit`` bytes in all; refuses more, a broken
    stream, an unfinished one and bytes after its end."""
    inflater = zlib.decompressobj()
    produced = 0
    pending = compressed
    try:
        while True:
            chunk = inflater.decompress(pending, min(INFLATE_CHUNK, limit - produced + 1))
            pending = inflater.unconsumed_tail
            produced += len(chunk)
            if produced > limit:
                raise SyncError("sync_payload_too_large", name=name, limit=max(1, limit // MiB))
            if chunk:
                yield chunk
            if inflater.eof:
                break
            if not pending and not chunk:
                raise SyncError("sync_payload_invalid", name=name, detail="zlib: aliran terpotong")
    except zlib.error:
        raise SyncError("sync_payload_invalid", name=name, detail="zlib") from None
    if inflater.unused_data or pending:
        raise SyncError("sync_payload_invalid", name=name, detail="zlib: byte sesudah akhir aliran")


def _lines(chunks: Iterator[bytes], name: str, longest: int) -> Iterator[list[str]]:
    """The payload's lines (without their newline) as they are inflated, decoded once per
    chunk; text after the last newline waits for the next chunk, and refuses the file once it
    is longer than ``longest`` bytes. The text must end with a newline."""
    buffer = b""
    for chunk in chunks:
        buffer += chunk
        cut = buffer.rfind(b"\n")
        if cut >= 0:
            try:
                text = buffer[:cut].decode("utf-8")
            except UnicodeDecodeError:
                raise SyncError("sync_payload_invalid", name=name, detail="UTF-8") from None
            buffer = buffer[cut + 1 :]
            yield text.split("\n")
        if len(buffer) > longest:
            raise SyncError("sync_payload_invalid", name=name, detail="baris terlalu panjang")
    if buffer:
        raise SyncError("sync_payload_invalid", name=name, detail="baris terakhir tanpa akhir baris")


_CELL_TYPES = frozenset((str, int, type(None)))


def _rows(lines: list[str], width: int, limit: int, name: str, table: str, *, cells_checked: bool) -> list[list[Any]]:
    """Row lines, each exactly a JSON array (nothing before or after it) of ``width`` cells that
    are text, integers or null. ``limit`` is in bytes; a line of fewer characters cannot exceed
    it. ``cells_checked``: the caller checks each cell's type itself (a known table, whose rules
    reject a row with a cell of the wrong kind), so it is not done twice. One tight loop: it runs
    for every row of every package."""
    rows: list[list[Any]] = []
    append = rows.append
    scan, cells, quarter = _scan, (None if cells_checked else _CELL_TYPES), limit // 4
    for line in lines:
        if len(line) > quarter and len(line.encode("utf-8")) > limit:
            raise SyncError("sync_payload_invalid", name=name, detail=f"{table}: baris terlalu panjang")
        try:
            row, end = scan(line, 0)
        except (StopIteration, ValueError, RecursionError):
            raise SyncError("sync_payload_invalid", name=name, detail=f"{table}: JSON") from None
        if end != len(line) or type(row) is not list or len(row) != width:
            raise SyncError("sync_payload_invalid", name=name, detail=f"{table}: lebar baris")
        if cells is not None and not set(map(type, row)) <= cells:  # exact types: no bool, list or object
            raise SyncError("sync_payload_invalid", name=name, detail=f"{table}: jenis sel")
        append(row)
    return rows


def _columns(value: object, name: str, table: str) -> list[str]:
    if (
        type(value) is not list
        or not 0 < len(value) <= MAX_COLUMNS
        or not all(type(c) is str and _NAME.match(c) for c in value)
        or len(set(value)) != len(value)
    ):
        raise SyncError("sync_payload_invalid", name=name, detail=f"{table}: kolom")
    return value


def _projection(found: Sequence[str], spec: TableSpec, name: str, table: str) -> list[int] | None:
    """Positions of the spec's columns in ``found`` (``None``: already in that order)."""
    missing = [c for c in spec.columns if c not in found]
    if missing:
        raise SyncError("sync_payload_invalid", name=name, detail=f"{table}: {', '.join(missing)}")
    positions = [found.index(c) for c in spec.columns]
    return None if positions == list(range(len(found))) else positions


def _open_v2(file: SyncFile, compressed: bytes, specs: Mapping[str, TableSpec], max_payload: int) -> Payload:
    h = file.header
    name = file.name
    assert h.size is not None
    ceiling = MAX_META_LINE + 1 + sum(n * ((specs[t].max_line if t in specs else DEFAULT_MAX_LINE) + 1)
                                      for t, n in h.counts.items())  # fmt: skip
    if h.size > min(max_payload, ceiling):
        raise SyncError("sync_payload_too_large", name=name, limit=max(1, min(max_payload, ceiling) // MiB))
    longest = max([MAX_META_LINE, *(specs[t].max_line if t in specs else DEFAULT_MAX_LINE for t in h.counts)])
    lines = chain.from_iterable(_lines(_inflate(compressed, h.size, name), name, longest))
    first = next(lines, None)
    if first is None or len(first) > MAX_META_LINE or json_depth(first.encode("utf-8")) > MAX_META_DEPTH:
        raise SyncError("sync_payload_invalid", name=name, detail="baris pertama")
    try:
        meta = strict_json(first)
    except ValueError:
        raise SyncError("sync_payload_invalid", name=name, detail="baris pertama: JSON") from None
    if type(meta) is not dict or type(meta.get("tables")) is not list:
        raise SyncError("sync_payload_invalid", name=name, detail="baris pertama")
    layout = meta.pop("tables")
    seen: set[str] = set()
    plan: list[tuple[str, list[str], int]] = []
    for entry in layout:
        if type(entry) is not list or len(entry) != 3 or type(entry[0]) is not str or entry[0] in seen:
            raise SyncError("sync_payload_invalid", name=name, detail="daftar tabel")
        table, columns, count = entry[0], _columns(entry[1], name, entry[0]), entry[2]
        if h.counts.get(table) != count:
            raise SyncError("sync_payload_invalid", name=name, detail=f"{table}: jumlah baris tidak sama dengan kepala")
        seen.add(table)
        plan.append((table, columns, count))
    if seen != set(h.counts):
        raise SyncError("sync_payload_invalid", name=name, detail="tabel tidak sama dengan kepala")
    tables: dict[str, list[list[Any]]] = {}
    for table, columns, count in plan:
        spec = specs.get(table)
        limit = spec.max_line if spec else DEFAULT_MAX_LINE
        positions = _projection(columns, spec, name, table) if spec else None
        width = len(columns)
        batch = list(islice(lines, count))
        if len(batch) < count:
            raise SyncError("sync_payload_invalid", name=name, detail=f"{table}: baris kurang")
        # A table this version does not know is skipped: its cells are never looked at.
        rows = _rows(batch, width, limit, name, table, cells_checked=spec is None or spec.checks_cells)
        if spec is not None:
            tables[table] = rows if positions is None else [[row[p] for p in positions] for row in rows]
    if next(lines, None) is not None:
        raise SyncError("sync_payload_invalid", name=name, detail="baris lebih")
    _require_tables(tables, specs, name)
    return Payload(meta, tables)


def _open_v1(file: SyncFile, compressed: bytes, specs: Mapping[str, TableSpec], max_payload: int) -> Payload:
    """Format 1: one JSON object, inflated whole up to the absolute ceiling."""
    name = file.name
    text = b"".join(_inflate(compressed, max_payload, name))
    try:
        raw = strict_json(text.decode("utf-8"))
    except (UnicodeDecodeError, ValueError):
        raise SyncError("sync_payload_invalid", name=name, detail="JSON") from None
    if type(raw) is not dict:
        raise SyncError("sync_payload_invalid", name=name, detail="JSON")
    tables: dict[str, list[list[Any]]] = {}
    meta: dict[str, Any] = {}
    for key, value in raw.items():
        spec = specs.get(key)
        if spec is None:
            if not _is_table(value):
                meta[key] = value
            continue
        if type(value) is not dict or type(value.get("rows")) is not list:
            raise SyncError("sync_payload_invalid", name=name, detail=key)
        columns = _columns(value.get("columns"), name, key)
        positions = _projection(columns, spec, name, key)
        rows: list[list[Any]] = []
        for row in value["rows"]:
            if type(row) is not list or len(row) != len(columns):
                raise SyncError("sync_payload_invalid", name=name, detail=f"{key}: lebar baris")
            if not all(type(cell) in _CELL_TYPES for cell in row):
                raise SyncError("sync_payload_invalid", name=name, detail=f"{key}: jenis sel")
            rows.append(row if positions is None else [row[p] for p in positions])
        tables[key] = rows
    _require_tables(tables, specs, name)
    return Payload(meta, tables)


def _require_tables(tables: Mapping[str, object], specs: Mapping[str, TableSpec], name: str) -> None:
    missing = [t for t, spec in specs.items() if not spec.optional and t not in tables]
    if missing:
        raise SyncError("sync_payload_invalid", name=name, detail=", ".join(missing))


def open_payload(
    file: SyncFile,
    recipient: X25519PrivateKey,
    specs: Mapping[str, TableSpec],
    *,
    max_payload: int = DEFAULT_MAX_PAYLOAD,
) -> Payload:
    """Decrypt, inflate and parse a verified file's payload, every step bounded: the declared
    size against the ceiling its row counts allow and ``max_payload``, each line against its
    table's longest row, strict JSON, rows of the declared width holding only text, integers
    and nulls. The values themselves are the caller's to check (:mod:`sync_rules`)."""
    compressed = _decrypt(file, recipient)
    if file.header.format >= 2:
        return _open_v2(file, compressed, specs, max_payload)
    return _open_v1(file, compressed, specs, max_payload)
