"""Registration hooks: stored facts, identity keys and links, a repeat confirmed on the form, 越级, mass matters.

They run inside the registration's transaction (petitions sends `petition_registered` there), so the
columns statistics count (`first_petition`, `is_skip_level`) are right the moment the petition exists.
"""

import logging

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models.signals import post_save
from django.dispatch import receiver

from xinfang.matching.models import RepeatIntent
from xinfang.matching.services import (
    cluster_consider,
    identity_keys_refresh,
    identity_links_detect,
    repeat_link,
    skip_level_decide,
)
from xinfang.matching.stored import facts_store
from xinfang.petitions.models import Petition, Petitioner
from xinfang.petitions.signals import petition_registered

logger = logging.getLogger(__name__)

INTENT_REASON = "登记时确认为重复信访"


@receiver(petition_registered, dispatch_uid="matching.on_registered")
def on_registered(sender, petition: Petition, **kwargs) -> None:
    facts_store(petitions=[petition])
    petitioners = list(Petitioner.objects.filter(parties__petition=petition))
    identity_keys_refresh(petitioners=petitioners)
    identity_links_detect(petitioners=petitioners)
    if petition.idempotency_key:
        intent = RepeatIntent.objects.filter(user_id=petition.registered_by_id,
                                             idempotency_key=petition.idempotency_key).first()
        if intent is not None:
            try:
                with transaction.atomic():
                    repeat_link(actor=petition.registered_by, petition_id=petition.pk,
                                first_petition_id=intent.first_petition_id, reason=INTENT_REASON)
            except (ValidationError, PermissionDenied, Petition.DoesNotExist) as error:
                # The registration stands; the case page offers the candidates again.
                logger.info("repeat intent of %s not applied: %s", petition.number, error)
            intent.delete()
            petition.refresh_from_db(fields=["first_petition"])
    skip_level_decide(petition=petition)
    cluster_consider(petition=petition)


# What the stored facts are read from: a save that may change one of these rewrites them.
FACTS_FIELDS = frozenset({"summary", "content", "demands", "received_at", "petition_type"})


@receiver(post_save, sender=Petition, dispatch_uid="matching.on_petition_saved")
def on_petition_saved(sender, instance: Petition, created: bool, update_fields=None, raw: bool = False,
                      **kwargs) -> None:
    """A text corrected after registration (admin, a later service) gets its facts rewritten in that save's
    transaction. A new petition waits for `petition_registered` (its parties are not written yet); workflow
    saves name their fields and touch no text, so they cost nothing here."""
    if created or raw or (update_fields is not None and not FACTS_FIELDS & set(update_fields)):
        return
    facts_store(petitions=[instance])
