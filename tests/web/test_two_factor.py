"""Two factors (TOTP) for the privileged roles when enforced: enrol with the first code, then a code per login."""

import pytest
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from xinfang.api.services import api_token_create
from xinfang.audit.models import AuditEvent
from xinfang.orgs.models import Role
from xinfang.orgs.services import user_create

pytestmark = pytest.mark.django_db


@pytest.fixture
def enforced(settings):
    settings.XINFANG_2FA_ENFORCED = True
    settings.XINFANG_2FA_ROLES = ["reviewer"]


@pytest.fixture
def reviewer(district):
    return user_create(username="rev-2fa", password="pw-123456", org=district.office, roles=[Role.REVIEWER])


def code_of(device) -> str:
    return f"{totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits):06d}"


@pytest.mark.django_db(transaction=True)  # its audit events are committed as in production
def test_a_reviewer_enrols_with_the_first_code_and_is_then_let_in(client, enforced, reviewer):
    client.force_login(reviewer)
    response = client.get("/petitions/")
    assert response.status_code == 302 and response["Location"].startswith("/account/2fa/?next=")
    page = client.get(response["Location"]).content.decode()
    assert "<svg" in page and 'id="totp-key"' in page
    device = TOTPDevice.objects.get(user=reviewer, confirmed=False)
    wrong = client.post("/account/2fa/", {"code": "000000", "next": "/petitions/"})
    assert "验证码不正确" in wrong.content.decode() or "错误次数过多" in wrong.content.decode()
    device.refresh_from_db()
    device.throttling_failure_count, device.throttling_failure_timestamp = 0, None
    device.save()
    done = client.post("/account/2fa/", {"code": code_of(device), "next": "/petitions/"})
    assert done.status_code == 302 and done["Location"] == "/petitions/"
    assert client.get("/petitions/").status_code == 200
    device.refresh_from_db()
    assert device.confirmed
    actions = list(AuditEvent.objects.filter(action__startswith="auth.2fa").values_list("action", flat=True))
    assert actions == ["auth.2fa_failed", "auth.2fa_enrolled"]


def test_a_new_session_asks_for_a_code_of_the_confirmed_device(client, enforced, reviewer):
    device = TOTPDevice.objects.create(user=reviewer, name="phone", confirmed=True)
    client.force_login(reviewer)
    assert client.get("/petitions/").status_code == 302
    page = client.get("/account/2fa/").content.decode()
    assert "<svg" not in page  # no new key shown to whoever holds the password
    assert client.post("/account/2fa/", {"code": "12ab"}).status_code == 200
    assert client.post("/account/2fa/", {"code": code_of(device)}).status_code == 302
    assert client.get("/petitions/").status_code == 200


def test_roles_not_named_and_the_api_are_not_asked(client, enforced, district, reviewer):
    client.force_login(district.clerk)  # 登记员: not in XINFANG_2FA_ROLES here
    assert client.get("/petitions/").status_code == 200
    token = api_token_create(user=reviewer)
    assert client.get("/api/v1/petitions", HTTP_AUTHORIZATION=f"Bearer {token}").status_code == 200


def test_without_enforcement_nobody_is_asked(client, reviewer):
    client.force_login(reviewer)
    assert client.get("/petitions/").status_code == 200
