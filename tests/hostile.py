"""Sync files as an attacker with a registered device's key would make them: validly signed and
encrypted, with whatever header and payload bytes a test asks for. Written from
``docs/sync-format.md`` (not from the writer), so a test also checks that the format is
described well enough to write by hand."""

from __future__ import annotations

import base64
import hashlib
import json
import os
import struct
import uuid
import zlib
from typing import Any

from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PrivateKey, X25519PublicKey
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat

from kudus_desktop.core.storage.signing import Identity
from kudus_desktop.core.sync import HISTORY_COLUMNS, PARTICIPANT_COLUMNS

MAGIC = {"package": b"KUDUSPKG", "receipt": b"KUDUSRCT"}
STAMP = "2026-11-24 10:00:00"


def b64(raw: bytes) -> str:
    return base64.b64encode(raw).decode("ascii")


def raw(key: Any) -> bytes:
    return key.public_bytes(Encoding.Raw, PublicFormat.Raw)


def canonical(value: Any) -> bytes:
    return json.dumps(value, ensure_ascii=False, sort_keys=True, separators=(",", ":")).encode("utf-8")


def craft(
    sender: Identity,
    recipient_box: bytes,
    *,
    desa: str,
    seq: int = 1,
    kind: str = "package",
    compressed: bytes | None = None,
    text: bytes = b"",
    counts: dict[str, int] | None = None,
    size: int | None = None,
    header_bytes: bytes | None = None,
    header: dict[str, Any] | None = None,
    version: int = 2,
) -> bytes:
    """A file signed by ``sender`` and encrypted to ``recipient_box``. ``text`` is the inflated
    payload (compressed here) unless ``compressed`` gives the zlib bytes themselves; ``header``
    entries replace or add members; ``header_bytes`` replaces the header text whole."""
    eph = X25519PrivateKey.generate()
    eph_public = raw(eph.public_key())
    nonce = os.urandom(12)
    shared = eph.exchange(X25519PublicKey.from_public_bytes(recipient_box))
    info = b"kudus-desktop sync v1|" + kind.encode() + b"|" + eph_public + recipient_box + sender.sign_public
    key = HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=info).derive(shared)
    plaintext = compressed if compressed is not None else zlib.compress(text)
    fields: dict[str, Any] = {
        "kind": kind, "format": version, "regency": "33.19", "desa": desa, "device": sender.device_id, "seq": seq,
        "created": STAMP, "schema": 10, "sender_sign": b64(sender.sign_public), "sender_box": b64(sender.box_public),
        "recipient": b64(recipient_box), "ephemeral": b64(eph_public), "nonce": b64(nonce),
        "length": len(plaintext) + 16,
    }  # fmt: skip
    if version >= 2:
        fields["counts"] = counts if counts is not None else {}
        fields["size"] = size if size is not None else len(text)
    fields.update(header or {})
    head = header_bytes if header_bytes is not None else canonical(fields)
    prefix = MAGIC[kind] + bytes([version]) + struct.pack(">I", len(head)) + head
    body = AESGCM(key).encrypt(nonce, plaintext, prefix)
    return prefix + body + sender.sign.sign(prefix + body)


def lines(meta: dict[str, Any], tables: list[tuple[str, list[str], list[list[Any]]]]) -> bytes:
    """A format-2 payload: the first line, then one JSON array per row."""
    first = {**meta, "tables": [[name, cols, len(rows)] for name, cols, rows in tables]}
    out = [canonical(first)]
    out += [
        json.dumps(r, ensure_ascii=False, separators=(",", ":")).encode("utf-8") for _, _, rows in tables for r in rows
    ]
    return b"\n".join(out) + b"\n"


def package_text(people: list[list[Any]], history: list[list[Any]] | None = None) -> tuple[bytes, dict[str, int]]:
    tables = [("participants", list(PARTICIPANT_COLUMNS), people), ("history", list(HISTORY_COLUMNS), history or [])]
    return lines({"from_rev": 0, "to_rev": 1, "full": False}, tables), {t: len(r) for t, _, r in tables}


def person(desa: str, n: int, **changes: Any) -> dict[str, Any]:
    """A participant row that keeps every rule; ``changes`` break it as a test wants."""
    digits = desa.replace(".", "")
    values: dict[str, Any] = {
        "uid": str(uuid.UUID(int=n + (int(hashlib.sha256(desa.encode()).hexdigest()[:8], 16) << 64), version=4)),
        "reg_no": f"{digits}-{n:05d}", "desa_code": desa,
        "nik": f"331903{(n % 28) + 1:02d}0580{n % 9999 + 1:04d}", "kk": "3319031205100001",
        "full_name": "Sutrisno Wibowo", "birth_place": "Kudus", "birth_date": f"1980-05-{(n % 28) + 1:02d}",
        "sex": "L", "address": "Jl. Raya Jati", "dusun": "Krajan", "rt": "001", "rw": "002", "phone": None,
        "occupation": "Buruh harian", "category": "rt_rw", "source_list": None, "source_date": None,
        "funding": "pades", "start_date": "2026-11-01", "status": "aktif", "exit_reason": None, "exit_date": None,
        "kpj": None, "created_at": STAMP, "updated_at": STAMP, "created_by": "operator", "updated_by": "operator",
        "rev": n,
    }  # fmt: skip
    values.update(changes)
    return values


def row(values: dict[str, Any]) -> list[Any]:
    return [values[c] for c in PARTICIPANT_COLUMNS]
