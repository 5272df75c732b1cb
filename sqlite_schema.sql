-- Kudus Desktop: canonical SQLite schema.
-- This file creates a new database at the version below. Older databases are carried
-- forward by the migration ladder in kudus_desktop/core/storage/migrations.py; a test checks that
-- the SQLAlchemy mappings in kudus_desktop/core/storage/tables.py describe exactly these tables.
-- Dates are ISO-8601 text (YYYY-MM-DD), timestamps 'YYYY-MM-DD HH:MM:SS' local time.

PRAGMA application_id = 1263553875;  -- 0x4B504D53 ("KPMS"), marks the file as Kudus Desktop's
PRAGMA user_version = 15;

-- Settings that travel with the data (office profile, rules). Keys are declared once
-- in kudus_desktop/core/storage/settings.py with their defaults.
CREATE TABLE setting (
    key   TEXT PRIMARY KEY NOT NULL,
    value TEXT NOT NULL
);

CREATE TABLE app_user (
    id            INTEGER PRIMARY KEY,
    username      TEXT NOT NULL UNIQUE,
    full_name     TEXT NOT NULL,
    role          TEXT NOT NULL,
    password_hash TEXT NOT NULL,   -- argon2id, salted; never the password
    active        INTEGER NOT NULL DEFAULT 1,
    created_at    TEXT NOT NULL,
    failed_logins INTEGER NOT NULL DEFAULT 0,  -- consecutive failures; reset by a good log-in
    locked_until  TEXT                         -- no log-in before this time after too many failures
);

-- Who did what and when: log-ins, failed log-ins, account changes. Never edited by the app.
CREATE TABLE audit_event (
    id       INTEGER PRIMARY KEY,
    at       TEXT NOT NULL,
    username TEXT NOT NULL,
    action   TEXT NOT NULL,
    detail   TEXT NOT NULL DEFAULT ''
);
CREATE INDEX ix_audit_at ON audit_event (at);

-- One row per enrolment of a person by a village. id is local; uid is made offline
-- (UUID4) so that the regency can merge every village's rows without collisions.
-- reg_no is the village's number for the enrolment: unique within its desa (v10).
CREATE TABLE participant (
    id           INTEGER PRIMARY KEY,
    uid          TEXT NOT NULL UNIQUE,
    reg_no       TEXT NOT NULL,
    desa_code    TEXT NOT NULL,
    nik          TEXT NOT NULL,
    kk           TEXT,
    full_name    TEXT NOT NULL,
    birth_place  TEXT,
    birth_date   TEXT NOT NULL,
    sex          TEXT NOT NULL CHECK (sex IN ('L', 'P')),
    address      TEXT,
    dusun        TEXT,
    rt           TEXT,
    rw           TEXT,
    phone        TEXT,
    occupation   TEXT,
    category     TEXT NOT NULL,
    source_list  TEXT,
    source_date  TEXT,
    funding      TEXT NOT NULL,
    start_date   TEXT NOT NULL,
    status       TEXT NOT NULL CHECK (status IN ('aktif', 'berhenti')),
    exit_reason  TEXT,
    exit_date    TEXT,
    kpj          TEXT,
    created_at   TEXT NOT NULL,
    updated_at   TEXT NOT NULL,
    created_by   TEXT NOT NULL,
    updated_by   TEXT NOT NULL,
    rev          INTEGER NOT NULL DEFAULT 0,  -- change counter value of the last write (sync)
    term_end     TEXT,     -- officials: the day the term of office ends (village only)
    source_id    TEXT,     -- the row's ID in its source list (DTSEN/DTKS/P3KE), kept from import
    desil        INTEGER,  -- the family's welfare decile in DTSEN (1-10), when the list gives it
    UNIQUE (desa_code, nik),
    UNIQUE (desa_code, reg_no)
);
-- Covers the list's default order and the NIK / registration / KPJ search, so a search
-- typed while the list is sorted by name never reads the table itself.
CREATE INDEX ix_participant_name ON participant (full_name COLLATE NOCASE, nik, reg_no, kpj);
CREATE INDEX ix_participant_status ON participant (status);
CREATE INDEX ix_participant_category ON participant (category);
CREATE INDEX ix_participant_start ON participant (start_date);
CREATE INDEX ix_participant_rev ON participant (rev);
-- The regency looks a NIK up across every village (double enrolment).
CREATE INDEX ix_participant_nik ON participant (nik);
-- Holds every column the regency's dashboard counts, in the order it groups them: its figures
-- come from scanning this index alone, without sorting (1,000,000 participants: 0.2 s, not 1.8 s).
CREATE INDEX ix_participant_overview ON participant (desa_code, status, category, start_date, exit_date, kpj);
-- A save looks for someone else born that day with a similar name and KK (likely the same person):
-- without it that check read every active participant of the desa (40 ms a save at 100,000).
CREATE INDEX ix_participant_birth ON participant (birth_date);

-- Search: every three-character piece of the NIK, KPJ, registration number and name (v14), so a
-- search that matches few people among a million (a whole NIK, a rare name) looks them up instead
-- of reading the whole name index (0.4 s). It keeps its own copy of those four columns: a row's
-- old words can then be taken out by its id alone. New participants are the ids above the highest
-- one indexed (SQLite gives a new row the next id; nothing here inserts with an id of its own); a change of those columns or a removal is noted by a trigger (FTS5 written from a
-- trigger costs four times as much per row, and a trigger on every insert slows an ingest by a
-- fifth). Both are indexed in one pass just before their transaction commits (Database.begin),
-- and a search treats every row not indexed yet as a candidate, so it never misses one.
CREATE VIRTUAL TABLE participant_search USING fts5 (
    nik, kpj, reg_no, full_name, tokenize = 'trigram', detail = 'column'
);
CREATE TABLE participant_search_stale (
    id INTEGER PRIMARY KEY  -- participant.id, changed or removed; no foreign key: removed rows are noted too
);
CREATE TRIGGER participant_search_changed AFTER UPDATE OF nik, kpj, reg_no, full_name ON participant
WHEN new.nik IS NOT old.nik OR new.kpj IS NOT old.kpj OR new.reg_no IS NOT old.reg_no
    OR new.full_name IS NOT old.full_name BEGIN
    INSERT OR IGNORE INTO participant_search_stale (id) VALUES (new.id);
END;
CREATE TRIGGER participant_search_removed AFTER DELETE ON participant BEGIN
    INSERT OR IGNORE INTO participant_search_stale (id) VALUES (old.id);
END;

-- Every create, change, end and reactivation, with the fields' old and new values.
CREATE TABLE participant_history (
    id             INTEGER PRIMARY KEY,
    participant_id INTEGER NOT NULL REFERENCES participant (id),
    at             TEXT NOT NULL,
    username       TEXT NOT NULL,
    action         TEXT NOT NULL,
    changes        TEXT NOT NULL,  -- JSON list of [field, old, new]
    rev            INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX ix_history_participant ON participant_history (participant_id);

-- Monotonic counters; 'change' numbers every write so a sync package can carry
-- "everything since counter N".
CREATE TABLE counter (
    name  TEXT PRIMARY KEY NOT NULL,
    value INTEGER NOT NULL
);
INSERT INTO counter (name, value) VALUES ('change', 0), ('reg_no', 0), ('sync_seq', 0);

-- The installation's own keys: 'sign' (Ed25519) signs the QR code on every card and every
-- sync package or receipt; 'box' (X25519) opens what is encrypted for this installation.
-- Made at setup; they travel inside backups so a restored office keeps its identity.
CREATE TABLE key_pair (
    purpose     TEXT PRIMARY KEY NOT NULL,  -- 'sign' or 'box'
    private_key BLOB NOT NULL,              -- raw 32 bytes
    public_key  BLOB NOT NULL,              -- raw 32 bytes
    created_at  TEXT NOT NULL
);

-- Every card printed or saved as PDF: who, when, in which run, and why when it was a reprint.
CREATE TABLE card_print (
    id             INTEGER PRIMARY KEY,
    participant_id INTEGER NOT NULL REFERENCES participant (id),
    batch          TEXT NOT NULL,
    at             TEXT NOT NULL,
    username       TEXT NOT NULL,
    issue_date     TEXT NOT NULL,
    reason         TEXT NOT NULL DEFAULT '',
    standing       TEXT NOT NULL DEFAULT ''  -- what the card said (enrolment.Standing); '' before v11
);
CREATE INDEX ix_card_print_participant ON card_print (participant_id);

-- Sync, village side: every package this device wrote, by its sequence number.
CREATE TABLE sync_outbox (
    seq             INTEGER PRIMARY KEY,  -- the device's package number, never reused
    created_at      TEXT NOT NULL,
    username        TEXT NOT NULL,
    file_name       TEXT NOT NULL,
    digest          TEXT NOT NULL,        -- SHA-256 of the file, hex
    from_rev        INTEGER NOT NULL,     -- carries the changes with from_rev < rev <= to_rev
    to_rev          INTEGER NOT NULL,
    participants    INTEGER NOT NULL,
    full            INTEGER NOT NULL DEFAULT 0,
    acknowledged_at TEXT,                 -- a receipt said the regency has it
    uploaded_at     TEXT,                 -- the sync server took it (v7)
    superseded_at   TEXT                  -- the regency holds other bytes under this number (v10)
);

-- Sync, both sides: per participant, which version travelled and what the regency said.
-- Village: sent_seq/sent_rev = the last package that carried the record and its rev.
-- Regency: sent_seq/sent_rev = the package it came in and the village's rev of the row held.
CREATE TABLE participant_sync (
    participant_id INTEGER PRIMARY KEY REFERENCES participant (id),
    sent_seq       INTEGER,
    sent_rev       INTEGER,
    outcome        TEXT CHECK (outcome IN ('accepted', 'rejected', 'review')),
    reason         TEXT NOT NULL DEFAULT '',
    outcome_rev    INTEGER,   -- the village's rev the outcome is about
    outcome_at     TEXT
);
-- The few records the regency rejected, found without reading the others.
CREATE INDEX ix_participant_sync_rejected ON participant_sync (outcome) WHERE outcome = 'rejected';

-- Sync, regency side: the village devices whose packages are accepted.
CREATE TABLE sync_device (
    device_id     TEXT PRIMARY KEY NOT NULL,  -- hex of the first 8 bytes of SHA-256(sign key)
    desa_code     TEXT NOT NULL,
    sign_key      BLOB NOT NULL,              -- raw Ed25519 public key
    box_key       BLOB NOT NULL,              -- raw X25519 public key
    registered_at TEXT NOT NULL,
    registered_by TEXT NOT NULL,
    full_resend   INTEGER NOT NULL DEFAULT 0, -- the regency asked this device for everything again
    predecessor   TEXT,                       -- the device whose key vouched for this one (v10)
    retired_at    TEXT,                       -- replaced by a newer device of the desa (v10)
    retired_seq   INTEGER,                    -- its packages numbered from here on are refused (v10)
    revoked_at    TEXT,                       -- revoked by an operator: nothing more is taken (v10)
    revoked_by    TEXT,
    revoke_reason TEXT NOT NULL DEFAULT '',
    app_version   TEXT NOT NULL DEFAULT ''    -- the Kudus Desktop version its last package came from (v13)
);
CREATE INDEX ix_sync_device_desa ON sync_device (desa_code);

-- Sync, regency side: every package imported, once.
CREATE TABLE sync_inbox (
    id           INTEGER PRIMARY KEY,
    device_id    TEXT NOT NULL REFERENCES sync_device (device_id),
    desa_code    TEXT NOT NULL,
    seq          INTEGER NOT NULL,
    digest       TEXT NOT NULL,
    created_at   TEXT NOT NULL,  -- when the village wrote it
    received_at  TEXT NOT NULL,
    username     TEXT NOT NULL,
    participants INTEGER NOT NULL,
    full         INTEGER NOT NULL DEFAULT 0,
    rejected     INTEGER NOT NULL DEFAULT 0,  -- rows refused by the checks (v10)
    format       INTEGER NOT NULL DEFAULT 1,  -- the file format, answered in kind (v10)
    UNIQUE (device_id, seq)
);
CREATE INDEX ix_sync_inbox_desa ON sync_inbox (desa_code);

-- Sync, regency side: rows of packages that broke a rule, never stored; each is reported in
-- the village's receipts until a later version of the same record is accepted (v10).
CREATE TABLE sync_rejection (
    id         INTEGER PRIMARY KEY,
    desa_code  TEXT NOT NULL,
    device_id  TEXT NOT NULL,
    seq        INTEGER NOT NULL,
    kind       TEXT NOT NULL CHECK (kind IN ('participants', 'payments')),
    uid        TEXT NOT NULL,
    rev        INTEGER NOT NULL,
    code       TEXT NOT NULL,             -- message code of the rule broken
    params     TEXT NOT NULL DEFAULT '{}', -- JSON: what the message names
    at         TEXT NOT NULL
);
CREATE INDEX ix_sync_rejection_uid ON sync_rejection (desa_code, uid);

-- Sync, regency side: the uid a village used for an enrolment before it re-sent the same
-- person under a new one (a restored backup): later packages naming the old uid change nothing (v10).
CREATE TABLE participant_alias (
    uid            TEXT PRIMARY KEY NOT NULL,
    participant_id INTEGER NOT NULL REFERENCES participant (id),
    desa_code      TEXT NOT NULL,
    at             TEXT NOT NULL
);

-- Sync, regency side: receipts written, numbered per village.
CREATE TABLE sync_receipt (
    desa_code  TEXT NOT NULL,
    seq        INTEGER NOT NULL,
    created_at TEXT NOT NULL,
    username   TEXT NOT NULL,
    device_id  TEXT NOT NULL,
    file_name  TEXT NOT NULL,
    records    INTEGER NOT NULL,
    content    TEXT,                      -- SHA-256 of the payload, to serve it again unchanged (v7)
    data       BLOB,                      -- the sealed receipt as served by the sync server (v7)
    PRIMARY KEY (desa_code, seq)
);

-- Regency desk: a possible double enrolment, kept until an operator decides which stands.
-- kind 'nik': the same NIK active in two villages; 'apbd': a village's participant whose NIK
-- is in the regency's APBD scheme (second_id NULL); 'similar': same name, birth date and KK
-- under different NIKs (a suggestion only). first_id is the earlier enrolment.
CREATE TABLE duplicate_case (
    id         INTEGER PRIMARY KEY,
    kind       TEXT NOT NULL DEFAULT 'nik' CHECK (kind IN ('nik', 'apbd', 'similar')),
    nik        TEXT NOT NULL,
    first_id   INTEGER NOT NULL REFERENCES participant (id),
    second_id  INTEGER REFERENCES participant (id),
    found_at   TEXT NOT NULL,
    status     TEXT NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'resolved')),
    decision   TEXT CHECK (decision IN ('keep_first', 'keep_second', 'not_same', 'gone')),
    decided_at TEXT,
    decided_by TEXT,
    note       TEXT NOT NULL DEFAULT ''
);
CREATE UNIQUE INDEX ux_duplicate_pair ON duplicate_case (kind, first_id, COALESCE(second_id, 0));
CREATE INDEX ix_duplicate_nik ON duplicate_case (nik);
CREATE INDEX ix_duplicate_status ON duplicate_case (status);

-- Regency desk: the regency's own APBD-funded scheme, by NIK, as last imported.
CREATE TABLE apbd_member (
    nik         TEXT PRIMARY KEY NOT NULL,
    full_name   TEXT NOT NULL DEFAULT '',
    start_date  TEXT,           -- since when the scheme covers the person, when the list says
    imported_at TEXT NOT NULL
);

-- Regency desk: what went to BPJS on a registration list and what BPJS answered.
CREATE TABLE bpjs_status (
    participant_id INTEGER PRIMARY KEY REFERENCES participant (id),
    sent_at        TEXT,        -- the day the person was last on a registration list
    sent_by        TEXT,
    result         TEXT CHECK (result IN ('registered', 'rejected')),
    reason         TEXT NOT NULL DEFAULT '',
    result_at      TEXT
);

-- Sync server: packages uploaded by a device the regency has not confirmed yet. They wait
-- here until an operator compares the fingerprint the village reads out, then go through the
-- same import as a package from a stick.
CREATE TABLE hub_pending (
    device_id   TEXT NOT NULL,
    seq         INTEGER NOT NULL,
    desa_code   TEXT NOT NULL,
    digest      TEXT NOT NULL,
    fingerprint TEXT NOT NULL,
    file_name   TEXT NOT NULL,
    received_at TEXT NOT NULL,
    data        BLOB NOT NULL,
    PRIMARY KEY (device_id, seq)
);

-- Premiums: the dated rate table. A 'tarif' row sets JKK (a share of the reported income) and
-- JKM; a 'diskon' row takes a percentage off the total while it is switched on. A month's premium
-- always comes from the rows valid in that month ('YYYY-MM', valid_to inclusive, NULL: open).
CREATE TABLE premium_rate (
    id           INTEGER PRIMARY KEY,
    kind         TEXT NOT NULL CHECK (kind IN ('tarif', 'diskon')),
    valid_from   TEXT NOT NULL,
    valid_to     TEXT,
    funding      TEXT,                          -- only for this funding source; NULL: all
    income       INTEGER NOT NULL DEFAULT 0,    -- reported income, Rp
    jkk_rate_bp  INTEGER NOT NULL DEFAULT 0,    -- JKK in basis points of the income (100 = 1%)
    jkm          INTEGER NOT NULL DEFAULT 0,    -- JKM, Rp a month
    discount_pct INTEGER NOT NULL DEFAULT 0,
    active       INTEGER NOT NULL DEFAULT 1,
    note         TEXT NOT NULL DEFAULT '',
    changed_at   TEXT NOT NULL,
    changed_by   TEXT NOT NULL
);

-- Premiums: a payment to BPJS and, per participant and month, what it paid.
CREATE TABLE premium_payment (
    id          INTEGER PRIMARY KEY,
    uid         TEXT NOT NULL UNIQUE,           -- made offline; the regency keys villages' payments by it
    desa_code   TEXT NOT NULL,
    paid_on     TEXT NOT NULL,
    amount      INTEGER NOT NULL,
    reference   TEXT NOT NULL DEFAULT '',
    note        TEXT NOT NULL DEFAULT '',
    first_month INTEGER NOT NULL,               -- year * 12 + month - 1
    last_month  INTEGER NOT NULL,
    people      INTEGER NOT NULL,
    created_at  TEXT NOT NULL,
    created_by  TEXT NOT NULL,
    voided_at   TEXT,
    voided_by   TEXT,
    void_reason TEXT NOT NULL DEFAULT '',
    rev         INTEGER NOT NULL DEFAULT 0      -- change counter, for sync packages
);
CREATE INDEX ix_premium_payment_rev ON premium_payment (rev);
CREATE TABLE premium_paid (
    participant_id INTEGER NOT NULL REFERENCES participant (id),
    month          INTEGER NOT NULL,            -- year * 12 + month - 1
    payment_id     INTEGER NOT NULL REFERENCES premium_payment (id),
    amount         INTEGER NOT NULL,
    PRIMARY KEY (participant_id, month)
) WITHOUT ROWID;
CREATE INDEX ix_premium_paid_payment ON premium_paid (payment_id);
CREATE INDEX ix_premium_paid_month ON premium_paid (month);

-- Premiums: the APBDes line the village adopted for a year.
CREATE TABLE premium_budget (
    year              INTEGER PRIMARY KEY,
    amount            INTEGER NOT NULL,
    planned_additions INTEGER NOT NULL DEFAULT 0,
    set_at            TEXT NOT NULL,
    set_by            TEXT NOT NULL
);

-- Approval: a participant whose new or changed data waits for a verifikator ('menunggu') or was
-- sent back ('ditolak'). No row means the current data is approved. Such a participant stays out
-- of sync packages and off cards until approved.
CREATE TABLE participant_review (
    participant_id INTEGER PRIMARY KEY REFERENCES participant (id),
    state          TEXT NOT NULL CHECK (state IN ('menunggu', 'ditolak')),
    approved       TEXT,           -- JSON of the data as last approved; NULL for a new enrolment
    makers         TEXT NOT NULL,  -- comma-separated usernames who changed it since; none may approve
    submitted_at   TEXT NOT NULL,
    reason         TEXT NOT NULL DEFAULT '',  -- why the verifikator sent it back
    reviewed_at    TEXT,
    reviewed_by    TEXT
);
CREATE INDEX ix_participant_review_state ON participant_review (state);

-- Source lists: a participant absent from the newest complete list of their source (DTSEN, DTKS,
-- P3KE ...), kept for review until a later list holds them again. Nobody is ended by it.
CREATE TABLE source_absence (
    participant_id INTEGER PRIMARY KEY REFERENCES participant (id),
    source_list    TEXT NOT NULL,
    file_name      TEXT NOT NULL,  -- the list they were missing from
    noted_at       TEXT NOT NULL
);
