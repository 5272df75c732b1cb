"""The intake's reconciliation on both stores (SQLite and PostgreSQL): a person re-enrolled under a
new uid keeps the held enrolment, two enrolments swapping their NIKs in one package go in, a
registration number held by another enrolment and a uid of another desa are rejected."""

from __future__ import annotations

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PrivateKey
from sqlalchemy import select

from kudus_desktop.core.storage.signing import Identity, identity
from kudus_desktop.core.storage.tables import participant_alias_table, participant_table
from kudus_desktop.core.sync import RegencySync
from tests.conftest import DESA_B
from tests.factories import DESA
from tests.hostile import craft, package_text, person, row
from tests.server.conftest import Regency


def held(regency: Regency) -> dict[str, tuple[str, str]]:
    p = participant_table.c
    with regency.db.begin() as conn:
        return {r.uid: (r.nik, r.reg_no) for r in conn.execute(select(p.uid, p.nik, p.reg_no))}


def test_reconciliation_on_both_stores(regency: Regency) -> None:
    intake = RegencySync(regency.db, regency.user)
    box = identity(regency.db).box_public
    village = Identity(Ed25519PrivateKey.generate(), X25519PrivateKey.generate())
    other = Identity(Ed25519PrivateKey.generate(), X25519PrivateKey.generate())
    one, two, three = person(DESA, 1), person(DESA, 2), person(DESA, 3)
    payload, counts = package_text([row(one), row(two), row(three)])
    first = craft(village, box, desa=DESA, seq=1, text=payload, counts=counts)
    assert intake.import_package(first, "1.kdp", confirm_fingerprint=village.fingerprint).added == 3

    b_row = person(DESA_B, 9)
    payload, counts = package_text([row(b_row)])
    intake.import_package(
        craft(other, box, desa=DESA_B, seq=1, text=payload, counts=counts),
        "b.kdp",
        confirm_fingerprint=other.fingerprint,
    )

    swap_one = {**one, "nik": two["nik"], "rev": 10}
    swap_two = {**two, "nik": one["nik"], "rev": 11}
    again = person(DESA, 3, uid="00000000-0000-4000-8000-000000000003", reg_no=three["reg_no"], rev=12)  # re-made
    taken = person(DESA, 4, reg_no=one["reg_no"], rev=13)  # a number the desa holds for someone else
    foreign = person(DESA, 5, uid=b_row["uid"], rev=14)  # village B's uid
    payload, counts = package_text([row(swap_one), row(swap_two), row(again), row(taken), row(foreign)])
    result = intake.import_package(craft(village, box, desa=DESA, seq=2, text=payload, counts=counts), "2.kdp")
    assert (result.updated, result.reconciled, result.rejected, result.added) == (3, 1, 2, 0), result
    now = held(regency)
    assert now[one["uid"]][0] == two["nik"] and now[two["uid"]][0] == one["nik"]
    assert again["uid"] in now and three["uid"] not in now
    assert now[b_row["uid"]] == (b_row["nik"], b_row["reg_no"])  # untouched
    with regency.db.begin() as conn:
        aliases = dict(conn.execute(select(participant_alias_table.c.uid, participant_alias_table.c.desa_code)).all())
    assert aliases == {three["uid"]: DESA}
    # A late package naming the old uid changes nothing.
    payload, counts = package_text([row({**three, "rev": 99, "full_name": "Nama Lama"})])
    late = intake.import_package(craft(village, box, desa=DESA, seq=3, text=payload, counts=counts), "3.kdp")
    assert (late.added, late.updated, late.unchanged) == (0, 0, 1)
    assert held(regency) == now
