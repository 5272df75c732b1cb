"""The sync file container: sealed packages (village -> regency) and receipts (regency -> village).

Layout (``docs/sync-format.md`` is the specification; this module is its reference reader):

    magic (8) | format (1) | header length (4, big-endian) | header (UTF-8 JSON)
    | ciphertext (header["length"] bytes) | Ed25519 signature (64)

The header travels in clear so a reader can route and refuse a file before opening it; it
is authenticated twice: as AES-GCM associated data and under the signature. The payload is
zlib-compressed JSON, encrypted with AES-256-GCM under a key derived by HKDF-SHA256 from an
X25519 exchange between a fresh ephemeral key and the recipient's key. The signature covers
every byte before it, and the sender's signing key is bound into the key derivation, so a
signature cannot be stripped and replaced by another device's.

Nothing here touches a database: the services in :mod:`kudus_desktop.core.sync` decide who
may send and what a payload changes.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import json
import os
import struct
import zlib
from dataclasses import dataclass
from typing import Any

from cryptography.exceptions import InvalidSignature, InvalidTag
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey
from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PrivateKey, X25519PublicKey
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

from kudus_desktop.core.errors import KudusError
from kudus_desktop.core.signing import Identity, raw_public

MAGIC = {"package": b"KUDUSPKG", "receipt": b"KUDUSRCT"}
FORMAT = 1  # what this version writes
OLDEST_FORMAT = 1  # the oldest format this version still reads
SIGNATURE_LEN = 64
PREFIX_LEN = 8 + 1 + 4
MAX_HEADER = 4096
MAX_FILE = 256 * 1024 * 1024  # a whole regency's full resend is a few tens of MB
MAX_PAYLOAD = 1024 * 1024 * 1024  # decompressed; refuses a zlib bomb
HKDF_INFO = b"kudus-desktop sync v1"
_HEADER_FIELDS = {
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


class SyncError(KudusError):
    """A sync file or step was refused; nothing was changed."""


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


def _b64(raw: bytes) -> str:
    return base64.b64encode(raw).decode("ascii")


def _unb64(text: str, length: int, field: str, name: str) -> bytes:
    try:
        raw = base64.b64decode(text, validate=True)
    except (binascii.Error, ValueError):
        raise SyncError("sync_header_invalid", name=name, detail=field) from None
    if len(raw) != length:
        raise SyncError("sync_header_invalid", name=name, detail=field)
    return raw


def _derive_key(shared: bytes, kind: str, ephemeral: bytes, recipient: bytes, sender_sign: bytes) -> bytes:
    info = HKDF_INFO + b"|" + kind.encode("ascii") + b"|" + ephemeral + recipient + sender_sign
    return HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=info).derive(shared)


def canonical_json(value: Any) -> bytes:
    """Deterministic JSON: sorted keys, no spaces, UTF-8."""
    return json.dumps(value, ensure_ascii=False, sort_keys=True, separators=(",", ":")).encode("utf-8")


def seal(
    kind: str,
    *,
    regency: str,
    desa: str,
    seq: int,
    created: str,
    schema: int,
    payload: dict[str, Any],
    sender: Identity,
    recipient_box: bytes,
    ephemeral: X25519PrivateKey | None = None,
    nonce: bytes | None = None,
    format_version: int = FORMAT,
) -> bytes:
    """A complete, signed, encrypted sync file.

    ``ephemeral`` and ``nonce`` are drawn fresh unless given: only the golden test fixtures
    pass them, to make byte-identical files.
    """
    eph = ephemeral or X25519PrivateKey.generate()
    nonce = nonce or os.urandom(12)
    eph_public = raw_public(eph.public_key())
    sender_sign = sender.sign_public
    key = _derive_key(
        eph.exchange(X25519PublicKey.from_public_bytes(recipient_box)), kind, eph_public, recipient_box, sender_sign
    )
    plaintext = zlib.compress(canonical_json(payload), 6)
    ct_len = len(plaintext) + 16  # AES-GCM appends a 16-byte tag
    header = {
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
        "length": ct_len,
    }
    header_bytes = canonical_json(header)
    prefix = MAGIC[kind] + bytes([format_version]) + struct.pack(">I", len(header_bytes)) + header_bytes
    ciphertext = AESGCM(key).encrypt(nonce, plaintext, prefix)
    signed = prefix + ciphertext
    return signed + sender.sign.sign(signed)


def parse(data: bytes, name: str, kind: str) -> SyncFile:
    """Structural checks, in the order a reader must make them; raises :class:`SyncError`."""
    if len(data) > MAX_FILE:
        raise SyncError("sync_too_large", name=name, limit=MAX_FILE // (1024 * 1024))
    magic = data[:8]
    if magic not in MAGIC.values():
        raise SyncError("sync_not_sync_file", name=name)
    found_kind = next(k for k, v in MAGIC.items() if v == magic)
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
    try:
        raw = json.loads(data[PREFIX_LEN : PREFIX_LEN + header_len].decode("utf-8"))
    except (UnicodeDecodeError, ValueError):
        raise SyncError("sync_header_invalid", name=name, detail="json") from None
    if not isinstance(raw, dict):
        raise SyncError("sync_header_invalid", name=name, detail="json")
    for field, kind_type in _HEADER_FIELDS.items():
        value = raw.get(field)
        if not isinstance(value, kind_type) or isinstance(value, bool):
            raise SyncError("sync_header_invalid", name=name, detail=field)
    if raw["kind"] != kind or raw["format"] != version:
        raise SyncError("sync_header_invalid", name=name, detail="kind/format")
    header = Header(
        kind=raw["kind"],
        format=raw["format"],
        regency=raw["regency"],
        desa=raw["desa"],
        device=raw["device"],
        seq=raw["seq"],
        created=raw["created"],
        schema=raw["schema"],
        sender_sign=_unb64(raw["sender_sign"], 32, "sender_sign", name),
        sender_box=_unb64(raw["sender_box"], 32, "sender_box", name),
        recipient=_unb64(raw["recipient"], 32, "recipient", name),
        ephemeral=_unb64(raw["ephemeral"], 32, "ephemeral", name),
        nonce=_unb64(raw["nonce"], 12, "nonce", name),
        length=raw["length"],
    )
    if header.seq < 1 or header.length < 16:
        raise SyncError("sync_header_invalid", name=name, detail="seq/length")
    need = PREFIX_LEN + header_len + header.length + SIGNATURE_LEN
    if len(data) < need:
        raise SyncError("sync_truncated", name=name, have=len(data), need=need)
    if len(data) > need:
        raise SyncError("sync_trailing", name=name, extra=len(data) - need)
    return SyncFile(name, data, header, PREFIX_LEN + header_len)


def verify(file: SyncFile, sign_public: bytes) -> None:
    """Check the signature with the sender's known key; ``sync_signature_invalid`` otherwise."""
    try:
        Ed25519PublicKey.from_public_bytes(sign_public).verify(file.signature, file.signed_part)
    except InvalidSignature:
        raise SyncError("sync_signature_invalid", name=file.name) from None


def open_payload(file: SyncFile, recipient: X25519PrivateKey) -> dict[str, Any]:
    """Decrypt and decode a verified file's payload."""
    h = file.header
    if h.recipient != raw_public(recipient.public_key()):
        raise SyncError("sync_wrong_recipient", name=file.name)
    shared = recipient.exchange(X25519PublicKey.from_public_bytes(h.ephemeral))
    key = _derive_key(shared, h.kind, h.ephemeral, h.recipient, h.sender_sign)
    try:
        compressed = AESGCM(key).decrypt(h.nonce, file.ciphertext, file.aad)
    except InvalidTag:
        raise SyncError("sync_decrypt_failed", name=file.name) from None
    try:
        inflater = zlib.decompressobj()
        text = inflater.decompress(compressed, MAX_PAYLOAD)
        if inflater.unconsumed_tail or not inflater.eof:
            raise SyncError("sync_payload_invalid", name=file.name, detail="zlib")
        payload = json.loads(text.decode("utf-8"))
    except (zlib.error, UnicodeDecodeError, ValueError):
        raise SyncError("sync_payload_invalid", name=file.name, detail="zlib/json") from None
    if not isinstance(payload, dict):
        raise SyncError("sync_payload_invalid", name=file.name, detail="json")
    return payload


_CELL_TYPES = frozenset({str, int, type(None)})


def table_rows(payload: dict[str, Any], key: str, columns: tuple[str, ...], name: str) -> list[list[Any]]:
    """The rows of one payload table, checked against the columns this version expects.

    Every cell must be text, a whole number or null; the reader maps them by column name,
    so a newer writer may add columns (ignored here) but never drop one.
    """
    table = payload.get(key)
    if not isinstance(table, dict):
        raise SyncError("sync_payload_invalid", name=name, detail=key)
    found = table.get("columns")
    rows = table.get("rows")
    if not isinstance(found, list) or not isinstance(rows, list):
        raise SyncError("sync_payload_invalid", name=name, detail=key)
    missing = [c for c in columns if c not in found]
    if missing:
        raise SyncError("sync_payload_invalid", name=name, detail=f"{key}: {', '.join(missing)}")
    width = len(found)
    positions = [found.index(c) for c in columns]
    same_order = positions == list(range(len(columns))) and width == len(columns)
    out: list[list[Any]] = []
    for row in rows:
        if not isinstance(row, list) or len(row) != width:
            raise SyncError("sync_payload_invalid", name=name, detail=f"{key}: row")
        if not all(type(cell) in _CELL_TYPES for cell in row):  # exact types: no bool, float, list
            raise SyncError("sync_payload_invalid", name=name, detail=f"{key}: cell")
        out.append(row if same_order else [row[p] for p in positions])
    return out
