"""The webhook deliveries, sent by the worker (django-tasks): each one right after its event commits, and again
after a failure at its next attempt time (a backend that cannot defer leaves retries to the periodic scan)."""

from django_tasks import task


@task()
def webhook_deliver(delivery_id: int) -> str:
    from xinfang.api.services_webhooks import delivery_send
    from xinfang.api.webhooks import WebhookDelivery

    status = delivery_send(delivery_id=delivery_id)
    if status == WebhookDelivery.Status.PENDING and webhook_deliver.get_backend().supports_defer:
        retry_at = WebhookDelivery.objects.values_list("next_attempt_at", flat=True).get(pk=delivery_id)
        webhook_deliver.using(run_after=retry_at).enqueue(delivery_id)
    return status


@task()
def webhook_deliveries_due() -> int:
    """Send every pending delivery whose time has come (a lost task, or a backend without deferral)."""
    from xinfang.api.services_webhooks import deliveries_due, delivery_send

    due = deliveries_due()
    for delivery_id in due:
        delivery_send(delivery_id=delivery_id)
    return len(due)
