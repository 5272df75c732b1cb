"""The migration ladder: step N carries a database from schema N-1 to N.

Each step runs inside the single transaction opened by :func:`db.migrate`, after a
backup copy of the file has been written, so a failure leaves the file as it was.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable

from kudus_desktop.core.paths import schema_path


def _to_v2(conn: sqlite3.Connection) -> None:
    """v2: change counters for sync; the registration-number sequence moves to ``counter``."""
    conn.execute("ALTER TABLE participant ADD COLUMN rev INTEGER NOT NULL DEFAULT 0")
    conn.execute("ALTER TABLE participant_history ADD COLUMN rev INTEGER NOT NULL DEFAULT 0")
    conn.execute("CREATE TABLE counter (name TEXT PRIMARY KEY NOT NULL, value INTEGER NOT NULL)")
    # Every existing row counts as changed once, in the order it was written.
    conn.execute("UPDATE participant_history SET rev = id")
    conn.execute(
        "UPDATE participant SET rev = COALESCE("
        "(SELECT MAX(h.id) FROM participant_history h WHERE h.participant_id = participant.id), 0)"
    )
    row = conn.execute("SELECT value FROM setting WHERE key = 'reg_no_seq'").fetchone()
    reg_seq = int(row[0]) if row else conn.execute("SELECT COUNT(*) FROM participant").fetchone()[0]
    change = conn.execute("SELECT COALESCE(MAX(id), 0) FROM participant_history").fetchone()[0]
    conn.execute("INSERT INTO counter (name, value) VALUES ('change', ?), ('reg_no', ?)", (change, reg_seq))
    conn.execute("DELETE FROM setting WHERE key = 'reg_no_seq'")
    conn.execute("CREATE INDEX ix_participant_rev ON participant (rev)")
    conn.execute("DROP INDEX ix_participant_name")
    conn.execute("CREATE INDEX ix_participant_name ON participant (full_name COLLATE NOCASE, nik, reg_no, kpj)")


def _to_v3(conn: sqlite3.Connection) -> None:
    """v3: log-in lockout and the audit log."""
    conn.execute("ALTER TABLE app_user ADD COLUMN failed_logins INTEGER NOT NULL DEFAULT 0")
    conn.execute("ALTER TABLE app_user ADD COLUMN locked_until TEXT")
    conn.execute(
        "CREATE TABLE audit_event (id INTEGER PRIMARY KEY, at TEXT NOT NULL, username TEXT NOT NULL,"
        " action TEXT NOT NULL, detail TEXT NOT NULL DEFAULT '')"
    )
    conn.execute("CREATE INDEX ix_audit_at ON audit_event (at)")


def _to_v4(conn: sqlite3.Connection) -> None:
    """v4: the office's signing key and the card print log."""
    conn.execute(
        "CREATE TABLE key_pair (purpose TEXT PRIMARY KEY NOT NULL, private_key BLOB NOT NULL,"
        " public_key BLOB NOT NULL, created_at TEXT NOT NULL)"
    )
    conn.execute(
        "CREATE TABLE card_print (id INTEGER PRIMARY KEY,"
        " participant_id INTEGER NOT NULL REFERENCES participant (id), batch TEXT NOT NULL, at TEXT NOT NULL,"
        " username TEXT NOT NULL, issue_date TEXT NOT NULL, reason TEXT NOT NULL DEFAULT '')"
    )
    conn.execute("CREATE INDEX ix_card_print_participant ON card_print (participant_id)")


def _to_v5(conn: sqlite3.Connection) -> None:
    """v5: sync packages, receipts, village devices and double-enrolment cases."""
    schema = _schema_section("-- Sync, village side:", "-- Regency desk:")
    for statement in _statements(schema):
        conn.execute(statement)
    conn.execute("CREATE INDEX ix_participant_nik ON participant (nik)")
    conn.execute("INSERT INTO counter (name, value) VALUES ('sync_seq', 0)")
    # v5's double-enrolment table, which v6 widens into the regency desk's queue.
    conn.execute(
        "CREATE TABLE duplicate_case (id INTEGER PRIMARY KEY, nik TEXT NOT NULL,"
        " first_id INTEGER NOT NULL REFERENCES participant (id),"
        " second_id INTEGER NOT NULL REFERENCES participant (id),"
        " found_at TEXT NOT NULL, status TEXT NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'resolved')),"
        " UNIQUE (first_id, second_id))"
    )
    conn.execute("CREATE INDEX ix_duplicate_nik ON duplicate_case (nik)")


def _to_v6(conn: sqlite3.Connection) -> None:
    """v6: the regency desk: a double-enrolment queue with decisions, the APBD list, BPJS results."""
    conn.execute("ALTER TABLE duplicate_case RENAME TO duplicate_case_v5")
    conn.execute("DROP INDEX ix_duplicate_nik")
    for statement in _statements(_schema_section("-- Regency desk:", "-- Sync server:")):
        conn.execute(statement)
    conn.execute(
        "INSERT INTO duplicate_case (id, kind, nik, first_id, second_id, found_at, status)"
        " SELECT id, 'nik', nik, first_id, second_id, found_at, status FROM duplicate_case_v5"
    )
    conn.execute("DROP TABLE duplicate_case_v5")


def _to_v7(conn: sqlite3.Connection) -> None:
    """v7: the sync server: uploads recorded at the village, receipts served again, devices waiting."""
    # A database that came through v5 got these tables from today's schema text already.
    _add_column(conn, "sync_outbox", "uploaded_at TEXT")
    _add_column(conn, "sync_receipt", "content TEXT")
    _add_column(conn, "sync_receipt", "data BLOB")
    for statement in _statements(_schema_section("-- Sync server:", "-- Premiums:")):
        conn.execute(statement)


def _to_v8(conn: sqlite3.Connection) -> None:
    """v8: premiums: the dated rate table, payments and what they paid, the yearly budget line."""
    for statement in _statements(_schema_section("-- Premiums:", "-- Approval:")):
        conn.execute(statement)


def _add_column(conn: sqlite3.Connection, table: str, definition: str) -> None:
    have = {row[1] for row in conn.execute(f"PRAGMA table_info({table})")}
    if definition.split()[0] not in have:
        conn.execute(f"ALTER TABLE {table} ADD COLUMN {definition}")


def _to_v9(conn: sqlite3.Connection) -> None:
    """v9: approval of new and changed enrolments by a verifikator; what is on record counts as approved."""
    for statement in _statements(_schema_section("-- Approval:")):
        conn.execute(statement)


def _to_v10(conn: sqlite3.Connection) -> None:
    """v10: a hardened sync boundary. Registration numbers are unique per desa (not across the
    regency, where one village could otherwise block another's); rows refused by the regency's
    checks are kept to report them; uids a restored village replaced; revoked and rotated devices."""
    _add_column(conn, "sync_outbox", "superseded_at TEXT")
    for definition in (
        "predecessor TEXT", "retired_at TEXT", "retired_seq INTEGER", "revoked_at TEXT", "revoked_by TEXT",
        "revoke_reason TEXT NOT NULL DEFAULT ''",
    ):  # fmt: skip
        _add_column(conn, "sync_device", definition)
    _add_column(conn, "sync_inbox", "rejected INTEGER NOT NULL DEFAULT 0")
    _add_column(conn, "sync_inbox", "format INTEGER NOT NULL DEFAULT 1")
    have = {row[0] for row in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
    for statement in _statements(
        _schema_section("-- Sync, regency side: rows of packages", "-- Sync, regency side: receipts")
    ):
        name = statement.split()[2]
        if statement.startswith("CREATE TABLE") and name in have:
            continue
        conn.execute(statement.replace("CREATE INDEX", "CREATE INDEX IF NOT EXISTS", 1))
    # SQLite cannot drop a column's UNIQUE: the table is rebuilt with the schema's definition
    # (foreign keys are off during a migration; every index is made again).
    indexes = [sql for (sql,) in conn.execute(
        "SELECT sql FROM sqlite_master WHERE type = 'index' AND tbl_name = 'participant' AND sql IS NOT NULL"
    )]  # fmt: skip
    create = _statements(_schema_section("CREATE TABLE participant (", "CREATE INDEX ix_participant_name"))[0]
    conn.execute(create.replace("CREATE TABLE participant (", "CREATE TABLE participant_v10 (", 1))
    columns = ", ".join(row[1] for row in conn.execute("PRAGMA table_info(participant)"))
    conn.execute(f"INSERT INTO participant_v10 ({columns}) SELECT {columns} FROM participant")
    conn.execute("DROP TABLE participant")
    conn.execute("ALTER TABLE participant_v10 RENAME TO participant")
    for sql in indexes:
        conn.execute(sql)


def _to_v11(conn: sqlite3.Connection) -> None:
    """v11: what a card said (its status); an official's end of term; a participant's ID and
    desil in the source list."""
    _add_column(conn, "card_print", "standing TEXT NOT NULL DEFAULT ''")
    _add_column(conn, "participant", "term_end TEXT")
    _add_column(conn, "participant", "source_id TEXT")
    _add_column(conn, "participant", "desil INTEGER")
    for statement in _statements(_schema_section("-- Source lists:")):
        conn.execute(statement.replace("CREATE TABLE", "CREATE TABLE IF NOT EXISTS", 1))


def _to_v12(conn: sqlite3.Connection) -> None:
    """v12: the indexes the regency's dashboard reads its figures from, and one by birth date for
    the likely-same-person check of every save."""
    conn.execute(
        "CREATE INDEX IF NOT EXISTS ix_participant_overview ON participant "
        "(desa_code, status, category, start_date, exit_date, kpj)"
    )
    conn.execute(
        "CREATE INDEX IF NOT EXISTS ix_participant_sync_rejected ON participant_sync (outcome) "
        "WHERE outcome = 'rejected'"
    )
    conn.execute("CREATE INDEX IF NOT EXISTS ix_participant_birth ON participant (birth_date)")


def _to_v13(conn: sqlite3.Connection) -> None:
    """v13: the Kudus Desktop version each village device last sent a package from."""
    _add_column(conn, "sync_device", "app_version TEXT NOT NULL DEFAULT ''")  # v5 makes it from today's schema


def _to_v14(conn: sqlite3.Connection) -> None:
    """v14: the trigram search index over NIK, KPJ, registration number and name, filled from
    every participant (about 7 s at a million, once)."""
    for statement in _complete_statements(_schema_section("-- Search:", "-- Every create")):
        conn.execute(statement)
    conn.execute(FILL_SEARCH)


def _to_v15(conn: sqlite3.Connection) -> None:
    """v15 changed PostgreSQL's name order index only (``ix_participant_order_pg``); a file
    already has its counterpart, ``ix_participant_name``."""


#: Indexes the participants a WHERE clause appended picks for search; FILL_SEARCH indexes all, in
#: id order: SQLite would otherwise read the name index (it holds all four columns), and FTS5
#: takes rows three times slower out of rowid order.
SEARCH_ROWS = (
    "INSERT INTO participant_search (rowid, nik, kpj, reg_no, full_name) "
    "SELECT id, nik, COALESCE(kpj, ''), reg_no, full_name FROM participant "
)
FILL_SEARCH = SEARCH_ROWS + "ORDER BY id"


def _complete_statements(script: str) -> list[str]:
    """Split a script into whole statements, triggers included (their bodies hold semicolons)."""
    out: list[str] = []
    pending = ""
    for line in script.splitlines(keepends=True):
        if not pending and (not line.strip() or line.lstrip().startswith("--")):
            continue
        pending += line
        if sqlite3.complete_statement(pending):
            out.append(pending.strip())
            pending = ""
    return out


def _schema_section(start: str, end: str | None = None) -> str:
    """The canonical schema's text from ``start`` up to ``end`` (or the end): the tables a
    step adds, written once."""
    text = schema_path().read_text(encoding="utf-8")
    begin = text.index(start)
    return text[begin : text.index(end, begin) if end else len(text)]


def _statements(script: str) -> list[str]:
    """Split a script of plain CREATE statements (no triggers) on their semicolons."""
    lines = [line.split("--", 1)[0] for line in script.splitlines()]
    return [s.strip() for s in "\n".join(lines).split(";") if s.strip()]


#: target version -> step; keep it dense from 2 up to ``db.SCHEMA_VERSION``.
STEPS: dict[int, Callable[[sqlite3.Connection], None]] = {
    2: _to_v2,
    3: _to_v3,
    4: _to_v4,
    5: _to_v5,
    6: _to_v6,
    7: _to_v7,
    8: _to_v8,
    9: _to_v9,
    10: _to_v10,
    11: _to_v11,
    12: _to_v12,
    13: _to_v13,
    14: _to_v14,
    15: _to_v15,
}
