"""Two factors for staff (docs/SECURITY.md): a time-based one-time password (TOTP, django-otp) after the password,
required of the roles in XINFANG_2FA_ROLES (and of superusers) when XINFANG_2FA_ENFORCED is on — production
turns it on. A user who must and has no device enrols first: the page shows the key as a QR code (drawn here as
SVG, nothing fetched) and as text for the authenticator app, and the first code confirms it. Until the session
is verified, every page but this one and logging out leads here. Codes are throttled by django-otp after each
failure, and every enrolment and failure is in the audit log. The API and Open311 use tokens, not sessions.
"""

import base64
from collections.abc import Callable
import segno
from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render, resolve_url
from django.utils.http import url_has_allowed_host_and_scheme, urlencode
from django.utils.safestring import mark_safe
from django_otp import login as otp_login
from django_otp.plugins.otp_totp.models import TOTPDevice

from xinfang.audit.services import audit_record
from xinfang.orgs.models import User

# Paths a user who still owes the second factor may open.
OPEN_PREFIXES = ("/account/2fa/", "/logout/", "/static/", "/api/", "/open311/", "/portal/", "/login/")


def two_factor_required(user: User) -> bool:
    if not getattr(settings, "XINFANG_2FA_ENFORCED", False) or not user.is_authenticated:
        return False
    return user.is_superuser or user.has_role(*getattr(settings, "XINFANG_2FA_ROLES", ()))


class TwoFactorMiddleware:
    """After django-otp's OTPMiddleware: an unverified session of a user who needs two factors goes to the page."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = getattr(request, "user", None)
        if (user is not None and two_factor_required(user) and not user.is_verified()
                and not request.path.startswith(OPEN_PREFIXES)):
            target = f"{resolve_url('two-factor')}?{urlencode({'next': request.get_full_path()})}"
            if request.headers.get("HX-Request"):
                response = HttpResponse(status=401)
                response["HX-Redirect"] = target
                return response
            return redirect(target)
        return self.get_response(request)


def _qr_svg(url: str) -> str:
    return segno.make(url, error="m").svg_inline(scale=4, dark="#000", light="#fff", omitsize=False)


def _next(request: HttpRequest) -> str:
    target = request.POST.get("next") or request.GET.get("next") or "/"
    return target if url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}) else "/"


def two_factor_page(request: HttpRequest) -> HttpResponse:
    """Verify a code of the user's device, or enrol a device and confirm it with its first code."""
    user = request.user
    if not user.is_authenticated:
        raise PermissionDenied
    device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
    enrolling = device is None
    if enrolling:
        device = TOTPDevice.objects.filter(user=user, confirmed=False).first() or TOTPDevice.objects.create(
            user=user, name="手机验证器", confirmed=False)
    error = ""
    if request.method == "POST":
        code = "".join(request.POST.get("code", "").split())
        allowed, _ = device.verify_is_allowed()
        if not allowed:
            error = "验证码错误次数过多，请稍等片刻再试"
        elif not (code.isdigit() and len(code) == 6):
            error = "请输入验证器上显示的6位数字"
        elif device.verify_token(code):
            with transaction.atomic():
                if enrolling:
                    device.confirmed = True
                    device.save(update_fields=["confirmed"])
                    audit_record(actor=user, action="auth.2fa_enrolled", target=user, data={})
            otp_login(request, device)
            messages.success(request, "两步验证已启用" if enrolling else "已通过两步验证")
            return redirect(_next(request))
        else:
            error = "验证码不正确或已过期，请输入验证器上当前的6位数字"
        if error:
            with transaction.atomic():  # the chain is appended only inside a transaction
                audit_record(actor=user, action="auth.2fa_failed", target=user, data={"enrolling": enrolling})
    context = {"enrolling": enrolling, "error": error, "next": _next(request)}
    if enrolling:  # the otpauth:// URL names the issuer (settings OTP_TOTP_ISSUER) and the user
        context |= {"qr": mark_safe(_qr_svg(device.config_url)),  # noqa: S308 (SVG drawn here, no user input)
                    "key": _grouped(device.bin_key)}
    return render(request, "web/account/two_factor.html", context)


def _grouped(key: bytes) -> str:
    """The key in base32, as authenticator apps take it when typed, in groups of four."""
    text = base64.b32encode(key).decode().rstrip("=")
    return " ".join(text[index:index + 4] for index in range(0, len(text), 4))
