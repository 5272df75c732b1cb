"""The sync round trip: a village's packages to the regency, the regency's receipts back.

Village side (:mod:`.village`): join a regency with its setup file, write a package of every
change since the last one, apply the regency's receipts, renew its keys. Regency side
(:mod:`.regency`): issue setup files, import packages from registered devices in any order and
any number of times, flag the same NIK in two villages, write receipts, revoke devices. What
both share (:mod:`.common`): names, safe writing, bounded reading, setup files.

Packages carry state, not operations: each participant row as it is now, with the village's
``rev``; the regency keeps a row only when its ``rev`` is newer than the one it holds, so
packages may arrive in any order and a repeat changes nothing. History rows are keyed by
(participant, rev) for the same reason. The file format lives in
:mod:`kudus_desktop.core.storage.syncfile` and ``docs/sync-format.md``; what a row may hold in
:mod:`kudus_desktop.core.storage.sync_rules`.
"""

from kudus_desktop.core.storage.sync_rules import (
    HISTORY_COLUMNS,
    OUTCOMES,
    PAID_COLUMNS,
    PARTICIPANT_COLUMNS,
    PAYMENT_COLUMNS,
    RECORD_COLUMNS,
)
from kudus_desktop.core.sync.common import (
    OUTBOX_DIR,
    SEQ_FILE,
    SETUP_FORMAT,
    SETUP_KIND,
    SetupFile,
    format_ranges,
    gaps,
    normalise_fingerprint,
    package_name,
    read_setup_file_bytes,
    read_sync_file,
    receipt_name,
    seq_ranges,
    setup_name,
    write_safely,
    write_setup_file,
)
from kudus_desktop.core.sync.regency import (
    BatchReport,
    DeviceRow,
    ImportFailure,
    IngestResult,
    PendingDevice,
    Receipt,
    RegencySync,
    VillageRow,
    package_files,
)
from kudus_desktop.core.sync.village import (
    OutboxEntry,
    PackageResult,
    ReceiptResult,
    RotationResult,
    VillageStatus,
    VillageSync,
)

__all__ = [
    "HISTORY_COLUMNS", "OUTBOX_DIR", "OUTCOMES", "PAID_COLUMNS", "PARTICIPANT_COLUMNS", "PAYMENT_COLUMNS",
    "RECORD_COLUMNS", "SEQ_FILE", "SETUP_FORMAT", "SETUP_KIND", "BatchReport", "DeviceRow", "ImportFailure",
    "IngestResult", "OutboxEntry", "PackageResult", "PendingDevice", "Receipt", "ReceiptResult", "RegencySync",
    "RotationResult", "SetupFile", "VillageRow", "VillageStatus", "VillageSync", "format_ranges", "gaps",
    "normalise_fingerprint", "package_files", "package_name", "read_setup_file_bytes", "read_sync_file",
    "receipt_name", "seq_ranges", "setup_name", "write_safely", "write_setup_file",
]  # fmt: skip
