"""Background jobs: a job that reports its progress before ``run_job`` has returned (a fast job on
an idle database thread) still finishes; its progress reaches the dialog."""

from __future__ import annotations

from typing import Any

import pytest
from PySide6.QtWidgets import QWidget
from pytestqt.qtbot import QtBot

from kudus_desktop.gui import ops


class _AtOnce:
    """A pool that runs each job the moment it is handed over, as an idle thread may."""

    def start(self, job: Any) -> None:
        job.run()


def test_a_job_that_reports_progress_at_once_finishes(qtbot: QtBot, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(ops, "db_pool", lambda: _AtOnce())
    parent = QWidget()
    qtbot.addWidget(parent)
    results: list[object] = []
    failures: list[BaseException] = []

    def job(progress: Any, cancelled: Any) -> str:
        progress(5, 5)  # a five-person printed list: done before anyone could look
        return "selesai"

    dialog = ops.run_job(parent, "Mencetak", job, results.append, failures.append)
    qtbot.waitUntil(lambda: bool(results or failures))
    assert failures == [] and results == ["selesai"]
    qtbot.waitUntil(lambda: dialog.labelText() == "Mencetak\n5")  # the progress reached the dialog


def test_the_application_lets_the_window_take_the_interpreter_back_quickly() -> None:
    """A busy worker thread holds Python for the switch interval each time the window's thread
    asks for it, once per call Qt makes into a model while painting: at Python's 5 ms a preview
    repaint took over a second while a list was checked."""
    import sys

    from kudus_desktop.gui.app import create_application

    before = sys.getswitchinterval()
    try:
        sys.setswitchinterval(0.005)
        create_application([])
        assert sys.getswitchinterval() <= 0.001
    finally:
        sys.setswitchinterval(before)
