"""Opening the store: the local SQLite file (checks, creation, migration, connection
settings) or, for a regency that outgrew one file, a PostgreSQL database by URL.

Runs on whichever thread calls it; after :func:`open_database` or :func:`open_store` the
returned :class:`Database` hands out short-lived connections, one per operation. Every
service runs the same SQLAlchemy statements on both.
"""

from __future__ import annotations

import logging
import shutil
import sqlite3
import threading
from collections.abc import Iterator, Sequence
from contextlib import closing, contextmanager
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, Engine, Table, create_engine, event, inspect, make_url, text
from sqlalchemy.dialects import sqlite
from sqlalchemy.exc import ArgumentError, DBAPIError, NoSuchModuleError, OperationalError

from kudus_desktop.core.errors import StorageError
from kudus_desktop.core.paths import (
    DB_FILE_NAME,
    database_space,
    ensure_data_dir,
    private_file,
    schema_path,
    secure_data_dir,
    space_error,
)
from kudus_desktop.core.rules.dates import check_clock
from kudus_desktop.core.storage import instance
from kudus_desktop.core.storage.migrations import SEARCH_ROWS, STEPS
from kudus_desktop.core.storage.name_words import VOCABULARY, WORDS, name_word_search

log = logging.getLogger(__name__)

SCHEMA_VERSION = 15
APPLICATION_ID = 0x4B504D53
SQLITE_HEADER = b"SQLite format 3\x00"
#: Bytes per database page of a new file (SQLite's default is 4096).
PAGE_SIZE = 8192
BACKUP_DIR_NAME = "backups"


@dataclass(frozen=True, slots=True)
class OpenReport:
    """What happened while opening: created, migrated from a version, backup written."""

    created: bool
    migrated_from: int | None
    backup: Path | None
    #: Files and folders that other OS users could read and that were made private at opening.
    repaired: tuple[Path, ...] = ()
    #: Temporary files that killed work had left behind and that were removed at opening.
    swept: tuple[Path, ...] = ()


def _read_header(path: Path) -> bytes:
    with path.open("rb") as fh:
        return fh.read(len(SQLITE_HEADER))


def inspect_file(path: Path) -> int:
    """Schema version of an existing database file, or 0 for an empty one.

    Refuses files that are not SQLite, belong to another application or are damaged,
    without writing to them.
    """
    if path.stat().st_size == 0:
        return 0
    if _read_header(path) != SQLITE_HEADER:
        raise StorageError("db_not_sqlite", path=str(path))
    uri = f"{path.resolve().as_uri()}?mode=ro"
    try:
        with closing(sqlite3.connect(uri, uri=True)) as conn:
            app_id = conn.execute("PRAGMA application_id").fetchone()[0]
            version = conn.execute("PRAGMA user_version").fetchone()[0]
            tables = conn.execute("SELECT count(*) FROM sqlite_master").fetchone()[0]
            if app_id == 0 and version == 0 and tables == 0:
                return 0
            if app_id != APPLICATION_ID:
                raise StorageError("db_foreign", path=str(path))
            if version > SCHEMA_VERSION:
                raise StorageError("db_newer", path=str(path), found=version, supported=SCHEMA_VERSION)
            check = conn.execute("PRAGMA quick_check").fetchone()[0]
            if check != "ok":
                raise StorageError("db_corrupt", path=str(path), detail=check)
            return int(version)
    except sqlite3.OperationalError as exc:
        if "locked" in str(exc):
            raise StorageError("db_locked", path=str(path)) from None
        # Opening needs room for the log's index: on a full disk that fails as an I/O error,
        # which is no reason to call the file damaged and have a backup put over it.
        raise space_error(path.parent, database_space(path), seen=exc) or StorageError(
            "db_corrupt", path=str(path), detail=str(exc)
        ) from None
    except sqlite3.DatabaseError as exc:
        raise space_error(path.parent, database_space(path), seen=exc) or StorageError(
            "db_corrupt", path=str(path), detail=str(exc)
        ) from None


def backup_copy(path: Path, label: str) -> Path:
    """Write a consistent copy of the database with SQLite's online backup API."""
    target_dir = path.parent / BACKUP_DIR_NAME
    target_dir.mkdir(mode=0o700, exist_ok=True)
    stamp = datetime.now().strftime("%Y%m%d-%H%M%S")
    target = target_dir / f"{path.stem}-{label}-{stamp}.sqlite"
    with closing(sqlite3.connect(path)) as src, closing(sqlite3.connect(private_file(target))) as dst:
        src.backup(dst)
    return target


def _create(path: Path) -> None:
    script = schema_path().read_text(encoding="utf-8")
    # Private to the OS user from its first byte; SQLite gives its -wal and -shm files the same mode.
    with closing(sqlite3.connect(private_file(path), isolation_level=None)) as conn:
        # Set before the first table: a page holds twice the rows of SQLite's default 4 KiB, so a
        # large import or a regency's ingest writes half the pages (a tenth off a 100,000-row
        # import's commit); the few pages a clerk's single edit touches cost nothing more to note.
        conn.execute(f"PRAGMA page_size = {PAGE_SIZE}")
        try:
            conn.executescript("BEGIN IMMEDIATE;\n" + script + "\nCOMMIT;")
        except sqlite3.Error:
            if conn.in_transaction:
                conn.execute("ROLLBACK")
            raise
        conn.execute("PRAGMA journal_mode = WAL")


def migrate(path: Path, found: int) -> Path:
    """Back up, then run every step from ``found`` to :data:`SCHEMA_VERSION` in one transaction."""
    backup = backup_copy(path, f"sebelum-migrasi-v{found}")
    with closing(sqlite3.connect(path, isolation_level=None)) as conn:
        try:
            conn.execute("BEGIN IMMEDIATE")
            for target in range(found + 1, SCHEMA_VERSION + 1):
                STEPS[target](conn)
            conn.execute(f"PRAGMA user_version = {SCHEMA_VERSION}")
            conn.execute("COMMIT")
        except Exception as exc:
            if conn.in_transaction:
                conn.execute("ROLLBACK")
            full = space_error(path.parent, 2 * database_space(path), seen=exc)
            if full is not None:
                raise full from None
            raise StorageError(
                "migration_failed", path=str(path), found=found, detail=str(exc), backup=str(backup)
            ) from exc
        conn.execute("PRAGMA journal_mode = WAL")
    return backup


#: How long a write waits for another writer (milliseconds).
BUSY_TIMEOUT_MS = 30_000


def _configure(dbapi_conn: Any, _record: Any) -> None:
    # Let SQLAlchemy, not the sqlite3 module, decide when transactions begin.
    dbapi_conn.isolation_level = None
    cur = dbapi_conn.cursor()
    cur.execute("PRAGMA foreign_keys = ON")
    # WAL keeps readers (the list view) from blocking the writer. synchronous=FULL makes
    # SQLite fsync the WAL at every commit: a participant the clerk saw saved survives a
    # power cut, which NORMAL does not promise in WAL mode. Saves stay well under 50 ms.
    cur.execute("PRAGMA synchronous = FULL")
    # A writer waits this long for another to finish (an import's commit, another process's
    # save) before giving up with "db_locked"; saves run off the window's thread meanwhile.
    cur.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
    # 64 MiB of page cache: a bulk import of 100,000 rows updates six indexes, and the
    # default 2 MiB cache turns that into disk reads.
    cur.execute("PRAGMA cache_size = -65536")
    cur.close()


#: Execution option of a connection that only reads (:meth:`Database.read`).
READ_ONLY = "kudus_read_only"


def _begin(conn: Connection) -> None:
    # A transaction that may write takes the write lock at its start. Begun deferred, a save
    # reads (the NIK check) under a snapshot, and when another process commits meanwhile its
    # write fails at once with "database is locked", busy timeout or not: SQLite cannot let
    # it write from a stale snapshot. Begun IMMEDIATE it waits its turn at BEGIN instead.
    # Reads stay deferred: in WAL mode they never wait for a writer.
    conn.exec_driver_sql("BEGIN" if conn.get_execution_options().get(READ_ONLY) else "BEGIN IMMEDIATE")


class Database:
    """An open, current store and the engine that reaches it.

    ``path`` is the SQLite file; for a server store (``url`` given) it only anchors the
    local data directory where sync files are kept, and no file is opened there.
    """

    def __init__(self, path: Path, report: OpenReport, url: str | None = None) -> None:
        self.path = path
        self.report = report
        self.url = url or f"sqlite:///{path}"
        self.is_sqlite = url is None
        self._checkpointer: threading.Thread | None = None
        #: PostgreSQL: tables waiting for the vacuum thread, and that thread while it runs.
        self._vacuum_lock = threading.Lock()
        self._vacuum_due: set[str] = set()
        self._vacuumer: threading.Thread | None = None
        #: This process's hold on the data folder (SQLite only): whole-database work elsewhere waits.
        self.use: instance.Use | None = None
        #: PostgreSQL: the store lists every participant's name words (``name_words``).
        self.name_words = False
        if self.is_sqlite:
            self.engine: Engine = create_engine(self.url)
            event.listen(self.engine, "connect", _configure)
            event.listen(self.engine, "begin", _begin)
        else:
            # Connections may be dropped by the server or a firewall while the sync server idles.
            self.engine = create_engine(self.url, pool_pre_ping=True, pool_size=8, max_overflow=8)

    @property
    def label(self) -> str:
        """Where the data is, for people: the file, or the server URL without its password."""
        if self.is_sqlite:
            return str(self.path)
        return make_url(self.url).render_as_string(hide_password=True)

    @property
    def data_dir(self) -> Path:
        return self.path.parent

    @contextmanager
    def begin(self, *, large: bool = False) -> Iterator[Connection]:
        """A connection inside one transaction, committed on success, rolled back on error.

        ``large``: a batch of many thousands of rows (an import). Its commit still writes and
        fsyncs the write-ahead log, but copying that log into the database file (SQLite's
        checkpoint, a few tenths of a second after 100,000 rows) runs afterwards on a thread of
        its own, as SQLite's documentation suggests, instead of inside the commit people wait for.

        Refused (``clock_wrong``) before anything is written when the PC clock shows an
        impossible year: every row written would carry that date.
        """
        check_clock()
        try:
            if large and self.is_sqlite:
                with self.engine.connect() as conn:
                    raw = conn.connection.dbapi_connection
                    assert raw is not None
                    automatic = raw.execute("PRAGMA wal_autocheckpoint").fetchone()[0]
                    raw.execute("PRAGMA wal_autocheckpoint = 0")
                    try:
                        with conn.begin():
                            yield conn
                            index_for_search(conn)
                    finally:
                        raw.execute(f"PRAGMA wal_autocheckpoint = {int(automatic)}")
                self._checkpoint_soon()
            else:
                with self.engine.begin() as conn:
                    conn.info.pop(VACUUM_AFTER, None)  # left by a transaction that rolled back
                    yield conn
                    if self.is_sqlite:
                        index_for_search(conn)
                    settle = conn.info.pop(VACUUM_AFTER, None)
                if settle:
                    self._vacuum_soon(settle)
        except (OperationalError, sqlite3.OperationalError) as exc:
            raise self._failure(exc) from None

    def _vacuum_soon(self, tables: set[str]) -> None:
        """Vacuum ``tables`` on a thread of its own, after the commit the caller waits for: a
        regency's 123 packages at 100,000 spent 2.4 s of their 14 s ingest in it. One vacuum
        runs at a time; tables asked for meanwhile are vacuumed when it ends."""
        with self._vacuum_lock:
            self._vacuum_due |= tables
            if self._vacuumer is not None and self._vacuumer.is_alive():
                return

            def run() -> None:
                due: set[str] = set()
                try:
                    while True:
                        with self._vacuum_lock:
                            due, self._vacuum_due = self._vacuum_due, set()
                            if not due:
                                self._vacuumer = None
                                return
                        self.vacuum(due)
                except Exception:  # the server gone, the engine closed: autovacuum will come round
                    log.warning("VACUUM of %s left to autovacuum", ", ".join(sorted(due)), exc_info=True)
                    with self._vacuum_lock:
                        self._vacuumer = None

            self._vacuumer = threading.Thread(target=run, name="kudus-vacuum", daemon=True)
            self._vacuumer.start()

    def settle(self) -> None:
        """Wait for the work a commit left running beside it (SQLite's checkpoint, PostgreSQL's
        vacuum)."""
        if self._checkpointer is not None:
            self._checkpointer.join()
            self._checkpointer = None
        while True:
            with self._vacuum_lock:
                vacuumer = self._vacuumer
            if vacuumer is None:
                return
            vacuumer.join()

    def vacuum(self, tables: set[str]) -> None:
        """PostgreSQL: VACUUM (ANALYZE) tables that have just grown a lot, outside any transaction
        (it may not run in one). Rows written since the last vacuum are not yet marked visible to
        every transaction, so an index-only scan still reads the table for each of them:
        right after a regency's 100,000 participants came in, the dashboard took 0.16 s instead of
        0.05 s until autovacuum's worker came round. A failure leaves that to autovacuum."""
        try:
            with self.engine.connect() as conn:
                conn.execution_options(isolation_level="AUTOCOMMIT")
                conn.exec_driver_sql(f"VACUUM (ANALYZE) {', '.join(sorted(tables))}")  # our table names only
        except DBAPIError as exc:
            log.warning("VACUUM of %s left to autovacuum: %s", ", ".join(sorted(tables)), str(exc.orig).strip())

    @contextmanager
    def read(self) -> Iterator[Connection]:
        """A connection inside one transaction that only reads: one consistent snapshot,
        begun without the write lock, so it never waits for a writer nor makes one wait."""
        try:
            with self.engine.connect() as conn:
                conn.execution_options(**{READ_ONLY: True})
                with conn.begin():
                    yield conn
        except (OperationalError, sqlite3.OperationalError) as exc:
            raise self._failure(exc) from None

    def _failure(self, exc: OperationalError | sqlite3.OperationalError) -> StorageError:
        # Bulk paths use the raw sqlite3 cursor, so both kinds arrive here (disk full, locked).
        detail = str(exc.orig) if isinstance(exc, OperationalError) else str(exc)
        if "locked" in detail:
            return StorageError("db_locked", path=str(self.path))
        if self.is_sqlite:
            seen = exc.orig if isinstance(exc, OperationalError) else exc
            full = space_error(self.data_dir, database_space(self.path), seen=seen)
            if full is not None:
                return full
        return StorageError("db_write_failed", detail=detail.strip().splitlines()[0] if detail else "")

    def _checkpoint_soon(self) -> None:
        def checkpoint() -> None:
            try:
                with closing(sqlite3.connect(self.path, timeout=5)) as conn:
                    conn.execute("PRAGMA wal_checkpoint(PASSIVE)")
            except sqlite3.Error:
                pass  # the next commit's automatic checkpoint copies the log instead

        if self._checkpointer is not None:
            self._checkpointer.join()
        self._checkpointer = threading.Thread(target=checkpoint, name="kudus-checkpoint", daemon=True)
        self._checkpointer.start()

    def close(self) -> None:
        self.settle()
        self.engine.dispose()
        if self.use is not None:
            self.use.release()
            self.use = None

    @contextmanager
    def alone(self, purpose: str) -> Iterator[None]:
        """Whole-database work through this connection (a purge's rebuild) while no other
        process has the file open; refused with ``db_in_use`` naming them."""
        if not self.is_sqlite:
            yield
            return
        with instance.alone(self.data_dir, purpose, mine=1):
            yield


def executemany(conn: Connection, sql: str, rows: Sequence[Sequence[Any]]) -> None:
    """executemany on the driver's cursor, inside the caller's transaction.

    SQLAlchemy's executemany costs about twice the database's own work per row; bulk paths
    (imports of 100,000 participants, the regency's ingest) cannot afford it. ``sql`` uses
    ``?`` placeholders and our own column names only, never names taken from the data.
    """
    if not rows:
        return
    if conn.dialect.paramstyle in ("format", "pyformat"):
        sql = sql.replace("?", "%s")
    cursor = conn.connection.cursor()
    try:
        cursor.executemany(sql, rows)
    finally:
        cursor.close()


#: From this many rows a bulk insert on PostgreSQL goes through COPY; below it the temporary
#: table's creation costs more than the round trips it saves.
COPY_ROWS = 200


def insert_many(
    conn: Connection,
    table: str,
    columns: Sequence[str],
    rows: Sequence[Sequence[Any]],
    *,
    conflict: str = "",
    last_wins: Sequence[str] = (),
) -> None:
    """Insert ``rows`` into ``table`` inside the caller's transaction, as one executemany of
    ``INSERT ... VALUES (...) {conflict}`` would, row by row in order.

    On PostgreSQL a large batch is streamed with COPY instead: psycopg's pipelined executemany
    still costs a statement per row (7.6 s for the regency's 100,000 participants, where COPY
    and one INSERT ... SELECT take a fraction of it). With a ``conflict`` clause the rows go
    through a temporary table; ``last_wins`` names the conflict key of a ``DO UPDATE`` clause,
    so that of rows sharing a key the last one is applied, as it would be row by row (one
    statement may not update a row twice). Names are our own, never taken from the data.
    """
    if not rows:
        return
    names = ", ".join(columns)
    marks = ", ".join("?" * len(columns))
    if conn.dialect.name != "postgresql":
        executemany(conn, f"INSERT INTO {table} ({names}) VALUES ({marks}) {conflict}".rstrip(), rows)
        return
    if len(rows) < COPY_ROWS:
        _insert_values(conn, table, columns, rows, conflict, last_wins)
        return
    cursor = conn.connection.cursor()
    try:
        if not conflict:
            with cursor.copy(f"COPY {table} ({names}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
            return
        temp = f"bulk_{table}"
        # The columns' own types, no constraints: the target table checks the rows as they land.
        # A failure aborts the transaction, and its rollback takes the temporary table with it.
        cursor.execute(f"CREATE TEMPORARY TABLE {temp} AS SELECT 0 AS bulk_n, {names} FROM {table} WITH NO DATA")
        with cursor.copy(f"COPY {temp} (bulk_n, {names}) FROM STDIN") as copy:
            for n, row in enumerate(rows):
                copy.write_row((n, *row))
        source = temp
        if last_wins:
            keys = ", ".join(last_wins)
            source = f"(SELECT DISTINCT ON ({keys}) * FROM {temp} ORDER BY {keys}, bulk_n DESC) AS last"
        cursor.execute(f"INSERT INTO {table} ({names}) SELECT {names} FROM {source} ORDER BY bulk_n {conflict}")
        cursor.execute(f"DROP TABLE {temp}")
    finally:
        cursor.close()


def _insert_values(
    conn: Connection,
    table: str,
    columns: Sequence[str],
    rows: Sequence[Sequence[Any]],
    conflict: str,
    last_wins: Sequence[str],
) -> None:
    """A small batch on PostgreSQL as one multi-row INSERT: one statement for the server to run
    (and for a statement trigger to follow), where executemany runs one per row. Rows sharing a
    ``last_wins`` key are cut to the last, which one statement may apply once only."""
    if last_wins:
        at = [columns.index(c) for c in last_wins]
        last = {tuple(row[i] for i in at): n for n, row in enumerate(rows)}
        rows = [rows[n] for n in sorted(last.values())]
    one = "(" + ", ".join(["%s"] * len(columns)) + ")"
    flat = [value for row in rows for value in row]
    sql = f"INSERT INTO {table} ({', '.join(columns)}) VALUES {', '.join([one] * len(rows))} {conflict}"
    cursor = conn.connection.cursor()
    try:
        cursor.execute(sql.rstrip(), flat)
    finally:
        cursor.close()


def index_for_search(conn: Connection) -> None:
    """Bring the participants this transaction added (ids above the highest indexed), changed
    or removed (noted by a trigger) into the trigram search index (SQLite), in one pass however
    many rows changed; three index probes when none did. :meth:`Database.begin` calls it just
    before committing."""
    mark = conn.exec_driver_sql(
        "SELECT COALESCE((SELECT rowid FROM participant_search ORDER BY rowid DESC LIMIT 1), 0)"
    ).scalar_one()
    newest = conn.exec_driver_sql("SELECT COALESCE(MAX(id), 0) FROM participant").scalar_one()
    noted = conn.exec_driver_sql("SELECT 1 FROM participant_search_stale LIMIT 1").first() is not None
    if newest <= mark and not noted:
        return
    if noted:
        conn.exec_driver_sql("DELETE FROM participant_search WHERE rowid IN (SELECT id FROM participant_search_stale)")
        conn.exec_driver_sql(SEARCH_ROWS + "WHERE id IN (SELECT id FROM participant_search_stale) AND id <= ?", (mark,))
        conn.exec_driver_sql("DELETE FROM participant_search_stale")
    if newest > mark:
        # A range of the table in rowid order, which is also the order FTS5 takes rows fastest in.
        conn.exec_driver_sql(SEARCH_ROWS + "WHERE id > ? ORDER BY id", (mark,))


#: Rows ANALYZE samples per index: enough for the planner, a few milliseconds at 100,000 rows.
ANALYSIS_LIMIT = 1000
#: A connection's note (``Connection.info``) of the PostgreSQL tables to vacuum after its commit.
VACUUM_AFTER = "kudus_vacuum_after"
#: PostgreSQL: rows inserted since the last vacuum that call for one (autovacuum's defaults:
#: autovacuum_vacuum_insert_threshold and autovacuum_vacuum_insert_scale_factor), and the
#: setting (with the table's name) holding the highest id at the store's last vacuum of it.
VACUUM_INSERTS = 1000
VACUUM_SHARE = 0.2
VACUUM_MARK = "store_vacuumed_upto_"


def keep_statistics(conn: Connection, table: str) -> None:
    """Give the planner row statistics for ``table`` when it has none or the table has more
    than doubled since. Without them SQLite guesses that ``status = 'aktif'`` is as selective
    as a NIK lookup and scans every active participant where one index probe would do.
    PostgreSQL's autovacuum analyses a growing table only when its worker next wakes (a
    minute apart by default): a regency filling a fresh store meanwhile planned each package's
    same-NIK check for an empty table, 0.4 s a package at 100,000 instead of 0.06 s."""
    if conn.dialect.name == "postgresql":
        _keep_pg_statistics(conn, table)
        return
    if conn.dialect.name != "sqlite":
        return
    have = conn.exec_driver_sql("SELECT name FROM sqlite_master WHERE name = 'sqlite_stat1'").first()
    stat = (
        conn.exec_driver_sql("SELECT stat FROM sqlite_stat1 WHERE tbl = ? LIMIT 1", (table,)).scalar() if have else None
    )
    known = int(str(stat).split()[0]) if stat else 0
    # The highest rowid, not COUNT(*): as good a measure of growth (rows are rarely deleted) and
    # one index probe instead of reading a million entries on every package.
    rows = int(conn.exec_driver_sql(f"SELECT COALESCE(MAX(rowid), 0) FROM {table}").scalar_one())  # our names only
    if rows and (known == 0 or rows > 2 * known):
        conn.exec_driver_sql(f"PRAGMA analysis_limit = {ANALYSIS_LIMIT}")
        conn.exec_driver_sql(f"ANALYZE {table}")


def _keep_pg_statistics(conn: Connection, table: str) -> None:
    # reltuples is -1 until the first ANALYZE; the highest id measures growth (rows are rarely
    # deleted) in one index probe. ANALYZE samples 30,000 rows whatever the size, and its
    # statistics count for this transaction's own statements at once.
    # Read in one statement with the vacuum mark below: each is a round trip to the server.
    key = f"{VACUUM_MARK}{table}"
    known, highest, mark, words = conn.exec_driver_sql(
        f"SELECT (SELECT reltuples FROM pg_class WHERE oid = %(table)s::regclass), "
        f"(SELECT COALESCE(MAX(id), 0) FROM {table}), "  # our names only
        "(SELECT value FROM setting WHERE key = %(key)s), to_regclass(%(words)s) IS NOT NULL",
        {"table": table, "key": key, "words": WORDS},
    ).one()
    rows = int(highest)
    # A participant's sync row is written with it, and the package's queries join both.
    tables = [table, "participant_sync"] if table == "participant" else [table]
    if rows and (known is None or known <= 0 or rows > 2 * known):
        conn.exec_driver_sql(f"ANALYZE {', '.join(tables)}")  # for this transaction's own plans
    if table == "participant" and words:
        tables.append(WORDS)  # grown with it, by its triggers; searched by its index alone
    # Grown past autovacuum's own trigger since this store last vacuumed it: vacuumed as soon as
    # this transaction commits (Database.begin), not when autovacuum's worker next wakes. The
    # mark is the highest id then, kept in the store (the server's statistics lag a second).
    from kudus_desktop.core.storage.tables import setting_table  # the tables module needs this one

    done = int(mark) if mark and str(mark).isdigit() else 0
    if rows - done >= VACUUM_INSERTS + VACUUM_SHARE * done:
        stmt = upsert(conn, setting_table).values(key=key, value=str(rows))
        conn.execute(stmt.on_conflict_do_update(index_elements=["key"], set_={"value": str(rows)}))
        conn.info.setdefault(VACUUM_AFTER, set()).update(tables)


def open_database(data_dir: Path, *, create: bool = True) -> Database:
    """Open (creating or migrating as needed) the database in ``data_dir``.

    Raises :class:`DataDirError` or :class:`StorageError`; a refused file is never written.
    """
    data_dir = ensure_data_dir(data_dir)
    repaired = tuple(secure_data_dir(data_dir))
    path = data_dir / DB_FILE_NAME
    held = instance.use(data_dir)
    try:
        created, migrated_from, backup = _prepare(data_dir, path, create=create)
    except BaseException:
        held.release()
        raise
    swept = tuple(instance.sweep(data_dir))
    db = Database(path, OpenReport(created, migrated_from, backup, repaired, swept))
    db.use = held
    return db


def _prepare(data_dir: Path, path: Path, *, create: bool) -> tuple[bool, int | None, Path | None]:
    version = inspect_file(path) if path.exists() else 0
    if version == 0 and not create:
        raise StorageError("not_initialised", path=str(data_dir))
    if version == SCHEMA_VERSION:
        return False, None, None
    check_clock()  # the file would be created or migrated under that date
    # Making or rebuilding the file: nobody else may have it open meanwhile.
    with instance.alone(data_dir, "Penyiapan basis data", mine=1):
        version = inspect_file(path) if path.exists() else 0  # another process may have done it
        if version == 0:
            if path.exists():
                path.unlink()
            try:
                _create(path)
            except (OSError, sqlite3.Error) as exc:
                path.unlink(missing_ok=True)
                raise space_error(data_dir, database_space(path), seen=exc) or StorageError(
                    "db_write_failed", detail=str(exc)
                ) from exc
            return True, None, None
        if version < SCHEMA_VERSION:
            return False, version, migrate(path, version)
    return False, None, None


def upsert(conn: Connection, table: Table) -> Any:
    """``INSERT`` with ``ON CONFLICT`` for the connection's database (SQLite or PostgreSQL):
    both dialects' statements offer ``on_conflict_do_update``/``_do_nothing`` and ``excluded``."""
    if conn.dialect.name == "postgresql":
        # Imported here: a village, and every command on its SQLite file, never needs it.
        from sqlalchemy.dialects import postgresql

        return postgresql.insert(table)
    return sqlite.insert(table)


#: Where a server store keeps its schema version (SQLite keeps it in ``PRAGMA user_version``).
STORE_VERSION_KEY = "store_schema_version"


def open_store(data_dir: Path, url: str | None = None, *, create: bool = True) -> Database:
    """The store named by ``url`` (``postgresql+psycopg://user:pass@host/db``), or the SQLite
    file in ``data_dir`` when there is none. A server store is created from the same table
    definitions the SQLite schema mirrors; a store of another version is refused unchanged."""
    if not url or url.startswith("sqlite"):
        return open_database(data_dir, create=create)
    data_dir = ensure_data_dir(data_dir)
    repaired = tuple(secure_data_dir(data_dir))
    try:
        parsed = make_url(url)
        shown = parsed.render_as_string(hide_password=True)
        if parsed.get_backend_name() != "postgresql":
            raise StorageError("store_url_unsupported", url=shown)
        db = Database(data_dir / DB_FILE_NAME, OpenReport(False, None, None), url=url)
    except (ArgumentError, NoSuchModuleError, ImportError) as exc:
        raise StorageError("store_url_invalid", url=url.split("@")[-1], detail=str(exc).splitlines()[0]) from None
    try:
        created = _prepare_server_store(db.engine, create=create)
        trigram_search(db.engine)
        words = name_word_search(db.engine)
        if words is None:
            db.vacuum({WORDS, VOCABULARY})
        db.name_words = words is not False
    except DBAPIError as exc:
        db.close()
        raise StorageError("store_unreachable", url=shown, detail=str(exc.orig).strip().splitlines()[0]) from None
    except StorageError:
        db.close()
        raise
    db.report = OpenReport(created, None, None, repaired)
    return db


def _prepare_server_store(engine: Engine, *, create: bool) -> bool:
    from kudus_desktop.core.storage.tables import Base, counter_table, setting_table

    shown = engine.url.render_as_string(hide_password=True)
    with engine.begin() as conn:
        tables = set(inspect(conn).get_table_names())
        if not tables:
            if not create:
                raise StorageError("not_initialised", path=shown)
            Base.metadata.create_all(conn)
            conn.execute(counter_table.insert(), [{"name": n, "value": 0} for n in ("change", "reg_no", "sync_seq")])
            conn.execute(setting_table.insert().values(key=STORE_VERSION_KEY, value=str(SCHEMA_VERSION)))
            return True
        if "setting" not in tables or "participant" not in tables:
            raise StorageError("db_foreign", path=shown)
        found = conn.execute(
            setting_table.select()
            .with_only_columns(setting_table.c.value)
            .where(setting_table.c.key == STORE_VERSION_KEY)
        ).scalar()
        version = int(found or 0)
        if version > SCHEMA_VERSION:
            raise StorageError("db_newer", path=shown, found=version, supported=SCHEMA_VERSION)
        if version < SERVER_OLDEST:
            raise StorageError("store_schema_old", url=shown, found=version, supported=SCHEMA_VERSION)
        if version < SCHEMA_VERSION:
            _upgrade_server_store(conn, version)
    return False


#: Trigram indexes behind a search anywhere in a name or number (PostgreSQL's pg_trgm, the
#: counterpart of SQLite's FTS5 trigram table): ILIKE '%sri w%' over a million names reads a few
#: index pages instead of walking the name order. Not part of the schema: a store whose role may
#: not create the extension searches as before, only slower. Every Kudus NIK shares its first
#: trigrams ("331", "319"), and for a few digits the planner read the whole table through the
#: number index (a rare NIK typed key by key: 92 -> 177 ms), so the list asks it only for eight
#: digits or more (``participants.NUMBER_TRIGRAMS_FROM``) and tests fewer row by row.
TRIGRAM_INDEXES = {"ix_participant_name_trgm": ("full_name",), "ix_participant_number_trgm": ("nik", "kpj", "reg_no")}


def trigram_search(engine: Engine) -> bool:
    """Make the trigram indexes where they are missing; false (and a line in the log) where the
    server has no pg_trgm or the role may not install it. Each its own transaction, so a refusal
    leaves the store as it was."""
    try:
        with engine.begin() as conn:
            present = set(
                conn.execute(
                    text("SELECT indexname FROM pg_indexes WHERE indexname = ANY(:names)"),
                    {"names": list(TRIGRAM_INDEXES)},
                ).scalars()
            )
            if present >= TRIGRAM_INDEXES.keys():
                return True
            conn.exec_driver_sql("CREATE EXTENSION IF NOT EXISTS pg_trgm")
            for name, columns in TRIGRAM_INDEXES.items():
                if name not in present:
                    log.info("building the trigram index %s (once per store)", name)
                    ops = ", ".join(f"{c} gin_trgm_ops" for c in columns)
                    conn.exec_driver_sql(f"CREATE INDEX IF NOT EXISTS {name} ON participant USING gin ({ops})")
            conn.exec_driver_sql("ANALYZE participant")
    except DBAPIError as exc:
        log.warning("no trigram search on this store (%s): searches read the name order", str(exc.orig).strip())
        return False
    return True


#: The first schema with server stores (7): every store made since is carried forward.
SERVER_OLDEST = 7


def _upgrade_server_store(conn: Connection, found: int) -> None:
    """Carry a PostgreSQL store forward inside the caller's transaction (all or nothing: the
    server's DDL is transactional, so a failed step leaves the store as it was). Each step does
    on the server what the SQLite step of the same number does to a file; tables a step adds
    are made from today's definitions and the later steps' additions are idempotent."""
    from kudus_desktop.core.storage.tables import Base, setting_table

    tables = Base.metadata.tables
    if found < 8:  # premiums
        Base.metadata.create_all(
            conn, tables=[tables[t] for t in ("premium_rate", "premium_payment", "premium_paid", "premium_budget")]
        )
    if found < 9:  # approval by a verifikator
        Base.metadata.create_all(conn, tables=[tables["participant_review"]])
    if found < 10:
        for table, definition in (
            ("sync_outbox", "superseded_at TEXT"), ("sync_device", "predecessor TEXT"),
            ("sync_device", "retired_at TEXT"), ("sync_device", "retired_seq INTEGER"),
            ("sync_device", "revoked_at TEXT"), ("sync_device", "revoked_by TEXT"),
            ("sync_device", "revoke_reason TEXT NOT NULL DEFAULT ''"),
            ("sync_inbox", "rejected INTEGER NOT NULL DEFAULT 0"), ("sync_inbox", "format INTEGER NOT NULL DEFAULT 1"),
        ):  # fmt: skip
            conn.exec_driver_sql(f"ALTER TABLE {table} ADD COLUMN IF NOT EXISTS {definition}")
        Base.metadata.create_all(conn, tables=[tables["sync_rejection"], tables["participant_alias"]])
        conn.exec_driver_sql("ALTER TABLE participant DROP CONSTRAINT IF EXISTS participant_reg_no_key")
        conn.exec_driver_sql(
            "ALTER TABLE participant ADD CONSTRAINT participant_desa_code_reg_no_key UNIQUE (desa_code, reg_no)"
        )
    if found < 11:
        for table, definition in (
            ("card_print", "standing TEXT NOT NULL DEFAULT ''"), ("participant", "term_end TEXT"),
            ("participant", "source_id TEXT"),
            ("participant", "desil INTEGER"),
        ):  # fmt: skip
            conn.exec_driver_sql(f"ALTER TABLE {table} ADD COLUMN IF NOT EXISTS {definition}")
        Base.metadata.create_all(conn, tables=[tables["source_absence"]])
    if found < 12:
        conn.exec_driver_sql(
            "CREATE INDEX IF NOT EXISTS ix_participant_overview ON participant "
            "(desa_code, status, category, start_date, exit_date, kpj)"
        )
        conn.exec_driver_sql(
            "CREATE INDEX IF NOT EXISTS ix_participant_sync_rejected ON participant_sync (outcome) "
            "WHERE outcome = 'rejected'"
        )
        conn.exec_driver_sql("CREATE INDEX IF NOT EXISTS ix_participant_birth ON participant (birth_date)")
    if found < 13:
        conn.exec_driver_sql("ALTER TABLE sync_device ADD COLUMN IF NOT EXISTS app_version TEXT NOT NULL DEFAULT ''")
    # 14 added SQLite's trigram search index; a server store searches without one.
    if found < 15:  # the name order index holds the whole order and the name: index-only reads
        conn.exec_driver_sql("DROP INDEX IF EXISTS ix_participant_name_pg")
        order = next(i for i in tables["participant"].indexes if i.name == "ix_participant_order_pg")
        order.create(conn, checkfirst=True)
    conn.execute(
        setting_table.update().where(setting_table.c.key == STORE_VERSION_KEY).values(value=str(SCHEMA_VERSION))
    )


def copy_database(src: Path, dst: Path) -> None:
    """Plain file copy of a closed database (tests and templates)."""
    shutil.copyfile(src, dst)
