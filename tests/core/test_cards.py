"""Cards without Qt: who gets one, what it says, the signed QR payload and the print log."""

from __future__ import annotations

from datetime import date

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from kudus_desktop.core.enrolment.participants import ParticipantQuery, ParticipantService
from kudus_desktop.core.errors import KudusError
from kudus_desktop.core.office.accounts import AccountService
from kudus_desktop.core.reports.acts import card_run
from kudus_desktop.core.reports.printouts import participant_list
from kudus_desktop.core.storage.audit import audit_events
from kudus_desktop.core.storage.db import Database, open_database
from kudus_desktop.core.storage.signing import (
    CardPayload,
    load_public_key,
    office_key,
    public_key_pem,
    sign_payload,
    verify_payload,
)
from kudus_desktop.core.village.cards import CardBatch, CardScope, CardService, qr_matrix
from tests.factories import make_draft, make_nik


@pytest.fixture
def cards(service: ParticipantService) -> CardService:
    for n in range(1, 6):
        service.create(make_draft(n, rt=str(6 - n)))
    return CardService(service.db, service, AccountService(service.db).profile())


def test_qr_text_verifies_with_the_office_key_and_not_with_another(db: Database) -> None:
    payload = CardPayload("3319032008-00007", "12345678901", "33.19.03.2008", date(2026, 11, 24), "TERDAFTAR")
    text = sign_payload(payload, office_key(db))
    assert text.startswith("KD2:3319032008-00007:12345678901:33.19.03.2008:20261124:TERDAFTAR:")
    # Upper-case letters, digits and -.: only: QR's compact alphanumeric mode.
    assert all(ch.isdigit() or ch.isupper() or ch in "-.:" for ch in text)
    public = load_public_key(public_key_pem(db).encode())
    assert verify_payload(text, public) == payload

    stranger = Ed25519PrivateKey.generate().public_key()
    with pytest.raises(KudusError) as forged:
        verify_payload(text, stranger)
    assert forged.value.code == "card_qr_forged"


@pytest.mark.parametrize(
    "change",
    [
        lambda t: t.replace("00007", "00008"),  # another registration number
        lambda t: t.replace("20261124", "20261125"),  # another issue date
        lambda t: t.replace("12345678901", ""),  # KPJ removed
        lambda t: t.replace(":MENUNGGU:", ":TERDAFTAR:"),  # a waiting card made to claim registration
    ],
)
def test_a_tampered_payload_fails_verification(db: Database, change: object) -> None:
    payload = CardPayload("3319032008-00007", "12345678901", "33.19.03.2008", date(2026, 11, 24), "MENUNGGU")
    text = sign_payload(payload, office_key(db))
    public = load_public_key(public_key_pem(db).encode())
    with pytest.raises(KudusError) as err:
        verify_payload(change(text), public)  # type: ignore[operator]
    assert err.value.code == "card_qr_forged"


@pytest.mark.parametrize("text", ["", "hello", "KD1:a:b:c:20261124:XYZ", "KD1:1:2:3:20261340:" + "A" * 103])
def test_text_that_is_not_a_card_is_named_as_such(db: Database, text: str) -> None:
    public = load_public_key(public_key_pem(db).encode())
    with pytest.raises(KudusError) as err:
        verify_payload(text, public)
    assert err.value.code == "card_qr_invalid"


def test_a_garbled_public_key_file_is_refused_with_a_message() -> None:
    with pytest.raises(KudusError) as err:
        load_public_key(b"-----BEGIN PUBLIC KEY-----\nnot a key\n-----END PUBLIC KEY-----\n")
    assert err.value.code == "public_key_invalid"


def test_the_office_key_is_made_once_and_survives_reopening(data_dir: object, db: Database) -> None:
    first = public_key_pem(db)
    db.close()
    again = open_database(db.data_dir)
    try:
        assert public_key_pem(again) == first
    finally:
        again.close()


def test_scopes_cover_active_participants_only_in_neighbourhood_order(
    cards: CardService, service: ParticipantService
) -> None:
    everyone = cards.ids_for(CardScope.ALL)
    assert len(everyone) == 5
    rts = [service.get(i).rt for i in everyone]
    assert rts == sorted(rts)  # RT order, so cards come out street by street
    ended = everyone[0]
    service.end(ended, "meninggal", "20/11/2026")
    assert ended not in cards.ids_for(CardScope.ALL)
    assert cards.ids_for(CardScope.SELECTED, [ended, everyone[1]]) == [everyone[1]]
    with pytest.raises(KudusError) as err:
        cards.ids_for_niks([service.get(ended).nik])
    assert err.value.code == "card_participant_ended"
    with pytest.raises(KudusError) as err:
        cards.ids_for_niks(["3319031205809999"])
    assert err.value.code == "card_nik_unknown"


def test_card_text_masks_the_nik_and_prefers_the_kpj(cards: CardService, service: ParticipantService) -> None:
    ids = cards.ids_for(CardScope.ALL)
    with service.db.begin() as conn:
        conn.exec_driver_sql("UPDATE participant SET kpj = '98765432101' WHERE id = ?", (ids[0],))
    batch = cards.prepare(ids, issue_date=date(2026, 11, 24))
    with_kpj, without = batch.cards[0], batch.cards[1]
    nik = service.get(ids[0]).nik
    assert with_kpj.nik_masked == "*" * 12 + nik[-4:]
    assert (with_kpj.number_label, with_kpj.number) == ("No. KPJ", "98765432101")
    assert (without.number_label, without.number) == ("No. Registrasi", service.get(ids[1]).reg_no)
    assert with_kpj.programmes == "JKK + JKM"
    assert (with_kpj.status_label, with_kpj.status_text) == ("Terlindungi sejak", "1 November 2026")
    # No KPJ yet: the card says it waits for BPJS, never that the person is protected.
    assert without.status_label == "Status" and "belum terlindungi" in without.status_text
    assert ":98765432101:" in with_kpj.qr_text and with_kpj.qr_text.split(":")[5] == "TERDAFTAR"
    assert without.qr_text.split(":")[5] == "MENUNGGU"
    back = " ".join(" ".join(lines) for _, lines in batch.shared.back_sections)
    assert "Rp42.000.000" in back and "175" in back
    assert "0291-123456" in batch.shared.contact
    # Version 7 at level M: 45 modules a side, about 0.46 mm each on the card.
    assert with_kpj.qr.size == 45


def test_qr_matrix_runs_cover_only_dark_modules() -> None:
    qr = qr_matrix("KD1:TEST")
    assert qr.size == 21  # version 1
    # The three finder patterns start with a run of seven dark modules.
    assert (0, 0, 7) in qr.runs and (qr.size - 7, 0, 7) in qr.runs
    assert all(c >= 0 and c + n <= qr.size for _, c, n in qr.runs)


def test_printing_is_logged_and_a_reprint_needs_a_reason(cards: CardService, service: ParticipantService) -> None:
    first = cards.prepare(cards.ids_for(CardScope.UNPRINTED))
    assert len(first.cards) == 5 and first.reprints == ()
    cards.record_print(first)
    assert cards.ids_for(CardScope.UNPRINTED) == []
    assert cards.unprinted_count() == 0

    again = cards.prepare(cards.ids_for(CardScope.ALL)[:2])
    assert len(again.reprints) == 2
    with pytest.raises(KudusError) as err:
        cards.record_print(again, "   ")
    assert err.value.code == "card_reprint_reason"
    cards.record_print(again, "kartu hilang")
    log = cards.print_log(again.cards[0].participant_id)
    assert [r.reason for r in log] == ["kartu hilang", ""]
    assert log[0].username == "admin"
    events = audit_events(service.db, action="cards_printed")
    assert [e.detail for e in events] == ["2 kartu, 2 cetak ulang: kartu hilang", "5 kartu"]


def test_printed_list_has_every_row_the_filter_and_the_signatory(service: ParticipantService) -> None:
    for n in range(1, 4):
        service.create(make_draft(n, nik=make_nik(n), category="linmas" if n == 2 else "rt_rw"))
    profile = AccountService(service.db).profile()
    table = participant_list(service, profile, ParticipantQuery(category="linmas"))
    assert len(table.rows) == 1
    assert table.rows[0][2] == make_nik(2)  # the admin may see full NIKs
    assert "saring: kategori Linmas" in table.subtitle[1]
    assert table.signatory.head_lines == ("Mengetahui,", "KEPALA DESA GETASPEJATEN,")
    assert table.signatory.head_name == "Sutrisno"
    assert table.signatory.preparer_name == "Admin Desa"
    assert len(table.columns) == len(table.rows[0])


def test_scope_counts_match_the_listed_ids_and_their_reprints(cards: CardService) -> None:
    everyone = cards.ids_for(CardScope.ALL)
    assert cards.scope_counts(CardScope.ALL) == (5, 0)
    cards.record_print(cards.prepare(everyone[:2]))
    assert cards.scope_counts(CardScope.ALL) == (5, 2)
    assert cards.scope_counts(CardScope.UNPRINTED) == (3, 0)
    assert cards.scope_counts(CardScope.SELECTED, everyone[1:3]) == (2, 1)


def test_a_card_run_draws_then_logs_and_a_reprint_without_reason_uses_no_paper(cards: CardService) -> None:
    drawn: list[int] = []
    sheets: list[int] = []

    def draw(batch: CardBatch, _progress: object, _cancelled: object) -> int:
        drawn.append(len(batch.cards))
        return 2

    run = card_run(cards, cards.ids_for(CardScope.UNPRINTED), "", draw, lambda notices: sheets.append(len(notices)))
    assert (len(run.batch.cards), run.pages, drawn, sheets) == (5, 2, [5], [5])
    assert cards.unprinted_count() == 0

    with pytest.raises(KudusError) as err:
        card_run(cards, cards.ids_for(CardScope.ALL)[:2], "  ", draw)
    assert err.value.code == "card_reprint_reason" and drawn == [5], "refused before anything is drawn"

    def jammed(batch: CardBatch, _progress: object, _cancelled: object) -> int:
        raise KudusError("card_none")

    with pytest.raises(KudusError):
        card_run(cards, cards.ids_for(CardScope.ALL)[:2], "kartu hilang", jammed)
    assert len(cards.print_log(cards.ids_for(CardScope.ALL)[0])) == 1, "a run that was not drawn is not logged"
