"""``kudus-desktop iuran ...`` and ``report iuran`` as real processes over a village database."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest
from openpyxl import load_workbook

from tests.commands import cli
from tests.conftest import Office
from tests.factories import make_draft, make_nik

pytestmark = pytest.mark.usefixtures("as_admin")


def run(office: Office, *args: str) -> dict:  # type: ignore[type-arg]
    result = cli(*args, "--data-dir", str(office.path), "--json")
    out = json.loads(result.stdout or result.stderr)
    out["returncode"] = result.returncode
    return out


def test_bill_pay_and_report_on_the_command_line(offices: dict[str, Office], tmp_path: Path) -> None:
    a = offices["a"]
    this_month = date.today().strftime("%Y-%m")
    for n in (1, 2, 3):
        a.participants.create(make_draft(n, start_date=date.today().replace(day=1).isoformat()))
    a.db.close()

    bill = run(a, "iuran", "bill", "--month", this_month)
    assert bill["ok"] and len(bill["lines"]) == 3 and bill["total"] == sum(x["amount"] for x in bill["lines"])
    total = bill["total"]
    wrong = run(a, "iuran", "pay", "--month", this_month, "--amount", str(total - 1))
    assert wrong["returncode"] == 2 and wrong["error"] == "payment_amount_mismatch"
    one = run(a, "iuran", "pay", "--month", this_month, "--amount", str(bill["lines"][0]["amount"]),
              "--nik", make_nik(1), "--ref", "BUKTI-1")  # fmt: skip
    assert one["ok"] and one["people"] == 1
    rest = run(a, "iuran", "pay", "--month", this_month, "--amount", f"Rp{total - bill['lines'][0]['amount']:,}")
    assert rest["ok"] and rest["people"] == 2
    after = run(a, "iuran", "bill", "--month", this_month)
    assert after["outstanding"] == 0 and {x["state"] for x in after["lines"]} == {"paid"}
    bad = run(a, "iuran", "bill", "--month", "bulan depan")
    assert bad["returncode"] == 2 and bad["error"] == "month_invalid" and "BB/TTTT" in bad["message"]

    rates = run(a, "iuran", "rates")
    assert [r["kind"] for r in rates["rates"]] == ["tarif", "diskon"] and not rates["rates"][1]["active"]
    budget = run(a, "iuran", "budget", "--year", str(date.today().year + 1), "--additions", "2")
    assert budget["people"] == 5 and budget["total"] == 5 * 12 * 16_800

    out = tmp_path / "iuran.xlsx"
    report = run(a, "report", "iuran", "--year", str(date.today().year), "--out", str(out))
    assert report["ok"] and report["payments"] == 2 and report["received"] == total
    wb = load_workbook(out)
    assert wb.sheetnames == ["Rekap Bulanan", f"Anggaran {date.today().year + 1}", "Pembayaran"]
    rows = list(wb["Rekap Bulanan"].iter_rows(values_only=True))
    assert rows[0][0] == "PEMERINTAH KABUPATEN KUDUS" and any(str(r[0]).startswith("DESA ") for r in rows[:4])
    jumlah = next(r for r in rows if r[0] == "JUMLAH")
    assert jumlah[6] == total and jumlah[4] == total
    assert any(r[0] == "Mengetahui," for r in rows)
    payments = list(wb["Pembayaran"].iter_rows(min_row=3, values_only=True))
    assert sorted(p[1] for p in payments) == sorted([bill["lines"][0]["amount"], total - bill["lines"][0]["amount"]])
