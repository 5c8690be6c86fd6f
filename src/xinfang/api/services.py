"""Creating and checking API tokens."""

import hashlib
import secrets

from django.db import transaction
from django.utils import timezone

from xinfang.api.models import ApiToken
from xinfang.audit.services import audit_record
from xinfang.orgs.models import User

TOKEN_PREFIX = "xf_"


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


@transaction.atomic
def api_token_create(*, user: User, name: str = "", actor: User | None = None) -> str:
    """Create a token for `user` and return it; only its digest is kept."""
    token = TOKEN_PREFIX + secrets.token_urlsafe(32)
    record = ApiToken.objects.create(user=user, name=name, prefix=token[:10], digest=_digest(token))
    audit_record(actor=actor, action="api_token.create", target=record, data={"user": user.username})
    return token


def api_token_user(*, token: str) -> User | None:
    """The active user a token belongs to, or None."""
    record = (
        ApiToken.objects.select_related("user", "user__org")
        .filter(digest=_digest(token), revoked_at__isnull=True, user__is_active=True)
        .first()
    )
    if record is None:
        return None
    now = timezone.now()
    if record.last_used_at is None or (now - record.last_used_at).total_seconds() > 60:
        ApiToken.objects.filter(pk=record.pk).update(last_used_at=now)
    return record.user
