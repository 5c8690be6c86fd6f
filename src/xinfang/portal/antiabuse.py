"""Anti-abuse for the public portal: fixed-window rate limits in Django's cache and a CAPTCHA of our own.

No outside service (an intranet has none): the challenge is a small sum written in Chinese characters, read by a
screen reader as well as by eye (WCAG 1.1.1), with its answer bound into a signed, expiring, one-use token.
The counters live in the cache: with several server processes the cache must be shared (a database or Redis
cache, settings.CACHES); the default per-process memory cache suits the one-process deployment.
"""

import secrets
from dataclasses import dataclass

from django.conf import settings
from django.core import signing
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.utils.crypto import constant_time_compare, salted_hmac

CAPTCHA_SALT = "xinfang.portal.captcha"
CAPTCHA_MAX_AGE = 20 * 60  # seconds a challenge stays answerable (a long complaint takes a while to type)
DIGITS = "零一二三四五六七八九"

# (how many, per how many seconds): overridable by settings.XINFANG_PORTAL_LIMITS, read at call time.
DEFAULT_LIMITS: dict[str, tuple[int, int]] = {
    "submit_ip": (10, 3600),  # submissions from one address per hour
    "submit_phone": (3, 86400),  # submissions with one phone per day
    "query_ip": (20, 3600),  # query-code checks from one address per hour
    "sms_phone": (5, 3600),  # SMS codes to one phone per hour
}
LIMIT_MESSAGES = {
    "submit_ip": "提交过于频繁，请一小时后再试",
    "submit_phone": "同一手机号码今日提交次数已达上限，请明日再试或拨打信访部门电话",
    "query_ip": "查询过于频繁，请一小时后再试",
    "sms_phone": "该手机号码获取验证码过于频繁，请一小时后再试",
}


class RateLimited(ValidationError):
    """Too many requests of one kind from one address or for one phone; nothing was done."""


def _limit(kind: str) -> tuple[int, int]:
    return {**DEFAULT_LIMITS, **getattr(settings, "XINFANG_PORTAL_LIMITS", {})}[kind]


def rate_limit_hit(*, kind: str, key: str) -> None:
    """Count one request of `kind` for `key` (an address, a phone's blind index); refuse beyond the limit."""
    limit, window = _limit(kind)
    cache_key = f"portal:rate:{kind}:{key}"
    cache.add(cache_key, 0, timeout=window)
    try:
        count = cache.incr(cache_key)
    except ValueError:  # expired between add and incr
        cache.set(cache_key, 1, timeout=window)
        count = 1
    if count > limit:
        raise RateLimited({"__all__": [LIMIT_MESSAGES[kind]]}, code="rate_limited")


@dataclass(frozen=True)
class Challenge:
    question: str
    token: str


def chinese_number(value: int) -> str:
    """0–99 in Chinese characters (十七, 二十, 九十九)."""
    tens, ones = divmod(value, 10)
    if tens == 0:
        return DIGITS[ones]
    return f"{'' if tens == 1 else DIGITS[tens]}十{'' if ones == 0 else DIGITS[ones]}"


def _digest(nonce: str, answer: int) -> str:
    return salted_hmac(CAPTCHA_SALT, f"{nonce}:{answer}", algorithm="sha256").hexdigest()


def challenge_new() -> Challenge:
    """A sum of two numbers below 50, asked in characters; the token carries only a keyed digest of the answer."""
    first, second = secrets.randbelow(40) + 10, secrets.randbelow(9) + 1
    nonce = secrets.token_urlsafe(12)
    token = signing.dumps({"n": nonce, "d": _digest(nonce, first + second)}, salt=CAPTCHA_SALT)
    return Challenge(question=f"{chinese_number(first)}加{chinese_number(second)}等于多少？（请填写阿拉伯数字）",
                     token=token)


def challenge_check(*, token: str, answer: str) -> None:
    """Refuse a wrong, expired or reused answer, with a Chinese message on the field `captcha`."""
    try:
        payload = signing.loads(token or "", salt=CAPTCHA_SALT, max_age=CAPTCHA_MAX_AGE)
    except signing.SignatureExpired:
        raise ValidationError({"captcha": ["验证题已过期，请回答新的验证题"]}, code="captcha_expired") from None
    except signing.BadSignature:
        raise ValidationError({"captcha": ["验证题无效，请回答新的验证题"]}, code="captcha_invalid") from None
    text = (answer or "").strip()
    if not text.isdigit() or not constant_time_compare(_digest(payload["n"], int(text)), payload["d"]):
        raise ValidationError({"captcha": ["验证题答案不正确，请重新计算"]}, code="captcha_wrong")
    # One use: a token answered once is spent, whether or not the rest of the form was accepted.
    if not cache.add(f"portal:captcha:used:{payload['n']}", 1, timeout=CAPTCHA_MAX_AGE + 60):
        raise ValidationError({"captcha": ["验证题已使用，请回答新的验证题"]}, code="captcha_used")
