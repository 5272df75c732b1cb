"""Cards at scale: 1,000 participants to a PDF of 100 A4 sheets, fronts and backs.

Measures, in one run: preparing the cards (read, sign, encode the QR codes), painting the
PDF, the file size, and two baselines: a bare QPdfWriter loop that draws one line of text
per card on the same 200 pages, and segno choosing each QR code's mask itself.

    python benchmarks/bench_cards.py [--cards 1000]
"""

from __future__ import annotations

import argparse
import os
import platform
import sys
import tempfile
import time
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import segno  # noqa: E402
from PySide6.QtCore import QPointF  # noqa: E402
from PySide6.QtGui import QGuiApplication, QPainter  # noqa: E402

from kudus_desktop.core.enrolment.participants import ParticipantService  # noqa: E402
from kudus_desktop.core.office.accounts import AccountService, SetupRequest  # noqa: E402
from kudus_desktop.core.rules.card_layout import Paper  # noqa: E402
from kudus_desktop.core.storage import settings  # noqa: E402
from kudus_desktop.core.storage.db import open_database  # noqa: E402
from kudus_desktop.core.village.cards import CardScope, CardService  # noqa: E402
from kudus_desktop.render.cards import write_cards_pdf  # noqa: E402
from kudus_desktop.render.paper import font, pdf_writer  # noqa: E402
from tests.factories import letters, make_draft, make_nik  # noqa: E402

PASSWORD = "rahasia-desa-1"


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--cards", type=int, default=1000)
    n = parser.parse_args().cards
    app = QGuiApplication([])  # noqa: F841 - painting needs it
    with tempfile.TemporaryDirectory() as tmp:
        data = Path(tmp) / "data"
        db = open_database(data)
        accounts = AccountService(db)
        accounts.initialise(
            SetupRequest("desa", "33.19.03.2008", "Sutrisno", "Kepala Desa", "admin", "Admin", PASSWORD, "0291-1")
        )
        # One clerk, no verifikator: every card is printable (with approval on, the run held none).
        with db.begin() as conn:
            settings.write(conn, {settings.APPROVAL_REQUIRED: "0"})
        service = ParticipantService(db, accounts.login("admin", PASSWORD))
        for i in range(n):
            nik = make_nik(i % 9999 + 1, region=f"3319{i // 9999 + 1:02d}")
            service.create(make_draft(i + 1, nik=nik, full_name="Warga " + " ".join(letters(i + 1))))
        cards = CardService(db, service, accounts.profile())

        t0 = time.perf_counter()
        batch = cards.prepare(cards.ids_for(CardScope.ALL))
        prepare = time.perf_counter() - t0
        if len(batch.cards) != n:
            raise SystemExit(f"only {len(batch.cards)} of {n} participants got a card: nothing to measure")
        out = Path(tmp) / "kartu.pdf"
        t0 = time.perf_counter()
        pages = write_cards_pdf(out, batch, Paper.A4)
        paint = time.perf_counter() - t0
        size = out.stat().st_size

        bare = Path(tmp) / "bare.pdf"
        writer = pdf_writer(bare, Paper.A4, "bare")
        painter = QPainter(writer)
        painter.setFont(font(9))
        t0 = time.perf_counter()
        for page in range(pages):
            if page:
                writer.newPage()
            for i in range(10):
                painter.drawText(QPointF(500, 500 + i * 2500), batch.cards[min(page // 2 * 10 + i, n - 1)].full_name)
        painter.end()
        bare_paint = time.perf_counter() - t0

        t0 = time.perf_counter()
        for c in batch.cards[:100]:
            segno.make(c.qr_text, error="m", micro=False)
        segno_auto = (time.perf_counter() - t0) / min(100, n) * n
        db.close()

    print(f"machine: {platform.platform()}, {os.cpu_count()} cores, Python {platform.python_version()}")
    print(f"cards: {n}, pages: {pages} ({pages // 2} A4 sheets, front and back)")
    print(f"prepare (read, sign, QR with a fixed mask): {prepare:.2f} s")
    print(f"paint PDF: {paint:.2f} s (bare QPdfWriter, one text line per card: {bare_paint:.2f} s)")
    print(f"total: {prepare + paint:.2f} s (target 10 s)")
    print(f"file size: {size / 1e6:.2f} MB (target 10 MB)")
    print(f"baseline: segno choosing the mask for every code would take {segno_auto:.2f} s alone")


if __name__ == "__main__":
    main()
