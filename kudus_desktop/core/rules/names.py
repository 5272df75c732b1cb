"""Indonesian personal names compared as the same person's, however a clerk spelled them.

Old and new spellings (EYD: oe/u, dj/j, tj/c; ch/kh), the many ways of writing Muhammad (M.,
MOCH., MOH., MUCHAMMAD ...), "bin"/"binti" and doubled letters make one person's name look like
several. :func:`name_key` folds them away; :func:`similar` then compares the keys with rapidfuzz
(a C implementation of edit-distance ratios, about a hundred times faster than difflib, which
matters when a regency of a million compares families and an import compares every row).
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

from rapidfuzz import fuzz

#: How close two keys must be (0-100) to suggest the same person.
SIMILARITY = 85

_OLD_SPELLING = (("OE", "U"), ("DJ", "J"), ("TJ", "C"), ("SJ", "SY"), ("CH", "KH"))
_REPEATS = re.compile(r"(.)\1+")
_TOKEN = re.compile(r"[A-Z]+")
#: Every way of writing Muhammad, as keys (spelling folded, doubled letters single).
_MUHAMMAD = frozenset({
    "M", "MH", "MOH", "MOHD", "MUH", "MOKH", "MUKH", "MOHAMAD", "MOHAMED", "MOHAMET", "MUHAMAD", "MUHAMED",
    "MOKHAMAD", "MUKHAMAD", "MUKHAMED", "MUHAMAT", "MOKHAMAT", "MAMAD",
})  # fmt: skip
_DROPPED = frozenset({"BIN", "BINTI", "BT", "BINT"})


def _token_key(token: str) -> str:
    for old, new in _OLD_SPELLING:
        token = token.replace(old, new)
    token = _REPEATS.sub(r"\1", token)
    return "MUHAMAD" if token in _MUHAMMAD else token


@lru_cache(maxsize=65536)
def name_key(name: str) -> str:
    """The name with spelling variants folded: "Moch. Choirul Oemar bin Djoko" and "Muhammad
    Khoirul Umar Joko" give the same key."""
    text = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode().upper()
    tokens = [_token_key(t) for t in _TOKEN.findall(text)]
    return " ".join(t for t in tokens if t not in _DROPPED)


def similar(a: str, b: str) -> bool:
    """Whether two names (as typed) likely belong to one person: the same key, keys whose
    similarity, letters or words in any order, reaches :data:`SIMILARITY`, or one name of two
    words or more held whole in the other ("Siti Aminah" and "Siti Aminah Kasmo")."""
    ka, kb = name_key(a), name_key(b)
    if not ka or not kb:
        return False
    if ka == kb:
        return True
    if fuzz.ratio(ka, kb, score_cutoff=SIMILARITY) or fuzz.token_sort_ratio(ka, kb, score_cutoff=SIMILARITY):
        return True
    shorter = min(ka, kb, key=len)
    return shorter.count(" ") >= 1 and fuzz.token_set_ratio(ka, kb) == 100


def likely_same(kk_a: str | None, name_a: str, kk_b: str | None, name_b: str) -> bool:
    """Two records born on the same day that likely are one person under two NIKs: the same KK
    and a similar name, or the same name (as keys) whatever the KK."""
    if kk_a and kk_b and kk_a == kk_b and similar(name_a, name_b):
        return True
    return name_key(name_a) == name_key(name_b) != ""
