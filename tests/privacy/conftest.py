"""Privacy fixtures: the district of tests/conftest.py, an office 审核员, the shipped notice."""

import pytest
from django.utils import timezone

from xinfang.orgs.models import Role
from xinfang.orgs.services import user_create
from xinfang.portal.models import ConsentNotice


@pytest.fixture
def notice(db) -> ConsentNotice:
    """The shipped notice (data migration portal.0002; recreated after a transactional test flushed it)."""
    found, _ = ConsentNotice.objects.get_or_create(version="2026-1", defaults={
        "title": "个人信息处理告知", "text": "为办理您的信访事项处理您的个人信息。",
        "published_at": timezone.now() - timezone.timedelta(days=400)})
    return found


@pytest.fixture
def reviewer(district):
    return user_create(username="privacy-reviewer", password="pw-123456", org=district.office,
                       roles=[Role.REVIEWER])
