from dataclasses import replace
from datetime import date

from kudus_desktop.core.rules.labels import describe_issue
from kudus_desktop.core.rules.regions import kudus_district_digits
from kudus_desktop.core.rules.validation import ParticipantDraft, ValidationContext, validate_participant
from tests.factories import make_draft, make_nik

CTX = ValidationContext(today=date(2026, 11, 24), max_age=65, kudus_districts=kudus_district_digits())


def codes(draft: ParticipantDraft, severity: str | None = None) -> set[tuple[str, str]]:
    result = validate_participant(draft, CTX)
    return {(i.field, i.code) for i in result.issues if severity is None or i.severity == severity}


def test_a_complete_draft_passes_and_is_cleaned() -> None:
    result = validate_participant(make_draft(full_name="  Siti   Aminah ", rt="1", rw="RW 02"), CTX)
    assert result.ok and not result.issues
    assert result.values is not None
    assert result.values.full_name == "Siti Aminah"
    assert (result.values.rt, result.values.rw) == ("001", "002")
    assert result.values.birth_date == date(1980, 5, 12)


def test_empty_form_names_every_required_field() -> None:
    errors = codes(ParticipantDraft(), "error")
    for field in ("full_name", "birth_date", "sex", "category", "funding", "start_date"):
        assert (field, "required") in errors
    assert ("nik", "nik_empty") in errors


def test_errors_block_and_carry_readable_messages() -> None:
    result = validate_participant(make_draft(nik="12345", birth_date="31/02/1980"), CTX)
    assert result.values is None
    messages = [describe_issue(i) for i in result.errors]
    assert "NIK harus 16 digit, yang diisi 5 digit." in messages
    assert any("31/02/1980" in m and "bukan tanggal yang ada" in m for m in messages)


def test_birth_date_in_the_future_is_an_error() -> None:
    assert ("birth_date", "date_future") in codes(make_draft(birth_date="01/01/2030"), "error")


def test_nik_that_disagrees_with_sex_and_birth_date_warns_but_allows() -> None:
    draft = make_draft(nik=make_nik(7, female=True, birth=date(1979, 3, 1)))
    result = validate_participant(draft, CTX)
    assert result.ok
    assert {("nik", "nik_sex_mismatch"), ("nik", "nik_birth_mismatch")} <= {(i.field, i.code) for i in result.warnings}


def test_nik_from_outside_kudus_warns_only() -> None:
    draft = make_draft(nik=make_nik(3, region="337401"))  # Kota Semarang
    assert ("nik", "nik_outside_kudus") in codes(draft, "warning")
    assert validate_participant(draft, CTX).ok


def test_unknown_kudus_district_in_nik_warns() -> None:
    assert ("nik", "nik_district_unknown") in codes(make_draft(nik=make_nik(3, region="331977")), "warning")


def test_age_over_the_limit_warns_and_limit_is_a_setting() -> None:
    old = make_draft(nik=make_nik(9, birth=date(1955, 1, 1)), birth_date="01/01/1955")
    assert ("birth_date", "age_over_limit") in codes(old, "warning")
    assert validate_participant(old, replace(CTX, max_age=75)).warnings == ()


def test_pekerja_rentan_needs_its_source_list() -> None:
    assert ("source_list", "source_required") in codes(make_draft(category="pekerja_rentan"), "error")
    assert validate_participant(make_draft(category="pekerja_rentan", source_list="DTKS"), CTX).ok


def test_bad_choices_rt_and_phone_are_named() -> None:
    errors = codes(make_draft(category="bupati", sex="X", rt="1000", phone="12ab"), "error")
    assert {
        ("category", "choice_invalid"),
        ("sex", "choice_invalid"),
        ("rt", "rt_rw_invalid"),
        ("phone", "phone_invalid"),
    } <= errors


def test_names_with_digits_are_refused() -> None:
    assert ("full_name", "name_invalid") in codes(make_draft(full_name="Budi 3319031708800001"), "error")
    assert validate_participant(make_draft(full_name="Ni'mah Al-Fatih, S.Pd."), CTX).ok


def test_start_before_birth_is_an_error() -> None:
    assert ("start_date", "start_before_birth") in codes(make_draft(start_date="01/01/1970"), "error")
