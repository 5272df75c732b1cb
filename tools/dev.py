#!/usr/bin/env python3
"""The two developer commands, needing nothing but Python 3.11+.

    python3 tools/dev.py run [ARGS...]   install into .venv and start Kudus Desktop
    python3 tools/dev.py test            install into .venv and run lint, types, layering and every test

The test command also checks, in a second environment without PySide6, that every module of
``kudus_desktop.core`` and of the command line imports without Qt and that a village's round
trip (set up, import a list, send a package, the regency takes it) runs there: a smoke check,
not a second run of the whole suite.
"""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys
import tomllib
import venv
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
BIN = "Scripts" if os.name == "nt" else "bin"


def venv_python(env_dir: Path) -> Path:
    return env_dir / BIN / ("python.exe" if os.name == "nt" else "python")


def run(cmd: list[str | Path], **kwargs: object) -> None:
    print("+", " ".join(str(c) for c in cmd), flush=True)
    result = subprocess.run([str(c) for c in cmd], cwd=ROOT, **kwargs)  # type: ignore[call-overload]
    if result.returncode:
        raise SystemExit(result.returncode)


def ensure_env(env_dir: Path, requirements: list[str], editable: str) -> Path:
    """Create ``env_dir`` and install what the project declares, once per pyproject change."""
    stamp_value = hashlib.sha256((ROOT / "pyproject.toml").read_bytes() + repr(requirements).encode()).hexdigest()
    stamp = env_dir / ".kudus-installed"
    python = venv_python(env_dir)
    if python.exists() and stamp.exists() and stamp.read_text() == stamp_value:
        return python
    if not python.exists():
        print(f"+ python -m venv {env_dir.name}", flush=True)
        venv.EnvBuilder(with_pip=True).create(env_dir)
    pip = [python, "-m", "pip", "--disable-pip-version-check", "-q"]
    run([*pip, "install", "--upgrade", "pip"])
    if requirements:
        run([*pip, "install", *requirements])
    run([*pip, "install", "--no-deps", "-e", editable] if requirements else [*pip, "install", "-e", editable])
    stamp.write_text(stamp_value)
    return python


def build_translations(python: Path) -> None:
    """Compile the Qt Linguist sources in resources/i18n into .qm files."""
    lrelease = python.parent / ("pyside6-lrelease.exe" if os.name == "nt" else "pyside6-lrelease")
    for ts in sorted((ROOT / "resources" / "i18n").glob("*.ts")):
        qm = ts.with_suffix(".qm")
        if not qm.exists() or qm.stat().st_mtime < ts.stat().st_mtime:
            run([lrelease, "-silent", ts, "-qm", qm])


def main_env() -> Path:
    return ensure_env(ROOT / ".venv", [], ".[dev]")


def cmd_run(args: list[str]) -> int:
    python = main_env()
    build_translations(python)
    return subprocess.call([str(python), "-m", "kudus_desktop", *args], cwd=ROOT)


def core_requirements() -> list[str]:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    deps = [d for d in project["dependencies"] if not d.lower().startswith("pyside6")]
    dev = [
        d
        for d in project["optional-dependencies"]["dev"]
        if d.split(">")[0].split("=")[0] in {"pytest", "hypothesis", "psutil"}
    ]
    return deps + dev


#: The core tests that make the Qt-less smoke check: every module imported without Qt, the
#: command line, an import, a package round trip.
CORE_SMOKE = ["tests/core/test_cli_and_regions.py", "tests/core/test_import.py", "tests/core/test_sync.py"]


def cmd_test(args: list[str]) -> int:
    python = main_env()
    build_translations(python)
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
    run([python, "-m", "ruff", "check", "kudus_desktop", "tests", "benchmarks", "tools"])
    run([python, "-m", "ruff", "format", "--check", "kudus_desktop", "tests", "benchmarks", "tools"])
    run([python, "-m", "mypy"])
    run([python.parent / ("lint-imports.exe" if os.name == "nt" else "lint-imports")])
    # On every core, at most four: each test owns its data folder, port and database.
    run([python, "-m", "pytest", "-n", "auto", "--maxprocesses", "4", *args], env=env)
    core_python = ensure_env(ROOT / ".venv-core", core_requirements(), ".")
    run([core_python, "-c", "import importlib.util, sys; sys.exit(importlib.util.find_spec('PySide6') is not None)"])
    run([core_python, "-m", "pytest", "-q", "-c", "tools/pytest-core.ini", "--rootdir", ".", *CORE_SMOKE], env=env)
    return 0


def main() -> int:
    if len(sys.argv) < 2 or sys.argv[1] not in {"run", "test"}:
        print(__doc__)
        return 2
    command, rest = sys.argv[1], sys.argv[2:]
    return cmd_run(rest) if command == "run" else cmd_test(rest)


if __name__ == "__main__":
    raise SystemExit(main())
