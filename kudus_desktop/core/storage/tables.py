"""SQLAlchemy mappings of ``sqlite_schema.sql`` (a test keeps the two identical).

Mapped classes end in ``Row``; they never leave the core: services hand out frozen
dataclasses instead.
"""

from __future__ import annotations

from typing import Any, ClassVar, cast

from sqlalchemy import (
    CheckConstraint,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    Table,
    Text,
    UniqueConstraint,
    column,
    func,
    text,
)
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column
from sqlalchemy.sql.compiler import SQLCompiler
from sqlalchemy.sql.functions import FunctionElement


class Base(DeclarativeBase):
    pass


class _DialectText(FunctionElement[str]):
    """Text from SQL that SQLite and PostgreSQL spell differently: each subclass gives both
    spellings, ``{}`` standing for its arguments."""

    type = Text()
    inherit_cache = True
    sqlite: ClassVar[str]
    postgresql: ClassVar[str]


@compiles(_DialectText)
def _on_sqlite(element: _DialectText, compiler: SQLCompiler, **kw: Any) -> str:
    return element.sqlite.format(compiler.process(element.clauses, **kw))


@compiles(_DialectText, "postgresql")
def _on_postgresql(element: _DialectText, compiler: SQLCompiler, **kw: Any) -> str:
    return element.postgresql.format(compiler.process(element.clauses, **kw))


class nocase(_DialectText):  # noqa: N801 - reads like the SQL it stands for
    """A text column compared and sorted without regard to case: ``COLLATE NOCASE`` on SQLite
    (which the name index serves), ``lower()`` on PostgreSQL."""

    inherit_cache = True
    sqlite = "{} COLLATE NOCASE"
    # Byte order of the folded text, as SQLite's NOCASE sorts, whatever the server's locale: the
    # same list order on both stores, and a sort without the locale's costly comparisons.
    postgresql = 'lower({}) COLLATE "C"'


class bytewise(_DialectText):  # noqa: N801
    """A text column sorted byte by byte: SQLite's own default, ``COLLATE "C"`` on PostgreSQL
    (the collation of the name order index's number columns)."""

    inherit_cache = True
    sqlite = "{}"
    postgresql = '{} COLLATE "C"'


class json_text(_DialectText):  # noqa: N801
    """A text column written as a JSON string literal by the database itself: ``json_quote()``
    on SQLite, ``to_json()`` on PostgreSQL; both escape as Python's ``json.dumps`` with
    ``ensure_ascii=False`` does."""

    inherit_cache = True
    sqlite = "json_quote({})"
    postgresql = "CAST(to_json(CAST({} AS TEXT)) AS TEXT)"


class text_format(_DialectText):  # noqa: N801
    """Text made from a pattern with ``%s`` slots and the values for them: ``printf()`` on SQLite
    (its ``format()`` alias came only in 3.38), ``format()`` on PostgreSQL. Patterns hold no
    other ``%`` directive; a NULL value fills its slot with nothing on both."""

    inherit_cache = True
    sqlite = "printf({})"
    postgresql = "format({})"


class SettingRow(Base):
    __tablename__ = "setting"

    key: Mapped[str] = mapped_column(Text, primary_key=True)
    value: Mapped[str] = mapped_column(Text, nullable=False)


class UserRow(Base):
    __tablename__ = "app_user"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    username: Mapped[str] = mapped_column(Text, nullable=False, unique=True)
    full_name: Mapped[str] = mapped_column(Text, nullable=False)
    role: Mapped[str] = mapped_column(Text, nullable=False)
    password_hash: Mapped[str] = mapped_column(Text, nullable=False)
    active: Mapped[int] = mapped_column(Integer, nullable=False, server_default=text("1"))
    created_at: Mapped[str] = mapped_column(Text, nullable=False)
    failed_logins: Mapped[int] = mapped_column(Integer, nullable=False, server_default=text("0"))
    locked_until: Mapped[str | None] = mapped_column(Text)


class AuditEventRow(Base):
    __tablename__ = "audit_event"
    __table_args__ = (Index("ix_audit_at", "at"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    at: Mapped[str] = mapped_column(Text, nullable=False)
    username: Mapped[str] = mapped_column(Text, nullable=False)
    action: Mapped[str] = mapped_column(Text, nullable=False)
    detail: Mapped[str] = mapped_column(Text, nullable=False, server_default=text("''"))


class ParticipantRow(Base):
    __tablename__ = "participant"
    __table_args__ = (
        UniqueConstraint("desa_code", "nik"),
        UniqueConstraint("desa_code", "reg_no"),
        CheckConstraint("sex IN ('L', 'P')"),
        CheckConstraint("status IN ('aktif', 'berhenti')"),
        Index("ix_participant_name", text("full_name COLLATE NOCASE"), "nik", "reg_no", "kpj").ddl_if(dialect="sqlite"),
        # The list's whole name order with the name itself: PostgreSQL reads a million ids from
        # this index alone (an expression index serves an index-only scan only when it holds the
        # column it is computed from), 0.37 s against 1.1-1.3 s sorting the table.
        Index(
            "ix_participant_order_pg",
            text('lower(full_name) COLLATE "C"'),
            text('nik COLLATE "C"'),
            text('reg_no COLLATE "C"'),
            text('kpj COLLATE "C"'),
            "id",
            postgresql_include=["full_name"],
        ).ddl_if(dialect="postgresql"),
        Index("ix_participant_status", "status"),
        Index("ix_participant_category", "category"),
        Index("ix_participant_start", "start_date"),
        Index("ix_participant_rev", "rev"),
        Index("ix_participant_nik", "nik"),
        Index("ix_participant_overview", "desa_code", "status", "category", "start_date", "exit_date", "kpj"),
        Index("ix_participant_birth", "birth_date"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    uid: Mapped[str] = mapped_column(Text, nullable=False, unique=True)
    reg_no: Mapped[str] = mapped_column(Text, nullable=False)
    desa_code: Mapped[str] = mapped_column(Text, nullable=False)
    nik: Mapped[str] = mapped_column(Text, nullable=False)
    kk: Mapped[str | None] = mapped_column(Text)
    full_name: Mapped[str] = mapped_column(Text, nullable=False)
    birth_place: Mapped[str | None] = mapped_column(Text)
    birth_date: Mapped[str] = mapped_column(Text, nullable=False)
    sex: Mapped[str] = mapped_column(Text, nullable=False)
    address: Mapped[str | None] = mapped_column(Text)
    dusun: Mapped[str | None] = mapped_column(Text)
    rt: Mapped[str | None] = mapped_column(Text)
    rw: Mapped[str | None] = mapped_column(Text)
    phone: Mapped[str | None] = mapped_column(Text)
    occupation: Mapped[str | None] = mapped_column(Text)
    category: Mapped[str] = mapped_column(Text, nullable=False)
    source_list: Mapped[str | None] = mapped_column(Text)
    source_date: Mapped[str | None] = mapped_column(Text)
    funding: Mapped[str] = mapped_column(Text, nullable=False)
    start_date: Mapped[str] = mapped_column(Text, nullable=False)
    status: Mapped[str] = mapped_column(Text, nullable=False)
    exit_reason: Mapped[str | None] = mapped_column(Text)
    exit_date: Mapped[str | None] = mapped_column(Text)
    kpj: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[str] = mapped_column(Text, nullable=False)
    updated_at: Mapped[str] = mapped_column(Text, nullable=False)
    created_by: Mapped[str] = mapped_column(Text, nullable=False)
    updated_by: Mapped[str] = mapped_column(Text, nullable=False)
    rev: Mapped[int] = mapped_column(Integer, nullable=False, server_default=text("0"))
    term_end: Mapped[str | None] = mapped_column(Text)
    source_id: Mapped[str | None] = mapped_column(Text)
    desil: Mapped[int | None] = mapped_column(Integer)


class ParticipantHistoryRow(Base):
    __tablename__ = "participant_history"
    __table_args__ = (Index("ix_history_participant", "participant_id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    participant_id: Mapped[int] = mapped_column(Integer, ForeignKey("participant.id"), nullable=False)
    at: Mapped[str] = mapped_column(Text, nullable=False)
    username: Mapped[str] = mapped_column(Text, nullable=False)
    action: Mapped[str] = mapped_column(Text, nullable=False)
    changes: Mapped[str] = mapped_column(Text, nullable=False)
    rev: Mapped[int] = mapped_column(Integer, nullable=False, server_default=text("0"))


class CounterRow(Base):
    __tablename__ = "counter"

    name: Mapped[str] = mapped_column(Text, primary_key=True)
    value: Mapped[int] = mapped_column(Integer, nullable=False)


class KeyPairRow(Base):
    __tablename__ = "key_pair"

    purpose: Mapped[str] = mapped_column(Text, primary_key=True)
    private_key: Mapped[bytes] = mapped_column(LargeBinary, nullable=False)
    public_key: Mapped[bytes] = mapped_column(LargeBinary, nullable=False)
    created_at: Mapped[str] = mapped_column(Text, nullable=False)


class CardPrintRow(Base):
    __tablename__ = "card_print"
    __table_args__ = (Index("ix_card_print_participant", "participant_id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    participant_id: Mapped[int] = mapped_column(Integer, ForeignKey("participant.id"), nullable=False)
    batch: Mapped[str] = mapped_column(Text, nullable=False)
    at: Mapped[str] = mapped_column(Text, nullable=False)
    username: Mapped[str] = mapped_column(Text, nullable=False)
    issue_date: Mapped[str] = mapped_column(Text, nullable=False)
    reason: Mapped[str] = mapped_column(Text, nullable=False, server_default=text("''"))
    standing: Mapped[str] = mapped_column(Text, nullable=False, server_default=text("''"))


class SourceAbsenceRow(Base):
    __tablename__ = "source_absence"

    participant_id: Mapped[int] = mapped_column(Integer, ForeignKey("participant.id"), primary_key=True)
    source_list: Mapped[str] = mapped_column(Text, nullable=False)
    file_name: Mapped[str] = mapped_column(Text, nullable=False)
    noted_at: Mapped[str] = mapped_column(Text, nullable=False)


class ParticipantReviewRow(Base):
    __tablename__ = "participant_review"
    __table_args__ = (
        CheckConstraint("state IN ('menunggu', 'ditolak')"),
        Index("ix_participant_review_state", "state"),
    )

    participant_id: Mapped[int] = mapped_column(Integer, ForeignKey("participant.id"), primary_key=True)
    state: Mapped[str] = mapped_column(Text, nullable=False)
    approved: Mapped[str | None] = mapped_column(Text)
    makers: Mapped[str] = mapped_column(Text, nullable=False)
    submitted_at: Mapped[str] = mapped_column(Text, nullable=False)
    reason: Mapped[str] = mapped_column(Text, nullable=False, server_default=text("''"))
    reviewed_at: Mapped[str | None] = mapped_column(Text)
    reviewed_by: Mapped[str | None] = mapped_column(Text)


class SyncOutboxRow(Base):
    __tablename__ = "sync_outbox"

    seq: Mapped[int] = mapped_column(Integer, primary_key=True)
    created_at: Mapped[str] = mapped_column(Text, nullable=False)
    username: Mapped[str] = mapped_column(Text, nullable=False)
    file_name: Mapped[str] = mapped_column(Text, nullable=False)
    digest: Mapped[str] = mapped_column(Text, nullable=False)
    from_rev: Mapped[int] = mapped_column(Integer, nullable=False)
    to_rev: Mapped[int] = mapped_column(Integer, nullable=False)
    participants: Mapped[int] = mapped_column(Integer, nullable=False)
    full: Mapped[int] = mapped_column(Integer, nullable=False, server_default=text("0"))
    acknowledged_at: Mapped[str | None] = mapped_column(Text)
    uploaded_at: Mapped[str | None] = mapped_column(Text)
    superseded_at: Mapped[str | None] = mapped_column(Text)


class ParticipantSyncRow(Base):
    __tablename__ = "participant_sync"
    __table_args__ = (
        CheckConstraint("outcome IN ('accepted', 'rejected', 'review')"),
        Index(
            "ix_participant_sync_rejected", "outcome", sqlite_where=text("outcome = 'rejected'"),
            postgresql_where=text("outcome = 'rejected'"),
        ),
    )  # fmt: skip

    participant_id: Mapped[int] = mapped_column(Integer, ForeignKey("participant.id"), primary_key=True)
    sent_seq: Mapped[int | None] = mapped_column(Integer)
    sent_rev: Mapped[int | None] = mapped_column(Integer)
    outcome: Mapped[str | None] = mapped_column(Text)
    reason: Mapped[str] = mapped_column(Text, nullable=False, server_default=text("''"))
    outcome_rev: Mapped[int | None] = mapped_column(Integer)
    outcome_at: Mapped[str | None] = mapped_column(Text)


class SyncDeviceRow(Base):
    __tablename__ = "sync_device"
    __table_args__ = (Index("ix_sync_device_desa", "desa_code"),)

    device_id: Mapped[str] = mapped_column(Text, primary_key=True)
    desa_code: Mapped[str] = mapped_column(Text, nullable=False)
    sign_key: Mapped[bytes] = mapped_column(LargeBinary, nullable=False)
    box_key: Mapped[bytes] = mapped_column(LargeBinary, nullable=False)
    registered_at: Mapped[str] = mapped_column(Text, nullable=False)
    registered_by: Mapped[str] = mapped_column(Text, nullable=False)
    full_resend: Mapped[int] = mapped_column(Integer, nullable=False, server_default=text("0"))
    predecessor: Mapped[str | None] = mapped_column(Text)
    retired_at: Mapped[str | None] = mapped_column(Text)
    retired_seq: Mapped[int | None] = mapped_column(Integer)
    revoked_at: Mapped[str | None] = mapped_column(Text)
    revoked_by: Mapped[str | None] = mapped_column(Text)
    revoke_reason: Mapped[str] = mapped_column(Text, nullable=False, server_default=text("''"))
    app_version: Mapped[str] = mapped_column(Text, nullable=False, server_default=text("''"))


class SyncInboxRow(Base):
    __tablename__ = "sync_inbox"
    __table_args__ = (UniqueConstraint("device_id", "seq"), Index("ix_sync_inbox_desa", "desa_code"))

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    device_id: Mapped[str] = mapped_column(Text, ForeignKey("sync_device.device_id"), nullable=False)
    desa_code: Mapped[str] = mapped_column(Text, nullable=False)
    seq: Mapped[int] = mapped_column(Integer, nullable=False)
    digest: Mapped[str] = mapped_column(Text, nullable=False)
    created_at: Mapped[str] = mapped_column(Text, nullable=False)
    received_at: Mapped[str] = mapped_column(Text, nullable=False)
    username: Mapped[str] = mapped_column(Text, nullable=False)
    participants: Mapped[int] = mapped_column(Integer, nullable=False)
    full: Mapped[int] = mapped_column(Integer, nullable=False, server_default=text("0"))
    rejected: Mapped[int] = mapped_column(Integer, nullable=False, server_default=text("0"))
    format: Mapped[int] = mapped_column(Integer, nullable=False, server_default=text("1"))


class SyncRejectionRow(Base):
    __tablename__ = "sync_rejection"
    __table_args__ = (
        CheckConstraint("kind IN ('participants', 'payments')"),
        Index("ix_sync_rejection_uid", "desa_code", "uid"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    desa_code: Mapped[str] = mapped_column(Text, nullable=False)
    device_id: Mapped[str] = mapped_column(Text, nullable=False)
    seq: Mapped[int] = mapped_column(Integer, nullable=False)
    kind: Mapped[str] = mapped_column(Text, nullable=False)
    uid: Mapped[str] = mapped_column(Text, nullable=False)
    rev: Mapped[int] = mapped_column(Integer, nullable=False)
    code: Mapped[str] = mapped_column(Text, nullable=False)
    params: Mapped[str] = mapped_column(Text, nullable=False, server_default=text("'{}'"))
    at: Mapped[str] = mapped_column(Text, nullable=False)


class ParticipantAliasRow(Base):
    __tablename__ = "participant_alias"

    uid: Mapped[str] = mapped_column(Text, primary_key=True)
    participant_id: Mapped[int] = mapped_column(Integer, ForeignKey("participant.id"), nullable=False)
    desa_code: Mapped[str] = mapped_column(Text, nullable=False)
    at: Mapped[str] = mapped_column(Text, nullable=False)


class SyncReceiptRow(Base):
    __tablename__ = "sync_receipt"

    desa_code: Mapped[str] = mapped_column(Text, primary_key=True)
    seq: Mapped[int] = mapped_column(Integer, primary_key=True)
    created_at: Mapped[str] = mapped_column(Text, nullable=False)
    username: Mapped[str] = mapped_column(Text, nullable=False)
    device_id: Mapped[str] = mapped_column(Text, nullable=False)
    file_name: Mapped[str] = mapped_column(Text, nullable=False)
    records: Mapped[int] = mapped_column(Integer, nullable=False)
    content: Mapped[str | None] = mapped_column(Text)
    data: Mapped[bytes | None] = mapped_column(LargeBinary)


class DuplicateCaseRow(Base):
    __tablename__ = "duplicate_case"
    __table_args__ = (
        CheckConstraint("kind IN ('nik', 'apbd', 'similar')"),
        CheckConstraint("status IN ('open', 'resolved')"),
        CheckConstraint("decision IN ('keep_first', 'keep_second', 'not_same', 'gone')"),
        Index("ux_duplicate_pair", "kind", "first_id", func.coalesce(column("second_id"), 0), unique=True),
        Index("ix_duplicate_nik", "nik"),
        Index("ix_duplicate_status", "status"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    kind: Mapped[str] = mapped_column(Text, nullable=False, server_default=text("'nik'"))
    nik: Mapped[str] = mapped_column(Text, nullable=False)
    first_id: Mapped[int] = mapped_column(Integer, ForeignKey("participant.id"), nullable=False)
    second_id: Mapped[int | None] = mapped_column(Integer, ForeignKey("participant.id"))
    found_at: Mapped[str] = mapped_column(Text, nullable=False)
    status: Mapped[str] = mapped_column(Text, nullable=False, server_default=text("'open'"))
    decision: Mapped[str | None] = mapped_column(Text)
    decided_at: Mapped[str | None] = mapped_column(Text)
    decided_by: Mapped[str | None] = mapped_column(Text)
    note: Mapped[str] = mapped_column(Text, nullable=False, server_default=text("''"))


class ApbdMemberRow(Base):
    __tablename__ = "apbd_member"

    nik: Mapped[str] = mapped_column(Text, primary_key=True)
    full_name: Mapped[str] = mapped_column(Text, nullable=False, server_default=text("''"))
    start_date: Mapped[str | None] = mapped_column(Text)
    imported_at: Mapped[str] = mapped_column(Text, nullable=False)


class BpjsStatusRow(Base):
    __tablename__ = "bpjs_status"
    __table_args__ = (CheckConstraint("result IN ('registered', 'rejected')"),)

    participant_id: Mapped[int] = mapped_column(Integer, ForeignKey("participant.id"), primary_key=True)
    sent_at: Mapped[str | None] = mapped_column(Text)
    sent_by: Mapped[str | None] = mapped_column(Text)
    result: Mapped[str | None] = mapped_column(Text)
    reason: Mapped[str] = mapped_column(Text, nullable=False, server_default=text("''"))
    result_at: Mapped[str | None] = mapped_column(Text)


class PendingDeviceRow(Base):
    __tablename__ = "hub_pending"

    device_id: Mapped[str] = mapped_column(Text, primary_key=True)
    seq: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    desa_code: Mapped[str] = mapped_column(Text, nullable=False)
    digest: Mapped[str] = mapped_column(Text, nullable=False)
    fingerprint: Mapped[str] = mapped_column(Text, nullable=False)
    file_name: Mapped[str] = mapped_column(Text, nullable=False)
    received_at: Mapped[str] = mapped_column(Text, nullable=False)
    data: Mapped[bytes] = mapped_column(LargeBinary, nullable=False)


class PremiumRateRow(Base):
    __tablename__ = "premium_rate"
    __table_args__ = (CheckConstraint("kind IN ('tarif', 'diskon')"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    kind: Mapped[str] = mapped_column(Text, nullable=False)
    valid_from: Mapped[str] = mapped_column(Text, nullable=False)
    valid_to: Mapped[str | None] = mapped_column(Text)
    funding: Mapped[str | None] = mapped_column(Text)
    income: Mapped[int] = mapped_column(Integer, nullable=False, server_default=text("0"))
    jkk_rate_bp: Mapped[int] = mapped_column(Integer, nullable=False, server_default=text("0"))
    jkm: Mapped[int] = mapped_column(Integer, nullable=False, server_default=text("0"))
    discount_pct: Mapped[int] = mapped_column(Integer, nullable=False, server_default=text("0"))
    active: Mapped[int] = mapped_column(Integer, nullable=False, server_default=text("1"))
    note: Mapped[str] = mapped_column(Text, nullable=False, server_default=text("''"))
    changed_at: Mapped[str] = mapped_column(Text, nullable=False)
    changed_by: Mapped[str] = mapped_column(Text, nullable=False)


class PremiumPaymentRow(Base):
    __tablename__ = "premium_payment"
    __table_args__ = (Index("ix_premium_payment_rev", "rev"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    uid: Mapped[str] = mapped_column(Text, nullable=False, unique=True)
    desa_code: Mapped[str] = mapped_column(Text, nullable=False)
    paid_on: Mapped[str] = mapped_column(Text, nullable=False)
    amount: Mapped[int] = mapped_column(Integer, nullable=False)
    reference: Mapped[str] = mapped_column(Text, nullable=False, server_default=text("''"))
    note: Mapped[str] = mapped_column(Text, nullable=False, server_default=text("''"))
    first_month: Mapped[int] = mapped_column(Integer, nullable=False)
    last_month: Mapped[int] = mapped_column(Integer, nullable=False)
    people: Mapped[int] = mapped_column(Integer, nullable=False)
    created_at: Mapped[str] = mapped_column(Text, nullable=False)
    created_by: Mapped[str] = mapped_column(Text, nullable=False)
    voided_at: Mapped[str | None] = mapped_column(Text)
    voided_by: Mapped[str | None] = mapped_column(Text)
    void_reason: Mapped[str] = mapped_column(Text, nullable=False, server_default=text("''"))
    rev: Mapped[int] = mapped_column(Integer, nullable=False, server_default=text("0"))


class PremiumPaidRow(Base):
    __tablename__ = "premium_paid"
    __table_args__ = (
        Index("ix_premium_paid_payment", "payment_id"),
        Index("ix_premium_paid_month", "month"),
        {"sqlite_with_rowid": False},
    )

    participant_id: Mapped[int] = mapped_column(Integer, ForeignKey("participant.id"), primary_key=True)
    month: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    payment_id: Mapped[int] = mapped_column(Integer, ForeignKey("premium_payment.id"), nullable=False)
    amount: Mapped[int] = mapped_column(Integer, nullable=False)


class PremiumBudgetRow(Base):
    __tablename__ = "premium_budget"

    year: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    amount: Mapped[int] = mapped_column(Integer, nullable=False)
    planned_additions: Mapped[int] = mapped_column(Integer, nullable=False, server_default=text("0"))
    set_at: Mapped[str] = mapped_column(Text, nullable=False)
    set_by: Mapped[str] = mapped_column(Text, nullable=False)


# Core (set-based) statements use the tables directly.
participant_table = cast(Table, ParticipantRow.__table__)
history_table = cast(Table, ParticipantHistoryRow.__table__)
setting_table = cast(Table, SettingRow.__table__)
user_table = cast(Table, UserRow.__table__)
counter_table = cast(Table, CounterRow.__table__)
audit_table = cast(Table, AuditEventRow.__table__)
key_pair_table = cast(Table, KeyPairRow.__table__)
card_print_table = cast(Table, CardPrintRow.__table__)
sync_outbox_table = cast(Table, SyncOutboxRow.__table__)
participant_sync_table = cast(Table, ParticipantSyncRow.__table__)
sync_device_table = cast(Table, SyncDeviceRow.__table__)
sync_inbox_table = cast(Table, SyncInboxRow.__table__)
sync_receipt_table = cast(Table, SyncReceiptRow.__table__)
sync_rejection_table = cast(Table, SyncRejectionRow.__table__)
participant_alias_table = cast(Table, ParticipantAliasRow.__table__)
duplicate_case_table = cast(Table, DuplicateCaseRow.__table__)
apbd_member_table = cast(Table, ApbdMemberRow.__table__)
bpjs_status_table = cast(Table, BpjsStatusRow.__table__)
hub_pending_table = cast(Table, PendingDeviceRow.__table__)
premium_rate_table = cast(Table, PremiumRateRow.__table__)
premium_payment_table = cast(Table, PremiumPaymentRow.__table__)
premium_paid_table = cast(Table, PremiumPaidRow.__table__)
premium_budget_table = cast(Table, PremiumBudgetRow.__table__)
participant_review_table = cast(Table, ParticipantReviewRow.__table__)
source_absence_table = cast(Table, SourceAbsenceRow.__table__)
