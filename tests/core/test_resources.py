"""Every resource the code names exists, and one helper finds resources from source and from
the PyInstaller bundle alike (``sys._MEIPASS``)."""

from __future__ import annotations

import re
import sys
from pathlib import Path

import pytest

from kudus_desktop.core import paths
from kudus_desktop.core.paths import install_root, resource_path, schema_path

ROOT = Path(__file__).resolve().parents[2]
SOURCES = sorted((ROOT / "kudus_desktop").rglob("*.py"))


def _code() -> str:
    return "\n".join(p.read_text(encoding="utf-8") for p in SOURCES)


def test_every_literal_resource_path_exists() -> None:
    named = re.findall(r'resource_path\(((?:"[^"]+",?\s*)+)\)', _code())
    assert named, "the scan found no resource paths"
    for args in named:
        parts = re.findall(r'"([^"]+)"', args)
        assert resource_path(*parts).is_file(), parts


def test_every_icon_the_window_asks_for_exists() -> None:
    code = _code()
    names = set(re.findall(r'\bicon\("([a-z_]+)"\)', code))
    # Navigation entries: ("key", self.tr("Label"), page) tuples; each key names its icon.
    window = (ROOT / "kudus_desktop" / "gui" / "main_window.py").read_text(encoding="utf-8")
    names |= set(re.findall(r'\("([a-z]+)", self\.tr\("', window))
    assert {"beranda", "peserta", "iuran", "impor", "sinkronisasi", "ganda", "bpjs", "pengaturan"} <= names
    missing = sorted(n for n in names if not resource_path("icons", f"{n}.svg").is_file())
    assert not missing


def test_fonts_translations_schema_and_the_bundle_spec_inputs_exist() -> None:
    for font in ("DejaVuSansCondensed.ttf", "DejaVuSansCondensed-Bold.ttf"):
        assert resource_path("fonts", font).is_file()
    assert resource_path("i18n", "kudus_en.ts").is_file()
    assert schema_path().is_file() and resource_path("kudus_wilayah.csv").is_file()
    spec = (ROOT / "installer" / "kudus-desktop.spec").read_text(encoding="utf-8")
    assert '"resources"' in spec and '"sqlite_schema.sql"' in spec
    for name in ("kudus-desktop.iss", "kudus-desktop.desktop", "build.py"):
        assert (ROOT / "installer" / name).is_file()


def test_the_same_helper_finds_resources_inside_a_bundle(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    assert install_root() == ROOT
    bundle = tmp_path / "_internal"
    (bundle / "resources" / "icons").mkdir(parents=True)
    (bundle / "resources" / "icons" / "kudus.svg").write_text("<svg/>")
    (bundle / "sqlite_schema.sql").write_text("-- schema")
    monkeypatch.setattr(sys, "_MEIPASS", str(bundle), raising=False)
    assert paths.install_root() == bundle
    assert resource_path("icons", "kudus.svg").read_text() == "<svg/>"
    assert schema_path() == bundle / "sqlite_schema.sql"


def _audited_actions() -> set[str]:
    """Every action the code writes to the audit log as a literal (also both sides of an ``x if c else y``)."""
    import ast

    def literals(node: ast.expr) -> set[str]:
        if isinstance(node, ast.Constant) and isinstance(node.value, str):
            return {node.value}
        if isinstance(node, ast.IfExp):
            return literals(node.body) | literals(node.orelse)
        return set()

    found: set[str] = set()
    for path in (ROOT / "kudus_desktop").rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if not isinstance(node, ast.Call):
                continue
            name = node.func.attr if isinstance(node.func, ast.Attribute) else getattr(node.func, "id", "")
            if name in ("write_audit", "log_event"):
                # write_audit(conn, user, action, detail); a service's own log_event(action, detail).
                index = 0 if isinstance(node.func, ast.Attribute) and len(node.args) == 2 else 2
                if len(node.args) > index:
                    found |= literals(node.args[index])
    return found


def test_every_audited_action_reads_in_indonesian_in_the_audit_log() -> None:
    from kudus_desktop.core.rules.labels import CODES

    actions = _audited_actions()
    assert len(actions) > 50, "the walk found the audit calls"
    missing = sorted(a for a in actions if f"audit:{a}" not in CODES)
    assert not missing, f"the audit log would show these codes raw: {missing}"
