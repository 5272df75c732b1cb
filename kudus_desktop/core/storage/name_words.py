"""The words of every participant's name, in the list's name order (PostgreSQL only).

A name search walks the name order index until a screenful matched. Names cluster: every
"Siti ..." lies under S, past two thirds of a million rows, and PostgreSQL tests a row in about
0.17 us at best, so the walk to them takes 110-250 ms whatever the index. A text without a space
lies within one word of any name holding it, so the names holding it are those holding one of
the few words that contain it. This table lists each participant once per word of the name, in
an index ordered by word and then by the list's own name order: the first rows of "siti" are
the head of one or a few runs of that index, merged (0.4 ms), and all of its 41,678 people are
read in 24 ms instead of a walk over the whole order.

The server keeps the table by triggers, whatever writes the participants (this application, an
older version of it, or a restore). Like the trigram indexes it is a search aid made when a store
is opened without it, outside the schema: a store where it cannot be made searches as before.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence

from sqlalchemy import Connection, Engine
from sqlalchemy.exc import DBAPIError

log = logging.getLogger(__name__)

WORDS = "participant_name_word"
VOCABULARY = "participant_name_vocabulary"

#: Each participant once per distinct word of the name (``{r}``: the row, read from ``{source}``),
#: split on the single spaces a stored name keeps between its words and folded as the list folds
#: the name (``tables.nocase``: lower(), compared byte by byte), with the list's sort keys after
#: it. The registration number is unique across the regency (its desa's digits, then a serial),
#: so the name, NIK and number decide the order alone, as the list's own ORDER BY does.
_ROWS = (
    'SELECT DISTINCT w.word, lower({r}.full_name) COLLATE "C", {r}.nik, {r}.reg_no, {r}.id '
    "FROM {source}unnest(string_to_array(lower({r}.full_name), ' ')) AS w(word) WHERE w.word <> ''"
)
_ADD = f"INSERT INTO {WORDS} (word, name, nik, reg_no, participant_id) {_ROWS}"
# Sorted: two transactions adding the same new words lock them in one order, never a deadlock.
_ADD_VOCABULARY = (
    f"INSERT INTO {VOCABULARY} (word) SELECT DISTINCT word FROM ({_ROWS}) AS added_words "
    "ORDER BY word ON CONFLICT DO NOTHING"
)
# One participant's rows are found through the word index: no second index to keep.
_REMOVE = (
    f"DELETE FROM {WORDS} WHERE word = ANY(string_to_array(lower(OLD.full_name), ' ')) "
    'AND name = lower(OLD.full_name) COLLATE "C" AND nik = OLD.nik AND reg_no = OLD.reg_no '
    "AND participant_id = OLD.id"
)
_EVERY = {"r": "added", "source": "added, "}
_NEW = {"r": "NEW", "source": ""}

_DDL = (
    f"""CREATE TABLE {WORDS} (
        word text COLLATE "C" NOT NULL,
        name text COLLATE "C" NOT NULL,
        nik text COLLATE "C" NOT NULL,
        reg_no text COLLATE "C" NOT NULL,
        participant_id integer NOT NULL
    )""",
    f'CREATE TABLE {VOCABULARY} (word text COLLATE "C" PRIMARY KEY)',
    # Many rows at once (a package, an ingest through COPY): one set-based insert per statement.
    f"""CREATE FUNCTION {WORDS}_added() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        {_ADD.format(**_EVERY)};
        {_ADD_VOCABULARY.format(**_EVERY)};
        RETURN NULL;
    END $$""",
    f"""CREATE TRIGGER {WORDS}_added AFTER INSERT ON participant REFERENCING NEW TABLE AS added
        FOR EACH STATEMENT EXECUTE FUNCTION {WORDS}_added()""",
    # A change of name, NIK or number is rare: a row trigger, called for those alone (the server
    # tests the WHEN clause itself, at no cost to every other update).
    f"""CREATE FUNCTION {WORDS}_changed() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        {_REMOVE};
        IF TG_OP = 'UPDATE' THEN
            {_ADD.format(**_NEW)};
            {_ADD_VOCABULARY.format(**_NEW)};
        END IF;
        RETURN NULL;
    END $$""",
    f"""CREATE TRIGGER {WORDS}_changed AFTER UPDATE OF full_name, nik, reg_no, id ON participant FOR EACH ROW
        WHEN (OLD.full_name IS DISTINCT FROM NEW.full_name OR OLD.nik IS DISTINCT FROM NEW.nik
              OR OLD.reg_no IS DISTINCT FROM NEW.reg_no OR OLD.id IS DISTINCT FROM NEW.id)
        EXECUTE FUNCTION {WORDS}_changed()""",
    f"""CREATE TRIGGER {WORDS}_removed AFTER DELETE ON participant FOR EACH ROW
        EXECUTE FUNCTION {WORDS}_changed()""",
    f"""CREATE FUNCTION {WORDS}_emptied() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        TRUNCATE {WORDS};
        RETURN NULL;
    END $$""",
    f"""CREATE TRIGGER {WORDS}_emptied AFTER TRUNCATE ON participant FOR EACH STATEMENT
        EXECUTE FUNCTION {WORDS}_emptied()""",
)

#: A search whose text lies in more words than this reads the name order instead: a common
#: text (a first key, "an") finds its screenful within the order's first rows anyway, and each
#: word is a branch of the query to plan.
MOST_WORDS = 48


def name_word_search(engine: Engine) -> bool | None:
    """Make the name word table, its triggers and its rows where they are missing (about 12 s at
    a million, once, in one transaction): ``None`` when it was made now (to be vacuumed: its
    index is read alone once the server knows its pages are visible to all), true when it was
    there, false (and a line in the log) where the server refuses. Two processes opening the
    store at once take turns."""
    try:
        with engine.begin() as conn:
            conn.exec_driver_sql("SELECT pg_advisory_xact_lock(hashtext(%(name)s))", {"name": WORDS})
            if conn.exec_driver_sql("SELECT to_regclass(%(name)s)", {"name": WORDS}).scalar() is not None:
                return True
            log.info("building the name word table (once per store)")
            for statement in _DDL:
                conn.exec_driver_sql(statement)
            # Filled before its index is made: one sort instead of a million index insertions.
            every = {"r": "participant", "source": "participant, "}
            conn.exec_driver_sql(_ADD.format(**every))
            conn.exec_driver_sql(_ADD_VOCABULARY.format(**every))
            conn.exec_driver_sql(f"CREATE INDEX ix_{WORDS} ON {WORDS} (word, name, nik, reg_no, participant_id)")
    except DBAPIError as exc:
        log.warning("no name word table on this store (%s): name searches read the name order", str(exc.orig).strip())
        return False
    return None


def words_holding(conn: Connection, text: str) -> list[str] | None:
    """The words of any participant's name holding ``text`` (no space in it), as the list folds
    both; ``None`` when there are more than :data:`MOST_WORDS`."""
    found = list(
        conn.exec_driver_sql(
            f'SELECT word FROM {VOCABULARY} WHERE strpos(word, lower(%(text)s) COLLATE "C") > 0 LIMIT {MOST_WORDS + 1}',
            {"text": text},
        ).scalars()
    )
    return None if len(found) > MOST_WORDS else found


def ids_by_words(conn: Connection, words: Sequence[str], *, descending: bool, limit: int | None) -> list[int]:
    """The participants whose name holds one of ``words``, in the list's name order: each word's
    run of the index, merged by the server, and a person with two of the words kept once (side
    by side in that order). Each run is in order already: nothing is sorted. The first ``limit``
    people are among the first ``limit`` of each run."""
    if not words:
        return []
    way = " DESC" if descending else ""
    keys = ("name", "nik", "reg_no", "participant_id")
    order = ", ".join(f"{c}{way}" for c in keys)
    cap = f" LIMIT {int(limit)}" if limit is not None else ""
    branches = " UNION ALL ".join(
        f"(SELECT {', '.join(keys)} FROM {WORDS} WHERE word = %(w{n})s ORDER BY {order}{cap})"
        for n in range(len(words))
    )
    return list(
        conn.exec_driver_sql(
            f"SELECT DISTINCT ON ({', '.join(keys)}) participant_id FROM ({branches}) AS hits ORDER BY {order}{cap}",
            {f"w{n}": w for n, w in enumerate(words)},
        ).scalars()
    )
