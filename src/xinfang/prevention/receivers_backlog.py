"""反流: the matching app's repeat links (RepeatLinkEvent rows) checked against the struck-off 积案.

Connected at start-up: prevention.backlog (the models, loaded by the app registry) imports this module.
"""

from django.db.models.signals import post_save
from django.dispatch import receiver
from django.utils import timezone

from xinfang.matching.models import RepeatLinkEvent

JOINING_ACTIONS = (RepeatLinkEvent.Action.LINK, RepeatLinkEvent.Action.REROOT)


@receiver(post_save, sender=RepeatLinkEvent, dispatch_uid="prevention.backlog_reflux")
def repeat_linked(sender, instance: RepeatLinkEvent, created: bool, **kwargs) -> None:
    """A petition now part of a matter (关联为重复信访, or its matter's first petition changed): a 反流 of every
    case of that matter struck off before it arrived."""
    if not created or instance.action not in JOINING_ACTIONS or instance.first_petition_after_id is None:
        return
    from xinfang.prevention.services_backlog import reflux_detect

    reflux_detect(petition=instance.petition, matter_root_id=instance.first_petition_after_id,
                  on=timezone.localdate(instance.occurred_at) if instance.occurred_at else None)
