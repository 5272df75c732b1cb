"""Rules for a participant's data, shared by the form, the importer and the command line.

Input arrives as text, exactly as typed or read from a spreadsheet; validation returns the
cleaned, typed values plus every issue found, each naming its field. Errors block saving,
warnings are shown and may be accepted.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, fields
from dataclasses import field as dc_field
from datetime import date
from functools import lru_cache
from typing import Any, Literal

from kudus_desktop.core.rules.codes import Category, Funding, Sex
from kudus_desktop.core.rules.dates import DateParseError, age_on, format_date, parse_date_text
from kudus_desktop.core.rules.nik import KUDUS_PREFIX, NumberError, parse_kk, parse_nik

Severity = Literal["error", "warning"]

MAX_TEXT = {"full_name": 100, "birth_place": 60, "address": 200, "dusun": 60, "occupation": 60, "source_list": 60}
# Letters (any script) with spaces and the punctuation of Indonesian names; a digit in a
# name is nearly always a NIK or a number typed into the wrong column.
_NAME_OK = re.compile(r"^[^\W\d_](?:[^\W\d_]|[ .,'`\-])*$")
_PHONE_OK = re.compile(r"^\+?[\d\s\-]+$")


@dataclass(frozen=True, slots=True)
class Issue:
    """One broken rule: the field it concerns, a message code and its parameters."""

    field: str
    code: str
    severity: Severity = "error"
    params: dict[str, object] = dc_field(default_factory=dict, hash=False, compare=True)


def errors_of(issues: tuple[Issue, ...]) -> tuple[Issue, ...]:
    return tuple(i for i in issues if i.severity == "error")


def warnings_of(issues: tuple[Issue, ...]) -> tuple[Issue, ...]:
    return tuple(i for i in issues if i.severity == "warning")


# The draft and the cleaned values are not frozen: a frozen dataclass sets each of its 17 fields
# through object.__setattr__, and an imported list makes two of each per row. Nothing changes them
# after construction; dataclasses.replace makes altered copies.
@dataclass(slots=True)
class ParticipantDraft:
    """A participant as typed: every value is text; codes for the choice fields."""

    nik: str = ""
    kk: str = ""
    full_name: str = ""
    birth_place: str = ""
    birth_date: str = ""
    sex: str = ""
    address: str = ""
    dusun: str = ""
    rt: str = ""
    rw: str = ""
    phone: str = ""
    occupation: str = ""
    category: str = ""
    source_list: str = ""
    source_date: str = ""
    funding: str = ""
    start_date: str = ""
    term_end: str = ""  # officials (RT/RW, BPD, Linmas ...): the day their term of office ends


DRAFT_FIELDS: tuple[str, ...] = tuple(f.name for f in fields(ParticipantDraft))


def draft_of(row: Any) -> ParticipantDraft:
    """The draft a stored participant row would be typed as (dates as ISO text), to check it again."""
    return ParticipantDraft(**{f: "" if getattr(row, f) is None else str(getattr(row, f)) for f in DRAFT_FIELDS})


@dataclass(slots=True)
class ParticipantFields:
    """Cleaned, typed participant values ready to store."""

    nik: str
    kk: str | None
    full_name: str
    birth_place: str | None
    birth_date: date
    sex: str
    address: str | None
    dusun: str | None
    rt: str | None
    rw: str | None
    phone: str | None
    occupation: str | None
    category: str
    source_list: str | None
    source_date: date | None
    funding: str
    start_date: date
    term_end: date | None = None


@dataclass(frozen=True, slots=True)
class ValidationContext:
    """What the rules need besides the draft."""

    today: date
    max_age: int = 65
    kudus_districts: frozenset[str] = frozenset()


@dataclass(frozen=True, slots=True)
class ValidationResult:
    values: ParticipantFields | None
    issues: tuple[Issue, ...]

    @property
    def errors(self) -> tuple[Issue, ...]:
        return errors_of(self.issues)

    @property
    def warnings(self) -> tuple[Issue, ...]:
        return warnings_of(self.issues)

    @property
    def ok(self) -> bool:
        return not self.errors


#: Characters a typed or imported text is never kept with: C0 and C1 controls, lone surrogates,
#: the byte-order mark, and the bidirectional marks, embeddings, overrides and isolates that can
#: hide or reorder what a clerk reads. Those that are whitespace (tab, line feed, U+2028 ...) are
#: word breaks instead (see :func:`collapse`). The regency refuses a row holding any of them
#: (:mod:`kudus_desktop.core.storage.sync_rules`), so the village never stores one.
_DROPPED = dict.fromkeys(
    c for c in (*range(0x20), *range(0x7F, 0xA0), 0x061C, 0x200E, 0x200F, *range(0x2028, 0x202F),
                *range(0x2066, 0x206A), 0xFEFF, *range(0xD800, 0xE000))
    if not chr(c).isspace()
)  # fmt: skip


def collapse(text: str) -> str:
    """Trim and collapse runs of whitespace to one space, dropping control and bidirectional
    characters (:data:`_DROPPED`). Printable text, nearly all of it, skips that step."""
    if not text.isprintable():
        text = text.translate(_DROPPED)
    return " ".join(text.split())


@lru_cache(maxsize=4096)
def normalise_rt_rw(text: str) -> str | None:
    """'1', '01', 'RT 001' -> '001'; ``None`` when empty; raises ValueError when not 1-999.

    Cached: a village has a few dozen RTs and RWs, and an imported list repeats them on every row."""
    s = collapse(text).upper().removeprefix("RT").removeprefix("RW").strip(" .:")
    if not s:
        return None
    if not (s.isascii() and s.isdigit()) or not 1 <= int(s) <= 999:
        raise ValueError(text)
    return f"{int(s):03d}"


# Plain sets of the codes: checked for every row of an imported list, so kept cheap.
_SEXES = frozenset(s.value for s in Sex)
_CATEGORIES = frozenset(c.value for c in Category)
_FUNDINGS = frozenset(f.value for f in Funding)
_PEKERJA_RENTAN = Category.PEKERJA_RENTAN.value


@lru_cache(maxsize=1 << 15)
def _checked_date(raw: str) -> date | str:
    """A stripped date text as a date, or the code of what is wrong with it.

    Cached: an imported list repeats its start and source dates on every row, and a village's
    birth dates fall on a few tens of thousands of days."""
    try:
        value = parse_date_text(raw)
    except DateParseError as exc:
        return exc.code
    return "date_too_old" if value.year < 1900 else value


class _Checker:
    """Collects the issues of one draft. Runs for every row of an imported list (100,000 of
    them), so each check takes the value itself rather than looking the field up."""

    __slots__ = ("issues", "today")

    def __init__(self, today: date) -> None:
        self.today = today
        self.issues: list[Issue] = []

    def error(self, fld: str, code: str, /, **params: object) -> None:
        self.issues.append(Issue(fld, code, "error", params))

    def warn(self, fld: str, code: str, /, **params: object) -> None:
        self.issues.append(Issue(fld, code, "warning", params))

    def text(self, fld: str, raw: str, *, required: bool = False) -> str | None:
        value = collapse(raw)
        if not value:
            if required:
                self.error(fld, "required")
            return None
        limit = MAX_TEXT.get(fld)
        if limit and len(value) > limit:
            self.error(fld, "too_long", max=limit)
        return value

    def day(self, fld: str, raw: str, *, required: bool = False, past: bool = False) -> date | None:
        raw = raw.strip()
        if not raw:
            if required:
                self.error(fld, "required")
            return None
        value = _checked_date(raw)
        if isinstance(value, str):
            if value == "date_too_old":
                self.error(fld, value)
            else:
                self.error(fld, value, text=raw)
            return None
        if past and value > self.today:
            self.error(fld, "date_future")
            return None
        return value

    def choice(self, fld: str, raw: str, allowed: frozenset[str]) -> str | None:
        value = str(raw).strip()
        if not value:
            self.error(fld, "required")
            return None
        if value not in allowed:
            self.error(fld, "choice_invalid", value=value)
            return None
        return value


def validate_participant(draft: ParticipantDraft, ctx: ValidationContext) -> ValidationResult:
    """Check every rule of the enrolment form on a draft (NIK/KK structure, dates, age, names,
    RT/RW, phone, codes); never raises."""
    c = _Checker(ctx.today)

    nik_info = None
    try:
        nik_info = parse_nik(draft.nik)
    except NumberError as exc:
        c.error("nik", exc.code, **exc.params)

    kk: str | None = None
    if draft.kk.strip():
        try:
            kk, kk_date_ok = parse_kk(draft.kk)
            if not kk_date_ok:
                c.warn("kk", "kk_date", digits=kk[6:12])
        except NumberError as exc:
            c.error("kk", exc.code, **exc.params)

    name = c.text("full_name", draft.full_name, required=True)
    if name is not None:
        if len(name) < 2:
            c.error("full_name", "name_too_short")
        elif not _NAME_OK.match(name):
            c.error("full_name", "name_invalid")

    birth_place = c.text("birth_place", draft.birth_place)
    birth_date = c.day("birth_date", draft.birth_date, required=True, past=True)
    sex = c.choice("sex", draft.sex, _SEXES)
    address = c.text("address", draft.address)
    dusun = c.text("dusun", draft.dusun)
    try:
        rt = normalise_rt_rw(draft.rt)
    except ValueError:
        c.error("rt", "rt_rw_invalid")
        rt = None
    try:
        rw = normalise_rt_rw(draft.rw)
    except ValueError:
        c.error("rw", "rt_rw_invalid")
        rw = None

    phone = collapse(draft.phone) or None
    if phone is not None:
        digits = sum(ch.isdigit() for ch in phone)
        if not _PHONE_OK.match(phone) or not 8 <= digits <= 15:
            c.error("phone", "phone_invalid")

    occupation = c.text("occupation", draft.occupation)
    category = c.choice("category", draft.category, _CATEGORIES)
    source_list = c.text("source_list", draft.source_list)
    if category == _PEKERJA_RENTAN and not source_list:
        c.error("source_list", "source_required")
    source_date = c.day("source_date", draft.source_date, past=True)
    funding = c.choice("funding", draft.funding, _FUNDINGS)
    start_date = c.day("start_date", draft.start_date, required=True)
    term_end = c.day("term_end", draft.term_end)
    if term_end and start_date and term_end < start_date:
        c.error("term_end", "term_end_before_start")

    if birth_date and start_date:
        if start_date < birth_date:
            c.error("start_date", "start_before_birth")
        else:
            age = age_on(birth_date, start_date)
            if age > ctx.max_age:
                c.warn("birth_date", "age_over_limit", age=age, limit=ctx.max_age)
            elif age < 15:
                c.warn("birth_date", "age_under_15", age=age)

    if nik_info is not None:
        if sex and nik_info.sex != sex:
            # Codes, not words: the message translates them (labels.CODE_PARAMS) in either language.
            c.warn("nik", "nik_sex_mismatch", nik_sex=nik_info.sex, typed_sex=sex)
        if birth_date and not nik_info.matches_birth_date(birth_date):
            shown = f"{nik_info.birth_day:02d}/{nik_info.birth_month:02d}/{nik_info.birth_yy:02d}"
            c.warn("nik", "nik_birth_mismatch", nik_date=shown, typed_date=format_date(birth_date))
        if nik_info.nik[:4] != KUDUS_PREFIX:
            c.warn("nik", "nik_outside_kudus", code=nik_info.region)
        elif ctx.kudus_districts and nik_info.nik[4:6] not in ctx.kudus_districts:
            c.warn("nik", "nik_district_unknown", code=nik_info.nik[4:6])

    issues = tuple(c.issues)
    for issue in issues:
        if issue.severity == "error":
            return ValidationResult(None, issues)
    assert nik_info and name and birth_date and sex and category and funding and start_date
    values = ParticipantFields(
        nik=nik_info.nik,
        kk=kk,
        full_name=name,
        birth_place=birth_place,
        birth_date=birth_date,
        sex=sex,
        address=address,
        dusun=dusun,
        rt=rt,
        rw=rw,
        phone=phone,
        occupation=occupation,
        category=category,
        source_list=source_list,
        source_date=source_date,
        funding=funding,
        start_date=start_date,
        term_end=term_end,
    )
    return ValidationResult(values, issues)
