"""Packages, receipts and setup files made by someone holding a registered device's key: validly
signed and encrypted, with hostile contents. Each is refused with a sentence or has its bad rows
rejected with their reasons; nothing else is stored, nothing raises anything but a refusal, and
memory stays bounded."""

from __future__ import annotations

import json
import tracemalloc
import zlib
from itertools import count
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import text

from kudus_desktop.core.storage.signing import Identity, identity
from kudus_desktop.core.storage.sync_rules import RECEIPT_TABLES
from kudus_desktop.core.storage.syncfile import MiB, SyncError, open_payload, parse
from kudus_desktop.core.sync import RegencySync, VillageSync, read_setup_file_bytes
from tests.conftest import DESA_B, Office
from tests.factories import DESA, enrol, export, file_state, ingest
from tests.hostile import canonical, craft, lines, package_text, person, row

SEQS = count(100)
HYPOTHESIS = settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow]
)


@pytest.fixture
def registered(world: dict[str, Office], tmp_path: Path) -> tuple[Office, Office, Identity, bytes]:
    """Village A's device registered at the regency by its first real package."""
    a, kab = world["a"], world["kab"]
    enrol(a, 1)
    ingest(kab, export(a, tmp_path / "stick"), a)
    return a, kab, identity(a.db), identity(kab.db).box_public


def held_uids(kab: Office) -> set[str]:
    with kab.db.begin() as conn:
        return set(conn.execute(text("SELECT uid FROM participant")).scalars())


def receipt_records(kab: Office, village: Office) -> dict[str, tuple[Any, ...]]:
    """uid -> record of the receipt the regency would hand the village now, opened as the village would."""
    receipt = RegencySync(kab.db, kab.user).current_receipt(DESA)
    assert receipt is not None
    payload = open_payload(parse(receipt.data, receipt.name, "receipt"), identity(village.db).box, RECEIPT_TABLES)
    return {r[0]: r for r in payload.rows("records")}


def send(kab: Office, data: bytes) -> Any:
    return RegencySync(kab.db, kab.user).import_package(data, "hostile.kdp")


# ----------------------------------------------------------------------------- rows

#: One broken field each: (column, value) and what the rule is about.
BROKEN: list[tuple[str, Any]] = [
    ("nik", "331903120580001"),  # 15 digits
    ("nik", "33190312058O0001"),  # a letter O
    ("nik", "3319031205800000"),  # serial 0000
    ("nik", "9919031205800001"),  # no such province
    ("nik", 3319031205800001),  # a number, not text
    ("birth_date", "2026-02-30"),
    ("birth_date", "1980-13-01"),
    ("birth_date", "12/05/1980"),
    ("birth_date", 19800512),
    ("birth_date", "2999-01-01"),
    ("full_name", "A" * 101),
    ("full_name", "Budi\u202eonO"),  # a right-to-left override
    ("full_name", "Budi 2"),
    ("full_name", " Budi"),
    ("address", "Jl. Raya\x07 1"),
    ("address", "Jl.\u2028Raya"),
    ("category", "tidak_ada"),
    ("funding", "apbn"),
    ("status", "hidup"),
    ("sex", "X"),
    ("rt", "1000"),
    ("rt", "000"),
    ("rev", "abc"),
    ("rev", -1),
    ("rev", 2**40),
    ("rev", 2**70),
    ("reg_no", "3319012001-00001"),  # another desa's number
    ("reg_no", "garbage"),
    ("desa_code", DESA_B),
    ("kpj", "KPJ-1"),
    ("created_at", "2026-02-30 10:00:00"),
    ("created_by", ""),
    ("start_date", "1979-01-01"),  # before birth
    ("kk", "12345"),
    ("phone", "123"),
    ("status", "berhenti"),  # without an exit reason and date
]


@HYPOTHESIS
@given(
    plan=st.lists(st.one_of(st.none(), st.sampled_from(range(len(BROKEN)))), min_size=1, max_size=8),
    duplicate=st.booleans(),
)
def test_bad_rows_are_rejected_with_reasons_and_good_rows_go_in(
    registered: tuple[Office, Office, Identity, bytes], plan: list[int | None], duplicate: bool
) -> None:
    a, kab, me, box = registered
    seq = next(SEQS)
    people, good, bad = [], set(), set()
    for n, broken in enumerate(plan):
        values = person(DESA, seq * 100 + n)
        if broken is not None:
            column, value = BROKEN[broken]
            values[column] = value
            bad.add(values["uid"])
        else:
            good.add(values["uid"])
        people.append(row(values))
    if duplicate and good:
        twin = next(p for p in people if p[0] in good)
        people.append(list(twin))  # the same uid twice: the second is rejected
    before = held_uids(kab)
    payload, counts = package_text(people)
    result = send(kab, craft(me, box, desa=DESA, seq=seq, text=payload, counts=counts))
    assert held_uids(kab) - before == good
    assert result.rejected == len(bad) + (1 if duplicate and good else 0)
    records = receipt_records(kab, a)
    for uid in bad:
        outcome, reason = records[uid][2], records[uid][3]
        assert outcome == "rejected" and reason and "{" not in reason, (uid, reason)
    for uid in good:
        assert records[uid][2] == "accepted"


def test_rows_naming_what_others_hold_are_rejected_and_nothing_collides(
    registered: tuple[Office, Office, Identity, bytes], world: dict[str, Office], tmp_path: Path
) -> None:
    a, kab, me, box = registered
    b = world["b"]
    enrol(b, 40)
    ingest(kab, export(b, tmp_path / "stick-b"), b)
    with kab.db.begin() as conn:
        b_uid, b_reg = conn.execute(
            text("SELECT uid, reg_no FROM participant WHERE desa_code = :d"), {"d": DESA_B}
        ).one()
        a_reg = conn.execute(text("SELECT reg_no FROM participant WHERE desa_code = :d"), {"d": DESA}).scalar_one()
    people = [
        row(person(DESA, 500, uid=b_uid)),  # village B's uid
        row(person(DESA, 501, reg_no=b_reg)),  # village B's number
        row(person(DESA, 502, reg_no=a_reg)),  # a number this desa already holds for someone else
        row(person(DESA, 503)),
    ]
    before = held_uids(kab)
    payload, counts = package_text(people)
    result = send(kab, craft(me, box, desa=DESA, seq=next(SEQS), text=payload, counts=counts))
    assert result.rejected == 3 and result.added == 1
    assert held_uids(kab) - before == {people[3][0]}
    records = receipt_records(kab, a)
    assert "desa lain" in records[people[0][0]][3]
    assert "00001" in records[people[2][0]][3] or a_reg in records[people[2][0]][3]


# ----------------------------------------------------------------------------- containers

HOSTILE_HEADER: list[dict[str, Any]] = [
    {"seq": 2**64}, {"seq": 10**12}, {"seq": 0}, {"seq": -5}, {"seq": True}, {"seq": "7"},
    {"length": 2**63}, {"schema": 2**70}, {"desa": "33.19.03.2008; DROP"}, {"desa": ["33.19.03.2008"]},
    {"device": "0" * 16}, {"created": "2026-13-45 99:99:99"}, {"counts": {"participants": -1}},
    {"counts": {"participants": 2**40}}, {"size": 0}, {"size": 2**40}, {"counts": {"x" * 100: 1}},
    {"nonce": "AAAA"}, {"sender_box": "!!!!"}, {"rotation": {"old_device": "zz"}}, {"regency": "33.74"},
]  # fmt: skip
RAW_HEADERS = [
    b"[" * 4000 + b"]" * 4000,
    b'{"kind": "package", "kind": "receipt"}',
    b'{"seq": NaN}',
    b'{"seq": 1e5}',
    b'{"a": ' * 3 + b"1" + b"}" * 3,
    b"\xff\xfe{}",
    b"{" + b'"x":' + b"9" * 5000 + b"}",
]


@HYPOTHESIS
@given(st.sampled_from(range(len(HOSTILE_HEADER) + len(RAW_HEADERS))))
def test_hostile_headers_are_refused_with_a_sentence_and_change_nothing(
    registered: tuple[Office, Office, Identity, bytes], which: int
) -> None:
    _, kab, me, box = registered
    payload, counts = package_text([row(person(DESA, 900))])
    if which < len(HOSTILE_HEADER):
        data = craft(me, box, desa=DESA, seq=next(SEQS), text=payload, counts=counts, header=HOSTILE_HEADER[which])
    else:
        data = craft(me, box, desa=DESA, seq=next(SEQS), text=payload, counts=counts,
                     header_bytes=RAW_HEADERS[which - len(HOSTILE_HEADER)])  # fmt: skip
    before = file_state(kab)
    with pytest.raises(SyncError) as err:
        send(kab, data)
    message = str(err.value)
    assert message and ("tidak ada yang diubah" in message.lower() or "ditolak" in message), message
    assert file_state(kab) == before


PAYLOADS: list[bytes] = [
    b"[" * 100_000 + b"]" * 100_000 + b"\n",  # deep JSON on the first line
    b'{"tables":[],"tables":[]}\n',  # a duplicate key
    b'{"tables":[["participants",["uid"],1]],"full":NaN}\n["x"]\n',
    b'{"tables":[["participants",["uid"],1]]}\n[1.5]\n',  # a fraction
    b'{"tables":[["participants",["uid"],1]]}\n[' + b"9" * 5000 + b"]\n",  # an integer too long to read
    b'{"tables":[["participants",["uid"],1]]}\n[[[[["x"]]]]]\n',  # nested cells
    b'{"tables":[["participants",["uid"],1]]}\n[true]\n',  # a boolean cell
    b'{"tables":[["participants",["uid"],2]]}\n["a"]\n',  # fewer rows than declared
    b'{"tables":[["participants",["uid"],1]]}\n["a"]\n["b"]\n',  # more rows than declared
    b'{"tables":[["participants",["uid"],1]]}\n["a"]',  # no final newline
    b'{"tables":[["participants",["uid","uid"],1]]}\n["a","b"]\n',  # a column twice
]


@HYPOTHESIS
@given(st.sampled_from(range(len(PAYLOADS))), st.booleans())
def test_hostile_payloads_are_refused_whole(
    registered: tuple[Office, Office, Identity, bytes], which: int, trailing: bool
) -> None:
    _, kab, me, box = registered
    body = PAYLOADS[which]
    counts = {"participants": 1}
    if b'",2]]' in body:
        counts = {"participants": 2}
    compressed = zlib.compress(body) + (b"\x00junk" if trailing else b"")
    data = craft(me, box, desa=DESA, seq=next(SEQS), compressed=compressed, counts=counts, size=len(body))
    before = file_state(kab)
    with pytest.raises(SyncError) as err:
        send(kab, data)
    assert err.value.code in ("sync_payload_invalid", "sync_payload_too_large"), err.value.code
    assert file_state(kab) == before


def test_trailing_bytes_after_the_zlib_stream_are_refused(registered: tuple[Office, Office, Identity, bytes]) -> None:
    _, kab, me, box = registered
    payload, counts = package_text([row(person(DESA, 901))])
    data = craft(me, box, desa=DESA, seq=next(SEQS), compressed=zlib.compress(payload) + b"PK", counts=counts,
                 size=len(payload))  # fmt: skip
    with pytest.raises(SyncError) as err:
        send(kab, data)
    assert err.value.code == "sync_payload_invalid" and "sesudah akhir" in str(err.value)


def peak_mb(fn: Any) -> float:
    tracemalloc.start()
    try:
        fn()
    finally:
        _, peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()
    return peak / MiB


def test_compression_bombs_stop_at_the_declared_size_with_little_memory(
    registered: tuple[Office, Office, Identity, bytes],
) -> None:
    _, kab, me, box = registered
    # 2 GiB of zeros in about 2 MB: declared small, declared huge, declared within the ceiling.
    inflater = zlib.compressobj(9)
    bomb = b"".join(inflater.compress(b"\0" * MiB) for _ in range(2048)) + inflater.flush()
    assert len(bomb) < 3 * MiB
    cases = [
        ({"participants": 1}, 1000, "sync_payload_invalid"),  # more inflates than declared: stops at 1000 + 1
        ({"participants": 10**6}, 2**31 - 1, "sync_payload_too_large"),  # refused before inflating
        ({"participants": 1000}, 8 * MiB, "sync_payload_invalid"),  # a line longer than a row may be
    ]
    for counts, size, code in cases:
        data = craft(me, box, desa=DESA, seq=next(SEQS), compressed=bomb, counts=counts, size=size)
        before = file_state(kab)

        def attempt(data: bytes = data, code: str = code) -> None:
            with pytest.raises(SyncError) as err:
                send(kab, data)
            assert err.value.code in (code, "sync_payload_too_large", "sync_payload_invalid"), err.value.code

        peak = peak_mb(attempt)
        print(f"PEAK bomb {counts} {size}: {peak:.1f} MB")
        assert peak < 40, f"{counts} {size}: {peak:.1f} MB"  # the file itself is ~2 MB, twice over when decrypted
        assert file_state(kab) == before


def test_a_package_of_many_broken_rows_is_bounded_and_rejected_row_by_row(
    registered: tuple[Office, Office, Identity, bytes],
) -> None:
    """Rows that compress to almost nothing (the 917 KB package that once took 5.6 GB): every one
    is checked and rejected, within memory proportional to the declared size."""
    _, kab, me, box = registered
    bad = row(person(DESA, 1, nik="0"))
    people = [[f"{n:08x}-0000-4000-8000-000000000000", *bad[1:]] for n in range(50_000)]
    payload, counts = package_text(people)
    data = craft(me, box, desa=DESA, seq=next(SEQS), text=payload, counts=counts)
    assert len(data) < 2 * MiB < len(payload)
    result: list[Any] = []
    peak = peak_mb(lambda: result.append(send(kab, data)))
    print(f"PEAK rows {peak:.1f} MB for {len(payload) / MiB:.1f} MB")
    assert result[0].rejected == 50_000 and result[0].added == 0
    assert peak < 12 * len(payload) / MiB, f"{peak:.0f} MB for {len(payload) / MiB:.0f} MB of rows"


def test_a_batch_goes_on_after_a_bad_file_and_reports_each(
    registered: tuple[Office, Office, Identity, bytes], tmp_path: Path
) -> None:
    _, kab, me, box = registered
    folder = tmp_path / "flashdisk"
    folder.mkdir()
    payload, counts = package_text([row(person(DESA, 950))])
    (folder / "a_deep.kdp").write_bytes(craft(me, box, desa=DESA, seq=next(SEQS), header_bytes=b"[" * 4000))
    (folder / "b_huge_seq.kdp").write_bytes(
        craft(me, box, desa=DESA, text=payload, counts=counts, header={"seq": 2**64})
    )
    (folder / "c_good.kdp").write_bytes(craft(me, box, desa=DESA, seq=next(SEQS), text=payload, counts=counts))
    (folder / "d_garbage.kdp").write_bytes(b"KUDUSPKG\x02\xff\xff\xff\xff")
    report = RegencySync(kab.db, kab.user).import_files(sorted(folder.glob("*.kdp")))
    assert [r.name for r in report.done] == ["c_good.kdp"] and report.done[0].added == 1
    assert sorted(f.name for f in report.failed) == ["a_deep.kdp", "b_huge_seq.kdp", "d_garbage.kdp"]
    assert all(f.message and "Traceback" not in f.message for f in report.failed)


def test_a_huge_sequence_number_is_refused_and_gaps_are_ranges(
    registered: tuple[Office, Office, Identity, bytes],
) -> None:
    _, kab, me, box = registered
    payload, counts = package_text([row(person(DESA, 960))])
    with pytest.raises(SyncError):
        send(kab, craft(me, box, desa=DESA, text=payload, counts=counts, header={"seq": 10**12}))
    # The largest number allowed is taken, and the gap below it is one range, not a list.
    send(kab, craft(me, box, desa=DESA, seq=2**31 - 1, text=payload, counts=counts))
    village = next(v for v in RegencySync(kab.db, kab.user).villages() if v.code == DESA)
    assert village.missing[-1][1] == 2**31 - 2 and village.missing_count > 2**30
    receipt = RegencySync(kab.db, kab.user).current_receipt(DESA)
    assert receipt is not None and len(receipt.data) < 64 * 1024


# ----------------------------------------------------------------------------- receipts


def test_hostile_receipts_are_refused_and_change_nothing(
    registered: tuple[Office, Office, Identity, bytes], tmp_path: Path
) -> None:
    a, kab, me, _ = registered
    regency = identity(kab.db)
    village = VillageSync(a.db, a.user)
    (good,) = RegencySync(kab.db, kab.user).write_receipts(tmp_path / "r")
    village.import_receipt(good)

    def receipt(meta: dict[str, Any], records: list[list[Any]] | None = None, seq: int = 5) -> bytes:
        body = lines(meta, [("records", ["uid", "rev", "outcome", "reason", "kpj"], records or [])])
        return craft(regency, me.box_public, desa=DESA, kind="receipt", seq=seq, text=body,
                     counts={"records": len(records or [])})  # fmt: skip

    base = {"device": me.device_id, "received": [[1, 1]], "missing": [], "missing_count": 0, "last_seq": 1}
    cases = [
        ({"packages": {**base, "device": "0123456789abcdef"}}, None, "sync_receipt_other_device"),
        ({"packages": {**base, "last_seq": 10**20}}, None, "sync_payload_invalid"),
        ({"packages": {**base, "received": [[5, 1]]}}, None, "sync_payload_invalid"),
        ({"packages": base, "last_reg_no": -1}, None, "sync_payload_invalid"),
        ({"packages": base}, [["not-a-uid", 1, "accepted", "", None]], "sync_payload_invalid"),
        ({"packages": base}, [[person(DESA, 1)["uid"], 2**70, "accepted", "", None]], "sync_payload_invalid"),
        ({"packages": base}, [[person(DESA, 1)["uid"], 1, "hooray", "", None]], "sync_payload_invalid"),
        ({"packages": base}, [[person(DESA, 1)["uid"], 1, "accepted", "\x1b[31m", None]], "sync_payload_invalid"),
    ]
    for meta, records, code in cases:
        path = tmp_path / "bad.kdr"
        path.write_bytes(receipt(meta, records))
        before = file_state(a)
        with pytest.raises(SyncError) as err:
            village.import_receipt(path)
        assert err.value.code == code, (meta, err.value.code)
        assert file_state(a) == before
    # Another receipt under a number already applied is refused, not skipped in silence.
    applied = int(village.status().receipt_seq)
    other = tmp_path / "other.kdr"
    other.write_bytes(receipt({"packages": base}, seq=applied))
    with pytest.raises(SyncError) as err:
        village.import_receipt(other)
    assert err.value.code == "sync_receipt_conflict"
    assert village.import_receipt(good).already_applied


# ----------------------------------------------------------------------------- setup files


@HYPOTHESIS
@given(st.sampled_from(["depth", "dup", "nan", "extra", "type", "server", "control", "huge", "utf16"]))
def test_hostile_setup_files_are_refused(registered: tuple[Office, Office, Identity, bytes], tmp_path: Path,
                                         case: str) -> None:  # fmt: skip
    _, kab, _, _ = registered
    path, _ = RegencySync(kab.db, kab.user).make_setup_file(DESA, tmp_path / f"setup-{case}.kdsetup")
    good = json.loads(path.read_text(encoding="utf-8"))
    assert read_setup_file_bytes(path.read_bytes(), path.name).desa == DESA
    raw: bytes
    if case == "depth":
        raw = b"[" * 5000 + b"]" * 5000
    elif case == "dup":
        raw = path.read_bytes().replace(b'"desa":', b'"desa": "33.19.01.2001", "desa":', 1)
    elif case == "nan":
        raw = canonical({**good, "format": 1}).replace(b'"format":1', b'"format":NaN')
    elif case == "extra":
        raw = canonical({**good, "revoked": []})
    elif case == "type":
        raw = canonical({**good, "desa": 3319032008})
    elif case == "server":
        raw = canonical({**good, "server": "javascript:alert(1)"})
    elif case == "control":
        raw = canonical({**good, "desa_name": "Getas\u202epejaten"})
    elif case == "huge":
        raw = canonical({**good, "desa_name": "x" * 100_000})
    else:
        raw = path.read_text(encoding="utf-8").encode("utf-16")
    with pytest.raises(SyncError) as err:
        read_setup_file_bytes(raw, "setup.kdsetup")
    assert err.value.code in ("sync_setup_invalid", "sync_setup_format")


HOSTILE_VALUES = st.one_of(
    st.integers(min_value=-(2**70), max_value=2**70), st.text(max_size=30), st.none(), st.booleans(),
    st.lists(st.integers(min_value=-5, max_value=2**33), max_size=4),
    st.dictionaries(st.text(max_size=5), st.integers()),
)  # fmt: skip


@HYPOTHESIS
@given(field=st.sampled_from(["device", "received", "missing", "missing_count", "last_seq", "digests"]),
       value=HOSTILE_VALUES, top=st.sampled_from([None, "full_resend", "last_reg_no"]))  # fmt: skip
def test_receipts_with_hostile_members_never_change_a_village_by_halves(
    registered: tuple[Office, Office, Identity, bytes], tmp_path: Path, field: str, value: Any, top: str | None
) -> None:
    a, kab, me, _ = registered
    regency = identity(kab.db)
    packages: dict[str, Any] = {"device": me.device_id, "received": [[1, 1]], "missing": [], "missing_count": 0,
                                "last_seq": 1, "digests": []}  # fmt: skip
    packages[field] = value
    meta: dict[str, Any] = {"packages": packages}
    if top is not None:
        meta[top] = value
    body = lines(meta, [("records", ["uid", "rev", "outcome", "reason", "kpj"], [])])
    path = tmp_path / f"h{next(SEQS)}.kdr"
    path.write_bytes(craft(regency, me.box_public, desa=DESA, kind="receipt", seq=next(SEQS), text=body,
                           counts={"records": 0}))  # fmt: skip
    before = file_state(a)
    try:
        VillageSync(a.db, a.user).import_receipt(path)
    except SyncError as exc:
        assert str(exc) and file_state(a) == before  # refused with a sentence, nothing changed
        return
    # Taken: then every value it holds was one the format allows.
    status = VillageSync(a.db, a.user).status()
    assert 0 <= status.last_seq <= 2**31 - 1 and status.missing_count >= 0
