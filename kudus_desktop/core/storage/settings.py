"""Settings that travel with the data, each declared once with its default."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import TYPE_CHECKING

from sqlalchemy import Connection, select

from kudus_desktop.core.storage.db import upsert
from kudus_desktop.core.storage.tables import setting_table

if TYPE_CHECKING:
    from kudus_desktop.core.storage.db import Database


@dataclass(frozen=True, slots=True)
class SettingKey:
    key: str
    default: str


MODE = SettingKey("mode", "")
REGION_CODE = SettingKey("region_code", "")
HEAD_NAME = SettingKey("head_name", "")
HEAD_TITLE = SettingKey("head_title", "Kepala Desa")
OFFICE_PHONE = SettingKey("office_phone", "")
#: Official paper (:mod:`kudus_desktop.core.rules.letterhead`): the signature's basis (langsung,
#: an, ub, plt, plh, pj), the positions under a.n./u.b., rank and NIP, the regency's office and
#: the letterhead's address, and the decree printed lists are an annex to (its date ISO).
PAPER = {
    name: SettingKey(f"paper_{name}", default)
    for name, default in (
        ("basis", "langsung"), ("signer_title", ""), ("ub_title", ""), ("rank", ""), ("nip", ""),
        ("agency", "Dinas Pemberdayaan Masyarakat dan Desa"), ("office_address", ""), ("decree_kind", ""),
        ("decree_number", ""), ("decree_date", ""), ("decree_about", ""),
    )
}  # fmt: skip
#: DPMD Kudus rule reported in 2024-25 [P]: participants at most 65 years old.
MAX_AGE = SettingKey("max_age", "65")
#: The regency's minimum count of enrolled participants per village (DPMD Kudus: 10); the
#: budget warns below it.
MIN_PARTICIPANTS = SettingKey("min_participants", "10")
#: Digits of a KPJ (BPJS's card number) as BPJS's answers usually carry it; not an official
#: specification, so another length is accepted with a warning.
KPJ_DIGITS = SettingKey("kpj_digits", "11")

#: Column mappings remembered per source list, as JSON {SOURCE: {field: header text}}.
IMPORT_MAPPINGS = SettingKey("import_mappings", "{}")

#: Columns of the BPJS registration list, in order, as JSON; empty means the built-in default
#: (BPJS's collective-registration template is not public, so offices adjust it).
BPJS_COLUMNS = SettingKey("bpjs_columns", "[]")

#: Minutes without keyboard or mouse before the window locks (0: never).
IDLE_LOCK_MINUTES = SettingKey("idle_lock_minutes", "10")

# Sync, village side: the regency this village reports to, from its setup file.
SYNC_REGENCY = SettingKey("sync_regency", "")
SYNC_REGENCY_NAME = SettingKey("sync_regency_name", "")
SYNC_REGENCY_SIGN = SettingKey("sync_regency_sign", "")  # base64 Ed25519 public key
SYNC_REGENCY_BOX = SettingKey("sync_regency_box", "")  # base64 X25519 public key
#: Address of the regency's sync server (empty: USB only); the regency's own value goes into setup files.
SYNC_SERVER = SettingKey("sync_server", "")
SYNC_RECEIPT_SEQ = SettingKey("sync_receipt_seq", "0")  # the last receipt applied
#: Package numbers the regency has not seen, as JSON ranges ``[[first, last], ...]``.
SYNC_MISSING = SettingKey("sync_missing", "[]")
#: SHA-256 of the receipt applied last: the same number with other bytes is refused.
SYNC_RECEIPT_DIGEST = SettingKey("sync_receipt_digest", "")
#: When the regency wrote the newest receipt applied, by its own clock (signed): the purge
#: never counts ages beyond a month past it, whatever this PC's clock says.
SYNC_REGENCY_TIME = SettingKey("sync_regency_time", "")
#: This device's keys were renewed: the statement (JSON) that the previous key signed for the new
#: ones travels in every package until a receipt for the new device comes back.
SYNC_ROTATION = SettingKey("sync_rotation", "")
SYNC_FULL_REQUESTED = SettingKey("sync_full_requested", "0")  # the regency asked for everything again
#: The Kudus Desktop version the last package carried: a village that has changed nothing since it
#: was updated still sends one (empty) package, so the regency's device list shows its new version.
SYNC_REPORTED_VERSION = SettingKey("sync_reported_version", "")
#: Years an ended participation is kept after its end date before the purge removes the person
#: (0: never purged; the admin sets it to the period the office's rules require).
RETENTION_YEARS = SettingKey("retention_years", "0")
#: The first month whose premiums are kept in this application ('YYYY-MM'); set when premiums are
#: first used. Earlier months are shown as not tracked rather than as arrears.
PREMIUM_SINCE = SettingKey("premium_since", "")
#: Maker-checker: "1" holds new and changed enrolments out of sync packages and off cards until a
#: verifikator (or an admin who did not make the change) approves them. Only the admin switches it.
APPROVAL_REQUIRED = SettingKey("approval_required", "1")
# Online sync, village side: the last good exchange with the server, the last failure's text,
# and the fingerprint the regency must confirm before this device's uploads are imported.
SYNC_LAST_OK = SettingKey("sync_last_ok", "")
SYNC_LAST_ERROR = SettingKey("sync_last_error", "")
SYNC_HUB_PENDING = SettingKey("sync_hub_pending", "")
#: Regency: the largest inflated payload a package may declare, in MB (the absolute ceiling).
SYNC_MAX_PAYLOAD_MB = SettingKey("sync_max_payload_mb", "32")

#: Village: the one-time numbers of the regency's recovery files already used (JSON list).
RECOVERY_USED = SettingKey("recovery_used", "[]")

ALL_KEYS = (
    MODE, REGION_CODE, HEAD_NAME, HEAD_TITLE, OFFICE_PHONE, MAX_AGE, IMPORT_MAPPINGS, BPJS_COLUMNS,
    IDLE_LOCK_MINUTES, SYNC_REGENCY, SYNC_REGENCY_NAME, SYNC_REGENCY_SIGN, SYNC_REGENCY_BOX, SYNC_SERVER,
    SYNC_RECEIPT_SEQ, SYNC_MISSING, SYNC_FULL_REQUESTED, SYNC_LAST_OK, SYNC_LAST_ERROR, SYNC_HUB_PENDING,
    SYNC_RECEIPT_DIGEST, SYNC_ROTATION, SYNC_MAX_PAYLOAD_MB, SYNC_REGENCY_TIME, SYNC_REPORTED_VERSION,
    PREMIUM_SINCE, RETENTION_YEARS, APPROVAL_REQUIRED, MIN_PARTICIPANTS, KPJ_DIGITS, RECOVERY_USED, *PAPER.values(),
)  # fmt: skip


def read_all(conn: Connection) -> dict[str, str]:
    """Every declared setting, stored value or default."""
    stored = dict(conn.execute(select(setting_table.c.key, setting_table.c.value)).all())
    return {k.key: stored.get(k.key, k.default) for k in ALL_KEYS}


def write(conn: Connection, values: dict[SettingKey, str]) -> None:
    """Insert or replace the given settings inside the caller's transaction."""
    for key, value in values.items():
        stmt = upsert(conn, setting_table).values(key=key.key, value=value)
        conn.execute(stmt.on_conflict_do_update(index_elements=["key"], set_={"value": value}))


def import_mappings(db: Database) -> dict[str, dict[str, str]]:
    """Remembered column mappings by source list name."""
    with db.read() as conn:
        raw = read_all(conn)[IMPORT_MAPPINGS.key]
    try:
        value = json.loads(raw)
    except ValueError:
        return {}
    return value if isinstance(value, dict) else {}


def save_import_mapping(db: Database, source: str, headers: dict[str, str]) -> None:
    """Remember which header feeds which field for the next file of ``source``."""
    with db.begin() as conn:
        try:
            value = json.loads(read_all(conn)[IMPORT_MAPPINGS.key])
        except ValueError:
            value = {}
        value[source] = headers
        write(conn, {IMPORT_MAPPINGS: json.dumps(value, ensure_ascii=False, sort_keys=True)})
