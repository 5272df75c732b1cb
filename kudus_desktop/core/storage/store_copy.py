"""Moving a regency's store from its SQLite file to a server database (PostgreSQL).

For the day a province or the country outgrows one file: every table is copied row for row
into an empty store made from the same table definitions, in one transaction, so a failure
leaves the target as empty as it was. The SQLite file is only read.
"""

from __future__ import annotations

from collections.abc import Callable

from sqlalchemy import Integer, func, select, text

from kudus_desktop.core.errors import StorageError
from kudus_desktop.core.storage.db import STORE_VERSION_KEY, Database
from kudus_desktop.core.storage.tables import Base, counter_table, participant_table, setting_table

CHUNK = 5000


def copy_store(src: Database, dst: Database, progress: Callable[[int, int], None] | None = None) -> dict[str, int]:
    """Copy everything from ``src`` into the empty store ``dst``; returns rows per table."""
    if src.url == dst.url:
        raise StorageError("store_same")
    tables = Base.metadata.sorted_tables  # parents before the tables that refer to them
    copied: dict[str, int] = {}
    with src.engine.connect() as s, dst.begin() as d:
        held = int(d.execute(select(func.count()).select_from(participant_table)).scalar_one())
        if held:
            raise StorageError("store_not_empty", url=dst.label, count=held)
        # A new store starts with its counters and version; the source's replace them.
        d.execute(counter_table.delete())
        d.execute(setting_table.delete().where(setting_table.c.key != STORE_VERSION_KEY))
        for n, table in enumerate(tables):
            query = table.select()
            if table is setting_table:
                query = query.where(setting_table.c.key != STORE_VERSION_KEY)
            count = 0
            result = s.execution_options(yield_per=CHUNK).execute(query)
            for part in result.mappings().partitions(CHUNK):
                d.execute(table.insert(), [dict(r) for r in part])
                count += len(part)
            copied[table.name] = count
            if progress:
                progress(n + 1, len(tables))
        if d.dialect.name == "postgresql":
            # Rows came with their ids; the sequences must continue after them.
            for table in tables:
                pk = list(table.primary_key.columns)
                if len(pk) == 1 and isinstance(pk[0].type, Integer) and pk[0].autoincrement is not False:
                    seq = d.execute(text("SELECT pg_get_serial_sequence(:t, :c)"), {"t": table.name, "c": pk[0].name})
                    name = seq.scalar()
                    if name:
                        top = d.execute(select(func.coalesce(func.max(pk[0]), 0))).scalar_one()
                        d.execute(
                            text("SELECT setval(:s, :v, :called)"),
                            {"s": name, "v": max(int(top), 1), "called": bool(top)},
                        )
    if dst.engine.dialect.name == "postgresql":
        # Every row is new to the server: statistics and the visibility map, before the first query.
        dst.vacuum({table.name for table in tables})
    return copied
