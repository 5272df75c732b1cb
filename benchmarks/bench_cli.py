"""How long a command-line call takes before it does anything, and a read-only command on a small
database, beside a bare ``python -c pass`` in the same run.

    python benchmarks/bench_cli.py [--runs 10]
"""

from __future__ import annotations

import argparse
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PASSWORD = "kata-sandi-uji-panjang"


def timed(cmd: list[str], runs: int, env: dict[str, str]) -> tuple[float, float]:
    """(median, max) seconds of ``runs`` runs of ``cmd``, each checked to succeed."""
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        subprocess.run(cmd, check=True, capture_output=True, env=env, cwd=ROOT)
        times.append(time.perf_counter() - start)
    return statistics.median(times), max(times)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=10)
    runs = parser.parse_args().runs
    print(f"machine: {platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}")
    work = Path(tempfile.mkdtemp(prefix="kudus-bench-cli-"))
    try:
        env = {**os.environ, "KUDUS_DATA_DIR": str(work / "data")}
        secret = work / "sandi.txt"
        secret.write_text(PASSWORD, encoding="utf-8")
        app = [sys.executable, "-m", "kudus_desktop"]
        subprocess.run(
            [*app, "init", "--desa", "33.19.03.2008", "--admin", "admin", "--password-file", str(secret)],
            check=True, capture_output=True, env=env, cwd=ROOT,
        )  # fmt: skip
        bare = timed([sys.executable, "-c", "pass"], runs, env)
        print(f"baseline: bare python -c pass: median {bare[0]:.3f} s, max {bare[1]:.3f} s")
        for label, args, target in (
            ("kudus-desktop --version", ["--version"], 0.15),
            ("kudus-desktop --help", ["--help"], 0.15),
            ("kudus-desktop info (read-only, small database)", ["info"], 0.4),
        ):
            median, worst = timed([*app, *args], runs, env)
            print(f"{label}: median {median:.3f} s, max {worst:.3f} s (target {target} s)")
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
