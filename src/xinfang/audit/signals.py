"""Logins and logouts are audited like any other action."""

from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.db import transaction
from django.dispatch import receiver

from xinfang.audit.services import audit_record


@receiver(user_logged_in)
def _on_login(sender, request, user, **kwargs) -> None:
    with transaction.atomic():
        audit_record(actor=user, action="auth.login", target=user)


@receiver(user_logged_out)
def _on_logout(sender, request, user, **kwargs) -> None:
    if user is not None:
        with transaction.atomic():
            audit_record(actor=user, action="auth.logout", target=user)


@receiver(user_login_failed)
def _on_login_failed(sender, credentials, request=None, **kwargs) -> None:
    with transaction.atomic():
        audit_record(actor=None, action="auth.login_failed",
                     data={"username": str(credentials.get("username", ""))[:150]})
