"""The sync benchmark at its smoke size: it must keep running (it once broke unnoticed when new
offices started requiring approval) and print every number the README quotes."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_bench_sync_runs_at_smoke_size() -> None:
    result = subprocess.run(
        [sys.executable, str(ROOT / "benchmarks" / "bench_sync.py"), "--villages", "4", "--total", "400",
         "--village-size", "60"],
        capture_output=True, text=True, timeout=600, cwd=ROOT,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr[-2000:]
    out = result.stdout
    for label in ("village package, 60 participants", "regency ingest, 4 packages, 400 participants", "baseline"):
        assert label in out, out


def test_bench_cli_runs_at_smoke_size() -> None:
    result = subprocess.run(
        [sys.executable, str(ROOT / "benchmarks" / "bench_cli.py"), "--runs", "1"],
        capture_output=True, text=True, timeout=600, cwd=ROOT,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr[-2000:]
    for label in ("baseline: bare python -c pass", "kudus-desktop --version", "kudus-desktop info"):
        assert label in result.stdout, result.stdout


def bench(name: str, *args: str) -> str:
    """A benchmark at its smoke size: it must end well and print what it measured."""
    result = subprocess.run(
        [sys.executable, str(ROOT / "benchmarks" / name), *args], capture_output=True, text=True, timeout=600, cwd=ROOT
    )
    assert result.returncode == 0, result.stderr[-2000:]
    return result.stdout


def test_bench_import_runs_at_smoke_size() -> None:
    out = bench("bench_import.py", "--rows", "300")
    assert "preview: " in out and "for 300 rows (300 to add" in out, out  # every generated row previewed
    assert "commit: " in out and "for 300 participants" in out and "roster export of 300 participants" in out, out


def test_bench_premiums_runs_at_smoke_size() -> None:
    out = bench("bench_premiums.py", "--participants", "300", "--months", "3")
    paid = re.search(r"paid (\d+), in arrears (\d+)", out)
    assert paid is not None and int(paid.group(1)) > 0 and int(paid.group(2)) > 0, out


def test_bench_server_runs_at_smoke_size() -> None:
    out = bench("bench_hub.py", "--villages", "3", "--packages", "2", "--per-package", "5")
    assert "6 packages (30 participants)" in out and "every package imported exactly once" in out, out


def test_bench_sqlcipher_measures_at_least_its_baseline() -> None:
    out = bench("bench_sqlcipher.py", "--rows", "300")
    assert "sqlite3: insert 300 " in out, out  # sqlcipher3 itself is optional and said so when absent
