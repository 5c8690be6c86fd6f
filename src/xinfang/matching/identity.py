"""Identity keys: blind indexes of name+address and name+birth date (pure functions, no database).

Names and addresses are stored encrypted, so people are compared through keyed digests of normalised
values, the same way the petitions app indexes ID numbers and phones.
"""

import re
import unicodedata
from functools import cache

import opencc

from xinfang.petitions import crypto
from xinfang.petitions.validators import normalize_name

# Confidence of each way of finding the same person (docs/MATCHING.md).
CONFIDENCE = {
    "id_number": 1.0,
    "phone": 0.8,
    "name_address": 0.75,
    "name_birth_date": 0.6,
}

_NOT_LETTER_OR_DIGIT = re.compile(r"[\W_]+")
_ID_BIRTH = re.compile(r"^\d{6}(\d{8})\d{3}[\dX]$")


@cache
def _t2s() -> opencc.OpenCC:
    return opencc.OpenCC("t2s")


def normalize_address(address: str) -> str:
    """An address as compared: simplified characters, NFKC-folded, letters and digits only."""
    if not address:
        return ""
    folded = unicodedata.normalize("NFKC", address)
    return _NOT_LETTER_OR_DIGIT.sub("", _t2s().convert(folded).upper())


def birth_date_of(id_number: str) -> str:
    """YYYYMMDD from an 18-character resident ID number, or '' (organisations' codes have none)."""
    match = _ID_BIRTH.match((id_number or "").strip().upper())
    return match.group(1) if match else ""


def name_key(name: str) -> str:
    """The normalised name, with traditional characters simplified (张 and 張 are one surname)."""
    return normalize_name(_t2s().convert(unicodedata.normalize("NFKC", name or "")))


def name_address_key(name: str, address: str) -> str:
    name, address = name_key(name), normalize_address(address)
    # An address of a few characters ("重庆") does not tell people apart.
    if not name or len(address) < 6:
        return ""
    return crypto.blind_index(f"name_address|{name}|{address}")


def name_birth_key(name: str, id_number: str) -> str:
    name, born = name_key(name), birth_date_of(id_number)
    if not name or not born:
        return ""
    return crypto.blind_index(f"name_birth|{name}|{born}")
