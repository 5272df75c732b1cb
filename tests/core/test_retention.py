"""Retention: people whose participation ended more than the retention period ago are removed,
with every trace of them in the database file; the audit says how many, not who."""

from __future__ import annotations

from pathlib import Path

import pytest

from kudus_desktop.core.enrolment.participants import ParticipantService
from kudus_desktop.core.paths import DB_FILE_NAME
from kudus_desktop.core.rules.records import UserView
from kudus_desktop.core.storage.db import Database
from kudus_desktop.core.sync import RegencySync, VillageSync
from kudus_desktop.core.village.retention import RetentionError, RetentionService
from tests.conftest import TODAY, Office
from tests.factories import DESA, make_draft, make_nik

pytestmark = pytest.mark.usefixtures("as_admin")

GONE_NAME = "Wartini Sulistyowati"


def file_bytes(db: Database) -> bytes:
    path = Path(db.path)
    data = path.read_bytes()
    wal = path.with_name(DB_FILE_NAME + "-wal")
    return data + (wal.read_bytes() if wal.exists() else b"")


def test_purge_removes_the_person_for_good_and_audits_only_the_count(
    db: Database, admin: UserView, service: ParticipantService
) -> None:
    gone = service.create(make_draft(1, full_name=GONE_NAME, start_date="2017-01-02"))[0]
    recent = service.create(make_draft(2, full_name="Sutarmi Rahayu", start_date="2017-01-02"))[0]
    service.create(make_draft(3, full_name="Kasmin Hadi Wijoyo", start_date="2020-01-02"))
    service.end(gone, "pindah", "2019-03-01")
    service.end(recent, "pindah", "2025-01-01")
    reg_no = service.get(gone).reg_no
    service.log_event("person_report", reg_no)
    assert GONE_NAME.encode() in file_bytes(db)

    retention = RetentionService(db, admin, today=lambda: TODAY)
    with pytest.raises(RetentionError) as err:
        retention.purge()
    assert err.value.code == "retention_off"
    retention.set_years(5)
    plan = retention.plan()
    assert plan.ids == (gone,) and plan.cutoff.isoformat() == "2021-11-24"
    with pytest.raises(RetentionError) as err:
        retention.purge(expected=2)
    assert err.value.code == "retention_changed" and "tidak ada yang dihapus" in str(err.value)
    operator = UserView(admin.id, "ops", "Operator", "operator")
    with pytest.raises(RetentionError):
        RetentionService(db, operator, today=lambda: TODAY).purge(expected=1)

    done = retention.purge(expected=1)
    assert done.count == 1
    assert service.find_by_nik(make_nik(1)) is None and service.find_by_nik(make_nik(2)) is not None
    data = file_bytes(db)
    for trace in (GONE_NAME, make_nik(1), reg_no):
        assert trace.encode() not in data, f"{trace} is still in the database file"
    assert b"Sutarmi Rahayu" in data and b"Kasmin Hadi Wijoyo" in data  # the check can see names
    with db.begin() as conn:
        details = [
            r[0] for r in conn.exec_driver_sql("SELECT detail FROM audit_event WHERE action = 'retention_purge'")
        ]
    assert details == ["1 orang yang berhenti sebelum 2021-11-24 dihapus (masa simpan 5 tahun)"]
    assert retention.plan().count == 0


def test_purge_on_the_command_line_shows_first_and_removes_on_confirmation(
    data_dir: Path, db: Database, service: ParticipantService
) -> None:
    import json

    from tests.commands import cli

    gone = service.create(make_draft(1, full_name=GONE_NAME, start_date="2017-01-02"))[0]
    service.end(gone, "pindah", "2019-03-01")
    db.close()
    shown = json.loads(cli("purge", "--set-years", "5", "--data-dir", str(data_dir), "--json").stdout)
    assert shown["due"] == 1 and "--confirm 1" in shown["message"]
    wrong = cli("purge", "--confirm", "3", "--data-dir", str(data_dir), "--json")
    assert wrong.returncode == 2 and json.loads(wrong.stderr or wrong.stdout)["error"] == "retention_changed"
    done = json.loads(cli("purge", "--confirm", "1", "--data-dir", str(data_dir), "--json").stdout)
    assert done["removed"] == 1
    assert GONE_NAME.encode() not in (data_dir / DB_FILE_NAME).read_bytes()


def test_a_clock_that_jumps_after_the_question_refuses_the_purge(
    db: Database, admin: UserView, service: ParticipantService
) -> None:
    """The admin confirmed a cut-off computed from the clock; a clock set years ahead since
    (or an office PC that lost its time) would now purge people still within their period."""
    early = service.create(make_draft(1, start_date="2017-01-02"))[0]
    later = service.create(make_draft(2, start_date="2017-01-02"))[0]
    service.end(early, "pindah", "2019-03-01")
    service.end(later, "pindah", "2025-01-01")
    clock = [TODAY]
    retention = RetentionService(db, admin, today=lambda: clock[0])
    retention.set_years(5)
    seen = retention.plan()
    assert seen.count == 1
    clock[0] = TODAY.replace(year=2040)  # the plan now also names the one who ended in 2025
    with pytest.raises(RetentionError) as err:
        retention.purge(expected=seen.count, cutoff=seen.cutoff)
    assert err.value.code == "retention_clock_moved" and "24 November 2021" in str(err.value)
    assert service.find_by_nik(make_nik(1)) is not None and service.find_by_nik(make_nik(2)) is not None
    clock[0] = TODAY
    assert retention.purge(expected=seen.count, cutoff=seen.cutoff).count == 1


def test_a_clock_set_ahead_counts_ages_no_further_than_a_month_past_the_regencys_receipt(
    world: dict[str, Office], tmp_path: Path
) -> None:
    """The village PC's clock jumps to 2040: without a bound, everyone who ended before 2035
    would be purged. The regency's signed date on its newest receipt bounds the count."""
    from datetime import date, timedelta

    from tests.factories import export, ingest

    village, regency = world["a"], world["kab"]
    early = village.participants.create(make_draft(1, start_date="2017-01-02"))[0]
    later = village.participants.create(make_draft(2, start_date="2017-01-02"))[0]
    village.participants.end(early, "pindah", "2019-03-01")
    village.participants.end(later, "pindah", "2025-01-01")
    ingest(regency, export(village, tmp_path / "stick"), village)
    receipt = RegencySync(regency.db, regency.user).write_receipts(tmp_path / "receipts", [DESA])[0]
    VillageSync(village.db, village.user).import_receipt(receipt)
    stamped = date.today()  # the regency wrote the receipt just now, by its own clock

    ahead = RetentionService(village.db, village.user, today=lambda: date(2040, 6, 1))
    ahead.set_years(5)
    plan = ahead.plan()
    assert plan.receipt_day == stamped and plan.counted_to == stamped + timedelta(days=31)
    assert plan.ids == (early,), "the one who ended in 2025 is still within their five years"
    right = RetentionService(village.db, village.user, today=lambda: TODAY).plan()
    assert right.counted_to == TODAY and right.receipt_day is None and right.ids == (early,)


def test_a_regency_clock_set_ahead_is_bounded_by_its_villages_packages(
    world: dict[str, Office], tmp_path: Path
) -> None:
    """The regency has no receipt above it: the median of its villages' newest package dates
    (each signed by its device) bounds the count once three villages have sent."""
    from datetime import date, timedelta

    from tests.conftest import DESA_C
    from tests.factories import export, ingest

    regency = world["kab"]
    third = world["c"]
    setup, _ = RegencySync(regency.db, regency.user).make_setup_file(DESA_C, tmp_path)
    VillageSync(third.db, third.user).join(setup)
    ahead = RetentionService(regency.db, regency.user, today=lambda: date(2040, 6, 1))
    ahead.set_years(5)
    villages = (world["a"], world["b"], third)
    for n, village in enumerate(villages, start=1):
        early = village.participants.create(make_draft(10 * n, start_date="2017-01-02"))[0]
        later = village.participants.create(make_draft(10 * n + 1, start_date="2017-01-02"))[0]
        village.participants.end(early, "pindah", "2019-03-01")
        village.participants.end(later, "pindah", "2025-01-01")
        assert ahead.plan().receipt_day is None  # fewer than three villages have sent: the clock alone
        ingest(regency, export(village, tmp_path / f"stick-{n}"), village)
    plan = ahead.plan()
    assert plan.bound_by == "packages" and plan.receipt_day == date.today()
    assert plan.counted_to == date.today() + timedelta(days=31)
    assert plan.count == 3, "only those who ended in 2019; those of 2025 are within their five years"
