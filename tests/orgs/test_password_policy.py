"""The password policy: 12 characters and three of four character classes, with reasons in Chinese."""

import pytest
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError


@pytest.mark.parametrize("password, reason", [
    ("Ab1!", "12"),
    ("abcdefghijkl", "至少包含小写字母、大写字母、数字、符号中的3类"),
    ("abcdefgh1234", "现有：小写字母、数字"),
])
def test_weak_passwords_are_refused_with_the_reason(password, reason):
    with pytest.raises(ValidationError) as error:
        validate_password(password)
    assert any(reason in message for message in error.value.messages), error.value.messages


def test_a_long_password_of_three_classes_passes():
    validate_password("Qingxi-Xinfang-2026")
