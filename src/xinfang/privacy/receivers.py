"""Each registration, on every channel, records the notice version in force (inside its transaction)."""

from django.dispatch import receiver

from xinfang.petitions.models import Petition
from xinfang.petitions.signals import petition_registered
from xinfang.privacy.models import PetitionNotice
from xinfang.privacy.selectors import notice_current


@receiver(petition_registered, sender=Petition, dispatch_uid="privacy_notice_version")
def record_notice_version(sender, petition: Petition, **kwargs) -> None:
    notice = notice_current()
    if notice is not None:  # an installation that deleted every version records none rather than refuse intake
        PetitionNotice.objects.create(petition=petition, notice=notice)
