"""Validation and normalisation of identity numbers and phone numbers."""

import re
import unicodedata
from datetime import date

from django.core.exceptions import ValidationError

# GB 11643-1999: weights of the first 17 digits and the check character for each remainder.
_ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_ID_CHECK = "10X98765432"
_ID_RE = re.compile(r"^[1-9]\d{5}(\d{8})\d{3}[\dX]$")

# GB 32100-2015: unified social credit code (统一社会信用代码) of an organisation.
_USCC_CHARS = "0123456789ABCDEFGHJKLMNPQRTUWXY"
_USCC_WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)
_USCC_RE = re.compile(r"^[0-9A-HJ-NPQRTUWXY]{2}\d{6}[0-9A-HJ-NPQRTUWXY]{10}$")

_MOBILE_RE = re.compile(r"^1[3-9]\d{9}$")
# Landline: area code 0xx or 0xxx, then 7 or 8 digits, optional extension.
_LANDLINE_RE = re.compile(r"^0\d{2,3}-?[2-9]\d{6,7}(-\d{1,6})?$")


def id_check_char(first17: str) -> str:
    total = sum(int(digit) * weight for digit, weight in zip(first17, _ID_WEIGHTS, strict=True))
    return _ID_CHECK[total % 11]


def normalize_id_number(value: str) -> str:
    return value.strip().replace(" ", "").upper()


def validate_id_number(value: str) -> str:
    """Check a mainland resident ID number (18 digits, real birth date, check digit); return it normalised."""
    number = normalize_id_number(value)
    match = _ID_RE.match(number)
    if not match:
        raise ValidationError("身份证号码应为18位，前17位为数字，最后一位为数字或X", code="id_format")
    birth = match.group(1)
    try:
        born = date(int(birth[:4]), int(birth[4:6]), int(birth[6:8]))
    except ValueError:
        raise ValidationError("身份证号码中的出生日期不存在", code="id_birth_date") from None
    if born.year < 1900 or born > date.today():
        raise ValidationError("身份证号码中的出生日期不合理", code="id_birth_date")
    if id_check_char(number[:17]) != number[17]:
        raise ValidationError("身份证号码校验位不正确，请核对", code="id_check_digit")
    return number


def uscc_check_char(first17: str) -> str:
    total = sum(_USCC_CHARS.index(char) * weight for char, weight in zip(first17, _USCC_WEIGHTS, strict=True))
    return _USCC_CHARS[(31 - total % 31) % 31]


def validate_uscc(value: str) -> str:
    """Check a unified social credit code (GB 32100); return it normalised."""
    code = normalize_id_number(value)
    if not _USCC_RE.match(code):
        raise ValidationError("统一社会信用代码应为18位数字或大写字母", code="uscc_format")
    if uscc_check_char(code[:17]) != code[17]:
        raise ValidationError("统一社会信用代码校验位不正确，请核对", code="uscc_check_digit")
    return code


def normalize_phone(value: str) -> str:
    phone = re.sub(r"[\s()（）]", "", value.strip())
    if phone.startswith("+86"):
        phone = phone[3:]
    elif phone.startswith("0086"):
        phone = phone[4:]
    return phone


def normalize_name(value: str) -> str:
    """A name as compared for identity: full-width folded (NFKC), spaces and the middle dot dropped."""
    folded = unicodedata.normalize("NFKC", value)
    return re.sub(r"[\s·•.]", "", folded).upper()


def validate_phone(value: str) -> str:
    """Check a mainland mobile (11 digits) or landline number; return it normalised."""
    phone = normalize_phone(value)
    if _MOBILE_RE.match(phone) or _LANDLINE_RE.match(phone):
        return phone
    raise ValidationError("联系电话格式不正确：手机号为11位，固定电话如 023-12345678", code="phone_format")
