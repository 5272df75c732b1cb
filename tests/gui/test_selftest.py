"""``kudus-desktop selftest`` from source, as a real process (the bundle's own run is in .ci/run
through installer/build.py --check): every step passes and nothing is written to the data folder."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.commands import cli_process as cli

pytestmark = pytest.mark.usefixtures("as_admin")


def test_selftest_passes_every_step_and_leaves_the_data_folder_alone(tmp_path: Path) -> None:
    data = tmp_path / "data"
    result = cli("selftest", "--json", "--data-dir", str(data))
    out = json.loads(result.stdout)
    assert result.returncode == 0 and out["ok"], result.stderr
    names = [s["name"] for s in out["steps"]]
    assert names == [
        "basis data baru", "pembaruan dari versi pertama", "pemeriksaan NIK", "pendaftaran peserta",
        "kartu peserta (PDF)", "paket sinkronisasi",
    ]  # fmt: skip
    assert all(s["ok"] for s in out["steps"])
    assert "skema 1 -> " in out["steps"][1]["detail"]
    assert not data.exists()
    text = cli("selftest", "--data-dir", str(data))
    assert "OK    kartu peserta (PDF)" in text.stdout and "semua 6 langkah berhasil" in text.stdout
