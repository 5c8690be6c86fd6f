"""Login throttling (django-axes): a username is locked out from one address after 5 failures, for 15 minutes."""

from datetime import timedelta

from axes.models import AccessAttempt

from xinfang.audit.models import AuditEvent

RIGHT = {"username": "clerk", "password": "pw-clerk-123"}
WRONG = {"username": "clerk", "password": "wrong-guess"}


def _logged_in(client) -> bool:
    return client.get("/petitions/").status_code == 200


def test_twenty_wrong_passwords_lock_the_account_even_against_the_right_one(client, district):
    # when: 20 wrong guesses, then the right password
    for _ in range(20):
        client.post("/login/", WRONG)
    response = client.post("/login/", RIGHT)
    # then: refused with the Chinese lockout page, and no session
    assert response.status_code == 429
    page = response.content.decode()
    assert "登录失败次数过多" in page and "15 分钟后再试" in page
    assert not _logged_in(client)
    # ... every failure, the refused right password included, is in the audit log as today
    assert AuditEvent.objects.filter(action="auth.login_failed").count() == 21
    assert not AuditEvent.objects.filter(action="auth.login").exists()


def test_four_failures_do_not_lock_and_a_success_clears_the_count(client, district):
    for _ in range(4):
        client.post("/login/", WRONG)
    assert client.post("/login/", RIGHT).status_code == 302
    client.logout()
    # The count started again: four more failures still leave the account usable.
    for _ in range(4):
        client.post("/login/", WRONG)
    assert client.post("/login/", RIGHT).status_code == 302
    assert _logged_in(client)


def test_after_the_cool_off_the_right_password_logs_in(client, district):
    for _ in range(5):
        client.post("/login/", WRONG)
    assert client.post("/login/", RIGHT).status_code == 429
    # when: 15 minutes pass (the failures are moved back rather than the clock forward)
    attempt = AccessAttempt.objects.get(username="clerk")
    attempt.attempt_time -= timedelta(minutes=16)
    attempt.save()
    # then
    assert client.post("/login/", RIGHT).status_code == 302
    assert _logged_in(client)


def test_the_lockout_is_per_address_too(client, district):
    for _ in range(5):
        client.post("/login/", WRONG, REMOTE_ADDR="10.0.0.9")
    assert client.post("/login/", RIGHT, REMOTE_ADDR="10.0.0.9").status_code == 429
    # Another clerk's computer, same username: not locked (the pair username+IP is).
    assert client.post("/login/", RIGHT, REMOTE_ADDR="10.0.0.10").status_code == 302


def test_the_admin_login_is_throttled_too(client, district):
    for _ in range(5):
        client.post("/admin/login/", WRONG)
    assert client.post("/admin/login/", RIGHT).status_code == 429


def test_force_login_and_api_tokens_are_not_affected(client, district):
    for _ in range(5):
        client.post("/login/", WRONG)
    client.force_login(district.clerk)
    assert _logged_in(client)
