"""The golden sync files: the code still writes them byte for byte, the regency reads the good
one and refuses each bad one by name; random corruption is always refused and never applied."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import text

from kudus_desktop.core.storage.signing import identity
from kudus_desktop.core.storage.syncfile import SyncError
from kudus_desktop.core.sync import RegencySync
from tests.conftest import Office
from tests.factories import file_state
from tests.fixtures.make_sync_fixtures import DESA, SEEDS, build, ident

FIXTURES = Path(__file__).parent.parent / "fixtures" / "sync"


def test_golden_files_are_what_the_code_writes() -> None:
    for name, data in build().items():
        assert (FIXTURES / name).read_bytes() == data, f"{name} changed: the format moved; update docs and version"


@pytest.fixture
def regency(offices: dict[str, Office]) -> Office:
    """The regency installation holding the fixtures' regency keys."""
    kab = offices["kab"]
    with kab.db.begin() as conn:
        conn.execute(text("DELETE FROM key_pair"))
        for purpose in ("sign", "box"):
            conn.execute(
                text("INSERT INTO key_pair VALUES (:p, :k, :pub, '2026-11-24 10:00:00')"),
                {
                    "p": purpose,
                    "k": SEEDS[f"regency_{purpose}"],
                    "pub": getattr(ident("regency"), f"{purpose}_public"),
                },
            )
    # Keys stored raw (as before they were wrapped) are wrapped at their first use.
    assert identity(kab.db).sign_public == ident("regency").sign_public
    return kab


def register_fixture_village(kab: Office) -> None:
    village = ident("village")
    with kab.db.begin() as conn:
        conn.execute(
            text("INSERT INTO sync_device (device_id, desa_code, sign_key, box_key, registered_at, registered_by)"
                 " VALUES (:d, :desa, :s, :b, '2026-11-24 10:00:00', 'admin')"),
            {"d": village.device_id, "desa": DESA, "s": village.sign_public, "b": village.box_public},
        )  # fmt: skip


def load(name: str) -> bytes:
    return (FIXTURES / name).read_bytes()


@pytest.mark.parametrize(
    ("name", "code"),
    [
        ("tampered.kdp", "sync_signature_invalid"),
        ("truncated.kdp", "sync_truncated"),
        ("unknown_device.kdp", "sync_unknown_device"),
        ("format0.kdp", "sync_format_older"),
    ],
)
def test_bad_golden_files_are_refused_by_name(regency: Office, name: str, code: str) -> None:
    register_fixture_village(regency)
    before = file_state(regency)
    with pytest.raises(SyncError) as err:
        RegencySync(regency.db, regency.user).import_package(load(name), name)
    assert err.value.code == code
    assert name in str(err.value) and "tidak ada yang diubah" in str(err.value).lower()
    assert file_state(regency) == before


def test_good_golden_file_is_imported(regency: Office) -> None:
    service = RegencySync(regency.db, regency.user)
    result = service.import_package(load("good.kdp"), "good.kdp", confirm_fingerprint=ident("village").fingerprint)
    assert (result.added, result.registered, result.history) == (2, True, 2)
    with regency.db.begin() as conn:
        names = conn.execute(text("SELECT full_name FROM participant ORDER BY reg_no")).scalars().all()
    assert names == ["Sutrisno", "Siti Aminah"]


corruptions = st.one_of(
    st.tuples(st.just("flip"), st.integers(min_value=0), st.integers(min_value=1, max_value=255)),
    st.tuples(st.just("cut"), st.integers(min_value=0), st.just(0)),
    st.tuples(st.just("insert"), st.integers(min_value=0), st.integers(min_value=0, max_value=255)),
    st.tuples(st.just("drop"), st.integers(min_value=0), st.integers(min_value=1, max_value=64)),
)


def corrupt(data: bytes, how: tuple[str, int, int]) -> bytes:
    kind, at, value = how
    at %= len(data)
    if kind == "flip":
        return data[:at] + bytes([data[at] ^ value]) + data[at + 1 :]
    if kind == "cut":
        return data[:at]
    if kind == "insert":
        return data[:at] + bytes([value]) + data[at:]
    return data[:at] + data[at + value :]


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(how=corruptions)
def test_random_corruption_is_always_refused_and_never_half_applied(regency: Office, how: tuple[str, int, int]) -> None:
    if not _registered(regency):
        register_fixture_village(regency)
    data = corrupt(load("good.kdp"), how)
    before = file_state(regency)
    with pytest.raises(SyncError):
        RegencySync(regency.db, regency.user).import_package(data, "x.kdp")
    assert file_state(regency) == before
    with regency.db.begin() as conn:
        assert conn.execute(text("SELECT COUNT(*) FROM participant")).scalar() == 0


def _registered(kab: Office) -> bool:
    with kab.db.begin() as conn:
        return bool(conn.execute(text("SELECT COUNT(*) FROM sync_device")).scalar())
