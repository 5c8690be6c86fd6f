"""Creating, checking and revoking API tokens."""

import hashlib
import secrets
from dataclasses import dataclass
from datetime import timedelta

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from xinfang.api.models import ApiToken, Scope
from xinfang.audit.services import audit_record
from xinfang.orgs.models import User

TOKEN_PREFIX = "xf_"
DEFAULT_DAYS = 90
MAX_DAYS = 365


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def scopes_parse(scopes: str | list[str] | tuple[str, ...]) -> tuple[str, ...]:
    """Scope names (space- or comma-separated, or a list) checked against Scope, in Scope's order."""
    names = scopes.replace(",", " ").split() if isinstance(scopes, str) else list(scopes)
    unknown = sorted(set(names) - set(Scope.values))
    if unknown:
        raise ValidationError({"scopes": [f"unknown scope(s) {', '.join(unknown)}; use {', '.join(Scope.values)}"]})
    if not names:
        raise ValidationError({"scopes": ["at least one scope is needed"]})
    return tuple(value for value in Scope.values if value in names)


@transaction.atomic
def api_token_create(*, user: User, name: str = "", actor: User | None = None,
                     scopes: str | list[str] | tuple[str, ...] = ("read", "register", "act"),
                     days: int = DEFAULT_DAYS) -> str:
    """Create a token for `user` and return it; only its digest is kept. It expires after `days` days."""
    chosen = scopes_parse(scopes)
    if not 1 <= days <= MAX_DAYS:
        raise ValidationError({"days": [f"a token lives 1 to {MAX_DAYS} days, not {days}"]})
    token = TOKEN_PREFIX + secrets.token_urlsafe(32)
    record = ApiToken.objects.create(user=user, name=name, prefix=token[:10], digest=_digest(token),
                                     scopes=" ".join(chosen), expires_at=timezone.now() + timedelta(days=days))
    audit_record(actor=actor, action="api_token.create", target=record,
                 data={"user": user.username, "scopes": list(chosen), "days": days})
    return token


@dataclass(frozen=True)
class TokenGrant:
    user: User
    scopes: frozenset[str]


def api_token_check(*, token: str) -> TokenGrant | None:
    """The active user and scopes of a live token (not revoked, not expired), or None."""
    now = timezone.now()
    record = (
        ApiToken.objects.select_related("user", "user__org")
        .filter(digest=_digest(token), revoked_at__isnull=True, expires_at__gt=now, user__is_active=True)
        .first()
    )
    if record is None:
        return None
    if record.last_used_at is None or (now - record.last_used_at).total_seconds() > 60:
        ApiToken.objects.filter(pk=record.pk).update(last_used_at=now)
    return TokenGrant(record.user, record.scope_set())


def api_token_user(*, token: str) -> User | None:
    """The active user a live token belongs to, or None."""
    grant = api_token_check(token=token)
    return None if grant is None else grant.user


def require_scope(grant_scopes: frozenset[str], scope: Scope | str) -> None:
    if scope not in grant_scopes:
        raise PermissionDenied(f"this token lacks the scope '{Scope(scope).value}' (it has: {', '.join(sorted(grant_scopes))})")


@transaction.atomic
def api_tokens_revoke(*, user: User, prefix: str = "", actor: User | None = None) -> int:
    """Revoke the user's live tokens (one, by its prefix, or all); the rows stay, marked revoked."""
    tokens = ApiToken.objects.select_for_update().filter(user=user, revoked_at__isnull=True,
                                                         expires_at__gt=timezone.now())
    if prefix:
        tokens = tokens.filter(prefix=prefix)
    revoked = list(tokens)
    now = timezone.now()
    for record in revoked:
        record.revoked_at = now
        record.save(update_fields=["revoked_at"])
        audit_record(actor=actor, action="api_token.revoke", target=record, data={"user": user.username})
    return len(revoked)
