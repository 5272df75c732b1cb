from datetime import date

import pytest

from kudus_desktop.core.errors import KudusError
from kudus_desktop.core.rules.dates import DateParseError, format_date, format_date_long, format_rupiah, parse_date_text
from kudus_desktop.core.rules.nik import NumberError, mask_nik, mask_nik_last4, parse_kk, parse_nik


def test_nik_of_a_woman_decodes_sex_and_birth_date() -> None:
    info = parse_nik("3319035708800001")
    assert info.sex == "P"
    assert (info.birth_day, info.birth_month, info.birth_yy) == (17, 8, 80)
    assert info.birth_date_guess(date(2026, 1, 1)) == date(1980, 8, 17)
    assert info.region == "331903"


def test_nik_typed_with_spaces_and_dots_is_accepted() -> None:
    assert parse_nik(" 3319.0317 0880 0001 ").nik == "3319031708800001"


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("", "nik_empty"),
        ("33190317088O0001", "nik_not_digits"),  # letter O typed for zero
        ("３３１９０３１７０８８００００１", "nik_not_digits"),  # full-width digits
        ("331903170880001", "nik_length"),  # 15 digits: what Excel leaves
        ("3319031708800001234", "nik_length"),
        ("9919031708800001", "nik_province"),
        ("3319033208800001", "nik_date"),  # day 32
        ("3319030008800001", "nik_date"),  # day 00
        ("3319037208800001", "nik_date"),  # day 72 (32 + 40)
        ("3319031713800001", "nik_date"),  # month 13
        ("3319033002800001", "nik_date"),  # 30 February
        ("3319031708800000", "nik_serial"),
    ],
)
def test_malformed_nik_is_refused_with_the_rule_it_breaks(text: str, code: str) -> None:
    with pytest.raises(NumberError) as err:
        parse_nik(text)
    assert err.value.code == code


def test_29_february_is_valid_only_in_a_leap_year() -> None:
    assert parse_nik("3319032902800001").birth_day == 29  # 1980 is a leap year
    with pytest.raises(NumberError):
        parse_nik("3319032902810001")  # neither 1981 nor 2081


def test_masks_hide_the_birth_date() -> None:
    assert mask_nik("3319035708800001") == "3319********0001"
    assert mask_nik_last4("3319035708800001") == "************0001"


def test_kk_checks_length_and_flags_an_odd_date() -> None:
    assert parse_kk("3319031205100001") == ("3319031205100001", True)
    assert parse_kk("3319039999100001") == ("3319039999100001", False)
    with pytest.raises(NumberError) as err:
        parse_kk("33190312051")
    assert err.value.code == "kk_length"


@pytest.mark.parametrize(
    "text",
    [
        "12-05-1980",
        "12/05/1980",
        "12.05.1980",
        "1980-05-12",
        "12 Mei 1980",
        "12 mei 1980",
        "12-May-1980",
        " 12  Mei  1980 ",
    ],
)
def test_dates_the_way_village_offices_write_them(text: str) -> None:
    assert parse_date_text(text) == date(1980, 5, 12)


def test_indonesian_month_names() -> None:
    assert parse_date_text("17 Agustus 1985") == date(1985, 8, 17)
    assert parse_date_text("1 Des 2026") == date(2026, 12, 1)


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("31/02/1980", "date_impossible"),
        ("kemarin", "date_format"),
        ("12/05/80", "date_format"),
        ("12 Foo 1980", "date_format"),
    ],
)
def test_unreadable_or_impossible_dates_say_which(text: str, code: str) -> None:
    with pytest.raises(DateParseError) as err:
        parse_date_text(text)
    assert err.value.code == code


def test_indonesian_formats() -> None:
    assert format_date(date(1985, 8, 7)) == "07/08/1985"
    assert format_date_long(date(1985, 8, 17)) == "17 Agustus 1985"
    assert format_rupiah(16800) == "Rp16.800"
    assert format_rupiah(1_234_567) == "Rp1.234.567"


def test_rupiah_amounts_are_read_as_clerks_write_them() -> None:
    from kudus_desktop.core.rules.dates import parse_rupiah

    for text in ("84.000", "Rp84.000", "84000", "Rp 84.000,00", "Rp84.000,-"):
        assert parse_rupiah(text) == 84_000, text
    for text in ("", "-5.000", "belum tahu"):
        assert parse_rupiah(text) == 0, text


def test_times_and_months_are_shown_one_way() -> None:
    from kudus_desktop.core.rules.dates import format_period, format_stamp
    from kudus_desktop.core.village.premiums import month_text, parse_month

    assert format_stamp("2026-12-03 11:13:05") == "03/12/2026 11:13"
    assert format_stamp("2026-12-03 11:13:05", seconds=True) == "03/12/2026 11:13:05"
    assert format_stamp("2026-12-03") == "03/12/2026"
    assert format_stamp(None) == "" and format_stamp("kemarin") == "kemarin"
    assert format_period("2026-12") == "Desember 2026" and format_period("2026-13") == "2026-13"
    for typed in ("05/2026", "2026-05", "5/2026", "Mei 2026", "mei 2026"):
        assert month_text(parse_month(typed)) == "2026-05", typed
    assert month_text(parse_month("Agt 2026")) == month_text(parse_month("Agustus 2026")) == "2026-08"
    with pytest.raises(KudusError) as caught:
        parse_month("Bulan 2026")
    assert "BB/TTTT" in str(caught.value)
