"""The installation's keys and the signed payload of a card's QR code.

Every installation has an Ed25519 signing key and an X25519 encryption key, made at setup
(or on first use in a database made before keys existed) and kept in the database wrapped
under a key of the installation's own (``keys/device.key`` in the data folder): a plain copy
of the database carries no usable private key; an encrypted backup carries the wrapping key
too, so an office restored from it keeps its identity. Anyone holding the signing
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
import os
import re
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path

from cryptography.exceptions import InvalidSignature, InvalidTag
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PrivateKey, X25519PublicKey
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from sqlalchemy import Connection, select, update

from kudus_desktop.core.errors import KudusError
from kudus_desktop.core.rules.dates import now_iso
from kudus_desktop.core.storage import settings
from kudus_desktop.core.storage.audit import write_audit
from kudus_desktop.core.storage.db import Database, upsert
from kudus_desktop.core.storage.tables import key_pair_table

SIGN_PURPOSE = "sign"
BOX_PURPOSE = "box"
PAYLOAD_TAG = "KD2"  # KD2 adds the status the card was printed with; KD1 cards are still read
_PAYLOAD_TAGS = {"KD1": 6, "KD2": 7}  # tag -> fields, the signature included
#: What a card's QR says of its holder: registered with BPJS (a KPJ), or waiting for BPJS.
CARD_STATUSES = ("TERDAFTAR", "MENUNGGU")
_FIELD = re.compile(r"^[0-9A-Z.\-]*$")


def _raw_private(key: Ed25519PrivateKey | X25519PrivateKey) -> bytes:
    return key.private_bytes(serialization.Encoding.Raw, serialization.PrivateFormat.Raw, serialization.NoEncryption())


def raw_public(key: Ed25519PublicKey | X25519PublicKey) -> bytes:
    """The 32 raw bytes of a public key."""
    return key.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)


# The private keys are stored wrapped (AES-256-GCM) under a key kept in a file of its own beside
# the database, private to the OS user: a copy of the database alone (a plain backup on a stick,
# the copy kept before a restore, a file sent for support) yields no key that can sign a package
# or open one. The encrypted backup carries the wrapping key inside its own encryption, so an
# office restored from it on a new PC keeps its identity.
KEY_DIR = "keys"
KEY_FILE = "device.key"
_WRAPPED = b"KW1"


def wrapping_key_path(data_dir: Path) -> Path:
    return data_dir / KEY_DIR / KEY_FILE


def wrapping_key(data_dir: Path, *, create: bool = True) -> bytes | None:
    """The installation's key-wrapping key (32 bytes), made on first use; ``None`` when it is
    absent and ``create`` is false, or when the file is not one of ours."""
    path = wrapping_key_path(data_dir)
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        if not create:
            return None
        return _new_wrapping_key(path)
    except OSError as exc:
        raise KudusError("keys_unreadable", path=str(path), detail=exc.strerror or str(exc)) from None
    return data if len(data) == 32 else None


def _new_wrapping_key(path: Path) -> bytes:
    key = os.urandom(32)
    try:
        path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_BINARY", 0), 0o600)
    except FileExistsError:  # another process made it first: use theirs
        data = path.read_bytes()
        return data if len(data) == 32 else key
    except OSError as exc:
        raise KudusError("keys_unreadable", path=str(path), detail=exc.strerror or str(exc)) from None
    try:
        os.write(fd, key)
        os.fsync(fd)
    finally:
        os.close(fd)
    return key


def install_wrapping_key(data_dir: Path, key: bytes) -> None:
    """Put ``key`` in place as this installation's wrapping key (restoring an encrypted backup)."""
    path = wrapping_key_path(data_dir)
    path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    tmp = path.with_name(f".{KEY_FILE}.tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC | getattr(os, "O_BINARY", 0), 0o600)
    try:
        os.write(fd, key)
        os.fsync(fd)
    finally:
        os.close(fd)
    tmp.replace(path)


def seal_private(wrap: bytes, purpose: str, public: bytes, raw: bytes) -> bytes:
    """A private key as stored: ``KW1`` | nonce | AES-GCM(raw), bound to its purpose and public key."""
    nonce = os.urandom(12)
    return _WRAPPED + nonce + AESGCM(wrap).encrypt(nonce, raw, purpose.encode("utf-8") + public)


def open_private(wrap: bytes | None, purpose: str, public: bytes, stored: bytes) -> bytes | None:
    """The raw private key from its stored form (wrapped, or raw as written before wrapping
    existed); ``None`` when ``wrap`` does not open it."""
    if len(stored) == 32:
        return stored
    if wrap is None or not stored.startswith(_WRAPPED) or len(stored) != len(_WRAPPED) + 12 + 32 + 16:
        return None
    try:
        return AESGCM(wrap).decrypt(stored[3:15], stored[15:], purpose.encode("utf-8") + public)
    except InvalidTag:
        return None


class _LockedError(Exception):
    """The stored keys do not open with this installation's wrapping key."""


def _load(conn: Connection, wrap: bytes, purpose: str, *, make: bool) -> bytes | None:
    """The raw private key stored for ``purpose`` (made when missing and ``make``); a key still
    stored raw is wrapped on the way."""
    k = key_pair_table.c
    row = conn.execute(select(k.private_key, k.public_key).where(k.purpose == purpose)).first()
    if row is None:
        if not make:
            return None
        key: Ed25519PrivateKey | X25519PrivateKey = (
            Ed25519PrivateKey.generate() if purpose == SIGN_PURPOSE else X25519PrivateKey.generate()
        )
        public = raw_public(key.public_key())
        # Another process may have made one meanwhile: keep whichever was stored first.
        conn.execute(
            upsert(conn, key_pair_table)
            .values(purpose=purpose, private_key=seal_private(wrap, purpose, public, _raw_private(key)),
                    public_key=public, created_at=now_iso())
            .on_conflict_do_nothing()
        )  # fmt: skip
        row = conn.execute(select(k.private_key, k.public_key).where(k.purpose == purpose)).one()
    stored, public = bytes(row.private_key), bytes(row.public_key)
    raw = open_private(wrap, purpose, public, stored)
    if raw is None:
        raise _LockedError
    if len(stored) == 32:
        conn.execute(
            update(key_pair_table)
            .where(k.purpose == purpose)
            .values(private_key=seal_private(wrap, purpose, public, raw))
        )
    return raw


def ensure_keys(conn: Connection, data_dir: Path) -> None:
    """Make the installation's signing and encryption keys now (at setup), not on first use."""
    wrap = wrapping_key(data_dir)
    assert wrap is not None
    _load(conn, wrap, SIGN_PURPOSE, make=True)
    _load(conn, wrap, BOX_PURPOSE, make=True)


def office_key(db: Database) -> Ed25519PrivateKey:
    """The installation's signing key (cards, sync packages, receipts)."""
    return identity(db).sign


def box_key(db: Database) -> X25519PrivateKey:
    """The installation's encryption key: opens packages or receipts addressed to it."""
    return identity(db).box


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
    """Both keys of this installation, made if missing.

    When the stored keys do not open (the database was restored from a plain copy on another
    PC, whose key file is not here), a village gets new keys, recorded in the audit log: it is
    then a new device that the regency confirms by its fingerprint, as at its first package.
    A regency's keys are what every village trusts, so there the refusal names what to do.
    """
    wrap = wrapping_key(db.data_dir)
    assert wrap is not None
    try:
        with db.begin() as conn:
            sign = _load(conn, wrap, SIGN_PURPOSE, make=True)
            box = _load(conn, wrap, BOX_PURPOSE, make=True)
    except _LockedError:
        with db.begin() as conn:
            if settings.read_all(conn)[settings.MODE.key] == "kabupaten":
                raise KudusError("keys_locked", path=str(wrapping_key_path(db.data_dir))) from None
            k = key_pair_table.c
            conn.execute(key_pair_table.delete().where(k.purpose.in_([SIGN_PURPOSE, BOX_PURPOSE])))
            _load(conn, wrap, SIGN_PURPOSE, make=True)
            _load(conn, wrap, BOX_PURPOSE, make=True)
            write_audit(
                conn, "sistem", "keys_regenerated", "kunci lama tidak dapat dibuka di komputer ini; kunci baru dibuat"
            )
        return identity(db)
    assert sign is not None and box is not None
    return Identity(Ed25519PrivateKey.from_private_bytes(sign), X25519PrivateKey.from_private_bytes(box))


def _retired_purpose(purpose: str, device: str) -> str:
    return f"{purpose}@{device}"


def retired_identities(db: Database) -> list[Identity]:
    """Keys this installation used before a rotation and keeps until the regency has taken the
    new ones (receipts may still be addressed to them)."""
    wrap = wrapping_key(db.data_dir)
    k = key_pair_table.c
    out = []
    with db.read() as conn:
        devices = sorted(
            {p.split("@", 1)[1] for p in conn.execute(select(k.purpose)).scalars() if p.startswith(f"{SIGN_PURPOSE}@")}
        )
        for device in devices:
            try:
                sign = _load(conn, wrap or b"", _retired_purpose(SIGN_PURPOSE, device), make=False)
                box = _load(conn, wrap or b"", _retired_purpose(BOX_PURPOSE, device), make=False)
            except _LockedError:
                continue
            if sign and box:
                out.append(
                    Identity(Ed25519PrivateKey.from_private_bytes(sign), X25519PrivateKey.from_private_bytes(box))
                )
    return out


def rotate_identity(db: Database) -> tuple[Identity, Identity]:
    """Retire the current keys (kept under their device id) and make new ones; returns both."""
    old = identity(db)
    wrap = wrapping_key(db.data_dir)
    assert wrap is not None
    k = key_pair_table.c
    with db.begin() as conn:
        for purpose in (SIGN_PURPOSE, BOX_PURPOSE):
            retired = _retired_purpose(purpose, old.device_id)
            raw = _load(conn, wrap, purpose, make=False)
            public = conn.execute(select(k.public_key).where(k.purpose == purpose)).scalar_one()
            assert raw is not None
            conn.execute(key_pair_table.delete().where(k.purpose.in_([retired, purpose])))
            # Sealed again under its new name: the purpose is bound into the wrapping.
            conn.execute(
                key_pair_table.insert().values(
                    purpose=retired, private_key=seal_private(wrap, retired, bytes(public), raw), public_key=public,
                    created_at=now_iso(),
                )
            )  # fmt: skip
        _load(conn, wrap, SIGN_PURPOSE, make=True)
        _load(conn, wrap, BOX_PURPOSE, make=True)
    return old, identity(db)


def forget_retired(db: Database, keep: frozenset[str] | set[str] = frozenset()) -> int:
    """Delete retired keys except those of the devices in ``keep``; returns how many devices."""
    k = key_pair_table.c
    with db.begin() as conn:
        purposes = [p for p in conn.execute(select(k.purpose)).scalars() if "@" in p and p.split("@", 1)[1] not in keep]
        conn.execute(key_pair_table.delete().where(k.purpose.in_(purposes)))
    return len({p.split("@", 1)[1] for p in purposes})


def rewrap_keys(db_path: Path, old_wrap: bytes | None, new_wrap: bytes) -> None:
    """Re-wrap every stored private key of the SQLite file ``db_path`` from ``old_wrap`` to
    ``new_wrap`` (restoring an encrypted backup on a PC with its own key file)."""
    import sqlite3
    from contextlib import closing

    with closing(sqlite3.connect(db_path)) as conn:
        rows = conn.execute("SELECT purpose, private_key, public_key FROM key_pair").fetchall()
        for purpose, stored, public in rows:
            raw = open_private(old_wrap, purpose, bytes(public), bytes(stored))
            if raw is not None:
                conn.execute(
                    "UPDATE key_pair SET private_key = ? WHERE purpose = ?",
                    (seal_private(new_wrap, purpose, bytes(public), raw), purpose),
                )
        conn.commit()


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
    status: str = ""  # one of CARD_STATUSES; '' on a card printed before statuses were carried


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
            payload.status if payload.status in CARD_STATUSES else CARD_STATUSES[1],
        )
    )
    signature = base64.b32encode(key.sign(body.encode("ascii"))).decode().rstrip("=")
    return f"{body}:{signature}"


def parse_payload(text: str) -> tuple[CardPayload, bytes, bytes]:
    """The payload, the signed bytes and the signature; ``card_qr_invalid`` when it is not ours."""
    parts = text.strip()[:400].split(":")
    if _PAYLOAD_TAGS.get(parts[0]) != len(parts) or not all(_FIELD.match(p) for p in parts[1:4]):
        raise KudusError("card_qr_invalid")
    status = parts[5] if len(parts) == 7 else ""
    if len(parts) == 7 and status not in CARD_STATUSES:
        raise KudusError("card_qr_invalid")
    try:
        issued = datetime.strptime(parts[4], "%Y%m%d").date()
        sig_text = parts[-1]
        signature = base64.b32decode(sig_text + "=" * (-len(sig_text) % 8))
    except (ValueError, binascii.Error):
        raise KudusError("card_qr_invalid") from None
    if len(signature) != 64:
        raise KudusError("card_qr_invalid")
    body = text.strip().rsplit(":", 1)[0].encode("ascii")
    return CardPayload(parts[1], parts[2], parts[3], issued, status), body, signature


def verify_payload(text: str, public: Ed25519PublicKey) -> CardPayload:
    """The card a QR text names, if ``public``'s owner signed it; ``card_qr_forged`` otherwise."""
    payload, body, signature = parse_payload(text)
    try:
        public.verify(signature, body)
    except InvalidSignature:
        raise KudusError("card_qr_forged", reg_no=payload.reg_no) from None
    return payload
