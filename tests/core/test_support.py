"""What a support person gets: logs that rotate, a record of a hard crash, and one support file
with no personal data in it."""

from __future__ import annotations

import json
import logging
import subprocess
import sys
import zipfile
from collections.abc import Iterator
from pathlib import Path

import pytest

from kudus_desktop.core.enrolment.participants import ParticipantService
from kudus_desktop.core.errors import KudusError
from kudus_desktop.core.office.logbook import CRASH_FILE, LOG_BYTES, LOG_FILE, configure_logging, stop_crash_record
from kudus_desktop.core.office.support import Redactor, make_support_file
from kudus_desktop.core.storage.audit import audit_events
from tests.factories import kk, make_draft, make_nik

NAMES = ("Siti Wahyuningsih", "Ahmad Fauzi bin Sutrisno", "Dwi Lestari")


@pytest.fixture
def logging_to(tmp_path: Path) -> Iterator[Path]:
    """The application's logging set up in a folder of its own, taken down after."""
    root = logging.getLogger()
    before = list(root.handlers)
    folder = configure_logging(tmp_path / "data")
    assert folder is not None
    yield folder
    for handler in root.handlers[len(before) :]:
        handler.close()
        root.removeHandler(handler)
    stop_crash_record()


def test_the_log_is_set_aside_when_it_grows_and_only_five_are_kept(logging_to: Path) -> None:
    log = logging.getLogger("kudus_desktop.test")
    line = "x" * 1000
    for _ in range(7 * LOG_BYTES // 1000):
        log.info(line)
    files = sorted(p.name for p in logging_to.glob(f"{LOG_FILE}*"))
    assert files == [LOG_FILE, *(f"{LOG_FILE}.{n}" for n in range(1, 6))]
    assert all(p.stat().st_size <= LOG_BYTES + 2000 for p in logging_to.glob(f"{LOG_FILE}*"))
    assert (logging_to / CRASH_FILE).read_text(encoding="utf-8").startswith("--- mulai ")


def test_a_hard_crash_leaves_its_stack_in_the_crash_record(tmp_path: Path) -> None:
    script = (
        "import faulthandler, sys; from pathlib import Path; "
        "from kudus_desktop.core.office.logbook import configure_logging; "
        f"configure_logging(Path({str(tmp_path / 'data')!r})); faulthandler._sigsegv()"
    )
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=60)
    assert done.returncode != 0
    record = (tmp_path / "data" / "log" / CRASH_FILE).read_text(encoding="utf-8")
    assert "Fatal Python error" in record and "Segmentation fault" in record and "<string>" in record


def test_the_redactor_masks_numbers_and_names_it_knows() -> None:
    r = Redactor(NAMES)
    line = "NIK 3319031205800001 sudah terdaftar atas nama SITI  wahyuningsih; HP 081234567890; baris 12"
    assert r.clean(line) == "NIK ################ sudah terdaftar atas nama [nama]; HP ############; baris 12"
    assert r.clean("Ahmad Fauzi bin Sutrisno (3319-001) dan Dwi Lestari.") == "[nama] (3319-001) dan [nama]."
    assert r.clean("Kecamatan Jati, paket 12") == "Kecamatan Jati, paket 12"


def test_the_support_file_holds_what_happened_and_no_name_or_nik(
    tmp_path: Path, service: ParticipantService, logging_to: Path
) -> None:
    ids = [service.create(make_draft(n + 1, full_name=name))[0] for n, name in enumerate(NAMES)]
    people = [service.get(i) for i in ids]
    log = logging.getLogger("kudus_desktop.test")
    for p in people:
        log.info("saved %s %s (KK %s)", p.full_name, p.nik, p.kk)
    try:
        raise KudusError("participant_not_found", id=ids[0])
    except KudusError:
        log.exception("NIK ini sudah terdaftar atas nama %s (%s)", people[0].full_name, people[0].nik)
    log.warning("the user %s typed a wrong password", service.user.full_name)
    data_dir = logging_to.parent
    target = tmp_path / "bantuan.zip"
    made = make_support_file(service.db, service.user, data_dir, target, {"Qt": "6.x"})
    assert made.path == target and made.integrity == "ok" and made.logs >= 2
    with zipfile.ZipFile(target) as zf:
        names = zf.namelist()
        text = "\n".join(zf.read(n).decode("utf-8") for n in names)
    assert "tentang.txt" in names and f"log/{LOG_FILE}" in names and f"log/{CRASH_FILE}" in names
    assert "Kudus Desktop" in text and "Pemeriksaan keutuhan basis data: ok" in text and "Qt: 6.x" in text
    assert "participant_not_found" in text and "[nama]" in text  # what happened is still there
    personal = [*(p.full_name for p in people), *(p.nik for p in people), *(kk(n + 1) for n in range(3))]
    personal += [make_nik(1)[-8:], service.user.full_name]
    for value in personal:
        assert value.casefold() not in text.casefold(), f"{value!r} is in the support file"
    assert any(e.action == "support_file" for e in audit_events(service.db))
    assert not list(tmp_path.glob("*.tmp"))


def test_the_command_line_makes_the_same_support_file(data_dir: Path, tmp_path: Path) -> None:
    from tests.commands import cli

    out = tmp_path / "bantuan-cli"
    done = cli("support", "--data-dir", str(data_dir), "--out", str(out), "--json")
    assert done.returncode == 0, done.stderr
    answer = json.loads(done.stdout)
    assert answer["support_file"] == str(out.with_suffix(".zip")) and answer["integrity"] == "ok"
    with zipfile.ZipFile(out.with_suffix(".zip")) as zf:
        assert "baris perintah" in zf.read("tentang.txt").decode("utf-8")
