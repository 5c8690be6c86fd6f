"""The password policy (等保 2.0: length and complexity), beside Django's own validators (settings)."""

from django.core.exceptions import ValidationError

CLASSES = (("小写字母", str.islower), ("大写字母", str.isupper), ("数字", str.isdigit),
           ("符号", lambda char: not char.isalnum()))


class CharacterClassesValidator:
    """At least `required` of: lower-case letters, upper-case letters, digits, symbols."""

    def __init__(self, required: int = 3):
        self.required = required

    def validate(self, password: str, user=None) -> None:
        present = [name for name, test in CLASSES if any(test(char) for char in password)]
        if len(present) < self.required:
            raise ValidationError(
                f"密码须至少包含小写字母、大写字母、数字、符号中的{self.required}类（现有：{'、'.join(present) or '无'}）",
                code="password_too_simple")

    def get_help_text(self) -> str:
        return f"密码须至少包含小写字母、大写字母、数字、符号中的{self.required}类"
