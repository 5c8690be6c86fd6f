"""The CAPTCHA of our own and the cache-counted rate limits."""

import pytest
from django.core import signing
from django.core.exceptions import ValidationError

from tests.portal.conftest import solve
from xinfang.portal.antiabuse import CAPTCHA_SALT, RateLimited, challenge_check, challenge_new, rate_limit_hit


def label(challenge) -> str:
    return f"验证题：{challenge.question}"


def test_the_right_answer_passes_once():
    challenge = challenge_new()
    challenge_check(token=challenge.token, answer=solve(label(challenge)))
    with pytest.raises(ValidationError) as reused:
        challenge_check(token=challenge.token, answer=solve(label(challenge)))
    assert reused.value.message_dict["captcha"] == ["验证题已使用，请回答新的验证题"]


@pytest.mark.parametrize("answer", ["", "abc", "-1", "1000"])
def test_a_wrong_answer_is_refused(answer):
    challenge = challenge_new()
    if answer == solve(label(challenge)):
        pytest.skip("the random sum happened to be the wrong answer under test")
    with pytest.raises(ValidationError) as refused:
        challenge_check(token=challenge.token, answer=answer)
    assert refused.value.message_dict["captcha"] == ["验证题答案不正确，请重新计算"]


def test_a_forged_or_expired_token_is_refused(monkeypatch):
    forged = signing.dumps({"n": "x", "d": "0" * 64}, salt="another-salt")
    with pytest.raises(ValidationError) as invalid:
        challenge_check(token=forged, answer="12")
    assert invalid.value.message_dict["captcha"] == ["验证题无效，请回答新的验证题"]
    challenge = challenge_new()
    monkeypatch.setattr("xinfang.portal.antiabuse.CAPTCHA_MAX_AGE", -1)
    with pytest.raises(ValidationError) as expired:
        challenge_check(token=challenge.token, answer=solve(label(challenge)))
    assert expired.value.message_dict["captcha"] == ["验证题已过期，请回答新的验证题"]


def test_the_token_does_not_carry_the_answer():
    challenge = challenge_new()
    payload = signing.loads(challenge.token, salt=CAPTCHA_SALT)
    assert set(payload) == {"n", "d"}
    assert len(payload["d"]) == 64  # a keyed digest, not the number


def test_the_limit_counts_per_key(settings):
    settings.XINFANG_PORTAL_LIMITS = {"query_ip": (2, 60)}
    rate_limit_hit(kind="query_ip", key="a")
    rate_limit_hit(kind="query_ip", key="a")
    rate_limit_hit(kind="query_ip", key="b")
    with pytest.raises(RateLimited) as limited:
        rate_limit_hit(kind="query_ip", key="a")
    assert limited.value.message_dict["__all__"] == ["查询过于频繁，请一小时后再试"]
