"""Updates in the village's window: the notice that a verified newer version waits, installing
it, and, at the first start of a new version, its selftest and what it came to.

Nothing here checks anything itself: :mod:`kudus_desktop.core.sync.updates` verifies a file
before it is kept and again before it runs; this only asks the clerk and says what happened.
"""

from __future__ import annotations

import sys
from pathlib import Path

from PySide6.QtCore import QObject, QProcess, Qt
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QFileDialog, QPushButton, QWidget

from kudus_desktop import __version__
from kudus_desktop.core.rules.records import UserView
from kudus_desktop.core.storage.backup import backup_database
from kudus_desktop.core.storage.db import Database
from kudus_desktop.core.sync import updates
from kudus_desktop.gui import ops
from kudus_desktop.gui.messages import ask, inform, message_text


class UpdateDesk(QObject):
    """The update notice (a button for the status bar) and the Bantuan menu's file action."""

    def __init__(self, window: QWidget, db: Database, user: UserView) -> None:
        super().__init__(window)
        self.window = window
        self.db = db
        self.user = user
        self.waiting: updates.StagedUpdate | None = None
        self.notice = QPushButton()
        self.notice.setObjectName("updateNotice")
        self.notice.setCursor(Qt.CursorShape.PointingHandCursor)
        self.notice.setVisible(False)
        self.notice.clicked.connect(lambda: self.offer(self.waiting) if self.waiting else None)
        self.file_action = QAction(self.tr("Pasang pembaruan dari &berkas…"), self)
        self.file_action.setToolTip(self.tr("Berkas pembaruan (.kdu) dari DPMD, mis. di flashdisk."))
        self.file_action.triggered.connect(self.from_file)

    # -- at start --------------------------------------------------------------------------

    def after_start(self) -> None:
        """Finish an installation the old version began (its selftest), else say what the last
        one came to; then look for an update already waiting in the data folder."""
        data_dir = self.db.data_dir
        if (data_dir / updates.UPDATE_DIR / updates.PENDING_FILE).is_file():
            from kudus_desktop import selftest

            ops.run_job(
                self.window,
                self.tr("Memeriksa versi baru (uji mandiri)…"),
                lambda _progress, _cancelled: updates.finish(
                    data_dir, selftest.verdict, run_installer=updates.start_installer
                ),
                self._finished,
            )
            return
        outcome = updates.take_result(data_dir)
        if outcome is not None:
            self._finished(outcome)
        ops.run_db(self.window, lambda: updates.staged(self.db), self.show_waiting, busy_cursor=False)

    def _finished(self, outcome: updates.Outcome | None) -> None:
        if outcome is None:
            return
        ops.run_db(self.window, lambda: updates.record_result(self.db, self.user, outcome), lambda _none: None)
        title = self.tr("Pembaruan Kudus Desktop")
        if outcome.ok:
            text = self.tr("Kudus Desktop diperbarui dari versi {old} ke {new}; uji mandiri: {detail}.")
            inform(self.window, title, text.format(old=outcome.old_version, new=outcome.new_version,
                                                   detail=outcome.detail))  # fmt: skip
            return
        if outcome.new_version == __version__ and not outcome.restored:
            inform(self.window, title, self.tr(
                "Versi {new} gagal uji mandiri ({detail}), dan versi {old} tidak dapat dipulihkan otomatis karena "
                "salinannya tidak ada lagi. Data Anda aman (dicadangkan sebelum pemasangan); hubungi DPMD untuk "
                "memasang ulang.").format(
                    new=outcome.new_version, old=outcome.old_version, detail=outcome.detail))  # fmt: skip
            return
        if outcome.new_version == __version__:
            # This process is the version that failed; its folder was put back under it.
            inform(self.window, title, self.tr(
                "Versi {new} gagal uji mandiri ({detail}), jadi versi {old} dipulihkan. Kudus Desktop ditutup; "
                "bukalah lagi. Laporkan ke DPMD.").format(
                    new=outcome.new_version, old=outcome.old_version, detail=outcome.detail))  # fmt: skip
            self.window.close()
            return
        text = self.tr("Pemasangan versi {new} tidak selesai ({detail}); versi {old} tetap dipakai.")
        inform(self.window, title, text.format(new=outcome.new_version, old=outcome.old_version, detail=outcome.detail))

    # -- a waiting update ------------------------------------------------------------------

    def show_waiting(self, staged: updates.StagedUpdate | None) -> None:
        self.waiting = staged
        if staged is None:
            self.notice.setVisible(False)
            return
        self.notice.setText(self.tr("Versi baru {version} tersedia").format(version=staged.info.version))
        self.notice.setToolTip(staged.info.notes or self.tr("Klik untuk memasang."))
        self.notice.setVisible(True)

    def from_file(self) -> None:
        path, _ = QFileDialog.getOpenFileName(
            self.window, self.tr("Pilih berkas pembaruan"), "", self.tr("Pembaruan Kudus Desktop (*.kdu)")
        )
        if not path:
            return

        def taken(staged: updates.StagedUpdate) -> None:
            self.show_waiting(staged)
            self.offer(staged)

        ops.run_db(self.window, lambda: updates.receive_file(self.db, Path(path)), taken)

    def offer(self, staged: updates.StagedUpdate) -> None:
        info = staged.info
        notes = self.tr("\n\nCatatan dari DPMD:\n{notes}").format(notes=info.notes) if info.notes else ""
        text = self.tr(
            "Versi baru tersedia: {new} (terpasang {old}), ditandatangani kabupaten dan utuh.{notes}\n\nSebelum "
            "dipasang basis data dicadangkan. Kudus Desktop ditutup lalu dibuka lagi dengan versi baru, yang "
            "menjalankan uji mandiri; bila gagal, versi ini dipulihkan."
        ).format(new=info.version, old=__version__, notes=notes)
        if ask(self.window, self.tr("Versi baru tersedia"), text, self.tr("Pasang sekarang"), self.tr("Nanti")):
            self.install(staged)

    def install(self, staged: updates.StagedUpdate) -> None:
        bundle = updates.bundle_dir()
        if bundle is None:
            inform(self.window, self.tr("Versi baru tersedia"), message_text("update_not_bundle"))
            return
        label = f"sebelum-{staged.info.version}"
        ops.run_db(
            self.window,
            lambda: updates.install(
                self.db, self.user, staged, backup=lambda: backup_database(self.db.path, label=label),
                bundle_dir=bundle if staged.info.payload == "bundle" else None,
                run_installer=updates.start_installer, program_dir=bundle,
            ),
            lambda _pending: self._restart(staged),
        )  # fmt: skip

    def _restart(self, staged: updates.StagedUpdate) -> None:
        """Close (the window saves, backs up and lets the data folder go), then, for a swapped
        bundle, start the new version; an installer starts it itself when it is done."""
        self.window.close()
        if staged.info.payload == "bundle":
            QProcess.startDetached(sys.executable, sys.argv[1:])
