"""Validation and normalisation of identity numbers and phone numbers; the bounds of every number taken."""

import re
import unicodedata
from datetime import date, datetime
from decimal import Decimal

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


# --- numeric bounds ---------------------------------------------------------------------------------------
# Every number a petition or an action takes is bounded here, once: the registration service (and through it
# the web form, the API and the bulk import), the form's and the API schema's own limits, and the stats filters
# all read these constants, so what one entry point accepts every other accepts too (docs/SECURITY.md).
# The caps also keep every database sum far from 64-bit overflow: 10,000 人次 a petition over a billion
# petitions is 10^13, against 9.2 × 10^18 for a BIGINT (and SQLite's integer sum).

# 人次 of one petition: the largest group visits on record are a few thousand people.
MAX_PERSON_TIMES = 10_000
# Petitioners registered on one petition: the web formset's absolute maximum; a larger group is counted in 人次
# and represented by at most five representatives (Art 20, settings.XINFANG_MAX_REPRESENTATIVES).
MAX_PETITIONERS = 20
# 涉及金额: yuan with fen, under 10^12 yuan; fits Petition.amount_involved (max_digits=14, decimal_places=2).
AMOUNT_DECIMAL_PLACES = 2
MAX_AMOUNT_INVOLVED = Decimal("999999999999.99")
# Hot topics named on one petition (there are a dozen or so in all).
MAX_HOT_TOPICS = 20
# Working days of a term an action sets (办结报告期限, 延期): the statutory terms are at most 90 days.
MAX_ACTION_DAYS = 365
# Database ids are BIGINT (DEFAULT_AUTO_FIELD = BigAutoField): a larger number names nothing.
MAX_DB_ID = 2**63 - 1
# Years a date may have, as the import's (exchange.limits): old paper records are imported, and the upper bound
# keeps date arithmetic (a period's year-on-year comparison, a term's end) inside Python's calendar.
MIN_YEAR = 1900
MAX_YEAR = 2100


def validate_db_id(value: object) -> int | None:
    """A typed id ("123") as an int when it could name a row, else None (ASCII digits only, within BIGINT)."""
    text = str(value).strip()
    if not (text.isascii() and text.isdigit()) or len(text) > 19:
        return None
    number = int(text)
    return number if 1 <= number <= MAX_DB_ID else None


def registration_bounds(*, person_times: int | None, petitioners: int, hot_topics: int,
                        amount_involved: Decimal | None, received_at: datetime | None) -> dict[str, list[str]]:
    """The bounds of a registration's numbers and date; {field: [message]} for each out of range (empty if none)."""
    errors: dict[str, list[str]] = {}
    if person_times is not None and not 1 <= person_times <= MAX_PERSON_TIMES:
        errors["person_times"] = [f"人次应在1至{MAX_PERSON_TIMES}之间"]
    if petitioners > MAX_PETITIONERS:
        errors["petitioners"] = [f"一件信访事项最多登记{MAX_PETITIONERS}名信访人（其余人数计入人次）"]
    if hot_topics > MAX_HOT_TOPICS:
        errors["hot_topic_codes"] = [f"热点领域最多选择{MAX_HOT_TOPICS}项"]
    if amount_involved is not None:
        if not amount_involved.is_finite():
            errors["amount_involved"] = ["涉及金额应为数字"]
        elif amount_involved < 0:
            errors["amount_involved"] = ["涉及金额不能为负数"]
        elif amount_involved > MAX_AMOUNT_INVOLVED:
            errors["amount_involved"] = [f"涉及金额不能超过{MAX_AMOUNT_INVOLVED:,}元"]
        elif amount_involved.as_tuple().exponent < -AMOUNT_DECIMAL_PLACES:
            errors["amount_involved"] = [f"涉及金额最多{AMOUNT_DECIMAL_PLACES}位小数（精确到分）"]
    if received_at is not None and received_at.year < MIN_YEAR:
        errors["received_at"] = [f"收到时间不能早于{MIN_YEAR}年"]
    return errors
