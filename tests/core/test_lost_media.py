"""Whose data a lost stick (some packages) or a lost computer (the whole database) held."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from openpyxl import load_workbook

from kudus_desktop.core.errors import KudusError
from kudus_desktop.core.rules.records import UserView
from kudus_desktop.core.storage.db import open_database
from kudus_desktop.core.sync import RegencySync, VillageSync
from kudus_desktop.core.village.lost_media import LostMediaService
from tests.commands import cli
from tests.conftest import Office
from tests.factories import DESA, make_draft, make_nik

pytestmark = pytest.mark.usefixtures("as_admin")


def test_people_carried_by_lost_packages_and_by_a_lost_device(offices: dict[str, Office], tmp_path: Path) -> None:
    a, kab = offices["a"], offices["kab"]
    setup, _ = RegencySync(kab.db, kab.user).make_setup_file(DESA, tmp_path)
    village = VillageSync(a.db, a.user)
    village.join(setup)
    p1 = a.participants.create(make_draft(1))[0]
    p2 = a.participants.create(make_draft(2))[0]
    village.export_package()  # package 1: participants 1 and 2
    view = a.participants.get(p2)
    a.participants.update(p2, make_draft(2, full_name="Peserta Uji B Diubah"), accept_warnings=True)
    a.participants.create(make_draft(3))
    village.export_package()  # package 2: participant 2 again, and 3
    village.export_package(full=True)  # package 3: everyone
    assert view.full_name != "Peserta Uji B Diubah" and p1

    lost = LostMediaService(a.db, a.user)
    by_package = {p.nik: p.packages for p in lost.packages([1]).people}
    assert by_package == {make_nik(1): (1,), make_nik(2): (1,)}
    both = {p.nik: p.packages for p in lost.packages([2, 1]).people}
    assert both == {make_nik(1): (1,), make_nik(2): (1, 2), make_nik(3): (2,)}
    assert {p.nik for p in lost.packages([3]).people} == {make_nik(n) for n in (1, 2, 3)}
    assert len(lost.device().people) == 3
    with pytest.raises(KudusError) as err:
        lost.packages([9])
    assert err.value.code == "lost_package_unknown"
    operator = UserView(a.user.id, "ops", "Operator", "operator")
    with pytest.raises(KudusError) as err:
        LostMediaService(a.db, operator).device()
    assert err.value.code == "lost_not_allowed"

    # The workbook the office notifies from, made on the command line.
    a.db.close()
    out = tmp_path / "hilang.xlsx"
    result = cli("report", "lost", "--packages", "2", "--out", str(out), "--data-dir", str(a.path), "--json")
    reply = json.loads(result.stdout)
    assert result.returncode == 0 and reply["people"] == 2
    rows = list(load_workbook(out).active.iter_rows(values_only=True))  # type: ignore[union-attr]
    header = rows.index(next(r for r in rows if r[0] == "No."))
    listed = {r[2] for r in rows[header + 1 : header + 3]}
    assert listed == {make_nik(2), make_nik(3)}
    assert "PAKET 2" in str(rows[0][0])
    # The audit says which packages and how many, never who.
    db = open_database(a.path)
    with db.begin() as conn:
        details = [r[0] for r in conn.exec_driver_sql("SELECT detail FROM audit_event WHERE action = 'lost_report'")]
    db.close()
    assert "flashdisk hilang, paket 2: 2 orang" in details and "perangkat hilang: 3 orang" in details
    assert not any("Peserta Uji" in d or make_nik(1) in d for d in details)
