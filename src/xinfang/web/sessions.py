"""Session limits (docs/SECURITY.md): a staff session ends after XINFANG_SESSION_IDLE_MINUTES without a request
(default 30) and XINFANG_SESSION_MAX_HOURS after login (default 8) whatever the activity; disabling a user ends
every session and API token the user holds at once.

The middleware sits after AuthenticationMiddleware. An ended session is flushed (logged out) and the next page
asks for the login with a message saying why; an htmx request gets 401 with HX-Redirect to the login page.
"""

import time
from collections.abc import Callable

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.signals import user_logged_in
from django.contrib.sessions.models import Session
from django.db.models.signals import pre_save
from django.dispatch import receiver
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, resolve_url
from django.utils import timezone
from django.utils.http import urlencode

LOGIN_AT = "xinfang_login_at"
SEEN_AT = "xinfang_seen_at"
SEEN_EVERY = 60  # seconds: the session is written at most this often just to note activity


def _limits() -> tuple[int, int]:
    return (int(getattr(settings, "XINFANG_SESSION_IDLE_MINUTES", 30)) * 60,
            int(getattr(settings, "XINFANG_SESSION_MAX_HOURS", 8)) * 3600)


@receiver(user_logged_in, dispatch_uid="web.sessions.login_at")
def _note_login(sender, request, user, **kwargs) -> None:
    now = int(time.time())
    request.session[LOGIN_AT] = now
    request.session[SEEN_AT] = now


class SessionLimitMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated and hasattr(request, "session"):
            ended = self._ended(request)
            if ended:
                logout(request)
                messages.info(request, ended)
                login_url = resolve_url(settings.LOGIN_URL)
                if request.headers.get("HX-Request"):
                    response = HttpResponse(status=401)
                    response["HX-Redirect"] = login_url
                    return response
                return redirect(f"{login_url}?{urlencode({'next': request.get_full_path()})}")
        return self.get_response(request)

    def _ended(self, request: HttpRequest) -> str:
        idle, absolute = _limits()
        now = int(time.time())
        login_at = request.session.get(LOGIN_AT)
        seen_at = request.session.get(SEEN_AT)
        if login_at is None or seen_at is None:  # a session from before these limits: start counting now
            request.session[LOGIN_AT] = request.session.get(LOGIN_AT, now)
            request.session[SEEN_AT] = now
            return ""
        if now - login_at > absolute:
            return f"登录已超过{absolute // 3600}小时，为保护信访人信息已自动退出，请重新登录"
        if now - seen_at > idle:
            return f"超过{idle // 60}分钟没有操作，为保护信访人信息已自动退出，请重新登录"
        if now - seen_at >= SEEN_EVERY:
            request.session[SEEN_AT] = now
        return ""


def user_sessions_end(*, user_id: int) -> int:
    """Delete every stored session of the user (database sessions: decoded to find the user's)."""
    ended = 0
    for session in Session.objects.filter(expire_date__gt=timezone.now()).iterator():
        if str(session.get_decoded().get("_auth_user_id")) == str(user_id):
            session.delete()
            ended += 1
    return ended


@receiver(pre_save, sender=settings.AUTH_USER_MODEL, dispatch_uid="web.sessions.disabled")
def _end_sessions_of_a_disabled_user(sender, instance, raw: bool = False, **kwargs) -> None:
    if raw or instance.pk is None or instance.is_active:
        return
    was_active = sender.objects.filter(pk=instance.pk, is_active=True).exists()
    if was_active:
        from xinfang.api.services import api_tokens_revoke

        user_sessions_end(user_id=instance.pk)
        api_tokens_revoke(user=instance)
