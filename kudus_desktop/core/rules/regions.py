"""The Kemendagri region list of Kabupaten Kudus shipped in ``resources/kudus_wilayah.csv``."""

from __future__ import annotations

import csv
from dataclasses import dataclass
from functools import cache

from kudus_desktop.core.paths import resource_path

KUDUS_CODE = "33.19"


@dataclass(frozen=True, slots=True)
class Region:
    """One kabupaten, kecamatan, desa or kelurahan."""

    code: str  # dotted Kemendagri code, e.g. 33.19.03.2008
    name: str
    level: str  # kabupaten | kecamatan | desa | kelurahan

    @property
    def parent_code(self) -> str | None:
        return self.code.rsplit(".", 1)[0] if "." in self.code else None

    @property
    def digits(self) -> str:
        """The code without dots (3319032008), as used in numbers and file names."""
        return self.code.replace(".", "")


@cache
def all_regions() -> tuple[Region, ...]:
    """Every row of the shipped region list, in file order."""
    with resource_path("kudus_wilayah.csv").open(encoding="utf-8", newline="") as fh:
        rows = list(csv.reader(line for line in fh if not line.startswith("#")))
    header, *body = rows
    if header != ["kode", "nama", "level"]:
        raise ValueError(f"unexpected header in kudus_wilayah.csv: {header}")
    return tuple(Region(code, name, level) for code, name, level in body)


@cache
def _by_code() -> dict[str, Region]:
    return {r.code: r for r in all_regions()}


def region(code: str) -> Region | None:
    """The region with this dotted code, or ``None``."""
    return _by_code().get(code.strip())


def kecamatan_list() -> list[Region]:
    return [r for r in all_regions() if r.level == "kecamatan"]


def villages_of(kecamatan_code: str, *, include_kelurahan: bool = False) -> list[Region]:
    """Desa (and optionally kelurahan) of a kecamatan, in code order."""
    levels = {"desa", "kelurahan"} if include_kelurahan else {"desa"}
    return [r for r in all_regions() if r.level in levels and r.parent_code == kecamatan_code]


def kudus_district_digits() -> frozenset[str]:
    """Two-digit kecamatan codes of Kudus (01..09), as found in NIK digits 5-6."""
    return frozenset(r.code[-2:] for r in kecamatan_list())


def normalise_name(name: str) -> str:
    """Case-fold and drop spaces, so 'BAKALAN KRAPYAK' matches 'Bakalankrapyak'."""
    return "".join(name.split()).casefold()
