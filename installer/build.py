#!/usr/bin/env python3
"""Build the Kudus Desktop bundle (and on Windows the installer), with the project's Python.

    python installer/build.py              the PyInstaller folder dist/KudusDesktop
    python installer/build.py --check      ... then run its `--version` and `selftest` headless
    python installer/build.py --installer  ... then the Inno Setup installer (Windows, iscc on PATH)
    python installer/build.py --no-build --wine
                                           compile the installer script under Wine (Linux) with a
                                           stand-in bundle, refuse Windows 7, install, update,
                                           roll back and uninstall silently, keeping the data

Run it with the environment `tools/dev.py` makes (`.venv`), which has PyInstaller. The version
comes from ``kudus_desktop.__version__`` everywhere: the executables' version resource, the
installer's name and the bundle's `--version`.
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
BUILD = ROOT / "build" / "installer"
DIST = ROOT / "dist" / "KudusDesktop"
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tools"))

from dev import build_translations  # noqa: E402

from kudus_desktop import __version__  # noqa: E402

VERSION_INFO = """VSVersionInfo(
  ffi=FixedFileInfo(filevers={tuple}, prodvers={tuple}, mask=0x3f, flags=0x0, OS=0x40004, fileType=0x1,
                    subtype=0x0, date=(0, 0)),
  kids=[
    StringFileInfo([StringTable('042104B0', [
      StringStruct('CompanyName', 'Kabupaten Kudus'),
      StringStruct('FileDescription', 'Kudus Desktop: kepesertaan BPJS Ketenagakerjaan pekerja rentan desa'),
      StringStruct('FileVersion', '{version}'),
      StringStruct('InternalName', 'KudusDesktop'),
      StringStruct('OriginalFilename', 'KudusDesktop.exe'),
      StringStruct('ProductName', 'Kudus Desktop'),
      StringStruct('ProductVersion', '{version}')])]),
    VarFileInfo([VarStruct('Translation', [0x0421, 1200])])
  ]
)
"""


def run(cmd: list[str], **kwargs: object) -> None:
    print("+", " ".join(cmd), flush=True)
    result = subprocess.run(cmd, cwd=ROOT, **kwargs)  # type: ignore[call-overload]
    if result.returncode:
        raise SystemExit(result.returncode)


def version_tuple() -> tuple[int, int, int, int]:
    parts = [int("".join(ch for ch in p if ch.isdigit()) or 0) for p in __version__.split(".")[:4]]
    return (*parts, *([0] * (4 - len(parts))))  # type: ignore[return-value]


def write_icon_and_version() -> None:
    """The window icon as .ico (Windows executables, the installer) and .png (Linux), drawn
    from resources/icons/kudus.svg with Qt, and the executables' version resource."""
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PySide6.QtCore import Qt
    from PySide6.QtGui import QGuiApplication, QImage, QPainter
    from PySide6.QtSvg import QSvgRenderer

    BUILD.mkdir(parents=True, exist_ok=True)
    app = QGuiApplication.instance() or QGuiApplication(["build"])
    renderer = QSvgRenderer(str(ROOT / "resources" / "icons" / "kudus.svg"))
    image = QImage(256, 256, QImage.Format.Format_ARGB32)
    image.fill(Qt.GlobalColor.transparent)
    painter = QPainter(image)
    renderer.render(painter)
    painter.end()
    for name in ("kudus.ico", "kudus-desktop.png"):
        if not image.save(str(BUILD / name)):
            raise SystemExit(f"could not write {BUILD / name}")
    del app
    (BUILD / "version_info.txt").write_text(
        VERSION_INFO.format(tuple=version_tuple(), version=__version__), encoding="utf-8"
    )


def bundle() -> None:
    build_translations(Path(sys.executable))
    write_icon_and_version()
    run(
        [sys.executable, "-m", "PyInstaller", "--noconfirm", "--clean", "--distpath", str(ROOT / "dist"),
         "--workpath", str(ROOT / "build" / "pyinstaller"), str(ROOT / "installer" / "kudus-desktop.spec")]
    )  # fmt: skip
    if sys.platform.startswith("linux"):
        shutil.copy2(ROOT / "installer" / "kudus-desktop.desktop", DIST / "kudus-desktop.desktop")
        shutil.copy2(BUILD / "kudus-desktop.png", DIST / "kudus-desktop.png")


def check() -> None:
    """The bundle's own `--version` and `selftest`, headless, in a throwaway data folder."""
    exe = DIST / ("kudus-desktop.exe" if os.name == "nt" else "kudus-desktop")
    with tempfile.TemporaryDirectory() as data:
        env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "KUDUS_DATA_DIR": data}
        out = subprocess.run([str(exe), "--version"], capture_output=True, text=True, env=env, check=False)
        print(out.stdout.strip(), out.stderr.strip())
        if out.returncode or out.stdout.strip() != f"kudus-desktop {__version__}":
            raise SystemExit(f"bundle --version failed: {out.returncode} {out.stdout!r} {out.stderr!r}")
        run([str(exe), "selftest"], env=env)
        if any(Path(data).iterdir()):
            raise SystemExit("selftest wrote into the data folder")


def installer() -> None:
    """The Inno Setup installer. With $KUDUS_SIGNTOOL (a signtool command ending in the file,
    written $f, e.g. `signtool sign /fd sha256 /tr URL /td sha256 /n "Pemerintah Kabupaten Kudus"
    $f`) the two programs are signed first and Inno Setup signs the installer and uninstaller
    with it (docs/code-signing.md)."""
    iscc = shutil.which("iscc") or shutil.which("ISCC")
    if not iscc:
        raise SystemExit("Inno Setup (iscc) is not on PATH: install it (choco install innosetup)")
    sign = os.environ.get("KUDUS_SIGNTOOL", "").strip()
    extra: list[str] = []
    if sign:
        for exe in ("KudusDesktop.exe", "kudus-desktop.exe"):
            command = sign.replace("$f", f'"{DIST / exe}"')
            print("+ (signing)", exe, flush=True)
            # A shell: the command is the builder's own, from the workflow's secret.
            if subprocess.run(command, shell=True, cwd=ROOT, check=False).returncode:
                raise SystemExit(f"signing {exe} failed")
        extra = [f"/Skudus={sign}", "/DSignTool=kudus"]
    run([iscc, f"/DAppVersion={__version__}", *extra, str(ROOT / "installer" / "kudus-desktop.iss")])


def find_iscc() -> Path | None:
    """Inno Setup's compiler for the Wine check: $KUDUS_ISCC, or the npm package `innosetup`
    (Inno Setup 6.4, the compiler VS Code's build uses) unpacked in build/innosetup."""
    named = os.environ.get("KUDUS_ISCC")
    for candidate in (Path(named) if named else None, ROOT / "build" / "innosetup" / "package" / "bin" / "ISCC.exe"):
        if candidate is not None and candidate.is_file():
            return candidate
    return None


def wine_check() -> None:
    """The installer script as Windows would meet it, under Wine: it compiles (Indonesian
    messages included); on Windows 7 and on a 32-bit Windows 10 it refuses with our sentence and
    installs nothing; on 64-bit Windows 10 a silent install puts the programs, shortcuts and the installer's own copy in
    place. Then the Windows update path as the application runs it (its own flags): the next
    version's installer over it starts the new program, and the copy the application kept runs
    again as a rollback and puts the old version back. A silent uninstall removes the programs
    and keeps the office's data folder."""
    from kudus_desktop.core.sync.updates import INSTALLER_FLAGS, KEPT_INSTALLER_DIR, UPDATE_DIR

    wine, iscc = shutil.which("wine"), find_iscc()
    if not wine or iscc is None:
        raise SystemExit("the Wine check needs wine (apt: wine wine32) and ISCC.exe (npm: innosetup; or KUDUS_ISCC)")
    # A real Windows program that starts and ends at once (Wine's own hostname.exe), so that the
    # installer's start of the new version after an update can run; else a few bytes.
    runnable = Path("/usr/lib/x86_64-linux-gnu/wine/x86_64-windows/hostname.exe")
    program_bytes = runnable.read_bytes() if runnable.is_file() else b"MZ stand-in for the check under Wine"
    write_icon_and_version()
    major, minor, patch = (int(part) for part in __version__.split(".")[:3])
    newer = f"{major}.{minor}.{patch + 1}"
    with tempfile.TemporaryDirectory(prefix="kudus-wine-") as tmp:
        work = Path(tmp)
        # No Mono or Gecko prompt in a fresh prefix: the installer needs neither.
        quiet = {"WINEDEBUG": "-all", "WINEDLLOVERRIDES": "mscoree,mshtml="}
        env = {**os.environ, "WINEPREFIX": str(work / "prefix"), **quiet}

        def wine_run(*args: str, check: bool = True, settle: bool = True) -> int:
            print("+ wine", " ".join(args), flush=True)
            code = subprocess.run([wine, *args], env=env, cwd=work, check=False, timeout=600).returncode
            if settle:
                subprocess.run(["wineserver", "-w"], env=env, check=False, timeout=600)
            if check and code:
                raise SystemExit(f"wine {args[0]} exited {code}")
            return code

        def z(path: Path) -> str:
            return "Z:" + str(path).replace("/", "\\")

        def compile_installer(version: str) -> Path:
            stand_in = work / f"bundle-{version}" / "KudusDesktop"
            (stand_in / "_internal").mkdir(parents=True)
            for exe in ("KudusDesktop.exe", "kudus-desktop.exe"):
                (stand_in / exe).write_bytes(program_bytes)
            (stand_in / "_internal" / "library.txt").write_text(version, encoding="utf-8")
            wine_run(str(iscc), "/Q", f"/DAppVersion={version}", f"/DBundleDir={z(stand_in)}", f"/O{z(work)}",
                     z(ROOT / "installer" / "kudus-desktop.iss"))  # fmt: skip
            return work / f"KudusDesktop-{version}-setup.exe"

        def read_log(name: str) -> str:
            return (work / name).read_text(encoding="utf-8-sig", errors="replace")

        def started_program(name: str) -> bool:
            # Inno Setup logs each [Run] entry it carries out with its "Filename:".
            return any("Filename:" in line and "KudusDesktop.exe" in line for line in read_log(name).splitlines())

        setup, setup_newer = compile_installer(__version__), compile_installer(newer)
        user = work / "prefix" / "drive_c" / "users" / (os.environ.get("USER") or "root")
        # For all users: Wine 8 cannot resolve the per-user program folder (FOLDERID_UserProgramFiles,
        # "Failed to expand shell folder constant autopf"); Windows can, and that is the default there.
        program = work / "prefix" / "drive_c" / "Program Files" / "Kudus Desktop"
        data = user / "AppData" / "Local" / "KudusDesktop"
        flags = ("/SILENT", "/SUPPRESSMSGBOXES", "/NORESTART", "/LANG=id", "/ALLUSERS")

        wine_run("winecfg", "/v", "win7")
        wine_run(str(setup), *flags, f"/LOG={z(work / 'win7.log')}", check=False)
        log7 = read_log("win7.log")
        if "Windows 10 versi 1809" not in log7 or program.exists():
            raise SystemExit(f"Windows 7 was not refused with the Indonesian sentence:\n{log7}")
        print("Windows 7: refused with the Indonesian sentence, nothing installed")

        # A 32-bit Windows 10 (a prefix of its own): refused by the architecture check.
        env32 = {**env, "WINEPREFIX": str(work / "prefix32"), "WINEARCH": "win32"}
        for args in (["winecfg", "/v", "win10"], [str(setup), *flags, f"/LOG={z(work / 'win32.log')}"]):
            print("+ wine (32-bit)", " ".join(args), flush=True)
            subprocess.run([wine, *args], env=env32, cwd=work, check=False, timeout=600)
            subprocess.run(["wineserver", "-w"], env=env32, check=False, timeout=600)
        log32 = read_log("win32.log")
        program32 = work / "prefix32" / "drive_c" / "Program Files" / "Kudus Desktop"
        if "x86 (32-bit)" not in log32 or "Windows 10 versi 1809" not in log32 or program32.exists():
            raise SystemExit(f"32-bit Windows 10 was not refused with the Indonesian sentence:\n{log32}")
        print("32-bit Windows 10: refused with the Indonesian sentence, nothing installed")

        wine_run("winecfg", "/v", "win10")
        data.mkdir(parents=True, exist_ok=True)
        (data / "kudus.sqlite").write_bytes(b"the office's data")
        if wine_run(str(setup), *flags, f"/LOG={z(work / 'install.log')}", check=False):
            raise SystemExit(read_log("install.log"))

        def installed_version(expected: str, log: str) -> None:
            # With the installer's copy of itself, which an update's rollback runs again.
            wanted = [
                program / "KudusDesktop.exe",
                program / "kudus-desktop.exe",
                program / "_internal" / "library.txt",
                program / KEPT_INSTALLER_DIR / f"KudusDesktop-{expected}-setup.exe",
            ]
            missing = [str(p) for p in wanted if not p.is_file()]
            if missing:
                raise SystemExit(f"the silent install of {expected} left out {missing}:\n{read_log(log)}")
            found = (program / "_internal" / "library.txt").read_text(encoding="utf-8")
            kept = sorted(p.name for p in (program / KEPT_INSTALLER_DIR).iterdir())
            if found != expected or kept != [f"KudusDesktop-{expected}-setup.exe"]:
                raise SystemExit(f"after installing {expected} the program folder holds {found}, installers {kept}")

        installed_version(__version__, "install.log")
        menu = work / "prefix" / "drive_c" / "ProgramData" / "Microsoft" / "Windows" / "Start Menu" / "Programs"
        menu = menu / "Kudus Desktop"
        if not (menu / "Kudus Desktop.lnk").is_file():
            raise SystemExit(f"no Start menu shortcut in {menu}")
        if started_program("install.log"):
            raise SystemExit("an administrator's silent install started the program")
        print("Windows 10: installed silently, with its Start menu shortcuts and its own installer kept")

        # The update as kudus_desktop.core.sync.updates.install runs it: the running version's
        # installer is copied into the data folder first, then the new one runs with the
        # application's flags (no /ALLUSERS: it must find the folder the first install chose).
        updates = data / UPDATE_DIR
        updates.mkdir(parents=True)
        previous = updates / f"installer-{__version__}.exe"
        shutil.copyfile(program / KEPT_INSTALLER_DIR / setup.name, previous)
        if wine_run(str(setup_newer), *INSTALLER_FLAGS, f"/LOG={z(work / 'update.log')}", check=False):
            raise SystemExit(read_log("update.log"))
        installed_version(newer, "update.log")
        if not started_program("update.log"):
            raise SystemExit(f"the update did not start the new version:\n{read_log('update.log')}")
        print(f"update to {newer}: installed over {__version__} in the same folder, and started")

        # Its selftest failed: the kept installer runs again with the same flags.
        if wine_run(str(previous), *INSTALLER_FLAGS, f"/LOG={z(work / 'rollback.log')}", check=False):
            raise SystemExit(read_log("rollback.log"))
        installed_version(__version__, "rollback.log")
        print(f"rollback: the kept installer put {__version__} back")

        uninstaller = sorted(program.glob("unins*.exe"))
        if not uninstaller:
            raise SystemExit("no uninstaller was installed")
        # The uninstaller's second phase removes the files, then under Wine lingers on: wait for
        # the files to go (not for Wine's processes), then end what is left of the prefix.
        wine_run(str(uninstaller[0]), "/SILENT", "/SUPPRESSMSGBOXES", "/NORESTART", settle=False)
        deadline = time.monotonic() + 300
        while (program / "KudusDesktop.exe").exists() and time.monotonic() < deadline:
            time.sleep(0.5)
        subprocess.run(["wineserver", "-k"], env=env, check=False)
        if (program / "KudusDesktop.exe").exists():
            raise SystemExit("the silent uninstall left the program in place")
        if (data / "kudus.sqlite").read_bytes() != b"the office's data":
            raise SystemExit("the uninstall removed the office's data without being asked")
        print("uninstalled silently; the data folder is kept")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--check", action="store_true", help="run the bundle's --version and selftest")
    parser.add_argument("--installer", action="store_true", help="also build the Windows installer")
    parser.add_argument("--no-build", action="store_true", help="only check or package an existing bundle")
    parser.add_argument("--wine", action="store_true", help="compile, install and uninstall the installer under Wine")
    args = parser.parse_args()
    if not args.no_build:
        bundle()
    if args.check:
        check()
    if args.installer:
        installer()
    if args.wine:
        wine_check()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
