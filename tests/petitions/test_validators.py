"""ID numbers (GB 11643), credit codes (GB 32100), phones, masking: pure functions, no database."""

from datetime import date, timedelta

import pytest
from django.core.exceptions import ValidationError
from hypothesis import given
from hypothesis import strategies as st

from tests.conftest import ID_LI, ID_ZHANG
from xinfang.petitions.masking import mask_id_number, mask_name, mask_phone
from xinfang.petitions.validators import (
    id_check_char,
    validate_id_number,
    validate_phone,
    validate_uscc,
)


def test_valid_id_numbers_are_accepted_and_normalised():
    assert validate_id_number(ID_ZHANG.lower()) == ID_ZHANG  # lower-case x is normalised
    assert validate_id_number(f" {ID_LI} ") == ID_LI


@pytest.mark.parametrize(
    ("number", "code"),
    [
        ("11010519491231002", "id_format"),  # 17 characters
        ("1101051949123100XX", "id_format"),  # X only in the last position
        ("110105194902300021", "id_birth_date"),  # 30 February
        ("110105185001010011", "id_birth_date"),  # born before 1900
        ("110105194912310021", "id_check_digit"),  # check digit should be X
    ],
)
def test_invalid_id_numbers_are_refused_with_a_reason(number, code):
    with pytest.raises(ValidationError) as error:
        validate_id_number(number)
    assert error.value.code == code


def test_id_number_with_birth_date_in_the_future_is_refused():
    tomorrow = date.today() + timedelta(days=1)
    first17 = f"500112{tomorrow:%Y%m%d}123"
    with pytest.raises(ValidationError):
        validate_id_number(first17 + id_check_char(first17))


@given(
    region=st.integers(min_value=110000, max_value=659999),
    born=st.dates(min_value=date(1900, 1, 1), max_value=date(2020, 12, 31)),
    serial=st.integers(min_value=0, max_value=999),
)
def test_every_number_with_the_right_check_digit_validates_and_any_other_digit_fails(region, born, serial):
    first17 = f"{region}{born:%Y%m%d}{serial:03d}"
    right = id_check_char(first17)
    assert validate_id_number(first17 + right) == first17 + right
    wrong = "0" if right != "0" else "1"
    with pytest.raises(ValidationError):
        validate_id_number(first17 + wrong)


def test_unified_social_credit_code_check_digit():
    assert validate_uscc("91350100M000100Y43") == "91350100M000100Y43"
    with pytest.raises(ValidationError):
        validate_uscc("91350100M000100Y44")


@pytest.mark.parametrize("phone", ["13812345678", "+86 138 1234 5678", "023-68123456", "02368123456", "0851-8612345"])
def test_mainland_phones_are_accepted(phone):
    validate_phone(phone)


@pytest.mark.parametrize("phone", ["12812345678", "1381234567", "110", "abc", "023-0123456"])
def test_malformed_phones_are_refused(phone):
    with pytest.raises(ValidationError):
        validate_phone(phone)


def test_masks_match_what_offices_show():
    assert mask_name("张小三") == "张*三"
    assert mask_name("张三") == "张*"
    assert mask_name("欧阳小明") == "欧**明"
    assert mask_id_number("50021219900307123X") == "5002**********123X"
    assert mask_phone("13812345678") == "138****5678"
    assert "6812" not in mask_phone("023-68123456")
