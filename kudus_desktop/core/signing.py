"""The office's Ed25519 signing key and the signed payload of a card's QR code.

The key is made once, on first use, and kept in the database (so a backup carries it and a
restored office keeps its identity). Anyone holding the public key, the regency for example,
can check a card offline: the QR text names the card and ends with a signature over the rest.

QR text: ``KD1:<reg_no>:<kpj>:<desa_code>:<YYYYMMDD>:<signature>``, upper case, digits and
``-.:`` only, so the code uses QR's alphanumeric mode and stays small enough to read at CR80
size; the signature is the 64-byte Ed25519 signature of everything before the last colon, in
base32 without padding.
"""

from __future__ import annotations

import base64
import binascii
import re
from dataclasses import dataclass
from datetime import date, datetime

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from sqlalchemy import select
from sqlalchemy.dialects.sqlite import insert

from kudus_desktop.core.dates import now_iso
from kudus_desktop.core.db import Database
from kudus_desktop.core.errors import KudusError
from kudus_desktop.core.tables import key_pair_table

SIGN_PURPOSE = "sign"
PAYLOAD_TAG = "KD1"
_FIELD = re.compile(r"^[0-9A-Z.\-]*$")


def office_key(db: Database) -> Ed25519PrivateKey:
    """The office's signing key, made and stored on first use."""
    k = key_pair_table.c
    with db.begin() as conn:
        seed = conn.execute(select(k.private_key).where(k.purpose == SIGN_PURPOSE)).scalar()
        if seed is None:
            key = Ed25519PrivateKey.generate()
            raw = key.private_bytes(
                serialization.Encoding.Raw, serialization.PrivateFormat.Raw, serialization.NoEncryption()
            )
            public = key.public_key().public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
            # Another process may have made one meanwhile: keep whichever was stored first.
            conn.execute(
                insert(key_pair_table)
                .values(purpose=SIGN_PURPOSE, private_key=raw, public_key=public, created_at=now_iso())
                .on_conflict_do_nothing()
            )
            seed = conn.execute(select(k.private_key).where(k.purpose == SIGN_PURPOSE)).scalar_one()
    return Ed25519PrivateKey.from_private_bytes(bytes(seed))


def public_key_pem(db: Database) -> str:
    """The office's public key as PEM text, to hand to whoever checks its cards."""
    public = office_key(db).public_key()
    return public.public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo).decode()


def key_fingerprint(public: Ed25519PublicKey) -> str:
    """Short text to compare a key over the telephone: 8 groups of 4 base32 characters."""
    raw = public.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
    text = base64.b32encode(raw).decode()[:32]
    return " ".join(text[i : i + 4] for i in range(0, 32, 4))


def load_public_key(data: bytes) -> Ed25519PublicKey:
    """A public key from PEM text (what :func:`public_key_pem` writes) or its 32 raw bytes."""
    try:
        if len(data) == 32:
            return Ed25519PublicKey.from_public_bytes(data)
        key = serialization.load_pem_public_key(data)
    except (ValueError, TypeError):
        raise KudusError("public_key_invalid") from None
    if not isinstance(key, Ed25519PublicKey):
        raise KudusError("public_key_invalid")
    return key


@dataclass(frozen=True, slots=True)
class CardPayload:
    """What a card's QR code says about the card."""

    reg_no: str
    kpj: str
    desa_code: str
    issue_date: date


def _field(value: str) -> str:
    """Upper case, with anything outside the alphanumeric QR set (and the separator) dropped."""
    return "".join(ch for ch in value.upper() if ch.isascii() and (ch.isalnum() or ch in ".-"))


def sign_payload(payload: CardPayload, key: Ed25519PrivateKey) -> str:
    """The QR text for a card, signed with ``key``."""
    body = ":".join(
        (
            PAYLOAD_TAG,
            _field(payload.reg_no),
            _field(payload.kpj),
            _field(payload.desa_code),
            payload.issue_date.strftime("%Y%m%d"),
        )
    )
    signature = base64.b32encode(key.sign(body.encode("ascii"))).decode().rstrip("=")
    return f"{body}:{signature}"


def parse_payload(text: str) -> tuple[CardPayload, bytes, bytes]:
    """The payload, the signed bytes and the signature; ``card_qr_invalid`` when it is not ours."""
    parts = text.strip().split(":")
    if len(parts) != 6 or parts[0] != PAYLOAD_TAG or not all(_FIELD.match(p) for p in parts[1:4]):
        raise KudusError("card_qr_invalid")
    try:
        issued = datetime.strptime(parts[4], "%Y%m%d").date()
        sig_text = parts[5]
        signature = base64.b32decode(sig_text + "=" * (-len(sig_text) % 8))
    except (ValueError, binascii.Error):
        raise KudusError("card_qr_invalid") from None
    if len(signature) != 64:
        raise KudusError("card_qr_invalid")
    body = text.strip().rsplit(":", 1)[0].encode("ascii")
    return CardPayload(parts[1], parts[2], parts[3], issued), body, signature


def verify_payload(text: str, public: Ed25519PublicKey) -> CardPayload:
    """The card a QR text names, if ``public``'s owner signed it; ``card_qr_forged`` otherwise."""
    payload, body, signature = parse_payload(text)
    try:
        public.verify(signature, body)
    except InvalidSignature:
        raise KudusError("card_qr_forged", reg_no=payload.reg_no) from None
    return payload
