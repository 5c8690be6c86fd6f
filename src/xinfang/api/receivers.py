"""When a petition event commits, queue its webhook deliveries and hand them to the worker."""

from django.db import transaction
from django.db.models.signals import post_save
from django.dispatch import receiver

from xinfang.petitions.models import PetitionEvent


@receiver(post_save, sender=PetitionEvent, dispatch_uid="api.webhooks.on_event")
def _on_event(sender, instance: PetitionEvent, created: bool, raw: bool = False, **kwargs) -> None:
    if not created or raw:
        return
    from xinfang.api.webhooks import WebhookSubscription

    if not WebhookSubscription.objects.filter(active=True).exists():  # the usual case: one cheap query
        return
    event_id = instance.pk

    def queue() -> None:
        from xinfang.api.services_webhooks import deliveries_queue
        from xinfang.api.tasks import webhook_deliver

        event = PetitionEvent.objects.select_related("petition", "petition__handling_org").get(pk=event_id)
        with transaction.atomic():
            deliveries = deliveries_queue(event=event)
        for delivery in deliveries:
            webhook_deliver.enqueue(delivery.pk)

    transaction.on_commit(queue)
