"""What the case page's 短信告知 panel shows: each petitioner's consent (current and history), the SMS sent."""

from dataclasses import dataclass, field

from django.conf import settings

from xinfang.notifications.consent import can_record_consent, mobile_number
from xinfang.notifications.models import PetitionerMessage, SmsConsent
from xinfang.notifications.sms import DEFAULT_BACKEND
from xinfang.orgs.models import User
from xinfang.petitions.models import Petition, PetitionParty
from xinfang.workflow.policy import current_policy


@dataclass
class PartyConsent:
    party: PetitionParty
    has_mobile: bool
    current: SmsConsent | None = None
    history: list[SmsConsent] = field(default_factory=list)


@dataclass
class SmsPanel:
    parties: list[PartyConsent]
    messages: list[PetitionerMessage]
    can_record: bool
    enabled: bool
    # The default gateway only writes the log: say so, a 已发送 there reached no phone.
    logging_only: bool


def sms_panel(*, petition: Petition, user: User) -> SmsPanel:
    """The panel of a petition the caller has already fetched through petitions_visible_to."""
    history: dict[int, list[SmsConsent]] = {}
    for consent in (SmsConsent.objects.filter(petition=petition).select_related("recorded_by").order_by("-id")):
        history.setdefault(consent.petitioner_id, []).append(consent)
    parties = []
    for party in petition.parties.select_related("petitioner").order_by("position"):
        rows = history.get(party.petitioner_id, [])
        parties.append(PartyConsent(party=party, has_mobile=mobile_number(party.petitioner.phone) is not None,
                                    current=rows[0] if rows else None, history=rows))
    messages = list(PetitionerMessage.objects.filter(petition=petition)
                    .select_related("notice", "petitioner").order_by("-created_at", "-id"))
    backend = getattr(settings, "XINFANG_SMS_BACKEND", DEFAULT_BACKEND) or DEFAULT_BACKEND
    return SmsPanel(parties=parties, messages=messages, can_record=can_record_consent(actor=user, petition=petition),
                    enabled=current_policy().petitioner_sms.enabled, logging_only=backend == DEFAULT_BACKEND)
