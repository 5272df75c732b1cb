"""The sync benchmark at its smoke size: it must keep running (it once broke unnoticed when new
offices started requiring approval) and print every number the README quotes."""

from __future__ import annotations

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
