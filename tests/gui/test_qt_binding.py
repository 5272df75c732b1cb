"""The Qt binding must not leak references to None and the bools.

PySide6 6.12.0 under Python 3.11 released one reference to None for every call of a method
returning void; after some tens of thousands of calls (an afternoon of work) the interpreter
aborts with "deallocating None". pyproject.toml keeps that release out; this test keeps it out.
"""

import sys

from PySide6.QtWidgets import QApplication, QLabel, QLineEdit
from pytestqt.qtbot import QtBot


def test_void_methods_keep_none_and_bools_alive(qtbot: QtBot, qapp: QApplication) -> None:
    label, edit = QLabel(), QLineEdit()
    qtbot.addWidget(label)
    qtbot.addWidget(edit)

    def counts() -> tuple[int, int]:
        return sys.getrefcount(None), sys.getrefcount(True) + sys.getrefcount(False)

    before = counts()
    for _ in range(2000):
        label.setText("x")
        edit.setReadOnly(False)
        qapp.processEvents()
        label.isVisible()
    after = counts()
    assert abs(after[0] - before[0]) < 100, "None loses references on each Qt call"
    assert abs(after[1] - before[1]) < 100, "True/False lose references on each Qt call"
