"""Webhook subscriptions and deliveries (api.webhooks): queued when an event commits, sent by the task worker.

Signature: `X-Xinfang-Signature: sha256=<hex>` = HMAC-SHA256(secret, "<timestamp>.<body>"), with the timestamp in
`X-Xinfang-Timestamp` (seconds; a receiver refuses old ones to stop replays) and the delivery's id in
`X-Xinfang-Delivery` (the same on every retry: a receiver drops duplicates). A 2xx answer delivers; anything else
(or no answer within the timeout) is retried after 1, 5, 30, 120 and 720 minutes, then given up (status failed).
"""

import hashlib
import hmac
import json
import logging
import secrets
import time
import urllib.error
import urllib.request
from datetime import timedelta

from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.db import transaction
from django.utils import timezone

from xinfang.api.webhooks import WebhookDelivery, WebhookSubscription
from xinfang.audit.services import audit_record
from xinfang.orgs.models import User
from xinfang.petitions.models import PetitionEvent
from xinfang.petitions.selectors import petitions_visible_to

logger = logging.getLogger(__name__)
RETRY_MINUTES = (1, 5, 30, 120, 720)
TIMEOUT_SECONDS = 10


@transaction.atomic
def webhook_subscribe(*, name: str, url: str, user: User, events: str = "*", actor: User | None = None
                      ) -> tuple[WebhookSubscription, str]:
    """A subscription acting as `user`; returns it with its signing secret (shown once)."""
    problems = {}
    try:
        URLValidator(schemes=["http", "https"])(url)
    except ValidationError:
        problems["url"] = [f"not an http(s) URL: {url[:100]!r}"]
    if not name.strip():
        problems["name"] = ["a name is needed"]
    if not user.is_active:
        problems["user"] = [f"user {user.username!r} is disabled"]
    if problems:
        raise ValidationError(problems)
    secret = secrets.token_urlsafe(32)
    subscription = WebhookSubscription.objects.create(name=name.strip(), url=url, secret=secret, user=user,
                                                      events=" ".join(events.replace(",", " ").split()) or "*")
    audit_record(actor=actor, action="webhook.subscribe", target=subscription,
                 data={"url": url, "user": user.username, "events": subscription.events})
    return subscription, secret


def payload_of(event: PetitionEvent) -> dict:
    petition = event.petition
    return {"event": event.kind, "label": event.label, "occurred_at": event.occurred_at.isoformat(),
            "petition": {"id": petition.pk, "number": petition.number, "status": petition.status,
                         "version": petition.version,
                         "handling_org": petition.handling_org.name if petition.handling_org_id else None}}


def deliveries_queue(*, event: PetitionEvent) -> list[WebhookDelivery]:
    """One delivery per active subscription that wants this kind and whose user may see the petition (Art 30)."""
    created = []
    for subscription in WebhookSubscription.objects.filter(active=True).select_related("user", "user__org"):
        if not subscription.wants(event.kind) or not subscription.user.is_active:
            continue
        if not petitions_visible_to(user=subscription.user).filter(pk=event.petition_id).exists():
            continue
        delivery, made = WebhookDelivery.objects.get_or_create(
            subscription=subscription, event=event,
            defaults={"payload": payload_of(event), "next_attempt_at": timezone.now()})
        if made:
            created.append(delivery)
    return created


def signature(secret: str, timestamp: str, body: bytes) -> str:
    digest = hmac.new(secret.encode(), timestamp.encode() + b"." + body, hashlib.sha256).hexdigest()
    return f"sha256={digest}"


def _post(delivery: WebhookDelivery) -> tuple[int | None, str]:
    body = json.dumps({"delivery": delivery.pk, **delivery.payload}, ensure_ascii=False).encode()
    timestamp = str(int(time.time()))
    request = urllib.request.Request(delivery.subscription.url, data=body, method="POST", headers={
        "Content-Type": "application/json; charset=utf-8", "User-Agent": "xinfang-webhooks/1",
        "X-Xinfang-Delivery": str(delivery.pk), "X-Xinfang-Timestamp": timestamp,
        "X-Xinfang-Signature": signature(delivery.subscription.secret, timestamp, body)})
    try:
        with urllib.request.urlopen(request, timeout=TIMEOUT_SECONDS) as response:  # noqa: S310 (http(s) only)
            return response.status, ""
    except urllib.error.HTTPError as error:
        return error.code, f"HTTP {error.code}"
    except (urllib.error.URLError, OSError, TimeoutError) as error:
        return None, type(error).__name__ + ": " + str(getattr(error, "reason", error))[:200]


def delivery_send(*, delivery_id: int) -> str:
    """Send one pending delivery now; returns its status. Claimed under a row lock, so never sent twice at once."""
    with transaction.atomic():
        delivery = (WebhookDelivery.objects.select_for_update().select_related("subscription")
                    .filter(pk=delivery_id).first())
        if delivery is None or delivery.status != WebhookDelivery.Status.PENDING:
            return delivery.status if delivery else "missing"
        delivery.attempts += 1
        delivery.save(update_fields=["attempts"])
    code, error = _post(delivery)
    now = timezone.now()
    if code is not None and 200 <= code < 300:
        delivery.status, delivery.delivered_at, delivery.next_attempt_at = (
            WebhookDelivery.Status.DELIVERED, now, None)
    elif delivery.attempts > len(RETRY_MINUTES):
        delivery.status, delivery.next_attempt_at = WebhookDelivery.Status.FAILED, None
        logger.warning("webhook delivery %s given up after %s attempts: %s", delivery.pk, delivery.attempts, error)
    else:
        delivery.next_attempt_at = now + timedelta(minutes=RETRY_MINUTES[delivery.attempts - 1])
    delivery.last_status_code, delivery.last_error = code, error
    delivery.save(update_fields=["status", "delivered_at", "next_attempt_at", "last_status_code", "last_error"])
    return delivery.status


def deliveries_due(*, now=None) -> list[int]:
    """Pending deliveries whose time has come (the periodic scan sends those whose own task was lost)."""
    now = now or timezone.now()
    return list(WebhookDelivery.objects.filter(status=WebhookDelivery.Status.PENDING, next_attempt_at__lte=now)
                .order_by("next_attempt_at").values_list("pk", flat=True)[:500])
