-- Kudus Desktop: canonical SQLite schema.
-- This file creates a new database at the version below. Older databases are carried
-- forward by the migration ladder in kudus_desktop/core/migrations.py; a test checks that
-- the SQLAlchemy mappings in kudus_desktop/core/tables.py describe exactly these tables.
-- Dates are ISO-8601 text (YYYY-MM-DD), timestamps 'YYYY-MM-DD HH:MM:SS' local time.

PRAGMA application_id = 1263553875;  -- 0x4B504D53 ("KPMS"), marks the file as Kudus Desktop's
PRAGMA user_version = 4;

-- Settings that travel with the data (office profile, rules). Keys are declared once
-- in kudus_desktop/core/settings.py with their defaults.
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
CREATE TABLE participant (
    id           INTEGER PRIMARY KEY,
    uid          TEXT NOT NULL UNIQUE,
    reg_no       TEXT NOT NULL UNIQUE,
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
    UNIQUE (desa_code, nik)
);
-- Covers the list's default order and the NIK / registration / KPJ search, so a search
-- typed while the list is sorted by name never reads the table itself.
CREATE INDEX ix_participant_name ON participant (full_name COLLATE NOCASE, nik, reg_no, kpj);
CREATE INDEX ix_participant_status ON participant (status);
CREATE INDEX ix_participant_category ON participant (category);
CREATE INDEX ix_participant_start ON participant (start_date);
CREATE INDEX ix_participant_rev ON participant (rev);

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
INSERT INTO counter (name, value) VALUES ('change', 0), ('reg_no', 0);

-- The office's own Ed25519 key: signs the QR code on every card (and the office's sync
-- packages), so anyone holding the public key can check a card offline. Created once, on
-- first use; it travels inside backups so a restored office keeps its identity.
CREATE TABLE key_pair (
    purpose     TEXT PRIMARY KEY NOT NULL,  -- 'sign'
    private_key BLOB NOT NULL,              -- raw 32-byte seed
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
    reason         TEXT NOT NULL DEFAULT ''
);
CREATE INDEX ix_card_print_participant ON card_print (participant_id);
