"""The installation's keys and the signed payload of a card's QR code.

Every installation has an Ed25519 signing key and an X25519 encryption key, made at setup
(or on first use in a database made before keys existed) and kept in the database, so a
backup carries them and a restored office keeps its identity. Anyone holding the signing
key's public half, the regency for example, can check a card offline: the QR text names the
card and ends with a signature over the rest.

QR text: ``KD1:<reg_no>:<kpj>:<desa_code>:<YYYYMMDD>:<signature>``, upper case, digits and
``-.:`` only, so the code uses QR's alphanumeric mode and stays small enough to read at CR80
size; the signature is the 64-byte Ed25519 signature of everything before the last colon, in
base32 without padding.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import re
from dataclasses import dataclass
from datetime import date, datetime

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PrivateKey, X25519PublicKey
from sqlalchemy import Connection, select

from kudus_desktop.core.dates import now_iso
from kudus_desktop.core.db import Database, upsert
from kudus_desktop.core.errors import KudusError
from kudus_desktop.core.tables import key_pair_table

SIGN_PURPOSE = "sign"
BOX_PURPOSE = "box"
PAYLOAD_TAG = "KD1"
_FIELD = re.compile(r"^[0-9A-Z.\-]*$")


def _raw_private(key: Ed25519PrivateKey | X25519PrivateKey) -> bytes:
    return key.private_bytes(serialization.Encoding.Raw, serialization.PrivateFormat.Raw, serialization.NoEncryption())


def raw_public(key: Ed25519PublicKey | X25519PublicKey) -> bytes:
    """The 32 raw bytes of a public key."""
    return key.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)


def _stored_private(conn: Connection, purpose: str) -> bytes:
    """The private key for ``purpose``, made and stored if this installation has none yet."""
    k = key_pair_table.c
    seed = conn.execute(select(k.private_key).where(k.purpose == purpose)).scalar()
    if seed is None:
        key: Ed25519PrivateKey | X25519PrivateKey = (
            Ed25519PrivateKey.generate() if purpose == SIGN_PURPOSE else X25519PrivateKey.generate()
        )
        # Another process may have made one meanwhile: keep whichever was stored first.
        conn.execute(
            upsert(conn, key_pair_table)
            .values(
                purpose=purpose,
                private_key=_raw_private(key),
                public_key=raw_public(key.public_key()),
                created_at=now_iso(),
            )
            .on_conflict_do_nothing()
        )
        seed = conn.execute(select(k.private_key).where(k.purpose == purpose)).scalar_one()
    return bytes(seed)


def ensure_keys(conn: Connection) -> None:
    """Make the installation's signing and encryption keys now (at setup), not on first use."""
    _stored_private(conn, SIGN_PURPOSE)
    _stored_private(conn, BOX_PURPOSE)


def office_key(db: Database) -> Ed25519PrivateKey:
    """The installation's signing key (cards, sync packages, receipts)."""
    with db.begin() as conn:
        return Ed25519PrivateKey.from_private_bytes(_stored_private(conn, SIGN_PURPOSE))


def box_key(db: Database) -> X25519PrivateKey:
    """The installation's encryption key: opens packages or receipts addressed to it."""
    with db.begin() as conn:
        return X25519PrivateKey.from_private_bytes(_stored_private(conn, BOX_PURPOSE))


def device_id(sign_public: bytes) -> str:
    """A device's name in sync files: hex of the first 8 bytes of SHA-256 of its signing key."""
    return hashlib.sha256(sign_public).hexdigest()[:16]


def device_fingerprint(sign_public: bytes, box_public: bytes) -> str:
    """What two people read to each other over the telephone to confirm a device's keys:
    the first 10 bytes of SHA-256(sign key || box key) in base32, four groups of four."""
    text = base64.b32encode(hashlib.sha256(sign_public + box_public).digest()[:10]).decode()
    return "-".join(text[i : i + 4] for i in range(0, 16, 4))


@dataclass(frozen=True, slots=True)
class Identity:
    """This installation's keys as the sync code needs them."""

    sign: Ed25519PrivateKey
    box: X25519PrivateKey

    @property
    def sign_public(self) -> bytes:
        return raw_public(self.sign.public_key())

    @property
    def box_public(self) -> bytes:
        return raw_public(self.box.public_key())

    @property
    def device_id(self) -> str:
        return device_id(self.sign_public)

    @property
    def fingerprint(self) -> str:
        return device_fingerprint(self.sign_public, self.box_public)


def identity(db: Database) -> Identity:
    """Both keys of this installation, made if missing."""
    with db.begin() as conn:
        sign = _stored_private(conn, SIGN_PURPOSE)
        box = _stored_private(conn, BOX_PURPOSE)
    return Identity(Ed25519PrivateKey.from_private_bytes(sign), X25519PrivateKey.from_private_bytes(box))


def public_key_pem(db: Database) -> str:
    """The office's public key as PEM text, to hand to whoever checks its cards."""
    public = office_key(db).public_key()
    return public.public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo).decode()


def key_fingerprint(public: Ed25519PublicKey) -> str:
    """Short text to compare a key over the telephone: 8 groups of 4 base32 characters."""
    text = base64.b32encode(raw_public(public)).decode()[:32]
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
