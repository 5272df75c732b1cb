"""The office's counters (changes, registration numbers, package numbers): values reserved
inside the caller's transaction, so two writers never take the same one."""

from __future__ import annotations

from sqlalchemy import Connection, update

from kudus_desktop.core.storage.tables import counter_table


def reserve_counter(conn: Connection, name: str, count: int) -> int:
    """Reserve ``count`` consecutive counter values; returns the first."""
    stmt = (
        update(counter_table)
        .where(counter_table.c.name == name)
        .values(value=counter_table.c.value + count)
        .returning(counter_table.c.value)
    )
    return int(conn.execute(stmt).scalar_one()) - count + 1
