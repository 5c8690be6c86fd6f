"""Every registered petition (typed in, or imported: both go through registration) is indexed at once."""

from django.dispatch import receiver

from xinfang.petitions.signals import petition_registered
from xinfang.similarity.services import index_petition
from xinfang.similarity.text import petition_text


@receiver(petition_registered)
def _index_registered_petition(sender, petition, **kwargs) -> None:
    # Sent inside the registration's transaction: the index never lacks a registered petition.
    index_petition(petition_id=petition.pk, text=petition_text(petition))
