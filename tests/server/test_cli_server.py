"""``kudus-desktop server serve``, ``server pending|confirm`` and ``sync push|pull`` as real processes,
on SQLite and on PostgreSQL (``--db``): what a scheduled task at a village and a regency server run."""

from __future__ import annotations

import json
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from kudus_desktop.core.storage.db import open_store
from kudus_desktop.core.storage.store_copy import copy_store
from tests.commands import cli
from tests.conftest import Office
from tests.factories import DESA, make_draft
from tests.server.conftest import free_port

pytestmark = pytest.mark.usefixtures("as_admin")

ROOT = Path(__file__).resolve().parents[2]


def run(path: Path, *args: str, db: str | None = None) -> dict:  # type: ignore[type-arg]
    extra = ["--db", db] if db else []
    result = cli(*args, "--data-dir", str(path), "--json", *extra)
    out = json.loads(result.stdout or result.stderr)
    out["returncode"] = result.returncode
    return out


@pytest.fixture(params=["sqlite", "postgresql"])
def store_url(request: pytest.FixtureRequest, offices: dict[str, Office]) -> str | None:
    if request.param == "sqlite":
        return None
    url: str = request.getfixturevalue("pg_url")
    kab = offices["kab"]
    target = open_store(kab.path, url)
    copy_store(kab.db, target)
    target.close()
    return url


@pytest.fixture
def server(offices: dict[str, Office], store_url: str | None) -> Iterator[str]:
    kab = offices["kab"]
    port = free_port()
    cmd = [sys.executable, "-m", "kudus_desktop", "--data-dir", str(kab.path), "server", "serve", "--port", str(port)]
    if store_url:
        cmd += ["--db", store_url]
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, cwd=ROOT)
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 30
    while True:
        try:
            if httpx.get(url + "/v1/health", timeout=1).status_code == 200:
                break
        except httpx.HTTPError:
            assert proc.poll() is None, proc.stdout.read().decode() if proc.stdout else ""
            assert time.monotonic() < deadline, "server did not start"
            time.sleep(0.1)
    yield url
    proc.send_signal(signal.SIGINT)
    out, _ = proc.communicate(timeout=30)
    assert proc.returncode == 0, out.decode()
    assert "Server sinkronisasi berhenti." in out.decode()


def test_scheduled_push_and_pull_against_a_served_hub(
    offices: dict[str, Office], server: str, store_url: str | None, tmp_path: Path
) -> None:
    a, kab = offices["a"], offices["kab"]
    for n in (1, 2, 3):
        a.participants.create(make_draft(n))
    a.db.close()
    kab.db.close()
    setup = run(
        kab.path, "sync", "setup-file", "--desa", DESA, "--out", str(tmp_path), "--server", server, db=store_url
    )
    joined = run(a.path, "sync", "join", setup["out"])
    fingerprint = joined["device_fingerprint"]

    first = run(a.path, "sync", "push")
    assert first["ok"] and first["made"] == 1 and first["pending"] == [1]
    assert fingerprint in first["message"] and "konfirmasi" in first["message"]
    waiting = run(kab.path, "hub", "pending", db=store_url)  # the first releases' name still works
    (device,) = waiting["pending"]
    assert device["fingerprint"] == fingerprint and device["desa"] == DESA
    wrong = run(kab.path, "server", "confirm", "--device", device["device"], "--fingerprint", "AAAA-BBBB", db=store_url)
    assert wrong["returncode"] == 2 and wrong["refused"][0]["code"] == "sync_fingerprint_mismatch"
    confirmed = run(
        kab.path, "server", "confirm", "--device", device["device"], "--fingerprint", fingerprint.lower(), db=store_url
    )
    assert confirmed["ok"] and confirmed["imported"][0]["added"] == 3

    pulled = run(a.path, "sync", "pull")
    assert pulled["ok"] and pulled["receipt"]["accepted"] == 3
    assert "3 diterima" in pulled["message"]
    nothing = run(a.path, "sync", "push")
    assert nothing["ok"] and nothing["made"] is None and nothing["uploaded"] == []
    assert nothing["receipt"]["already_applied"]
    status = run(a.path, "sync", "status")["status"]
    assert status["unsent"] == 0 and status["receipt_seq"] == 1


def test_push_with_the_server_down_fails_clearly_and_keeps_the_changes(
    offices: dict[str, Office], tmp_path: Path
) -> None:
    a, kab = offices["a"], offices["kab"]
    a.participants.create(make_draft(1))
    a.db.close()
    kab.db.close()
    setup = run(
        kab.path, "sync", "setup-file", "--desa", DESA, "--out", str(tmp_path), "--server", "http://127.0.0.1:9"
    )
    run(a.path, "sync", "join", setup["out"])
    failed = run(a.path, "sync", "push")
    assert failed["returncode"] == 2 and failed["error"] == "hub_unreachable"
    assert "127.0.0.1:9" in failed["message"]
    assert run(a.path, "sync", "status")["status"]["unsent"] == 1
