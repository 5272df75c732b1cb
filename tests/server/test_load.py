"""The load and fault run of ``benchmarks/bench_hub.py`` at test size: 123 villages uploading
5 packages each at once to a real server process, some uploads cut mid-body first, the
server killed and restarted in the middle; every package imported exactly once."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path
from types import ModuleType

import pytest

ROOT = Path(__file__).resolve().parents[2]


def bench() -> ModuleType:
    spec = importlib.util.spec_from_file_location("bench_hub", ROOT / "benchmarks" / "bench_hub.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    sys.modules["bench_hub"] = module
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def prepared(tmp_path_factory: pytest.TempPathFactory) -> tuple[ModuleType, Path, list[object]]:
    b = bench()
    template = tmp_path_factory.mktemp("hub-load") / "template"
    return b, template, b.prepare(template, 123, 5, 2)


@pytest.mark.parametrize("store", ["sqlite", "postgresql"])
def test_123_villages_at_once_with_cuts_and_a_restart_land_exactly_once(
    store: str, prepared: tuple[ModuleType, Path, list[object]], tmp_path: Path, request: pytest.FixtureRequest
) -> None:
    b, template, load = prepared
    url = request.getfixturevalue("pg_url") if store == "postgresql" else None
    r = b.run_load(template, load, tmp_path / "kab", url, restart=True, cut=0.2, seed=3)
    assert r.store == store
    assert r.restarts == 1 and r.cut > 50
    assert r.inbox == r.inbox_distinct == 615
    assert r.held == 615 * 2
    assert sum(r.statuses.values()) == 615 and set(r.statuses) <= {"imported", "already"}
