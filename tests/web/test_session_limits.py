"""Sessions end after the idle limit and the absolute limit; disabling a user ends sessions and API tokens."""

import pytest

from xinfang.api.models import ApiToken
from xinfang.api.services import api_token_create
from xinfang.web.sessions import LOGIN_AT, SEEN_AT

pytestmark = pytest.mark.django_db


def _login(client, user):
    client.force_login(user)
    assert client.get("/petitions/").status_code == 200


def _age(client, **seconds_ago):
    session = client.session
    for key, ago in seconds_ago.items():
        session[key] = session[key] - ago
    session.save()


def test_an_idle_session_ends_with_a_message_and_activity_keeps_it(client, district, settings):
    settings.XINFANG_SESSION_IDLE_MINUTES = 30
    _login(client, district.clerk)
    _age(client, **{SEEN_AT: 29 * 60})
    assert client.get("/petitions/").status_code == 200  # 29 minutes idle: still in
    _age(client, **{SEEN_AT: 31 * 60})
    response = client.get("/petitions/")
    assert response.status_code == 302 and response["Location"].startswith("/login/?next=")
    page = client.get(response["Location"]).content.decode()
    assert "超过30分钟没有操作" in page
    assert client.get("/petitions/").status_code == 302  # logged out for good


def test_the_absolute_limit_ends_even_an_active_session_and_htmx_is_told_to_redirect(client, district, settings):
    settings.XINFANG_SESSION_MAX_HOURS = 8
    _login(client, district.clerk)
    _age(client, **{LOGIN_AT: 8 * 3600 + 1})
    response = client.get("/petitions/", HTTP_HX_REQUEST="true")
    assert response.status_code == 401 and response["HX-Redirect"] == "/login/"


def test_disabling_a_user_ends_their_sessions_and_tokens(client, district):
    _login(client, district.clerk)
    token = api_token_create(user=district.clerk)
    district.clerk.is_active = False
    district.clerk.save()
    assert client.get("/petitions/").status_code == 302
    assert ApiToken.objects.get().revoked_at is not None
    assert client.get("/api/v1/petitions", HTTP_AUTHORIZATION=f"Bearer {token}").status_code == 401
