"""The audit log: who did what and when. Appended to inside the transaction of the act itself;
the application offers no way to edit or delete an entry."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import Connection, and_, select

from kudus_desktop.core.rules.dates import now_iso
from kudus_desktop.core.storage.db import Database
from kudus_desktop.core.storage.tables import audit_table


@dataclass(frozen=True, slots=True)
class AuditEvent:
    at: str
    username: str
    action: str
    detail: str


def write_audit(conn: Connection, username: str, action: str, detail: str = "") -> None:
    """Append one event inside the caller's transaction."""
    conn.execute(audit_table.insert().values(at=now_iso(), username=username, action=action, detail=detail))


def log_event(db: Database, username: str, action: str, detail: str = "") -> None:
    """Append one event in a transaction of its own (exports, NIK reveals, restores)."""
    with db.begin() as conn:
        write_audit(conn, username, action, detail)


def audit_events(db: Database, *, username: str = "", action: str = "", limit: int = 1000) -> list[AuditEvent]:
    """The newest events first, optionally only one user's or one action's."""
    a = audit_table.c
    conds = [
        c
        for c in (a.username == username if username else None, a.action == action if action else None)
        if c is not None
    ]
    stmt = select(a.at, a.username, a.action, a.detail).where(and_(True, *conds)).order_by(a.id.desc()).limit(limit)
    with db.read() as conn:
        return [AuditEvent(r.at, r.username, r.action, r.detail) for r in conn.execute(stmt)]


def audit_actions(db: Database) -> list[str]:
    with db.read() as conn:
        return [
            str(x)
            for x in conn.execute(select(audit_table.c.action).distinct().order_by(audit_table.c.action)).scalars()
        ]
