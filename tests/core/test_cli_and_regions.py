"""The headless entry point (in this process; a real process for the installed entry point)
and the shipped region list."""

import json
import subprocess
import sys
from pathlib import Path

import pytest

from kudus_desktop.core.paths import DB_FILE_NAME
from kudus_desktop.core.rules.regions import all_regions, kecamatan_list, region, villages_of
from tests.commands import cli, cli_process
from tests.factories import sqlite_file

PASSWORD = "kata-sandi-aman"


@pytest.fixture
def password_file(tmp_path: Path) -> Path:
    path = tmp_path / "sandi.txt"
    path.write_text(PASSWORD + "\n", encoding="utf-8")
    return path


def test_init_sets_up_a_village_and_stores_only_a_password_hash(tmp_path: Path, password_file: Path) -> None:
    data = tmp_path / "data"
    result = cli("init", "--data-dir", str(data), "--desa", "33.19.03.2008", "--admin", "Operator1",
                 "--password-file", str(password_file), "--head-name", "H. Sutrisno", "--json")  # fmt: skip
    assert result.returncode == 0, result.stderr
    out = json.loads(result.stdout)
    assert out["ok"] and out["region_name"] == "Getaspejaten" and out["admin"] == "operator1"
    with sqlite_file(data / DB_FILE_NAME) as conn:
        settings = dict(conn.execute("SELECT key, value FROM setting"))
        stored_hash = conn.execute("SELECT password_hash FROM app_user WHERE username = 'operator1'").fetchone()[0]
    assert settings["mode"] == "desa" and settings["region_code"] == "33.19.03.2008"
    assert settings["head_name"] == "H. Sutrisno" and settings["head_title"] == "Kepala Desa"
    assert stored_hash.startswith("$argon2id$") and PASSWORD not in stored_hash
    assert PASSWORD.encode() not in (data / DB_FILE_NAME).read_bytes()


def test_second_init_refuses_and_changes_nothing(tmp_path: Path, password_file: Path) -> None:
    data = tmp_path / "data"
    assert (
        cli(
            "init",
            "--data-dir",
            str(data),
            "--desa",
            "33.19.03.2008",
            "--admin",
            "admin",
            "--password-file",
            str(password_file),
        ).returncode
        == 0
    )
    before = (data / DB_FILE_NAME).read_bytes()
    again = cli(
        "init",
        "--data-dir",
        str(data),
        "--kabupaten",
        "33.19",
        "--admin",
        "lain",
        "--password-file",
        str(password_file),
    )
    assert again.returncode != 0
    assert again.stderr.strip().count("\n") == 0, "the reason fits on one line"
    assert "sudah disiapkan" in again.stderr and "Getaspejaten" in again.stderr
    assert (data / DB_FILE_NAME).read_bytes() == before


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (["--desa", "33.19.02.1001"], "bukan desa"),  # Purwosari is a kelurahan
        (["--desa", "33.19.99.2001"], "tidak ada dalam daftar wilayah"),
        (["--kabupaten", "33.20"], "tidak ada dalam daftar wilayah"),
    ],
)
def test_init_with_a_bad_region_names_it_and_creates_nothing(
    tmp_path: Path, password_file: Path, args: list[str], expected: str
) -> None:
    data = tmp_path / "data"
    result = cli("init", "--data-dir", str(data), *args, "--admin", "admin", "--password-file", str(password_file))
    assert result.returncode == 2
    assert expected in result.stderr
    assert not data.exists()


def test_init_refuses_a_short_password_and_a_missing_password_file(tmp_path: Path) -> None:
    short = tmp_path / "pendek.txt"
    short.write_text("123", encoding="utf-8")
    result = cli(
        "init",
        "--data-dir",
        str(tmp_path / "d"),
        "--desa",
        "33.19.03.2008",
        "--admin",
        "admin",
        "--password-file",
        str(short),
    )
    assert result.returncode == 2 and "minimal 8 karakter" in result.stderr
    result = cli(
        "init",
        "--data-dir",
        str(tmp_path / "d"),
        "--desa",
        "33.19.03.2008",
        "--admin",
        "admin",
        "--password-file",
        str(tmp_path / "tidak-ada"),
    )
    assert result.returncode == 2 and "tidak dapat dibaca" in result.stderr


def test_kabupaten_init_and_the_data_dir_from_the_environment(tmp_path: Path, password_file: Path) -> None:
    data = tmp_path / "kab"
    env = {"KUDUS_DATA_DIR": str(data)}
    assert (
        cli(
            "init", "--kabupaten", "33.19", "--admin", "dpmd", "--password-file", str(password_file), env=env
        ).returncode
        == 0
    )
    info = cli("info", "--json", env=env)
    assert info.returncode == 0
    assert json.loads(info.stdout)["profile"]["mode"] == "kabupaten"


def test_the_installed_entry_point_runs_as_its_own_process(tmp_path: Path, password_file: Path) -> None:
    """One real process per kind of exit: a command that works, and a refusal in one line."""
    data = tmp_path / "data"
    assert cli("init", "--data-dir", str(data), "--desa", "33.19.03.2008", "--admin", "operator",
               "--password-file", str(password_file)).returncode == 0  # fmt: skip
    info = cli_process("info", "--json", "--data-dir", str(data))
    assert info.returncode == 0 and json.loads(info.stdout)["profile"]["region_code"] == "33.19.03.2008"
    (data / DB_FILE_NAME).write_bytes(b"\x00" * 4096)
    refused = cli_process("peserta", "list", "--data-dir", str(data))
    assert refused.returncode == 2 and "bukan basis data" in refused.stderr and refused.stderr.count("\n") == 1


def test_commands_on_a_damaged_database_fail_with_one_line(tmp_path: Path) -> None:
    data = tmp_path / "data"
    data.mkdir()
    (data / DB_FILE_NAME).write_bytes(b"\x00" * 4096)
    result = cli("peserta", "list", "--data-dir", str(data))
    assert result.returncode == 2
    assert "bukan basis data" in result.stderr and result.stderr.count("\n") == 1


def test_region_list_has_every_kecamatan_desa_and_kelurahan() -> None:
    levels = [r.level for r in all_regions()]
    assert levels.count("kabupaten") == 1
    assert levels.count("kecamatan") == 9
    assert levels.count("desa") == 123
    assert levels.count("kelurahan") == 9
    assert region("33.19.03.2008") is not None
    kota = next(k for k in kecamatan_list() if k.name == "Kota Kudus")
    assert all(v.level == "desa" for v in villages_of(kota.code))
    assert len(villages_of(kota.code, include_kelurahan=True)) > len(villages_of(kota.code))


def test_core_imports_no_qt() -> None:
    code = (
        "import sys, pkgutil, importlib, kudus_desktop.core as c\n"
        "for m in pkgutil.walk_packages(c.__path__, 'kudus_desktop.core.'): importlib.import_module(m.name)\n"
        "import kudus_desktop.cli as cli\n"
        "for m in pkgutil.iter_modules(cli.__path__): importlib.import_module('kudus_desktop.cli.' + m.name)\n"
        "bad = [m for m in sys.modules if m.startswith(('PySide6', 'shiboken6', 'kudus_desktop.gui'))]\n"
        "core = [m for m in sys.modules if m.startswith('kudus_desktop.core.')]\n"
        "sys.exit(1 if bad else 2 if len(core) < 45 else 0)\n"
    )
    assert subprocess.run([sys.executable, "-c", code], check=False).returncode == 0


def test_the_command_lines_own_words_are_indonesian() -> None:
    helped = cli("--help")
    assert helped.returncode == 0
    assert "cara pakai: kudus-desktop" in helped.stdout and "pilihan:" in helped.stdout
    assert "tampilkan bantuan ini lalu selesai" in helped.stdout
    for english in ("usage:", "positional arguments", "options:", "show this help message"):
        assert english not in helped.stdout
    wrong = cli("bukan-perintah")
    assert wrong.returncode == 2 and "galat: argumen PERINTAH: pilihan tidak sah: 'bukan-perintah'" in wrong.stderr
    missing = cli("export")
    assert missing.returncode == 2 and "argumen berikut wajib diisi" in missing.stderr


def test_every_subcommands_help_names_its_values_in_indonesian() -> None:
    """The placeholders in each subcommand's help (argparse makes them from the option's name
    when none is given: SEARCH, REASON, SUB_DATA_DIR) read as the rest of the help does."""
    import argparse
    import re

    from kudus_desktop.cli.parser import build_parser

    english = {"SEARCH", "CATEGORY", "FUNDING", "COLUMNS", "REASON", "YEAR", "HOST", "PORT", "FILE", "OUT", "SHEET"}
    found: dict[str, str] = {}

    def walk(parser: argparse.ArgumentParser, path: str) -> None:
        for word in re.findall(r"\b[A-Z][A-Z_.]{2,}\b", parser.format_help()):
            if word in english or word.startswith("SUB_"):
                found.setdefault(word, path)
        for action in parser._actions:
            if isinstance(action, argparse._SubParsersAction):
                for name, sub in action.choices.items():
                    walk(sub, f"{path} {name}")

    walk(build_parser(), "kudus-desktop")
    assert not found, f"English placeholders in the help: {found}"


def test_the_common_options_count_wherever_they_are_given(tmp_path: Path, password_file: Path) -> None:
    """``--data-dir``, ``--json`` and the account options are listed in every subcommand's help,
    the groups' (``peserta``, ``sync`` ...) included: given there, before the group's own
    subcommand, they must not be dropped for the default folder."""
    data = tmp_path / "data"
    made = cli("init", "--data-dir", str(data), "--desa", "33.19.03.2008", "--admin", "Operator1",
               "--password-file", str(password_file))  # fmt: skip
    assert made.returncode == 0, made.stderr
    account = ("--user", "operator1", "--password-file", str(password_file))
    for args in (
        ("--data-dir", str(data), "--json", *account, "peserta", "list"),
        ("peserta", "--data-dir", str(data), "--json", *account, "list"),
        ("peserta", "list", "--data-dir", str(data), "--json", *account),
        ("peserta", "--data-dir", str(data), *account, "list", "--json"),
    ):
        result = cli(*args, env={"KUDUS_DATA_DIR": str(tmp_path / "elsewhere")})
        assert result.returncode == 0, (args, result.stderr)
        assert json.loads(result.stdout) is not None, args
