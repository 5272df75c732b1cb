"""The Windows installer script, read as Inno Setup reads it: nothing else in this repository runs
its compiler (it needs Windows), so what a clerk's PC depends on is checked here."""

from __future__ import annotations

import re
from pathlib import Path

from kudus_desktop.core.paths import APP_DIR_NAME

ROOT = Path(__file__).resolve().parents[2]
SCRIPT = ROOT / "installer" / "kudus-desktop.iss"


def sections() -> dict[str, list[str]]:
    """Each [Section]'s lines, without comments, blank lines and preprocessor lines."""
    out: dict[str, list[str]] = {}
    current = ""
    for raw in SCRIPT.read_text(encoding="utf-8").splitlines():
        line = raw.strip()
        if not line or line.startswith((";", "#")):
            continue
        found = re.fullmatch(r"\[(\w+)\]", line)
        if found:
            current = found.group(1)
            out.setdefault(current, [])
        else:
            out.setdefault(current, []).append(line)
    return out


def directives(lines: list[str]) -> dict[str, str]:
    return dict(line.split("=", 1) for line in lines if "=" in line)


def test_it_refuses_windows_older_than_10_1809_and_32_bit_windows_in_indonesian() -> None:
    setup = directives(sections()["Setup"])
    assert setup["MinVersion"] == "10.0.17763", "Qt 6 needs Windows 10 1809 or later"
    assert setup["ArchitecturesAllowed"] == "x64compatible"
    assert setup["ArchitecturesInstallIn64BitMode"] == "x64compatible"
    messages = directives(sections()["Messages"])
    # The one message Inno Setup 6 shows for both refusals (the installer's run under Wine, in
    # installer/build.py --wine, shows it reaching the clerk).
    for language in ("id", "en"):
        assert "1809" in messages[f"{language}.WindowsVersionNotSupported"]
        assert "64-bit" in messages[f"{language}.WindowsVersionNotSupported"]
    assert "tidak dapat dipasang" in messages["id.WindowsVersionNotSupported"]
    assert not any(k.endswith(("WinVersionTooLowError", "OnlyOnTheseArchitectures")) for k in messages)


def test_it_installs_per_user_without_an_administrator_and_keeps_the_data_on_uninstall() -> None:
    setup = directives(sections()["Setup"])
    assert setup["PrivilegesRequired"] == "lowest"
    code = "\n".join(sections()["Code"])
    assert f"{{localappdata}}\\{APP_DIR_NAME}" in code, "the data folder the application uses"
    # The question's default answer is No (MB_DEFBUTTON2): a clerk who presses Enter keeps the data.
    assert "MB_YESNO or MB_DEFBUTTON2" in code and "= IDYES then" in code


def test_it_ships_the_bundle_and_starts_the_programs_the_bundle_builds() -> None:
    spec = (ROOT / "installer" / "kudus-desktop.spec").read_text(encoding="utf-8")
    files = sections()["Files"]
    assert any(r'Source: "{#BundleDir}\*"' in line for line in files)
    assert r'#define BundleDir "..\dist\KudusDesktop"' in SCRIPT.read_text(encoding="utf-8")
    icons = "\n".join(sections()["Icons"] + sections()["Run"])
    for exe in set(re.findall(r"\{app\}\\([\w-]+)\.exe", icons)):
        assert f'name="{exe}"' in spec, f"{exe}.exe is started by the installer but not built by the spec"
    build = (ROOT / "installer" / "build.py").read_text(encoding="utf-8")
    assert "/DAppVersion=" in build, "the version the script refuses to compile without"


def test_an_update_installed_by_the_application_starts_the_new_version_and_a_silent_deployment_does_not() -> None:
    from kudus_desktop.core.sync.updates import INSTALLER_FLAGS

    run = sections()["Run"]
    assert any("skipifsilent" in line and "postinstall" in line for line in run), "the clerk's own tick"
    after_update = [line for line in run if "Check: IsUpdateRun" in line]
    assert after_update and "{app}\\KudusDesktop.exe" in after_update[0]
    code = "\n".join(sections()["Code"])
    assert "function IsUpdateRun" in code and "{param:PEMBARUAN|0}" in code
    assert "/PEMBARUAN=1" in INSTALLER_FLAGS and "/SILENT" in INSTALLER_FLAGS


def test_it_keeps_a_copy_of_itself_where_the_update_rollback_looks_for_it() -> None:
    """The first update after a hand-made installation can still go back: the installer leaves
    itself in the program folder, under the name the application looks for."""
    from kudus_desktop.core.sync.updates import KEPT_INSTALLER_DIR

    files = sections()["Files"]
    (kept,) = [line for line in files if line.startswith('Source: "{srcexe}"')]
    assert f'DestDir: "{{app}}\\{KEPT_INSTALLER_DIR}"' in kept and "Flags: external" in kept
    assert 'DestName: "KudusDesktop-{#AppVersion}-setup.exe"' in kept
    assert f'Type: filesandordirs; Name: "{{app}}\\{KEPT_INSTALLER_DIR}"' in sections()["InstallDelete"]
