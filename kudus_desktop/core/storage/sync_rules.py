"""What a row in a sync file may hold, field by field, checked before anything is stored.

A package is signed by a registered village device, but a device can be stolen, a program
can be written from the published format, and an old version may have stored what today's
rules refuse. So the regency checks every row of a package by the same rules the village's
own form applies (:mod:`kudus_desktop.core.rules.validation`, :mod:`kudus_desktop.core.rules.nik`), plus
the ones a database needs (types, integer ranges, lengths, codes, real dates, no control or
bidirectional-override characters). A row that breaks one is **rejected**: never stored, and
reported with its reason in the village's next receipt; the rest of the package goes in.

Each table has its checker returning the rows that pass and a :class:`Rejection` per row that
does not. The checks are written for speed (an ingest checks 100,000 rows): plain
comparisons, compiled patterns and per-value caches, no objects per field.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from functools import lru_cache
from typing import Any

from kudus_desktop.core.rules.codes import Category, ExitReason, Funding, HistoryAction, Status
from kudus_desktop.core.rules.nik import PROVINCE_CODES, NumberError, parse_kk, parse_nik
from kudus_desktop.core.rules.nik import _day_month_ok as day_month_ok
from kudus_desktop.core.rules.validation import _NAME_OK, _PHONE_OK, MAX_TEXT
from kudus_desktop.core.storage.syncfile import MAX_INT, STRICT_JSON, TableSpec

#: Participant columns a package carries, in this order (the regency's own id and rev stay local).
PARTICIPANT_COLUMNS = (
    "uid", "reg_no", "desa_code", "nik", "kk", "full_name", "birth_place", "birth_date", "sex", "address", "dusun",
    "rt", "rw", "phone", "occupation", "category", "source_list", "source_date", "funding", "start_date", "status",
    "exit_reason", "exit_date", "kpj", "created_at", "updated_at", "created_by", "updated_by", "rev",
)  # fmt: skip
HISTORY_COLUMNS = ("uid", "at", "username", "action", "changes", "rev")
#: Premium payments as they stand (voided ones too, so the regency drops their months) and the
#: participant-months each live payment paid; months are ``year * 12 + month - 1``.
PAYMENT_COLUMNS = (
    "uid", "paid_on", "amount", "reference", "note", "first_month", "last_month", "people", "created_at",
    "created_by", "voided_at", "voided_by", "void_reason", "rev",
)  # fmt: skip
PAID_COLUMNS = ("payment_uid", "participant_uid", "month", "amount")
RECORD_COLUMNS = ("uid", "rev", "outcome", "reason", "kpj")
PAYMENT_RECORD_COLUMNS = ("uid", "rev", "outcome", "reason")
RECORD_CODE_COLUMNS = ("uid", "code")
#: Every registration number the regency holds for the desa, with the record holding it.
NUMBER_COLUMNS = ("reg_no", "uid")
OUTCOMES = ("accepted", "rejected", "review")

#: Lengths of the free-text fields a database row may hold (the form's own limits where it has them).
TEXT_LIMITS = {**MAX_TEXT, "created_by": 64, "updated_by": 64, "username": 64, "reference": 100, "note": 500,
               "voided_by": 64, "void_reason": 500, "phone": 20, "reason": 500}  # fmt: skip
MAX_CHANGES = 32 * 1024
MAX_REG_SERIAL_DIGITS = 9
MAX_KPJ = 20
#: Months as ``year * 12 + month - 1`` between 2000 and 2100.
FIRST_MONTH, LAST_MONTH = 2000 * 12, 2100 * 12 + 11

#: Longest line of each table in a payload: every text at its limit, in 4-byte UTF-8, with quoting.
PACKAGE_TABLES = {
    "participants": TableSpec(PARTICIPANT_COLUMNS, 16 * 1024, checks_cells=True),
    "history": TableSpec(HISTORY_COLUMNS, 2 * MAX_CHANGES + 1024, checks_cells=True),
    "payments": TableSpec(PAYMENT_COLUMNS, 8 * 1024, optional=True, checks_cells=True),  # absent before schema 8
    "paid": TableSpec(PAID_COLUMNS, 512, optional=True, checks_cells=True),
}
RECEIPT_TABLES = {
    "records": TableSpec(RECORD_COLUMNS, 4 * 1024),
    "payment_records": TableSpec(PAYMENT_RECORD_COLUMNS, 4 * 1024, optional=True),
    "record_codes": TableSpec(RECORD_CODE_COLUMNS, 512, optional=True),
    "numbers": TableSpec(NUMBER_COLUMNS, 512, optional=True),
}

#: A row as read from a payload: its cells in the order of the table's columns.
Row = Sequence[Any]

_UUID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\Z")
_STAMP = re.compile(r"\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}\Z")
_ISO_DAY = re.compile(r"\d{4}-\d{2}-\d{2}\Z")
_RT_RW = re.compile(r"\d{3}\Z")
_DIGITS = re.compile(r"[0-9]+\Z")
#: C0 and C1 controls, lone surrogates (a JSON ``\ud800`` escape), line and paragraph
#: separators, the byte-order mark and every bidirectional embedding, override and isolate:
#: none belongs in a name or an address, and each can hide or reorder what a clerk reads.
_FORBIDDEN = re.compile("[\x00-\x1f\x7f-\x9f\u061c\u200e\u200f\u2028-\u202e\u2066-\u2069\ufeff\ud800-\udfff]")

_SCALARS = (str, int)
_SEXES = frozenset(("L", "P"))
_CATEGORIES = frozenset(c.value for c in Category)
_FUNDINGS = frozenset(f.value for f in Funding)
_STATUSES = frozenset(s.value for s in Status)
_EXIT_REASONS = frozenset(e.value for e in ExitReason)
_ACTIONS = frozenset(a.value for a in HistoryAction)
_PEKERJA_RENTAN = Category.PEKERJA_RENTAN.value
_BERHENTI = Status.BERHENTI.value


def has_forbidden(text: str) -> bool:
    """Whether ``text`` holds a character no field may (:data:`_FORBIDDEN`). Every one of them is
    unprintable, so printable text (nearly all of it) is answered by one fast test."""
    return not text.isprintable() and _FORBIDDEN.search(text) is not None


@dataclass(frozen=True, slots=True)
class Rejection:
    """A row refused, and why: ``code`` is a message code of :mod:`labels`, ``params`` fill it.
    ``uid`` and ``rev`` are the row's own when it carries valid ones (else ``None``)."""

    table: str
    uid: str | None
    rev: int | None
    code: str
    params: dict[str, Any] = field(default_factory=dict)


class RowError(Exception):
    """One rule broken by one field; caught per row."""

    def __init__(self, fld: str, code: str, /, **params: object) -> None:
        super().__init__(code)
        self.field = fld
        self.code = code
        self.params = {"field": fld, **{k: shown(v) for k, v in params.items()}}


def shown(value: object, limit: int = 40) -> object:
    """A value as it may appear inside a message: short, printable, never the raw row."""
    if isinstance(value, int | float) or value is None:
        return value
    text = _FORBIDDEN.sub("?", str(value))
    return text if len(text) <= limit else text[: limit - 1] + "…"


def is_uid(value: object) -> bool:
    return type(value) is str and _UUID.match(value) is not None


@lru_cache(maxsize=1 << 15)
def _day(text: str) -> date | None:
    """A ``YYYY-MM-DD`` text that is a real calendar day, or ``None``. Cached: a village's
    rows share a few thousand dates."""
    if not _ISO_DAY.match(text):
        return None
    try:
        return date(int(text[:4]), int(text[5:7]), int(text[8:]))
    except ValueError:
        return None


@lru_cache(maxsize=1 << 14)
def _stamp_ok(text: str) -> bool:
    if not _STAMP.match(text):
        return False
    try:
        datetime(int(text[:4]), int(text[5:7]), int(text[8:10]), int(text[11:13]), int(text[14:16]), int(text[17:]))
    except ValueError:
        return False
    return True


@lru_cache(maxsize=1 << 14)
def _nik_date_ok(part: str) -> bool:
    """Digits 7-12 of a NIK (DDMMYY, day + 40 for women) are a real date (cached: a village's
    NIKs share a few thousand birth dates)."""
    day, month, yy = int(part[:2]), int(part[2:4]), int(part[4:])
    return day_month_ok(day - 40 if day > 40 else day, month, yy)


def nik_ok(text: str) -> bool:
    """The NIK rules of :func:`parse_nik` for a stored NIK (16 ASCII digits, nothing to clean),
    in a few string tests: every row of every package passes here."""
    return (
        len(text) == 16 and text.isascii() and text.isdigit() and text[:2] in PROVINCE_CODES
        and text[12:] != "0000" and _nik_date_ok(text[6:12])
    )  # fmt: skip


def _nik_problem(text: str) -> tuple[str, tuple[tuple[str, object], ...]] | None:
    """What is wrong with a stored NIK by the village's own rules, or ``None``."""
    if nik_ok(text):
        return None
    try:
        info = parse_nik(text)
    except NumberError as exc:
        return exc.code, tuple(exc.params.items())
    if info.nik != text:  # a stored NIK has no separators left in it
        return "nik_not_digits", ()
    return None


#: Text as the village's form stores it is trimmed and single-spaced, plain spaces only.
_UNTIDY = re.compile(r"\A\s|\s\Z|\s\s|[^\S ]")


@lru_cache(maxsize=1 << 16)
def _text_problem(value: str, limit: int, stored: bool) -> str | None:
    """What is wrong with a non-empty text, or ``None``. Cached: a village's rows repeat their
    places, hamlets, occupations and the names of the people who typed them."""
    if len(value) > limit:
        return "too_long"
    if has_forbidden(value):
        return "sync_field_control"
    if stored and _UNTIDY.search(value):
        return "sync_field_spacing"
    return None


@lru_cache(maxsize=1 << 12)
def _kk_problem(text: str) -> tuple[str, tuple[tuple[str, object], ...]] | None:
    """What is wrong with a stored KK number, or ``None`` (a KK is shared by a family: cached)."""
    try:
        cleaned, _ = parse_kk(text)
    except NumberError as exc:
        return exc.code, tuple(exc.params.items())
    return None if cleaned == text else ("kk_not_digits", ())


def _text(row: Sequence[Any], at: int, fld: str, *, required: bool = False, stored: bool = False) -> None:
    """Free text: ``None`` (or, unless ``stored``, empty) when not ``required``; at most its field's
    length; no control or bidi characters; ``stored``: trimmed and single-spaced as the form keeps it."""
    value = row[at]
    if value is None or value == "":
        if required:
            raise RowError(fld, "required")
        if stored and value == "":
            raise RowError(fld, "sync_field_spacing")
        return
    if type(value) is not str:
        raise RowError(fld, "sync_field_type", want="teks")
    limit = TEXT_LIMITS.get(fld, 200)
    problem = _text_problem(value, limit, stored)
    if problem is not None:
        raise RowError(fld, problem, max=limit) if problem == "too_long" else RowError(fld, problem)


def _stored_text(row: Sequence[Any], at: int, fld: str) -> None:
    """Free text as the form stores it: None or non-empty, trimmed, single-spaced."""
    _text(row, at, fld, stored=True)


def _integer(row: Sequence[Any], at: int, fld: str, low: int = 0, high: int = MAX_INT) -> int:
    value = row[at]
    if type(value) is not int:
        raise RowError(fld, "sync_field_type", want="bilangan bulat")
    if not low <= value <= high:
        raise RowError(fld, "sync_field_range", low=low, high=high)
    return value


def _date(row: Sequence[Any], at: int, fld: str, *, required: bool = False) -> date | None:
    value = row[at]
    if value is None:
        if required:
            raise RowError(fld, "required")
        return None
    if type(value) is not str:
        raise RowError(fld, "sync_field_type", want="tanggal")
    day = _day(value)
    if day is None:
        raise RowError(fld, "date_impossible", text=value)
    if day.year < 1900:
        raise RowError(fld, "date_too_old")
    return day


def _timestamp(row: Sequence[Any], at: int, fld: str, *, required: bool = True) -> None:
    value = row[at]
    if value is None and not required:
        return
    if type(value) is not str or not _stamp_ok(value):
        raise RowError(fld, "sync_field_timestamp", text=value)


def _code(row: Sequence[Any], at: int, fld: str, allowed: frozenset[str], *, required: bool = True) -> None:
    value = row[at]
    if value is None and not required:
        return
    if type(value) is not str or value not in allowed:
        if value is None or value == "":
            raise RowError(fld, "required")
        raise RowError(fld, "choice_invalid", value=value)


def _uid(row: Sequence[Any], at: int, fld: str) -> str:
    value = row[at]
    if not is_uid(value):
        raise RowError(fld, "sync_field_uid")
    return str(value)


_P = {c: n for n, c in enumerate(PARTICIPANT_COLUMNS)}
_P_NAME, _P_BIRTH, _P_SEX, _P_PHONE = _P["full_name"], _P["birth_date"], _P["sex"], _P["phone"]
_P_CATEGORY, _P_FUNDING, _P_STATUS = _P["category"], _P["funding"], _P["status"]
_P_SOURCE_DATE, _P_START, _P_EXIT_REASON, _P_EXIT_DATE = (
    _P["source_date"], _P["start_date"], _P["exit_reason"], _P["exit_date"],
)  # fmt: skip
_P_CREATED_AT, _P_UPDATED_AT, _P_CREATED_BY, _P_UPDATED_BY = (
    _P["created_at"], _P["updated_at"], _P["created_by"], _P["updated_by"],
)  # fmt: skip
_P_FREE_TEXT = tuple((_P[f], f, TEXT_LIMITS[f]) for f in ("birth_place", "dusun", "occupation", "source_list"))
_P_ADDRESS, _P_RT, _P_RW, _P_SOURCE_LIST = _P["address"], _P["rt"], _P["rw"], _P["source_list"]
_NAME_LIMIT = TEXT_LIMITS["full_name"]
_H = {c: n for n, c in enumerate(HISTORY_COLUMNS)}
_PAY = {c: n for n, c in enumerate(PAYMENT_COLUMNS)}


class PackageRules:
    """The rules for one package of one desa, checked on the regency's ``today``."""

    def __init__(self, desa: str, today: date) -> None:
        self.desa = desa
        self.today = today
        digits = desa.replace(".", "")
        self._reg_no = re.compile(rf"{digits}-\d{{5,{MAX_REG_SERIAL_DIGITS}}}\Z")
        self._groups: dict[tuple[Any, ...], date | RowError] = {}

    # -- participants ----------------------------------------------------------------------

    def _participant(self, row: Sequence[Any]) -> None:
        # Unpacked once: this runs for every row of every package (100,000 in a regency's day).
        (_uid, reg_no, desa_code, nik, kk, full_name, birth_place, birth_date, sex, address, dusun, rt, rw, phone,
         occupation, category, source_list, source_date, funding, start_date, status, exit_reason, exit_date, kpj,
         created_at, updated_at, created_by, updated_by, _rev) = row  # fmt: skip
        if desa_code != self.desa:
            raise RowError("desa_code", "sync_row_other_desa", desa=desa_code, own=self.desa)
        if type(reg_no) is not str or not self._reg_no.match(reg_no):
            raise RowError("reg_no", "sync_reg_no_invalid", value=reg_no, desa=self.desa)
        if type(nik) is not str:
            raise RowError("nik", "sync_field_type", want="teks")
        if not nik_ok(nik):
            problem = _nik_problem(nik)
            assert problem is not None
            raise RowError("nik", problem[0], **dict(problem[1]))
        if kk is not None:
            if type(kk) is not str:
                raise RowError("kk", "sync_field_type", want="teks")
            problem = _kk_problem(kk)
            if problem is not None:
                raise RowError("kk", problem[0], **dict(problem[1]))
        # A name the form's pattern accepts holds only letters, spaces and .,'`- (so nothing that
        # is forbidden); what is left to check is its spacing and its length.
        if (
            type(full_name) is not str or not 2 <= len(full_name) <= _NAME_LIMIT or not _NAME_OK.match(full_name)
            or "  " in full_name or full_name[-1] == " "
        ):  # fmt: skip
            self._name(row)
        if address is not None and (type(address) is not str or not address or _text_problem(address, 200, True)):
            _stored_text(row, _P_ADDRESS, "address")
        birth = _day(birth_date) if type(birth_date) is str else None
        if birth is None or birth.year < 1900:
            _date(row, _P_BIRTH, "birth_date", required=True)
        assert birth is not None
        if birth > self.today:
            raise RowError("birth_date", "date_future")
        if phone is not None:
            _text(row, _P_PHONE, "phone")
            digits = sum(ch.isdigit() for ch in phone)
            if not _PHONE_OK.match(phone) or not 8 <= digits <= 15:
                raise RowError("phone", "phone_invalid")
        if kpj is not None and (type(kpj) is not str or not _DIGITS.match(kpj) or len(kpj) > MAX_KPJ):
            raise RowError("kpj", "sync_kpj_invalid", max=MAX_KPJ)
        if type(created_at) is not str or not _stamp_ok(created_at):
            _timestamp(row, _P_CREATED_AT, "created_at")
        if type(updated_at) is not str or not _stamp_ok(updated_at):
            _timestamp(row, _P_UPDATED_AT, "updated_at")
        # The rest repeats across a village's rows (its hamlets, RTs, categories, start dates, the
        # clerks who typed them): checked once per combination.
        group = (birth_place, sex, dusun, rt, rw, occupation, category, source_list, source_date, funding,
                 start_date, status, exit_reason, exit_date, created_by, updated_by)  # fmt: skip
        try:
            start = self._groups[group]
        except KeyError:
            start = self._group(row)
            if len(self._groups) > 8192:
                self._groups.clear()
            self._groups[group] = start
        except TypeError:  # a list or an object where text belongs: unhashable
            start = self._group(row)
        if isinstance(start, RowError):
            raise RowError(start.field, start.code, **{k: v for k, v in start.params.items() if k != "field"})
        if start < birth:
            raise RowError("start_date", "start_before_birth")

    @staticmethod
    def _name(row: Sequence[Any]) -> None:
        """The precise reason a name is refused (the common case is answered inline)."""
        full_name = row[_P_NAME]
        if full_name is None:
            raise RowError("full_name", "required")
        _stored_text(row, _P_NAME, "full_name")
        if len(full_name) < 2:
            raise RowError("full_name", "name_too_short")
        if not _NAME_OK.match(full_name):
            raise RowError("full_name", "name_invalid")

    def _group(self, row: Sequence[Any]) -> date | RowError:
        """The checks of the fields that repeat across rows: the start date, or the broken rule."""
        try:
            for at, fld, limit in _P_FREE_TEXT:
                value = row[at]
                if value is not None and (type(value) is not str or not value or _text_problem(value, limit, True)):
                    _stored_text(row, at, fld)
            _code(row, _P_SEX, "sex", _SEXES)
            for at, fld in ((_P_RT, "rt"), (_P_RW, "rw")):
                value = row[at]
                if value is not None and (type(value) is not str or not _RT_RW.match(value) or value == "000"):
                    raise RowError(fld, "rt_rw_invalid")
            _code(row, _P_CATEGORY, "category", _CATEGORIES)
            _code(row, _P_FUNDING, "funding", _FUNDINGS)
            _code(row, _P_STATUS, "status", _STATUSES)
            if row[_P_CATEGORY] == _PEKERJA_RENTAN and not row[_P_SOURCE_LIST]:
                raise RowError("source_list", "source_required")
            source_day = _date(row, _P_SOURCE_DATE, "source_date")
            if source_day is not None and source_day > self.today:
                raise RowError("source_date", "date_future")
            start = _date(row, _P_START, "start_date", required=True)
            assert start is not None
            if start.year > 2100:
                raise RowError("start_date", "sync_field_range", low=1900, high=2100)
            status, exit_reason = row[_P_STATUS], row[_P_EXIT_REASON]
            _code(row, _P_EXIT_REASON, "exit_reason", _EXIT_REASONS, required=False)
            exit_day = _date(row, _P_EXIT_DATE, "exit_date")
            if status == _BERHENTI and (exit_reason is None or exit_day is None):
                raise RowError("exit_reason" if exit_reason is None else "exit_date", "required")
            _text(row, _P_CREATED_BY, "created_by", required=True)
            _text(row, _P_UPDATED_BY, "updated_by", required=True)
        except RowError as exc:
            return exc
        return start

    def participants(self, rows: Iterable[Sequence[Any]]) -> tuple[list[Row], list[Rejection]]:
        """Rows that keep every rule, and a rejection for each one that breaks one. A uid, NIK or
        registration number that appears twice in the package rejects the later rows (a village
        holds each once)."""
        nik_at, reg_at = _P["nik"], _P["reg_no"]
        niks: set[str] = set()
        regs: set[str] = set()

        def check(row: Row) -> None:
            self._participant(row)
            nik, reg = row[nik_at], row[reg_at]
            if nik in niks:
                raise RowError("nik", "sync_nik_repeated")
            if reg in regs:
                raise RowError("reg_no", "sync_reg_no_repeated", value=reg)
            niks.add(nik)
            regs.add(reg)

        return _keyed("participants", rows, _P["uid"], _P["rev"], check)

    # -- history ---------------------------------------------------------------------------

    @staticmethod
    def _changes(value: object) -> None:
        """A history row's changes: a JSON list of ``[field, old, new]``, values text, integers or
        null. Escapes are refused outright: the village writes none but for control characters
        (and lone surrogates), which no field may hold."""
        if type(value) is not str:
            raise RowError("changes", "sync_field_type", want="teks")
        if len(value) > MAX_CHANGES:
            raise RowError("changes", "too_long", max=MAX_CHANGES)
        if "\\u" in value or has_forbidden(value):
            raise RowError("changes", "sync_changes_invalid")
        try:
            changes, end = STRICT_JSON.raw_decode(value)
        except (ValueError, RecursionError):
            raise RowError("changes", "sync_changes_invalid") from None
        if end != len(value) or type(changes) is not list or len(changes) > 64:
            raise RowError("changes", "sync_changes_invalid")
        for entry in changes:
            if type(entry) is not list or len(entry) != 3 or type(entry[0]) is not str:
                raise RowError("changes", "sync_changes_invalid")
            old, new = entry[1], entry[2]
            if (old is not None and type(old) not in _SCALARS) or (new is not None and type(new) not in _SCALARS):
                raise RowError("changes", "sync_changes_invalid")

    def history(self, rows: Iterable[Sequence[Any]]) -> tuple[list[Row], list[Rejection]]:
        """History rows that keep the rules. Which participant a row belongs to is checked when
        it is applied (a uid held nowhere matches nothing and the row is left out)."""
        good: list[Row] = []
        bad: list[Rejection] = []
        for row in rows:
            uid, at, username, action, changes, rev = row
            try:
                if type(uid) is not str:
                    raise RowError("uid", "sync_field_uid")
                if type(at) is not str or not _stamp_ok(at):
                    _timestamp(row, 1, "at")
                if type(username) is not str or not username or _text_problem(username, 64, False):
                    _text(row, 2, "username", required=True)
                if type(action) is not str or action not in _ACTIONS:
                    _code(row, 3, "action", _ACTIONS)
                self._changes(changes)
                if type(rev) is not int or not 0 <= rev <= MAX_INT:
                    _integer(row, 5, "rev")
            except RowError as exc:
                bad.append(Rejection("history", uid if is_uid(uid) else None, None, exc.code, exc.params))
                continue
            good.append(row)
        return good, bad

    # -- payments --------------------------------------------------------------------------

    def _payment(self, row: Sequence[Any]) -> None:
        p = _PAY
        paid_on = _date(row, p["paid_on"], "paid_on", required=True)
        assert paid_on is not None
        if paid_on > self.today:
            raise RowError("paid_on", "date_future")
        _integer(row, p["amount"], "amount")
        for fld in ("reference", "note", "void_reason"):
            if row[p[fld]] is None:
                raise RowError(fld, "sync_field_type", want="teks")
            _text(row, p[fld], fld)
        first = _integer(row, p["first_month"], "first_month", FIRST_MONTH, LAST_MONTH)
        last = _integer(row, p["last_month"], "last_month", FIRST_MONTH, LAST_MONTH)
        if last < first or last - first >= 240:
            raise RowError("last_month", "sync_months_invalid")
        _integer(row, p["people"], "people", 0, 1_000_000)
        _timestamp(row, p["created_at"], "created_at")
        _text(row, p["created_by"], "created_by", required=True)
        _timestamp(row, p["voided_at"], "voided_at", required=False)
        _text(row, p["voided_by"], "voided_by")

    def payments(self, rows: Iterable[Sequence[Any]]) -> tuple[list[Row], list[Rejection]]:
        """Payments that keep every rule, and a rejection for each one that breaks one."""
        return _keyed("payments", rows, _PAY["uid"], _PAY["rev"], self._payment)

    @staticmethod
    def paid(rows: Iterable[Sequence[Any]], months: dict[str, tuple[int, int]]) -> tuple[list[Row], list[Rejection]]:
        """Participant-months of the accepted payments (``months``: uid -> first, last month);
        those of a rejected or absent payment go with it."""
        good: list[Row] = []
        bad: list[Rejection] = []
        seen: set[tuple[str, str, int]] = set()
        for row in rows:
            payment_uid, participant_uid, month, _amount = row
            span = months.get(payment_uid) if type(payment_uid) is str else None
            try:
                if span is None:
                    raise RowError("payment_uid", "sync_paid_orphan")
                if not is_uid(participant_uid):
                    raise RowError("participant_uid", "sync_field_uid")
                _integer(row, 2, "month", span[0], span[1])
                _integer(row, 3, "amount")
                if (payment_uid, participant_uid, month) in seen:
                    raise RowError("month", "sync_row_repeated")
            except RowError as exc:
                bad.append(Rejection("paid", payment_uid if is_uid(payment_uid) else None, None, exc.code, exc.params))
                continue
            seen.add((payment_uid, participant_uid, month))
            good.append(row)
        return good, bad


def _keyed(
    table: str, rows: Iterable[Sequence[Any]], uid_at: int, rev_at: int, check: Callable[[Row], None]
) -> tuple[list[Row], list[Rejection]]:
    """Rows of a table whose records are named by a uid and versioned by a rev: each uid once,
    then ``check`` (which raises :class:`RowError`); the rejections carry the uid and rev when
    the row has valid ones, so the village can be told which of its records was refused."""
    good: list[Row] = []
    bad: list[Rejection] = []
    seen: set[str] = set()
    for row in rows:
        uid = row[uid_at] if is_uid(row[uid_at]) else None
        rev = row[rev_at] if type(row[rev_at]) is int and 1 <= row[rev_at] <= MAX_INT else None
        try:
            if uid is None:
                raise RowError("uid", "sync_field_uid")
            if rev is None:
                _integer(row, rev_at, "rev", 1)
            if uid in seen:
                raise RowError("uid", "sync_row_repeated")
            check(row)
        except RowError as exc:
            bad.append(Rejection(table, uid, rev, exc.code, exc.params))
            if uid is not None:
                seen.add(uid)
            continue
        seen.add(uid)
        good.append(row)
    return good, bad


def payment_months(rows: Iterable[Sequence[Any]]) -> dict[str, tuple[int, int]]:
    """uid -> (first month, last month) of checked payment rows."""
    return {r[_PAY["uid"]]: (r[_PAY["first_month"]], r[_PAY["last_month"]]) for r in rows}


def check_records(rows: Iterable[Sequence[Any]]) -> list[tuple[str, int, str, str, str | None]]:
    """A receipt's records, each checked; raises :class:`RowError` on the first bad one (a
    receipt is the regency's own word: one bad row means it is not to be trusted at all)."""
    out = []
    for row in rows:
        uid, rev, outcome, reason, kpj = row
        if not is_uid(uid):
            raise RowError("uid", "sync_field_uid")
        if type(rev) is not int or not 0 <= rev <= MAX_INT:
            raise RowError("rev", "sync_field_range", low=0, high=MAX_INT)
        if outcome not in OUTCOMES:
            raise RowError("outcome", "choice_invalid", value=outcome)
        if type(reason) is not str or len(reason) > TEXT_LIMITS["reason"] or has_forbidden(reason):
            raise RowError("reason", "sync_field_control")
        if kpj is not None and (type(kpj) is not str or not _DIGITS.match(kpj) or len(kpj) > MAX_KPJ):
            raise RowError("kpj", "sync_kpj_invalid", max=MAX_KPJ)
        out.append((uid, rev, outcome, reason, kpj))
    return out


def plain_text(value: object, limit: int) -> bool:
    """Whether ``value`` is text of at most ``limit`` characters without control characters."""
    return type(value) is str and len(value) <= limit and not has_forbidden(value)
