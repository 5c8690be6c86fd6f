"""Portal fixtures: the district of tests/conftest.py, the consent notice, a clean cache, SMS codes from the log."""

import logging
import re
from dataclasses import dataclass

import pytest
from django.core.cache import cache
from django.utils import timezone

from xinfang.portal.models import ConsentNotice
from xinfang.portal.services import SubmissionInput

SMS_CODE = re.compile(r"验证码为(\d{6})")


@pytest.fixture(autouse=True)
def _clean_cache():
    """Rate-limit counters and spent CAPTCHA tokens are in the cache: each test starts afresh."""
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def consent(db) -> ConsentNotice:
    """The shipped notice (a data migration; recreated after a transactional test flushed it)."""
    notice, _ = ConsentNotice.objects.get_or_create(version="2026-1", defaults={
        "title": "个人信息处理告知", "text": "为办理您的信访事项处理您的个人信息。",
        "published_at": timezone.now() - timezone.timedelta(days=1)})
    return notice


@dataclass
class SmsLog:
    caplog: pytest.LogCaptureFixture

    def codes(self) -> list[str]:
        return [match.group(1) for record in self.caplog.records if record.name == "xinfang.sms"
                for match in [SMS_CODE.search(record.getMessage())] if match]

    def last_code(self) -> str:
        codes = self.codes()
        assert codes, "no SMS code was logged by the logging gateway"
        return codes[-1]


@pytest.fixture
def sms_log(caplog, settings) -> SmsLog:
    """What the default logging gateway wrote (tests read the SMS code there, as a developer would)."""
    settings.XINFANG_SMS_BACKEND = "xinfang.notifications.sms.LoggingSmsBackend"
    caplog.set_level(logging.INFO, logger="xinfang.sms")
    return SmsLog(caplog)


def submission_input(*, district, category, consent, **overrides) -> SubmissionInput:
    values = dict(kind="complaint", petition_type="grievance", name="张小三", phone="13812345678",
                  id_number="11010519491231002X", address="清溪区青石镇桃源村3组",
                  locality_id=district.village_a1.pk, category_id=category.pk,
                  summary="反映某建筑公司拖欠农民工工资", content="本人在青石镇某工地务工，工程结束后公司拖欠工资三个月未付。",
                  demands="请求督促公司支付拖欠工资。", consent_version=consent.version, consented=True)
    values.update(overrides)
    return SubmissionInput(**values)


QUESTION = re.compile(r"验证题：([零一二三四五六七八九十]+)加([零一二三四五六七八九十]+)等于多少")
DIGITS = "零一二三四五六七八九"


def chinese_to_int(text: str) -> int:
    """十七 → 17, 二十 → 20, 三 → 3 (what antiabuse.chinese_number writes)."""
    if "十" not in text:
        return DIGITS.index(text)
    tens, _, ones = text.partition("十")
    return (DIGITS.index(tens) if tens else 1) * 10 + (DIGITS.index(ones) if ones else 0)


def solve(html: str) -> str:
    """The answer to the CAPTCHA question on a page, as a person would compute it."""
    match = QUESTION.search(html)
    assert match, "no CAPTCHA question on the page"
    return str(chinese_to_int(match.group(1)) + chinese_to_int(match.group(2)))


TOKEN = re.compile(r'name="captcha_token" value="([^"]+)"')


def token_of(html: str) -> str:
    return TOKEN.search(html).group(1)
