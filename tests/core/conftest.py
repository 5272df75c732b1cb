"""Fixtures of the core tests: two villages joined to the regency."""

from __future__ import annotations

from pathlib import Path

import pytest

from kudus_desktop.core.sync import RegencySync, VillageSync
from tests.conftest import DESA_B, Office
from tests.factories import DESA


def join(village: Office, regency: Office, tmp: Path) -> None:
    code = DESA if village.path.name == "a" else DESA_B
    path, _ = RegencySync(regency.db, regency.user).make_setup_file(code, tmp)
    VillageSync(village.db, village.user).join(path)


@pytest.fixture
def world(offices: dict[str, Office], tmp_path: Path) -> dict[str, Office]:
    stick = tmp_path / "stick"
    stick.mkdir()
    join(offices["a"], offices["kab"], tmp_path)
    join(offices["b"], offices["kab"], tmp_path)
    return offices
