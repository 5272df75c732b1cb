"""The regency benchmark at its smoke size (it paints the Beranda page, so it needs Qt): it must
keep running and keep producing every kind of case it times."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_bench_regency_runs_at_smoke_size() -> None:
    result = subprocess.run(
        [sys.executable, str(ROOT / "benchmarks" / "bench_regency.py"), "--villages", "10", "--sizes", "1500,3000"],
        capture_output=True, text=True, timeout=600, cwd=ROOT, env={**os.environ, "QT_QPA_PLATFORM": "offscreen"},
    )  # fmt: skip
    assert result.returncode == 0, result.stderr[-2000:]
    found = re.search(r"opened (\d+) same-NIK, (\d+) APBD, (\d+) similar", result.stdout)
    assert found is not None, result.stdout
    assert all(int(n) > 0 for n in found.groups()), found.group(0)  # every generated kind made it in
    assert re.search(r"growth 1,500 -> 3,000: ingest k = -?[\d.]+", result.stdout), result.stdout
    assert re.search(r"Peserta page, every participant listed, opened: [\d.]+ s", result.stdout), result.stdout


def test_bench_tables_runs_at_smoke_size() -> None:
    result = subprocess.run(
        [sys.executable, str(ROOT / "benchmarks" / "bench_tables.py"), "--rows", "2000", "--items", "500"],
        capture_output=True, text=True, timeout=600, cwd=ROOT, env={**os.environ, "QT_QPA_PLATFORM": "offscreen"},
    )  # fmt: skip
    assert result.returncode == 0, result.stderr[-2000:]
    assert re.search(r"2,000 rows: first fill [\d.]+ s, refresh [\d.]+ s", result.stdout), result.stdout
    # The pages were opened with every row in them: the bill, everyone waiting, everyone apart.
    assert re.search(r"Iuran page, bill of 1,900 rows: open", result.stdout), result.stdout
    assert "Persetujuan page, 2,000 waiting: open" in result.stdout, result.stdout
    assert re.search(r"Iuran page, apart 1,900 rows: open", result.stdout), result.stdout


def test_bench_cards_runs_at_smoke_size() -> None:
    result = subprocess.run(
        [sys.executable, str(ROOT / "benchmarks" / "bench_cards.py"), "--cards", "20"],
        capture_output=True, text=True, timeout=600, cwd=ROOT, env={**os.environ, "QT_QPA_PLATFORM": "offscreen"},
    )  # fmt: skip
    assert result.returncode == 0, result.stderr[-2000:]
    # Every participant got a card: with approval on by default the run once painted none.
    assert "cards: 20, pages: 4 (2 A4 sheets" in result.stdout, result.stdout


def test_bench_desk_runs_at_smoke_size() -> None:
    result = subprocess.run(
        [sys.executable, str(ROOT / "benchmarks" / "bench_desk.py"), "--rows", "300"],
        capture_output=True, text=True, timeout=600, cwd=ROOT, env={**os.environ, "QT_QPA_PLATFORM": "offscreen"},
    )  # fmt: skip
    assert result.returncode == 0, result.stderr[-2000:]
    opened = re.search(r"participant list open with (\d+) rows", result.stdout)
    assert opened is not None and int(opened.group(1)) >= 300, result.stdout
    assert "save one participant: median" in result.stdout, result.stdout


def test_bench_import_page_runs_at_smoke_size() -> None:
    result = subprocess.run(
        [sys.executable, str(ROOT / "benchmarks" / "bench_import_page.py"), "--rows", "600", "--runs", "1"],
        capture_output=True, text=True, timeout=600, cwd=ROOT, env={**os.environ, "QT_QPA_PLATFORM": "offscreen"},
    )  # fmt: skip
    assert result.returncode == 0, result.stderr[-2000:]
    assert re.search(r"file chosen to first rows shown: [\d.]+ s", result.stdout), result.stdout
    # Every generated row reached the preview: the page measured the whole check, not an empty one.
    assert "every one of 600 rows checked and counted" in result.stdout, result.stdout
