"""A notice issued (saved for the first time) queues the SMS to its consenting petitioners, in the same
transaction; workflow.services is not touched (another app's writes stay out of the rules engine)."""

from django.db.models.signals import post_save
from django.dispatch import receiver

from xinfang.notifications.petitioner_sms import petitioner_messages_queue
from xinfang.workflow.models import Notice


@receiver(post_save, sender=Notice, dispatch_uid="notifications.petitioner_sms")
def _queue_petitioner_sms(sender, instance: Notice, created: bool, raw: bool = False, **kwargs) -> None:
    if created and not raw:
        petitioner_messages_queue(notice=instance)
