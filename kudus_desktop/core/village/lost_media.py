"""Whose data a lost USB stick or a lost computer held, for the office's duty to notify.

A stick carried sync packages; each package carried the participants changed in its range of
the village's change counter (``from_rev < rev <= to_rev``; a full package, everyone enrolled
by its ``to_rev``). The history table keeps the counter value of every change, so the village
can say who was in any package it wrote, although it cannot open the sealed files itself. A
lost computer held its whole database. The report names the people; its audit entry records
how many and which packages, not who.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import Connection, and_, func, select

from kudus_desktop.core.errors import KudusError
from kudus_desktop.core.rules.codes import Role
from kudus_desktop.core.rules.records import UserView
from kudus_desktop.core.storage.audit import write_audit
from kudus_desktop.core.storage.db import Database
from kudus_desktop.core.storage.tables import history_table, participant_table, sync_outbox_table

P = participant_table.c
H = history_table.c
O = sync_outbox_table.c  # noqa: E741 - the outbox's columns, as P and H


@dataclass(frozen=True, slots=True)
class ExposedPerson:
    reg_no: str
    nik: str
    full_name: str
    desa_code: str
    rt: str
    rw: str
    status: str
    packages: tuple[int, ...]  # which of the lost packages carried the person (empty: the whole device)


@dataclass(frozen=True, slots=True)
class LostReport:
    what: str  # "packages" or "device"
    packages: tuple[int, ...]
    people: tuple[ExposedPerson, ...]


class LostMediaService:
    def __init__(self, db: Database, user: UserView) -> None:
        self.db = db
        self.user = user

    def _allowed(self) -> None:
        # The report lists full NIKs: the same people who may reveal them.
        if self.user.role not in (Role.ADMIN, Role.VERIFIKATOR):
            raise KudusError("lost_not_allowed")

    def packages(self, seqs: Sequence[int]) -> LostReport:
        """Everyone carried by the packages ``seqs`` of this device (a lost stick)."""
        self._allowed()
        wanted = sorted(set(seqs))
        if not wanted:
            raise KudusError("lost_no_packages")
        found: dict[int, list[int]] = {}
        with self.db.begin() as conn:
            rows = conn.execute(select(O.seq, O.from_rev, O.to_rev, O.full).where(O.seq.in_(wanted))).all()
            unknown = sorted(set(wanted) - {r.seq for r in rows})
            if unknown:
                raise KudusError("lost_package_unknown", seqs=", ".join(map(str, unknown)))
            for seq, from_rev, to_rev, full in rows:
                first = func.min(H.rev)
                if full:
                    # Everyone enrolled by the end of the package's range.
                    q = select(H.participant_id).group_by(H.participant_id).having(first <= to_rev)
                else:
                    q = select(H.participant_id).where(and_(H.rev > from_rev, H.rev <= to_rev)).distinct()
                for (pid,) in conn.execute(q):
                    found.setdefault(int(pid), []).append(int(seq))
            people = self._people(conn, found)
            write_audit(
                conn, self.user.username, "lost_report",
                f"flashdisk hilang, paket {', '.join(map(str, wanted))}: {len(people)} orang",
            )  # fmt: skip
        return LostReport("packages", tuple(wanted), people)

    def device(self) -> LostReport:
        """Everyone in this database (a lost or stolen computer)."""
        self._allowed()
        with self.db.begin() as conn:
            ids: dict[int, list[int]] = {int(i): [] for i in conn.execute(select(P.id)).scalars()}
            people = self._people(conn, ids)
            write_audit(conn, self.user.username, "lost_report", f"perangkat hilang: {len(people)} orang")
        return LostReport("device", (), people)

    @staticmethod
    def _people(conn: Connection, found: dict[int, list[int]]) -> tuple[ExposedPerson, ...]:
        ids = list(found)
        out: list[ExposedPerson] = []
        for start in range(0, len(ids), 500):
            part = ids[start : start + 500]
            rows = conn.execute(
                select(P.id, P.reg_no, P.nik, P.full_name, P.desa_code, P.rt, P.rw, P.status).where(P.id.in_(part))
            ).all()
            for r in rows:
                out.append(
                    ExposedPerson(r.reg_no, r.nik, r.full_name, r.desa_code, r.rt or "", r.rw or "", r.status,
                                  tuple(sorted(found[r.id])))
                )  # fmt: skip
        return tuple(sorted(out, key=lambda p: p.reg_no))
