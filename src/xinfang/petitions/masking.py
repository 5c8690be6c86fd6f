"""Masked display of personal data: what lists, pages and API answers show by default."""


def mask_name(name: str) -> str:
    """张三 -> 张*, 张小三 -> 张*三, 欧阳小明 -> 欧**明."""
    if len(name) <= 1:
        return name
    if len(name) == 2:
        return name[0] + "*"
    return name[0] + "*" * (len(name) - 2) + name[-1]


def mask_id_number(number: str) -> str:
    """5002...123X: keep the first 4 and last 4 characters."""
    if len(number) <= 8:
        return "*" * len(number)
    return number[:4] + "*" * (len(number) - 8) + number[-4:]


def mask_phone(phone: str) -> str:
    """13812345678 -> 138****5678; landlines keep the area code and the last 4 digits."""
    digits = phone.replace("-", "")
    if len(digits) == 11 and digits.startswith("1"):
        return digits[:3] + "****" + digits[-4:]
    if len(phone) <= 4:
        return "*" * len(phone)
    return phone[: min(4, len(phone) - 4)] + "*" * (len(phone) - min(4, len(phone) - 4) - 4) + phone[-4:]


def mask_address(address: str) -> str:
    """Keep the first 6 characters (district and street), hide the rest."""
    if len(address) <= 6:
        return address
    return address[:6] + "****"
