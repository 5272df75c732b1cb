#!/usr/bin/env python3
"""Build the Kudus Desktop bundle (and on Windows the installer), with the project's Python.

    python installer/build.py              the PyInstaller folder dist/KudusDesktop
    python installer/build.py --check      ... then run its `--version` and `selftest` headless
    python installer/build.py --installer  ... then the Inno Setup installer (Windows, iscc on PATH)

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
    iscc = shutil.which("iscc") or shutil.which("ISCC")
    if not iscc:
        raise SystemExit("Inno Setup (iscc) is not on PATH: install it (choco install innosetup)")
    run([iscc, f"/DAppVersion={__version__}", str(ROOT / "installer" / "kudus-desktop.iss")])


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--check", action="store_true", help="run the bundle's --version and selftest")
    parser.add_argument("--installer", action="store_true", help="also build the Windows installer")
    parser.add_argument("--no-build", action="store_true", help="only check or package an existing bundle")
    args = parser.parse_args()
    if not args.no_build:
        bundle()
    if args.check:
        check()
    if args.installer:
        installer()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
